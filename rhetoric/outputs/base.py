"""The formatter interface and the per-record outcome it receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from ..detectors import RuleInfo
from ..inputs import InputRecord
from ..model import Report


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input record and what became of it: a report, or its error."""

    record: InputRecord
    report: Report | None

    @property
    def error(self) -> str | None:
        return self.record.error


class Formatter:
    """Streams outcomes to ``out``; ``close`` writes whatever needs the whole run.

    ``rules`` maps rule ids to their metadata (filled in by the run as analyzers
    are built), for formats that describe the rules they report (SARIF).
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.rules: dict[str, RuleInfo] = {}

    def write(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last outcome."""
