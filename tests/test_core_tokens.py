"""The compiled core's word cut and token loop (``word_spans`` and ``build_tokens`` in
``rhetoric/_core.c``) against ``rhetoric/text/tokens.py``'s ``python_word_spans`` and
``python_build_tokens``, the references.

The core takes a normalized view with identity offsets (an ASCII one for the cut, and no
lookalike readings for the tokens); it may decline (None) anything it does not expect,
and then tokens.py does the work.
With ``RHETORIC_NO_CORE=1`` (CI runs this file so too) only the dispatch tests run.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric._coreload import core
from rhetoric.text import tokens as tokens_module
from rhetoric.text.normalize import normalize
from rhetoric.text.prepared import prepare_general
from rhetoric.text.tokens import (
    Token,
    analyze,
    build_tokens,
    python_build_tokens,
    python_word_spans,
    word_spans,
)

REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)

# What decides a word's readings: swap, doubled and pair letters, leet and mask signs,
# digits, apostrophes, gaps of every kind (glue or not, line breaks), capitals.
DECIDING = "abcefhiklnoqrsuvwxyz 0137@$!|+*#%^'`\".,-_~:/\t\n\rAQV&"
SPECIAL = [
    "\x00", "\x7f", "\u0301", "e\u0301", "\u200d", "\u202e", "\u05d0\u05d1", "\u0627",
    "\u00a0", "\ufeff", "\U0001f469\u200d\U0001f4bb", "\U0010ffff", "\ud800", "\udfff",
    "\u2019", "\U0001d41f", "\uff41", "\u0456", "\ufb01", "\u200b", "\u3000", "\u2014",
    "\u00e9", "\u00df", "\u00ab", "\u2010", "caf\u00e9", "na\u00efve", "\u0430ss",
]  # fmt: skip
TEXT = (
    st.text(alphabet=DECIDING, max_size=80)
    | st.text(st.characters(max_codepoint=127), max_size=80)
    | st.lists(st.sampled_from(SPECIAL) | st.text(alphabet=DECIDING, max_size=6), max_size=10).map(
        "".join
    )
    | st.builds(
        lambda piece, count: piece * count,
        st.sampled_from(["a ", "fvck ", "sh!t ", "\u00e9 ", "aaa", "'", "vv ", "f*ck\n"]),
        st.integers(0, 3_000),
    )
)


def _check(text: str) -> None:
    """The core's tokens equal the reference's for ``text``'s spans (same types), or it
    declines, which it may only do off its path."""
    assert core is not None
    normalized, offsets = normalize(text)
    spans = python_word_spans(normalized, offsets)
    cut = core.word_spans(normalized, tokens_module._trim)
    if normalized.isascii() and offsets.is_identity:
        assert cut == spans
        assert all(type(span) is tuple and list(map(type, span)) == [int, int] for span in cut)
    elif not normalized.isascii():
        assert cut is None
    assert word_spans(normalized, offsets) == spans
    expected = python_build_tokens(normalized, spans, offsets, {})
    built = core.build_tokens(normalized, spans, analyze, tokens_module._glue)
    if not offsets.is_identity:
        return  # build_tokens never asks the core for these: only no crash is required
    assert built == expected
    assert type(built) is tuple
    for token, reference in zip(built, expected, strict=True):
        assert type(token) is Token
        assert list(map(type, token)) == list(map(type, reference))
    assert build_tokens(normalized, spans, offsets, {}) == expected


@needs_core
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_core_tokens_equal_the_reference(text: str) -> None:
    _check(text)


@needs_core
@pytest.mark.parametrize(
    "text",
    [
        "", " ", "a", "'", "it's", "fvck", "dlck", "fuuck", "fuckk", "shitt", "hawaii",
        "vvhat", "sh!t", "f**k", "@ss", "l0ser", "1diot", "*ucking", "**stupid**", "$100",
        "idiot!!", "b!!tch", "f u c k", "*deep* state", "one - two", "a\nb\r\nc\rd",
        "x\n\ny", "caf\u00e9 au lait", "a\u00a0b", "a\u3000b", "\u00ab word \u00bb",
        "aaaa " * 300, "x" * 300, "jaap's", "don't", "rock 'n' roll", "FVCK THIS",
    ],
)  # fmt: skip
def test_core_tokens_on_listed_cases(text: str) -> None:
    _check(text)


@needs_core
def test_core_declines_spans_it_does_not_expect() -> None:
    assert core is not None
    text = "one two three"
    glue = tokens_module._glue
    for spans in (
        ((0, 3), (4, 7)),  # a tuple, not a list
        [(0, 3), [4, 7]],
        [(0, 3, 0)],
        [(0, 3), (2, 7)],  # overlapping
        [(4, 7), (0, 3)],  # out of order
        [(3, 3)],  # empty
        [(0, 99)],
        [(-1, 3)],
        [(0, 2**70)],
        [(0, True)],
    ):
        assert core.build_tokens(text, spans, analyze, glue) is None
    assert core.build_tokens(b"one", [(0, 3)], analyze, glue) is None
    assert core.build_tokens(text, [(0, 3)], None, glue) is None
    assert core.build_tokens("a\u00a0b", [(0, 1), (2, 3)], analyze, lambda gap: 1) is None
    odd = [lambda word: None, lambda word: ((), None, 1), lambda word: ([], None)]
    for answer in odd:
        assert core.build_tokens("f*ck", [(0, 4)], answer, glue) is None
    with pytest.raises(TypeError):
        core.build_tokens(text, [(0, 3)], analyze)
    trim = tokens_module._trim
    for value in (b"one", "caf\u00e9", None):
        assert core.word_spans(value, trim) is None
    assert core.word_spans(text, None) is None
    for answer in ((0, 9), (2, 1), (-1, 2), [0, 1], (0, 1, 2), (0, 2**70), "x"):
        assert core.word_spans("'ab'", lambda run, answer=answer: answer) is None
    with pytest.raises(TypeError):
        core.word_spans(text)


@needs_core
def test_core_passes_on_what_analyze_and_is_glue_raise() -> None:
    assert core is not None

    def broken(_: str) -> object:
        raise RuntimeError("analyze")

    with pytest.raises(RuntimeError, match="analyze"):
        core.build_tokens("f*ck", [(0, 4)], broken, tokens_module._glue)
    with pytest.raises(RuntimeError, match="analyze"):
        core.build_tokens("a\u00a0b", [(0, 1), (2, 3)], analyze, broken)
    with pytest.raises(RuntimeError, match="analyze"):
        core.word_spans("ok 'quoted'", broken)
    assert core.word_spans("ok 'quoted' $5 !! x!!y", lambda run: None) == [
        (0, 2),
        (18, 19),
        (21, 22),
    ]


@needs_core
def test_core_asks_analyze_only_for_words_that_may_need_it() -> None:
    assert core is not None
    asked: list[str] = []

    def counting(word: str) -> tuple[tuple[str, ...], str | None]:
        asked.append(word)
        return analyze(word)

    text = "the cat's fvck sh!t hello fuuck 2020"
    normalized, offsets = normalize(text)
    spans = word_spans(normalized, offsets)
    built = core.build_tokens(normalized, spans, counting, tokens_module._glue)
    assert built == python_build_tokens(normalized, spans, offsets, {})
    assert asked == ["fvck", "sh!t", "fuuck", "2020"]


def test_prepare_builds_what_the_reference_loop_builds() -> None:
    """``prepare``'s tokens (through the core when it is there) are the Python loop's."""
    for text in ("sh!t and f**k, you 1diot", 'fvck -- the "*deep* state"', "a b c"):
        normalized, offsets = normalize(text)
        assert offsets.is_identity
        spans = word_spans(normalized, offsets)
        expected = python_build_tokens(normalized, spans, offsets, {})
        assert prepare_general(text).tokens == expected
        assert expected[0].variants or expected[0].mask or text == "a b c"


@needs_core
def test_core_tokens_leave_reference_counts_unchanged() -> None:
    assert core is not None
    text = "it's sh!t, f**k -- fvck the rock 'n' roll\n*deep* state \u00a0caf\u00e9 " * 3
    normalized, offsets = normalize(text)
    spans = word_spans(normalized, offsets)
    glue = tokens_module._glue
    core.build_tokens(normalized, spans, analyze, glue)  # fill the caches first
    variants, mask = analyze("f**k")

    trim = tokens_module._trim
    ascii_text = "'em sh!t!! f**k -- 'quoted' $100 ok!!ok"

    def counts() -> tuple[int, ...]:
        return tuple(map(sys.getrefcount, (normalized, spans, variants, mask, ascii_text, trim)))

    before = counts()
    for _ in range(2_000):
        core.build_tokens(normalized, spans, analyze, glue)
        core.build_tokens(normalized, [*spans, (0, 1)], analyze, glue)
        core.word_spans(ascii_text, trim)
        core.word_spans(ascii_text, lambda run: (0, 99))
    after = counts()
    assert after == before


@needs_core
@pytest.mark.parametrize(
    "text",
    ["well \u2014 sh!t, f**k \U0001f600 ok!!", "a\u2013b !!x\u2014y", "'tis \u2014 'em\u2014"],
)
def test_a_view_with_non_ascii_separators_is_cut_by_the_core(text: str) -> None:
    """Dashes and emoji are never part of a word: the core cuts the view with each made
    a space (same runs, same offsets), and the spans are the reference's."""
    normalized, offsets = normalize(text)
    assert offsets.is_identity and not normalized.isascii()
    stand_in = tokens_module._ascii_stand_in(normalized)
    assert stand_in is not None and len(stand_in) == len(normalized)
    assert word_spans(normalized, offsets) == python_word_spans(normalized, offsets)
    assert tokens_module._ascii_stand_in("caf\u00e9 \u2014") is None  # a letter: not cut so
