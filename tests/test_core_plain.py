"""The compiled core's plain path (``word_pieces``, ``is_plain``, ``plain_tokens`` and
``plain_facts`` in ``rhetoric/_core.c``) against the regexes of ``rhetoric/text/plain.py``.

Whatever the core answers must equal the Python reference; it may only decline (None)
text that is not an exact ASCII str, and then ``plain.py`` runs its regexes. With
``RHETORIC_NO_CORE=1`` (CI runs this file so too) only the dispatch tests run.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Comment
from rhetoric._coreload import core
from rhetoric.document import Document
from rhetoric.text import plain
from rhetoric.text.prepared import prepare, prepare_general
from rhetoric.text.tokens import Token

REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)

# ASCII built from what decides plainness: the swap, doubled and pair letters, digits,
# leet and mask signs, spelled-out gaps, glue and line breaks, capitals.
DECIDING = "abcefhiklnoqrsuvwxyz 0137@$!|+*#%^'`\".,-_~:/\t\n\rAQV&"
ASCII_TEXT = st.text(alphabet=DECIDING, max_size=80) | st.text(
    st.characters(max_codepoint=127), max_size=80
)
SPECIAL = [
    "\x00", "\x7f", "\u0301", "e\u0301", "\u200d", "\u202e", "\u05d0\u05d1", "\u0627",
    "\u00a0", "\ufeff", "\U0001f469\u200d\U0001f4bb", "\U0010ffff", "\ud800", "\udfff",
    "\u2019", "\U0001d41f", "\uff41", "\u0456", "\ufb01", "\u200b", "\u3000", "\u2014",
]  # fmt: skip
HOSTILE = st.lists(
    st.sampled_from(SPECIAL) | st.text(alphabet=DECIDING, max_size=6), max_size=8
).map("".join) | st.builds(
    lambda piece, count: piece * count,
    st.sampled_from([*SPECIAL, "a", "aa", "!", "a!", "'", "vv", "f ", "1+", "\r\n"]),
    st.integers(0, 20_000),
)


class Text(str):
    """A str subclass: the core declines it (the regexes take it)."""


def _check(text: str) -> None:
    """Each core function equals its reference, or declines text that is not ASCII."""
    assert core is not None
    ascii_str = text.isascii()
    pieces = core.word_pieces(text)
    plainness = core.is_plain(text)
    tokens = core.plain_tokens(text, None)
    facts = core.plain_facts(text)
    if not ascii_str:
        assert pieces is None and plainness is None and tokens is None and facts is None
        return
    reference = plain.python_word_pieces(text)
    assert pieces == reference
    assert plainness is plain.python_is_plain(text)
    assert type(facts) is tuple and type(facts[0]) is frozenset
    assert facts == (frozenset(reference[1::2]), plainness)
    expected = plain.python_plain_tokens(text)
    assert tokens == expected
    assert all(type(token) is Token for token in tokens)
    assert core.plain_tokens(text, pieces) == expected
    assert core.plain_tokens("ignored when pieces are given", reference) == expected


@needs_core
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ASCII_TEXT)
def test_core_equals_the_regexes_and_takes_all_ascii(text: str) -> None:
    _check(text)


@needs_core
@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_core_equals_the_regexes_on_hostile_text(text: str) -> None:
    _check(text)


@needs_core
@pytest.mark.parametrize(
    "text",
    [
        "", " ", "a", "'", "it's", "rock 'n' roll", "a''b", "ab'", "'ab", "f u c k",
        "f  -  u  -  c", "f.u.c.k", "a b", "a b c d", "fvck", "dlck", "faqqot", "Qatar",
        "vvhat", "avvful", "fuuck", "hawaii", "shitt", "fuckk", "bazaar", "sh!t", "!diot",
        "b!!tch", "0+0", "1'000", "$5", "50%", "a\nb\r\nc\rd", "x\n\ny", "*deep* state",
        "one - two", "x\x00y", "tab\tbed", "a" * 20_000, "!" * 20_000 + "a", "a b " * 5_000,
        "ok ok", "U S A", "a1!b", "@ss", "l0ser", "f*ck", "wh@t's up", "x'''y", "aa bb cc",
    ],
)  # fmt: skip
def test_core_on_listed_cases(text: str) -> None:
    _check(text)


@needs_core
def test_core_declines_what_it_does_not_know() -> None:
    assert core is not None
    for text in (Text("plain words"), "caf\u00e9", "\ud800", "a\u00a0b"):
        assert core.word_pieces(text) is None
        assert core.is_plain(text) is None
        assert core.plain_tokens(text, None) is None
        assert core.plain_facts(text) is None
    for pieces in ((" ", "a", " "), [" ", "a"], ["", "caf\u00e9", ""], ["", Text("a"), ""]):
        assert core.plain_tokens("a", pieces) is None
    for value in (None, 1, b"abc"):
        assert core.word_pieces(value) is None
        assert core.is_plain(value) is None
        assert core.plain_facts(value) is None
    with pytest.raises(TypeError):
        core.plain_tokens("a")


@given(HOSTILE | ASCII_TEXT)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plain_functions_equal_their_references(text: str) -> None:
    """The functions the engine calls give the reference's answer on either path."""
    pieces = plain.word_pieces(text)
    assert pieces == plain.python_word_pieces(text)
    assert plain.plain_tokens(text, pieces) == plain.python_plain_tokens(text)
    if text.isascii():
        assert plain.is_plain(text) is plain.python_is_plain(text)
        assert plain.is_plain(Text(text)) is plain.python_is_plain(text)
        words, plainness, cut = plain.view_facts(text)
        assert words == frozenset(plain.python_word_pieces(text)[1::2])
        assert plainness in (None, plain.python_is_plain(text))
        assert cut in (None, plain.python_word_pieces(text))
        assert (plainness is None) == (cut is not None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE | ASCII_TEXT)
