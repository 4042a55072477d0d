"""Obfuscation as data (``rhetoric/data/obfuscation.toml``) and its Scunthorpe bounds:
each class reads disguised words back, and no innocent word, name or possessive turns
into a slur or profanity by any reading."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import pack_analyzer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric.engine.trie import MASK, TokenTrie
from rhetoric.text import prepare
from rhetoric.text.obfuscation import LEET, MASK_SIGNS, SWAPS, TOKEN_SIGNS
from rhetoric.text.plain import is_plain, plain_words
from rhetoric.text.prepared import prepare_general
from rhetoric.text.variants import mask_of
from rhetoric.text.wordlists import (
    english_words,
    given_names,
    innocent_words,
    is_known_word,
    name_words,
)

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
ANALYZER = pack_analyzer("slur", "profanity")


def _hits(text: str) -> list[tuple[str, str]]:
    report = ANALYZER.check(text)
    for hit in report.hits:  # the exact-span invariant, on every case here
        assert text[hit.start : hit.end] == hit.text
    return [(hit.text, hit.technique) for hit in report.hits]


def _lexicon_terms() -> set[str]:
    terms = set()
    for path in [*RULES.glob("profanity/*.yml"), *RULES.glob("slur/*.yml")]:
        for term in yaml.safe_load(path.read_text(encoding="utf-8")).get("terms", ()):
            terms.add((term["term"] if isinstance(term, dict) else term).lower())
    return terms


# --- the data file --------------------------------------------------------------------


def test_the_classes_are_data() -> None:
    assert LEET["1"] == ("i", "l")
    assert LEET["@"] == ("a", "o")
    assert LEET["6"] == ("g", "b")
    assert {swap.letter: swap.reads for swap in SWAPS} == {"v": "u", "l": "i", "q": "g"}
    assert frozenset("*#%^") == MASK_SIGNS
    for sign in [*LEET, *MASK_SIGNS]:
        assert sign.isdigit() or sign in TOKEN_SIGNS, sign


def test_word_lists_load_and_agree() -> None:
    assert len(english_words()) > 100_000
    assert {"grape", "therapist", "cockpit", "hernandez", "cheney"} <= english_words()
    assert {"scunthorpe", "penistone", "cumbria", "splc"} <= innocent_words()
    assert {"dick", "kike"} <= name_words()
    assert {"andy", "john", "gerald"} <= given_names()
    assert is_known_word("scunthorpe") and not is_known_word("dlck")


def test_innocent_words_are_no_terms() -> None:
    """An innocent word that is a term would only hide disguised spellings of it."""
    assert not innocent_words() & _lexicon_terms()


# --- each class, at the token level ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("fvck", "fuck"),
        ("cvnt", "cunt"),
        ("phvck", "phuck"),
        ("dlck", "dick"),
        ("bltch", "bitch"),
        ("dlckh3ad", "dickhead"),
        ("Kn@b5", "knobs"),
        ("1v57", "lust"),  # the swap's neighbours are read leet-decoded
        ("ho1e$", "holes"),
        ("fa66ot", "faggot"),  # 6 for g
        ("6astard", "bastard"),  # 6 for b
        ("faqqot", "faggot"),  # q for g where English puts no u after it
    ],
)
def test_readings(text: str, reading: str) -> None:
    (token,) = prepare(text).tokens
    assert reading in token.variants


@pytest.mark.parametrize(
    "word", ["world", "girls", "only", "vs", "vlog", "savvy", "Vlad", "quit", "queer"]
)
def test_english_spelling_gets_no_swap(word: str) -> None:
    (token,) = prepare(word).tokens
    assert token.variants == ()
    assert is_plain(word.lower())


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("f#@%", None),
        ("G*@k", "g??k"),
        ("b!*ch", "b??ch"),
        ("p*5$*ng", "p?s??ng"),
        ("@ss*", "ass?"),
        ("*ucking", "?ucking"),  # a leading star hides the first letter
        ("*uck", None),  # too short: buck, duck, fuck...
        ("*sigh*", None),  # emphasis
        ("#ucking", None),  # a hashtag
    ],
)
def test_a_grawlix_hides_letters(text: str, mask: str | None) -> None:
    assert mask_of(text.lower()) == mask


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("g*@k", "gook"),  # @ for o
        ("mv7herfvck*r", "mutherfucker"),  # v for u, 7 for t
        ("sh*ttlng", "shitting"),  # l for i
        ("1*zzy", "lezzy"),  # 1 for l, at the first letter
        ("d0gg**5ty1e", "doggiestyle"),  # digits inside a masked word
        ("u*ye*r", "voyeur"),  # u for v
    ],
)
def test_masks_read_letter_classes(written: str, term: str) -> None:
    trie = TokenTrie()
    for word in (term, "other", "mothers", "shifting"):
        trie.add((word,), word)
    found = [m.form for m in trie.scan(prepare(written)) if m.how == MASK]
    assert found == [term]


# --- each class, end to end -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "technique"),
    [
        ("Stop being a dlck.", "dlck", "profanity"),
        ("Shut up bltch.", "bltch", "profanity"),
        ("FVCK this", "FVCK", "profanity"),
        ("Those nlggers again.", "nlggers", "slur"),
        ("Go home G*@k.", "G*@k", "slur"),
        ("You mvth*rfvcker.", "mvth*rfvcker", "profanity"),
        ("That wh0re gave me a good H@nD j0b.", "H@nD j0b", "profanity"),
        ("Those 2 g1rls 1 cvp videos.", "2 g1rls 1 cvp", "profanity"),
        ("Oh piss off.", "piss off", "profanity"),
        ("I'm pissed.", "pissed", "profanity"),
        ("You fukker.", "fukker", "profanity"),
        ("Fcuk that.", "Fcuk", "profanity"),
        ("fxck it", "fxck", "profanity"),
        ("a mutherfucker", "mutherfucker", "profanity"),
        ("What a fuckwad.", "fuckwad", "profanity"),
        ("\u0192uuuuck off", "\u0192uuuuck", "profanity"),
        ("Nice br**s7s.", "br**s7s", "profanity"),
        ("Dick move, you Dick.", "Dick", "profanity"),
        ("you Dick Head", "Dick", "profanity"),
        ("SHUT UP DICK", "DICK", "profanity"),
        ("you *ucking idiot", "*ucking", "profanity"),  # a star for the first letter
        ("Stop it, *ssholes.", "*ssholes", "profanity"),
        ("*jac*1ate", "*jac*1ate", "profanity"),
        ("the *ucking hell*", "*ucking", "profanity"),  # a star that closes no emphasis
        ("Those *fuckwits again.", "*fuckwits", "profanity"),  # a stray star, plain word
        ("Shut up, 6itch.", "6itch", "profanity"),
        ("Typical fa66ot.", "fa66ot", "slur"),
        ("Go away, faqqot.", "faqqot", "slur"),
        ("Oh f - u - c - k off.", "f - u - c - k", "profanity"),  # a three-char gap
        ("What s/h/i/t.", "s/h/i/t", "profanity"),
        ("you k~i~k~e", "k~i~k~e", "slur"),
        ("You dumbfucks lost again.", "dumbfucks", "profanity"),  # a compound's plural
        ("Those shitstains again.", "shitstains", "profanity"),
        ("For fuck\u2019s sake.", "fuck\u2019s", "profanity"),  # a possessive, curly
        ("For f*ck's sake.", "f*ck's", "profanity"),  # a masked possessive
        ("The nigger's bike.", "nigger's", "slur"),
    ],
)
def test_disguised_words_are_found(text: str, span: str, technique: str) -> None:
    assert (span, technique) in _hits(text), _hits(text)


NAMES = [
    "Dick Cheney's memoir sold well.",
    "Kike Hernandez hit a home run.",
    "Andy Dick was on TV.",
    "Philip K. Dick wrote it.",
    "Gerald Butts resigned.",
    "John Lee Hooker played the blues.",
    "Dick Smith's shop is closed.",
    "The anthropologist Carleton Coon wrote it.",
    "We stayed in Mong Kok.",
    "Alan Cumming sang.",
    "Pussy Riot played in Moscow.",
    "Dick's Sporting Goods sells bats.",
    "Mr. Dick testified; Senator Hooker and Dr Coon did not.",
]


@pytest.mark.parametrize("text", NAMES)
def test_names_are_not_words(text: str) -> None:
    assert not _hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "The SPLC tracks hate groups.",
        "the splc said so",
        "pls help, plz",
        "The govt is slow; Vlad posted a vlog.",
        "If you prick us, do we not bleed?",
        "Breast cancer screening saves lives; use condoms.",
        "Keep your politics out of my vagina!",
        "See you l8r, b4 2day ends.",
        "What the f#@% happened?",
        "*Terms apply. *Itches and rashes are side effects.",  # footnote stars
        "*hunting* season, *bigger* fish",  # emphasis
        "a *uck, a #ucking hashtag",  # too short to guess; a hashtag hides nothing
        "Qatar, Iraq and Tariq; the QAnon crowd wore a burqa and a niqab.",  # q, no u
        "Take vitamin b6 on the 6th; 6 dogs, covid19 and 5g.",  # digits beside letters
        "A/B/C testing and/or w/o; S/M/L/XL sizes, c/o the office, a P/E ratio.",
        "A ratio of 1:2:3 or a:b:c; the R - N - C vote.",
    ],
)
def test_innocent_text_is_not_reported(text: str) -> None:
    assert not _hits(text)


INNOCENT = sorted(innocent_words())


@pytest.mark.parametrize("word", INNOCENT)
def test_innocent_words_in_every_dress(word: str) -> None:
    """Plain, capitalised, possessive and spelled out in capitals: never reported."""
    capital = word[:1].upper() + word[1:]
    for text in (
        f"We talked about {word} today.",
        f"{capital} came up twice.",
        f"That was {capital}'s best year.",
        " ".join(word.upper().replace("'", "")),
    ):
        assert not _hits(text), (text, _hits(text))


# --- the plain fast path stays exact ---------------------------------------------------

# Letters of the swap classes beside consonants and vowels, leet and mask signs, capitals.
SWAPPY = st.text(alphabet="vlcdkfiuaoeyrst 1@*#$!|+.'VLCK\u0192\u00f8", max_size=40)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SWAPPY)
def test_swap_classes_keep_the_plain_path_exact(text: str) -> None:
    prepared = prepare_general(text)
    assert prepare(text) == prepared
    folded = prepared.normalized
    if prepared.normalized.isascii() and text.isascii() and is_plain(folded):
        assert not prepared.joined
        assert [token.norm for token in prepared.tokens] == plain_words(folded)
        assert all(not token.variants and token.mask is None for token in prepared.tokens)


@pytest.mark.parametrize(
    ("text", "span"),
    [("That is total bull****.", "bull****"), ("What a shit**** thing to say.", "shit****")],
)
def test_a_masked_swear_compound_is_no_slur(text: str, span: str) -> None:
    """A swear word's head before a mask fits a slur's shape too (bulldyke, shitskin): it
    reads as the swear compound, reported as profanity only."""
    assert _hits(text) == [(span, "profanity")]
