"""Which rule reports overlapping hits of one technique: a stable rule before a preview
one, then severity, confidence, length and rule id; the others stay in
``evidence["merged"]`` and ``rhetoric eval --per-rule`` counts them."""

from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import RuleWriter, only_rules

from rhetoric.cli import main

RULE = """
kind: lexicon
severity: {severity}
confidence: {confidence}
status: {status}
message: "'{{match}}' found"
why: A rule written for the overlap tests; it documents nothing else.
references: [https://example.org/rule]
terms: [{terms}]
examples:
  flag: ["[[x]]"]
  pass: ["y"]
"""


def lexicon(terms: str, *, severity: str = "warning", confidence: float = 0.6,
            status: str = "stable") -> str:  # fmt: skip
    return RULE.format(terms=terms, severity=severity, confidence=confidence, status=status)


def reported(rules_dir: Path, text: str) -> list[tuple[str, str, list[str]]]:
    return [
        (h.rule, h.text, list(h.evidence.get("merged", ())))
        for h in only_rules(rules_dir).check(text).hits
    ]


def test_a_preview_rule_takes_a_stable_rules_finding_only_by_severity(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("name-calling/old-stable.yml", lexicon("nitwit", confidence=0.5))
    write_rule(
        "name-calling/new-preview.yml",
        lexicon("total nitwit", confidence=0.99, status="preview"),
    )
    assert reported(rules_dir, "You total nitwit.") == [
        ("old-stable", "total nitwit", ["new-preview"])
    ]
    write_rule(
        "name-calling/new-preview.yml",
        lexicon("total nitwit", severity="error", confidence=0.4, status="preview"),
    )
    assert reported(rules_dir, "You total nitwit.") == [
        ("new-preview", "total nitwit", ["old-stable"])
    ]


def test_among_stable_rules_severity_then_confidence_then_length_then_id(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("name-calling/b-loud.yml", lexicon("nitwit", severity="error", confidence=0.5))
    write_rule("name-calling/a-sure.yml", lexicon("total nitwit", confidence=0.9))
    assert reported(rules_dir, "You total nitwit.")[0][:2] == ("b-loud", "total nitwit")
    write_rule("name-calling/b-loud.yml", lexicon("nitwit", confidence=0.5))
    assert reported(rules_dir, "You total nitwit.")[0][0] == "a-sure"
    write_rule("name-calling/a-sure.yml", lexicon("total nitwit", confidence=0.5))
    assert reported(rules_dir, "You total nitwit.")[0][0] == "a-sure"  # the longer
    write_rule("name-calling/a-sure.yml", lexicon("nitwit", confidence=0.5))
    assert reported(rules_dir, "You nitwit.") == [("a-sure", "nitwit", ["b-loud"])]  # id


def test_eval_per_rule_counts_hits_merged_into_another_rule(
    write_rule: RuleWriter, rules_dir: Path, tmp_path: Path
) -> None:
    write_rule("name-calling/old-stable.yml", lexicon("nitwit"))
    write_rule("name-calling/wide.yml", lexicon("total nitwit", severity="error"))
    gold = tmp_path / "gold.jsonl"
    text = "You total nitwit."
    record = {"id": "1", "text": text, "spans": [{"start": 10, "end": 16, "label": "x"}]}
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = io.StringIO()
    argv = ["eval", str(gold), "--isolated", "--no-builtin-rules", "--rules", str(rules_dir),
            "--map", "name-calling=x", "--per-rule"]  # fmt: skip
    assert main([*argv, "--format", "json"], out=out) == 0
    (target,) = json.loads(out.getvalue())["targets"]
    assert target["rules"]["wide"]["hits"] == 1
    assert "old-stable" not in target["rules"]
    assert target["merged"] == {"old-stable": 1}
    out = io.StringIO()
    assert main(argv, out=out) == 0
    row = next(line.split() for line in out.getvalue().splitlines() if "old-stable" in line)
    assert row == ["old-stable", "0", "-", "1"]


def test_the_stronger_stable_rule_reports_with_previews_on(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("name-calling/one.yml", lexicon("nitwit", confidence=0.5))
    write_rule("name-calling/two.yml", lexicon("total nitwit", confidence=0.7))
    write_rule("name-calling/three.yml", lexicon("nit", status="preview"))
    hits = only_rules(rules_dir).check("You total nitwit.").hits
    assert [(h.rule, h.evidence.get("merged")) for h in hits] == [("two", ["one"])]
