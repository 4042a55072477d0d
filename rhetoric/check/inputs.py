"""Read comments from files and dumps, one record at a time.

Every input record becomes exactly one :class:`InputRecord`: either a comment to
analyse or an error naming the input and what is wrong. Nothing is dropped
silently, and one bad record never stops the rest.

Bytes are turned into text by :mod:`rhetoric.check.decoding`: binary files are one
error record, invalid UTF-8 in text and CSV files is replaced (U+FFFD) and the
records it touched carry a notice. A JSONL line must be UTF-8 (JSON requires
it): a line that is not is one error record.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ..model import Comment, thawed
from ..text.lines import line_and_column, split_lines
from ..wire import json_type
from .decoding import SNIFF, UTF8_BOM, Decoded, LineDecoder, binary_problem, decode

InputFormat = Literal["auto", "text", "jsonl", "csv", "parquet"]
SplitMode = Literal["document", "lines", "paragraphs"]
STDIN = "-"
_CSV_FIELD_LIMIT = 2**31 - 1  # the largest the csv module accepts on every platform
NOTICE_SOURCE = "input"  # the ``source`` of a notice in a report's ``errors``
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One comment read from ``source`` starting at ``line`` (1-based), or an error.

    ``notices`` are problems of the input that did not stop the comment from being
    analysed (replaced bytes, a repeated id); the run reports them in the
    report's ``errors`` and counts them as input errors. ``unit`` says what the
    record is to a reader: a whole ``file`` (a document) or a ``comment`` (a line,
    paragraph or dump record).
    """

    source: str
    line: int | None
    comment: Comment | None = None
    error: str | None = None
    record_id: str | None = None
    notices: tuple[str, ...] = ()
    unit: Literal["file", "comment"] = "comment"

    @property
    def output_id(self) -> str | None:
        """The id the output record of this input carries."""
        return self.comment.id if self.comment is not None else self.record_id

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the source of a code-point offset of the text.

        ``\\r\\n``, a lone ``\\r`` and ``\\n`` each end a line (:mod:`rhetoric.text.lines`).
        """
        assert self.comment is not None
        line, column = line_and_column(self.comment.text, offset)
        return (self.line or 1) + line, column


# One of each per dump record: built without the frozen __init__'s per-field cost.
_new_record = thawed(InputRecord)
_new_comment = thawed(Comment)


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
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return "text"


def read_records(
    source: str,
    options: ReadOptions,
    *,
    name: str | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[InputRecord]:
    """All records of one input (a path, or ``-`` for standard input).

    :param name: what the records call their source (default: ``source`` as given);
        a batch worker opens an absolute path but names records as the user did.
    :param on_wait: called before each read of a JSONL or CSV input that may block
        (a pipe, a terminal: anything but a regular file), so a caller that buffers
        its output can flush it while the input keeps it waiting.
    """
    name = name or ("<stdin>" if source == STDIN else source)
    kind = detect_format(source, options.input_format)
    if kind == "jsonl":
        yield from _stream_jsonl(source, name, options, on_wait)
        return
    if kind == "csv":
        yield from _stream_csv(source, name, options, on_wait)
        return
    if kind == "parquet":
        yield from read_parquet(source, options, name=name)
        return
    try:
        raw = sys.stdin.buffer.read() if source == STDIN else Path(source).read_bytes()
    except OSError as exc:
        yield _unreadable(name, exc)
        return
    problem = binary_problem(raw[:SNIFF])
    if problem is not None:
        yield InputRecord(name, None, error=problem, record_id=name)
        return
    yield from _text(name, decode(raw), options.split)


def _unreadable(name: str, exc: OSError) -> InputRecord:
    """The one error record for an input that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        problem = "no such file"
    elif isinstance(exc, IsADirectoryError):
        problem = "is a directory, not a file"
    else:
        problem = f"cannot read: {exc.strerror}"
    return InputRecord(name, None, error=problem, record_id=name)


