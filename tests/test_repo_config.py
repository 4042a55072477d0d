"""Configuration files found by walking up from the checked file, and flags that
override them; every case through ``main([...])`` with exit code and exact output."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run

INSULT = "'{}' is an insult: it labels a person instead of answering them."


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A repository with a nested folder and a file with one insult and one info hit."""
    (tmp_path / "docs" / "archive").mkdir(parents=True)
    for name in ("docs/post.md", "docs/archive/old.md"):
        (tmp_path / name).write_text("A horrific plan.\nOnly an idiot agrees.\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def finding(path: str, line: int, column: int, rule: str, technique: str, severity: str,
            message: str) -> str:  # fmt: skip
    return f"{path}:{line}:{column}  {technique}  {rule}  [{severity}] {message}"


def test_no_config_defaults(repo: Path) -> None:
    code, out = run(["check", "docs/post.md"])
    assert code == 1
    assert out.splitlines()[::2] == [
        finding("docs/post.md", 1, 3, "alarm-catastrophe", "loaded-language", "info",
                "'horrific' raises alarm: catastrophe words make a claim feel urgent "
                "and frightening."),
        finding("docs/post.md", 2, 9, "insult-label", "name-calling", "warning",
                INSULT.format("idiot")),
        "2 findings in 1 of 1 file",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.rhetoric]\nignore = ["name-calling"]\n'),
        (".rhetoric.toml", 'ignore = ["insult"]\n'),
        (".rhetoric.yaml", "ignore: [name-calling]\n"),
    ],
)
def test_config_file_kinds(repo: Path, name: str, body: str) -> None:
    (repo / name).write_text(body, encoding="utf-8")
    code, out = run(["check", "docs/post.md"])
    assert (code, out.splitlines()[-1]) == (0, "1 finding in 1 of 1 file")
    assert "insult-label" not in out


def test_nearest_config_wins_and_flags_override(repo: Path) -> None:
    (repo / ".rhetoric.toml").write_text('fail-on = "info"\nselect = ["name-calling"]\n')
    (repo / "docs" / "archive" / ".rhetoric.yaml").write_text("fail-on: never\n")
    assert run(["check", "docs/post.md"])[0] == 1
    code, out = run(["check", "docs/post.md", "--select", "loaded-language"])
    assert (code, out.splitlines()[-1]) == (1, "1 finding in 1 of 1 file")
    assert "alarm-catastrophe" in out
    # the nested file replaces the root one entirely: default selection, never fail
    code, out = run(["check", "docs/archive/old.md"])
    assert (code, out.splitlines()[-1]) == (0, "2 findings in 1 of 1 file")
    assert run(["check", "docs/archive/old.md", "--fail-on", "warning"])[0] == 1
    assert run(["check", "--isolated", "docs/archive/old.md"])[0] == 1


def test_per_file_ignores_exclude_allowlist_and_rules(repo: Path) -> None:
    (repo / "extra" / "profanity").mkdir(parents=True)
    (repo / "extra" / "profanity" / "agrees.yml").write_text(
        "kind: lexicon\nstatus: stable\nmessage: \"'{match}'\"\n"
        "why: A test rule.\nterms: [agrees]\n"
        "examples:\n  flag: ['he [[agrees]]']\n  pass: ['hello']\n"
    )
    (repo / "pyproject.toml").write_text(
        "[tool.rhetoric]\n"
        'rules = ["extra"]\n'
        'allowlist = ["horrific"]\n'
        'exclude = ["archive/"]\n'
        '[tool.rhetoric.per-file-ignores]\n"docs/*.md" = ["insult-label"]\n'
    )
    code, out = run(["check", "docs/post.md", "docs/archive/old.md"])
    assert code == 1
    assert out.splitlines() == [
        finding("docs/post.md", 2, 15, "agrees", "profanity", "warning", "'agrees'"),
        "    Only an idiot »agrees«.",
        "1 finding in 1 of 1 file",
    ]


def test_plugin_options_and_disable(repo: Path) -> None:
    (repo / "q.md").write_text('She said "you are an idiot, really".\n')
    assert run(["check", "q.md"])[0] == 0  # quoted speech is dropped
    (repo / ".rhetoric.toml").write_text('[plugins]\ndisable = ["quoting"]\n')
    assert run(["check", "q.md"])[0] == 1
    (repo / ".rhetoric.toml").write_text('[plugin-options.quoting]\naction = "downgrade"\n')
    code, out = run(["check", "q.md", "--fail-on", "info"])
    assert code == 1 and "[info]" in out


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (".rhetoric.toml", 'selct = ["x"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        (".rhetoric.yaml", "fail-on: sometimes\n",
         "'fail-on' must be one of info, warning, error, never"),
        (".rhetoric.toml", "select = 'name-calling'\n", "'select' must be a list of strings"),
        ("pyproject.toml", "[tool.rhetoric.plugins]\nenabled = []\n",
         "unknown key 'plugins.enabled' (did you mean 'enable'?)"),
        (".rhetoric.toml", "select = [\n", "invalid TOML"),
        (".rhetoric.yaml", "- a list\n", "the file must be a table of settings"),
    ],
)  # fmt: skip
def test_config_errors_name_the_file(
    repo: Path, name: str, body: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / name).write_text(body)
    assert run(["check", "docs/post.md"]) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith(f"rhetoric: error: {repo / name}: {message}"), err


def test_explicit_config_and_stdin_uses_cwd(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    (repo / "other.yaml").write_text("ignore: [name-calling]\n")
    assert run(["check", "--config", "other.yaml", "docs/post.md"])[0] == 0
    (repo / ".rhetoric.toml").write_text('ignore = ["name-calling"]\n')
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"what a moron\n")))
    assert run(["check", "-"]) == (0, "0 findings in 0 of 1 comment\n")


def test_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    """The documented example loads: every key in it exists and has the right type."""
    from rhetoric.check.options import load_project_file as load_config

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "pyproject.toml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    assert config.disable_plugins == ("nicknames",)
    assert config.per_file_ignores[0] == ("docs/quotes/*.md", ("name-calling",))
    assert config.rules == (tmp_path / "style/rules",)
