"""The slur and profanity packs from the source tree: obfuscation, innocent senses
(the Scunthorpe problem), identity words, mention and self-description, severities."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import pack_analyzer

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.model import Severity

RULES = Path(__file__).resolve().parents[1] / "rules"
ANALYZER = pack_analyzer("slur", "profanity")


def _hits(text: str) -> list[tuple[str, str, str]]:
    return [(h.text, h.technique, h.rule) for h in ANALYZER.check(text).hits]


def test_packs_are_split_into_families() -> None:
    ids = {r.id for r in ANALYZER.all_rules if r.technique in ("slur", "profanity")}
    assert {"ethnic-slurs", "homophobic-slurs", "ableist-slurs", "identity-attack"} <= ids
    assert {"obscene-words", "excretory-vulgarity", "sexual-vulgarity", "mild-profanity"} <= ids


def test_severities() -> None:
    for rule in ANALYZER.all_rules:
        if rule.technique == "slur" and rule.status == "stable":
            assert rule.severity == Severity.ERROR, rule.id
        if rule.id == "mild-profanity":
            assert rule.severity == Severity.INFO


@pytest.mark.parametrize(
    ("text", "span", "technique"),
    [
        ("What a f*cking joke.", "f*cking", "profanity"),
        ("f u c k this", "f u c k", "profanity"),
        ("Sh1t happens.", "Sh1t", "profanity"),
        ("You are a ₐsshole.", "ₐsshole", "profanity"),
        ("Nobody gives a f*** about it.", "f***", "profanity"),
        ("Go back home, w3tback.", "w3tback", "slur"),
        ("Those f@gg0ts again.", "f@gg0ts", "slur"),
        ("Only a r3tard would buy it.", "r3tard", "slur"),
        ("Dirty muslims everywhere.", "Dirty muslims", "slur"),
        ("Jews are vermin.", "Jews are vermin", "slur"),
    ],
)
def test_obfuscated_and_template_hits(text: str, span: str, technique: str) -> None:
    assert any(t == span and tech == technique for t, tech, _ in _hits(text)), _hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe and Penistone are towns in England.",
        "The assassin drank a cocktail in the cockpit.",
        "Dickens wrote about Sussex; Hancock fed the peacock.",
        "Shiitake mushrooms are an ingredient of this classic dish.",
        "Jews, Muslims, Black and gay people marched together.",
        "Niger and Nigeria signed an accord on Japanese imports.",
        "The Pakistani team played in Japan.",
        "A homogeneous mixture; homo sapiens evolved in Africa.",
        "The raccoon and the coonhound.",
        "She found a chink in the armor of the argument.",
        "Keep the deck spic and span.",
        "Fertilizer can retard the growth of weeds.",
        "The wild ass is a donkey of the desert.",
        "Our pussy cat and the pussy willow.",
        "Moby Dick and Philip K. Dick are on the shelf.",
        "She graduated summa cum laude.",
        "The bitch whelped six puppies in the kennel.",
        "He sharpened the garden hoe.",
        "Queer theory is taught in the seminar.",
        "He called me a kike and I reported him.",
        "The word faggot has a long history of violence.",
        "Not all Muslims are terrorists.",
        "The dam broke; Dante wrote of hell.",
    ],
)
def test_innocent_senses_are_not_reported(text: str) -> None:
    found = [h for h in _hits(text) if h[1] == "slur" or h[2] != "mild-profanity"]
    assert not found, found


def test_reclaimed_terms_are_preview_only() -> None:
    assert not _hits("That's my nigga, we grew up together.")
    preview = Analyzer.from_config(
        AnalyzerConfig(
            rule_paths=(RULES,),
            disabled_plugins=frozenset({"builtin-rules"}),
            select=("slur",),
            preview=True,
            readability=(),
        )
    )
    assert [h.rule for h in preview.check("Get these niggas out.").hits] == ["reclaimed-slurs"]


@pytest.mark.parametrize(
    ("text", "span", "rule"),
    [
        # borrowed swear words go through the same text preparation as English ones
        ("Cállate, p3ndejo.", "p3ndejo", "foreign-vulgarities"),
        ("Kvrwa, not again.", "Kvrwa", "foreign-vulgarities"),
        ("Total c*zzo of a referee.", "c*zzo", "foreign-vulgarities"),
        # a slur joined into a hashtag or a coined word
        ("Follow #banthefaggotparade for more.", "banthefaggotparade", "slur-compounds"),
        ("Typical niggerloving media.", "niggerloving", "slur-compounds"),
        # one-word spellings of listed two-word slurs
        ("Shut up, junglebunny.", "junglebunny", "ethnic-slurs"),
        # dehumanizing comparisons of a whole group
        ("Refugees breed like rats in those camps.", "Refugees breed like rats", "identity-attack"),
    ],
)
def test_round_26_cues(text: str, span: str, rule: str) -> None:
    """Issue 14, round 26: each new cue reports the expected span under its own rule."""
    assert (span, rule) in {(t, r) for t, _, r in _hits(text)}, _hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "The boys sniggered when the teacher slipped.",
        "Stop sniggering at the back.",
        "Faggoting is an openwork embroidery stitch.",
        "Merde! Good luck tonight, break a leg.",
        "A Spanish putt on the green and a cone of gelato.",
        "Rabbits breed like rabbits.",
        "The shed was overrun with mice.",
    ],
)
def test_round_26_cues_leave_innocent_words_alone(text: str) -> None:
    """No English word holds the compound stems except the ones refused; the borrowed
    words with an innocent sense are not listed; animals may breed like animals."""
    assert _hits(text) == [], _hits(text)
