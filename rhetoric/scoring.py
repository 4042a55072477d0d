"""Combine raw hits into what a report states: merged spans, scores, a verdict."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from .config import Thresholds
from .model import HIT_ORDER, Hit, Report, Severity, Verdict, new_report, replace_hit

_SPAN = attrgetter("start", "end")


def _strength(hit: Hit) -> tuple[int, float, int]:
    return (hit.severity.rank, hit.confidence, hit.end - hit.start)


def merge_overlapping(
    hits: Iterable[Hit], text: str, preview: frozenset[str] = frozenset()
) -> list[Hit]:
    """Merge overlapping hits of the same technique into one per cluster.

    One hit gives the rule, message, severity, confidence and target: the higher
    severity; among equals a rule that is not a preview (``preview``: the ids of the
    preview rules, with ``--preview``) before one that is; then the higher confidence,
    the longer span, the rule id that sorts first. So a preview rule takes a stable
    rule's finding only by being more severe, never by a point of confidence, and the
    outcome never depends on the order detectors reported in. The span is the union
    of the cluster; the other rules are listed in ``evidence['merged']`` so nothing
    found is hidden (``rhetoric eval --per-rule`` counts them per rule).
    Document-level findings (``evidence['scope'] == 'document'``: an escalation's
    ``span: cues``) stand apart: their span is one cue, not the extent of the finding.
    """
    by_technique: dict[str, list[Hit]] = defaultdict(list)
    merged: list[Hit] = []
    for hit in hits:
        if hit.evidence.get("scope") == "document":
            merged.append(hit)
        else:
            by_technique[hit.technique].append(hit)
    for group in by_technique.values():
        group.sort(key=_SPAN)
        cluster: list[Hit] = []
        cluster_end = -1
        for hit in group:
            if cluster and hit.start >= cluster_end:
                merged.append(_merge_cluster(cluster, text, preview))
                cluster = []
            cluster.append(hit)
            cluster_end = max(cluster_end, hit.end) if len(cluster) > 1 else hit.end
        if cluster:
            merged.append(_merge_cluster(cluster, text, preview))
    merged.sort(key=HIT_ORDER)
    return link_same_span(merged)


def link_same_span(hits: list[Hit]) -> list[Hit]:
    """Hits of different techniques on exactly the same span name each other in
    ``evidence['also']`` (``technique:rule``), so one finding can be shown once.

    Both hits stay, on purpose. An insult word is name-calling in a comment and
    loaded language in a news sentence, and nothing in the word tells the two apart:
    measured in issue 14 on the development data, keeping only one technique (either
    one, or the one the hit's target suggests) cost toxic spans T5 up to 20 points or
    loaded-language span F1 up to 11 points, and keeping both cost nothing. Scores are
    per technique and the overall score is the strongest one, so the duplicate never
    counts twice towards a verdict.
    """
    by_span: dict[tuple[int, int], list[Hit]] = defaultdict(list)
    for hit in hits:
        by_span[hit.start, hit.end].append(hit)
    if len(by_span) == len(hits):  # the usual case: no two hits share a span
        return hits
    if all(len({h.technique for h in group}) < 2 for group in by_span.values()):
        return hits
    linked: list[Hit] = []
    for hit in hits:
        others = sorted(
            f"{h.technique}:{h.rule}"
            for h in by_span[hit.start, hit.end]
            if h.technique != hit.technique
        )
        if others:
            hit = replace_hit(hit, evidence={**hit.evidence, "also": others})
        linked.append(hit)
    return linked


def _merge_cluster(cluster: list[Hit], text: str, preview: frozenset[str]) -> Hit:
    if len(cluster) == 1:
        return cluster[0]
    # Ties go to the rule id that sorts first, so the result never depends on the
    # order in which detectors happened to report.
    ranked = sorted(cluster, key=lambda h: h.rule)
    if preview and any(h.rule in preview for h in cluster):
        best = max(
            ranked,
            key=lambda h: (h.severity.rank, h.rule not in preview, h.confidence, h.end - h.start),
        )
    else:
        best = max(ranked, key=_strength)
    start = min(h.start for h in cluster)
    end = max(h.end for h in cluster)
    others = sorted({h.rule for h in cluster if h is not best and h.rule != best.rule})
    evidence = dict(best.evidence)
    if others:
        evidence["merged"] = others
    return replace_hit(
        best,
        start=start,
        end=end,
        text=text[start:end],
        evidence=evidence,
        # Whom the cluster aims at: the strongest hit's target, else any other's.
        target=best.target or next((h.target for h in cluster if h.target), None),
    )


# round(1.0 - rest, 4) of each remaining product seen: ``round`` with digits converts
# through decimal strings (dtoa there and back, thousands of instructions), and the
# products repeat (a few rule confidences make most of them). Floats only (equal keys,
# 0.0 and -0.0 too, give the same 1.0 - rest); bounded: once full, the rest are
# rounded as they come.
_ROUNDED: dict[float, float] = {}
_MAX_ROUNDED = 4096


def _score(rest: float) -> float:
    """``round(1.0 - rest, 4)``, the score a noisy-OR leaves."""
    value = _ROUNDED.get(rest)
    if value is None:
        value = round(1.0 - rest, 4)
        if type(rest) is float and rest == rest and len(_ROUNDED) < _MAX_ROUNDED:
            _ROUNDED[rest] = value
    return value


def technique_scores(hits: Iterable[Hit]) -> dict[str, float]:
    """Noisy-OR of hit confidences per technique: independent pieces of evidence
    raise the score, and it never exceeds 1."""
    remaining: dict[str, float] = defaultdict(lambda: 1.0)
    for hit in hits:
        remaining[hit.technique] *= 1.0 - hit.confidence
    return {technique: _score(rest) for technique, rest in sorted(remaining.items())}


def overall_score(scores: Mapping[str, float]) -> float:
    """The strongest technique decides: a comment is as bad as its worst aspect."""
    return max(scores.values(), default=0.0)


def judge(hits: Iterable[Hit], thresholds: Thresholds) -> tuple[dict[str, float], float, Verdict]:
    """Per-technique scores, overall score and verdict of a set of (merged) hits: the
    one place a report's judgement is made, also when a caller drops hits later.

    One pass for both noisy-ORs (``technique_scores`` of all hits and of the
    warning-or-worse ones, :func:`flagging_score`), multiplying in the same order, so
    the figures are exactly theirs."""
    remaining: dict[str, float] = {}
    flagging: dict[str, float] = {}
    warning = Severity.WARNING.rank
    for hit in hits:
        technique = hit.technique
        factor = 1.0 - hit.confidence
        remaining[technique] = remaining.get(technique, 1.0) * factor
        if hit.severity.rank >= warning:
            flagging[technique] = flagging.get(technique, 1.0) * factor
    scores = {technique: _score(rest) for technique, rest in sorted(remaining.items())}
    score = overall_score(scores)
    flagged = max((_score(rest) for rest in flagging.values()), default=0.0)
    return scores, score, verdict(score, thresholds, flagged)


def flagging_score(hits: Iterable[Hit]) -> float:
    """The overall score of the ``warning``-or-worse hits alone: what may flag a
    comment. ``info`` findings (a charged word, mild profanity) describe style, and
    however sure the detector is of them they are not a reason to act."""
    warning = Severity.WARNING.rank
    return overall_score(technique_scores(h for h in hits if h.severity.rank >= warning))


def verdict(score: float, thresholds: Thresholds, flagging: float | None = None) -> Verdict:
    """``flagged`` when the warning-or-worse hits reach ``thresholds.flagged``
    (``flagging``, see :func:`flagging_score`; ``score`` itself when not given),
    ``borderline`` when the overall score reaches ``thresholds.borderline`` or
    ``thresholds.flagged`` on info hits alone, else ``clean``.

    With the default thresholds this agrees with the default policy, which sends
    warning-or-worse findings scoring at least 0.7 to review: a comment the policy
    lets through is never painted as flagged.
    """
    flagging = score if flagging is None else flagging
    if flagging >= thresholds.flagged and flagging > 0:
        return Verdict.FLAGGED
    if score >= thresholds.borderline and score > 0:
        return Verdict.BORDERLINE
    return Verdict.CLEAN


def rescored(report: Report, hits: Sequence[Hit], thresholds: Thresholds) -> Report:
    """``report`` with ``hits`` in place of its own, and the scores, score and verdict
    they earn: for plugins that change a finished report's hits
    (``rhetoric_adjust_report`` gets the analyzer's ``config.thresholds``).

    Techniques the report carried without scoring them (a host's notices, such as
    unused suppression comments) stay unscored.
    """
    unscored = {hit.technique for hit in report.hits} - set(report.scores)
    scores, score, judged = judge([h for h in hits if h.technique not in unscored], thresholds)
    return new_report(
        report.id, tuple(hits), scores, score, judged, report.readability, report.errors
    )
