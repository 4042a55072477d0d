"""Parquet in and out, through pyarrow (``pip install 'rhetoric[parquet]'``).

In: the rows of a file, a batch at a time, as plain dicts; turning them into
records (ids, the text field, what is wrong with a row) is the job of the one
reader, :func:`rhetoric.check.inputs.read_parquet`, exactly as for a JSONL
object. This module knows nothing of records, so the reader can import it lazily
and only where Parquet is read.

Out: one row per output record. ``record`` holds the record exactly as
``rhetoric check --format jsonl`` writes it (the JSON text, without the line
break), so nothing of the wire form is lost or re-encoded whatever fields it
grows; beside it a few columns that queries filter on without parsing JSON:
``id``, ``verdict``, ``score``, ``techniques`` (each once, sorted), ``hits``
(how many) and ``error`` (an error record's message). Rows go out in row groups
of :data:`ROW_GROUP` rows, so memory holds one group however large the output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 1024  # rows decoded at a time when reading
ROW_GROUP = 10_000  # rows per row group when writing

REPORTS = pa.schema(
    [
        ("id", pa.string()),
        ("verdict", pa.string()),
        ("score", pa.float64()),
        ("techniques", pa.list_(pa.string())),
        ("hits", pa.int32()),
        ("error", pa.string()),
        ("record", pa.string()),
    ]
)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A row that could not be decoded (its row group is damaged)."""

    problem: str


class ParquetRows:
    """The rows of one Parquet file.

    :raises OSError: the file cannot be opened.
    :raises ValueError: it is not a Parquet file.
    """

    def __init__(self, path: str | Path) -> None:
        try:
            self._file = pq.ParquetFile(path)
        except pa.ArrowException as exc:
            if isinstance(exc, OSError):
                raise
            raise ValueError(str(exc)) from None
        self.columns: list[str] = list(self._file.schema_arrow.names)

    @property
    def group_rows(self) -> list[int]:
        """The number of rows of each row group, in order."""
        metadata = self._file.metadata
        return [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]

    def read(
        self, row_groups: Sequence[int] | None = None, first_row: int = 1
    ) -> Iterator[tuple[int, dict[str, Any] | Unreadable]]:
        """``(row number, row)`` for every row of ``row_groups`` (default: all).

        A row group that fails to decode gives an :class:`Unreadable` for each of
        its rows not yet read (the footer says how many), so every row still
        yields exactly one item; reading goes on with the next group.
        """
        sizes = self.group_rows
        number = first_row
        for group in range(len(sizes)) if row_groups is None else row_groups:
            end = number + sizes[group]
            try:
                for batch in self._file.iter_batches(batch_size=BATCH, row_groups=[group]):
                    for row in batch.to_pylist():
                        yield number, row
                        number += 1
            except (OSError, pa.ArrowException) as exc:
                damaged = Unreadable(f"row group {group} cannot be read ({exc})")
                while number < end:
                    yield number, damaged
                    number += 1


def row_group_sizes(path: str | Path) -> list[int]:
    """The rows of each row group of a Parquet file (its footer only is read)."""
    return ParquetRows(path).group_rows


class ReportWriter:
    """Writes output records to one Parquet file, a row group at a time."""

    def __init__(self, path: str | Path) -> None:
        self._writer = pq.ParquetWriter(path, REPORTS, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(
        self,
        line: str,
        record_id: str | None,
        verdict: str | None,
        score: float | None,
        techniques: Sequence[str],
        hits: int,
        error: str | None,
    ) -> None:
        """Add one record: ``line`` is its JSONL line, the rest what the columns show."""
        self._rows.append({
            "id": record_id, "verdict": verdict, "score": score,
            "techniques": list(techniques), "hits": hits, "error": error,
            "record": line.rstrip("\n"),
        })  # fmt: skip
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def close(self) -> None:
        """Write what is left and the footer (an empty output is a valid file)."""
        self._flush()
        self._writer.close()

    def _flush(self) -> None:
        if not self._rows:
            return
        try:
            table = pa.Table.from_pylist(self._rows, schema=REPORTS)
        except UnicodeEncodeError:
            # a lone surrogate (JSON input may carry one) is not UTF-8: \\uXXXX, as text does
            table = pa.Table.from_pylist([_encodable(row) for row in self._rows], schema=REPORTS)
        self._writer.write_table(table)
        self._rows.clear()


def _encodable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.encode("utf-8", "backslashreplace").decode("utf-8")
        if isinstance(value, str) else value
        for key, value in row.items()
    }  # fmt: skip


def report_lines(path: str | Path) -> Iterator[str]:
    """The JSONL lines (with their line breaks) of a report file, in order."""
    file = pq.ParquetFile(path)
    for batch in file.iter_batches(batch_size=BATCH, columns=["record"]):
        for line in batch.column(0).to_pylist():
            yield line + "\n"


def report_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """The output records of a report file, as ``json.loads`` of their JSONL lines."""
    for line in report_lines(path):
        yield json.loads(line)
