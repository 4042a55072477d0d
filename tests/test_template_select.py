"""Which templates a comment tries (``TemplateIndex.active``): exactly those whose
mandatory words and classes all occur, in the index's order, each set built once."""

from __future__ import annotations

import os
import pickle
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric._coreload import core
from rhetoric.engine.sequence import CHOICE_MAGIC, TemplateIndex, parse_template

needs_core = pytest.mark.skipif(
    core is None and os.environ.get("RHETORIC_REQUIRE_CORE") != "1",
    reason="this install has no compiled core",
)

WORDS = ["they", "are", "the", "vermin", "cult", "death", "sheep", "not"]
CLASSES = ["people", "noun", "verb"]
SOURCES = [
    "they are {noun}",
    "{people} are vermin",
    "the death_cult|sheep",
    "{people} {verb}? not {noun}",
    "they|the * sheep",
    "{noun}",
    "vermin {noun}? {people}",
    "death_cult {verb}",
    "the {people} [[are]] {!noun}",
    "^ sheep {people}{1,3}",
]
CLASS_WORDS = {"people": frozenset({"they"}), "noun": frozenset({"vermin"}), "verb": frozenset()}


def _index(sources: list[str], frozen: bool = False) -> TemplateIndex:
    index = TemplateIndex()
    for number, source in enumerate(sources):
        index.add(parse_template(source, number), CLASS_WORDS)
    if frozen:  # laid out for the core's choice, as the engine's index is
        index.freeze()
    return index


def _expected(index: TemplateIndex, words: set[str], classes: set[str]) -> list[str]:
    return [t.source for t in index.templates if t.possible(words, classes)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SOURCES), min_size=1, max_size=12),
    st.lists(st.sets(st.sampled_from(WORDS)), min_size=1, max_size=4),
    st.lists(st.sets(st.sampled_from(CLASSES)), min_size=1, max_size=4),
)
def test_active_is_every_possible_template_in_order(
    sources: list[str], word_sets: list[set[str]], class_sets: list[set[str]]
) -> None:
    index = _index(sources)  # a source may repeat: both copies are templates
    frozen = pickle.loads(pickle.dumps(_index(sources, frozen=True)))  # as cached
    for words, classes in zip(word_sets, class_sets, strict=False):
        active = index.active(words, classes)
        chosen = frozen.active(iter(sorted(words)), classes)  # any iterable of words
        assert chosen.templates == active.templates
        assert [t.source for t in active.templates] == _expected(index, words, classes)
        # the same lookups as an index of those templates built directly
        fresh = TemplateIndex()
        for template in active.templates:
            fresh._index(template)
        assert active.by_word == fresh.by_word
        assert active.by_class == fresh.by_class
        assert (active.count, active.clauses) == (fresh.count, fresh.clauses)


def test_active_sets_are_shared_and_words_outside_templates_do_not_matter() -> None:
    index = _index(SOURCES)
    first = index.active(["they", "are", "cult", "hello"], ["noun"])
    assert [t.source for t in first.templates] == ["they are {noun}", "{noun}"]
    assert index.active(["are", "they", "world"], ["noun"]) is first
    assert index.active([], []).templates == []


@needs_core
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SOURCES), min_size=1, max_size=12),
    st.sets(st.sampled_from([*WORDS, "other"])),
    st.sets(st.sampled_from([*CLASSES, "other"])),
)
def test_the_core_chooses_what_select_does(
    sources: list[str], words: set[str], classes: set[str]
) -> None:
    index = _index(sources, frozen=True)
    chosen = core.template_choice(index.word_ids, index.class_ids, index.choice, words, classes)
    assert index._chosen(chosen) is index._select(
        index.words.intersection(words), frozenset(classes)
    )


def test_an_index_added_to_after_freezing_is_not_read_stale() -> None:
    index = _index(["they are {noun}"], frozen=True)
    index.add(parse_template("sheep {people}", 1), CLASS_WORDS)
    assert [t.source for t in index.active(["sheep"], ["people"]).templates] == ["sheep {people}"]


@needs_core
def test_the_core_declines_and_refuses() -> None:
    index = _index(SOURCES, frozen=True)
    ids, classes = index.word_ids, index.class_ids
    assert core.template_choice(ids, classes, b"", ["they"], []) is None
    swapped = array("i", index.choice)
    swapped.byteswap()  # a cache written on a machine of the other byte order
    assert core.template_choice(ids, classes, swapped.tobytes(), ["they"], []) is None
    cut = array("i", (CHOICE_MAGIC, 5, 0)).tobytes()
    beyond = array("i", (CHOICE_MAGIC, 1, 4, 9)).tobytes()
    for table in (cut, beyond):
        with pytest.raises(ValueError):
            core.template_choice({"a": 0}, {}, table, ["a"], [])
    with pytest.raises(ValueError):
        core.template_choice([], classes, index.choice, [], [])
    with pytest.raises(TypeError):
        core.template_choice(ids, classes, index.choice, 5, [])  # words not iterable
    with pytest.raises(TypeError):
        core.template_choice(ids, classes, index.choice)
