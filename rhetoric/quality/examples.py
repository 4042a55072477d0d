"""Run every rule's own examples, the way LanguageTool and proselint test rules.

A ``flag`` example must produce hits of that rule on exactly the marked spans; a
``pass`` example must produce none of that rule. A rule without both kinds of
examples fails: untested rules do not ship.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..analyzer import Analyzer
from ..model import Comment, Example, Hit, RuleInfo


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: RuleInfo
    example: Example | None
    ok: bool
    detail: str = ""


def _spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"[[{text[s:e]}]]@{s}" for s, e in sorted(spans)) or "nothing"


def _union(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Overlapping hits of one rule count as one finding (as the report merges them)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return {(s, e) for s, e in merged}


def _by(rule_id: str, hit: Hit) -> bool:
    """Whether ``hit`` is the rule's: its own, or one an escalation rule raised."""
    return hit.rule == rule_id or hit.evidence.get("escalated_by") == rule_id


def run_examples(analyzer: Analyzer, rule: RuleInfo) -> list[ExampleResult]:
    """Results for each example of one rule (the analyzer must have it enabled)."""
    flags = [e for e in rule.examples if e.flag]
    passes = [e for e in rule.examples if not e.flag]
    results: list[ExampleResult] = []
    if not flags or not passes:
        missing = "flag" if not flags else "pass"
        results.append(ExampleResult(rule, None, False, f"rule has no '{missing}' example"))
    for example in rule.examples:
        text, expected = example.parse()
        analysis = analyzer.analyse(Comment(id=f"example:{rule.id}", text=text))
        found = _union({(h.start, h.end) for h in analysis.raw_hits if _by(rule.id, h)})
        errors = [e for e in analysis.report.errors if rule.id in e.source]
        want = set(expected) if example.flag else set()
        ok = found == want and not errors
        detail = ""
        if not ok:
            detail = f"expected {_spans(text, want)}, got {_spans(text, found)}"
            if errors:
                detail += "; errors: " + "; ".join(e.message for e in errors)
        results.append(ExampleResult(rule, example, ok, detail))
    return results


def run_all_examples(analyzer: Analyzer, rules: Iterable[RuleInfo]) -> list[ExampleResult]:
    return [result for rule in rules for result in run_examples(analyzer, rule)]