def _text(name: str, decoded: Decoded, split: SplitMode) -> Iterator[InputRecord]:
    data = decoded.text
    if split == "document":
        notice = decoded.notice(1, sys.maxsize)
        unit = "comment" if name == "<stdin>" else "file"  # piped text is a comment
        yield InputRecord(name, 1, Comment(id=name, text=data), notices=_some(notice), unit=unit)
        return
    lines = split_lines(data)
    if split == "lines":
        for number, line in enumerate(lines, start=1):
            if line.strip():
                notice = decoded.notice(number, number)
                comment = Comment(id=f"{name}:{number}", text=line)
                yield InputRecord(name, number, comment, notices=_some(notice))
        return
    block: list[str] = []
    first = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            notice = decoded.notice(first, number - 1)
            comment = Comment(id=f"{name}:{first}", text="\n".join(block))
            yield InputRecord(name, first, comment, notices=_some(notice))
            block = []


def _some(notice: str | None) -> tuple[str, ...]:
    return () if notice is None else (notice,)


def _record(name: str, number: int, obj: object, options: ReadOptions) -> InputRecord:
    if type(obj) is dict:
        # The usual record: a non-empty string id and a string text, and often nothing
        # else (no metadata to copy). The same record as below, without its tests.
        id_field, text_field = options.id_field, options.text_field
        raw_id, text = obj.get(id_field), obj.get(text_field)
        if type(raw_id) is str and raw_id and type(text) is str:
            if len(obj) == 2 and id_field != text_field:
                metadata = {}
            else:
                metadata = {k: v for k, v in obj.items() if k not in (id_field, text_field)}
            return _new_record(name, number, _new_comment(raw_id, text, metadata))
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
            error=f"field '{options.text_field}' must be a string, not {json_type(text)}",
            record_id=record_id,
        )  # fmt: skip
    metadata = {k: v for k, v in obj.items() if k not in (options.id_field, options.text_field)}
    return _new_record(name, number, _new_comment(record_id, text, metadata))


def _stream_jsonl(
    source: str, name: str, options: ReadOptions, on_wait: Callable[[], None] | None = None
) -> Iterator[InputRecord]:
    """JSONL read a line at a time, so memory stays flat however large the dump.

    Lines are split on newlines only; a line that is not UTF-8 is one error record
    (naming the byte), and reading goes on with the next line. A binary file (NUL
    bytes in what the first read returns) is one error record, not thousands.
    """
    yield from _streamed(
        source,
        name,
        lambda head, handle, waiting: _jsonl_records(name, head, handle, options, waiting),
        on_wait,
    )