def test_prepare_equals_the_general_path(text: str) -> None:
    """Preparing through a document (the engine's way) equals the long way."""
    doc = Document.of(Comment("t", text))
    assert doc.view_words is not None
    assert doc.prepared == prepare_general(text) == prepare(text)
    # the facts agree whichever is asked first (the core answers two in one pass)
    for first in ("is_plain", "view_words", "prepared"):
        fresh = Document.of(Comment("t", text))
        getattr(fresh, first)
        assert fresh.is_plain is doc.is_plain
        assert fresh.view_words == doc.view_words
        assert fresh.prepared == doc.prepared
    view = doc.ascii_view
    assert doc.is_plain is (view is not None and plain.python_is_plain(view))
    assert doc.view_words == (
        frozenset(plain.python_word_pieces(view)[1::2]) if view is not None else frozenset()
    )


@needs_core
def test_core_leaves_reference_counts_unchanged() -> None:
    assert core is not None
    text = "it's a b c -- fvck the rock 'n' roll\n*deep* state " * 3
    pieces = core.word_pieces(text)
    words = pieces[1::2]
    before = sys.getrefcount(text), sys.getrefcount(pieces), [sys.getrefcount(w) for w in words]
    for _ in range(2_000):
        core.word_pieces(text)
        core.is_plain(text)
        core.plain_tokens(text, None)
        core.plain_tokens(text, pieces)
        core.plain_tokens(text, [*pieces[:-1], "\u00e9"])
        core.plain_facts(text)
    after = sys.getrefcount(text), sys.getrefcount(pieces), [sys.getrefcount(w) for w in words]
    assert after == before


