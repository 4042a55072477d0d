"""The two first-party plugins of the inventory that look at a whole comment: repetition
(a detector) and emphasis (stylistic signals that adjust other hits' confidence)."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import (
    Analyzer,
    AnalyzerConfig,
    Comment,
    Document,
    Report,
    Thresholds,
    Verdict,
)
from rhetoric.quality.examples import run_examples

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

import emphasis  # noqa: E402
import repetition  # noqa: E402


def _analyzer(**config: object) -> Analyzer:
    return Analyzer.from_config(
        AnalyzerConfig(**{"readability": (), "preview": True, **config}),  # type: ignore[arg-type]
        plugin_dirs=[ROOT / "plugins"],
        entry_points=False,
    )


ANALYZER = _analyzer()
WITHOUT_EMPHASIS = _analyzer(disabled_plugins=frozenset({"emphasis"}))


def test_plugin_rule_examples() -> None:
    rules = [r for r in ANALYZER.all_rules if r.technique == "repetition"]
    assert {r.id for r in rules} == {"echo", "refrain", "anaphora"}
    failures = [r for rule in rules for r in run_examples(ANALYZER, rule) if not r.ok]
    assert not failures, [f.detail for f in failures]


# --- repetition: the prechecks never hide a repeat the full scan finds ---------------

WORDS = [
    "lies",
    "fraud",
    "vote",
    "them",
    "out",
    "the",
    "a",
    "and",
    "more",
    "very",
    "no",
    "stop",
    "it",
    "now",
    "they",
    "closed",
    "your",
]


def _full_echoes(text: str) -> list[tuple[int, int]]:
    detector = repetition.RepetitionDetector()
    doc = Document(Comment("c", text))
    words = repetition._words(text)
    return sorted((h.start, h.end) for h in detector._echoes(doc, words, list(range(len(words)))))


def _echoes(text: str) -> list[tuple[int, int]]:
    doc = Document(Comment("c", text))
    found = repetition.RepetitionDetector().detect(doc)
    return sorted((h.start, h.end) for h in found if h.rule == "echo")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, ",", "!", ".", "\n"]), max_size=30))
def test_echo_precheck_never_hides_a_repeat(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert _echoes(text) == _full_echoes(text)


def test_echo_precheck_on_random_comment_like_text() -> None:
    rng = random.Random(5)
    for _ in range(500):
        text = " ".join(rng.choice([*WORDS, "Lies,", "LIES!", "and"]) for _ in range(25))
        assert _echoes(text) == _full_echoes(text), text


@pytest.mark.parametrize(
    "text",
    [
        "It was very, very cold.",
        "No, no, no, that's not what I said.",
        "Thank you, thank you.",
        "The U.S. U.S. Steel merger was approved.",
        "Sen. Al Franken resigned. Sen. Al Franken said he was sorry.",
        "Call Mr. Smith about the roof. Nobody answered. Call Mr. Smith again tomorrow.",
        "Ask for Model No. 2, not 3. Ask for Model No. 4 in the end.",
        "Photo Credit 1 of 3. Photo Credit 2 of 3. Photo Credit 3 of 3.",
    ],
)
def test_ordinary_repeats_are_not_repetition(text: str) -> None:
    assert [h for h in ANALYZER.check(text).hits if h.technique == "repetition"] == []


def test_long_lists_are_not_anaphora() -> None:
    captions = " ".join(f"Photo {i} of 12: the crowd at the festival." for i in range(12))
    assert [h for h in ANALYZER.check(captions).hits if h.rule == "anaphora"] == []


# --- emphasis ---------------------------------------------------------------------------


def _hit(text: str, rule: str, analyzer: Analyzer = ANALYZER):  # type: ignore[no-untyped-def]
    return next(h for h in analyzer.check(text).hits if h.rule == rule)


def test_a_comment_without_hits_is_left_alone() -> None:
    report = Report("c", (), {}, 0.0, Verdict.CLEAN)
    doc = Document(Comment("c", "HELLO!!!"))
    assert emphasis.rhetoric_adjust_report(report, doc, AnalyzerConfig()) is None


def test_shouting_and_exclamations_raise_confidence() -> None:
    calm = _hit("You are an idiot.", "insult-label")
    loud = _hit("You are an IDIOT!!!", "insult-label")
    assert loud.confidence > calm.confidence
    assert loud.evidence["style"] == ["shouting", "exclamations"]
    assert loud.evidence["confidence_before_style"] == calm.confidence
    assert loud.severity == calm.severity


def test_a_comment_in_capitals_throughout_is_not_shouting() -> None:
    hit = _hit("THE AMERICAN PEOPLE DESERVE BETTER THAN THIS", "national-appeal")
    assert "shouting" not in hit.evidence.get("style", [])


def test_joke_markers_lower_info_hits_only() -> None:
    plain = _hit("The American people are tired.", "national-appeal")
    joking = _hit("The American people are tired lol", "national-appeal")
    assert joking.confidence < plain.confidence and joking.evidence["style"] == ["joking"]
    insult = _hit("You are an idiot lol", "insult-label")
    assert insult.confidence == _hit("You are an idiot.", "insult-label").confidence


def test_each_hit_gets_only_its_own_signals() -> None:
    """The whole-text searches run only for hits that can use them (a hit in capitals,
    an info hit near a joke marker); the others still get what applies to them."""
    text = "Those TRAITORS and their idiot friends, the American people laughed lol"
    report = ANALYZER.check(text)
    style = {h.text: h.evidence.get("style") for h in report.hits}
    assert style.get("TRAITORS") == ["shouting"]
    assert style.get("idiot") is None
    assert style.get("the American people") == ["joking"]
    assert _hit("Those Traitors!!", "contempt-label").evidence["style"] == ["exclamations"]


def test_hard_to_read_loaded_language_is_raised_when_metrics_are_on() -> None:
    report = ANALYZER.check("This utterly disastrous, catastrophically mismanaged policy.")
    loaded = [h for h in report.hits if h.technique == "loaded-language"]
    assert loaded
    hard = dataclasses.replace(report, readability={"flesch_reading_ease": 5.0})
    doc = Document(Comment("c", "This utterly disastrous, catastrophically mismanaged policy."))
    undone = [dataclasses.replace(h, evidence={}) for h in hard.hits]
    adjusted = emphasis.rhetoric_adjust_report(
        dataclasses.replace(hard, hits=tuple(undone)), doc, AnalyzerConfig()
    )
    assert adjusted is not None
    assert all(
        "hard to read" in h.evidence["style"]
        for h in adjusted.hits
        if h.technique == "loaded-language"
    )


def test_scores_and_verdict_follow_the_adjusted_hits() -> None:
    report = ANALYZER.check("Those TRAITORS must go!!!")
    without = WITHOUT_EMPHASIS.check("Those TRAITORS must go!!!")
    assert report.score >= without.score
    for technique, score in report.scores.items():
        expected = 1.0
        for hit in report.hits:
            if hit.technique == technique:
                expected *= 1.0 - hit.confidence
        assert score == pytest.approx(1.0 - expected, abs=1e-3)
    assert report.score == max(report.scores.values())


def test_the_verdict_follows_the_analyzers_own_thresholds() -> None:
    """The hook gets the analyzer's configuration, so the adjusted report is judged
    with its thresholds (``rhetoric.rescored``), not the defaults."""
    text = "You are an IDIOT!!"
    doc = Document(Comment("c", text))
    hit = dataclasses.replace(_hit(text, "insult-label", WITHOUT_EMPHASIS), confidence=0.3)
    report = Report("c", (hit,), {hit.technique: 0.3}, 0.3, Verdict.CLEAN)
    low = AnalyzerConfig(thresholds=Thresholds(borderline=0.2, flagged=0.3))
    adjusted = emphasis.rhetoric_adjust_report(report, doc, low)
    assert adjusted is not None and adjusted.hits[0].confidence > 0.3
    assert adjusted.verdict == Verdict.FLAGGED
    default = emphasis.rhetoric_adjust_report(report, doc, AnalyzerConfig())
    assert default is not None and default.verdict == Verdict.BORDERLINE


def test_in_capitals_precheck_is_exact() -> None:
    """``_in_capitals`` rules text out with ``str.isupper`` before counting letters:
    the same answers as counting alone, on cased, uncased and title-case letters."""

    def counted(text: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= emphasis.MIN_SHOUTED_LETTERS and all(c.isupper() for c in letters)

    alphabet = st.sampled_from(list("aAbBzZ !'-1\u01c5\u00e9\u00c9\u4e2d\u05d0\u0391\u03b1"))

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet, max_size=12))
    def same(text: str) -> None:
        assert emphasis._in_capitals(text) == counted(text)

    same()
