"""Machine-readable output: ``jsonl`` (one record per input, in order) and ``json``.

``jsonl`` flushes every record as it is written, so a consumer (or ``--resume``)
sees each finished record at once. A record holding a lone surrogate (which JSON
input may carry) is written with ASCII escapes: a raw surrogate is not UTF-8.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from ..__about__ import __version__
from ..model import Report, Verdict
from ..wire import SCHEMA_VERSION, error_record, report_to_dict
from .base import Formatter, Outcome

_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_ID = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but '"' and '\\': JSON as is
# A clean report's record, from report_to_dict itself (so it can never miss a field),
# cut around its id.
_CLEAN = report_to_dict(Report("\0id", (), {}, 0.0, Verdict.CLEAN))
_CLEAN_HEAD, _CLEAN_TAIL = json.dumps(_CLEAN).split('"\\u0000id"')
_CLEAN_TAIL += "\n"


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    if outcome.report is not None:
        return report_to_dict(outcome.report)
    record = outcome.record
    return error_record(
        record.record_id, outcome.error or "unknown error", source=record.source, line=record.line
    )


def json_line(record: dict[str, Any]) -> str:
    """One JSON line, UTF-8-encodable whatever the record holds."""
    line = json.dumps(record, ensure_ascii=False)
    if _SURROGATE.search(line):
        line = json.dumps(record)
    return line + "\n"


def _clean_line(report: Report) -> str | None:
    """The line of a report without hits, scores, errors or metrics, made from a
    prepared template (most comments; no dict to build, nothing else to encode);
    None for any other report. Byte for byte what ``json_line`` writes."""
    if report.hits or report.errors or report.readability or report.scores:
        return None
    if str(report.score) != "0.0" or report.verdict is not Verdict.CLEAN:
        return None
    ident = report.id
    if type(ident) is not str:
        return None
    if _PLAIN_ID.fullmatch(ident):  # nothing to escape (most ids)
        return f'{_CLEAN_HEAD}"{ident}"{_CLEAN_TAIL}'
    encoded = json.dumps(ident, ensure_ascii=False)
    if _SURROGATE.search(encoded):
        encoded = json.dumps(ident)
    return f"{_CLEAN_HEAD}{encoded}{_CLEAN_TAIL}"


class JsonlFormatter(Formatter):
    def write(self, outcome: Outcome) -> None:
        line = _clean_line(outcome.report) if outcome.report is not None else None
        self.out.write(line or json_line(outcome_to_dict(outcome)))
        self.out.flush()


class JsonFormatter(Formatter):
    """One JSON document: ``{"schema_version", "tool", "records", "summary"}``;
    ``records`` holds reports and error records in input order."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.records: list[dict[str, Any]] = []

    def write(self, outcome: Outcome) -> None:
        self.records.append(outcome_to_dict(outcome))

    def close(self) -> None:
        reports = [r for r in self.records if "error" not in r]
        document = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "rhetoric", "version": __version__},
            "records": self.records,
            "summary": {
                "records": len(self.records),
                "reports": len(reports),
                "errors": len(self.records) - len(reports),
                "hits": sum(len(r["hits"]) for r in reports),
            },
        }
        json.dump(document, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")
