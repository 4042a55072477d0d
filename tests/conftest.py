"""Shared fixtures: analyzers built through the public API, and rule folders
written on the fly, as a rule author would write them."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.cli import main
from rhetoric.text import patterns

SHARED = Path(__file__).resolve().parents[2] / "shared"
BENCH = Path(__file__).resolve().parents[1] / "bench"
RULES = Path(__file__).resolve().parents[1] / "rules"


def load_bench(script: str) -> ModuleType:
    """The benchmark script bench/SCRIPT.py as a module (bench/ is not a package), loaded
    once per run and registered, since dataclasses look their module up by name."""
    name = f"bench_{script}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Compiled rules are cached per user; the tests keep theirs out of the user's cache, in a
# folder deleted when the run ends (each run would otherwise leave one behind in /tmp).
if "RHETORIC_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.TemporaryDirectory(prefix="rhetoric-test-cache-")
    os.environ["RHETORIC_CACHE_DIR"] = _CACHE.name


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The default analyzer (built-in rules and plugins), without readability."""
    return Analyzer.from_config(AnalyzerConfig(readability=()))


RuleWriter = Callable[[str, str], Path]


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    return folder


@pytest.fixture
def write_rule(rules_dir: Path) -> RuleWriter:
    """write_rule("technique/rule-id.yml" or "_classes/name.yml", yaml_text) -> path."""

    def write(relative: str, body: str) -> Path:
        path = rules_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
        return path

    return write


def lexicon_rule(*terms: str) -> str:
    """A stable profanity lexicon rule of ``terms`` (the first is its flag example), for
    tests that edit rule files and reload."""
    return (
        "kind: lexicon\nstatus: stable\nmessage: m\n"
        "why: A rule for the reload test; it documents nothing else.\n"
        f"terms: [{', '.join(terms)}]\nexamples:\n  flag: ['[[{terms[0]}]]']\n  pass: ['hello']\n"
    )


def only_rules(rules_dir: Path, **config: object) -> Analyzer:
    """An analyzer with just the rules in ``rules_dir`` (no built-in pack or plugins)."""
    return Analyzer.from_config(
        AnalyzerConfig(rule_paths=(rules_dir,), readability=(), preview=True, **config),  # type: ignore[arg-type]
        entry_points=False,
    )


def run(argv: list[str]) -> tuple[int, str]:
    """``rhetoric ARGV`` in process: (exit code, standard output)."""
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


@cache
def pack_analyzer(*techniques: str) -> Analyzer:
    """The built-in rule pack restricted to ``techniques``, without plugins' rules or
    readability: what the obfuscation and mask tests check words against (built once
    per selection, shared by every test file that asks for it)."""
    return Analyzer.from_config(
        AnalyzerConfig(
            rule_paths=(RULES,),
            disabled_plugins=frozenset({"builtin-rules"}),
            select=techniques,
            readability=(),
        )
    )


# The fields every hand-written test rule shares (5 lines, so a rule's own keys start
# on line 6 and its first template on line 8 when it begins with kind and templates).
TEST_RULE_HEADER = """
severity: warning
message: "'{match}' found"
why: A rule written for the tests of the rule format; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""
TEST_RULE_EXAMPLES = 'examples:\n  flag: ["[[x]]"]\n  pass: ["y"]\n'


def analyzer_with_rule(
    write_rule: RuleWriter,
    rules_dir: Path,
    body: str,
    *,
    technique: str,
    classes: Mapping[str, str],
) -> Analyzer:
    """Write ``classes`` (path -> YAML) and ``<technique>/tested.yml`` (the shared header,
    ``body``, placeholder examples) and load only those rules."""
    for path, text in classes.items():
        write_rule(path, text)
    write_rule(f"{technique}/tested.yml", TEST_RULE_HEADER + body + TEST_RULE_EXAMPLES)
    return only_rules(rules_dir)


def spans(analyzer: Analyzer, text: str) -> list[str]:
    """The text of every raw hit (before merging), in order."""
    return [text[h.start : h.end] for h in analyzer.analyse(text).raw_hits]


@pytest.fixture
def pattern_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store of kept regex patterns in its own folder, the module's state reset."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(folder))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    monkeypatch.setattr(patterns, "_kept", None)
    monkeypatch.setattr(patterns, "_used", {})
    monkeypatch.setattr(patterns, "_missed", False)
    return folder
