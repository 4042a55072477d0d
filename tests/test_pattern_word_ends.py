"""Pattern hits whose regex match ends inside a word: kept, with the span snapped to the
end of that word, when the word fragment is only the tail of an open-ended part of the
pattern (a bounded ``[^.]{0,80}`` that ran out of budget, a lazy ``\\w+?``); refused, on
purpose and visibly in ``rhetoric rules test``, when the pattern's own words would
name a fragment ("stupid ass" inside "stupid assessment") or the match starts inside a
word (the Scunthorpe guard)."""

from __future__ import annotations

from pathlib import Path

from conftest import RuleWriter, only_rules, run

HEADER = """
severity: warning
kind: pattern
message: "'{match}' found"
why: A rule written for these tests of the rule engine; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""


def pattern_rule(pattern: str, flag: str = "[[x]]", clean: str = "y") -> str:
    return (
        HEADER + f"pattern: '{pattern}'\n" + f'examples:\n  flag: ["{flag}"]\n  pass: ["{clean}"]\n'
    )


def spans(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text[h.start : h.end] for h in analyzer.analyse(text).raw_hits]


def test_bounded_tail_cut_mid_word_is_snapped_to_the_word_end(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("conspiracy-framing/tail.yml", pattern_rule(r"\bthey\b[^.]{0,22}"))
    analyzer = only_rules(rules_dir)
    # The 22 characters after "they" end inside "everybody": the hit is not lost.
    text = "Then they will surely poison everybody around here."
    assert spans(analyzer, text) == ["they will surely poison everybody"]
    # A tail that ends at a word end is reported as matched.
    assert spans(analyzer, "Then they left.") == ["they left"]


def test_lazy_tail_is_snapped_to_the_word_end(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("conspiracy-framing/lazy.yml", pattern_rule(r"\bthey want \w+?"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "I know they want everything.") == ["they want everything"]


def test_a_pattern_word_ending_in_a_fragment_is_refused(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("name-calling/ass.yml", pattern_rule(r"\bstupid ass"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "What a stupid assessment.") == []
    assert spans(analyzer, "What a stupid ass.") == ["stupid ass"]


def test_a_match_starting_inside_a_word_is_refused(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("profanity/cock.yml", pattern_rule(r"cock[^.]{0,10}"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "a peacock walked in") == []
    assert spans(analyzer, "the cock walked into town") == ["cock walked into"]


def test_snapping_is_the_same_with_and_without_fast_paths(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("conspiracy-framing/tail.yml", pattern_rule(r"\bthey\b[^.]{0,22}"))
    write_rule("name-calling/ass.yml", pattern_rule(r"\bstupid ass"))
    texts = [
        "Then they will surely poison everybody around here.",
        "What a stupid assessment, they said with ｆｕｌｌ confidence everywhere.",
        "they",
    ]
    fast = only_rules(rules_dir)
    slow = only_rules(rules_dir, fast_paths=False)
    for text in texts:
        assert fast.check(text) == slow.check(text), text


def test_rules_test_says_why_a_flag_example_was_refused(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "profanity/cock.yml",
        pattern_rule("cock", flag="a [[peacock]]", clean="a hen"),
    )
    code, out = run(["rules", "test", "--no-builtin-rules", "--rules", str(rules_dir)])
    assert code != 0
    assert "starts inside a word" in out


def test_rules_test_says_when_the_pattern_spells_a_fragment(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "name-calling/ass.yml",
        pattern_rule(r"\bstupid ass", flag="what a [[stupid assessment]]", clean="fine"),
    )
    code, out = run(["rules", "test", "--no-builtin-rules", "--rules", str(rules_dir)])
    assert code != 0
    assert "refused: pattern match [[stupid ass]]@7 ends inside a word" in out
