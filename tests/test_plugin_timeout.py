"""The plugin time budget of ``rhetoric check``: the project file's ``plugin-timeout``,
``$RHETORIC_PLUGIN_TIMEOUT`` over it, the flag over both, and 0 for no budget, so
repeatable runs (identity checks, CI) do not depend on the machine's load."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run

from rhetoric.check.options import (
    PLUGIN_TIMEOUT_ENV,
    CheckOptions,
    ProjectFile,
    path_options,
)

# A filter that always outlasts a budget of a microsecond (and keeps every hit).
SLOW_FILTER = """
import time
from rhetoric import hookimpl

@hookimpl
def rhetoric_filter_hit(hit, doc, config):
    time.sleep(0.005)
    return None
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder with a slow filter plugin and a comment with one hit."""
    monkeypatch.delenv(PLUGIN_TIMEOUT_ENV, raising=False)
    (tmp_path / "plug").mkdir()
    (tmp_path / "plug" / "slowfilter.py").write_text(SLOW_FILTER, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "a", "text": "Only an idiot agrees."}\n')
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def _write_config(repo: Path, timeout: str) -> None:
    (repo / ".rhetoric.toml").write_text(
        f'plugin-timeout = {timeout}\n[plugins]\ndirs = ["plug"]\n'
    )


def _errors(out: str) -> list[str]:
    """The sources of the report's errors (a microsecond's budget trips every plugin)."""
    report = json.loads(out)
    return [error["source"] for error in report["errors"]]


def test_file_budget_applies_and_zero_switches_it_off(repo: Path) -> None:
    _write_config(repo, "0.000001")
    code, out = run(["check", "--format", "jsonl", "c.jsonl"])
    assert code == 1
    assert "plugin:slowfilter" in _errors(out)  # over budget: its result dropped
    _write_config(repo, "0")
    assert _errors(run(["check", "--format", "jsonl", "c.jsonl"])[1]) == []


def test_environment_wins_over_the_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(repo, "0.000001")
    monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, "0")
    assert _errors(run(["check", "--format", "jsonl", "c.jsonl"])[1]) == []
    _write_config(repo, "0")
    monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, "1e-6")
    assert "plugin:slowfilter" in _errors(run(["check", "--format", "jsonl", "c.jsonl"])[1])


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_bad_environment_value_is_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, value)
    assert run(["check", "c.jsonl"]) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(
        f"rhetoric: error: ${PLUGIN_TIMEOUT_ENV} must be a number of seconds, 0 for no time "
        f"budget (got '{value}')"
    ), err


@pytest.mark.parametrize("value", ["-1", "'1'", "true"])
def test_bad_file_value_names_the_file(
    repo: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    _write_config(repo, value)
    assert run(["check", "c.jsonl"]) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(
        f"rhetoric: error: {repo / '.rhetoric.toml'}: 'plugin-timeout' must be a number "
        "of seconds, 0 for no time budget"
    ), err


@pytest.mark.parametrize(
    ("flag", "env", "file", "expected"),
    [
        (None, None, None, 1.0),  # the analyzer's default
        (None, None, 2, 2.0),
        (None, "0", 2, None),
        (None, "3.5", 2, 3.5),
        (0, "3.5", 2, None),  # the flag wins
        (0.5, "0", None, 0.5),
    ],
)
def test_precedence_flag_environment_file_default(
    monkeypatch: pytest.MonkeyPatch,
    flag: float | None,
    env: str | None,
    file: float | None,
    expected: float | None,
) -> None:
    if env is None:
        monkeypatch.delenv(PLUGIN_TIMEOUT_ENV, raising=False)
    else:
        monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, env)
    options = CheckOptions(paths=("-",), plugin_timeout=flag)
    merged = path_options(options, ProjectFile(plugin_timeout=file), "-")
    assert merged.analyzer_config.plugin_timeout == expected


def test_flag_wins_over_the_environment(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(repo, "0")
    monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, "0")
    args = ["check", "--format", "jsonl", "--plugin-timeout", "0.000001", "c.jsonl"]
    assert "plugin:slowfilter" in _errors(run(args)[1])
    monkeypatch.setenv(PLUGIN_TIMEOUT_ENV, "1e-6")
    assert _errors(run(["check", "--format", "jsonl", "--plugin-timeout", "0", "c.jsonl"])[1]) == []


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_bad_flag_value_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert run(["check", f"--plugin-timeout={value}", "c.jsonl"])[0] == 2
    err = capsys.readouterr().err
    assert (
        f"argument --plugin-timeout: must be a number of seconds, 0 for no time budget "
        f"(got '{value}')" in err
    ), err
