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
from ..wire import report_to_dict
from .http import HttpError
from .settings import ServiceSettings

_ITEM_KEYS = frozenset({"id", "text", "context"})


@dataclass(frozen=True, slots=True)
class CheckItem:
    comment: Comment
    context: Mapping[str, Any]


def parse_check(data: Any, settings: ServiceSettings) -> tuple[list[CheckItem], bool]:
    """The comments of a request, and whether it was a batch."""
    if not isinstance(data, dict):
        raise _invalid("$", f"expected an object, got {_kind(data)}")
    if "comments" in data:
        extra = sorted(set(data) - {"comments"})
        if extra:
            raise _invalid("$", f"unknown field(s) beside 'comments': {', '.join(extra)}")
        items = data["comments"]
        if not isinstance(items, list):
            raise _invalid("$.comments", f"expected an array, got {_kind(items)}")
        if not items:
            raise _invalid("$.comments", "the batch is empty")
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
        raise _invalid(where, f"expected an object, got {_kind(data)}")
    unknown = sorted(set(data) - _ITEM_KEYS)
    if unknown:
        raise _invalid(where, f"unknown field(s): {', '.join(unknown)}")
    if "text" not in data:
        raise _invalid(f"{where}.text", "missing")
    text = data["text"]
    if not isinstance(text, str):
        raise _invalid(f"{where}.text", f"expected a string, got {_kind(text)}")
    if len(text) > settings.max_text_chars:
        raise HttpError(
            422,
            "text_too_long",
            f"{where}.text: {len(text)} characters; at most {settings.max_text_chars}",
        )
    ident = data.get("id", str(index))
    if not isinstance(ident, str | int) or isinstance(ident, bool):
        raise _invalid(f"{where}.id", f"expected a string, got {_kind(ident)}")
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise _invalid(f"{where}.context", f"expected an object, got {_kind(context)}")
    return CheckItem(Comment(id=str(ident), text=text), context)


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The answer for one comment: the report and what to do with it."""
    return {
        "report": report_to_dict(decision.report),
        "decision": {
            "action": decision.action.value,
            "reasons": list(decision.reasons),
            "errors": list(decision.errors),
        },
    }


def _invalid(where: str, problem: str) -> HttpError:
    return HttpError(422, "invalid_request", f"{where}: {problem}")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
