"""Every rule pattern is parsed once per compile (engine/syntax.py), and what the
compile-time analyses read from the shared tree is what each reads from a tree of its
own: the same prefilters, groups, match starts and call limits for every pattern."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import regex

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.engine import syntax
from rhetoric.engine.backtrack import limits
from rhetoric.engine.compiled import CompiledRules
from rhetoric.engine.literals import (
    alternative_sources,
    anchored_literals,
    required_groups,
    required_literals,
)
from rhetoric.engine.loader import load_rule_paths
from rhetoric.engine.specs import RuleSet
from rhetoric.techniques import TechniqueRegistry

RULES = Path(__file__).resolve().parent.parent / "rules"


def _ruleset() -> RuleSet:
    registry = TechniqueRegistry(Analyzer.from_config(AnalyzerConfig()).techniques)
    return load_rule_paths([RULES], registry)


def _patterns() -> list[regex.Pattern[str]]:
    """The built-in rules' patterns, their alternatives and their antipatterns."""
    found: list[regex.Pattern[str]] = []
    for spec in _ruleset().rules:
        if spec.kind == "pattern":
            flags = regex.IGNORECASE if spec.ignorecase else 0
            compiled = regex.compile(spec.pattern, flags)
            found.append(compiled)
            found.extend(regex.compile(s, flags) for s in alternative_sources(compiled) or ())
        found.extend(spec.antipatterns)
    return found


# What compiling the rules reads from a pattern's tree (engine/compiled.py).
ANALYSES: list[Callable[[regex.Pattern[str]], object]] = [
    lambda p: required_literals(p.pattern, p.flags & regex.IGNORECASE and re.IGNORECASE),
    lambda p: required_literals(p.pattern, re.IGNORECASE, min_length=2),
    lambda p: required_groups(p.pattern, p.flags & regex.IGNORECASE),
    anchored_literals,
    lambda p: limits(p, 0.25),
]


def test_shared_trees_give_what_trees_of_their_own_give() -> None:
    patterns = _patterns()
    assert len(patterns) > 300
    alone = []
    for pattern in patterns:
        found = []
        for analysis in ANALYSES:
            syntax.forget()  # a tree of its own for each analysis
            found.append(analysis(pattern))
        alone.append(found)
    syntax.forget()
    # Shared, in both orders: each analysis reads a tree the others have walked.
    forward = [[analysis(p) for analysis in ANALYSES] for p in patterns]
    backward = [[analysis(p) for analysis in reversed(ANALYSES)][::-1] for p in patterns]
    syntax.forget()
    assert forward == alone
    assert backward == alone


def test_a_pattern_is_parsed_once_until_forgotten() -> None:
    tree = syntax.parse(r"\bplan(?:s|ned)? to \w+", re.IGNORECASE)
    assert tree is not None
    assert syntax.parse(r"\bplan(?:s|ned)? to \w+", re.IGNORECASE) is tree
    assert syntax.parse(r"\bplan(?:s|ned)? to \w+", 0) is not tree
    syntax.forget()
    assert syntax.parse(r"\bplan(?:s|ned)? to \w+", re.IGNORECASE) is not tree


def test_syntax_the_stdlib_parser_misreads_or_rejects_has_no_tree() -> None:
    assert syntax.parse(r"(?:cat){e<=1}") is None  # fuzzy: read as text
    assert syntax.parse(r"[[:digit:]]+") is None  # a POSIX class
    assert syntax.parse(r"\p{L}+") is None  # rejected
    assert syntax.parse(r"(unclosed") is None


def test_compiling_rules_drops_the_trees() -> None:
    tree = syntax.parse(r"\bwill (?:die|suffer)\b", re.IGNORECASE)
    CompiledRules(_ruleset(), AnalyzerConfig(preview=True))
    assert syntax.parse(r"\bwill (?:die|suffer)\b", re.IGNORECASE) is not tree
