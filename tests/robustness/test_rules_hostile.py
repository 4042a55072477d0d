"""Hostile or broken rule files: refused loudly and quickly, or time-bounded when
they only misbehave on some comments. Every fixture is written by the test."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from rhetoric import (
    Analyzer,
    AnalyzerConfig,
    Document,
    Example,
    PluginLoadError,
    RuleInfo,
    RuleLoadError,
    hookimpl,
)
from rhetoric.cli import main

LEXICON = """\
severity: warning
kind: lexicon
status: stable
message: "'{match}'"
why: A rule written by the robustness tests; it documents nothing else.
terms: [heck]
examples:
  flag: ["[[heck]]"]
  pass: ["hello"]
"""

CATASTROPHIC = """\
kind: pattern
status: stable
message: "'{match}'"
why: A pattern with nested quantifiers that backtracks exponentially.
pattern: '(a+)+$'
examples:
  flag: ["[[aaa]]"]
  pass: ["b"]
"""

MB = 1024 * 1024


def write(folder: Path, relative: str, body: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def build(*folders: Path, **config: object) -> Analyzer:
    """An analyzer with only these rule folders: no built-in pack, no plugins."""
    settings = AnalyzerConfig(rule_paths=folders, readability=(), **config)  # type: ignore[arg-type]
    return Analyzer.from_config(settings, entry_points=False)


def billion_laughs(levels: int = 12) -> str:
    """The classic alias bomb: 9**levels 'lol's from a dozen short lines."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


# --- refused files ---------------------------------------------------------------------


def test_alias_bomb_is_refused_quickly_naming_the_file(tmp_path: Path) -> None:
    body = LEXICON.replace("terms: [heck]", "terms: [heck]\nreferences:\n") + textwrap.indent(
        billion_laughs(), "  "
    )
    path = write(tmp_path, "profanity/bomb.yml", body)
    started = time.perf_counter()
    with pytest.raises(RuleLoadError) as caught:
        build(tmp_path)
    assert time.perf_counter() - started < 5  # the bomb was never expanded
    assert caught.value.path == path
    assert "anchors and aliases" in caught.value.message


def test_even_a_harmless_alias_is_refused_at_its_anchor_line(tmp_path: Path) -> None:
    path = write(tmp_path, "profanity/alias.yml", LEXICON.replace("[heck]", "[&w heck, *w]"))
    with pytest.raises(RuleLoadError, match=r"anchors and aliases .* are not allowed") as caught:
        build(tmp_path)
    assert (caught.value.path, caught.value.line) == (path, 6)


def test_alias_in_a_word_class_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "profanity/sample.yml", LEXICON)
    path = write(tmp_path, "_classes/people.yml", "terms: &t [a, b]\ndescription: *t\n")
    with pytest.raises(RuleLoadError, match="anchors and aliases") as caught:
        build(tmp_path)
    assert caught.value.path == path


def test_deep_nesting_is_invalid_yaml_not_a_crash(tmp_path: Path) -> None:
    depth = 5000
    body = LEXICON.replace("terms: [heck]", "terms: " + "[" * depth + "heck" + "]" * depth)
    path = write(tmp_path, "profanity/deep.yml", body)
    with pytest.raises(RuleLoadError, match="invalid YAML") as caught:
        build(tmp_path)
    assert caught.value.path == path


def oversized(folder: Path) -> Path:
    """A valid rule padded with YAML comments to just over 5 MB."""
    path = write(folder, "profanity/huge.yml", LEXICON)
    padding = ("# " + "x" * 97 + "\n") * (5 * MB // 100 + 1)
    path.write_text(LEXICON + padding, encoding="utf-8")
    assert path.stat().st_size > 5 * MB
    return path


def test_oversized_rule_file_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = oversized(tmp_path)
    with pytest.raises(RuleLoadError, match=r"rule files may be at most 5 MB") as caught:
        build(tmp_path)
    assert caught.value.path == path
    with pytest.raises(RuleLoadError, match=r"huge\.yml: file is 5\.0 MB"):
        build(path)  # a single rule file given directly


def test_oversized_rule_file_is_a_usage_error_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = oversized(tmp_path / "rules")
    comment = tmp_path / "comment.txt"
    comment.write_text("oh heck\n", encoding="utf-8")
    code = main(["check", "--isolated", "--rules", str(tmp_path / "rules"), str(comment)])
    assert code == 2
    assert f"{path}: file is 5.0 MB; rule files may be at most 5 MB" in capsys.readouterr().err


def test_word_class_file_size_is_limited_too(tmp_path: Path) -> None:
    write(tmp_path, "profanity/sample.yml", LEXICON)
    path = write(tmp_path, "_classes/big.yml", "terms: [a]\n" + "#" * (5 * MB + 1) + "\n")
    with pytest.raises(RuleLoadError, match="at most 5 MB") as caught:
        build(tmp_path)
    assert caught.value.path == path


# --- duplicate ids ------------------------------------------------------------------------


def test_duplicate_rule_id_across_packs_names_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "pack-a", "profanity/heck.yml", LEXICON)
    second = write(tmp_path / "pack-b", "profanity/heck.yml", LEXICON)
    with pytest.raises(RuleLoadError) as caught:
        build(tmp_path / "pack-a", tmp_path / "pack-b")
    message = str(caught.value)
    assert str(first) in message and str(second) in message
    assert "rule id 'heck' is also defined in" in message


