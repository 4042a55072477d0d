"""Value types shared by every layer: comments in, hits and reports out.

All are frozen so a report handed to a plugin or a host cannot be changed behind
the runner's back; plugins that adjust a report return a new one
(``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is; ordered so thresholds can compare them."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Accept a severity or its wire name; raise ValueError naming the choices."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose one of: {choices})") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Verdict(StrEnum):
    """The one-word summary of a report, decided from the overall score."""

    CLEAN = "clean"
    BORDERLINE = "borderline"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class Comment:
    """One unit of user text to analyse.

    ``metadata`` carries whatever the host knows (author, thread, url, language...);
    the core does not interpret it, plugins may.
    """

    id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding: a span of the *original* text and what it is.

    ``start``/``end`` are code-point offsets into ``Comment.text``, end-exclusive,
    so ``comment.text[hit.start:hit.end] == hit.text`` always holds.
    ``evidence`` explains the match (normalized form, word class, merged rules...).
    """

    start: int
    end: int
    text: str
    technique: str
    rule: str
    severity: Severity
    confidence: float
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def downgraded(self, **evidence: Any) -> Hit:
        """This hit kept as ``info`` with half its confidence, ``evidence`` added:
        what filters do with hits that are quoted, negated or condemned rather than
        the commenter's own voice."""
        return replace(
            self,
            severity=Severity.INFO,
            confidence=round(self.confidence / 2, 4),
            evidence={**self.evidence, **evidence},
        )

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.start, self.end, self.technique, self.rule)


@dataclass(frozen=True, slots=True)
class DetectorError:
    """A detector or plugin that failed on one comment: reported, never fatal."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the analyzer concluded about one comment."""

    id: str
    hits: tuple[Hit, ...]
    scores: Mapping[str, float]
    score: float
    verdict: Verdict
    readability: Mapping[str, float | int] = field(default_factory=dict)
    errors: tuple[DetectorError, ...] = ()

    def max_severity(self) -> Severity | None:
        """The worst severity among the hits, or None for a clean report."""
        if not self.hits:
            return None
        return max((h.severity for h in self.hits), key=lambda s: s.rank)
