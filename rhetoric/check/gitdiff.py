"""Changed lines since a git revision, for ``--since REV``.

When a team adopts the checker on an old archive, a pull request should answer
for the lines it touches, not for the whole file. ``git diff -U0 REV`` lists the
changed hunks of the working tree against REV; files git does not track are new,
so every line counts.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..config import ConfigError
from .decoding import BYTE_BREAKS

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
ALL_LINES = None


def changed_lines(path: Path, revision: str) -> set[int] | None:
    """1-based line numbers of ``path`` changed since ``revision``, counted as reports
    count them; None means all.

    :raises ConfigError: not a git work tree, or an unknown revision.
    """
    if revision.startswith("-"):
        raise ConfigError(
            f"--since: {revision!r} is not a revision (it would be read as an option)"
        )
    folder = path.resolve().parent
    tracked = _git(folder, "ls-files", "--error-unmatch", "--", path.name, check=False)
    if tracked.returncode != 0:
        if "not a git repository" in tracked.stderr:
            raise ConfigError(f"--since: {path} is not inside a git work tree")
        return ALL_LINES
    diff = _git(folder, "diff", "--no-color", "--no-ext-diff", "-U0", revision, "--", path.name)
    lines: set[int] = set()
    for match in _HUNK.finditer(diff.stdout):
        first = int(match.group(1))
        count = 1 if match.group(2) is None else int(match.group(2))
        lines.update(range(first, first + count))
    return _as_report_lines(path, lines)


def _as_report_lines(path: Path, changed: set[int]) -> set[int]:
    """git counts ``\n`` only; reports also end a line at a lone ``\r``
    (:mod:`rhetoric.text.lines`): the lines of a file with lone ``\r`` breaks renumbered
    as reports count them (decoding keeps every break, so the bytes tell)."""
    raw = path.read_bytes()
    if b"\r" not in raw.replace(b"\r\n", b""):
        return changed
    report_lines: set[int] = set()
    git_line = number = 1
    for match in BYTE_BREAKS.finditer(raw):
        if git_line in changed:
            report_lines.add(number)
        if match.group().endswith(b"\n"):
            git_line += 1
        number += 1
    if git_line in changed:  # the last line, without a break
        report_lines.add(number)
    return report_lines


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise ConfigError("--since needs git, which is not installed") from None
    if check and done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise ConfigError(f"--since: {message}")
    return done