def _jsonl_records(
    name: str,
    head: bytes,
    handle: BinaryIO,
    options: ReadOptions,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[InputRecord]:
    lines = _lines(head, handle) if on_wait is None else _waiting_lines(head, handle, on_wait)
    for number, raw in enumerate(lines, start=1):
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputRecord(
                name, number, error=f"not UTF-8 text (byte {exc.start}: {exc.reason})",
                record_id=f"{name}:{number}",
            )  # fmt: skip
            continue
        if line.isspace() or not line:  # (isspace stops at the first other char)
            continue
        try:
            obj = _json_value(line)
        except json.JSONDecodeError as exc:
            yield InputRecord(
                name, number, error=f"invalid JSON: {exc.msg} (column {exc.colno})",
                record_id=f"{name}:{number}",
            )  # fmt: skip
            continue
        except RecursionError:
            yield InputRecord(
                name, number, error="invalid JSON: nested too deeply",
                record_id=f"{name}:{number}",
            )  # fmt: skip
            continue
        yield _record(name, number, obj, options)


# The C scanner behind ``json.loads`` (the default decoder's), called directly for the
# usual line: ``loads`` adds a Python call, two whitespace regex matches and a check
# for what follows, about a fifth of decoding a record.
_scan_once = json.JSONDecoder().scan_once
_LINE_ENDS = frozenset({"", "\n", "\r\n"})


def _json_value(line: str) -> object:
    """``json.loads(line)``, exactly (the same value, or the same error raised by
    ``json.loads`` itself), through the scanner alone for a line that starts with ``{``
    and ends with the value or with its line break."""
    if line[0] == "{":
        try:
            value, end = _scan_once(line, 0)
        except (ValueError, StopIteration, RecursionError):
            return json.loads(line)  # its own error, as it reports it
        if line[end:] in _LINE_ENDS:
            return value
    return json.loads(line)


def _streamed(
    source: str,
    name: str,
    records: Callable[[bytes, BinaryIO, Callable[[], None] | None], Iterator[InputRecord]],
    on_wait: Callable[[], None] | None = None,
) -> Iterator[InputRecord]:
    """Open ``source`` (``-``: standard input), refuse a binary one with one error
    record, and yield ``records(first_bytes, handle, on_wait)`` (``on_wait`` only
    when a read may block: not for a regular file); a read failure midway is one
    more error record."""
    try:
        handle: BinaryIO = sys.stdin.buffer if source == STDIN else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        yield _unreadable(name, exc)
        return
    try:
        if on_wait is not None and not _may_block(handle):
            on_wait = None
        if on_wait is not None:
            on_wait()  # the first read may wait too
        head = _first_bytes(handle)
        problem = binary_problem(head)
        if problem is not None:
            yield InputRecord(name, None, error=problem, record_id=name)
            return
        yield from records(head, handle, on_wait)
    except OSError as exc:
        yield InputRecord(name, None, error=f"read failed: {exc.strerror}", record_id=name)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _may_block(handle: BinaryIO) -> bool:
    """Whether reading ``handle`` may wait for a writer (anything but a regular file)."""
    try:
        return not stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's buffer)
        return True


def _first_bytes(handle: BinaryIO) -> bytes:
    """What one read returns (up to SNIFF bytes): enough to tell binary from text
    without waiting for a slow pipe to fill."""
    read1 = getattr(handle, "read1", None)
    return bytes(read1(SNIFF) if read1 is not None else handle.read(SNIFF))


def _lines(head: bytes, handle: BinaryIO) -> Iterator[bytes]:
    """The lines of ``head`` followed by the rest of ``handle``."""
    rest: Iterable[bytes] = handle
    lines = _split_lf(head)
    if lines and not lines[-1].endswith(b"\n"):
        partial = lines.pop()
        rest = itertools.chain([partial + handle.readline()], handle)
    yield from lines
    for line in rest:
        if line:
            yield line


def _waiting_lines(head: bytes, handle: BinaryIO, on_wait: Callable[[], None]) -> Iterator[bytes]:
    """``_lines`` for an input that may block: read a chunk at a time with ``read1``
    (what is there, waiting only when nothing is), calling ``on_wait`` before each read."""
    read = getattr(handle, "read1", handle.read)
    partial: list[bytes] = []  # the beginning of a line that has not ended yet
    chunk = head
    while chunk:
        lines = _split_lf(chunk)
        if partial:
            lines[0] = b"".join([*partial, lines[0]])
            partial = []
        if not lines[-1].endswith(b"\n"):
            partial.append(lines.pop())
        yield from lines
        on_wait()
        chunk = bytes(read(_CHUNK))
    if partial:
        yield b"".join(partial)


_CHUNK = 1 << 16


def _split_lf(data: bytes) -> list[bytes]:
    """Lines split on ``\\n`` only (JSONL's separator), each with its break."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class _CountingLines:
    """Lines for a CSV reader, counting how many it has taken: the reader's own
    ``line_num`` stands still when a record fails to parse."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken += 1
        return line


def _stream_csv(
    source: str, name: str, options: ReadOptions, on_wait: Callable[[], None] | None = None
) -> Iterator[InputRecord]:
    """CSV read a record at a time, with quoted fields that may hold newlines and
    doubled quotes; memory holds one record however large the file.

    Quoting is strict, so a stray quote or a quote left open at the end of the
    file is an error record with the line its record starts on; reading then goes
    on with the next line. A field may be as long as a record can be (the module's
    default limit of 128 KiB would turn one long comment into an error).
    """
    yield from _streamed(
        source,
        name,
        lambda head, handle, waiting: _csv_records(
            name, LineDecoder(head, handle, waiting), options
        ),
        on_wait,
    )


def _csv_records(name: str, decoder: LineDecoder, options: ReadOptions) -> Iterator[InputRecord]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    lines = _CountingLines(decoder)
    reader = csv.reader(lines, strict=True)
    try:
        fields = next(reader, [])
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
    start_line = lines.taken + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            decoder.notice(start_line, lines.taken)  # forget its bad lines
            yield InputRecord(
                name, start_line, error=f"invalid CSV: {exc}", record_id=f"{name}:{start_line}"
            )
        else:
            yield from _csv_row(name, start_line, lines.taken, fields, row, decoder, options)
        start_line = lines.taken + 1


def _csv_row(
    name: str,
    start_line: int,
    end_line: int,
    fields: list[str],
    row: list[str],
    decoder: LineDecoder,
    options: ReadOptions,
) -> Iterator[InputRecord]:
    if not row:
        return  # a blank line, as csv.DictReader skips it
    fallback = f"{name}:{start_line}"
    if len(row) > len(fields):
        yield InputRecord(
            name, start_line, error="row has more fields than the header", record_id=fallback
        )
        return
    values = dict(zip(fields, row, strict=False))
    if options.text_field not in values:
        yield InputRecord(
            name, start_line, error=f"row has no value for '{options.text_field}'",
            record_id=fallback,
        )  # fmt: skip
        return
    notice = decoder.notice(start_line, end_line)
    record = _record(name, start_line, values, options)
    if notice is not None and record.comment is not None:
        record = InputRecord(record.source, record.line, record.comment, notices=(notice,))
    yield record


def read_parquet(
    source: str,
    options: ReadOptions,
    *,
    name: str | None = None,
    row_groups: Sequence[int] | None = None,
    first_row: int = 1,
) -> Iterator[InputRecord]:
    """Parquet read a batch of rows at a time (memory holds about one row group).

    Each row is one record, judged as a JSONL object is (``line`` is the row
    number, 1-based); a file without the text column is one error record, as a
    CSV file is. Each row of a row group that cannot be decoded is an error record
    (the footer says how many), and reading goes on with the next group.
    ``row_groups`` (numbered from 0) restrict the read to a batch partition whose
    first row is ``first_row``.
    """
    name = name or source
    if source == STDIN:  # the footer, at the end, says where everything is
        problem = "Parquet cannot be read from standard input: give the file"
        yield InputRecord("<stdin>", None, error=problem, record_id="<stdin>")
        return
    try:
        from .parquet import ParquetRows, Unreadable
    except ImportError:
        problem = "reading Parquet needs pyarrow: pip install 'rhetoric[parquet]'"
        yield InputRecord(name, None, error=problem, record_id=name)
        return
    try:
        rows = ParquetRows(source)
    except OSError as exc:
        yield _unreadable(name, exc)
        return
    except ValueError as exc:
        yield InputRecord(name, None, error=f"not a Parquet file ({exc})", record_id=name)
        return
    if options.text_field not in rows.columns:
        columns = ", ".join(rows.columns)
        problem = f"Parquet file has no column '{options.text_field}' (columns: {columns})"
        yield InputRecord(name, None, error=problem, record_id=name)
        return
    for number, row in rows.read(row_groups, first_row):
        if isinstance(row, Unreadable):
            yield InputRecord(name, number, error=row.problem, record_id=f"{name}:{number}")
        else:
            yield _record(name, number, row, options)
