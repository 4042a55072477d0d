"""The compiled core's anchor gate (``anchor_fire`` in ``rhetoric/_core.c``) against
``AnchorIndex.python_may_fire`` in ``rhetoric/engine/anchors.py``: the same answer for
every set of words, None where it declines (then the Python test answers). With
``RHETORIC_NO_CORE=1`` only the tests of ``may_fire`` itself run, against the same
reference.
"""

from __future__ import annotations

import os
import pickle
import sys
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment
from rhetoric._coreload import core
from rhetoric.document import Document
from rhetoric.engine.anchors import TABLE_MAGIC, AnchorIndex, Requirement
from rhetoric.engine.compiled import CompiledRules

REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)

# Few words, so requirements share words and options; "w0".."w39" make long options
# (the core looks the comment's words up in those instead of walking them).
WORDS = ["kill", "them", "all", "deep", "state", "plan", "the", "evil", "we", "must"]
WORDS += [f"w{i}" for i in range(40)]
words = st.frozensets(st.sampled_from(WORDS), max_size=12)
options = st.lists(words.filter(bool), min_size=1, max_size=4).map(tuple)
requirements = st.builds(
    lambda needed, opts: Requirement(min(needed, len(opts) + 1), opts),
    st.integers(-1, 5),
    options,
)
ENTRIES = st.lists(st.tuples(words.filter(bool), st.none() | requirements), max_size=10)


def _index(entries: list[tuple[frozenset[str], Requirement | None]]) -> AnchorIndex:
    index = AnchorIndex()
    for anchors, requirement in entries:
        index.add(sorted(anchors), requirement)
    index.freeze()
    return index


@given(ENTRIES, words | st.sets(st.sampled_from([*WORDS, "other"])))
@settings(max_examples=500, deadline=None)
def test_may_fire_is_the_reference(
    entries: list[tuple[frozenset[str], Requirement | None]], comment: frozenset[str]
) -> None:
    index = _index(entries)
    expected = index.python_may_fire(comment)
    assert index.may_fire(comment) == expected
    assert pickle.loads(pickle.dumps(index)).may_fire(comment) == expected  # as cached


@needs_core
@given(ENTRIES, words)
@settings(max_examples=500, deadline=None)
def test_the_core_answers_every_set(
    entries: list[tuple[frozenset[str], Requirement | None]], comment: frozenset[str]
) -> None:
    index = _index(entries)
    assert core.anchor_fire(index.ids, index.table, comment) is index.python_may_fire(comment)


def _table(*ints: int) -> bytes:
    return array("i", ints).tobytes()


@needs_core
def test_the_core_declines_what_it_cannot_read() -> None:
    index = _index([(frozenset({"kill"}), None)])
    assert core.anchor_fire(index.ids, index.table, frozenset({"kill"})) is True
    assert core.anchor_fire(index.ids, index.table, ["kill"]) is None  # not a set
    assert core.anchor_fire(index.ids, b"", frozenset({"kill"})) is None  # no table
    swapped = array("i", index.table)
    swapped.byteswap()  # a cache written on a machine of the other byte order
    assert core.anchor_fire(index.ids, swapped.tobytes(), frozenset({"kill"})) is None
    assert index.may_fire({"kill"}) and not index.may_fire(set())


@needs_core
@pytest.mark.parametrize(
    ("ids", "table"),
    [
        ({"a": 0}, _table(TABLE_MAGIC, 1)),  # cut short before its starts
        ({"a": 0}, _table(TABLE_MAGIC, 1, 4, 9)),  # a start beyond the end
        ({"a": 0}, _table(TABLE_MAGIC, 1, 4, 6, 1, 1)[:-1]),  # not whole int32s
        ({"a": 0}, _table(TABLE_MAGIC, 1, 4, 7, 1, 1, 99)),  # an option beyond the end
        ({"a": 0}, _table(TABLE_MAGIC, 1, 4, 7, 1, 1, 7, 1, 5)),  # an id beyond the ids
        ({"a": 0}, _table(TABLE_MAGIC, 1, 4, 6, 1, 3)),  # more options than it holds
        ({"a": 1}, _table(TABLE_MAGIC, 1, 4, 4)),  # a word's id beyond the ids
        ({"a": "0"}, _table(TABLE_MAGIC, 1, 4, 4)),  # an id that is not an int
    ],
)
def test_bad_tables_are_refused(ids: dict[str, object], table: bytes) -> None:
    with pytest.raises(ValueError):
        core.anchor_fire(ids, table, frozenset({"a"}))


@needs_core
def test_bad_calls_raise() -> None:
    with pytest.raises(TypeError):
        core.anchor_fire({}, b"")
    with pytest.raises(ValueError):
        core.anchor_fire([], b"", frozenset())


@needs_core
def test_many_words_and_ids_beyond_the_stack_buffers() -> None:
    many = [f"w{i}" for i in range(20_000)]
    index = _index(
        [(frozenset({"key"}), Requirement(2, (frozenset({"key"}), frozenset(many[::7]))))]
    )
    for comment in [frozenset(many[1:400]), frozenset([*many[1:400], "key"]), frozenset(many)]:
        assert index.may_fire(comment) == index.python_may_fire(comment)
    assert index.may_fire(frozenset(["key", many[700]]))  # one of the long option's
    assert not index.may_fire(frozenset(["key", many[701]]))


@needs_core
def test_reference_counts_are_kept() -> None:
    index = _index(
        [(frozenset({"deep"}), Requirement(2, (frozenset({"deep"}), frozenset({"state"}))))]
    )
    comment = frozenset({"deep", "state", "other"})
    before = sys.getrefcount(index.ids), sys.getrefcount(index.table), sys.getrefcount(comment)
    for _ in range(50):
        assert core.anchor_fire(index.ids, index.table, comment) is True
    after = sys.getrefcount(index.ids), sys.getrefcount(index.table), sys.getrefcount(comment)
    assert after == before


@pytest.mark.parametrize("preview", [False, True])
def test_the_rules_gates_are_the_reference_on_sample_comments(preview: bool) -> None:
    """The built-in rules' anchors and template gate (thousands of words, long word
    class options), on made-up comments."""
    analyzer = Analyzer.from_config(AnalyzerConfig(preview=preview), entry_points=False)
    engine = next(d for d in analyzer.detectors if isinstance(d, CompiledRules))
    for text in [
        "they will pay for this, mark my words",
        "so you're saying the media lies? wake up sheeple!",
        "a calm comment about gardening and tomatoes",
        "if they win, we will all die. period.",
        "these people are vermin and must be removed",
        "",
    ]:
        comment = Document(Comment("1", text)).view_words
        for index in (engine._anchors, engine._template_gate):
            assert index.may_fire(comment) == index.python_may_fire(comment)
