"""Moderation policy: from a report to an action a comment platform can take.

A policy is an ordered list of rules, each an action (``allow``, ``review``,
``reject``) and the condition under which it applies, read from YAML or TOML::

    default: allow
    rules:
      - action: reject
        when: {techniques: [slur], min_severity: error}
        reason: slurs are removed
      - action: review
        when: {min_severity: warning, min_score: 0.7}

Every rule whose condition holds is collected and the most severe action wins
(reject over review over allow), so the order of rules never hides a rejection.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .model import Hit, Report, Severity
from .suggest import did_you_mean


class PolicyError(ValueError):
    """A policy file or mapping is invalid; the message names the source and the key."""


class Action(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    REJECT = "reject"

    @property
    def rank(self) -> int:
        return _ACTION_RANK[self]


_ACTION_RANK = {Action.ALLOW: 0, Action.REVIEW: 1, Action.REJECT: 2}
_CONDITION_KEYS = (
    "techniques", "rules", "min_severity", "min_confidence", "min_score", "min_hits",
)  # fmt: skip
_RULE_KEYS = ("action", "when", "reason")
_POLICY_KEYS = ("default", "rules")


@dataclass(frozen=True, slots=True)
class Condition:
    """When a policy rule applies.

    Hits are considered when their technique is in ``techniques`` (any if empty),
    their rule id starts with one of ``rules`` (any if empty), and they reach
    ``min_severity`` and ``min_confidence``. The condition holds when at least
    ``min_hits`` hits are considered and, if ``min_score`` is set, the score of the
    considered techniques (the overall score when no technique is named) reaches it.
    """

    techniques: frozenset[str] = frozenset()
    rules: tuple[str, ...] = ()
    min_severity: Severity | None = None
    min_confidence: float = 0.0
    min_score: float | None = None
    min_hits: int = 1

    def hits(self, report: Report) -> list[Hit]:
        return [hit for hit in report.hits if self._considers(hit)]

    def _considers(self, hit: Hit) -> bool:
        if self.techniques and hit.technique not in self.techniques:
            return False
        if self.rules and not any(hit.rule.startswith(prefix) for prefix in self.rules):
            return False
        if self.min_severity is not None and hit.severity.rank < self.min_severity.rank:
            return False
        return hit.confidence >= self.min_confidence

    def holds(self, report: Report) -> bool:
        if len(self.hits(report)) < self.min_hits:
            return False
        if self.min_score is None:
            return True
        if self.techniques:
            score = max((report.scores.get(t, 0.0) for t in self.techniques), default=0.0)
        else:
            score = report.score
        return score >= self.min_score


@dataclass(frozen=True, slots=True)
class PolicyRule:
    action: Action
    when: Condition
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a comment, why, and what the analysis found.

    ``context`` is what the host and plugins knew about the comment (author role,
    thread, site...); ``errors`` lists plugins that failed while deciding.
    """

    action: Action
    reasons: tuple[str, ...]
    report: Report
    context: Mapping[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    rules: tuple[PolicyRule, ...]
    default: Action = Action.ALLOW

    def decide(self, report: Report, context: Mapping[str, Any] | None = None) -> Decision:
        """The most severe action among the rules that hold (else the default)."""
        matching = [rule for rule in self.rules if rule.when.holds(report)]
        if not matching:
            return Decision(self.default, (), report, dict(context or {}))
        worst = max(rule.action.rank for rule in matching)
        reasons = tuple(rule.reason for rule in matching if rule.action.rank == worst)
        action = next(rule.action for rule in matching if rule.action.rank == worst)
        return Decision(action, reasons, report, dict(context or {}))

    # --- reading -----------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str) -> Policy:
        """Read a policy from a ``.toml``, ``.yml`` or ``.yaml`` file."""
        path = Path(path)
        if path.suffix not in (".toml", ".yml", ".yaml"):
            raise PolicyError(f"{path}: a policy file ends in .toml, .yml or .yaml")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read policy: {exc}") from None
        try:
            if path.suffix == ".toml":
                data: Any = tomllib.loads(text)
            else:
                data = yaml.safe_load(text)
        except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
            raise PolicyError(f"{path}: invalid policy file: {exc}") from None
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_mapping(cls, data: Any, source: str = "policy") -> Policy:
        """Validate a mapping (as read from a file); unknown keys are errors."""
        entries = _mapping(data, source, "policy", _POLICY_KEYS)
        default = _action(entries.get("default", "allow"), f"{source}: default")
        raw_rules = entries.get("rules", [])
        if not isinstance(raw_rules, list):
            raise PolicyError(f"{source}: rules must be a list")
        rules = tuple(_rule(item, f"{source}: rules[{i}]") for i, item in enumerate(raw_rules))
        return cls(rules, default)


DEFAULT_POLICY = Policy(
    rules=(
        PolicyRule(
            Action.REJECT,
            Condition(techniques=frozenset({"slur"}), min_severity=Severity.ERROR),
            "contains a slur",
        ),
        PolicyRule(
            Action.REVIEW,
            Condition(min_severity=Severity.WARNING, min_score=0.7),
            "strong findings at warning level or above",
        ),
    ),
)


def _mapping(data: Any, source: str, what: str, keys: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise PolicyError(f"{source}: {what} must be a mapping")
    allowed = list(keys)
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed)
            raise PolicyError(f"{source}: unknown key '{key}' in {what}{hint}")
    return data


def _action(value: Any, where: str) -> Action:
    try:
        return Action(str(value))
    except ValueError:
        raise PolicyError(
            f"{where}: action must be allow, review or reject (got {value!r})"
        ) from None


def _rule(item: Any, where: str) -> PolicyRule:
    entries = _mapping(item, where, "rule", _RULE_KEYS)
    if "action" not in entries:
        raise PolicyError(f"{where}: missing 'action'")
    action = _action(entries["action"], f"{where}: action")
    when = _condition(entries.get("when", {}), f"{where}: when")
    reason = entries.get("reason") or f"{action.value}: {_describe(when)}"
    if not isinstance(reason, str):
        raise PolicyError(f"{where}: reason must be a string")
    return PolicyRule(action, when, reason)


def _condition(data: Any, where: str) -> Condition:
    entries = _mapping(data, where, "condition", _CONDITION_KEYS)

    def strings(key: str) -> tuple[str, ...]:
        value = entries.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyError(f"{where}: {key} must be a string or a list of strings")
        return tuple(value)

    def number(key: str, low: float, high: float) -> float | None:
        value = entries.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise PolicyError(f"{where}: {key} must be a number from {low} to {high}")
        return float(value)

    severity = entries.get("min_severity")
    try:
        min_severity = Severity.parse(severity) if severity is not None else None
    except ValueError as exc:
        raise PolicyError(f"{where}: {exc}") from None
    min_hits = number("min_hits", 1, 10_000)
    return Condition(
        techniques=frozenset(strings("techniques")),
        rules=strings("rules"),
        min_severity=min_severity,
        min_confidence=number("min_confidence", 0, 1) or 0.0,
        min_score=number("min_score", 0, 1),
        min_hits=int(min_hits) if min_hits is not None else 1,
    )


def _describe(condition: Condition) -> str:
    parts = []
    if condition.techniques:
        parts.append("/".join(sorted(condition.techniques)))
    if condition.min_severity is not None:
        parts.append(f"severity >= {condition.min_severity.value}")
    if condition.min_score is not None:
        parts.append(f"score >= {condition.min_score}")
    return ", ".join(parts) or "any finding"
