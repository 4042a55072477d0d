"""A progress bar on standard error for long ``rhetoric check`` runs (tqdm).

Shown only where someone watches: when standard error is a terminal (or when
asked for with ``--progress``), never in pipes, CI logs or pre-commit output. It
counts records against an estimate made before the run (one per document, one
per line of a dump or a line-split file: a quick count of newline bytes), so it
can show the rate and the time left. Findings printed to the same terminal are
written above the bar, never through it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from .inputs import STDIN, ReadOptions, detect_format

_CHUNK = 1 << 20


def estimate_records(sources: Iterable[str], options: ReadOptions) -> int | None:
    """How many records ``sources`` hold, about (None: unknown, e.g. standard input)."""
    total = 0
    for source in sources:
        if source == STDIN:
            return None
        kind = detect_format(source, options.input_format)
        if kind == "text" and options.split == "document":
            total += 1
            continue
        try:
            total += _lines(Path(source))
        except OSError:
            total += 1  # becomes one error record
    return total


def _lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


class ProgressBar:
    """A tqdm bar, or nothing at all when it is not wanted."""

    def __init__(self, total: int | None, unit: str, enabled: bool, stream: TextIO) -> None:
        self._bar: Any = None
        if enabled:
            # Imported only when a bar is shown: pipes and pre-commit never pay for tqdm.
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, unit=f" {unit}", file=stream, dynamic_ncols=True, leave=False
            )

    @staticmethod
    def wanted(requested: bool | None, stream: TextIO | None = None) -> bool:
        """``--progress``/``--no-progress`` decide; by default only on a terminal.

        ``stream`` defaults to the ``sys.stderr`` of the call, not of the import: this
        module is imported on first use, when a host may have replaced standard error."""
        if requested is not None:
            return requested
        return (stream or sys.stderr).isatty()

    def update(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def guard(self, out: TextIO) -> TextIO:
        """``out``, with writes that land on the bar's terminal made above the bar."""
        if self._bar is None or not out.isatty():
            return out
        return _AboveTheBar(out, self._bar)


class _AboveTheBar:
    """A text stream whose writes first clear the bar and then redraw it."""

    def __init__(self, out: TextIO, bar: Any) -> None:
        self._out = out
        self._bar = bar

    def write(self, text: str) -> int:
        with self._bar.external_write_mode(file=self._out):
            return self._out.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)
