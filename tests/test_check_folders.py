"""``rhetoric check`` as a linter of files: folders, the summary's words, and the
progress bar (through a pseudo-terminal, as a user at a terminal sees it)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from conftest import run

INSULT = "You idiot.\n"


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def checked(out: str) -> list[str]:
    """The ids of the records a --format jsonl run reported, in order."""
    return [json.loads(line)["id"] for line in out.splitlines()]


FILES = {
    "a.md": INSULT,
    "docs/b.txt": "Fine words.\n",
    "docs/c.rst": INSULT,
    "docs/page.html": "<p>You idiot.</p>\n",
    "dumps/d.jsonl": json.dumps({"id": "d1", "text": "moron"}) + "\n",
    "dumps/e.csv": "id,text\ne1,fine\n",
    "code/script.py": "idiot = 1\n",
    "image.png": "not text",
    ".hidden/f.md": INSULT,
    "node_modules/pkg/readme.md": INSULT,
}


def test_a_folder_is_walked_for_the_files_rhetoric_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, FILES)
    code, out = run(["check", "--isolated", "--format", "jsonl", "."])
    assert code == 1
    assert checked(out) == [
        "a.md", "docs/b.txt", "docs/c.rst", "docs/page.html", "d1", "e1",
    ]  # fmt: skip


def test_exclude_globs_apply_to_a_walked_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, {**FILES, ".rhetoric.toml": 'exclude = ["dumps", "*.rst"]\n'})
    _, out = run(["check", "--format", "jsonl", "."])
    assert checked(out) == ["a.md", "docs/b.txt", "docs/page.html"]


def test_a_git_repository_leaves_out_what_it_ignores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, {**FILES, ".gitignore": "docs/c.rst\nbuild/\n", "build/out.md": INSULT})
    subprocess.run(["git", "init", "-q"], check=True, cwd=tmp_path)
    _, out = run(["check", "--isolated", "--format", "jsonl", "."])
    # git decides: its ignore rules, nothing else (hidden folders it does not ignore
    # are checked, as git would show them).
    assert checked(out) == [
        ".hidden/f.md", "a.md", "docs/b.txt", "docs/page.html", "d1", "e1",
        "node_modules/pkg/readme.md",
    ]  # fmt: skip


def test_a_file_named_on_the_command_line_is_checked_whatever_its_extension(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, FILES)
    _, out = run(["check", "--isolated", "--format", "jsonl", "code/script.py"])
    assert checked(out) == ["code/script.py"]


@pytest.mark.parametrize(
    ("argv", "summary"),
    [
        (["a.md", "docs/b.txt"], "1 finding in 1 of 2 files"),
        (["--split", "lines", "a.md", "docs/b.txt"], "1 finding in 1 of 2 comments"),
        (["a.md", "dumps/d.jsonl"], "2 findings in 1 of 1 file and 1 of 1 comment"),
        (["a.md", "missing.md"], "1 finding in 1 of 1 file; 1 input error"),
    ],
)
def test_the_summary_counts_in_the_right_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], summary: str
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, FILES)
    _, out = run(["check", "--isolated", *argv])
    assert out.splitlines()[-1] == summary
    if "missing.md" in argv:
        assert "missing.md: error: no such file" in out


def test_with_an_output_file_the_counts_still_go_to_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, FILES)
    code, out = run(["check", "--isolated", "--format", "jsonl", "-o", "out.jsonl", "a.md"])
    assert (code, out) == (1, "")
    assert capsys.readouterr().err == "rhetoric: 1 finding in 1 of 1 file\n"


# --- the progress bar -------------------------------------------------------------


def run_on_terminal(argv: list[str], cwd: Path) -> tuple[int, str]:
    """``rhetoric ARGV`` with standard error on a pseudo-terminal of 100 columns."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "rhetoric", *argv],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return child.wait(), seen.decode("utf-8", "replace")


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    rows = [{"id": str(i), "text": f"you moron number {i}"} for i in range(1500)]
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_terminal_gets_a_progress_bar(tmp_path: Path, dump: Path) -> None:
    argv = ["check", "--isolated", "--jobs", "1", "--format", "jsonl", "-o", "out.jsonl"]
    code, seen = run_on_terminal([*argv, str(dump)], tmp_path)
    assert code == 1
    assert "/1500" in seen and "records/s" in seen and "%" in seen  # count, rate, ETA
    assert seen.rstrip().endswith("rhetoric: 1500 findings in 1500 of 1500 comments")
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 1500


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path, dump: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rhetoric", "check", "--isolated", "--format", "jsonl",
         "-o", "out.jsonl", str(dump)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.stderr == "rhetoric: 1500 findings in 1500 of 1500 comments\n"


def test_no_progress_switches_the_bar_off_on_a_terminal(tmp_path: Path, dump: Path) -> None:
    argv = ["check", "--isolated", "--no-progress", "--format", "jsonl", "-o", "out.jsonl"]
    _, seen = run_on_terminal([*argv, str(dump)], tmp_path)
    assert "records/s" not in seen
