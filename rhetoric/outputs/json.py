"""Machine-readable output: ``jsonl`` (one record per input, in order) and ``json``.

``jsonl`` writes each record whole as it is finished; the stream's buffer is
flushed by the run when its input keeps it waiting (:meth:`Formatter.flush`) and at
the end, not after every record (one system call per record was a cost of its own),
so a consumer of a stream still sees each record at once. A record holding a lone
surrogate (which JSON input may carry) is written with ASCII escapes: a raw surrogate
is not UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from json import encoder as _json_encoder
from typing import Any, TextIO

from ..__about__ import __version__
from .._coreload import core
from ..model import Hit, Report, Verdict
from ..wire import SCHEMA_VERSION, error_record, jsonable, report_to_dict, target_to_dict
from .base import Formatter, Outcome

_SURROGATE = re.compile("[\ud800-\udfff]")
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


def _value_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)`` without its per-call set-up: one C
    encoder made once (no circular-reference bookkeeping: every value encoded here
    was just built from a report, so it holds no cycle), or the Python one where
    there is no C encoder."""
    make = getattr(_json_encoder, "c_make_encoder", None)
    options = json.JSONEncoder(ensure_ascii=False)
    if make is None:
        return options.encode
    encode = make(
        None, options.default, _json_encoder.encode_basestring, None,
        options.key_separator, options.item_separator, False, False, True,
    )  # fmt: skip
    return lambda value: "".join(encode(value, 0))


_encode = _value_encoder()
_string: Callable[[str], str] = _json_encoder.encode_basestring  # type: ignore[assignment]
_PLAIN = frozenset({str, int, float, bool, type(None)})
_RECORD_HEAD = f'{{"schema_version": {_string(SCHEMA_VERSION)}, "id": '


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
    # Printable ASCII without '"' and '\\' is its own JSON (most ids): four C-level
    # tests, cheaper than a regex match.
    if ident.isascii() and ident.isprintable() and '"' not in ident and "\\" not in ident:
        return f'{_CLEAN_HEAD}"{ident}"{_CLEAN_TAIL}'
    encoded = json.dumps(ident, ensure_ascii=False)
    if _SURROGATE.search(encoded):
        encoded = json.dumps(ident)
    return f"{_CLEAN_HEAD}{encoded}{_CLEAN_TAIL}"


def report_line(report: Report) -> str:
    """The JSONL line of a report: the compiled core's when it has one and writes this
    report (``tests/test_core.py``), else ``python_report_line``'s."""
    if _core_line is not None:
        line = _core_line(report, _RECORD_HEAD)
        if line is not None:
            return line
    return python_report_line(report)


_core_line: Callable[[Report, str], str | None] | None = None if core is None else core.report_line


def python_report_line(report: Report) -> str:
    """The JSONL line of a report, made field by field from the report itself (no
    record dict, one shared encoder for the values that need one); byte for byte what
    ``json_line(report_to_dict(report))`` writes (``tests/test_fast_paths.py``), which
    it falls back to for any value it does not expect and for lone surrogates."""
    try:
        hits = [_hit_json(hit) for hit in report.hits]
        score = report.score
        if type(score) is not float or not math.isfinite(score):
            raise TypeError
        scores, readability, errors = report.scores, report.readability, report.errors
        line = (
            f'{_RECORD_HEAD}{_encode(report.id)}, "hits": [{", ".join(hits)}], '
            f'"scores": {_encode(dict(scores)) if scores else "{}"}, "score": {score!r}, '
            f'"verdict": {_string(report.verdict.value)}, '
            f'"readability": {_encode(dict(readability)) if readability else "{}"}, '
            f'"errors": {_errors_json(errors) if errors else "[]"}}}\n'
        )
    except (TypeError, ValueError, AttributeError):
        return json_line(report_to_dict(report))
    if not line.isascii() and _SURROGATE.search(line):
        return json_line(report_to_dict(report))
    return line


def _hit_json(hit: Hit) -> str:
    """``hit_to_dict(hit)`` encoded; TypeError for a value it does not expect."""
    start, end, confidence = hit.start, hit.end, hit.confidence
    if type(start) is not int or type(end) is not int or type(confidence) is not float:
        raise TypeError
    if not math.isfinite(confidence):
        raise TypeError
    evidence = hit.evidence
    if not (
        type(evidence) is dict
        and all(type(key) is str for key in evidence)
        and all(type(value) in _PLAIN for value in evidence.values())
    ):
        evidence = jsonable(evidence)  # what hit_to_dict encodes: plain JSON values
    target = hit.target
    tail = "}" if target is None else f', "target": {_encode(target_to_dict(target))}}}'
    return (
        f'{{"start": {start}, "end": {end}, "text": {_string(hit.text)}, '
        f'"technique": {_string(hit.technique)}, "rule": {_string(hit.rule)}, '
        f'"severity": {_string(hit.severity.value)}, "confidence": {confidence!r}, '
        f'"message": {_string(hit.message)}, "evidence": {_encode(evidence)}{tail}'
    )


def _errors_json(errors: tuple[Any, ...]) -> str:
    return _encode([{"source": e.source, "message": e.message} for e in errors])


class JsonlFormatter(Formatter):
    def write(self, outcome: Outcome) -> None:
        report = outcome.report
        if report is not None:
            line = _clean_line(report) or report_line(report)
        else:
            line = json_line(outcome_to_dict(outcome))
        self.out.write(line)


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
