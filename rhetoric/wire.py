"""The versioned JSON wire form of reports, hits and error records.

Other tools rely on these names; they change only with ``SCHEMA_VERSION``
(major for breaking changes). The JSON Schema in ``schemas/report.schema.json``
describes exactly what :func:`report_to_dict` and :func:`error_record` produce.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .model import DetectorError, Hit, Report, RuleInfo, Severity, Target, TargetKind, Verdict

SCHEMA_VERSION = "1.2"  # 1.1: hits may carry a "target"; 1.2: evidence "scope"/"cues"


def rule_to_dict(rule: RuleInfo, *, with_source: bool = True) -> dict[str, Any]:
    """A rule's metadata; ``with_source=False`` leaves out the file path (for services)."""
    data: dict[str, Any] = {
        "id": rule.id,
        "technique": rule.technique,
        "kind": rule.kind,
        "severity": rule.severity.value,
        "confidence": rule.confidence,
        "status": rule.status,
        "message": rule.message,
        "why": rule.why,
        "instead": rule.instead,
        "references": list(rule.references),
        "tags": list(rule.tags),
    }
    if with_source:
        data["source"] = rule.source
    return data


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    data = {
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "technique": hit.technique,
        "rule": hit.rule,
        "severity": hit.severity.value,
        "confidence": hit.confidence,
        "message": hit.message,
        "evidence": jsonable(hit.evidence),
    }
    if hit.target is not None:
        data["target"] = target_to_dict(hit.target)
    return data


def target_to_dict(target: Target) -> dict[str, Any]:
    """``kind``, then ``start``/``end``/``text`` when the text names the target, and
    ``group`` for a group."""
    data: dict[str, Any] = {"kind": target.kind.value}
    if target.start is not None:
        data.update(start=target.start, end=target.end, text=target.text)
    if target.group is not None:
        data["group"] = target.group
    return data


def target_from_dict(data: Mapping[str, Any]) -> Target:
    start, end = data.get("start"), data.get("end")
    return Target(
        kind=TargetKind(data["kind"]),
        start=int(start) if start is not None else None,
        end=int(end) if end is not None else None,
        text=str(data["text"]) if data.get("text") is not None else None,
        group=str(data["group"]) if data.get("group") is not None else None,
    )


def hit_from_dict(data: Mapping[str, Any]) -> Hit:
    return Hit(
        start=int(data["start"]),
        end=int(data["end"]),
        text=str(data["text"]),
        technique=str(data["technique"]),
        rule=str(data["rule"]),
        severity=Severity.parse(data["severity"]),
        confidence=float(data["confidence"]),
        message=str(data["message"]),
        evidence=dict(data.get("evidence", {})),
        target=target_from_dict(data["target"]) if data.get("target") else None,
    )


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": report.id,
        "hits": [hit_to_dict(h) for h in report.hits],
        "scores": dict(report.scores),
        "score": report.score,
        "verdict": report.verdict.value,
        "readability": dict(report.readability),
        "errors": [{"source": e.source, "message": e.message} for e in report.errors],
    }


def report_from_dict(data: Mapping[str, Any]) -> Report:
    major = str(data.get("schema_version", "")).split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        raise ValueError(
            f"report schema_version {data.get('schema_version')!r} is not supported "
            f"(this is {SCHEMA_VERSION})"
        )
    return Report(
        id=str(data["id"]),
        hits=tuple(hit_from_dict(h) for h in data["hits"]),
        scores={str(k): float(v) for k, v in data["scores"].items()},
        score=float(data["score"]),
        verdict=Verdict(data["verdict"]),
        readability=dict(data.get("readability", {})),
        errors=tuple(DetectorError(e["source"], e["message"]) for e in data.get("errors", [])),
    )


def error_record(
    record_id: str | None, message: str, *, source: str, line: int | None
) -> dict[str, Any]:
    """What batch output carries, in place of a report, for an input that failed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": record_id,
        "error": {"message": message, "source": source, "line": line},
    }


def json_type(value: object) -> str:
    """What a decoded JSON value is, for error messages ("an object", "null"...)."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one output record (report or error)."""
    # Imported here: importlib.resources brings tempfile, shutil, random, bz2 and lzma,
    # about 1.5% of every start, for the service's OpenAPI document only.
    from importlib import resources

    text = resources.files("rhetoric").joinpath("schemas/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """``value`` made of JSON types only (mappings, sequences and sets as objects and
    arrays, anything else as its ``str``): what a hit's evidence is written as."""
    if type(value) in _PLAIN:  # most evidence values; skips the costly ABC checks below
        return value
    if type(value) is dict or isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
