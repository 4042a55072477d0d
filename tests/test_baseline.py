"""Baseline mode (the ratchet) and ``--since`` changed lines, through ``main``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_write_then_use_a_baseline(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = workdir / "a.md"
    article.write_text("Only an idiot.\nWhat a moron.\n")
    code, _ = run(["check", "--isolated", "--write-baseline", "base.json", "a.md"])
    assert code == 0
    assert capsys.readouterr().err == "rhetoric: wrote 2 findings to base.json\n"
    data = json.loads((workdir / "base.json").read_text())
    assert [(f["path"], f["rule"], f["text"], f["count"]) for f in data["findings"]] == [
        ("a.md", "insult-label", "idiot", 1), ("a.md", "insult-label", "moron", 1),
    ]  # fmt: skip

    # Lines moved and re-indented: still the same findings, nothing new.
    article.write_text("# Title\n\nIntro.\n\n  What a moron.\nOnly an idiot.\n")
    assert run(["check", "--isolated", "--baseline", "base.json", "a.md"]) == (
        0, "0 findings in 0 of 1 file\n"
    )  # fmt: skip
    assert "2 findings from the baseline base.json not shown" in capsys.readouterr().err

    # A new finding (even a second copy of a recorded line) fails the run.
    article.write_text("Only an idiot.\nWhat a moron.\nWhat a moron.\nA moron.\n")
    argv = ["check", "--isolated", "--select", "name-calling", "--baseline", "base.json", "a.md"]
    code, out = run(argv)
    assert code == 1
    assert [line.split("  ")[0] for line in out.splitlines()[:-1:2]] == ["a.md:3:8", "a.md:4:3"]


def test_baseline_paths_are_relative_to_the_baseline_file(workdir: Path) -> None:
    (workdir / "docs").mkdir()
    (workdir / "docs" / "a.txt").write_text("Only an idiot.\n")
    assert run(["check", "--isolated", "--write-baseline", "docs/b.json", "docs/a.txt"])[0] == 0
    assert json.loads((workdir / "docs" / "b.json").read_text())["findings"][0]["path"] == "a.txt"
    os.chdir(workdir / "docs")
    assert run(["check", "--isolated", "--baseline", "b.json", "a.txt"])[0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file does not exist"),
        ("{}", "not a rhetoric baseline (version 1)"),
        ("[1]", "not a rhetoric baseline (version 1)"),
        (
            "{",
            "cannot read baseline: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
    ],
)
def test_bad_baseline_is_an_error(
    workdir: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "a.txt").write_text("fine\n")
    if content is not None:
        (workdir / "b.json").write_text(content)
    assert run(["check", "--baseline", "b.json", "a.txt"]) == (2, "")
    assert capsys.readouterr().err == f"rhetoric: error: b.json: {message}\n"


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
         *args], check=True, capture_output=True,
    )  # fmt: skip


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_reports_only_changed_lines(workdir: Path) -> None:
    git(workdir, "init", "-q")
    (workdir / "a.md").write_text("Only an idiot.\nFine.\n")
    git(workdir, "add", "a.md")
    git(workdir, "commit", "-q", "-m", "one")
    (workdir / "a.md").write_text("Only an idiot.\nWhat a moron.\n")
    (workdir / "new.md").write_text("A moron.\n")
    code, out = run(["check", "--isolated", "--since", "HEAD", "a.md", "new.md"])
    assert code == 1
    assert [line.split("  ")[0] for line in out.splitlines()[:-1:2]] == ["a.md:2:8", "new.md:1:3"]
    code, out = run(["check", "--isolated", "--since", "no-such-rev", "a.md"])
    assert code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_since_counts_lines_as_reports_do_in_a_file_with_lone_cr(workdir: Path) -> None:
    # git sees one line ("a\rb\rc\n" has one \n); reports see three.
    git(workdir, "init", "-q")
    (workdir / "old.txt").write_bytes(b"Fine.\rStill fine.\nUntouched idiot.\n")
    git(workdir, "add", "old.txt")
    git(workdir, "commit", "-q", "-m", "one")
    (workdir / "old.txt").write_bytes(b"Fine.\rNow a moron.\nUntouched idiot.\n")
    code, out = run(["check", "--isolated", "--since", "HEAD", "old.txt"])
    assert code == 1
    # The changed git line 1 is report lines 1-2; the idiot on report line 3 is old.
    assert [line.split("  ")[0] for line in out.splitlines()[:-1:2]] == ["old.txt:2:7"]
