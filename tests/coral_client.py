"""Coral's side of the external-moderation contract, built as Coral's code builds it
(``external.ts``: the request fields, ``JSON.stringify(body, null, 2)``, one
``sha256=`` HMAC per active signing secret), for the service and conformance tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def coral_body(data: dict[str, Any]) -> bytes:
    """The bytes Coral sends: ``JSON.stringify(data, null, 2)`` (UTF-8, not escaped)."""
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def coral_signature(body: bytes, secrets: tuple[str, ...]) -> str:
    """``X-Coral-Signature`` as Coral builds it: one ``sha256=`` per active secret,
    joined by a bare comma."""
    return ",".join(
        "sha256=" + hmac.new(s.encode(), body, hashlib.sha256).hexdigest() for s in secrets
    )


def coral_request(body: str, role: str = "COMMENTER") -> dict[str, Any]:
    """The request of Coral's ``external.ts``, field for field."""
    return {
        "action": "NEW",
        "comment": {"body": body, "parentID": None},
        "author": {"id": "4f0c-user", "role": role},
        "story": {"id": "story-1", "url": "https://news.example/2024/06/story"},
        "site": {"id": "site-1"},
        "tenantID": "tenant-1",
        "tenantDomain": "news.example",
    }
