"""The JSON bodies of ``/v1/check``: what a host sends and what it gets back.

One comment is ``{"text": ..., "id"?: ..., "context"?: {...}}``; a batch is
``{"comments": [such objects]}``. Every problem is a 422 that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Comment
from ..policy import Decision
from ..wire import json_type, report_to_dict
from .http import HttpError, invalid
from .settings import ServiceSettings

_ITEM_KEYS = frozenset({"id", "text", "context"})


@dataclass(frozen=True, slots=True)
class CheckItem:
    comment: Comment
    context: Mapping[str, Any]


def parse_check(data: Any, settings: ServiceSettings) -> tuple[list[CheckItem], bool]:
    """The comments of a request, and whether it was a batch."""
    if not isinstance(data, dict):
        raise invalid("$", f"expected an object, got {json_type(data)}")
    if "comments" in data:
        extra = sorted(set(data) - {"comments"})
        if extra:
            raise invalid("$", f"unknown field(s) beside 'comments': {', '.join(extra)}")
        items = data["comments"]
        if not isinstance(items, list):
            raise invalid("$.comments", f"expected an array, got {json_type(items)}")
        if not items:
            raise invalid("$.comments", "the batch is empty")
        if len(items) > settings.max_batch:
            raise HttpError(
                422,
                "batch_too_large",
                f"$.comments: {len(items)} comments; at most {settings.max_batch} per request",
            )
        return [_item(item, f"$.comments[{i}]", i, settings) for i, item in enumerate(items)], True
    return [_item(data, "$", 0, settings)], False


def _item(data: Any, where: str, index: int, settings: ServiceSettings) -> CheckItem:
    if not isinstance(data, dict):
        raise invalid(where, f"expected an object, got {json_type(data)}")
    unknown = sorted(set(data) - _ITEM_KEYS)
    if unknown:
        raise invalid(where, f"unknown field(s): {', '.join(unknown)}")
    if "text" not in data:
        raise invalid(f"{where}.text", "missing")
    text = data["text"]
    if not isinstance(text, str):
        raise invalid(f"{where}.text", f"expected a string, got {json_type(text)}")
    check_length(text, f"{where}.text", settings)
    ident = data.get("id", str(index))
    if not isinstance(ident, str | int) or isinstance(ident, bool):
        raise invalid(f"{where}.id", f"expected a string, got {json_type(ident)}")
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise invalid(f"{where}.context", f"expected an object, got {json_type(context)}")
    return CheckItem(Comment(id=str(ident), text=text), context)


def check_length(text: str, where: str, settings: ServiceSettings) -> None:
    if len(text) > settings.max_text_chars:
        raise HttpError(
            422,
            "text_too_long",
            f"{where}: {len(text)} characters; at most {settings.max_text_chars}",
        )


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The answer for one comment: the report and what to do with it (``code``: the
    rejection reason code, null unless the action is reject)."""
    return {
        "report": report_to_dict(decision.report),
        "decision": {
            "action": decision.action.value,
            "code": decision.code,
            "reasons": list(decision.reasons),
            "errors": list(decision.errors),
        },
    }
