"""The installed console script works from any folder (the README's promise)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "comments.txt"


def rhetoric_command() -> list[str]:
    script = shutil.which("rhetoric", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the rhetoric console script is not installed in this environment")
    return [script]


def test_check_from_an_unrelated_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [*rhetoric_command(), "check", "--split", "lines", "--format", "jsonl", str(EXAMPLES)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == len([x for x in EXAMPLES.read_text().splitlines() if x.strip()])
    assert reports[0]["hits"] == []
    assert any(h["rule"] == "pejorative-nickname" for r in reports for h in r["hits"])


def test_version_and_usage_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [*rhetoric_command(), "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stdout.startswith("rhetoric ")
    done = subprocess.run(
        [*rhetoric_command(), "check"], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 2 and "no input" in done.stderr and "Traceback" not in done.stderr
