"""The word lists' lookups without a set of the dictionary: ``in_english_words`` (a
binary search of the sorted text), ``dictionary_form`` and ``fits_common_word`` (built by
length when a mask first asks) against the sets they stand for."""

from __future__ import annotations

import os
import string
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import MonkeyPatch

from rhetoric.text import wordlists
from rhetoric.text.wordlists import (
    common_words,
    dictionary_form,
    english_words,
    fits_common_word,
    in_english_words,
)

LETTERS = st.text(alphabet=string.ascii_lowercase + "'", min_size=1, max_size=4)


def test_dictionary_words_are_found_and_their_neighbours_are_not_invented() -> None:
    words = english_words()
    sample = sorted(words)[::40]  # every 40th, first and last included
    sample += [min(words), max(words)]
    assert all(map(in_english_words, sample))
    near = {f"{word}{end}" for word in sample for end in ("x", "'", "q", " ")} | {
        word[:-1] for word in sample
    }
    assert [word for word in near if in_english_words(word) != (word in words)] == []


@settings(deadline=None)  # the first example reads the dictionary
@given(st.text(max_size=12) | LETTERS)
def test_any_text_is_found_exactly_when_the_set_has_it(word: str) -> None:
    assert in_english_words(word) == (word in english_words())


@settings(max_examples=300)
@given(st.sets(LETTERS, max_size=40), LETTERS)
def test_the_search_on_any_sorted_list(lines: set[str], word: str) -> None:
    text = "\n" + "".join(f"{line}\n" for line in sorted(lines))
    assert wordlists._in_sorted_lines(text, word) == (word in lines)
    assert all(wordlists._in_sorted_lines(text, line) for line in lines)


@settings(deadline=None)
@given(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10))
def test_dictionary_form_is_a_word_or_its_inflection(word: str) -> None:
    words = english_words()
    expected = word in words or any(
        word.endswith(end) and word[: -len(end)] in words
        for end in ("s", "es", "ed", "ing", "er", "ers", "d")
    )
    assert dictionary_form(word) == expected


def _fits(mask: str) -> bool:
    by_length: dict[int, list[str]] = {}
    for word in common_words():
        by_length.setdefault(len(word), []).append(word)
    return any(
        all(m in ("?", c) for m, c in zip(mask, word, strict=True))
        for word in by_length.get(len(mask), [])
    )


MASKS = st.text(alphabet="??aeinorst", min_size=1, max_size=9)


@settings(max_examples=100, deadline=None)
@given(MASKS)
def test_fits_common_word_is_the_shape_of_a_common_word(mask: str) -> None:
    assert fits_common_word(mask) == _fits(mask)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="??se.*+\\[$^|\n", max_size=7))
def test_signs_in_a_mask_stand_for_themselves(mask: str) -> None:
    """A mask is searched as a pattern of its shape: its other signs match only themselves."""
    assert fits_common_word(mask) == _fits(mask)


def test_common_words_are_found_by_their_shapes() -> None:
    words = common_words()
    assert {"stacks", "shocks", "walked"} <= words
    for word in sorted(words)[::60]:
        mask = "".join("?" if k % 2 else c for k, c in enumerate(word))
        assert fits_common_word(mask), word
        assert fits_common_word(word), word


def test_the_candidates_of_each_length_are_the_easy_words_forms_of_that_length() -> None:
    """Each length's candidates are exactly the easy words and ``_forms`` of that length
    (the endings added only where they fit, checked against making every form)."""
    easy = wordlists._easy_words()
    assert len(easy) > 1000
    for size in range(1, 25):
        words = [word for word in easy if len(word) == size]
        forms = {form for word in easy for form in wordlists._forms(word) if len(form) == size}
        expected = ("\n".join(words), "\n".join(sorted(forms.difference(words))))
        assert wordlists._candidates_of_length(size) == expected, size


def test_a_word_list_reads_alike_with_and_without_comments() -> None:
    plain = wordlists._lines("able\n  baker \n\ncharlie\n")
    commented = wordlists._lines("able # first\n  baker \n# a note\n\ncharlie\n")
    assert plain == commented == {"able", "baker", "charlie"}


def test_the_names_file_is_parsed_once_per_content(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """The parsed name lists are kept in the cache folder under the file's hash: a second
    process does not parse again, and an edited file is parsed anew."""
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    names = tmp_path / "names.toml"
    names.write_text('spelled_like_terms = ["dick"]\ngiven = ["ann"]\ntitles = ["mr"]\n')
    monkeypatch.setattr(wordlists, "NAMES", names)
    parsed: list[str] = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(text) or real(text))
    try:
        for _ in range(2):  # two processes, as far as the lists go
            wordlists._names.cache_clear()
            assert wordlists.name_words() == {"dick"} and wordlists.titles() == {"mr"}
        assert len(parsed) == 1
        names.write_text('spelled_like_terms = ["dora"]\ngiven = []\ntitles = []\n')
        wordlists._names.cache_clear()
        assert wordlists.name_words() == {"dora"} and len(parsed) == 2
    finally:
        wordlists._names.cache_clear()  # the real lists for the tests that follow


def test_the_candidates_are_built_once_per_content_of_the_easy_word_list(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    """Every length's candidates are kept in the cache folder under the list's hash: a
    second process reads them (the same texts) without building, an edited list builds
    anew, and a damaged or open file is never trusted."""
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    listed = b"cat\ndog\nbake\nbox\n"
    monkeypatch.setattr(wordlists, "_easy_words_file", lambda: listed)
    built: list[int] = []
    real = wordlists._build_candidates
    monkeypatch.setattr(
        wordlists, "_build_candidates", lambda size: built.append(size) or real(size)
    )

    def fresh() -> dict[int, tuple[str, str]]:  # as a new process starts
        for cached in (wordlists._all_candidates, wordlists._easy_words, wordlists._easy_by_length):
            cached.cache_clear()
        return wordlists._all_candidates()

    try:
        first = fresh()
        assert first[3] == ("box\ncat\ndog", "") and first[4] == ("bake", "boxs\ncats\ndogs")
        assert wordlists._candidates_of_length(40) == ("", "")
        assert built and fresh() == first and len(built) == len(first)  # read, not built
        (kept,) = (tmp_path / "cache").glob("candidates.kept")
        kept.write_bytes(kept.read_bytes()[:20])
        assert fresh() == first and len(built) == 2 * len(first)
        if hasattr(os, "geteuid"):  # others may write it: not trusted (where users exist)
            kept.chmod(0o666)
            assert fresh() == first and len(built) == 3 * len(first)
        listed = b"cat\n"
        assert fresh()[4] == ("", "cats")
    finally:
        monkeypatch.undo()
        for cached in (wordlists._all_candidates, wordlists._easy_words, wordlists._easy_by_length):
            cached.cache_clear()  # the real lists for the tests that follow
