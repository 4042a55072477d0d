"""Word lists that keep innocent words innocent: English words, innocent look-alikes, names.

Obfuscation readings (leet, letter swaps, spelled-out letters) could turn an ordinary word
into a slur, and a name into profanity ("Dick Cheney"). The matcher asks these lists before
it accepts such a reading. Each list is loaded on first use: most comments never need one,
and the English dictionary costs about 10 ms to read. Origins and licences are in
``rhetoric/data/README.md``.
"""

from __future__ import annotations

import gzip
import importlib.util
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Final

DATA: Final = Path(__file__).resolve().parents[1] / "data"
ENGLISH_WORDS: Final = DATA / "english_words.txt.gz"
INNOCENT_WORDS: Final = DATA / "innocent_words.txt"
NAMES: Final = DATA / "names.toml"


def _lines(text: str) -> frozenset[str]:
    """The words of a one-word-a-line list, without blank lines and ``#`` comments."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


@lru_cache(maxsize=1)
def innocent_words() -> frozenset[str]:
    """Words with a slur- or profanity-shaped piece that are innocent (Scunthorpe)."""
    return _lines(INNOCENT_WORDS.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _english_text() -> str:
    """The dictionary as one string, ``"\\nword\\n...word\\n"``: decompressing it takes
    about 8 ms, a set of its 124,000 words three times as long, and lookups are few
    (only readings that would otherwise be reported ask)."""
    return "\n" + gzip.decompress(ENGLISH_WORDS.read_bytes()).decode("ascii")


def in_english_words(word: str) -> bool:
    """Whether ``word`` (lowercase, no newline) is an English word or name (CMU
    Pronouncing Dictionary headwords, ``tools/build_words.py``)."""
    return "\n" not in word and f"\n{word}\n" in _english_text()


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Familiar English words: the Dale-Chall list of words most fourth-graders know, as
    textstat (a dependency) ships it, with the regular inflections the dictionary knows
    (-s, -es, -ed, -ing). A masked reading that is an everyday word was hardly hidden on
    purpose. Found without importing textstat (that imports NLTK); empty if it moved."""
    spec = importlib.util.find_spec("textstat")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return frozenset()
    path = Path(next(iter(folders))) / "resources" / "en" / "easy_words.txt"
    if not path.is_file():
        return frozenset()
    dictionary = english_words()  # a search of the text for each would take seconds
    words: set[str] = set()
    for word in _lines(path.read_text(encoding="utf-8")):
        word = word.lower()
        words.add(word)
        stem = word[:-1] if word[-1] in "ey" else word
        forms = (word + "s", word + "es", stem + "ed", stem + "ing", stem + "ies")
        words.update(form for form in forms if form in dictionary)
    return frozenset(words)


@lru_cache(maxsize=1)
def _common_by_length() -> dict[int, tuple[str, ...]]:
    by_length: dict[int, list[str]] = {}
    for word in sorted(common_words()):
        by_length.setdefault(len(word), []).append(word)
    return {size: tuple(words) for size, words in by_length.items()}


@lru_cache(maxsize=4096)
def fits_common_word(mask: str) -> bool:
    """Whether an everyday word (``common_words``) has the shape of ``mask`` (``?`` for
    a hidden letter): such a masked word may be that word."""
    known = [(k, letter) for k, letter in enumerate(mask) if letter != "?"]
    return any(
        all(word[k] == letter for k, letter in known)
        for word in _common_by_length().get(len(mask), ())
    )


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Every word of the dictionary, as a set, built once: for callers that look many
    words up (masked readings, tools, tests), where a search of the text for each would
    cost a millisecond a word."""
    return frozenset(_english_text().split())


_SUFFIXES: Final = ("s", "es", "ed", "ing", "er", "ers", "d")


def dictionary_form(word: str) -> bool:
    """Whether ``word`` is an English word or a regular inflection of one ("wanking"
    of wank; not "spicks", "fcuk")."""
    words = english_words()
    return word in words or any(
        word.endswith(suffix) and word[: -len(suffix)] in words for suffix in _SUFFIXES
    )


@lru_cache(maxsize=1)
def _names() -> dict[str, frozenset[str]]:
    with NAMES.open("rb") as handle:
        data = tomllib.load(handle)
    return {key: frozenset(data[key]) for key in ("spelled_like_terms", "given", "titles")}


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
