"""Sentences and clauses of a text, for rule parts that look no further than one.

An antipattern with ``within: clause`` (or ``sentence``) is matched on each clause
(sentence) of the text on its own, so a report verb in one clause ("police say he
ran, but someone should shoot him") no longer cancels a hit in another: its
``[^.!?]*`` and ``^`` stop where the clause does. The breaks are those the templates
stop at: ``.!?;`` and blank lines end a sentence; ``,`` and ``:`` also end a clause.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator, Mapping, Sequence

import regex

SCOPES = ("comment", "sentence", "clause")
_ENDS = {
    "sentence": re.compile(r"[.!?;]|\n\s*\n"),
    "clause": re.compile(r"[.!?;,:]|\n\s*\n"),
}


def segments(text: str, within: str) -> Iterator[tuple[int, int]]:
    """The bounds of each sentence or clause of ``text`` (its breaks excluded), in
    order; the whole text for ``comment``."""
    if within == "comment":
        yield 0, len(text)
        return
    start = 0
    for end in _ENDS[within].finditer(text):
        if end.start() > start:
            yield start, end.start()
        start = end.end()
    if start < len(text):
        yield start, len(text)


def scoped_spans(
    pattern: regex.Pattern[str], text: str, within: str, timeout: float | None
) -> Iterator[tuple[int, int]]:
    """The spans (in ``text``) of ``pattern``'s matches, each found inside one
    segment read as a text of its own (so ``^``, ``\\A`` and lookbehinds see its
    start)."""
    if within == "comment":
        for found in pattern.finditer(text, timeout=timeout):
            yield found.span()
        return
    for start, end in segments(text, within):
        for found in pattern.finditer(text[start:end], timeout=timeout):
            yield start + found.start(), start + found.end()


def context_met(
    ends: Mapping[int, Mapping[Hashable, set[int]]],
    need: int,
    first: int,
    last: int,
    part: Sequence[int],
) -> bool:
    """Whether a match of ``need`` (``ends``: per first token, payloads and last
    tokens, as ``TokenTrie.scan_ends`` gives them) lies in the same sentence or clause
    (``part``: its number per token) as tokens ``first..last``, and outside them."""
    own = part[first]
    for start, found in ends.items():
        lasts = found.get(need)
        if not lasts or part[start] != own:
            continue
        for end in lasts:
            if part[end] == own and (end < first or start > last):
                return True
    return False