def test_rule_id_shared_by_a_rule_file_and_a_plugin_names_both(tmp_path: Path) -> None:
    path = write(tmp_path, "profanity/heck.yml", LEXICON)
    clash = RuleInfo(
        id="heck",
        technique="profanity",
        message="m",
        why="A plugin rule whose id clashes with a YAML rule.",
        status="stable",
        examples=(Example("[[heck]]", flag=True),),
    )

    class Clashing:
        name = "clashing"
        rules = (clash,)

        def detect(self, doc: Document) -> list[object]:
            return []

    class Plugin:
        @hookimpl
        def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
            register(Clashing())

    config = AnalyzerConfig(rule_paths=(tmp_path,), readability=())
    with pytest.raises(PluginLoadError) as caught:
        Analyzer.from_config(config, plugins=[Plugin()], entry_points=False)
    message = str(caught.value)
    assert "rule id 'heck' is defined by both 'rules'" in message
    assert str(path) in message and "'clashing'" in message


# --- catastrophic regexes -------------------------------------------------------------------


def test_catastrophic_pattern_is_time_bounded_and_recorded(tmp_path: Path) -> None:
    write(tmp_path, "profanity/catastrophic.yml", CATASTROPHIC)
    write(tmp_path, "profanity/heck.yml", LEXICON)
    analyzer = build(tmp_path, regex_timeout=0.05)
    text = "heck " + "a" * 50_000 + "!"
    started = time.perf_counter()
    report = analyzer.check(text)
    assert time.perf_counter() - started < 3  # unbounded, this would run for ages
    assert [h.rule for h in report.hits] == ["heck"]  # the other rule's hit stands
    [error] = report.errors
    assert error.source == "rule:catastrophic"
    assert "timed out after 0.05s" in error.message
    assert "may be missing" in error.message


def test_a_rule_can_set_its_own_regex_timeout(tmp_path: Path) -> None:
    write(tmp_path, "profanity/catastrophic.yml", CATASTROPHIC + "timeout: 0.02\n")
    report = build(tmp_path, regex_timeout=5).check("a" * 50_000 + "!")
    assert [e.message.split(" on ")[0] for e in report.errors] == ["pattern timed out after 0.02s"]


def test_many_catastrophic_rules_cost_at_most_their_timeouts(tmp_path: Path) -> None:
    for index in range(5):
        write(tmp_path, f"profanity/catastrophic-{index}.yml", CATASTROPHIC)
    analyzer = build(tmp_path, regex_timeout=0.05)
    started = time.perf_counter()
    report = analyzer.check("a" * 50_000 + "!")
    assert time.perf_counter() - started < 5  # about 5 x 0.05 s, with a generous margin
    assert sorted(e.source for e in report.errors) == [
        f"rule:catastrophic-{index}" for index in range(5)
    ]


def test_catastrophic_antipattern_is_time_bounded_and_recorded(tmp_path: Path) -> None:
    body = LEXICON + "antipatterns: ['(a+)+$']\n"
    write(tmp_path, "profanity/heck.yml", body)
    analyzer = build(tmp_path, regex_timeout=0.05)
    assert [h.text for h in analyzer.check("oh heck").hits] == ["heck"]
    started = time.perf_counter()
    report = analyzer.check("heck " + "a" * 50_000 + "!")
    assert time.perf_counter() - started < 3
    # An antipattern that could not finish might have cancelled the hit: it is
    # left out rather than reported unchecked, and the report says so.
    assert report.hits == ()
    assert [(e.source, e.message) for e in report.errors] == [
        ("rule:heck", "antipattern timed out")
    ]
