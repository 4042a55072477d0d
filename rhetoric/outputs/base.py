"""The formatter interface and the per-record outcome it receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..check.inputs import InputRecord
from ..model import Report, RuleInfo
from ..techniques import Technique


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input record and what became of it: a report, or its error."""

    record: InputRecord
    report: Report | None

    @property
    def error(self) -> str | None:
        return self.record.error


@dataclass(slots=True)
class Tally:
    """What a run checked and found, counted in the words a reader expects:
    files (whole documents) and comments (lines, paragraphs, dump records) apart,
    and a record that could not be read as an input error, never as a comment."""

    findings: int = 0
    errors: int = 0
    checked: dict[str, int] = field(default_factory=lambda: {"file": 0, "comment": 0})
    flagged: dict[str, int] = field(default_factory=lambda: {"file": 0, "comment": 0})

    def add(self, outcome: Outcome) -> None:
        report = outcome.report
        if report is None:
            self.errors += 1
            return
        unit = outcome.record.unit
        self.checked[unit] += 1
        self.flagged[unit] += bool(report.hits)
        self.findings += len(report.hits)

    def summary(self) -> str:
        """``3 findings in 2 of 5 files and 1 of 40 comments; 1 input error``."""
        noun = "finding" if self.findings == 1 else "findings"
        parts = [
            f"{self.flagged[unit]} of {count} {unit}{'' if count == 1 else 's'}"
            for unit, count in self.checked.items()
            if count
        ]
        text = f"{self.findings} {noun} in {' and '.join(parts) or '0 comments'}"
        if self.errors:
            text += f"; {self.errors} input error{'s' if self.errors != 1 else ''}"
        return text


class Formatter:
    """Streams outcomes to ``out``; ``close`` writes whatever needs the whole run.

    ``rules`` maps rule ids to their metadata and ``techniques`` technique ids to
    their definitions (both filled in by the run as analyzers are built), for
    formats that describe what they report (SARIF, HTML).
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.rules: dict[str, RuleInfo] = {}
        self.techniques: dict[str, Technique] = {}

    def write(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Hand what is written so far to the reader: the run calls it when its input
        keeps it waiting (a pipe, a terminal), so streamed records are seen at once
        without a system call per record."""
        self.out.flush()

    def close(self) -> None:
        """Called once after the last outcome."""
