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
    rejection_codes: {slur: HATE_SPEECH, name-calling: ABUSIVE}
    default_code: OTHER

Every rule whose condition holds is collected and the most severe action wins
(reject over review over allow), so the order of rules never hides a rejection.
A rejection also carries a reason code from Coral's list (``HATE_SPEECH``...),
which platforms show the author and keep for audits (the EU's DSA asks for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from .model import GROUPS, Hit, Report, Severity, TargetKind
from .scoring import overall_score, technique_scores
from .selection import names, unknown_ids
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
    "techniques", "rules", "targets", "groups", "min_severity", "min_confidence", "min_score",
    "min_hits",
)  # fmt: skip
_RULE_KEYS = ("action", "when", "reason", "code")
_POLICY_KEYS = ("default", "rules", "rejection_codes", "default_code")

# Coral's REJECTION_REASON_CODE values: a code outside this list makes Coral throw the
# whole answer away, so policies are checked against it when they are read.
REJECTION_CODES = (
    "OFFENSIVE", "ABUSIVE", "SPAM", "BANNED_WORD", "AD", "ILLEGAL_CONTENT",
    "HARASSMENT_BULLYING", "MISINFORMATION", "HATE_SPEECH", "IRRELEVANT_CONTENT", "OTHER",
)  # fmt: skip

# A key of ``rejection_codes`` naming whom a hit aims at rather than what it is.
TARGET_KEY = "target:"

# Technique ids and target kinds only, so the mapping holds whatever rules those
# techniques have. Most serious first: the first entry naming a hit behind a
# rejection gives its code. Threats are a crime in most places; an attack on an
# identity group is hate speech whatever its technique (identity attacks are rules of
# the slur technique, so they are too); an attack on the person spoken to is
# harassment.
DEFAULT_REJECTION_CODES: tuple[tuple[str, str], ...] = (
    ("threat", "ILLEGAL_CONTENT"),
    ("slur", "HATE_SPEECH"),
    ("target:group", "HATE_SPEECH"),
    ("target:addressee", "HARASSMENT_BULLYING"),
    ("name-calling", "ABUSIVE"),
    ("profanity", "OFFENSIVE"),
    ("conspiracy-framing", "MISINFORMATION"),
)


def _key_names(key: str, hit: Hit) -> bool:
    """Whether a ``rejection_codes`` key names ``hit``: ``target:KIND`` by whom it aims
    at, anything else as ``--select`` does (a technique or rule id, or a prefix)."""
    if key.startswith(TARGET_KEY):
        return hit.target is not None and hit.target.kind.value == key[len(TARGET_KEY) :]
    return names((key,), hit.technique, hit.rule)


def _check_code(code: object, where: str) -> None:
    if not isinstance(code, str) or code not in REJECTION_CODES:
        hint = did_you_mean(str(code).upper(), REJECTION_CODES)
        hint = hint or f" (one of {', '.join(REJECTION_CODES)})"
        raise PolicyError(f"{where}: unknown rejection code {code!r}{hint}")


