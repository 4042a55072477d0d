"""Weak cues that meet: ``report: escalation-only`` cue rules, conditions counting
distinct rules or techniques (``min_rules``, ``min_techniques``) and document-level
combined findings (``span: cues``), through rule files in a temp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules, run

from rhetoric import Analyzer, AnalyzerConfig, RuleLoadError
from rhetoric.wire import report_schema, report_to_dict

HEADER = """
kind: {kind}
severity: {severity}
confidence: {confidence}
message: "'{{match}}' found"
why: A rule written for the escalation-cue tests; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""
EXAMPLES = 'examples:\n  flag: ["[[x]]"]\n  pass: ["y"]\n'


def rule(kind: str, body: str, severity: str = "info", confidence: float = 0.3) -> str:
    return HEADER.format(kind=kind, severity=severity, confidence=confidence) + body + EXAMPLES


PLOT = "report: escalation-only\nterms: [by design, orchestrated]\n"
SHEEP = "report: escalation-only\nterms: [sheeple, brainwashed]\n"
LONG_POST = "It was orchestrated, they say. Many lines later: wake up, sheeple. All by design."


@pytest.fixture
def cues(write_rule: RuleWriter) -> RuleWriter:
    """Two weak cue rules of one technique, reported only through escalations."""
    write_rule("conspiracy-framing/plot-cue.yml", rule("lexicon", PLOT))
    write_rule("conspiracy-framing/sheep-cue.yml", rule("lexicon", SHEEP))
    return write_rule


def converging(extra: str = "", condition: str = "min_rules: 2") -> str:
    return rule(
        "escalation",
        f"{extra}all:\n  - {{rules: [plot-cue, sheep-cue], {condition}}}\n",
        severity="warning",
        confidence=0.8,
    )


def reported(rules_dir: Path, text: str) -> list[tuple[str, str]]:
    return [(h.rule, h.text) for h in only_rules(rules_dir).check(text).hits]


def test_cue_hits_alone_are_never_reported(cues: RuleWriter, rules_dir: Path) -> None:
    cues("conspiracy-framing/converging.yml", converging())
    analysis = only_rules(rules_dir).analyse("It was all by design, by design I tell you.")
    assert {h.rule for h in analysis.raw_hits} == {"plot-cue"}  # rule tests still see them
    assert analysis.report.hits == ()
    assert analysis.report.score == 0.0


def test_cue_hits_stay_unreported_when_the_escalation_is_not_enabled(
    cues: RuleWriter, rules_dir: Path
) -> None:
    cues("conspiracy-framing/converging.yml", converging().replace("stable", "preview"))
    analyzer = Analyzer.from_config(
        AnalyzerConfig(rule_paths=(rules_dir,), readability=()), entry_points=False
    )
    assert analyzer.check("It was orchestrated. Wake up, sheeple.").hits == ()


def test_min_rules_counts_distinct_rules_not_repeated_cues(
    cues: RuleWriter, rules_dir: Path
) -> None:
    cues("conspiracy-framing/converging.yml", converging())
    assert reported(rules_dir, "Orchestrated! It was by design, all by design.") == []
    found = reported(rules_dir, "It was orchestrated. Wake up, sheeple.")
    assert found == [("converging", "orchestrated. Wake up, sheeple")]


