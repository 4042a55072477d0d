"""Quoted and reported speech is not the commenter's own voice: hits inside a
quotation are downgraded (or dropped), while short scare quotes ("enemy") still count
unless a reporting verb introduces them (`he called them "vermin"`).

A passage counts as a quotation when it is enclosed in double quotes (straight,
curly or guillemets) and has at least ``min_words`` words, when it is a Markdown
block quote (``> ...``), or when it is a short quote right after a verb of naming
(called, labelled, dubbed, branded...). Options (``config.plugin_options("quoting")``):
``min_words`` (default 3) and ``action`` (``downgrade``, the default: keep the hit as
``info`` with half the confidence, so it no longer fails a check but stays visible;
or ``drop``).

Escalation rules run after this filter and see the downgraded hit: a rule that must not
build on quoted speech asks for ``min_severity: warning`` (as ``attack-and-violence``
does), since its combined span may reach past the quotation and no filter runs again.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import regex

from rhetoric import AnalyzerConfig, Document, Hit, hookimpl, only_when
from rhetoric.hookspecs import compiled_pattern, fold_cues

_QUOTED = compiled_pattern(r'"[^"\n]{1,4000}"|“[^“”]{1,4000}”|„[^“”„]{1,4000}[“”]|«[^«»]{1,4000}»')
_BLOCK_QUOTE = compiled_pattern(r"^[ \t]{0,3}>.*$", flags=regex.MULTILINE)
_WORD = compiled_pattern(r"\w+")
# A short quote after a verb of naming: called them "vermin", labelled him a "traitor".
_REPORTED = compiled_pattern(
    r"\b(?:call|calls|called|calling|label|labels|labell?ed|labell?ing|dub|dubs|dubbed|"
    r"brand|brands|branded|term|terms|termed|describ\w+|refer\w*\s+to)\b"
    r"(?:\s+[\w'\u2019]+){0,3}?\s+(?:as\s+)?(?:an?\s+|the\s+)?"
    r'("[^"\n]{1,60}"|\u201c[^\u201c\u201d\n]{1,60}\u201d|'
    r"'[^'\n]{1,40}'|\u2018[^\u2018\u2019\n]{1,40}\u2019)",
    flags=regex.IGNORECASE,
)


# What each kind of quotation cannot be found without (case-insensitively): a regex
# runs only on a comment holding one of its marks or verbs.
_QUOTED_MARKS = ('"', "\u201c", "\u201e", "\u00ab")
_NAMING_VERBS = ("call", "label", "dub", "brand", "term", "describ", "refer")


@lru_cache(maxsize=256)
def quoted_spans(text: str, min_words: int) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that are quotations (not scare quotes)."""
    spans = []
    if any(mark in text for mark in _QUOTED_MARKS):
        spans = [
            m.span() for m in _QUOTED.finditer(text) if len(_WORD.findall(m.group())) >= min_words
        ]
    if ">" in text:
        spans.extend(m.span() for m in _BLOCK_QUOTE.finditer(text))
    folded = fold_cues(text)
    if any(verb in folded for verb in _NAMING_VERBS):
        spans.extend(m.span(1) for m in _REPORTED.finditer(text))
    return tuple(sorted(spans))


_QUOTE_MARKS = ('"', "“", "„", "«", ">", "'", "\u2018")


@lru_cache(maxsize=256)
def _containment(text: str, min_words: int) -> tuple[list[int], list[int]]:
    """Quotation starts, and for each the furthest end reached so far: a hit lies
    inside some quotation when, among those starting at or before it, the furthest
    end reaches its end (one bisection per hit, however long the comment)."""
    starts: list[int] = []
    reach: list[int] = []
    if not any(mark in text for mark in _QUOTE_MARKS):
        return starts, reach
    furthest = -1
    for start, end in quoted_spans(text, min_words):
        furthest = max(furthest, end)
        starts.append(start)
        reach.append(furthest)
    return starts, reach


@hookimpl
@only_when(*_QUOTED_MARKS, ">", *_NAMING_VERBS)  # without them no quotation can be found
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> Hit | bool | None:
    text = doc.text
    options = config.plugin_options("quoting")
    min_words = int(options.get("min_words", 3))
    starts, reach = _containment(text, min_words)
    k = bisect.bisect_right(starts, hit.start) - 1
    if k < 0 or reach[k] < hit.end:
        return None
    if options.get("action", "downgrade") == "drop":
        return False
    return hit.downgraded(quoted=True)