def test_core_tables_are_the_regex_classes() -> None:
    """The tables handed to the core hold exactly the chars of plain.py's classes."""
    from rhetoric.text.obfuscation import (
        DOUBLED_FINAL,
        DOUBLED_INSIDE,
        DOUBLED_NOT_AFTER,
        PAIRS,
        SIGN_CLASS,
        SPELLED_GAPS,
        SWAPS,
        TOKEN_SIGNS,
        char_class,
    )
    from rhetoric.text.tokens import _GLUE_RE

    token, flags, swaps, pairs, gap = plain._core_tables()
    classes = [
        f"[{SIGN_CLASS}]",
        f"[{plain._NOT_BANG}]",
        f"[{plain._NUM_GAP}]",
        f"[{char_class(DOUBLED_INSIDE)}]",
        f"[{char_class(DOUBLED_NOT_AFTER)}]",
        f"[{char_class(DOUBLED_FINAL)}]",
        f"[{char_class(SPELLED_GAPS)}]",
    ]
    assert plain._ODD_RE.pattern.endswith(f"[0-9][{plain._NUM_GAP}]+[0-9]")
    for code in range(128):
        char = chr(code)
        for bit, pattern in enumerate(classes):
            assert bool(flags[code] >> bit & 1) == bool(re.fullmatch(pattern, char)), (bit, char)
        assert bool(flags[code] >> 7 & 1) == (_GLUE_RE.fullmatch(char) is not None), char
    assert [(s[0], s[1], s[2]) for s in swaps] == [
        (
            w.letter.encode(),
            bytes(chr(c) in w.preceded_by for c in range(128)),
            bytes(chr(c) in w.followed_by for c in range(128)),
        )
        for w in SWAPS
    ]
    assert {p[0].decode(): p[1] for p in pairs} == {
        pair: bytes(re.fullmatch(f"[{char_class(after)}]", chr(c)) is not None for c in range(128))
        for pair, (_, after) in PAIRS.items()
    }
    assert token is Token and gap >= 1 and TOKEN_SIGNS


@pytest.fixture
def plain_setup() -> Iterator[object]:
    """The core's setup function; the real tables are handed back afterwards."""
    if core is None:
        pytest.skip("this install has no compiled core")
    yield core.plain_setup
    core.plain_setup(*plain._core_tables())


def test_tables_come_from_python(plain_setup) -> None:  # type: ignore[no-untyped-def]
    """The data reaches the core at import, not at build: other tables, other answers."""
    assert core is not None
    token, flags, _swaps, _pairs, gap = plain._core_tables()
    assert core.is_plain("fvck") is False and core.is_plain("vvhat") is False
    plain_setup(token, flags, (), (), gap)
    assert core.is_plain("fvck") is True and core.is_plain("vvhat") is True
    plain_setup(token, bytes(128), (), (), gap)  # no sign, gap or glue chars at all
    assert core.is_plain("sh!t") is True and core.is_plain("f u c") is True
    assert [t.glue for t in core.plain_tokens("a b", None)] == [False, False]


@pytest.mark.parametrize(
    "arguments",
    [
        (tuple, bytes(128), (), (), 2),
        (Token, bytes(127), (), (), 2),
        (Token, bytearray(128), (), (), 2),
        (Token, bytes(128), [], (), 2),
        (Token, bytes(128), ((b"vv", bytes(128), bytes(128)),), (), 2),
        (Token, bytes(128), ((b"v", bytes(128)),), (), 2),
        (Token, bytes(128), (), ((b"", bytes(128)),), 2),
        (Token, bytes(128), (), ((b"vv", bytes(12)),), 2),
        (Token, bytes(128), (), (), 0),
    ],
)
def test_setup_refuses_bad_tables(plain_setup, arguments: tuple[object, ...]) -> None:  # type: ignore[no-untyped-def]
    """A refused setup raises, and leaves the core declining (so the regexes run)."""
    assert core is not None
    with pytest.raises(ValueError, match="plain_setup"):
        plain_setup(*arguments)
    assert core.is_plain("word") is None
    assert plain.is_plain("fvck") is False  # the dispatcher falls back to the regexes
