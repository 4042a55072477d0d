"""Which templates a comment tries (``TemplateIndex.active``): exactly those whose
mandatory words and classes all occur, in the index's order, each set built once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.engine.sequence import TemplateIndex, parse_template

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


def _index(sources: list[str]) -> TemplateIndex:
    index = TemplateIndex()
    for number, source in enumerate(sources):
        index.add(parse_template(source, number), CLASS_WORDS)
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
    for words, classes in zip(word_sets, class_sets, strict=False):
        active = index.active(words, classes)
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
