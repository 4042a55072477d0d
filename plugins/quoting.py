"""Quoted speech is not the commenter's own voice: hits inside a quotation are
dropped (or downgraded), while short scare quotes ("enemy") still count.

A passage counts as a quotation when it is enclosed in double quotes (straight,
curly or guillemets) and has at least ``min_words`` words, or when it is a
Markdown block quote (``> ...``). Options (``config.plugin_options("quoting")``):
``min_words`` (default 3) and ``action`` (``drop``, the default, or ``downgrade``:
keep the hit as ``info`` with half the confidence).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import regex

from rhetoric import AnalyzerConfig, Document, Hit, Severity, hookimpl

_QUOTED = regex.compile(r'"[^"\n]{1,4000}"|“[^“”]{1,4000}”|„[^“”„]{1,4000}[“”]|«[^«»]{1,4000}»')
_BLOCK_QUOTE = regex.compile(r"^[ \t]{0,3}>.*$", flags=regex.MULTILINE)
_WORD = regex.compile(r"\w+")


@lru_cache(maxsize=256)
def quoted_spans(text: str, min_words: int) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that are quotations (not scare quotes)."""
    spans = [m.span() for m in _QUOTED.finditer(text) if len(_WORD.findall(m.group())) >= min_words]
    spans.extend(m.span() for m in _BLOCK_QUOTE.finditer(text))
    return tuple(sorted(spans))


@hookimpl
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> Hit | bool | None:
    text = doc.text
    if (
        '"' not in text
        and "“" not in text
        and "„" not in text
        and "«" not in text
        and ">" not in text
    ):
        return None
    options = config.plugin_options("quoting")
    min_words = int(options.get("min_words", 3))
    for start, end in quoted_spans(text, min_words):
        if start <= hit.start and hit.end <= end:
            if options.get("action", "drop") == "downgrade":
                evidence = {**hit.evidence, "quoted": True}
                return dataclasses.replace(
                    hit,
                    severity=Severity.INFO,
                    confidence=round(hit.confidence / 2, 4),
                    evidence=evidence,
                )
            return False
    return None