@dataclass(frozen=True, slots=True)
class Condition:
    """When a policy rule applies.

    Hits are considered when their technique is in ``techniques`` (any if empty),
    their rule id starts with one of ``rules`` (any if empty), their target's kind
    is in ``targets`` and its group in ``groups`` (any if empty; a hit without a
    target has none), and they reach ``min_severity`` and ``min_confidence``.
    The condition holds when at least ``min_hits`` hits are considered and, if
    ``min_score`` is set, the score of the considered hits reaches it: per technique
    the noisy-OR of their confidences, as in a report, and the highest of those.
    So ``min_severity: warning, min_score: 0.7`` means "warning-or-worse hits
    scoring at least 0.7", and a strong ``info`` hit cannot lift weak warnings over
    the bar.
    """

    techniques: frozenset[str] = frozenset()
    rules: tuple[str, ...] = ()
    targets: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    min_severity: Severity | None = None
    min_confidence: float = 0.0
    min_score: float | None = None
    min_hits: int = 1

    def hits(self, report: Report) -> list[Hit]:
        return [hit for hit in report.hits if self.considers(hit)]

    def considers(self, hit: Hit) -> bool:
        if self.techniques and hit.technique not in self.techniques:
            return False
        if self.rules and not any(hit.rule.startswith(prefix) for prefix in self.rules):
            return False
        if self.targets and (hit.target is None or hit.target.kind.value not in self.targets):
            return False
        if self.groups and (hit.target is None or hit.target.group not in self.groups):
            return False
        if self.min_severity is not None and hit.severity.rank < self.min_severity.rank:
            return False
        return hit.confidence >= self.min_confidence

    def holds(self, report: Report) -> bool:
        hits = self.hits(report)
        if len(hits) < self.min_hits:
            return False
        return self.min_score is None or overall_score(technique_scores(hits)) >= self.min_score


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """An action, when it applies and why; a ``reject`` rule may name its ``code``
    (one of :data:`REJECTION_CODES`), which then wins over the policy's mapping."""

    action: Action
    when: Condition
    reason: str
    code: str | None = None

    def __post_init__(self) -> None:
        if self.code is not None:
            _check_code(self.code, "code")
            if self.action is not Action.REJECT:
                raise PolicyError(f"code: only a reject rule has a code (action is {self.action})")


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a comment, why, and what the analysis found.

    ``context`` is what the host and plugins knew about the comment (author role,
    thread, site...); ``errors`` lists plugins that failed while deciding.
    ``code`` is the rejection reason (one of :data:`REJECTION_CODES`) a platform
    shows the author and keeps; set when the action is ``reject``, else None.
    ``deciding_hits`` are the findings the deciding rules considered, the grounds a
    notice to the author should name (empty when no rule decided: the default
    action, or a plugin's own decision).
    """

    action: Action
    reasons: tuple[str, ...]
    report: Report
    context: Mapping[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    code: str | None = None
    deciding_hits: tuple[Hit, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """Rules, the default action, and how rejections are coded.

    ``rejection_codes`` is ordered ``(key, code)`` pairs, a key being a technique or
    rule-id prefix or ``target:KIND`` (whom the hit aims at: ``target:group``,
    ``target:addressee``...): the first pair naming a hit behind a rejection gives
    its code, else ``default_code``.
    ``source`` names where the policy came from, for error messages.
    """

    rules: tuple[PolicyRule, ...]
    default: Action = Action.ALLOW
    rejection_codes: tuple[tuple[str, str], ...] = DEFAULT_REJECTION_CODES
    default_code: str = "OTHER"
    source: str = field(default="policy", compare=False)

    def __post_init__(self) -> None:
        kinds = [kind.value for kind in TargetKind]
        for key, code in self.rejection_codes:
            _check_code(code, f"{self.source}: rejection_codes: {key}")
            kind = key.removeprefix(TARGET_KEY)
            if key.startswith(TARGET_KEY) and kind not in kinds:
                raise PolicyError(
                    f"{self.source}: rejection_codes: unknown target kind '{kind}'"
                    f"{did_you_mean(kind, kinds) or ' (one of ' + ', '.join(kinds) + ')'}"
                )
        _check_code(self.default_code, f"{self.source}: default_code")

    def decide(self, report: Report, context: Mapping[str, Any] | None = None) -> Decision:
        """The most severe action among the rules that hold (else the default)."""
        context = dict(context or {})
        matching = [rule for rule in self.rules if rule.when.holds(report)]
        if not matching:
            code = self.rejection_code(report.hits) if self.default is Action.REJECT else None
            return Decision(self.default, (), report, context, code=code)
        worst = max(rule.action.rank for rule in matching)
        deciding = [rule for rule in matching if rule.action.rank == worst]
        action = deciding[0].action
        reasons = tuple(rule.reason for rule in deciding)
        hits = tuple(h for h in report.hits if any(rule.when.considers(h) for rule in deciding))
        code = None
        if action is Action.REJECT:
            explicit = (rule.code for rule in deciding if rule.code is not None)
            code = next(explicit, None) or self.rejection_code(hits)
        return Decision(action, reasons, report, context, code=code, deciding_hits=hits)

    def rejection_code(self, hits: Iterable[Hit]) -> str:
        """The code of a rejection grounded on ``hits``: the first ``rejection_codes``
        entry naming one of them (as ``--select`` does: a technique or rule id, or a
        prefix of one), else ``default_code``."""
        hits = list(hits)
        for key, code in self.rejection_codes:
            if any(_key_names(key, hit) for hit in hits):
                return code
        return self.default_code

    def check_ids(self, techniques: Iterable[str], rule_ids: Iterable[str]) -> None:
        """Refuse technique and rule ids that no rule of the analyzer can produce: a
        misspelled id would silently never match, and the policy would quietly allow
        what it was written to stop.

        The built-in policy and code mapping are not checked: they are written for
        the built-in vocabulary, and an analyzer without it (a rule pack of its own)
        simply has nothing for them to match.

        :raises PolicyError: naming the source, the place, the id and a suggestion.
        """
        if self == DEFAULT_POLICY:
            return
        known_techniques = list(techniques)
        known_rules = list(rule_ids)
        everything = [*known_techniques, *known_rules]

        def is_rule_prefix(key: str) -> bool:
            return any(rule.startswith(key) for rule in known_rules)

        def refuse(where: str, what: str, key: str, known: list[str], note: str = "") -> NoReturn:
            hint = note or did_you_mean(key, known)
            raise PolicyError(f"{self.source}: {where}: unknown {what} '{key}'{hint}")

        for index, rule in enumerate(self.rules):
            where = f"rules[{index}].when"
            for technique in sorted(rule.when.techniques):
                if technique not in known_techniques:
                    note = (
                        f" ('{technique}' is a rule id: name it under 'rules')"
                        if is_rule_prefix(technique)
                        else ""
                    )
                    refuse(f"{where}.techniques", "technique", technique, known_techniques, note)
            for prefix in rule.when.rules:
                if not is_rule_prefix(prefix):
                    note = (
                        f" ('{prefix}' is a technique: name it under 'techniques')"
                        if prefix in known_techniques
                        else ""
                    )
                    refuse(f"{where}.rules", "rule id", prefix, known_rules, note)
        if self.rejection_codes == DEFAULT_REJECTION_CODES:
            return
        keys = [key for key, _ in self.rejection_codes if not key.startswith(TARGET_KEY)]
        unknown = unknown_ids(keys, everything)
        if unknown:
            refuse("rejection_codes", "technique or rule id", unknown[0], everything)

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
        import tomllib  # only here, as yaml: neither is needed at every start

        import yaml  # only here: importing the parser costs a start-up ~10% of its time

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
        codes = entries.get("rejection_codes", dict(DEFAULT_REJECTION_CODES))
        if not isinstance(codes, Mapping) or not all(isinstance(key, str) for key in codes):
            raise PolicyError(
                f"{source}: rejection_codes must map technique or rule ids to codes, in order"
            )
        default_code = entries.get("default_code", "OTHER")
        return cls(rules, default, tuple(codes.items()), default_code, source)


DEFAULT_POLICY = Policy(
    source="built-in policy",
    rules=(
        PolicyRule(
            Action.REJECT,
            Condition(techniques=frozenset({"slur"}), min_severity=Severity.ERROR),
            "contains a slur",
        ),
        PolicyRule(
            Action.REJECT,
            Condition(techniques=frozenset({"threat"}), min_severity=Severity.WARNING),
            "threatens violence",
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
    reason = entries.get("reason") or _describe(when)
    if not isinstance(reason, str):
        raise PolicyError(f"{where}: reason must be a string")
    try:
        return PolicyRule(action, when, reason, entries.get("code"))
    except PolicyError as exc:
        raise PolicyError(f"{where}: {exc}") from None


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
    kinds = [kind.value for kind in TargetKind]
    for kind in strings("targets"):
        if kind not in kinds:
            raise PolicyError(
                f"{where}: targets: unknown target kind '{kind}'"
                f"{did_you_mean(kind, kinds) or ' (one of ' + ', '.join(kinds) + ')'}"
            )
    for group in strings("groups"):
        if group not in GROUPS:
            raise PolicyError(
                f"{where}: groups: unknown group '{group}'"
                f"{did_you_mean(group, GROUPS) or ' (one of ' + ', '.join(GROUPS) + ')'}"
            )
    return Condition(
        techniques=frozenset(strings("techniques")),
        rules=strings("rules"),
        targets=frozenset(strings("targets")),
        groups=frozenset(strings("groups")),
        min_severity=min_severity,
        min_confidence=number("min_confidence", 0, 1) or 0.0,
        min_score=number("min_score", 0, 1),
        min_hits=int(min_hits) if min_hits is not None else 1,
    )


_TARGET_WORDS = {
    "addressee": "the person spoken to", "person": "a person", "group": "an identity group",
    "institution": "an institution", "unspecified": "someone unnamed",
}  # fmt: skip


def _describe(condition: Condition) -> str:
    """A rule's reason when the policy gives none, worded for whoever reads it: a
    moderator, or the author a rejection notice is sent to."""
    kinds = " or ".join(sorted(condition.techniques))
    head = f"{kinds} findings" if kinds else "findings"
    if condition.rules:
        head += f" of rules {', '.join(condition.rules)}"
    if condition.targets:
        head += f" aimed at {' or '.join(_TARGET_WORDS[t] for t in sorted(condition.targets))}"
    if condition.groups:
        head += f" ({', '.join(sorted(condition.groups))})"
    limits = []
    if condition.min_severity is not None:
        limits.append(f"at {condition.min_severity.value} level or above")
    if condition.min_confidence:
        limits.append(f"with confidence of at least {condition.min_confidence:g}")
    if condition.min_score is not None:
        limits.append(f"scoring at least {condition.min_score:g}")
    if condition.min_hits > 1:
        limits.append(f"at least {condition.min_hits} of them")
    if not kinds and not condition.rules and not condition.targets and not limits:
        return "any finding"
    return ", ".join([head, *limits])
