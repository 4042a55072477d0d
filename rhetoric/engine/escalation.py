"""Escalation rules: what follows when techniques meet in one comment.

Moderators judge a comment by its worst combination: a dehumanizing label is bad, the
same label aimed at an identity group is hate speech, and any attack joined to a call
to violence is the worst case. An escalation rule (``kind: escalation``) names the
hits that must occur together — each condition met by a different hit, in the whole
comment or in one sentence — and either adds a combined finding over them
(``effect: combine``, of the technique its folder names) or raises their severity and
confidence to the rule's (``effect: raise``). It runs on every detector's hits, after
the filter hooks and the targets they set, and before hits are merged and scored.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Final

from ..model import Hit, Severity, TargetKind, new_hit, replace_hit
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


def _assign(
    conditions: Sequence[EscalationCondition], hits: Sequence[Hit], used: tuple[int, ...] = ()
) -> tuple[int, ...] | None:
    """Indexes of distinct hits meeting the conditions in order, or None (conditions
    are few, so a depth-first search is cheap)."""
    if len(used) == len(conditions):
        return used
    condition = conditions[len(used)]
    for index, hit in enumerate(hits):
        if index not in used and _meets(condition, hit):
            found = _assign(conditions, hits, (*used, index))
            if found is not None:
                return found
    return None


class Escalations:
    """The escalation rules of a rule set, ready to apply to a comment's hits."""

    def __init__(self, specs: Sequence[RuleSpec]) -> None:
        self._specs = tuple(spec for spec in specs if spec.kind == "escalation")

    def __bool__(self) -> bool:
        return bool(self._specs)

    def apply(self, hits: list[Hit], text: str) -> list[Hit]:
        """``hits`` with each rule's effect applied where its conditions are met."""
        if len(hits) == 0:
            return hits
        for spec in self._specs:
            if not any(_meets(spec.conditions[0], hit) for hit in hits):
                continue  # the common case: its first condition meets nothing
            for scope in self._scopes(spec, hits, text):
                chosen = _assign(spec.conditions, [hits[i] for i in scope])
                if chosen is None:
                    continue
                picked = [scope[i] for i in chosen]
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
    """A finding over the hits that met the rule: its span covers them all."""
    info = spec.info
    start = min(hit.start for hit in hits)
    end = max(hit.end for hit in hits)
    targets = [hit.target for hit in hits if hit.target is not None]
    groups = [t for t in targets if t.kind is TargetKind.GROUP]
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
        {
            "kind": "escalation",
            "hits": [{"rule": h.rule, "technique": h.technique, "text": h.text} for h in hits],
        },
        (groups or targets or [None])[0],
    )


def _raised(spec: RuleSpec, hits: list[Hit], scope: Sequence[int]) -> list[Hit]:
    """``hits`` with those in ``scope`` that meet any condition raised to the rule's
    severity and confidence (never lowered)."""
    info = spec.info
    raised = list(hits)
    for index in scope:
        hit = hits[index]
        if not any(_meets(condition, hit) for condition in spec.conditions):
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
