"""Escalation rules and ``community`` annotations through the public rule format:
write rule files, build an analyzer, look at what the report says."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules

from rhetoric import RuleLoadError, Severity, TargetKind

HEADER = """
kind: {kind}
severity: {severity}
confidence: {confidence}
message: "'{{match}}' found"
why: A rule written for the escalation tests; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""

EXAMPLES = 'examples:\n  flag: ["[[x]]"]\n  pass: ["y"]\n'


def rule(kind: str, body: str, severity: str = "warning", confidence: float = 0.6) -> str:
    return HEADER.format(kind=kind, severity=severity, confidence=confidence) + body + EXAMPLES


@pytest.fixture
def attacks(write_rule: RuleWriter) -> RuleWriter:
    """A slur list whose terms name a group, and a threat list."""
    write_rule(
        "slur/group-words.yml",
        rule(
            "lexicon",
            "community: Other\nterms:\n  - grobbles\n  - {term: zinks, community: Jewish}\n",
        ),
    )
    write_rule("threat/harm.yml", rule("lexicon", "terms: [crush them]\n"))
    return write_rule


def escalation(body: str, severity: str = "error", confidence: float = 0.9) -> str:
    return rule("escalation", body, severity, confidence)


def test_community_gives_lexicon_hits_a_group_target(attacks: RuleWriter, rules_dir: Path) -> None:
    hits = only_rules(rules_dir).analyse("The grobbles and the zinks again.").raw_hits
    targets = {h.text: h.target for h in hits}
    assert targets["grobbles"] is not None and targets["grobbles"].group == "Other"
    assert targets["zinks"] is not None and targets["zinks"].group == "Jewish"
    assert targets["zinks"].kind is TargetKind.GROUP
    assert (targets["zinks"].start, targets["zinks"].end) == (21, 26)


def test_combine_adds_one_finding_over_the_hits_it_joins(
    attacks: RuleWriter, rules_dir: Path
) -> None:
    attacks(
        "threat/hateful-threat.yml",
        escalation(
            "all:\n  - {techniques: [threat]}\n  - {techniques: [slur], targets: [group]}\n"
        ),
    )
    text = "Those zinks, we should crush them all."
    report = only_rules(rules_dir).analyse(text)
    combined = [h for h in report.raw_hits if h.rule == "hateful-threat"]
    assert len(combined) == 1
    found = combined[0]
    assert text[found.start : found.end] == "zinks, we should crush them"
    assert found.technique == "threat" and found.severity is Severity.ERROR
    assert found.confidence == 0.9
    assert found.target is not None and found.target.group == "Jewish"
    assert [h["rule"] for h in found.evidence["hits"]] == ["harm", "group-words"]
    assert not [
        h
        for h in only_rules(rules_dir).analyse("crush them").raw_hits
        if h.rule == "hateful-threat"
    ]


def test_each_condition_needs_a_hit_of_its_own(attacks: RuleWriter, rules_dir: Path) -> None:
    attacks(
        "slur/two-slurs.yml",
        escalation("all:\n  - {techniques: [slur]}\n  - {techniques: [slur]}\n"),
    )
    analyzer = only_rules(rules_dir)
    assert not [h for h in analyzer.analyse("zinks").raw_hits if h.rule == "two-slurs"]
    assert [h for h in analyzer.analyse("zinks and grobbles").raw_hits if h.rule == "two-slurs"]


def test_within_sentence_keeps_the_conditions_in_one_sentence(
    attacks: RuleWriter, rules_dir: Path
) -> None:
    attacks(
        "threat/same-sentence.yml",
        escalation(
            "within: sentence\nall:\n  - {techniques: [threat]}\n  - {groups: [Other, Jewish]}\n"
        ),
    )
    analyzer = only_rules(rules_dir)

    def escalated(text: str) -> bool:
        return any(h.rule == "same-sentence" for h in analyzer.analyse(text).raw_hits)

    assert escalated("Crush them, the grobbles.")
    assert not escalated("The grobbles came. Later we will crush them.")


def test_raise_lifts_severity_and_confidence_never_lowers(
    attacks: RuleWriter, rules_dir: Path
) -> None:
    attacks(
        "slur/raised.yml",
        escalation(
            "effect: raise\nall:\n  - {techniques: [slur], groups: [Jewish]}\n",
            severity="error",
            confidence=0.95,
        ),
    )
    attacks(
        "slur/not-lowered.yml",
        escalation(
            "effect: raise\nall:\n  - {techniques: [slur]}\n", severity="info", confidence=0.1
        ),
    )
    hits = {h.text: h for h in only_rules(rules_dir).analyse("zinks and grobbles").raw_hits}
    assert set(hits) == {"zinks", "grobbles"}  # raise adds no finding of its own
    assert hits["zinks"].severity is Severity.ERROR and hits["zinks"].confidence == 0.95
    assert hits["zinks"].evidence["escalated_by"] in {"raised", "not-lowered"}
    assert hits["grobbles"].severity is Severity.WARNING and hits["grobbles"].confidence == 0.6


def test_min_severity_and_rule_prefixes(attacks: RuleWriter, rules_dir: Path) -> None:
    attacks(
        "threat/severe-only.yml",
        escalation("all:\n  - {rules: [group-], min_severity: error}\n  - {rules: [harm]}\n"),
    )
    hits = only_rules(rules_dir).analyse("zinks: crush them").raw_hits
    assert not [h for h in hits if h.rule == "severe-only"]  # the slur is only a warning


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("all: []\n", "all"),
        ("effect: shout\nall:\n  - {techniques: [slur]}\n", "effect"),
        ("within: paragraph\nall:\n  - {techniques: [slur]}\n", "within"),
        ("all:\n  - {technique: [slur]}\n", "technique"),
        ("all:\n  - {techniques: [slurs]}\n", "slurs"),
        ("all:\n  - {targets: [crowd]}\n", "crowd"),
        ("all:\n  - {groups: [Martians]}\n", "Martians"),
        ("all:\n  - {min_severity: fatal}\n", "fatal"),
        ("terms: [x]\nall:\n  - {techniques: [slur]}\n", "terms"),
    ],
)
def test_escalation_rules_are_validated(
    write_rule: RuleWriter, rules_dir: Path, body: str, message: str
) -> None:
    path = write_rule("slur/broken.yml", escalation(body))
    with pytest.raises(RuleLoadError) as caught:
        only_rules(rules_dir)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_unknown_communities_are_refused_with_a_suggestion(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("slur/words.yml", rule("lexicon", "terms:\n  - {term: x, community: Jewsih}\n"))
    with pytest.raises(RuleLoadError, match=r"unknown community 'Jewsih'.*Jewish"):
        only_rules(rules_dir)
