"""Templates and co-occurrence windows stop at sentence breaks. The engine finds the
token after each break by bisection; it must mark exactly the tokens that a scan of
every gap between two tokens would mark."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.engine.compiled import _sentence_breaks
from rhetoric.text import prepare

BREAK = re.compile(r"[.!?;]|\n\s*\n")
TEXT = st.text(alphabet="ab c.!?;\n'u.s", max_size=60)


def reference(text: str) -> list[bool]:
    tokens = prepare(text).tokens
    marks = [True] * len(tokens)
    for i in range(1, len(tokens)):
        gap_start, gap_end = tokens[i - 1].end, tokens[i].start
        marks[i] = any(gap_start <= m.start() < gap_end for m in BREAK.finditer(text))
    return marks


@settings(max_examples=800, deadline=None)
@given(TEXT)
def test_breaks_are_those_between_tokens(text: str) -> None:
    assert _sentence_breaks(prepare(text)) == reference(text)


def test_breaks_after_punctuation_and_blank_lines() -> None:
    prepared = prepare("one two. three\n\nfour; five six")
    assert [t.norm for t in prepared.tokens] == ["one", "two", "three", "four", "five", "six"]
    assert _sentence_breaks(prepared) == [True, False, True, True, True, False]
    assert _sentence_breaks(prepare("")) == []
