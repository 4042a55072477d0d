"""Where each record id was first used, in memory that does not grow with the archive.

``rhetoric check`` flags a repeated id on the later record, naming where it was
first used. That needs every id seen so far, which for an archive of millions of
comments is more memory than the analysis itself (a dict of 11 million ids holds
about 2 GB). So the first :data:`IN_MEMORY` ids live in a dict, as before, and past
that they move to a SQLite table in a temporary file (deleted at the end), with a
fixed-size Bloom filter in front so that an id never seen before (nearly every id)
is settled without touching the disk. Lookups are exact either way: the filter only
decides when the table must be asked, never what the answer is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import sqlite3
    import tempfile

IN_MEMORY: Final = 20_000
"""Ids kept in a dict before the run moves them to disk (about 4 MB at most), so that
a run of any size past this holds the same few megabytes: a 20 MB dump and a 2 GB one
peak at the same memory."""

FILTER_BITS: Final = 1 << 25
"""Bits of the Bloom filter (4 MB): about 2% false positives at a million ids and a
quarter at ten million, each costing one indexed lookup (a few microseconds)."""

_PROBES: Final = 3
_BATCH: Final = 20_000
_NONE: Final = "\x00"  # the key of records without an id (text lines have no id)
_ID: Final = "\x01"  # before every real id, so that no id can be taken for _NONE

Location = tuple[str, int | None]


class FirstUses:
    """``first_use(id, source, line)``: the earlier location of ``id``, or None when this
    is its first use (then this location is remembered)."""

    def __init__(self, in_memory: int | None = None, filter_bits: int | None = None) -> None:
        self._limit = IN_MEMORY if in_memory is None else in_memory
        self._bits = FILTER_BITS if filter_bits is None else filter_bits
        self._memory: dict[str | None, Location] | None = {}
        self._filter = bytearray()
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None
        self._sources: dict[str, int] = {}
        self._names: list[str] = []
        self._pending = 0

    def first_use(self, record_id: str | None, source: str, line: int | None) -> Location | None:
        memory = self._memory
        if memory is not None:
            first = memory.setdefault(record_id, (source, line))
            if len(memory) > self._limit:
                self._spill(memory)
            return None if first == (source, line) else first
        return self._on_disk(_NONE if record_id is None else _ID + record_id, source, line)

    def close(self) -> None:
        """Delete the temporary table, if the run needed one."""
        if self._db is not None:
            self._db.close()  # nothing to keep: uncommitted ids go with the file
            self._db = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> FirstUses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- on disk ---------------------------------------------------------------------

    def _spill(self, memory: dict[str | None, Location]) -> None:
        """Move every id to the table, and from now on ask the filter and the table."""
        import sqlite3  # only for runs with more ids than memory holds: not at every start
        import tempfile

        self._folder = tempfile.TemporaryDirectory(prefix="rhetoric-ids-")
        # check_same_thread off: with --jobs the records are read (and their ids asked
        # about) in a reader thread, and the run closes this in the main one; the two
        # never use it at the same time.
        self._db = sqlite3.connect(
            Path(self._folder.name) / "ids.sqlite", isolation_level=None, check_same_thread=False
        )
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
            "PRAGMA cache_size=-2000;"
            "CREATE TABLE ids (id TEXT PRIMARY KEY, source INTEGER, line INTEGER) WITHOUT ROWID;"
        )
        self._filter = bytearray(self._bits // 8)
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO ids VALUES (?, ?, ?)", self._rows(memory))
        self._memory = None

    def _rows(self, memory: dict[str | None, Location]) -> Iterator[tuple[str, int, int | None]]:
        """The dict's ids as table rows, one at a time (a list of them would double the peak)."""
        for record_id, (source, line) in memory.items():
            key = _NONE if record_id is None else _ID + record_id
            self._mark(key)
            yield key, self._source(source), line

    def _on_disk(self, key: str, source: str, line: int | None) -> Location | None:
        db = self._db
        assert db is not None
        if self._mark(key):  # perhaps seen: the table knows
            row = db.execute("SELECT source, line FROM ids WHERE id = ?", (key,)).fetchone()
            if row is not None:
                first = (self._names[row[0]], row[1])
                return None if first == (source, line) else first
        db.execute("INSERT INTO ids VALUES (?, ?, ?)", (key, self._source(source), line))
        self._pending += 1
        if self._pending >= _BATCH:  # one transaction per batch of ids, not per id
            db.execute("COMMIT")
            db.execute("BEGIN")
            self._pending = 0
        return None

    def _mark(self, key: str) -> bool:
        """Set the key's bits; True when all were set already (the key may be known)."""
        bits = self._filter
        mask = self._bits - 1
        value = hash(key)
        step = (value >> 29) | 1
        known = True
        for probe in range(_PROBES):
            position = (value + probe * step) & mask
            byte, bit = position >> 3, 1 << (position & 7)
            if not bits[byte] & bit:
                known = False
                bits[byte] |= bit
        return known

    def _source(self, source: str) -> int:
        index = self._sources.get(source)
        if index is None:
            index = self._sources[source] = len(self._names)
            self._names.append(source)
        return index
