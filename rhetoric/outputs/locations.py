"""Where a hit is, as CI tools want it: a relative path and 1-based line/columns."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..check.inputs import InputRecord
from ..model import Hit


@dataclass(frozen=True, slots=True)
class Location:
    """``end_column`` is exclusive (the column after the hit's last character)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


def display_path(source: str) -> str:
    """``source`` relative to the working directory when below it, with ``/``.

    Code scanning and workflow annotations resolve paths against the repository
    root, which is where CI runs the checker.
    """
    if source == "<stdin>":
        return source
    path = Path(source)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()


def locate(record: InputRecord, hit: Hit) -> Location:
    line, column = record.position(hit.start)
    end_line, end_column = record.position(hit.end)
    return Location(display_path(record.source), line, column, end_line, end_column)
