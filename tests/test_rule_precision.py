"""Warning-level hits only where a rule's measured precision earns them (issue 14).

bench/quality.py measures every rule of the core techniques on the development data
and records the figures in docs/rule-precision.json. These tests hold the rule files
(and the first-party plugins' rules) to those figures without the data: a rule measured
below the bar must be ``info`` or a preview, with no term raised above ``info``. Where
../shared is present, the live figures are checked as well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SHARED, load_bench

from rhetoric import Analyzer, AnalyzerConfig, RuleInfo, Severity

ROOT = Path(__file__).resolve().parents[1]
FIGURES = json.loads((ROOT / "docs" / "rule-precision.json").read_text("utf-8"))
ENGINE = Analyzer.from_config(
    AnalyzerConfig(readability=(), preview=True), plugin_dirs=[ROOT / "plugins"], entry_points=False
)
MEASURED = {r.technique for r in ENGINE.all_rules} & set(FIGURES["sources"])
RULES = {f"{r.technique}/{r.id}": r for r in ENGINE.all_rules if r.technique in MEASURED}


def _term_severities(rule: RuleInfo) -> set[str]:
    """Severities that single terms of a YAML rule set above the rule's own."""
    if not rule.source.endswith(".yml"):
        return set()
    data = yaml.safe_load(Path(rule.source).read_text("utf-8"))
    return {t["severity"] for t in data.get("terms", []) if isinstance(t, dict) and "severity" in t}


def _violations(figures: dict[str, Any]) -> list[str]:
    bar, min_hits = figures["warning_precision"], figures["warning_min_hits"]
    found = []
    for key, figure in sorted(figures["rules"].items()):
        rule = RULES.get(key)
        if rule is None or rule.status == "preview" or figure["hits"] < min_hits:
            continue
        if figure["precision"] >= bar:
            continue
        loud = {rule.severity.value} | _term_severities(rule)
        if loud - {Severity.INFO.value}:
            found.append(f"{key}: precision {figure['precision']:.2f} over {figure['hits']} hits")
    return found


def test_every_rule_of_the_measured_techniques_has_recorded_figures() -> None:
    missing = sorted(set(RULES) - set(FIGURES["rules"]))
    stale = sorted(set(FIGURES["rules"]) - set(RULES))
    assert not missing, f"not measured (run python bench/quality.py): {missing}"
    assert not stale, f"recorded but gone (run python bench/quality.py): {stale}"


def test_rules_below_the_bar_report_info_only() -> None:
    assert _violations(FIGURES) == [], "below the precision bar but warning-level"


def test_the_check_catches_a_loud_imprecise_rule() -> None:
    key = next(k for k, r in RULES.items() if r.status == "stable" and r.severity != Severity.INFO)
    figures = {**FIGURES, "rules": {key: {"hits": 100, "correct": 10, "precision": 0.1}}}
    assert _violations(figures) == [f"{key}: precision 0.10 over 100 hits"]


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not present")
def test_live_figures_agree_with_the_rule_files() -> None:
    """The recorded figures can go stale when rules change: measure again and check."""
    bench = load_bench("quality")
    gold: dict[str, Any] = {}
    labels: dict[str, set[str]] = {}

    def load(corpus: str) -> Any:
        if corpus not in gold:
            records, _ = gold[corpus] = bench.read_gold(SHARED / "data" / corpus)
            labels[corpus] = {s.label for r in records for s in r.spans} | {
                r.label for r in records if r.label
            }
        return gold[corpus]

    engines = {False: bench.analyzer(), True: bench.analyzer(preview=True)}
    assert _violations(bench.severity_precision(engines, load, labels)) == []
