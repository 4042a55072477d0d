"""The Dask path on a real ``LocalCluster`` of two worker processes: the one-process
output record for record (rule files and plugins travelling in the recipe, the
analyzer built once per worker), Parquet in and out, ``--resume``, and a worker
killed in the middle of a partition (Dask runs the task again: nothing lost,
nothing twice)."""

from __future__ import annotations

import collections
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_data import archive, check_lines, extras, part_lines, write_jsonl

from rhetoric import AnalyzerConfig
from rhetoric.cli import main
from rhetoric.distributed import analyse_files, read_reports

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

CONFIG = AnalyzerConfig(readability=())

# Each process that builds an analyzer says so, and each report is logged with the
# process that made it: a loose plugin file, loaded on the workers from the recipe.
SPY = """
import os
import time
from pathlib import Path

from rhetoric import hookimpl

FOLDER = Path(__file__).resolve().parent.parent / "spy"
DELAY = float((FOLDER / "delay").read_text()) if (FOLDER / "delay").exists() else 0.0


@hookimpl
def rhetoric_register_detectors(register, config):
    with open(FOLDER / "builds.log", "a") as handle:
        handle.write(f"{os.getpid()}\\n")


@hookimpl
def rhetoric_report_ready(report, comment):
    time.sleep(DELAY)
    with open(FOLDER / f"{os.getpid()}.log", "a") as handle:
        handle.write(comment.id + "\\n")
"""


def spied(folder: Path, delay: float = 0.0) -> Path:
    """A plugin folder holding the spy; its logs go to ``folder / "spy"``."""
    plugins = folder / "spy-plugins"
    plugins.mkdir(parents=True)
    (plugins / "spy_plugin.py").write_text(SPY, encoding="utf-8")
    (folder / "spy").mkdir()
    if delay:
        (folder / "spy" / "delay").write_text(str(delay))
    return plugins


def cluster() -> Any:
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with cluster() as local, distributed.Client(local) as connected:
        yield connected


def test_the_cluster_writes_the_one_process_output(client: Any, tmp_path: Path) -> None:
    paths = archive(tmp_path / "in")
    rules, plugins = extras(tmp_path)
    spy = spied(tmp_path)
    config = AnalyzerConfig(readability=(), rule_paths=(rules,), plugin_dirs=(plugins, spy))
    expected = check_lines(paths, "--rules", str(rules), "--plugins-dir", str(plugins))
    result = analyse_files(paths, tmp_path / "out", config, client, rows_per_partition=100)
    assert part_lines(tmp_path / "out") == expected
    assert result.partitions == 7 and result.counts.records == len(expected)
    assert result.input_errors  # the broken records, as in check
    workers = set(client.run(os.getpid).values())
    builds = collections.Counter(
        int(pid) for pid in (tmp_path / "spy" / "builds.log").read_text().split()
    )
    assert {pid for pid in builds if pid != os.getpid()} == workers
    assert all(builds[pid] == 1 for pid in workers)  # once per worker, not per task
    reporters = {int(log.stem) for log in (tmp_path / "spy").glob("*.log") if log.stem.isdigit()}
    assert reporters == workers  # both workers did the work


def test_parquet_reports_from_the_cluster(client: Any, tmp_path: Path) -> None:
    paths = archive(tmp_path / "in", files=1, per_file=80)
    expected = check_lines(paths)
    analyse_files(paths, tmp_path / "out", CONFIG, client, output_format="parquet",
                  rows_per_partition=80)  # fmt: skip
    from rhetoric.check.parquet import report_lines

    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert len(parts) == 5
    assert [line for part in parts for line in report_lines(part)] == expected
    assert len(list(read_reports(tmp_path / "out"))) == len(expected)


def test_resume_on_the_cluster(client: Any, tmp_path: Path) -> None:
    paths = [write_jsonl(tmp_path / f"d{n}.jsonl", n * 50, 50) for n in range(4)]
    out = tmp_path / "out"
    analyse_files(paths, out, CONFIG, client)
    expected = part_lines(out)
    (out / "part-00002.jsonl").unlink()
    kept = (out / "part-00001.jsonl").stat().st_mtime_ns
    result = analyse_files(paths, out, CONFIG, client, resume=True)
    assert result.skipped == 3 and part_lines(out) == expected
    assert (out / "part-00001.jsonl").stat().st_mtime_ns == kept


def test_the_command_line_on_a_scheduler_and_on_a_local_cluster(
    client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(write_jsonl(tmp_path / f"d{n}.jsonl", n * 30, 30)) for n in range(3)]
    expected = check_lines([Path(p) for p in paths])
    address = client.scheduler.address
    assert main(["batch", *paths, "-o", str(tmp_path / "a"), "--scheduler", address,
                 "--workers", "2"]) == 2  # fmt: skip
    assert main(["batch", *paths, "-o", str(tmp_path / "b"), "--scheduler", "local",
                 "--workers", "1"]) == 2  # fmt: skip
    assert part_lines(tmp_path / "a") == part_lines(tmp_path / "b") == expected
    assert "90 records in 3 partitions" in capsys.readouterr().err


def _number(record_id: str) -> int | None:
    digits = record_id[1:] if record_id.startswith("r") else record_id
    return int(digits) if digits.isdigit() else None


def test_a_worker_killed_mid_partition_loses_and_repeats_nothing(tmp_path: Path) -> None:
    per_file = 300
    paths = [write_jsonl(tmp_path / f"d{n}.jsonl", n * per_file, per_file) for n in range(6)]
    analyse_files(paths, tmp_path / "expected", CONFIG)
    spy = spied(tmp_path, delay=0.003)  # about a second per partition
    config = AnalyzerConfig(readability=(), plugin_dirs=(spy,))
    logs = tmp_path / "spy"
    with cluster() as local, distributed.Client(local) as client:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["result"] = analyse_files(paths, tmp_path / "out", config, client)
            except BaseException as exc:  # the assertion below shows it
                outcome["error"] = exc

        worker_pids = set(client.run(os.getpid).values())
        thread = threading.Thread(target=run)
        thread.start()
        victim = _busy_worker(logs, worker_pids, per_file)
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=120)
    assert not thread.is_alive() and "error" not in outcome, outcome.get("error")
    assert part_lines(tmp_path / "out") == part_lines(tmp_path / "expected")
    seen = collections.Counter(
        line for log in logs.glob("*.log") if log.stem.isdigit() for line in log.read_text().split()
    )
    assert any(count > 1 for count in seen.values())  # the victim's partition ran again
    assert not list((tmp_path / "out").glob(".*.tmp"))


def _busy_worker(logs: Path, pids: set[int], per_file: int) -> int:
    """A worker in the middle of a partition: it has reported some of its records,
    and many are still to come."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for pid in pids:
            log = logs / f"{pid}.log"
            numbers = [n for n in map(_number, log.read_text().split()) if n is not None] \
                if log.exists() else []  # fmt: skip
            if numbers:
                current = numbers[-1] // per_file
                done = sum(1 for n in numbers if n // per_file == current)
                if 20 <= done <= per_file // 2:
                    return pid
        time.sleep(0.02)
    raise AssertionError("no worker was seen in the middle of a partition")
