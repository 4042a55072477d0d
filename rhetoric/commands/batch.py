"""``rhetoric batch``: re-score an archive of dumps into a folder of report files, on
this machine's cores or on a Dask cluster (:mod:`rhetoric.distributed` does the work).

Findings are what a batch run is for, so they do not make the exit code 1: it is
0 when every record was written, 2 when some were error records (or listed an
input problem) or some partitions failed (``--resume`` retries them).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ..check.interrupts import StopSignals
from ..check.parallel import default_jobs
from ..config import Thresholds
from ..distributed import BatchError, BatchResult, PartitionsFailed, analyse_files
from . import EXIT_ERROR, EXIT_OK, UsageError, analyzer_config
from .check import _metrics

if TYPE_CHECKING:
    from distributed import Client


def run(args: argparse.Namespace, out: TextIO) -> int:
    if not args.paths:
        raise UsageError("no input: give one or more files or folders of JSONL, CSV or Parquet")
    if args.workers < 0 or args.rows_per_partition < 1:
        raise UsageError("--workers must be 0 or more and --rows-per-partition at least 1")
    config = analyzer_config(
        args,
        readability=_metrics(args),
        thresholds=Thresholds(borderline=args.borderline, flagged=args.flagged),
    )
    try:
        with StopSignals(), _client(args.scheduler, args.workers) as client:
            result = analyse_files(
                args.paths,
                args.output,
                config,
                client,
                input_format=args.input,
                id_field=args.id_field,
                text_field=args.text_field,
                output_format=args.format,
                resume=args.resume,
                jobs=args.workers,
                rows_per_partition=args.rows_per_partition,
                progress=args.progress,
            )
    except PartitionsFailed as exc:
        sys.stderr.write(f"rhetoric: {summary(exc.result)}\nrhetoric: error: {exc}\n"
                         "rhetoric: rerun with --resume to retry them\n")  # fmt: skip
        return EXIT_ERROR
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    sys.stderr.write(f"rhetoric: {summary(result)}\n")
    return EXIT_ERROR if result.input_errors else EXIT_OK


def summary(result: BatchResult) -> str:
    """``1,000 records in 4 partitions (2 already written): 310 findings; 3 input errors``."""
    counts = result.counts
    text = f"{counts.records:,} record{'s' * (counts.records != 1)} in {result.partitions:,} "
    text += "partition" + "s" * (result.partitions != 1)
    if result.skipped:
        text += f" ({result.skipped:,} already written)"
    text += f": {counts.findings:,} finding{'s' * (counts.findings != 1)}"
    problems = counts.errors + counts.notices
    if problems:
        text += f"; {problems:,} input error{'s' * (problems != 1)}"
    return f"{text}; reports in {result.output_dir}"


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Client | None]:
    """No client (this machine's processes), a local cluster, or the scheduler's."""
    if scheduler is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'rhetoric[dask]'") from None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers or default_jobs(),
            threads_per_worker=1,  # the analysis holds the GIL: processes, not threads
            processes=True,
            dashboard_address=":0",  # a free port: two runs on one machine never clash
        )
        with cluster, Client(cluster) as client:
            yield client
        return
    with Client(scheduler, timeout="30s") as client:
        if workers:
            client.wait_for_workers(workers)
        yield client
