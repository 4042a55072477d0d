"""Inline suppression comments, through ``main([...])`` with exact output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run

INSULT = "name-calling  insult-label  [warning] '{}' is an insult: it labels a person instead of answering them."  # noqa: E501


def check(tmp_path: Path, name: str, text: str, *flags: str) -> tuple[int, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out = run(["check", "--isolated", *flags, str(path)])
    return code, [line.replace(str(path), name) for line in out.splitlines()]


DOC = """\
Only an idiot.
<!-- rhetoric-disable name-calling -->
What a moron.
A moron too.
<!-- rhetoric-enable -->
Another idiot.
<!-- rhetoric-ignore-next-line insult-label -->
Yet another moron.
"""


def test_disable_enable_and_next_line(tmp_path: Path) -> None:
    code, lines = check(tmp_path, "doc.md", DOC)
    assert code == 1
    assert lines[::2] == [
        f"doc.md:1:9  {INSULT.format('idiot')}",
        f"doc.md:6:9  {INSULT.format('idiot')}",
        "2 findings in 1 of 1 file",
    ]


def test_plain_text_same_line_form(tmp_path: Path) -> None:
    text = (
        "Only an idiot.  # rhetoric: ignore[name-calling]\n"
        "Only a moron.  # rhetoric: ignore\n"
        "Only a moron.  # rhetoric: ignore[profanity]\n"
    )
    code, lines = check(tmp_path, "doc.txt", text)
    assert (code, lines[0], lines[-1]) == (
        1,
        f"doc.txt:3:8  {INSULT.format('moron')}",
        "1 finding in 1 of 1 file",
    )


def test_unused_suppressions_are_reported_when_asked(tmp_path: Path) -> None:
    text = (
        "Fine.\n<!-- rhetoric-ignore-next-line -->\nAll good.\nOnly an idiot.  # rhetoric: ignore\n"
    )
    assert check(tmp_path, "doc.md", text) == (0, ["0 findings in 0 of 1 file"])
    code, lines = check(tmp_path, "doc.md", text, "--report-unused-suppressions")
    assert code == 1
    assert lines == [
        "doc.md:2:1  suppression  unused-suppression  [warning] "
        "'rhetoric-ignore-next-line' suppresses nothing: remove it",
        "    »<!-- rhetoric-ignore-next-line -->«",
        "1 finding in 1 of 1 file",
    ]


def test_unused_suppressions_from_config(tmp_path: Path) -> None:
    (tmp_path / ".rhetoric.toml").write_text("report-unused-suppressions = true\n")
    path = tmp_path / "doc.txt"
    path.write_text("Fine.  # rhetoric: ignore[profanity]\n")
    code, out = run(["check", str(path)])
    assert code == 1 and "'rhetoric: ignore[profanity]' suppresses nothing" in out


@pytest.mark.parametrize("split", ["lines", "document"])
def test_split_lines_keep_same_line_directives(tmp_path: Path, split: str) -> None:
    text = "Only an idiot.  # rhetoric: ignore\nWhat a moron.\n"
    code, lines = check(tmp_path, "doc.txt", text, "--split", split)
    assert code == 1 and lines[0].startswith("doc.txt:2:8  name-calling")


def test_directives_inside_comment_dumps_are_ignored(tmp_path: Path) -> None:
    """A commenter cannot silence the checker by typing a directive."""
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"id": "c1", "text": "You idiot # rhetoric: ignore"}) + "\n")
    code, out = run(["check", "--isolated", str(path)])
    assert code == 1 and "insult-label" in out
