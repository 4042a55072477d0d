"""The loaded-language pack from the source tree: family rules, spans and severity."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import pack_analyzer

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.model import Severity

RULES = Path(__file__).resolve().parents[1] / "rules"
ANALYZER = pack_analyzer("loaded-language")


def _hits(text: str) -> list[tuple[str, str]]:
    return [(h.text, h.rule) for h in ANALYZER.check(text).hits]


def test_pack_has_several_families() -> None:
    ids = {r.id for r in ANALYZER.rules if r.technique == "loaded-language"}
    assert {"moral-condemnation", "alarm-catastrophe", "intensified-charge"} <= ids
    assert len(ids) >= 6


def test_loaded_language_is_informational() -> None:
    for rule in ANALYZER.rules:
        if rule.technique == "loaded-language":
            assert rule.severity == Severity.INFO, rule.id


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("What a disgraceful ruling by the council.", "disgraceful"),
        ("The new law is deeply disturbing.", "deeply disturbing"),
        ("This so-called reform is a sham.", "sham"),
        ("They did the dirty work for the donors.", "dirty work"),
        # the charged forms around round 26's guards ('very bad', 'rape gangs')
        ("The new fee is utterly insane.", "utterly insane"),
        ("It was a very ugly campaign.", "very ugly"),
        ("The mob went on a killing spree downtown.", "killing spree"),
    ],
)
def test_flags_charged_words(text: str, span: str) -> None:
    assert span in [t for t, _ in _hits(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The council approved the budget on Tuesday.",
        "The hurricane was a natural disaster for the coast.",
        "Police investigated the massacre and the invasion reports.",
        "She is extremely good at her job.",
        # plain evaluations and a crime named in a report (round 26, measured on news)
        "The harvest was very bad this year.",
        "Traffic on the bridge is really bad at noon.",
        "Police charged five men over the rape gangs case in the town.",
    ],
)
def test_quiet_on_neutral_reporting(text: str) -> None:
    assert _hits(text) == []


def _analyzer(preview: bool) -> Analyzer:
    config = AnalyzerConfig(
        rule_paths=(RULES,),
        disabled_plugins=frozenset({"builtin-rules"}),
        readability=(),
        preview=preview,
    )
    return Analyzer.from_config(config)


FULL, PREVIEW = _analyzer(False), _analyzer(True)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I feel like building this damn wall myself.", "damn"),
        ("The rules in Florida are f***ed up.", "f***ed"),
    ],
)
def test_swear_word_is_loaded_language_only_in_preview(text: str, span: str) -> None:
    """A swear word in an argument is loaded language too (round ll-30), but only with
    previews on: by default a comment's 'damn' is reported once, as profanity."""
    assert {h.technique for h in FULL.check(text).hits if h.text == span} == {"profanity"}
    both = {h.technique for h in PREVIEW.check(text).hits if h.text == span}
    assert {"profanity", "loaded-language"} <= both


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("What the hell were they thinking?", "the hell"),
        ("May the traitors rot in hell!", "rot in hell"),
    ],
)
def test_oath_with_hell_is_loaded_language(text: str, span: str) -> None:
    assert ("loaded-language", span) in [(h.technique, h.text) for h in FULL.check(text).hits]


@pytest.mark.parametrize(
    "text",
    [
        "Dante describes the circles of hell.",
        "The fresco shows the souls of the damned.",
    ],
)
def test_hell_as_a_place_is_not_an_oath(text: str) -> None:
    assert [h for h in PREVIEW.check(text).hits if h.technique == "loaded-language"] == []
