"""The ``phrases`` plugin: adjacent insults of one technique become one finding, with
exact spans, every part listed, and the technique scores unchanged."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment, Hit, Severity

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

import phrases  # noqa: E402


def _analyzer(**config: object) -> Analyzer:
    return Analyzer.from_config(
        AnalyzerConfig(**{"readability": (), **config}),  # type: ignore[arg-type]
        plugin_dirs=[ROOT / "plugins"],
        entry_points=False,
    )


WITH = _analyzer()
WITHOUT = _analyzer(disabled_plugins=frozenset({"phrases"}))


def _hit(text: str, start: int, end: int, *, technique: str = "name-calling",
         rule: str = "r", severity: Severity = Severity.WARNING,
         confidence: float = 0.5) -> Hit:  # fmt: skip
    return Hit(start, end, text[start:end], technique, rule, severity, confidence, "m")


def _named(report_hits: tuple[Hit, ...], technique: str = "name-calling") -> list[str]:
    return [h.text for h in report_hits if h.technique == technique]


def test_an_insult_phrase_is_one_finding() -> None:
    # Three labels in a row: no rule template spans them, so the plugin joins them.
    text = "You idiot moron fool."
    before = WITHOUT.check(text)
    after = WITH.check(text)
    assert len(_named(before.hits)) == 3
    assert _named(after.hits) == ["idiot moron fool"]
    (hit,) = [h for h in after.hits if h.technique == "name-calling"]
    assert [p["text"] for p in hit.evidence["joined"]] == ["idiot", "moron", "fool"]
    assert hit.severity == Severity.WARNING  # the strongest part's
    assert after.scores == before.scores
    assert after.score == before.score


@pytest.mark.parametrize(
    "text",
    [
        "Idiot\nmoron",  # a line break separates two remarks
        "fools and idiots",  # a conjunction: two labels more often than one phrase
        "an idiot who is a moron",
        "Idiot. Moron.",
    ],
)
def test_separate_insults_stay_separate(text: str) -> None:
    assert len(_named(WITH.check(text).hits)) == len(_named(WITHOUT.check(text).hits))


def test_a_comma_joins() -> None:
    assert _named(WITH.check("you moron, idiot").hits) == ["moron, idiot"]


def test_techniques_option_turns_it_off() -> None:
    off = _analyzer(options={"phrases": {"techniques": []}})
    assert len(_named(off.check("You idiot moron fool.").hits)) == 3


def test_techniques_option_is_checked() -> None:
    with pytest.raises(TypeError, match="phrases"):
        phrases._techniques(AnalyzerConfig(options={"phrases": {"techniques": "slur"}}))


def test_join_keeps_other_techniques_and_confidence_is_noisy_or() -> None:
    text = "idiot moron"
    hits = [
        _hit(text, 0, 5, confidence=0.5),
        _hit(text, 0, 5, technique="loaded-language", confidence=0.4),
        _hit(text, 6, 11, confidence=0.6, severity=Severity.INFO),
    ]
    result = phrases.join_phrases(text, hits, phrases.JOINED)
    assert result is not None
    joined = [h for h in result if h.technique == "name-calling"]
    assert [(h.start, h.end, h.text) for h in joined] == [(0, 11, "idiot moron")]
    assert joined[0].confidence == pytest.approx(1 - 0.5 * 0.4)
    assert joined[0].severity == Severity.WARNING
    assert [h.technique for h in result] == ["loaded-language", "name-calling"]


def test_nothing_to_join_returns_none() -> None:
    text = "idiot, then a moron"
    hits = [_hit(text, 0, 5), _hit(text, 14, 19)]
    assert phrases.join_phrases(text, hits, phrases.JOINED) is None
    assert phrases.join_phrases(text, hits[:1], phrases.JOINED) is None


WORDS = ["idiot", "stupid", "moron", "damn", "fool", "the", "dog", "crap", "ignorant", "you"]
SEPARATORS = [" ", ", ", "  ", " and ", "\n", ". ", ",", " , "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=8))
def test_spans_stay_exact_and_scores_unchanged(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in parts)
    comment = Comment(id="c", text=text)
    before, after = WITHOUT.check(comment), WITH.check(comment)
    for hit in after.hits:
        assert text[hit.start : hit.end] == hit.text
    assert after.scores.keys() == before.scores.keys()
    for technique, score in before.scores.items():
        assert after.scores[technique] == pytest.approx(score, abs=2e-4)
    # Every character a finding of a technique covered is still covered, and what is
    # added lies between two parts of one phrase.
    for technique in before.scores:
        old = {i for h in before.hits if h.technique == technique for i in range(h.start, h.end)}
        new = {i for h in after.hits if h.technique == technique for i in range(h.start, h.end)}
        assert old <= new
        assert all(text[i] in " \t," for i in new - old)
