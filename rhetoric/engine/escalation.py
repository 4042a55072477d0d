"""Escalation rules: what follows when techniques meet in one comment.

Moderators judge a comment by its worst combination: a dehumanizing label is bad, the
same label aimed at an identity group is hate speech, and any attack joined to a call
to violence is the worst case. An escalation rule (``kind: escalation``) names the
hits that must occur together — each condition met by a different hit, in the whole
comment or in one sentence — and either adds a combined finding over them
(``effect: combine``, of the technique its folder names) or raises their severity and
confidence to the rule's (``effect: raise``). It runs on every detector's hits, after
the filter hooks and the targets they set, and before hits are merged and scored.

Weak cues are written as rules with ``report: escalation-only``: their hits feed the
escalation rules and are dropped before merging unless one raised them or combined
them into its finding (:meth:`Escalations.reported`). A condition with ``min_rules: 2``
is met by hits of two different rules, so one cue repeated is still one signal; and a
combined finding with ``span: cues`` is reported on its first cue with every cue's span
in ``evidence["cue_spans"]`` (``evidence["scope"] == "document"``), never one long span over
the text between them, and is not merged with the precise hits it overlaps.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Final

from ..model import HIT_ORDER, Hit, Severity, TargetKind, new_hit, replace_hit
from .specs import EscalationCondition, RuleSpec

_SENTENCE_END: Final = re.compile(r"[.!?]+(?=\s)|\n\s*\n")


def _meets(condition: EscalationCondition, hit: Hit) -> bool:
    if condition.techniques and hit.technique not in condition.techniques:
        return False
    if condition.rules and not any(hit.rule.startswith(rule) for rule in condition.rules):
        return False
    target = hit.target
    if condition.targets and (target is None or target.kind.value not in condition.targets):
        return False
    if condition.groups and (target is None or target.group not in condition.groups):
        return False
    minimum = condition.min_severity
    return minimum is None or hit.severity.rank >= minimum.rank


def _slots(conditions: Sequence[EscalationCondition]) -> tuple[tuple[int, int], ...]:
    """(condition index, how many hits that condition already took) per hit to pick:
    a condition counting distinct rules or techniques takes that many hits."""
    return tuple(
        (number, taken)
        for number, condition in enumerate(conditions)
        for taken in range(max(condition.min_rules, condition.min_techniques))
    )


def _distinct(condition: EscalationCondition, hit: Hit) -> str:
    return hit.technique if condition.min_techniques > 1 else hit.rule


def _assign(
    conditions: Sequence[EscalationCondition],
    slots: Sequence[tuple[int, int]],
    hits: Sequence[Hit],
    used: tuple[int, ...] = (),
) -> tuple[int, ...] | None:
    """Indexes of distinct hits filling the slots in order, or None (conditions are
    few, so a depth-first search is cheap). The hits one condition takes come in
    index order and differ in rule (technique), so no combination is tried twice."""
    if len(used) == len(slots):
        return used
    number, taken = slots[len(used)]
    condition = conditions[number]
    mine = used[len(used) - taken :]
    keys = {_distinct(condition, hits[i]) for i in mine}
    for index in range(mine[-1] + 1 if mine else 0, len(hits)):
        hit = hits[index]
        if index in used or not _meets(condition, hit):
            continue
        if keys and _distinct(condition, hit) in keys:
            continue
        found = _assign(conditions, slots, hits, (*used, index))
        if found is not None:
            return found
    return None


class Escalations:
    """The escalation rules of a rule set, ready to apply to a comment's hits."""

    def __init__(self, specs: Sequence[RuleSpec]) -> None:
        self._specs = tuple(spec for spec in specs if spec.kind == "escalation")
        self._slots = tuple(_slots(spec.conditions) for spec in self._specs)
        # The rules whose hits are cues only (``report: escalation-only``).
        self.cue_rules = frozenset(
            spec.info.id for spec in specs if spec.report == "escalation-only"
        )

    def __bool__(self) -> bool:
        return bool(self._specs)

    def reported(self, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` without the cue rules' hits that no escalation raised (a combined
        finding already lists the cues it joined): what is merged and reported."""
        cues = self.cue_rules
        return [h for h in hits if h.rule not in cues or "escalated_by" in h.evidence]

    def apply(self, hits: list[Hit], text: str) -> list[Hit]:
        """``hits`` with each rule's effect applied where its conditions are met."""
        if len(hits) == 0:
            return hits
        for spec, slots in zip(self._specs, self._slots, strict=True):
            if not any(_meets(spec.conditions[0], hit) for hit in hits):
                continue  # the common case: its first condition meets nothing
            for scope in self._scopes(spec, hits, text):
                chosen = _assign(spec.conditions, slots, [hits[i] for i in scope])
                if chosen is None:
                    continue
                picked = [scope[i] for i in chosen]
                if spec.span == "cues":  # every hit of the scope that meets a condition
                    picked = [i for i in scope if _meets_any(spec, hits[i])]
                if spec.effect == "combine":
                    hits = [*hits, _combined(spec, [hits[i] for i in picked], text)]
                else:
                    hits = _raised(spec, hits, scope)
        return hits

    @staticmethod
    def _scopes(spec: RuleSpec, hits: Sequence[Hit], text: str) -> list[list[int]]:
        """The hits (as indexes) that must meet the conditions together: all of them,
        or those of each sentence."""
        if spec.within == "comment":
            return [list(range(len(hits)))]
        ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        by_sentence: dict[int, list[int]] = {}
        for index, hit in enumerate(hits):
            by_sentence.setdefault(bisect.bisect_right(ends, hit.start), []).append(index)
        return list(by_sentence.values())


def _combined(spec: RuleSpec, hits: Sequence[Hit], text: str) -> Hit:
    """A finding over the hits that met the rule: its span covers them all, or (``span:
    cues``) it is the first cue's and the evidence lists every cue's span."""
    info = spec.info
    targets = [hit.target for hit in hits if hit.target is not None]
    groups = [t for t in targets if t.kind is TargetKind.GROUP]
    evidence: dict[str, object]
    if spec.span == "cues":
        ordered = sorted(hits, key=HIT_ORDER)
        start, end = ordered[0].start, ordered[0].end
        evidence = {
            "kind": "escalation",
            "scope": "document",
            "cue_spans": [
                {
                    "start": h.start,
                    "end": h.end,
                    "text": h.text,
                    "rule": h.rule,
                    "technique": h.technique,
                }
                for h in ordered
            ],
        }
    else:
        start = min(hit.start for hit in hits)
        end = max(hit.end for hit in hits)
        evidence = {
            "kind": "escalation",
            "hits": [{"rule": h.rule, "technique": h.technique, "text": h.text} for h in hits],
        }
    matched = text[start:end]
    return new_hit(
        start,
        end,
        matched,
        info.technique,
        info.id,
        info.severity,
        info.confidence,
        info.message.replace("{match}", matched),
        evidence,
        (groups or targets or [None])[0],
    )


def _meets_any(spec: RuleSpec, hit: Hit) -> bool:
    return any(_meets(condition, hit) for condition in spec.conditions)


def _raised(spec: RuleSpec, hits: list[Hit], scope: Sequence[int]) -> list[Hit]:
    """``hits`` with those in ``scope`` that meet any condition raised to the rule's
    severity and confidence (never lowered)."""
    info = spec.info
    raised = list(hits)
    for index in scope:
        hit = hits[index]
        if not _meets_any(spec, hit):
            continue
        severity = max((hit.severity, info.severity), key=_rank)
        raised[index] = replace_hit(
            hit,
            severity=severity,
            confidence=max(hit.confidence, info.confidence),
            evidence={**hit.evidence, "escalated_by": info.id},
        )
    return raised


def _rank(severity: Severity) -> int:
    return severity.rank
