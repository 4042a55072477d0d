"""The compiled core's literal pass (``literal_table`` / ``literal_mask`` in
``rhetoric/_core.c``) against ``LiteralGroups.python_present`` in
``rhetoric/engine/literals.py``: the same group bits for every ASCII text, None for any
other text (then pyahocorasick's pass answers). With ``RHETORIC_NO_CORE=1`` only the
tests of ``present`` itself run, against the same reference.
"""

from __future__ import annotations

import os
import pickle
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric._coreload import core
from rhetoric.engine.compiled import CompiledRules
from rhetoric.engine.literals import LiteralGroups

REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)

# Few chars, so literals overlap, share first and second chars and prefix each other.
CHARS = "abc' .?"
LITERAL = st.text(alphabet=CHARS, min_size=1, max_size=4)
GROUPS = st.lists(st.lists(LITERAL, max_size=5), min_size=1, max_size=70)
HOSTILE = st.sampled_from(["\u00e9", "\u00a0", "\u200d", "\U0001f600", "\x00", "\x7f", "\n"])
TEXT = st.lists(st.sampled_from(list(CHARS)) | HOSTILE, max_size=40).map("".join)
ASCII_TEXT = st.text(alphabet=CHARS, max_size=60)


@given(GROUPS, TEXT | ASCII_TEXT)
@settings(max_examples=400, deadline=None)
def test_present_is_the_reference(groups: list[list[str]], text: str) -> None:
    literals = LiteralGroups(groups)
    assert literals.present(text) == literals.python_present(text)
    # a cached copy builds its matchers again and answers the same
    assert pickle.loads(pickle.dumps(literals)).present(text) == literals.python_present(text)


@needs_core
@given(GROUPS, ASCII_TEXT)
@settings(max_examples=400, deadline=None)
def test_the_core_answers_every_ascii_text(groups: list[list[str]], text: str) -> None:
    literals = LiteralGroups(groups)
    built = literals._build()
    if built is False:  # no literal at all: nothing is built, nothing is present
        assert literals.python_present(text) == 0
        return
    assert core.literal_mask(built[0], text) == literals.python_present(text)


def _table(literals: tuple[str, ...], masks: tuple[int, ...], base: int, width: int = 8) -> object:
    """A core table of int masks (the core reads them as little-endian bytes)."""
    return core.literal_table(
        literals, tuple(m.to_bytes(width, "little") for m in masks), base.to_bytes(width, "little")
    )


@needs_core
def test_the_core_declines_other_texts() -> None:
    table = _table(("ab",), (1,), 0)
    for text in ["\u00e9ab", "ab\U0001f600", "\u200d"]:
        assert core.literal_mask(table, text) is None
    assert LiteralGroups([["ab"], ["\u00e9"]]).present("\u00e9ab") == 3


@needs_core
def test_literal_masks_wider_than_a_machine_word_and_edges() -> None:
    masks = (1, 1 << 64, 1 << 200, 2, 4)
    table = _table(("a", "ab", "abc", "b", "bz"), masks, 8, width=32)
    assert core.literal_mask(table, "") == 8
    assert core.literal_mask(table, "b") == 8 | 2  # a one-char literal at the end
    assert core.literal_mask(table, "xab") == 8 | 1 | 2 | 1 << 64
    assert core.literal_mask(table, "abc ab") == 8 | 1 | 2 | 1 << 64 | 1 << 200
    assert core.literal_mask(table, "bz") == 8 | 2 | 4
    assert core.literal_mask(table, "zzz") == 8


ONE = (1).to_bytes(8, "little")
ZERO = bytes(8)


@needs_core
@pytest.mark.parametrize(
    "args",
    [
        (("b", "a"), (ONE, ONE), ZERO),  # not ascending
        (("a", "a"), (ONE, ONE), ZERO),  # repeated
        (("",), (ONE,), ZERO),  # empty
        (("\u00e9",), (ONE,), ZERO),  # not ASCII
        (("a",), (ONE, ONE), ZERO),  # sizes differ
        (("a",), (1,), ZERO),  # a mask that is not bytes
        (("a",), (bytes(16),), ZERO),  # masks of another length than the base
        (("a",), (b"\x01",), b"\x00"),  # not whole words
        (["a"], (ONE,), ZERO),  # a list
        (("a",), (ONE,), 0),
    ],
)
def test_bad_tables_are_refused(args: tuple[object, object, object]) -> None:
    with pytest.raises(ValueError):
        core.literal_table(*args)


@needs_core
def test_bad_calls_raise() -> None:
    with pytest.raises(TypeError):
        core.literal_mask(core.literal_table((), (), ZERO))
    with pytest.raises(ValueError):
        core.literal_mask(object(), "text")  # not a table


@needs_core
def test_reference_counts_are_kept() -> None:
    table = _table(("ab",), (1 << 100,), 1 << 90, width=16)
    text = "x ab"
    before = sys.getrefcount(table), sys.getrefcount(text)
    for _ in range(50):
        assert core.literal_mask(table, text) == 1 << 100 | 1 << 90
        assert core.literal_mask(table, "x") == 1 << 90
    assert (sys.getrefcount(table), sys.getrefcount(text)) == before


def test_the_rules_prefilters_are_the_reference_on_sample_comments() -> None:
    """The built-in rules' own groups (hundreds of literals, more than 64 groups)."""
    analyzer = Analyzer.from_config(AnalyzerConfig(preview=True), entry_points=False)
    engine = next(d for d in analyzer.detectors if isinstance(d, CompiledRules))
    groups = engine._normalized_literals
    for text in [
        "they will pay for this, mark my words",
        "so you're saying the media lies? wake up sheeple!",
        "a calm comment about gardening and tomatoes",
        "if they win, we will all die. period.",
        "",
    ]:
        assert groups.present(text) == groups.python_present(text)


@needs_core
def test_more_literals_than_the_stack_holds() -> None:
    groups = [[f"w{i:04d}" for i in range(k, 3000, 70)] for k in range(70)]
    groups.append(["w", "?"])
    literals = LiteralGroups(groups)
    for text in ["w0001 and w2999?", "w", "", "x w0140 w0141"]:
        assert literals.present(text) == literals.python_present(text)
