"""Every rule's own examples, built-in YAML and plugin rules alike: a flag
example must be reported on exactly its marked span by that rule, a pass example
not at all (the same check as `rhetoric rules test`)."""

from __future__ import annotations

import pytest

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.quality.examples import run_examples

ANALYZER = Analyzer.from_config(AnalyzerConfig(readability=(), preview=True))
RULES = ANALYZER.all_rules


def test_every_technique_has_rules() -> None:
    techniques = {rule.technique for rule in RULES}
    assert {
        "name-calling",
        "loaded-language",
        "conspiracy-framing",
        "slur",
        "profanity",
    } <= techniques
    assert any(rule.kind == "python" for rule in RULES), "a Python-hook rule must ship"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    failures = [r for r in run_examples(ANALYZER, rule) if not r.ok]
    assert not failures, "\n".join(
        f"{f.example.text if f.example else '(rule)'}: {f.detail}" for f in failures
    )


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.message and rule.why and len(rule.why) > 40
    assert rule.references, f"{rule.id} needs at least one reference"
    assert any(e.flag for e in rule.examples) and any(not e.flag for e in rule.examples)
