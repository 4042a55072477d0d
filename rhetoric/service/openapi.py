"""The OpenAPI 3.1 document of the service, built from the same schemas it obeys.

The report's schema is the one ``rhetoric check --format jsonl`` is tested against
(``rhetoric/schemas``), moved under ``components`` so the document stands alone.
"""

from __future__ import annotations

from typing import Any

from ..__about__ import __version__
from ..policy import REJECTION_CODES
from ..wire import report_schema
from .coral import EXPLANATION_LIMIT, FLAG_REASON
from .settings import CORAL_REVIEW_STATUSES, ServiceSettings


def openapi_document(settings: ServiceSettings) -> dict[str, Any]:
    schemas = _report_components()
    schemas.update(_service_components(settings))
    secured = [{"bearer": []}] if settings.token else []
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "rhetoric",
            "version": __version__,
            "description": "Finds rhetoric and propaganda techniques in comments and says "
            "what to do with them (allow, review, reject), with exact character spans.",
        },
        "paths": {
            "/v1/check": {
                "post": {
                    "summary": "Check one comment or a batch",
                    "operationId": "check",
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        _ref("CheckRequest"),
                                        _ref("BatchRequest"),
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "The report and decision (one), or the results in order (batch)",
                            {"oneOf": [_ref("CheckResult"), _ref("BatchResult")]},
                        ),
                        **_errors(400, 401, 408, 413, 415, 422, 429),
                    },
                }
            },
            "/v1/coral": {
                "post": {
                    "summary": "Coral External Moderation phase",
                    "operationId": "coral",
                    "description": "Signed with X-Coral-Signature (HMAC-SHA256 of the body). "
                    "Answers 204 when the comment is allowed; a rejection carries its reason "
                    "code and the explanation the author is notified with.",
                    "parameters": [
                        {
                            "name": "X-Coral-Signature",
                            "in": "header",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "pattern": _SIGNATURES,
                            },
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("CoralRequest")}},
                    },
                    "responses": {
                        "200": _json("Coral's External Moderation Response", _ref("CoralResponse")),
                        "204": {"description": "Nothing to say: other phases decide"},
                        **_errors(400, 403, 408, 413, 415, 422, 429),
                    },
                }
            },
            "/v1/rules": {
                "get": {
                    "summary": "The rules this service runs",
                    "operationId": "rules",
                    "security": secured,
                    "responses": {
                        "200": _json("Rule metadata", _ref("RuleList")),
                        **_errors(401),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and what is loaded",
                    "operationId": "health",
                    "responses": {"200": _json("Alive", _ref("Health"))},
                }
            },
        },
        "components": {"schemas": schemas},
    }
    if settings.token:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return document


def _report_components() -> dict[str, Any]:
    schema = report_schema()
    names = {key: "Report" + key[0].upper() + key[1:] for key in schema["$defs"]}
    names["report"] = "Report"

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: rewrite(v) for k, v in node.items()}
            ref = out.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                out["$ref"] = "#/components/schemas/" + names[ref.removeprefix("#/$defs/")]
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return {names[key]: rewrite(value) for key, value in schema["$defs"].items()}


