"""Moderation for hosts: analyse a comment, apply the policy, let plugins adjust.

    moderator = Moderator(Analyzer.from_config(), Policy.load("policy.yml"))
    decision = moderator.moderate(Comment("c1", text), {"author_role": "member"})
    if decision.action is Action.REJECT: ...

The pipeline: context hooks -> analysis -> policy -> decide hooks -> ready hooks.
Every plugin call is isolated: a failing plugin is listed in ``decision.errors``
and the decision stands without its contribution. Whatever the plugins did, a
``reject`` decision leaves with a valid rejection code and any other without one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .analyzer import Analyzer
from .model import Comment
from .policy import DEFAULT_POLICY, REJECTION_CODES, Action, Decision, Policy


class Moderator:
    """An analyzer plus a policy; holds no per-comment state, so it is thread-safe.

    :raises PolicyError: when the policy names a technique or rule id the analyzer
        does not know (it would silently never match).
    """

    def __init__(self, analyzer: Analyzer, policy: Policy = DEFAULT_POLICY) -> None:
        policy.check_ids(analyzer.techniques.ids(), (rule.id for rule in analyzer.all_rules))
        self.analyzer = analyzer
        self.policy = policy

    def moderate(
        self, comment: str | Comment, context: Mapping[str, Any] | None = None
    ) -> Decision:
        if isinstance(comment, str):
            comment = Comment(id="-", text=comment)
        host = self.analyzer.host
        budget = self.analyzer.plugin_budget  # slow moderation plugins are contained too
        errors: list[str] = []
        merged: dict[str, Any] = dict(context or {})
        arguments: dict[str, Any] = {"comment": comment, "context": dict(merged)}
        for name, result, error in host.call_each(
            "rhetoric_moderation_context", budget=budget, arguments=arguments
        ):
            if error is not None:
                errors.append(f"plugin:{name}: {type(error).__name__}: {error}")
            elif isinstance(result, Mapping):
                merged.update(result)
                arguments["context"] = dict(merged)
        report = self.analyzer.check(comment)
        decision = self.policy.decide(report, merged)
        arguments = {"decision": decision, "comment": comment, "config": self.analyzer.config}
        for name, result, error in host.call_each(
            "rhetoric_decide", budget=budget, arguments=arguments
        ):
            if error is not None:
                errors.append(f"plugin:{name}: {type(error).__name__}: {error}")
            elif isinstance(result, Decision):
                decision = arguments["decision"] = result
        decision = self._settle_code(decision, errors)
        if errors:
            decision = dataclasses.replace(decision, errors=(*decision.errors, *errors))
        for name, _, error in host.call_each(
            "rhetoric_decision_ready", budget=budget, decision=decision, comment=comment
        ):
            if error is not None:
                message = f"plugin:{name}: {type(error).__name__}: {error}"
                decision = dataclasses.replace(decision, errors=(*decision.errors, message))
        return decision

    def _settle_code(self, decision: Decision, errors: list[str]) -> Decision:
        """Give a plugin's rejection the policy's code for its grounds, and drop the
        code of a decision a plugin turned into something else (a trusted author's
        rejection becomes a review: nothing was rejected)."""
        if decision.action is not Action.REJECT:
            return decision if decision.code is None else dataclasses.replace(decision, code=None)
        if decision.code in REJECTION_CODES:
            return decision
        if decision.code is not None:
            errors.append(
                f"unknown rejection code {decision.code!r} from a decide hook: "
                "the policy's code is used"
            )
        grounds = decision.deciding_hits or decision.report.hits
        return dataclasses.replace(decision, code=self.policy.rejection_code(grounds))

    def moderate_many(
        self, comments: Iterable[tuple[str | Comment, Mapping[str, Any] | None]]
    ) -> Iterator[Decision]:
        """Decisions for ``(comment, context)`` pairs, in order."""
        for comment, context in comments:
            yield self.moderate(comment, context)