def test_min_techniques_counts_distinct_techniques(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("conspiracy-framing/plot-cue.yml", rule("lexicon", PLOT))
    write_rule("conspiracy-framing/sheep-cue.yml", rule("lexicon", SHEEP))
    write_rule(
        "appeal-to-fear/dread-cue.yml", rule("lexicon", "report: escalation-only\nterms: [doom]\n")
    )
    body = "all:\n  - {techniques: [conspiracy-framing, appeal-to-fear], min_techniques: 2}\n"
    write_rule("conspiracy-framing/two-kinds.yml", rule("escalation", body, "warning", 0.8))
    assert reported(rules_dir, "Orchestrated, and the sheeple are brainwashed.") == []
    assert [r for r, _ in reported(rules_dir, "Orchestrated doom.")] == ["two-kinds"]


def test_span_cues_lists_each_cue_instead_of_one_long_span(
    cues: RuleWriter, rules_dir: Path
) -> None:
    cues("conspiracy-framing/converging.yml", converging("span: cues\n"))
    hits = only_rules(rules_dir).check(LONG_POST).hits
    assert len(hits) == 1
    finding = hits[0]
    assert (finding.rule, finding.text) == ("converging", "orchestrated")
    assert finding.evidence["scope"] == "document"
    assert [(c["rule"], c["text"]) for c in finding.evidence["cue_spans"]] == [
        ("plot-cue", "orchestrated"),
        ("sheep-cue", "sheeple"),
        ("plot-cue", "by design"),
    ]
    for cue in finding.evidence["cue_spans"]:
        assert LONG_POST[cue["start"] : cue["end"]] == cue["text"]


def test_span_covering_is_still_the_default(cues: RuleWriter, rules_dir: Path) -> None:
    cues("conspiracy-framing/converging.yml", converging())
    (finding,) = only_rules(rules_dir).check(LONG_POST).hits
    assert finding.text == "orchestrated, they say. Many lines later: wake up, sheeple"
    assert "scope" not in finding.evidence


def test_document_finding_is_not_merged_with_precise_hits(
    cues: RuleWriter, rules_dir: Path
) -> None:
    cues("conspiracy-framing/converging.yml", converging("span: cues\n"))
    cues(
        "conspiracy-framing/precise.yml",
        rule("lexicon", "terms: [orchestrated]\n", severity="warning", confidence=0.7),
    )
    hits = only_rules(rules_dir).check(LONG_POST).hits
    assert sorted((h.rule, h.text) for h in hits) == [
        ("converging", "orchestrated"),
        ("precise", "orchestrated"),
    ]
    assert all("merged" not in h.evidence for h in hits)


def test_raised_cue_hits_are_reported(cues: RuleWriter, rules_dir: Path) -> None:
    body = "effect: raise\nall:\n  - {rules: [plot-cue, sheep-cue], min_rules: 2}\n"
    cues("conspiracy-framing/lift.yml", rule("escalation", body, "warning", 0.8))
    assert reported(rules_dir, "by design") == []
    assert sorted(reported(rules_dir, "By design, sheeple.")) == [
        ("plot-cue", "By design"),
        ("sheep-cue", "sheeple"),
    ]


def test_document_finding_fits_the_report_schema_and_outputs(
    cues: RuleWriter, rules_dir: Path, tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    cues("conspiracy-framing/converging.yml", converging("span: cues\n"))
    report = only_rules(rules_dir).check(LONG_POST)
    jsonschema.validate(report_to_dict(report), report_schema())
    post = tmp_path / "post.txt"
    post.write_text(LONG_POST + "\n", encoding="utf-8")
    base = ["check", "--isolated", "--rules", str(rules_dir), "--no-builtin-rules", "--preview"]
    _, out = run([*base, "--format", "sarif", str(post)])
    results = json.loads(out)["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "converging"]
    related = [r["message"]["text"] for r in result["relatedLocations"]]
    assert related == ["cue: orchestrated (plot-cue)", "cue: sheeple (sheep-cue)",
                       "cue: by design (plot-cue)"]  # fmt: skip
    _, out = run([*base, "--format", "html", str(post)])
    assert "sheeple" in out and "plot-cue" in out


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "conspiracy-framing/orphan.yml",
            rule("lexicon", "report: escalation-only\nterms: [orchestrated]\n"),
            "no escalation rule's condition can take its hits",
        ),
        (
            "conspiracy-framing/bad-report.yml",
            rule("lexicon", "report: sometimes\nterms: [orchestrated]\n"),
            "report",
        ),
        (
            "conspiracy-framing/self-cue.yml",
            rule("escalation", "report: escalation-only\nall:\n  - {techniques: [slur]}\n"),
            "cannot be 'report: escalation-only'",
        ),
        (
            "conspiracy-framing/raise-span.yml",
            rule("escalation", "effect: raise\nspan: cues\nall:\n  - {techniques: [slur]}\n"),
            "'span' is only for 'effect: combine'",
        ),
        (
            "conspiracy-framing/both-counts.yml",
            rule("escalation", "all:\n  - {techniques: [slur], min_rules: 2, min_techniques: 2}\n"),
            "not both",
        ),
        (
            "conspiracy-framing/many.yml",
            rule("escalation", "all:\n  - {techniques: [slur], min_rules: 40}\n"),
            "min_rules must be between",
        ),
        (
            "conspiracy-framing/half.yml",
            rule("escalation", "all:\n  - {techniques: [slur], min_rules: 1.5}\n"),
            "whole number",
        ),
    ],
)
def test_misuse_is_a_load_error_naming_the_rule(
    write_rule: RuleWriter, rules_dir: Path, path: str, body: str, message: str
) -> None:
    write_rule(path, body)
    with pytest.raises(RuleLoadError, match=message) as caught:
        only_rules(rules_dir)
    assert Path(path).stem in str(caught.value)
