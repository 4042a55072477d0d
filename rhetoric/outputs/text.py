"""Human output: ``path:line:col  technique  rule  message`` plus an excerpt."""

from __future__ import annotations

from typing import TextIO

from ..text.lines import line_span
from .base import Formatter, Outcome, Tally
from .safety import printable

EXCERPT_CONTEXT = 30


def excerpt(text: str, start: int, end: int) -> str:
    """The hit with a little context on its line, the hit marked with »«.

    ``\\r`` ends a line as ``\\n`` does (:mod:`rhetoric.text.lines`): printed, it would
    send the terminal's cursor back over the excerpt.
    """
    line_start = line_span(text, start)[0]
    line_end = line_span(text, end)[1]
    left = max(line_start, start - EXCERPT_CONTEXT)
    right = min(line_end, end + EXCERPT_CONTEXT)
    prefix = "…" if left > line_start else ""
    suffix = "…" if right < line_end else ""
    hit = text[start:end].replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return f"{prefix}{text[left:start]}»{hit}«{text[end:right]}{suffix}"


class TextFormatter(Formatter):
    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.tally = Tally()

    def write(self, outcome: Outcome) -> None:
        self.tally.add(outcome)
        record = outcome.record
        if outcome.report is None:
            where = f"{record.source}:{record.line}" if record.line else record.source
            self._emit(f"{where}: error: {outcome.error}\n")
            return
        report = outcome.report
        assert record.comment is not None
        for hit in report.hits:
            line, column = record.position(hit.start)
            self._emit(
                f"{record.source}:{line}:{column}  {hit.technique}  {hit.rule}  "
                f"[{hit.severity.value}] {hit.message}\n"
                f"    {excerpt(record.comment.text, hit.start, hit.end)}\n"
            )
        for error in report.errors:
            self._emit(f"{record.source}:{record.line}: warning: {error.source}: {error.message}\n")

    def _emit(self, text: str) -> None:
        """Write, with the comment's control characters made visible (no terminal
        escape sequence from a comment ever reaches the terminal)."""
        self.out.write(printable(text))

    def close(self) -> None:
        self.out.write(self.tally.summary() + "\n")
