"""Word lists that keep innocent words innocent: English words, innocent look-alikes, names.

Obfuscation readings (leet, letter swaps, spelled-out letters) could turn an ordinary word
into a slur, and a name into profanity ("Dick Cheney"). The matcher asks these lists before
it accepts such a reading. Each list is loaded on first use: most comments never need one,
and the English dictionary costs about 10 ms to read. Origins and licences are in
``rhetoric/data/README.md``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Final

from ..pickling import made_once, parsed_once

DATA: Final = Path(__file__).resolve().parents[1] / "data"
ENGLISH_WORDS: Final = DATA / "english_words.txt.gz"
INNOCENT_WORDS: Final = DATA / "innocent_words.txt"
NAMES: Final = DATA / "names.toml"
_LISTS: Final = ("spelled_like_terms", "given", "titles")
_NAMES_KEPT: Final = "names.kept"  # beside the compiled rules (not *.pickle: those are entries)
_CANDIDATES_KEPT: Final = "candidates.kept"


def _lines(text: str) -> frozenset[str]:
    """The words of a one-word-a-line list, without blank lines and ``#`` comments."""
    if "#" not in text:  # no comments (textstat's list): C-level calls, no Python loop
        return frozenset(filter(None, map(str.strip, text.splitlines())))
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


@lru_cache(maxsize=1)
def innocent_words() -> frozenset[str]:
    """Words with a slur- or profanity-shaped piece that are innocent (Scunthorpe)."""
    return _lines(INNOCENT_WORDS.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _english_text() -> str:
    """The dictionary as one string, ``"\\nword\\n...word\\n"``, sorted (as
    ``tools/build_words.py`` writes it): decompressing it takes about 8 ms, a set of its
    124,000 words three times as long, and a lookup is a binary search of the text, so
    no set is built mid-run (only readings that would otherwise be reported ask)."""
    import gzip  # with zlib: only when a reading asks the dictionary, not at every start

    return "\n" + gzip.decompress(ENGLISH_WORDS.read_bytes()).decode("ascii")


def _in_sorted_lines(text: str, word: str) -> bool:
    """Whether ``word`` is a line of ``text``: sorted, non-empty lines, each between two
    newlines. A binary search over char positions: about 17 steps of a ``find`` each for
    the dictionary, where ``in`` on the text reads up to a megabyte."""
    lo, hi = 0, len(text) - 1  # newlines; every line before lo sorts below word, after hi above
    while lo < hi:
        start = text.rfind("\n", lo, (lo + hi) // 2 + 1)  # the line holding the middle
        end = text.find("\n", start + 1)
        line = text[start + 1 : end]
        if line == word:
            return True
        if line < word:
            lo = end
        else:
            hi = start
    return False


def in_english_words(word: str) -> bool:
    """Whether ``word`` (lowercase, no newline) is an English word or name (CMU
    Pronouncing Dictionary headwords, ``tools/build_words.py``)."""
    return "\n" not in word and word != "" and _in_sorted_lines(_english_text(), word)


@lru_cache(maxsize=1)
def _easy_words_file() -> bytes:
    """The Dale-Chall list as textstat (a dependency) ships it, or b"" if it moved. Found
    without importing textstat (that imports NLTK)."""
    import importlib.util

    spec = importlib.util.find_spec("textstat")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return b""
    path = Path(next(iter(folders))) / "resources" / "en" / "easy_words.txt"
    try:
        return path.read_bytes()
    except OSError:
        return b""


@lru_cache(maxsize=1)
def _easy_words() -> tuple[str, ...]:
    """The Dale-Chall list of words most fourth-graders know, lowercase; empty if it moved."""
    text = _easy_words_file().decode("utf-8")
    return tuple(sorted(set(map(str.lower, _lines(text))))) if text else ()


def _forms(word: str) -> tuple[str, ...]:
    """The regular inflections of an easy word that ``common_words`` may add."""
    stem = word[:-1] if word[-1] in "ey" else word
    return (word + "s", word + "es", stem + "ed", stem + "ing", stem + "ies")


@lru_cache(maxsize=1)
def _easy_by_length() -> dict[int, tuple[str, ...]]:
    """The easy words by length, so a mask's length reads only its own and shorter ones."""
    by_size = groupby(sorted(_easy_words(), key=len), len)  # stable: each length sorted
    return {size: tuple(words) for size, words in by_size}


def _candidates_of_length(size: int) -> tuple[str, str]:
    """The easy words of ``size`` letters, and the other inflections of easy words of that
    length (the dictionary not asked yet), each a sorted, newline-joined text for a mask's
    pattern to search (:func:`_build_candidates`)."""
    return _all_candidates().get(size, ("", ""))


@lru_cache(maxsize=1)
def _all_candidates() -> dict[int, tuple[str, str]]:
    """:func:`_build_candidates` of every length that has any, made once per content of
    the Dale-Chall list and kept in the private cache folder
    (:func:`~rhetoric.pickling.made_once`). Why: reading, sorting and
    grouping the list and building the first two lengths' candidates was about a third
    of what a cold start's first comments cost beyond the rest (some 15 M instructions);
    the kept texts are about 100 KB."""
    return made_once(_easy_words_file(), _CANDIDATES_KEPT, _build_all_candidates, _are_candidates)


def _build_all_candidates(_: bytes) -> dict[int, tuple[str, str]]:
    longest = max(_easy_by_length(), default=0)
    return {size: _build_candidates(size) for size in range(1, longest + 4)}


def _are_candidates(value: object) -> bool:
    return isinstance(value, dict) and all(
        type(size) is int and type(texts) is tuple and len(texts) == 2
        and all(type(text) is str for text in texts)
        for size, texts in value.items()
    )  # fmt: skip


def _build_candidates(size: int) -> tuple[str, str]:
    """What :func:`_candidates_of_length` answers for ``size``.

    Each :func:`_forms` ending is added only to the words it brings to ``size`` letters
    (a word ending in e or y drops that letter before -ed, -ing and -ies): making all
    five forms of every shorter word and keeping the right length was most of a cold
    start's first masked word."""
    by_length = _easy_by_length()
    words = by_length.get(size, ())
    forms: set[str] = set()
    for word in by_length.get(size - 1, ()):  # +s; e/y words: -ed
        forms.add(word + "s")
        if word[-1] in "ey":
            forms.add(word[:-1] + "ed")
    for word in by_length.get(size - 2, ()):  # +es; +ed; e/y words: -ing, -ies
        forms.add(word + "es")
        if word[-1] in "ey":
            forms.add(word[:-1] + "ing")
            forms.add(word[:-1] + "ies")
        else:
            forms.add(word + "ed")
    for word in by_length.get(size - 3, ()):  # +ing, +ies
        if word[-1] not in "ey":
            forms.add(word + "ing")
            forms.add(word + "ies")
    return "\n".join(words), "\n".join(sorted(forms.difference(words)))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Familiar English words: the Dale-Chall list (``_easy_words``) with the regular
    inflections the dictionary knows (-s, -es, -ed, -ing). A masked reading that is an
    everyday word was hardly hidden on purpose. (``fits_common_word`` reads them by
    length without building this set, which is for tools and tests.)"""
    dictionary = english_words()
    words = set(_easy_words())
    for word in _easy_words():
        words.update(form for form in _forms(word) if form in dictionary)
    return frozenset(words)


@lru_cache(maxsize=4096)
def fits_common_word(mask: str) -> bool:
    """Whether an everyday word (``common_words``) has the shape of ``mask`` (``?`` for
    a hidden letter): such a masked word may be that word. Only inflections of that
    shape are looked up in the dictionary (a few binary searches), so no set of the
    dictionary is built mid-run: that cost about 0.15 s, in every worker. The candidates
    are searched with a pattern of the mask's shape: a loop over them in Python cost
    about 10 ms for the first mask of each length."""
    if not mask:
        return False
    # a line of the mask's length and shape: "?" any letter, every other sign itself
    shape = re.compile("(?m)^" + "".join("." if c == "?" else re.escape(c) for c in mask))
    words, forms = _candidates_of_length(len(mask))
    return shape.search(words) is not None or any(
        in_english_words(form.group()) for form in shape.finditer(forms)
    )


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every word of the dictionary, as a set, built once (about 30 ms): for tools and
    tests that look many words up. The matcher's few lookups search the text instead."""
    return frozenset(_english_text().split())


_SUFFIXES: Final = ("s", "es", "ed", "ing", "er", "ers", "d")


def dictionary_form(word: str) -> bool:
    """Whether ``word`` is an English word or a regular inflection of one ("wanking"
    of wank; not "spicks", "fcuk"). Binary searches of the dictionary's text: a set of
    it would be built mid-run for the few words a run asks about."""
    return in_english_words(word) or any(
        word.endswith(suffix) and in_english_words(word[: -len(suffix)]) for suffix in _SUFFIXES
    )


@lru_cache(maxsize=1)
def _names() -> dict[str, frozenset[str]]:
    """The names file's lists, parsed once per content (:func:`~rhetoric.pickling.parsed_once`:
    parsing the file took about 1% of every cold start's instructions, the first comment
    asks, and ``tomllib`` is not imported at all while the file is unchanged)."""
    return parsed_once(NAMES, _NAMES_KEPT, _parse_names, _are_names)


def _parse_names(data: bytes) -> dict[str, frozenset[str]]:
    import tomllib

    parsed = tomllib.loads(data.decode("utf-8"))
    return {key: frozenset(parsed[key]) for key in _LISTS}


def _are_names(value: object) -> bool:
    return isinstance(value, dict) and all(type(value.get(k)) is frozenset for k in _LISTS)


def name_words() -> frozenset[str]:
    """Names (given names, surnames, places) spelled like a lexicon word: Dick, Kike."""
    return _names()["spelled_like_terms"]


def given_names() -> frozenset[str]:
    """Common given names: a capitalised word right after one is a surname."""
    return _names()["given"]


def titles() -> frozenset[str]:
    """Titles before a name (Mr, Senator): a capitalised word right after one is a name."""
    return _names()["titles"]


def is_known_word(word: str) -> bool:
    """Whether ``word`` (lowercase) is an English word, a name or an innocent look-alike."""
    return word in innocent_words() or in_english_words(word)