def _service_components(settings: ServiceSettings) -> dict[str, Any]:
    context = {"type": "object", "description": "What the host knows: author_role, site..."}
    item = {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "maxLength": settings.max_text_chars},
            "id": {"type": ["string", "integer"]},
            "context": context,
        },
    }
    decision = {
        "type": "object",
        "required": ["action", "code", "reasons", "errors"],
        "properties": {
            "action": {"enum": ["allow", "review", "reject"]},
            "code": {
                "enum": [*REJECTION_CODES, None],
                "description": "Why a comment is rejected (Coral's rejection reason codes); "
                "null unless the action is reject",
            },
            "reasons": {"type": "array", "items": {"type": "string"}},
            "errors": {"type": "array", "items": {"type": "string"}},
        },
    }
    result = {
        "type": "object",
        "required": ["report", "decision"],
        "properties": {"report": _ref("Report"), "decision": _ref("Decision")},
    }
    return {
        "CheckRequest": item,
        "BatchRequest": {
            "type": "object",
            "required": ["comments"],
            "additionalProperties": False,
            "properties": {
                "comments": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": settings.max_batch,
                    "items": _ref("CheckRequest"),
                }
            },
        },
        "Decision": decision,
        "CheckResult": result,
        "BatchResult": {
            "type": "object",
            "required": ["results"],
            "properties": {"results": {"type": "array", "items": _ref("CheckResult")}},
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
        "Rule": {
            "type": "object",
            "required": ["id", "technique", "severity", "message", "why"],
            "properties": {
                "id": {"type": "string"},
                "technique": {"type": "string"},
                "kind": {"type": "string"},
                "severity": {"enum": ["info", "warning", "error"]},
                "confidence": {"type": "number"},
                "status": {"enum": ["stable", "preview"]},
                "message": {"type": "string"},
                "why": {"type": "string"},
                "instead": {"type": "string", "description": "what to write instead ('' if none)"},
                "references": {"type": "array", "items": {"type": "string"}},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        },
        "RuleList": {
            "type": "object",
            "required": ["rules"],
            "properties": {"rules": {"type": "array", "items": _ref("Rule")}},
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "rules"],
            "properties": {
                "status": {"const": "ok"},
                "version": {"type": "string"},
                "rules": {"type": "integer"},
            },
        },
        "CoralRequest": {
            "type": "object",
            "required": ["comment"],
            "properties": {
                "action": {"enum": ["NEW", "EDIT"]},
                "comment": {
                    "type": "object",
                    "required": ["body"],
                    "properties": {
                        "body": {"type": "string"},
                        "parentID": {"type": ["string", "null"]},
                    },
                },
                "author": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "role": {"type": "string"}},
                },
                "story": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "url": {"type": "string"}},
                },
                "site": {"type": "object", "properties": {"id": {"type": "string"}}},
                "tenantID": {"type": "string"},
                "tenantDomain": {"type": "string"},
            },
        },
        "CoralResponse": {
            "type": "object",
            "description": "What this service answers; Coral ignores an answer its own "
            "validation refuses, and keeps only these fields.",
            "required": ["status", "actions"],
            "additionalProperties": False,
            "properties": {
                "status": {"enum": ["REJECTED", *CORAL_REVIEW_STATUSES]},
                "moderationAction": {
                    "type": "object",
                    "required": ["status", "rejectionReason"],
                    "additionalProperties": False,
                    "properties": {
                        "status": {"const": "REJECTED"},
                        "rejectionReason": {
                            "type": "object",
                            "required": ["code"],
                            "additionalProperties": False,
                            "properties": {
                                "code": {"enum": list(REJECTION_CODES)},
                                "detailedExplanation": {
                                    "type": "string",
                                    "minLength": 1,
                                    "maxLength": EXPLANATION_LIMIT,
                                },
                            },
                        },
                    },
                },
                "actions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["actionType", "reason"],
                        "additionalProperties": False,
                        "properties": {
                            "actionType": {"const": "FLAG"},
                            "reason": {"const": FLAG_REASON},
                        },
                    },
                },
            },
        },
    }


_HMAC = "sha256=[0-9a-fA-F]{64}"
_SIGNATURES = f"^{_HMAC}( *, *{_HMAC})*$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_REASONS = {
    400: "Malformed JSON, bad UTF-8 or a bad signature",
    401: "Missing or wrong bearer token",
    403: "Coral is not configured (no signing secret)",
    408: "The body did not arrive in time",
    413: "The body is too large",
    415: "Not application/json",
    422: "Valid JSON that is not a valid request (named field), or too many comments",
    429: "Too much work pending: retry after the Retry-After delay",
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _json(_REASONS[s], _ref("Error")) for s in statuses}
