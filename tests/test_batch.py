"""``rhetoric batch`` on this machine (no Dask): the one-process output, record for
record, from JSONL, CSV and Parquet; Parquet reports; whole partitions only;
``--resume``; and the recipe a worker must match."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
from batch_data import archive, check_lines, extras, part_lines, write_jsonl, write_parquet

from rhetoric import AnalyzerConfig
from rhetoric.check.inputs import ReadOptions, read_records
from rhetoric.cli import main
from rhetoric.distributed import (
    BatchError,
    Job,
    Recipe,
    _analysed,
    _client_analyzer,
    _write_parts,
    analyse_files,
    fingerprint,
    plan,
    read_reports,
    worker_analyzer,
)

pytest.importorskip("pyarrow")

CONFIG = AnalyzerConfig(readability=())


def batch(*argv: str) -> tuple[int, str]:
    """Exit code and standard error of ``rhetoric batch ...``."""
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["batch", *argv], out=io.StringIO())
    return code, err.getvalue()


def test_batch_output_is_the_one_process_output_record_for_record(tmp_path: Path) -> None:
    paths = archive(tmp_path / "in")
    rules, plugins = extras(tmp_path)
    flags = ["--rules", str(rules), "--plugins-dir", str(plugins)]
    expected = check_lines(paths, *flags)
    code, err = batch(*map(str, paths), "-o", str(tmp_path / "out"), "--rows-per-partition",
                      "100", "--workers", "2", *flags)  # fmt: skip
    assert code == 2, err  # broken records are input errors, as in check
    assert part_lines(tmp_path / "out") == expected
    assert len(list((tmp_path / "out").glob("part-*.jsonl"))) == 7  # 3 + 1 + 3 row groups
    assert any('"quux-word"' in line for line in expected)
    assert any('"frobnicator"' in line for line in expected)
    assert any("invalid UTF-8" in line for line in expected)
    assert "1,050 records in 7 partitions" in err


def test_many_records_use_the_pool_and_keep_the_order(tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "big.jsonl", 0, 3_000)  # past the pool's threshold
    expected = check_lines([dump])
    code, _ = batch(str(dump), "-o", str(tmp_path / "out"), "--workers", "2")
    assert code == 2
    assert part_lines(tmp_path / "out") == expected


def test_parquet_reports_hold_the_jsonl_records(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    paths = archive(tmp_path / "in", files=1, per_file=60)
    expected = check_lines(paths)
    result = analyse_files(paths, tmp_path / "out", CONFIG, output_format="parquet",
                           rows_per_partition=60)  # fmt: skip
    assert result.counts.records == len(expected) and result.input_errors
    assert [json.dumps(r) for r in read_reports(tmp_path / "out")] == [
        json.dumps(json.loads(line)) for line in expected
    ]
    rows = [row for part in sorted((tmp_path / "out").glob("part-*.parquet"))
            for row in pq.read_table(part).to_pylist()]  # fmt: skip
    assert [row["record"] + "\n" for row in rows] == expected
    for row in rows:
        record = json.loads(row["record"])
        assert row["id"] == record["id"]
        if "error" in record:
            assert row["error"] == record["error"]["message"] and row["verdict"] is None
        else:
            assert (row["verdict"], row["score"], row["hits"]) == (
                record["verdict"],
                record["score"],
                len(record["hits"]),
            )
            assert row["techniques"] == sorted({h["technique"] for h in record["hits"]})


def test_parquet_input_is_read_like_jsonl(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dump = write_parquet(tmp_path / "a.parquet", 0, 10, 4)
    records = list(read_records(str(dump), ReadOptions()))
    assert [r.line for r in records] == list(range(1, 11))
    null = records[5]
    assert null.error == "field 'text' must be a string, not null" and null.record_id == "p5"
    numeric = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": [7], "text": ["hi"], "lang": ["en"]}), numeric)
    (record,) = read_records(str(numeric), ReadOptions())
    assert record.comment is not None and record.comment.id == "7"
    assert record.comment.metadata == {"lang": "en"}
    untitled = tmp_path / "u.parquet"
    pq.write_table(pa.table({"body": ["hi"]}), untitled)
    (record,) = read_records(str(untitled), ReadOptions())
    assert record.error == "Parquet file has no column 'text' (columns: body)"
    fake = tmp_path / "fake.parquet"
    fake.write_text("not parquet\n")
    (record,) = read_records(str(fake), ReadOptions())
    assert record.error is not None and record.error.startswith("not a Parquet file")
    (record,) = read_records(str(tmp_path / "missing.parquet"), ReadOptions())
    assert record.error == "no such file"


def test_a_parquet_file_is_split_by_row_groups(tmp_path: Path) -> None:
    dump = write_parquet(tmp_path / "a.parquet", 0, 10, 4)  # groups of 4, 4, 2 rows
    parts = plan([dump], ReadOptions(), 5, tmp_path / "out")
    assert [(p.row_groups, p.first_row, p.rows) for p in parts] == [((0, 1), 1, 8), ((2,), 9, 2)]
    result = analyse_files([dump], tmp_path / "out", CONFIG, rows_per_partition=5)
    lines = [r.get("id") for r in read_reports(tmp_path / "out")]
    assert lines == [f"p{i}" for i in range(10)] and result.partitions == 2


def test_folders_give_their_dumps_sorted_without_the_output(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    (folder / "b").mkdir(parents=True)
    write_jsonl(folder / "b" / "2.jsonl", 0, 3)
    write_jsonl(folder / "1.ndjson", 3, 3)
    (folder / "_SUCCESS").write_text("")
    (folder / "notes.txt").write_text("not a dump")
    hidden = folder / ".cache"
    hidden.mkdir()
    write_jsonl(hidden / "x.jsonl", 9, 1)
    out = folder / "out"
    analyse_files([folder], out, CONFIG)
    names = [p.name for p in plan([folder], ReadOptions(), 10, out)]
    assert names == [str(folder / "1.ndjson"), str(folder / "b" / "2.jsonl")]
    analyse_files([folder], out, CONFIG, resume=True)  # its own parts are not inputs


def test_a_partition_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    paths = [write_jsonl(tmp_path / f"d{n}.jsonl", n * 10, 10) for n in range(2)]
    analyse_files(paths, tmp_path / "first", CONFIG)  # prepares a folder and a recipe
    analyzer = _client_analyzer(CONFIG)
    job = Job(Recipe(analyzer.config, fingerprint(analyzer)), ReadOptions(),
              str(tmp_path / "first"), "jsonl")  # fmt: skip
    partitions = plan(paths, ReadOptions(), 10, tmp_path / "first")

    def cut_short() -> Iterator[tuple[Any, Any]]:
        for count, outcome in enumerate(_analysed(analyzer, partitions, job.read, 1)):
            if count == 15:  # inside the second partition
                raise KeyboardInterrupt
            yield outcome

    for part in (tmp_path / "first").glob("part-*"):
        part.unlink()
    written = []
    with pytest.raises(KeyboardInterrupt):
        for partition, _ in _write_parts(cut_short(), job, None):
            written.append(partition.index)
    assert written == [0]
    left = sorted(p.name for p in (tmp_path / "first").iterdir())
    assert left == ["_rhetoric", "part-00000.jsonl"]
    assert len((tmp_path / "first" / "part-00000.jsonl").read_text().splitlines()) == 10


def test_resume_writes_only_the_missing_partitions(tmp_path: Path) -> None:
    paths = archive(tmp_path / "in", files=3, per_file=40)
    out = tmp_path / "out"
    assert batch(*map(str, paths), "-o", str(out))[0] == 2
    expected = part_lines(out)
    (out / "part-00001.jsonl").unlink()  # as if the run had stopped there
    (out / ".part-00001.jsonl.0123.tmp").write_text('{"torn": ')  # and an attempt cut short
    first = (out / "part-00000.jsonl").stat().st_mtime_ns
    code, err = batch(*map(str, paths), "-o", str(out), "--resume")
    assert code == 2  # as the uninterrupted run: partition 0's broken records still count
    assert "(4 already written)" in err
    assert part_lines(out) == expected
    assert (out / "part-00000.jsonl").stat().st_mtime_ns == first
    assert not list(out.glob(".*.tmp"))


def test_a_run_is_resumed_only_with_its_own_inputs_and_analyzer(tmp_path: Path) -> None:
    dump = write_jsonl(tmp_path / "d.jsonl", 0, 20)
    out = tmp_path / "out"
    assert batch(str(dump), "-o", str(out))[0] == 2
    code, err = batch(str(dump), "-o", str(out))
    assert code == 2 and "already holds a batch run: add --resume" in err
    code, err = batch(str(dump), "-o", str(out), "--resume", "--select", "profanity")
    assert code == 2 and "the analyzer differs" in err
    with dump.open("a") as handle:
        handle.write('{"id": "late", "text": "one more"}\n')
    code, err = batch(str(dump), "-o", str(out), "--resume")
    assert code == 2 and f"{dump} changed" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["notes.txt"], "not a JSONL, CSV or Parquet file"),
        (["missing.jsonl"], "missing.jsonl: no such file or folder"),
        (["-"], "not standard input"),
        (["d.jsonl", "--select", "slurs"], "did you mean 'slur'"),
    ],
)
def test_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    write_jsonl(tmp_path / "d.jsonl", 0, 2)
    monkeypatch.chdir(tmp_path)
    code, err = batch(*argv, "-o", "out")
    assert code == 2 and message in err


def test_a_worker_refuses_an_analyzer_that_is_not_the_clients(tmp_path: Path) -> None:
    rules, plugins = extras(tmp_path)
    config = dataclasses.replace(CONFIG, rule_paths=(rules,), plugin_dirs=(plugins,))
    analyzer = _client_analyzer(config)
    recipe = Recipe(analyzer.config, fingerprint(analyzer))
    assert worker_analyzer(recipe) is worker_analyzer(recipe)  # built once, then kept
    rule = rules / "name-calling" / "frobnicator.yml"
    rule.write_text(rule.read_text().replace("0.9", "0.8"))  # a worker's copy differs
    assert fingerprint(_client_analyzer(config)) != recipe.fingerprint
    (plugins / "quux_plugin.py").write_text("# emptied\n")
    with pytest.raises(BatchError, match="not the client's"):
        worker_analyzer(Recipe(analyzer.config, "0" * 32))


def test_lone_surrogates_reach_parquet_as_escapes(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    dump = tmp_path / "s.jsonl"
    dump.write_text('{"id": "a\\ud800", "text": "you idiot \\udc00"}\n', encoding="utf-8")
    expected = check_lines([dump])
    analyse_files([dump], tmp_path / "out", CONFIG, output_format="parquet")
    (row,) = pq.read_table(tmp_path / "out" / "part-00000.parquet").to_pylist()
    assert row["record"] + "\n" == expected[0]
    assert row["id"] == "a\\ud800" and row["hits"] == 1


def test_a_worker_that_cannot_see_an_input_stops_instead_of_reporting_it_missing(
    tmp_path: Path,
) -> None:
    from rhetoric.distributed import Partition, run_partition

    analyzer = _client_analyzer(CONFIG)
    job = Job(Recipe(analyzer.config, fingerprint(analyzer)), ReadOptions(), str(tmp_path),
              "jsonl")  # fmt: skip
    with pytest.raises(BatchError, match="must be at the same path on every worker"):
        run_partition(Partition(0, "d.jsonl", str(tmp_path / "d.jsonl"), "jsonl"), job)
