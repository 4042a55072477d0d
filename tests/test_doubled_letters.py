"""Doubled letters and letter pairs (``[doubled]`` and ``[[pair]]`` of obfuscation.toml):
a letter written twice where English writes it once ("fuuck", "fuckk") and "vv" for "w"
are read back, while English words, names and the plain-comment fast path stay as they
were. Every string here was written for this test."""

from __future__ import annotations

import pytest

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.text import prepare
from rhetoric.text.obfuscation import DOUBLED_FINAL, DOUBLED_INSIDE, PAIRS
from rhetoric.text.plain import is_plain
from rhetoric.text.prepared import prepare_general
from rhetoric.text.variants import spellings

TECHNIQUES = ("slur", "profanity")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_config(AnalyzerConfig(readability=()))


def _flagged(analyzer: Analyzer, text: str) -> list[str]:
    return [hit.text for hit in analyzer.check(text).hits if hit.technique in TECHNIQUES]


def test_classes_are_lowercase_letters_and_pairs_read_as_one() -> None:
    assert DOUBLED_INSIDE.isalpha() and DOUBLED_INSIDE.islower()
    assert DOUBLED_FINAL.isalpha() and DOUBLED_FINAL.islower()
    # letters English doubles all the time would make most comments non-plain
    assert not set("elost") & set(DOUBLED_INSIDE + DOUBLED_FINAL)
    for pair, (reads, _) in PAIRS.items():
        assert len(pair) >= 2 and len(reads) == 1


@pytest.mark.parametrize(
    ("written", "reading"),
    [
        ("fuuck", "fuck"),
        ("shiit", "shit"),
        ("fuckk", "fuck"),
        ("bitchh", "bitch"),
        ("vvanker", "wanker"),
        ("tvvat", "twat"),
    ],
)
def test_reading_is_among_the_spellings(written: str, reading: str) -> None:
    assert reading in spellings(written)


@pytest.mark.parametrize("word", ["hello", "coffee", "letter", "savvy", "revved", "divvy"])
def test_ordinary_doubles_get_no_reading(word: str) -> None:
    assert spellings(word) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Oh [[fuuck]], the bus left.",
        "That was [[shiit]] football.",
        "Shut it, [[biitch]].",
        "Get lost, [[fuckk]] off.",
        "What a [[pussyy]].",
        "Go away, [[vvhore]].",
        "Such a [[tvvat]] move.",
    ],
)
def test_disguised_words_are_found(analyzer: Analyzer, text: str) -> None:
    start = text.index("[[")
    plain = text.replace("[[", "").replace("]]", "")
    word = text[start + 2 : text.index("]]")]
    assert word in _flagged(analyzer, plain)


@pytest.mark.parametrize(
    "text",
    [
        "We went skiing in Hawaii.",
        "The Shiite and Sunni clerics met.",
        "Jaap Stam and Matt Pitt played.",
        "A savvy navvy revved the engine.",
        "Twatt is a village in Orkney.",
        "The bookkeeper used a vacuum.",
        "Aaron met Isaac at the bazaar.",
        "Thott and Naad were mentioned.",
    ],
)
def test_innocent_doubles_are_not_flagged(analyzer: Analyzer, text: str) -> None:
    assert _flagged(analyzer, text) == []


@pytest.mark.parametrize(
    "text",
    ["fuuck it", "a fuckk", "what shiit", "you vvanker", "skiing in hawaii", "savvy", "all good"],
)
def test_plain_test_is_a_superset(text: str) -> None:
    """A comment the fast path calls plain has no token with a variant."""
    folded = text.lower()
    if is_plain(folded):
        assert all(not token.variants for token in prepare_general(folded).tokens)
    else:
        assert any(token.variants for token in prepare(folded).tokens)
