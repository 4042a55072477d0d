"""Camel-case hashtags are read word by word ("#StopTheGreatReset"), so a prefix or a
joined word no longer hides a lexicon term's joined form, and every span stays exact."""

from __future__ import annotations

import pytest
from conftest import pack_analyzer

from rhetoric.text import prepare

ANALYZER = pack_analyzer("conspiracy-framing")


def test_parts_of_a_camel_case_hashtag_are_candidates_with_exact_spans() -> None:
    text = "Wake up #StopTheGreatReset now"
    prepared = prepare(text)
    parts = {token.norm: text[token.start : token.end] for token in prepared.joined}
    assert parts["greatreset"] == "GreatReset"
    assert parts["thegreatreset"] == "TheGreatReset"
    assert parts["stopthe"] == "StopThe"
    assert "stopthegreatreset" not in parts  # the whole tag is the token itself


@pytest.mark.parametrize(
    "text", ["#stopthegreatreset", "#STOPTHEGREATRESET", "#GreatReset", "Stop TheGreatReset"]
)
def test_no_parts_without_a_case_change_or_a_hash(text: str) -> None:
    assert not [t for t in prepare(text).joined if "great" in t.norm]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Wake up #StopTheGreatReset now", "TheGreatReset"),
        ("#NoNewWorldOrder", "NewWorldOrder"),
    ],
)
def test_a_prefixed_hashtag_finds_the_joined_term(text: str, span: str) -> None:
    hits = ANALYZER.check(text).hits
    assert span in {hit.text for hit in hits}
    assert all(text[hit.start : hit.end] == hit.text for hit in hits)


def test_an_ordinary_hashtag_stays_quiet() -> None:
    assert not ANALYZER.check("#MakeAmericaGreatAgain #BlackLivesMatter").hits
