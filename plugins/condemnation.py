"""Negated and condemning use of a label is not name-calling: "he is not an idiot",
"stop calling people vermin", "calling migrants animals is wrong". Such hits are
downgraded (kept as ``info`` with a lower confidence) or dropped.

Only hits of the techniques in ``techniques`` (default: name-calling) are judged.
Options (``config.plugin_options("condemnation")``): ``action`` (``downgrade``, the
default, or ``drop``), ``techniques`` (a list of technique ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from rhetoric import AnalyzerConfig, Document, Hit, hookimpl, only_when
from rhetoric.hookspecs import compiled_pattern, fold_cues

DEFAULT_TECHNIQUES = ("name-calling",)


# Compiled at import through compiled_pattern, so the analyzer keeps them with the other
# plugins' patterns and later runs read them back instead of compiling them. (Compiled
# on first use instead, they were compiled again by every run that judged a label:
# the kept file is written once the plugins are imported, before any first use.)

# Sentence boundaries: a label and its condemnation live in one sentence.
_SENTENCE_END = compiled_pattern(r"[.!?;\n]+")

# Right before the label: "not (a|an|so|really...)", "isn't", "never been a".
_NEGATED = compiled_pattern(
    r"(?:\bnot|n['\u2019]t|\bnever|\bnor)\s+(?:(?:a|an|the|so|that|very|really|being|been|"
    r"just|some|any|all|calling\s+\w+|call\s+\w+)\s+){0,3}$",
    flags=regex.IGNORECASE,
)
# Before the label: "stop calling (them)", "don't call (people)", "wrong to call".
_STOP_CALLING = compiled_pattern(
    r"\b(?:stop|quit|don['\u2019]?t|do\s+not|never|shouldn['\u2019]?t|should\s+not|"
    r"can['\u2019]?t|cannot|no\s+need\s+to|refuse\s+to|wrong\s+to|unacceptable\s+to|"
    r"not\s+okay\s+to|not\s+ok\s+to|apologi[sz]ed?\s+for|condemn\w*|denounc\w*|"
    r"criticis\w*|criticiz\w*|slamm?\w*)\s+"
    r"(?:\w+\s+){0,3}?(?:call|calling|called|label|labell?ing|labell?ed|dub|dubbing|brand|"
    r"branding|refer\w*\s+to\s+\w+\s+as|the\s+word|the\s+term|the\s+use\s+of)\b[^.!?;\n]*$",
    flags=regex.IGNORECASE,
)
# Before the label: "calling X", "to call X", "labeling X" (subject of a verdict).
_CALLING = compiled_pattern(
    r"\b(?:calling|to\s+call|labell?ing|to\s+label|branding|dubbing|using\s+the\s+word|"
    r"the\s+word|the\s+term)\b[^.!?;\n]{0,60}$",
    flags=regex.IGNORECASE,
)
# After the label: "... is wrong", "... was racist", "... has to stop".
_VERDICT = compiled_pattern(
    r"^[^.!?;\n]{0,40}?\b(?:is|was|are|were|remains|seems)\s+(?:just\s+|simply\s+|so\s+|"
    r"completely\s+|totally\s+|deeply\s+|also\s+)?(?:wrong|unacceptable|not\s+okay|not\s+ok|"
    r"not\s+acceptable|racist|bigoted|dehumani[sz]ing|offensive|disgusting|shameful|"
    r"disgraceful|hateful|inexcusable|beyond\s+the\s+pale|dangerous|vile|a\s+slur|"
    r"an\s+insult|name-calling|name\s+calling|uncalled\s+for)\b"
    r"|^[^.!?;\n]{0,40}?\b(?:has|have|needs?)\s+to\s+stop\b",
    flags=regex.IGNORECASE,
)


# How far around a label its sentence is looked for: enough for any real sentence,
# and it keeps the cost per hit constant on megabyte-long comments.
_REACH = 400


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    floor = max(0, start - _REACH)
    begin = max(text.rfind(mark, floor, start) for mark in ".!?;\n") + 1
    after = _SENTENCE_END.search(text, end, min(len(text), end + _REACH))
    return max(begin, floor), after.start() if after else min(len(text), end + _REACH)


# Literals the regexes cannot match without (case-insensitively): a negation for
# _NEGATED; a word of naming (call, label, dub, brand, refer, "the word", "the term",
# "the use of") for both _STOP_CALLING and _CALLING.
NEGATION_CUES = ("not", "n't", "n\u2019t", "never", "nor")
NAMING_CUES = ("call", "label", "dub", "brand", "refer", "word", "term", "use")


def judge(text: str, start: int, end: int) -> str | None:
    """``negated`` or ``condemned`` when the label at ``start:end`` is used that way.
    A regex runs only when the words before the label hold a literal it needs."""
    begin, finish = _sentence(text, start, end)
    before = text[begin:start]
    folded = fold_cues(before)
    if any(map(folded.__contains__, NEGATION_CUES)) and _NEGATED.search(before):
        return "negated"
    if not any(map(folded.__contains__, NAMING_CUES)):
        return None
    if _STOP_CALLING.search(before):
        return "condemned"
    if _CALLING.search(before) and _VERDICT.search(text[end:finish]):
        return "condemned"
    return None


def _techniques(options: Mapping[str, Any]) -> tuple[str, ...]:
    value = options.get("techniques", DEFAULT_TECHNIQUES)
    return (value,) if isinstance(value, str) else tuple(value)


@hookimpl
@only_when(*NEGATION_CUES, *NAMING_CUES)  # a comment with none of them is not judged
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> Hit | bool | None:
    options = config.plugin_options("condemnation")
    if hit.technique not in _techniques(options):
        return None
    verdict = judge(doc.text, hit.start, hit.end)
    if verdict is None:
        return None
    if options.get("action", "downgrade") == "drop":
        return False
    return hit.downgraded(**{verdict: True})
