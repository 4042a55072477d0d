"""Hostile comment text cannot steer a terminal, break JUnit XML or smuggle a git
option through --since."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run


def test_terminal_escapes_in_a_comment_are_shown_not_sent(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("\x1b[2J\x1b]0;owned\x07 you idiot \x9b31m\n", encoding="utf-8")
    code, out = run(["check", "--isolated", str(path)])
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b[2J" in out and "»idiot«" in out


def test_junit_stays_well_formed_xml_with_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a\\u0001", "text": "you \\u0002idiot\\u001f"}\n', encoding="utf-8")
    code, out = run(["check", "--format", "junit", str(path)])
    assert code == 1
    root = ET.fromstring(out.split("\n", 1)[1])
    assert root.find(".//failure") is not None


def test_since_refuses_an_option_disguised_as_a_revision(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("you idiot\n", encoding="utf-8")
    code, _ = run(["check", "--isolated", "--since", "--output=/tmp/x", str(path)])
    assert code == 2
