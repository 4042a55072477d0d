"""One finding per insult phrase: consecutive hits of the same technique separated only
by spaces or a comma ("stupid ignorant fool", "lying, corrupt crook") are reported as
one hit spanning the phrase, instead of one finding per word.

A moderator reads "stupid ignorant fool" as one insult, and three findings for it
crowd the report without saying more. The joined hit keeps the strongest part's rule,
message and target, lists every part in ``evidence["joined"]`` (rule, span, text) so
nothing found is hidden, and gets the noisy-OR of the parts' confidences and the
highest part's severity: a technique's score is the noisy-OR of its hits, so joining
leaves every technique score and the overall score exactly as they were. The one figure
that can change is the flagging score (warning-or-worse hits only): an ``info`` word
inside an insult phrase ("ignorant" in "stupid ignorant fool") now counts with the
phrase's warning, and that is the point: next to a label for a person, the adjective is
aimed at that person too.

What this is *not*: a way to widen spans over neighbouring words. Measured in issue 14
on the toxic spans training split (``bench/toxic_extents.py``), annotators there mark
the insulting word and leave its neighbours out most of the time ("complete" in
"complete idiot" 6 times of 53, "you" before an insult 12 of 116), so stretching hits
over intensifiers, articles, pronouns or the noun an adjective qualifies lowers the
SemEval-2021 T5 score; joining over spaces and commas costs it 0.02 points and saves a
moderator 2-3% of the findings. Joining over "and"/"or" was measured too (0.04 points)
and left out: "fools and idiots" is two labels more often than one phrase.

Options (``config.plugin_options("phrases")``): ``techniques``, the technique ids whose
hits are joined (default :data:`JOINED`: the insult techniques, whose words stack into
phrases; loaded language in news is left alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from rhetoric import (
    AnalyzerConfig,
    Document,
    Hit,
    Report,
    hookimpl,
    only_when,
    replace_hit,
    rescored,
)
from rhetoric.model import HIT_ORDER

JOINED: Final = frozenset({"name-calling", "slur", "profanity"})
GAP: Final = re.compile(r"[ \t]*,?[ \t]*")  # spaces, or one comma among spaces; no newline
MAX_GAP: Final = 6  # characters between two parts: "idiot ,  moron" at most


def _techniques(config: AnalyzerConfig) -> frozenset[str]:
    chosen = config.plugin_options("phrases").get("techniques")
    if chosen is None:
        return JOINED
    if isinstance(chosen, str) or not all(isinstance(t, str) for t in chosen):
        raise TypeError("phrases: 'techniques' must be a list of technique ids")
    return frozenset(chosen)


def _adjacent(text: str, left: Hit, right: Hit) -> bool:
    """Whether ``right`` follows ``left`` with only spaces or a comma between them."""
    gap = right.start - left.end
    return 0 < gap <= MAX_GAP and GAP.fullmatch(text, left.end, right.start) is not None


def runs(text: str, hits: Sequence[Hit], techniques: frozenset[str]) -> list[list[Hit]]:
    """The groups of hits to report as one: maximal runs of consecutive hits of one
    technique (in text order, no other hit of that technique between) that are
    :func:`_adjacent`. Hits of other techniques never break a run: an
    insult can be name-calling and loaded language at once."""
    by_key: dict[str, list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: (h.start, h.end)):
        if hit.technique in techniques:
            by_key.setdefault(hit.technique, []).append(hit)
    groups: list[list[Hit]] = []
    for key_hits in by_key.values():
        run = [key_hits[0]]
        for hit in key_hits[1:]:
            if _adjacent(text, run[-1], hit):
                run.append(hit)
            else:
                groups.append(run)
                run = [hit]
        groups.append(run)
    return [group for group in groups if len(group) > 1]


def joined(text: str, parts: Sequence[Hit]) -> Hit:
    """One hit spanning ``parts`` (the strongest, by severity then confidence, gives
    rule, message, severity and target)."""
    best = max(sorted(parts, key=lambda h: h.rule), key=lambda h: (h.severity.rank, h.confidence))
    remaining = 1.0
    for part in parts:
        remaining *= 1.0 - part.confidence
    start, end = parts[0].start, parts[-1].end
    # "also" named the techniques sharing the best part's own span, not the phrase's.
    evidence: dict[str, Any] = {k: v for k, v in best.evidence.items() if k != "also"}
    evidence["joined"] = [
        {"rule": p.rule, "start": p.start, "end": p.end, "text": p.text} for p in parts
    ]
    return replace_hit(
        best,
        start=start,
        end=end,
        text=text[start:end],
        confidence=round(1.0 - remaining, 6),
        evidence=evidence,
        target=best.target or next((p.target for p in parts if p.target), None),
    )


def join_phrases(text: str, hits: Iterable[Hit], techniques: frozenset[str]) -> list[Hit] | None:
    """``hits`` with each run of :func:`runs` replaced by its :func:`joined` hit, in
    report order; ``None`` when there is nothing to join."""
    hits = list(hits)
    groups = runs(text, hits, techniques)
    if not groups:
        return None
    absorbed = {id(part) for group in groups for part in group}
    result = [hit for hit in hits if id(hit) not in absorbed]
    result.extend(joined(text, group) for group in groups)
    result.sort(key=HIT_ORDER)
    return result


@hookimpl
@only_when(hits=2)  # one hit joins with nothing: most reports are never looked at
def rhetoric_adjust_report(report: Report, doc: Document, config: AnalyzerConfig) -> Report | None:
    if len(report.hits) < 2:  # (reached with fast paths off)
        return None
    techniques = _techniques(config)
    scored = [h for h in report.hits if h.technique in report.scores]
    result = join_phrases(doc.text, scored, techniques)
    if result is None:
        return None
    unscored = [h for h in report.hits if h.technique not in report.scores]
    hits = sorted([*result, *unscored], key=HIT_ORDER)
    return rescored(report, hits, config.thresholds)
