"""Masks whose shape fits everyday words (Scunthorpe safety of masks, issue 14): a masked
word that may be an everyday word reads only as English words (no rare slur spelling), a
grawlix may hide fewer letters than it has signs, and the classic masked forms keep their
readings."""

from __future__ import annotations

import pytest
from conftest import pack_analyzer

from rhetoric.engine.trie import MASK, TokenTrie
from rhetoric.text import prepare
from rhetoric.text.variants import grawlix_shapes, mask_of
from rhetoric.text.wordlists import common_words

ANALYZER = pack_analyzer("slur", "profanity")


def mask_readings(terms: tuple[str, ...], written: str) -> list[str]:
    trie = TokenTrie()
    for term in terms:
        trie.add((term,), term)
    return [match.form for match in trie.scan(prepare(written)) if match.how == MASK]


def test_common_words_are_everyday_words_only() -> None:
    common = common_words()
    assert {"shocks", "stacks", "number", "sucks"} <= common
    assert not {"spicks", "nigger", "fucking", "asshole"} & common


@pytest.mark.parametrize(
    ("written", "shapes"),
    [
        ("s%#cks", [("s??cks", "s%#cks"), ("s?cks", "s%cks")]),
        ("n***er", []),  # one sign repeated: one sign a letter
        ("sh#t", []),  # one hidden letter
    ],
)
def test_a_run_of_mixed_signs_may_hide_fewer_letters(
    written: str, shapes: list[tuple[str, str]]
) -> None:
    assert grawlix_shapes(written, mask_of(written) or "") == shapes


def test_an_everyday_reading_bounds_a_rarer_one() -> None:
    terms = ("spicks", "shocks", "nigger", "nutter")
    assert mask_readings(terms, "s**cks") == ["shocks"]
    # no everyday word among the readings: both stay, as before
    assert mask_readings(terms, "n***er") == ["nigger", "nutter"]
    # one hidden letter is not ambiguous enough to bound
    assert mask_readings(("spick", "shock"), "sp*ck") == ["spick"]


def test_a_grawlix_is_also_read_with_fewer_hidden_letters() -> None:
    # "ch??ps" fits no everyday word, but a grawlix may hide one letter: "ch?ps" (chips)
    assert mask_readings(("chxyps",), "ch##ps") == ["chxyps"]
    assert mask_readings(("chxyps",), "ch%#ps") == []
    # "f???ing" fits everyday words (falling): its dictionary reading stays, not "fxcking"
    assert mask_readings(("fucking", "fxcking"), "f#@%ing") == ["fucking"]
    assert mask_readings(("spicks", "shocks", "sucks"), "s%#cks") == ["shocks"]


@pytest.mark.parametrize("text", ["Service s%#cks!", "Fresh s**cks for sale.", "Big s%#cks."])
def test_masked_everyday_shapes_are_no_slur(text: str) -> None:
    hits = ANALYZER.check(text).hits
    assert not [hit for hit in hits if hit.technique == "slur"]


@pytest.mark.parametrize(
    ("text", "technique"),
    [
        ("What the f**k?", "profanity"),
        ("What the f*ck?", "profanity"),
        ("Holy sh*t.", "profanity"),
        ("Shut up n***er.", "slur"),
        ("Shut up n**ger.", "slur"),
        ("You c*nt.", "profanity"),
        ("Shut up b*tch.", "profanity"),
        ("You a**hole.", "profanity"),
        ("Kiss my a**.", "profanity"),
        ("What a f#@%ing mess.", "profanity"),
    ],
)
def test_classic_masked_forms_are_still_read(text: str, technique: str) -> None:
    hits = ANALYZER.check(text).hits
    assert technique in {hit.technique for hit in hits}


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("What the f^ck is this?", True),  # a caret hides a letter like * # %
        ("Holy sh^t.", True),
        ("x^2 + y^2 = z^2", False),  # powers are not masks: no letter-led word
        ("2^10 is 1024", False),
    ],
)
def test_a_caret_masks_a_letter(text: str, flagged: bool) -> None:
    assert bool(ANALYZER.check(text).hits) is flagged


def test_masked_words_are_not_read_as_loaded_language() -> None:
    """Words nobody masks: a masked shape read as one would be a guess."""
    analyzer = pack_analyzer("loaded-language")
    assert analyzer.check("Service s%#cks.").hits == ()
