"""Streamed output is flushed when the input keeps the run waiting, not per record.

``read_records`` calls ``on_wait`` before each read of an input that may block (a
pipe), never for a regular file, and reads a pipe a chunk at a time into the same
records as the file; the JSONL formatter leaves flushing to the run.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from rhetoric.check.inputs import InputRecord, ReadOptions, read_records
from rhetoric.model import Comment, Report, Verdict
from rhetoric.outputs.base import Outcome
from rhetoric.outputs.json import JsonlFormatter

JSONL = (
    b'\xef\xbb\xbf{"id": "a", "text": "first"}\n'
    b"\n   \n"
    b'{"id": "b", "text": "caf\xc3\xa9 \\u00e9"}\n'
    b'{"id": "c", "text": "bad \xe9 byte"}\n'
    b'{"id": "d", "text": \n'
    b'{"id": "e", "text": "no break at the end"}'
)
CSV = b'id,text\n1,"two\nlines"\n2,caf\xe9\r\n3,"a ""quote"""\n4,last'


def _shape(record: InputRecord) -> tuple[object, ...]:
    comment = record.comment
    if comment is None:
        return (record.line, record.record_id, record.error)
    return (record.line, comment.id, comment.text, record.notices)


def _from_pipe(data: bytes, piece: int, kind: str) -> tuple[list[tuple[object, ...]], int]:
    """The records of ``data`` written into a pipe ``piece`` bytes at a time, and how
    often the reader said it would wait."""
    read_end, write_end = os.pipe()

    def feed() -> None:
        for start in range(0, len(data), piece):
            os.write(write_end, data[start : start + piece])
        os.close(write_end)

    writer = threading.Thread(target=feed)
    writer.start()
    waits = 0

    def waiting() -> None:
        nonlocal waits
        waits += 1

    try:
        options = ReadOptions(input_format=kind)  # type: ignore[arg-type]
        records = read_records(f"/dev/fd/{read_end}", options, name="dump", on_wait=waiting)
        shapes = [_shape(r) for r in records]
    finally:
        writer.join(60)
        os.close(read_end)
    return shapes, waits


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
@pytest.mark.parametrize("piece", [1, 5, 64, 1 << 20])
@pytest.mark.parametrize(("kind", "data"), [("jsonl", JSONL), ("csv", CSV)])
def test_a_pipe_gives_the_records_of_the_file(
    tmp_path: Path, kind: str, data: bytes, piece: int
) -> None:
    dump = tmp_path / "dump"
    dump.write_bytes(data)
    waits_on_file = 0

    def count() -> None:
        nonlocal waits_on_file
        waits_on_file += 1

    options = ReadOptions(input_format=kind)  # type: ignore[arg-type]
    whole = [_shape(r) for r in read_records(str(dump), options, name="dump", on_wait=count)]
    piped, waits = _from_pipe(data, piece, kind)
    assert piped == whole
    assert waits_on_file == 0  # a regular file never keeps the run waiting
    assert waits >= 2  # before the first read, and before the read that finds the end


class _CountingStream(io.StringIO):
    flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_jsonl_records_are_flushed_by_the_run_not_one_by_one() -> None:
    stream = _CountingStream()
    formatter = JsonlFormatter(stream)
    for name in ("a", "b", "c"):
        record = InputRecord("dump", 1, Comment(id=name, text="fine"))
        formatter.write(Outcome(record, Report(name, (), {}, 0.0, Verdict.CLEAN)))
    assert stream.flushes == 0 and stream.getvalue().count("\n") == 3
    formatter.flush()
    assert stream.flushes == 1
