"""Read comments from files and dumps, one record at a time.

Every input record becomes exactly one :class:`InputRecord`: either a comment to
analyse or an error naming the input and what is wrong. Nothing is dropped
silently, and one bad record never stops the rest.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from .model import Comment

InputFormat = Literal["auto", "text", "jsonl", "csv"]
SplitMode = Literal["document", "lines", "paragraphs"]
STDIN = "-"


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One comment read from ``source`` starting at ``line`` (1-based), or an error."""

    source: str
    line: int | None
    comment: Comment | None = None
    error: str | None = None
    record_id: str | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the source of a code-point offset of the text."""
        assert self.comment is not None
        text = self.comment.text
        before = text[:offset]
        newlines = before.count("\n")
        column = offset - (before.rfind("\n") + 1) + 1
        return (self.line or 1) + newlines, column


@dataclass(frozen=True, slots=True)
class ReadOptions:
    input_format: InputFormat = "auto"
    split: SplitMode = "document"
    id_field: str = "id"
    text_field: str = "text"


def detect_format(source: str, requested: InputFormat) -> InputFormat:
    if requested != "auto":
        return requested
    suffix = Path(source).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    return "text"


def read_records(source: str, options: ReadOptions) -> Iterator[InputRecord]:
    """All records of one input (a path, or ``-`` for standard input)."""
    name = "<stdin>" if source == STDIN else source
    kind = detect_format(source, options.input_format)
    if kind == "jsonl":
        yield from _stream_jsonl(source, name, options)
        return
    try:
        raw = sys.stdin.buffer.read() if source == STDIN else Path(source).read_bytes()
    except OSError as exc:
        yield _unreadable(name, exc)
        return
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield InputRecord(
            name, None, error=f"not UTF-8 text (byte {exc.start}: {exc.reason})", record_id=name
        )
        return
    if kind == "csv":
        yield from _csv(name, data, options)
    else:
        yield from _text(name, data, options.split)


def _unreadable(name: str, exc: OSError) -> InputRecord:
    """The one error record for an input that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        problem = "no such file"
    elif isinstance(exc, IsADirectoryError):
        problem = "is a directory, not a file"
    else:
        problem = f"cannot read: {exc.strerror}"
    return InputRecord(name, None, error=problem, record_id=name)


def _text(name: str, data: str, split: SplitMode) -> Iterator[InputRecord]:
    if split == "document":
        yield InputRecord(name, 1, Comment(id=name, text=data))
        return
    lines = data.splitlines()
    if split == "lines":
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield InputRecord(name, number, Comment(id=f"{name}:{number}", text=line))
        return
    block: list[str] = []
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield InputRecord(name, first, Comment(id=f"{name}:{first}", text="\n".join(block)))
            block = []


def _record(name: str, number: int, obj: object, options: ReadOptions) -> InputRecord:
    fallback_id = f"{name}:{number}"
    if not isinstance(obj, dict):
        return InputRecord(name, number, error="record is not a JSON object", record_id=fallback_id)
    raw_id = obj.get(options.id_field)
    if raw_id is None or raw_id == "":
        record_id = fallback_id
    elif isinstance(raw_id, str | int) and not isinstance(raw_id, bool):
        record_id = str(raw_id)
    else:
        return InputRecord(
            name, number,
            error=f"field '{options.id_field}' must be a string or integer",
            record_id=fallback_id,
        )  # fmt: skip
    if options.text_field not in obj:
        return InputRecord(
            name, number, error=f"missing field '{options.text_field}'", record_id=record_id
        )
    text = obj[options.text_field]
    if not isinstance(text, str):
        return InputRecord(
            name, number,
            error=f"field '{options.text_field}' must be a string, not {_json_type(text)}",
            record_id=record_id,
        )  # fmt: skip
    metadata = {k: v for k, v in obj.items() if k not in (options.id_field, options.text_field)}
    return InputRecord(name, number, Comment(id=record_id, text=text, metadata=metadata))


def _stream_jsonl(source: str, name: str, options: ReadOptions) -> Iterator[InputRecord]:
    """JSONL read a line at a time, so memory stays flat however large the dump.

    Lines are split on newlines only; a line that is not UTF-8 is one error record
    (naming the byte), and reading goes on with the next line.
    """
    try:
        handle: BinaryIO = sys.stdin.buffer if source == STDIN else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        yield _unreadable(name, exc)
        return
    try:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield InputRecord(
                    name, number, error=f"not UTF-8 text (byte {exc.start}: {exc.reason})",
                    record_id=f"{name}:{number}",
                )  # fmt: skip
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputRecord(
                    name, number, error=f"invalid JSON: {exc.msg} (column {exc.colno})",
                    record_id=f"{name}:{number}",
                )  # fmt: skip
                continue
            yield _record(name, number, obj, options)
    except OSError as exc:
        yield InputRecord(name, None, error=f"read failed: {exc.strerror}", record_id=name)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _csv(name: str, data: str, options: ReadOptions) -> Iterator[InputRecord]:
    reader = csv.DictReader(io.StringIO(data, newline=""))
    try:
        fields = reader.fieldnames or []
    except csv.Error as exc:
        yield InputRecord(name, 1, error=f"invalid CSV header: {exc}", record_id=name)
        return
    if options.text_field not in fields:
        yield InputRecord(
            name, 1,
            error=f"CSV header has no column '{options.text_field}' (columns: {', '.join(fields)})",
            record_id=name,
        )  # fmt: skip
        return
    start_line = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputRecord(
                name, start_line, error=f"invalid CSV: {exc}", record_id=f"{name}:{start_line}"
            )
            return
        if None in row:
            yield InputRecord(
                name, start_line, error="row has more fields than the header",
                record_id=f"{name}:{start_line}",
            )  # fmt: skip
        elif row.get(options.text_field) is None:
            yield InputRecord(
                name, start_line, error=f"row has no value for '{options.text_field}'",
                record_id=f"{name}:{start_line}",
            )  # fmt: skip
        else:
            yield _record(name, start_line, row, options)
        start_line = reader.line_num + 1


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}  # fmt: skip
    return names.get(type(value), type(value).__name__)
