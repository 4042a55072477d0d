"""SARIF 2.1.0, the format GitHub code scanning and other CI dashboards ingest.

Choices that matter to those consumers:

- ``ruleId`` is the rule's id, stable across releases, and every rule the run
  loaded is described in ``tool.driver.rules`` with its message, why it matters
  (``fullDescription``/``help``) and references (``helpUri``);
- ``partialFingerprints`` carry :func:`rhetoric.check.baseline.fingerprint` (rule,
  matched text and line content, never the line number), so code scanning keeps
  recognising an alert after lines above it move;
- ``columnKind`` is ``unicodeCodePoints``: columns count code points, exactly as
  the text output and the JSON offsets do; ``endColumn`` is exclusive;
- unreadable inputs and failing detectors become ``toolExecutionNotifications``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ..__about__ import __version__
from ..check.baseline import FINGERPRINT_VERSION, encodable_fingerprint
from ..check.inputs import InputRecord
from ..model import RuleInfo, Severity
from .base import Formatter, Outcome
from .locations import display_path, locate

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(path: str) -> str:
    """A URI reference for ``path``: relative ones stay relative, percent-encoded."""
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path)


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    summary = rule.message.replace("{match}", "…")
    references = "".join(f"\n- {ref}" for ref in rule.references)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": rule.why or summary},
        "help": {
            "text": f"{summary}\n\n{rule.why}"
            + (f"\n\nReferences:{references}" if references else ""),
            "markdown": f"**{summary}**\n\n{rule.why}"
            + (f"\n\nReferences:{references}" if references else ""),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["rhetoric", rule.technique],
            "technique": rule.technique,
            "status": rule.status,
        },
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


class SarifFormatter(Formatter):
    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.used: set[str] = set()

    def write(self, outcome: Outcome) -> None:
        record = outcome.record
        if outcome.report is None:
            message = f"{record.record_id}: {outcome.error}"
            self.notifications.append(_notification("error", message, record.source, record.line))
            return
        assert record.comment is not None
        text = record.comment.text
        for hit in outcome.report.hits:
            where = locate(record, hit)
            self.used.add(hit.rule)
            properties: dict[str, Any] = {"technique": hit.technique, "confidence": hit.confidence}
            if record.comment.id != record.source:
                properties["commentId"] = record.comment.id
            result: dict[str, Any] = {
                "ruleId": hit.rule,
                "level": LEVELS[hit.severity],
                "message": {"text": hit.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(where.path)},
                            "region": {
                                "startLine": where.line,
                                "startColumn": where.column,
                                "endLine": where.end_line,
                                "endColumn": where.end_column,
                                "snippet": {"text": hit.text},
                            },
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_VERSION: encodable_fingerprint(hit, text)},
                "properties": properties,
            }
            if hit.evidence.get("scope") == "document" and (cues := hit.evidence.get("cue_spans")):
                result["relatedLocations"] = _cue_locations(record, cues)
            self.results.append(result)
        for error in outcome.report.errors:
            message = f"{error.source}: {error.message}"
            self.notifications.append(_notification("warning", message, record.source, record.line))

    def close(self) -> None:
        rules = dict(self.rules)
        for rule_id in self.used - set(rules):  # a hit from a rule nobody described
            rules[rule_id] = RuleInfo(id=rule_id, technique="unknown", message=rule_id, why="")
        ordered = sorted(rules.values(), key=lambda r: r.id)
        index = {rule.id: i for i, rule in enumerate(ordered)}
        for result in self.results:
            result["ruleIndex"] = index[result["ruleId"]]
        document = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "rhetoric",
                            "version": __version__,
                            "semanticVersion": __version__,
                            "rules": [rule_descriptor(rule) for rule in ordered],
                        }
                    },
                    "invocations": [
                        {
                            "executionSuccessful": not any(
                                n["level"] == "error" for n in self.notifications
                            ),
                            "toolExecutionNotifications": self.notifications,
                        }
                    ],
                    "columnKind": "unicodeCodePoints",
                    "results": self.results,
                }
            ],
        }
        json.dump(document, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


def _cue_locations(record: InputRecord, cues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A document-level finding's cues (``evidence["cue_spans"]``) as related locations, so
    a code-scanning view shows each cue where it is, not one long region."""
    related = []
    for number, cue in enumerate(cues):
        line, column = record.position(cue["start"])
        end_line, end_column = record.position(cue["end"])
        region = {
            "startLine": line,
            "startColumn": column,
            "endLine": end_line,
            "endColumn": end_column,
            "snippet": {"text": cue["text"]},
        }
        related.append(
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(display_path(record.source))},
                    "region": region,
                },
                "message": {"text": f"cue: {cue['text']} ({cue['rule']})"},
            }
        )
    return related


def _notification(level: str, text: str, source: str, line: int | None) -> dict[str, Any]:
    region = {"startLine": line} if line else None
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(display_path(source))}}
    if region:
        location["region"] = region
    return {
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }
