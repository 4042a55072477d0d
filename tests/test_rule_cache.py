"""The compiled-rules cache: a hit returns the same analyzer behaviour, and any
change to a rule file misses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules

from rhetoric.engine import cache as rule_cache

RULE = """\
kind: lexicon
status: stable
message: "'{match}'"
why: A rule for the cache tests; it documents nothing else.
references: [https://example.org]
terms: [heck]
examples:
  flag: ["[[heck]]"]
  pass: ["hello"]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(folder))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    return folder


def texts(analyzer, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.text for h in analyzer.check(text).hits]


def test_cache_is_written_reused_and_invalidated(
    cache: Path, write_rule: RuleWriter, rules_dir: Path
) -> None:
    path = write_rule("profanity/mild.yml", RULE)
    assert texts(only_rules(rules_dir), "oh heck, darn") == ["heck"]
    entries = list(cache.glob("*.pickle"))
    assert len(entries) == 1
    assert texts(only_rules(rules_dir), "oh heck, darn") == ["heck"]  # from the cache
    assert list(cache.glob("*.pickle")) == entries
    path.write_text(RULE.replace("[heck]", "[heck, darn]"))
    assert texts(only_rules(rules_dir), "oh heck, darn") == ["heck", "darn"]
    assert len(list(cache.glob("*.pickle"))) == 2


def test_corrupt_cache_entries_are_rebuilt(
    cache: Path, write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule("profanity/mild.yml", RULE)
    only_rules(rules_dir)
    for entry in cache.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert texts(only_rules(rules_dir), "heck") == ["heck"]


def test_cache_can_be_switched_off(
    cache: Path, write_rule: RuleWriter, rules_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    write_rule("profanity/mild.yml", RULE)
    assert texts(only_rules(rules_dir), "heck") == ["heck"]
    assert not cache.exists()


def test_invalid_rules_are_still_reported(
    cache: Path, write_rule: RuleWriter, rules_dir: Path
) -> None:
    from rhetoric import RuleLoadError

    write_rule("profanity/mild.yml", RULE.replace("terms:", "termz:"))
    with pytest.raises(RuleLoadError, match="unknown key 'termz'"):
        only_rules(rules_dir)


def test_the_built_in_rules_read_from_the_cache_behave_as_freshly_compiled(
    cache: Path,
) -> None:
    from rhetoric import Analyzer

    fresh = Analyzer.from_config()
    assert len(list(cache.glob("*.pickle"))) == 1
    cached = Analyzer.from_config()
    text = (
        "You stupid idiot, f*ck off. The globalists planned this plandemic to control us! "
        "Either you are with us or against us. I'll find you and make you pay."
    )
    assert cached.check(text) == fresh.check(text)
    assert cached.all_rules == fresh.all_rules
    assert all(rule.examples for rule in cached.all_rules if rule.kind != "python")


def test_only_dataclasses_built_whole_by_their_constructor_pickle_through_it() -> None:
    from dataclasses import dataclass, field

    from rhetoric.pickling import pickled_by_constructor

    @dataclass
    class Derived:
        given: int
        derived: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="Derived has fields its constructor does not take"):
        pickled_by_constructor(Derived)


def test_a_start_up_served_by_the_cache_never_imports_the_yaml_parser(cache: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rhetoric import Analyzer\n"
        "Analyzer.from_config().check('you idiot')\n"
        "print(sorted(name for name in sys.modules if name == 'yaml' or name.startswith('yaml.')))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout.strip() != "[]"  # the first run compiles the rules from YAML
    assert runs[1].stdout.strip() == "[]"


def test_the_folder_keeps_only_the_entries_used_most_recently(cache: Path) -> None:
    """Every rule edit writes a new entry: without pruning the folder grows for ever."""
    for number in range(rule_cache.KEEP):
        rule_cache.store(f"key{number}", number)
        os.utime(cache / f"key{number}.pickle", (1_000 + number, 1_000 + number))
    assert rule_cache.load("key0") == 0  # the oldest, used again: now the most recent
    rule_cache.store("new", "value")
    kept = {entry.stem for entry in cache.glob("*.pickle")}
    assert len(kept) == rule_cache.KEEP
    assert {"key0", "new"} <= kept
    assert "key1" not in kept  # the least recently used goes
