"""Value types, the wire form and its JSON Schema, merging and scoring."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, Comment, Hit, Report, Severity, Thresholds, Verdict
from rhetoric.config import AnalyzerConfig, ConfigError
from rhetoric.scoring import (
    flagging_score,
    judge,
    merge_overlapping,
    overall_score,
    technique_scores,
    verdict,
)
from rhetoric.techniques import Technique, TechniqueRegistry
from rhetoric.wire import SCHEMA_VERSION, report_from_dict, report_schema, report_to_dict

TEXT = "you stupid idiot and evil liar"


def hit(
    start: int,
    end: int,
    technique: str = "name-calling",
    rule: str = "r",
    severity: Severity = Severity.WARNING,
    confidence: float = 0.5,
) -> Hit:
    return Hit(start, end, TEXT[start:end], technique, rule, severity, confidence, "m")


def test_values_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit(0, 3).start = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Comment("a", "b").text = "c"  # type: ignore[misc]


def test_merge_keeps_strongest_and_reports_union() -> None:
    merged = merge_overlapping(
        [
            hit(4, 10, rule="adjective", confidence=0.4),
            hit(4, 16, rule="template", confidence=0.7),
            hit(11, 16, rule="lexicon", severity=Severity.ERROR, confidence=0.3),
            hit(21, 25, technique="loaded-language", rule="evil"),
            hit(26, 30, rule="liar"),
        ],
        TEXT,
    )
    assert [(h.start, h.end, h.rule, h.text) for h in merged] == [
        (4, 16, "lexicon", "stupid idiot"),
        (21, 25, "evil", "evil"),
        (26, 30, "liar", "liar"),
    ]
    assert merged[0].evidence["merged"] == ["adjective", "template"]


def test_adjacent_hits_are_not_merged() -> None:
    assert len(merge_overlapping([hit(0, 3), hit(3, 10)], TEXT)) == 2


def test_noisy_or_scores_and_verdict() -> None:
    scores = technique_scores(
        [
            hit(0, 3, confidence=0.5),
            hit(4, 10, confidence=0.5),
            hit(21, 25, technique="loaded-language", confidence=0.2),
        ]
    )
    assert scores == {"loaded-language": 0.2, "name-calling": 0.75}
    assert overall_score(scores) == 0.75
    assert overall_score({}) == 0.0
    thresholds = Thresholds(borderline=0.4, flagged=0.7)
    assert verdict(0.75, thresholds) is Verdict.FLAGGED
    assert verdict(0.5, thresholds) is Verdict.BORDERLINE
    assert verdict(0.0, thresholds) is Verdict.CLEAN
    assert verdict(0.0, Thresholds(0.0, 0.0)) is Verdict.CLEAN


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["name-calling", "slur", "loaded-language"]),
            st.sampled_from([Severity.INFO, Severity.WARNING, Severity.ERROR]),
            st.one_of(st.sampled_from([0.0, 0.5, 0.85, 1.0, 0.12345]), st.floats(0.0, 1.0)),
        ),
        max_size=6,
    )
)
def test_scores_are_the_rounded_noisy_or_every_time(
    parts: list[tuple[str, Severity, float]],
) -> None:
    """``judge`` keeps the scores it has rounded: asked again, or for another report of
    the same products, it gives what ``round`` gives, value and type."""
    hits = [hit(0, 3, t, severity=s, confidence=c) for t, s, c in parts]
    expected: dict[str, float] = {}
    flagging: dict[str, float] = {}
    for h in hits:
        expected[h.technique] = expected.get(h.technique, 1.0) * (1.0 - h.confidence)
        if h.severity is not Severity.INFO:
            flagging[h.technique] = flagging.get(h.technique, 1.0) * (1.0 - h.confidence)
    want = {t: round(1.0 - rest, 4) for t, rest in sorted(expected.items())}
    flagged = max((round(1.0 - rest, 4) for rest in flagging.values()), default=0.0)
    for _ in range(2):
        scores, score, judged = judge(hits, Thresholds())
        assert scores == want and all(type(v) is float for v in scores.values())
        assert [str(v) for v in scores.values()] == [str(v) for v in want.values()]
        assert score == max(want.values(), default=0.0)
        assert judged is verdict(score, Thresholds(), flagged)
        assert technique_scores(hits) == want


def test_info_hits_alone_never_flag_a_comment() -> None:
    # "Shocking" is loaded language at info level, found with high confidence: worth
    # showing, not worth acting on, so the verdict stops at borderline.
    thresholds = Thresholds()
    shocking = hit(0, 3, technique="loaded-language", severity=Severity.INFO, confidence=0.9)
    scores, score, judged = judge([shocking, hit(4, 10, severity=Severity.INFO)], thresholds)
    assert (scores, score) == ({"loaded-language": 0.9, "name-calling": 0.5}, 0.9)
    assert judged is Verdict.BORDERLINE
    assert flagging_score([shocking]) == 0.0
    # A warning that reaches the threshold on its own flags; info hits never add to it.
    strong = hit(4, 10, confidence=0.75)
    assert judge([shocking, strong], thresholds)[2] is Verdict.FLAGGED
    weak = hit(4, 10, confidence=0.5)
    assert judge([shocking, weak], thresholds)[1:] == (0.9, Verdict.BORDERLINE)
    assert judge([], thresholds)[2] is Verdict.CLEAN
    # Without the warning-level score, verdict() judges the overall score as before.
    assert verdict(0.9, thresholds) is Verdict.FLAGGED
    assert verdict(0.9, thresholds, flagging=0.2) is Verdict.BORDERLINE


def test_thresholds_and_config_are_validated() -> None:
    with pytest.raises(ConfigError):
        Thresholds(borderline=0.8, flagged=0.5)
    with pytest.raises(ConfigError):
        AnalyzerConfig(regex_timeout=0)


def test_select_and_ignore() -> None:
    config = AnalyzerConfig(select=("name-calling",), ignore=("insult-label",))
    assert config.is_selected("name-calling", "insult-template")
    assert not config.is_selected("name-calling", "insult-label")
    assert not config.is_selected("profanity", "obscene-words")
    assert AnalyzerConfig(ignore=("insult",)).is_selected("profanity", "obscene-words")
    assert not AnalyzerConfig(ignore=("insult",)).is_selected("name-calling", "insult-label")


def test_wire_round_trip_and_schema() -> None:
    report = Report(
        id="c1",
        hits=(hit(4, 10),),
        scores={"name-calling": 0.5},
        score=0.5,
        verdict=Verdict.BORDERLINE,
        readability={"flesch_reading_ease": 80.5},
    )
    data = report_to_dict(report)
    assert data["schema_version"] == SCHEMA_VERSION
    assert set(data["hits"][0]) >= {
        "start",
        "end",
        "text",
        "technique",
        "rule",
        "severity",
        "confidence",
        "message",
    }
    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(json.dumps(data)))
    assert report_from_dict(data) == report
    with pytest.raises(ValueError, match="schema_version"):
        report_from_dict({**data, "schema_version": "2.0"})


def test_schema_rejects_broken_reports() -> None:
    validator = jsonschema.Draft202012Validator(report_schema())
    data = report_to_dict(Report("c", (hit(4, 10),), {"name-calling": 0.5}, 0.5, Verdict.CLEAN))
    data["hits"][0]["severity"] = "fatal"
    assert list(validator.iter_errors(data))


def test_technique_vocabulary() -> None:
    builtin = list(Analyzer.from_config(AnalyzerConfig()).techniques)  # the techniques plugin
    ids = [t.id for t in builtin]
    assert ids[:5] == ["name-calling", "loaded-language", "conspiracy-framing", "slur", "profanity"]
    for technique in builtin:
        assert technique.definition and technique.mappings
    registry = TechniqueRegistry(builtin)
    with pytest.raises(ValueError, match="already defined differently"):
        registry.add(Technique("slur", "Other", "different"))
    with pytest.raises(ValueError, match="lowercase"):
        Technique("Bad Id", "x", "y")


def test_downgraded_hit_keeps_span_and_adds_evidence() -> None:
    original = hit(4, 10, severity=Severity.ERROR, confidence=0.9)
    lowered = original.downgraded(quoted=True)
    assert (lowered.start, lowered.end, lowered.rule) == (4, 10, "r")
    assert lowered.severity is Severity.INFO and lowered.confidence == 0.45
    assert lowered.evidence == {"quoted": True} and original.evidence == {}


def test_same_span_hits_of_two_techniques_name_each_other() -> None:
    """Issue 14: an insult found as name-calling and loaded language is one finding
    under two techniques; both stay (the measured choice), each naming the other."""
    name_calling = hit(4, 10, "name-calling", "insult")
    loaded = hit(4, 10, "loaded-language", "charged", Severity.INFO)
    other = hit(11, 16, "loaded-language", "other", Severity.INFO)
    merged = merge_overlapping([name_calling, loaded, other], TEXT)
    assert {h.technique: h.evidence.get("also") for h in merged if h.start == 4} == {
        "name-calling": ["loaded-language:charged"],
        "loaded-language": ["name-calling:insult"],
    }
    assert "also" not in next(h for h in merged if h.start == 11).evidence
