"""Coral's External Moderation contract: signed requests in, moderation answers out.

Coral (the comment platform of the Coral Project) posts every new or edited comment
to an external moderation phase and merges the answer into its own pipeline. It
signs the raw body like its webhooks: ``X-Coral-Signature: sha256=HEX[,sha256=HEX]``,
one HMAC-SHA256 per active signing secret (several while a secret is rotated).
The answer is a status and a FLAG action, or 204 when there is nothing to say,
which lets Coral's other phases decide.

Coral validates answers with joi (``stripUnknown``) and ignores one that fails, as if
the phase had said nothing: ``tags`` must hold FEATURED or STAFF when present (so it
is never sent empty), and ``actions[]`` keep only ``actionType`` and ``reason``.
Only a ``moderationAction`` with a ``rejectionReason`` makes Coral record the
rejection, notify the author and keep the reason, so that is where the code and the
explanation go (``../shared/conformance/coral/`` validates answers as Coral does).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Comment
from ..policy import Action, Decision
from ..text.markup import blank, html_spans
from .http import HttpError, invalid

SIGNATURE_HEADER = "x-coral-signature"
FLAG_REASON = "COMMENT_DETECTED_TOXIC"
# Long enough for a reason and a few findings; a notice, not the report.
EXPLANATION_LIMIT = 500
_STUB = 24  # fewer characters of a cut sentence than this are not worth keeping
_ACTIONS = ("NEW", "EDIT")


def verify_signature(body: bytes, header_value: str | None, secrets: tuple[str, ...]) -> None:
    """Accept when any ``sha256=`` value matches any secret; compare in constant time."""
    if not secrets:
        raise HttpError(
            403,
            "coral_not_configured",
            "no Coral signing secret is configured (RHETORIC_CORAL_SECRET)",
        )
    if not header_value:
        raise HttpError(400, "signature_missing", "missing X-Coral-Signature header")
    offered: list[bytes] = []
    for part in header_value.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme.strip().lower() == "sha256" and value.strip():
            offered.append(value.strip().lower().encode("ascii", "replace"))
    if not offered:
        raise HttpError(400, "signature_invalid", "X-Coral-Signature has no sha256= value")
    matched = False
    for secret in secrets:
        expected = sign(body, secret).removeprefix("sha256=").encode()
        for candidate in offered:
            # No early exit: every comparison runs, so timing says nothing about which failed.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise HttpError(400, "signature_invalid", "X-Coral-Signature does not match the body")


def sign(body: bytes, secret: str) -> str:
    """The ``X-Coral-Signature`` value Coral sends for ``body`` with ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class CoralRequest:
    comment: Comment
    context: Mapping[str, Any]


def parse_request(data: Any) -> CoralRequest:
    """The comment and its moderation context from an External Moderation Request.

    Both the flat (``tenantID``, ``tenantDomain``) and the nested (``tenant.id``)
    spellings of the tenant are read. HTML bodies are analysed with their tags
    blanked out, so spans still point into the body Coral sent.
    """
    if not isinstance(data, dict):
        raise invalid("$", "expected an object")
    action = data.get("action", "NEW")
    if action not in _ACTIONS:
        raise invalid("$.action", f"expected NEW or EDIT, got {action!r}")
    comment = _object(data, "comment")
    body = comment.get("body")
    if not isinstance(body, str):
        raise invalid("$.comment.body", "expected a string")
    author = _object(data, "author", required=False)
    story = _object(data, "story", required=False)
    site = _object(data, "site", required=False)
    tenant = _object(data, "tenant", required=False)
    role = author.get("role")
    context: dict[str, Any] = {
        "source": "coral",
        "action": action,
        "author_id": _text(author.get("id")),
        "author_role": role.lower() if isinstance(role, str) else None,
        "parent_id": _text(comment.get("parentID")),
        "story_id": _text(story.get("id")),
        "story_url": _text(story.get("url")),
        "site_id": _text(site.get("id")),
        "tenant_id": _text(data.get("tenantID", tenant.get("id"))),
        "tenant_domain": _text(data.get("tenantDomain", tenant.get("domain"))),
    }
    context = {k: v for k, v in context.items() if v is not None}
    text = blank(body, html_spans(body)) if "<" in body else body
    ident = _text(comment.get("id")) or f"coral:{context.get('story_id', '-')}"
    return CoralRequest(Comment(id=ident, text=text), context)


def response_for(decision: Decision, review_status: str) -> dict[str, Any] | None:
    """Coral's answer for a decision; None means 204 (allow: let other phases decide).

    Approving would end Coral's pipeline early and skip its own checks, so an
    allowed comment gets no status at all. A rejection carries its code and the
    explanation the author is notified with in ``moderationAction``.
    """
    if decision.action is Action.ALLOW:
        return None
    flag = {"actionType": "FLAG", "reason": FLAG_REASON}
    if decision.action is not Action.REJECT:
        return {"status": review_status, "actions": [flag]}
    reason: dict[str, str] = {"code": decision.code or "OTHER"}
    explanation = explain(decision)
    if explanation:  # Coral's joi refuses an empty string
        reason["detailedExplanation"] = explanation
    return {
        "status": "REJECTED",
        "moderationAction": {"status": "REJECTED", "rejectionReason": reason},
        "actions": [flag],
    }


def explain(decision: Decision, limit: int = EXPLANATION_LIMIT) -> str:
    """What the author is told: the policy's reasons, then what was found (each
    message once), as sentences, within ``limit`` characters."""
    grounds = decision.deciding_hits or decision.report.hits
    sentences: list[str] = []
    for text in (*decision.reasons, *(hit.message for hit in grounds)):
        sentence = " ".join(text.split())
        if not sentence:
            continue
        sentence = sentence[0].upper() + sentence[1:]
        if sentence[-1] not in ".!?…":
            sentence += "."
        if sentence not in sentences:
            sentences.append(sentence)
    kept = ""
    for sentence in sentences:
        joined = f"{kept} {sentence}" if kept else sentence
        if len(joined) > limit:
            # The sentence that does not fit is cut at a word, unless only a stub of
            # it would be left.
            cut = joined[: limit - 1].rsplit(" ", 1)[0]
            if len(cut) - len(kept) > _STUB or not kept:
                kept = cut + "…"
            break
        kept = joined
    return kept


def _object(data: Mapping[str, Any], key: str, required: bool = True) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"$.{key}", "expected an object")
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
