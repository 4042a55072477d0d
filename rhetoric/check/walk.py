"""Which files ``rhetoric check FOLDER`` checks, as ruff and Vale choose them.

A folder is walked for the kinds of files rhetoric reads, by extension: prose
(text, Markdown, reStructuredText, HTML) and comment dumps (JSONL, CSV). Inside a
git work tree the repository's own ignore rules decide what is left out
(``.gitignore``, ``.git/info/exclude``, the global excludes), by asking git;
elsewhere hidden folders and the usual build, cache and virtual-environment
folders are skipped. ``exclude`` globs of the configuration file apply on top
(:attr:`rhetoric.check.options.PathOptions.excluded`). A file named on the
command line is always checked, whatever its extension.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .inputs import STDIN

CHECKED_SUFFIXES = frozenset({
    ".txt", ".text", ".md", ".markdown", ".mdown", ".mkd", ".mdx", ".rst",
    ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".csv",
})  # fmt: skip
SKIPPED_FOLDERS = frozenset({
    "node_modules", "__pycache__", "site-packages", "venv", "build", "dist",
})  # fmt: skip


def expand(paths: tuple[str, ...]) -> Iterator[str]:
    """The inputs to check: each path as given, folders replaced by their files."""
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            yield from (str(file) for file in files_under(Path(path)))
        else:
            yield path


def files_under(folder: Path) -> list[Path]:
    """The files below ``folder`` that rhetoric checks, sorted."""
    listed = _git_files(folder)
    if listed is None:
        listed = _walked_files(folder)
    return sorted(p for p in listed if p.suffix.lower() in CHECKED_SUFFIXES and p.is_file())


def _git_files(folder: Path) -> list[Path] | None:
    """Tracked and untracked-but-not-ignored files below ``folder``, or None when
    ``folder`` is not in a git work tree (or git is not installed)."""
    import subprocess  # deferred: only folders are listed through git, not every start

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    if done.returncode != 0:
        return None
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [folder / name for name in dict.fromkeys(names) if name]


def _walked_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS]
        found.extend(Path(root) / name for name in files)
    return found
