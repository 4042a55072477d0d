"""Entry points of one group, found without importing ``importlib.metadata``.

Why: importing ``importlib.metadata`` (with the email, zipfile and csv modules it
pulls in) and reading every distribution through it cost about a seventh of a cold
start, for the one group the plugin host needs. On an ordinary environment (plain
folders on ``sys.path``, no other distribution finder) its answer is simple to
reproduce: in ``sys.path`` order, each folder's ``*.dist-info`` and ``*.egg-info``
entries in listing order, the first of each normalized distribution name wins, and
each winner's ``entry_points.txt`` is read section by section.

Anything this module does not reproduce exactly (a zip or egg on ``sys.path``, a
third-party distribution finder, a name whose suffix is not lowercase, a line
``importlib.metadata`` would refuse, an unreadable file, an entry-point value of
unusual syntax) hands the whole question to ``importlib.metadata`` itself, so the
answer is always the one it gives.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

_SUFFIXES = (".dist-info", ".egg-info")
# What importlib.metadata.PathDistribution.read_text treats as "no such file".
_ABSENT = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
# The values EntryPoint.load resolves by import and getattr alone: ``module`` or
# ``module:attr.attr`` (importlib.metadata's own pattern, without extras).
_VALUE = re.compile(r"([\w.]+)\s*(?::\s*([\w.]+)\s*)?")
_SEPARATORS = re.compile(r"[-_.]+")


class _Unusual(Exception):
    """The environment holds something only importlib.metadata reads faithfully."""


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """One entry point: what the plugin host reads of ``importlib.metadata``'s."""

    name: str
    value: str
    group: str
    # The distribution's metadata folder; its Distribution is built only on request.
    path: str | None = None
    # importlib.metadata's own entry point, when it answered instead of the scan.
    _original: Any = None

    def load(self) -> Any:
        """Import the module and walk the attributes the value names."""
        if self._original is not None:
            return self._original.load()
        match = _VALUE.fullmatch(self.value)
        assert match is not None  # only such values are built without a loader
        module = importlib.import_module(match.group(1))
        attrs = filter(None, (match.group(2) or "").split("."))
        return functools.reduce(getattr, attrs, module)

    @property
    def dist(self) -> Any:
        """``importlib.metadata``'s Distribution for the entry point (imports it)."""
        if self._original is not None:
            return self._original.dist
        if self.path is None:
            return None
        from importlib.metadata import PathDistribution
        from pathlib import Path

        return PathDistribution(Path(self.path))


def entry_points(group: str) -> list[EntryPoint]:
    """The group's entry points, in ``importlib.metadata.entry_points(group=...)``'s
    order (duplicate names included: callers decide which wins)."""
    try:
        return _scanned(group)
    except _Unusual:
        return _from_importlib(group)


def _from_importlib(group: str) -> list[EntryPoint]:
    from importlib.metadata import entry_points as metadata_entry_points

    return [
        EntryPoint(entry.name, entry.value, entry.group, None, entry)
        for entry in metadata_entry_points(group=group)
    ]


def _scanned(group: str) -> list[EntryPoint]:
    from importlib.machinery import PathFinder

    if any(
        finder is not PathFinder and getattr(finder, "find_distributions", None) is not None
        for finder in sys.meta_path
    ):
        raise _Unusual("another distribution finder")
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for root in list(sys.path):
        for path, name in _metadata_folders(root):
            if name in seen:
                continue
            seen.add(name)
            found.extend(_read_group(path, group))
    return found


def _metadata_folders(root: object) -> list[tuple[str, str]]:
    """``(path, normalized name)`` of each metadata entry of one sys.path folder."""
    if not isinstance(root, str):
        raise _Unusual("a sys.path entry that is not a string")
    if os.path.basename(root).lower().endswith(".egg"):
        raise _Unusual("an egg on sys.path")
    try:
        children = os.listdir(root or ".")
    except OSError:
        if os.path.exists(root or "."):
            raise _Unusual("a sys.path entry that is not a folder (a zip?)") from None
        return []
    found = []
    for child in children:
        if not child.lower().endswith(_SUFFIXES):
            continue
        stem, suffix = os.path.splitext(child)
        if suffix not in _SUFFIXES:
            raise _Unusual("a metadata folder whose suffix is not lowercase")
        name = _SEPARATORS.sub("-", stem.partition("-")[0]).lower().replace("-", "_")
        found.append((os.path.join(root, child), name))
    return found


def _read_group(path: str, group: str) -> list[EntryPoint]:
    """The group's entry points in one distribution's ``entry_points.txt``."""
    try:
        with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as handle:
            text = handle.read()
    except _ABSENT:
        return []
    except (OSError, UnicodeDecodeError):
        raise _Unusual("an unreadable entry_points.txt") from None
    found: list[EntryPoint] = []
    section: str | None = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise _Unusual("a line importlib.metadata refuses")
        if section != group:
            continue
        value = value.strip()
        if _VALUE.fullmatch(value) is None:
            raise _Unusual("an entry-point value with extras or odd syntax")
        found.append(EntryPoint(name.strip(), value, group, path))
    return found
