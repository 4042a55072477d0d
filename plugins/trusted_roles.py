"""Trusted authors are never rejected automatically: a comment by staff or a
moderator that the policy would reject goes to review instead.

Reads the author's role from the moderation context (``author_role``, or
``author.role`` as Coral sends it). Options (``config.plugin_options("trusted-roles")``):
``roles`` (default: staff, moderator, admin).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from rhetoric import Action, AnalyzerConfig, Comment, Decision, hookimpl

DEFAULT_ROLES = ("staff", "moderator", "admin")


def _role(context: Mapping[str, Any]) -> str | None:
    role = context.get("author_role")
    author = context.get("author")
    if role is None and isinstance(author, Mapping):
        role = author.get("role")
    return str(role).casefold() if role is not None else None


@hookimpl
def rhetoric_decide(
    decision: Decision, comment: Comment, config: AnalyzerConfig
) -> Decision | None:
    if decision.action is not Action.REJECT:
        return None
    roles = config.plugin_options("trusted-roles").get("roles", DEFAULT_ROLES)
    role = _role(decision.context)
    if role is None or role not in {str(r).casefold() for r in roles}:
        return None
    return dataclasses.replace(
        decision,
        action=Action.REVIEW,
        reasons=(*decision.reasons, f"author is trusted ({role}): review instead of reject"),
    )
