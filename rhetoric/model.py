"""Value types shared by every layer: comments in, hits and reports out, and the
rules (with their own examples) that hits come from.

All are frozen so a report handed to a plugin or a host cannot be changed behind
the runner's back; plugins that adjust a report return a new one
(``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, Final, Literal

import regex

from .pickling import pickled_by_constructor, thawed


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
Status = Literal["preview", "stable"]
_MARK = regex.compile(r"\[\[(.*?)\]\]", flags=regex.DOTALL)


class Verdict(StrEnum):
    """The one-word summary of a report (:func:`rhetoric.scoring.verdict`):
    ``flagged`` when the warning-or-worse hits score at least the ``flagged``
    threshold, ``borderline`` when the overall score reaches ``borderline`` (also
    for strong info-only findings), else ``clean``."""

    CLEAN = "clean"
    BORDERLINE = "borderline"
    FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class Comment:
    """One unit of user text to analyse.

    ``metadata`` carries whatever the host knows (author, thread, url, language...);
    the core does not interpret it, plugins may. Hashable by id and text (the
    metadata is compared but left out of the hash).
    """

    id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)


class TargetKind(StrEnum):
    """Whom a finding aims at: moderators decide by it (an insult to the person spoken
    to is harassment; the same word aimed at an identity group is hate speech)."""

    ADDRESSEE = "addressee"  # the person spoken to ("you")
    PERSON = "person"  # a named or described individual, public figure or not
    GROUP = "group"  # an identity group (``group`` names the community)
    INSTITUTION = "institution"  # a government, party, company, the media...
    UNSPECIFIED = "unspecified"  # aimed at someone the text does not say


# The communities of a group target: HateXplain's names, so results line up with it.
GROUPS: tuple[str, ...] = (
    "African", "Arab", "Asian", "Caucasian", "Hispanic", "Indian", "Indigenous", "Jewish",
    "Islam", "Christian", "Hindu", "Women", "Men", "Homosexual", "Bisexual", "Asexual",
    "Heterosexual", "Refugee", "Disability", "Economic", "Minority", "Other",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a hit aims at: a ``kind``, the words that name the target when the text
    has them (``start``/``end``/``text``, offsets into the original like a hit's),
    and for a group the community (one of :data:`GROUPS`)."""

    kind: TargetKind
    start: int | None = None
    end: int | None = None
    text: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, TargetKind):
            object.__setattr__(self, "kind", TargetKind(self.kind))
        if self.group is not None and self.group not in GROUPS:
            raise ValueError(f"unknown target group {self.group!r} (one of: {', '.join(GROUPS)})")
        if self.group is not None and self.kind is not TargetKind.GROUP:
            raise ValueError("only a group target names a group")
        if (self.start is None) != (self.end is None) or (self.start is None) != (
            self.text is None
        ):
            raise ValueError("a target's start, end and text are given together or not at all")


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding: a span of the *original* text and what it is.

    ``start``/``end`` are code-point offsets into ``Comment.text``, end-exclusive,
    so ``comment.text[hit.start:hit.end] == hit.text`` always holds.
    ``evidence`` explains the match (normalized form, word class, merged rules...).
    ``target`` says whom it aims at, when that is known (see :class:`Target`).
    Hashable (``evidence`` is compared but left out of the hash), so hits can be
    set members and dictionary keys.
    """

    start: int
    end: int
    text: str
    technique: str
    rule: str
    severity: Severity
    confidence: float
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict, hash=False)
    target: Target | None = None

    def downgraded(self, **evidence: Any) -> Hit:
        """This hit kept as ``info`` with half its confidence, ``evidence`` added:
        what filters do with hits that are quoted, negated or condemned rather than
        the commenter's own voice."""
        return replace_hit(
            self,
            severity=Severity.INFO,
            confidence=round(self.confidence / 2, 4),
            evidence={**self.evidence, **evidence},
        )

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return HIT_ORDER(self)


HIT_ORDER: Final = attrgetter("start", "end", "technique", "rule")
"""The order hits are reported in (``Hit.sort_key`` without a call: a ``sorted`` key)."""

_HIT_NAMES = tuple(field.name for field in fields(Hit))
_HIT_VALUES = attrgetter(*_HIT_NAMES)
_HIT_INDEX = {name: index for index, name in enumerate(_HIT_NAMES)}


# ``Hit(start, end, ...)`` for the hot path that builds hits (equal, hashed, pickled,
# printed and frozen alike).
new_hit: Callable[..., Hit] = thawed(Hit)


def replace_hit(hit: Hit, **changes: Any) -> Hit:
    """``dataclasses.replace(hit, **changes)`` without its introspection of the fields
    on every call (hits are copied on the hot path: merged, linked, downgraded)."""
    values = list(_HIT_VALUES(hit))
    for name, value in changes.items():
        values[_HIT_INDEX[name]] = value
    return new_hit(*values)


@dataclass(frozen=True, slots=True)
class DetectorError:
    """A detector or plugin that failed on one comment: reported, never fatal."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the analyzer concluded about one comment (hashable, like its
    hits: the mappings are compared but left out of the hash)."""

    id: str
    hits: tuple[Hit, ...]
    scores: Mapping[str, float] = field(hash=False)
    score: float
    verdict: Verdict
    readability: Mapping[str, float | int] = field(default_factory=dict, hash=False)
    errors: tuple[DetectorError, ...] = ()

    def max_severity(self) -> Severity | None:
        """The worst severity among the hits, or None for a clean report."""
        if not self.hits:
            return None
        return max((h.severity for h in self.hits), key=lambda s: s.rank)


# ``Report(...)`` for the analyzer and rescoring, built once or more per comment.
new_report: Callable[..., Report] = thawed(Report)


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Example:
    """A rule's own test case; ``[[...]]`` marks the span a flag example expects."""

    text: str
    flag: bool

    def parse(self) -> tuple[str, list[tuple[int, int]]]:
        """The text without markers and the marked spans in it."""
        plain: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        length = 0
        for match in _MARK.finditer(self.text):
            before = self.text[pos : match.start()]
            plain.append(before)
            length += len(before)
            inner = match.group(1)
            spans.append((length, length + len(inner)))
            plain.append(inner)
            length += len(inner)
            pos = match.end()
        plain.append(self.text[pos:])
        return "".join(plain), spans


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule's identity and documentation, whatever implements it.

    ``source`` says where it comes from (a YAML file path or ``plugin:NAME``).
    """

    id: str
    technique: str
    message: str
    why: str
    severity: Severity = Severity.WARNING
    confidence: float = 0.7
    status: Status = "preview"
    kind: str = "python"
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    source: str = ""
    instead: str = ""  # what to write instead, where rewording is the answer
    # Labels a measurement may leave out by ("political-label": words some annotators
    # mark as attacks and others leave unmarked).
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"rule {self.id!r}: confidence must be within 0..1")
        if self.status not in ("preview", "stable"):
            raise ValueError(f"rule {self.id!r}: status must be 'preview' or 'stable'")
