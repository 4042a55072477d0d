"""Repeated ids are flagged exactly, whether the run keeps its ids in memory or, past
a limit, on disk behind a Bloom filter (rhetoric.check.ids)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from conftest import run
from hypothesis import given, settings
from hypothesis import strategies as st

import rhetoric.check.ids
from rhetoric.check.ids import FirstUses
from rhetoric.check.parallel import MIN_PARALLEL

ids = st.lists(
    st.tuples(st.one_of(st.none(), st.text(max_size=4)), st.sampled_from(["a.jsonl", "b.csv"])),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(records=ids, limit=st.integers(min_value=0, max_value=10))
def test_first_uses_agree_with_a_dict(records: list[tuple[str | None, str]], limit: int) -> None:
    """A tiny limit and a tiny filter (many false positives) give the same answers
    as remembering everything in a dict."""
    reference: dict[str | None, tuple[str, int]] = {}
    with FirstUses(in_memory=limit, filter_bits=64) as first_uses:
        for line, (record_id, source) in enumerate(records, start=1):
            expected = reference.setdefault(record_id, (source, line))
            got = first_uses.first_use(record_id, source, line)
            assert got == (None if expected == (source, line) else expected)


def test_the_same_place_again_is_not_a_repeat() -> None:
    """A resumed run reads its records again: the same place is not a duplicate."""
    with FirstUses(in_memory=1, filter_bits=64) as first_uses:
        for record_id in ("x", "y", "z"):
            assert first_uses.first_use(record_id, "f", 1 if record_id == "x" else 2) is None
        assert first_uses.first_use("x", "f", 1) is None
        assert first_uses.first_use("x", "g", 9) == ("f", 1)


def test_the_temporary_table_is_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    first_uses = FirstUses(in_memory=2)
    for n in range(5):
        first_uses.first_use(str(n), "f", n)
    assert list(tmp_path.glob("rhetoric-ids-*"))
    first_uses.close()
    assert not list(tmp_path.glob("rhetoric-ids-*"))


def test_check_flags_repeats_past_the_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rhetoric.check.ids, "IN_MEMORY", 3)
    dump = tmp_path / "dump.jsonl"
    rows = [{"id": f"c{n}", "text": "Lovely weather."} for n in range(8)]
    rows += [{"id": "c1", "text": "Again."}, {"id": "c7", "text": "And again."}]
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    code, out = run(["check", "--isolated", "--input", "jsonl", "--format", "jsonl", str(dump)])
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == len(rows)
    flagged = [r for r in records if "duplicate id" in json.dumps(r)]
    assert [r["id"] for r in flagged] == ["c1", "c7"]
    assert f"{dump}:2" in json.dumps(flagged[0]) and f"{dump}:8" in json.dumps(flagged[1])
    assert code == 2


def test_the_table_may_be_closed_by_another_thread() -> None:
    """With --jobs the ids are asked about in the reader thread and the run ends in the
    main one; closing must not fail on SQLite's same-thread check."""
    first_uses = FirstUses(in_memory=1, filter_bits=64)
    worker = threading.Thread(
        target=lambda: [first_uses.first_use(str(n % 7), "f", n) for n in range(20)]
    )
    worker.start()
    worker.join()
    assert first_uses.first_use("3", "g", 99) == ("f", 3)
    first_uses.close()


def test_parallel_check_flags_repeats_past_the_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same repeats, and the same output, with a pool as with one process."""
    monkeypatch.setattr(rhetoric.check.ids, "IN_MEMORY", 50)
    dump = tmp_path / "dump.jsonl"
    rows = [{"id": f"c{n % (MIN_PARALLEL + 50)}", "text": "Hi."} for n in range(MIN_PARALLEL + 60)]
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2"):
        argv = ["check", "--isolated", "--input", "jsonl", "--format", "jsonl", "--jobs", jobs]
        code, outputs[jobs] = run([*argv, str(dump)])
        assert code == 2
    assert outputs["1"] == outputs["2"]
    assert sum("duplicate id" in line for line in outputs["2"].splitlines()) == 10
