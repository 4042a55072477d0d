"""Which regex calls may skip their timeout (engine/backtrack.py), and that a rule file's
catastrophic pattern still times out with a clear error wherever the engine calls it."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from conftest import RuleWriter, only_rules
from test_engine_kinds import rule

from rhetoric.engine.backtrack import ALWAYS_TIMED, BUDGET, cost, limits
from rhetoric.engine.syntax import parse

UNLIMITED = 1 << 62


@pytest.mark.parametrize(
    "source",
    [
        r"(a+)+$",  # nested unbounded repeats
        r"(a|aa)+$",  # overlapping branches under a repeat
        r"(\w+\s?)+$",
        r"(x?)*y",  # a repeat of something that can match nothing
        r"\bwarn(?:a|aa)+$",  # anchored on a literal: tried at places, still refused
        r"(a)\1+",  # backreference: not counted
        r"(a)?(?(1)b|c)",  # conditional
        r"\p{L}+x",  # regex-only syntax the stdlib parser rejects
        r"(?r)abc\s+",  # reverse search: widths read otherwise
        r"a{1,30}?(?:b|bb|bbb){0,30}c",  # bounded, exponential in its bounds
    ],
)
def test_patterns_that_can_backtrack_without_end_stay_timed(source: str) -> None:
    assert limits(regex.compile(source), 0.25) == ALWAYS_TIMED


@pytest.mark.parametrize(
    "source",
    [
        r"\bthey\s+want\s+to\b",  # whitespace runs followed by a letter: one count each
        r"\b(?:love|protect|defend)\s+(?:our|the)\s+(?:country|nation)\b",
        r"\bso\ you're\ saying\b(?:\ [a-z'-]+){0,4}\ ever\b",
        r"[a-z]+",  # at the end: the first count tried completes the match
        r"[^.]*x",  # each count tries "x" once: linear
    ],
)
def test_patterns_linear_at_a_place_need_no_timeout_on_any_comment(source: str) -> None:
    found = limits(regex.compile(source, regex.IGNORECASE), 0.25)
    assert found.match >= 100_000  # the run a repeat takes can be the whole text
    assert 0 < found.search < found.match  # a search tries every start


def test_bounded_patterns_of_one_way_per_place_need_no_timeout_for_a_match() -> None:
    found = limits(regex.compile(r"\bthe\ (?:only|real)\ (?:reason|cause)\b"), 0.25)
    assert found.match == UNLIMITED
    assert found.search < UNLIMITED


def test_limits_shrink_as_the_bound_grows() -> None:
    one = limits(regex.compile(r"[^.]*x"), 0.25)
    two = limits(regex.compile(r"[^.]*x[^.]*y"), 0.25)  # (n + 1) ** 2 ways to place x, y
    assert 0 < two.match < one.match
    assert two.search < one.search
    assert two.match**2 <= BUDGET
    assert limits(regex.compile(r"(.*a){20}"), 0.25).match < 3  # (n + 1) ** 20


def test_a_short_timeout_keeps_every_call_timed() -> None:
    assert limits(regex.compile(r"\bthey\s+want\b"), 0.01) == ALWAYS_TIMED


def test_scoped_flags_cannot_hide_a_class_overlap() -> None:
    # Case-insensitive inside the group: "W" can be "w", so \w+ does not stop before it.
    found = limits(regex.compile(r"(?:[a-z]+(?i:W))+$"), 0.25)
    assert found == ALWAYS_TIMED or found.match < UNLIMITED


def test_a_catastrophic_rule_pattern_tried_at_places_still_times_out(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "loaded-language/slow.yml",
        rule("pattern", "pattern: '\\bwarn(?:a|aa)+$'\n", "loaded-language"),
    )
    analyzer = only_rules(rules_dir)
    report = analyzer.check("warn" + "a" * 40 + "c")
    assert report.hits == ()
    assert [e.source for e in report.errors] == ["rule:slow"]
    assert "timed out" in report.errors[0].message


def test_a_catastrophic_antipattern_still_times_out(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "loaded-language/guarded.yml",
        rule(
            "pattern",
            "pattern: '\\bwarning\\b'\nantipatterns: ['(b|bb)+$']\n",
            "loaded-language",
        ),
    )
    analyzer = only_rules(rules_dir)
    report = analyzer.check("a warning " + "b" * 40 + "c")
    assert report.hits == ()
    assert [(e.source, e.message) for e in report.errors] == [
        ("rule:guarded", "antipattern timed out")
    ]


def test_a_branch_that_can_end_without_a_char_counts_at_every_place() -> None:
    # At a place holding "a", "a" and the empty "b?" both complete the pattern.
    found = cost(parse(r"(?:a|b?)", 0))
    assert found is not None and found.paths.at(0) == 2
    # Followed by "c", the empty "b?" goes on only where a "c" is: one path at most.
    found = cost(parse(r"(?:a|b?)c", 0))
    assert found is not None and found.paths.at(0) == 1
