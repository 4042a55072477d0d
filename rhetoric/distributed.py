"""Re-score whole archives: many JSONL, CSV and Parquet files, on this machine's
cores or on a Dask cluster, written as one report file per partition.

    >>> from rhetoric import AnalyzerConfig
    >>> from rhetoric.distributed import analyse_files
    >>> result = analyse_files(["dumps/"], "reports/", AnalyzerConfig())   # all cores here
    >>> result = analyse_files(["dumps/"], "reports/", client=Client("tcp://sched:8786"))

A *partition* is a JSONL or CSV file, or a run of row groups of a Parquet file
(about ``rows_per_partition`` rows): what one task reads, analyses and writes.
Its records go to ``part-NNNNN.jsonl`` (or ``.parquet``) in the output folder,
written under a temporary name and renamed once whole, so a partition is there
entirely or not at all: a task that Dask runs again after its worker died starts
the file afresh, and no record is written twice or lost. ``resume=True`` skips
the partitions already there. The plan (partitions, the inputs' sizes and times,
the analyzer's fingerprint) is kept in ``_rhetoric/`` inside the folder, and
resuming with other inputs or another analyzer is refused: one folder, one run.

Every input record yields exactly one output record, a report or an error
record, read by :mod:`rhetoric.check.inputs` and written by
:mod:`rhetoric.outputs.json` exactly as ``rhetoric check --format jsonl`` reads
and writes them. Unlike ``check``, a repeated id is not flagged: that needs every
id of the archive in one place, memory that grows with the archive.

On a cluster the :class:`~rhetoric.AnalyzerConfig` is the whole recipe: each
worker builds the analyzer once, on its first task, and keeps it for the tasks
that follow. Paths (inputs, the output folder, rule folders, plugin folders,
model files) are made absolute here and must be the same files at the same paths
on every worker; each worker checks that its analyzer has the client's
fingerprint (rhetoric's version, the configuration, the plugins loaded, the
content of every rule and plugin file), so a stale copy fails loudly instead of
giving other reports.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib.util
import io
import json
import os
import socket
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .__about__ import __version__
from .analyzer import Analyzer
from .check.inputs import (
    NOTICE_SOURCE,
    PARQUET_SUFFIXES,
    STDIN,
    InputFormat,
    InputRecord,
    ReadOptions,
    detect_format,
    read_parquet,
    read_records,
)
from .check.parallel import Failed, analyse_in_order, default_jobs
from .check.progress import ProgressBar, estimate_records
from .config import AnalyzerConfig, ConfigError
from .engine.specs import discover
from .model import DetectorError, Hit, Report
from .outputs.base import Outcome
from .outputs.json import JsonlFormatter
from .selection import unknown_id_problem

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "BatchError", "BatchResult", "Counts", "PartitionsFailed", "analyse_files", "read_reports",
]  # fmt: skip

OutputFormat = Literal["jsonl", "parquet"]
ROWS_PER_PARTITION = 100_000
DUMP_SUFFIXES = (".jsonl", ".ndjson", ".csv", *PARQUET_SUFFIXES)
BOOKS = "_rhetoric"  # the run's own files inside the output folder
RETRIES = 2  # a task that raised (a network file system's hiccup) runs up to twice more
_PLAN = "plan.json"


class BatchError(Exception):
    """A batch run cannot start or go on; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What one partition's output holds."""

    records: int = 0
    errors: int = 0  # error records
    notices: int = 0  # reports listing an input problem (replaced bytes)
    findings: int = 0

    def __add__(self, other: Counts) -> Counts:
        pairs = zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)
        return Counts(*(a + b for a, b in pairs))


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A finished run: every partition written, counted over all of them."""

    output_dir: Path
    partitions: int
    skipped: int  # already written by an earlier, interrupted run
    counts: Counts

    @property
    def input_errors(self) -> bool:
        """Whether some record was an error record or listed an input problem."""
        return bool(self.counts.errors or self.counts.notices)


class PartitionsFailed(BatchError):
    """Some partitions failed for good (the others are written); resuming the run
    retries them."""

    def __init__(self, result: BatchResult, failures: Sequence[str]) -> None:
        noun = "partition" if len(failures) == 1 else "partitions"
        super().__init__(f"{len(failures)} {noun} failed: " + "; ".join(failures))
        self.result = result
        self.failures = tuple(failures)


@dataclass(frozen=True, slots=True)
class Partition:
    """One task's share of the input: a file, or some row groups of a Parquet file."""

    index: int
    name: str  # the input as the user named it: what records call their source
    path: str  # absolute: what a worker opens
    kind: InputFormat
    row_groups: tuple[int, ...] | None = None  # Parquet: these groups only
    first_row: int = 1
    rows: int | None = None  # when known in advance (Parquet), for the progress bar

    @property
    def stem(self) -> str:
        return f"part-{self.index:05d}"

    def records(self, read: ReadOptions) -> Iterator[InputRecord]:
        if self.kind == "parquet":
            return read_parquet(self.path, read, name=self.name, row_groups=self.row_groups,
                                first_row=self.first_row)  # fmt: skip
        return read_records(self.path, read, name=self.name)


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to build the analyzer anywhere, and the fingerprint it must then have."""

    config: AnalyzerConfig
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Job:
    """What every partition's task needs besides its partition."""

    recipe: Recipe
    read: ReadOptions
    output_dir: str
    output_format: OutputFormat


# --- the public API ------------------------------------------------------------------


def analyse_files(
    paths: Iterable[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str],
    config: AnalyzerConfig | None = None,
    client: Client | None = None,
    *,
    input_format: InputFormat = "auto",
    id_field: str = "id",
    text_field: str = "text",
    output_format: OutputFormat = "jsonl",
    resume: bool = False,
    jobs: int = 0,
    rows_per_partition: int = ROWS_PER_PARTITION,
    progress: bool | None = None,
) -> BatchResult:
    """Analyse every record of ``paths`` (files, or folders of ``.jsonl``, ``.ndjson``,
    ``.csv``, ``.parquet`` files) into report files in ``output_dir``.

    :param client: a ``distributed.Client``: run the partitions on its cluster.
        None: on this machine, ``jobs`` processes (0: all cores), no Dask needed.
    :param resume: finish the run an earlier call began in ``output_dir``.
    :param progress: a progress bar on standard error (None: when it is a terminal).
    :raises BatchError: the run cannot start (the message says why); or, as
        :class:`PartitionsFailed`, some partitions failed after the others were written.
    :raises ConfigError: ``config.select``/``ignore`` name no technique or rule.
    """
    if output_format not in ("jsonl", "parquet"):
        raise BatchError(f"output_format must be 'jsonl' or 'parquet', not {output_format!r}")
    if output_format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise BatchError("Parquet reports need pyarrow: pip install 'rhetoric[parquet]'")
    if isinstance(paths, str | os.PathLike):
        paths = [paths]  # one path, not its characters
    read = ReadOptions(input_format, "document", id_field, text_field)
    out = Path(output_dir).resolve()
    analyzer = _client_analyzer(config or AnalyzerConfig())
    job = Job(Recipe(analyzer.config, fingerprint(analyzer)), read, str(out), output_format)
    partitions = plan(paths, read, rows_per_partition, out)
    done = _prepare_folder(out, _plan_document(partitions, job, rows_per_partition), resume)
    todo = [p for p in partitions if p.index not in done]
    wanted = ProgressBar.wanted(progress)
    if client is None:
        total = _expected_records(todo, read) if wanted else None
        bar = ProgressBar(total, "records", wanted, sys.stderr)
        try:
            written = _run_here(analyzer, todo, job, jobs or default_jobs(), bar)
        finally:
            bar.close()
        failures: list[str] = []
    else:
        bar = ProgressBar(len(todo), "partitions", wanted, sys.stderr)
        try:
            written, failures = _run_on_dask(client, todo, job, bar)
        finally:
            bar.close()
    counts = sum((*done.values(), *written.values()), Counts())
    result = BatchResult(out, len(partitions), len(done), counts)
    if failures:
        raise PartitionsFailed(result, failures)
    _remove_temporaries(out)  # left by attempts whose worker died
    return result


def read_reports(output_dir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every output record of a finished run, in partition order, as the dicts that
    ``json.loads`` makes of ``rhetoric check --format jsonl`` lines.

    :raises BatchError: the folder holds no run, or a partition is not written yet.
    """
    for path in _part_files(Path(output_dir)):
        if path.suffix == ".parquet":
            from .check.parquet import report_lines

            yield from (json.loads(line) for line in report_lines(path))
            continue
        with path.open(encoding="utf-8") as lines:
            yield from (json.loads(line) for line in lines)


# --- planning --------------------------------------------------------------------------


def plan(
    paths: Iterable[str | os.PathLike[str]],
    read: ReadOptions,
    rows_per_partition: int,
    output_dir: Path,
) -> list[Partition]:
    """The partitions of a run, in input order.

    :raises BatchError: an input is missing, standard input, or not a dump.
    """
    partitions: list[Partition] = []
    for name, path in _inputs(paths, output_dir):
        kind = detect_format(name, read.input_format)
        if kind == "parquet":
            for groups, first, rows in _row_group_runs(path, rows_per_partition):
                partitions.append(Partition(len(partitions), name, path, kind, groups, first, rows))
        elif kind in ("jsonl", "csv"):
            partitions.append(Partition(len(partitions), name, path, kind))
        else:
            raise BatchError(f"{name}: not a JSONL, CSV or Parquet file (--input says which it is)")
    return partitions


def _inputs(paths: Iterable[str | os.PathLike[str]], output_dir: Path) -> Iterator[tuple[str, str]]:
    """(name as given, absolute path) of each input file; folders give their dumps."""
    for given in paths:
        name = os.fspath(given)
        if name == STDIN:
            raise BatchError("batch reads files, not standard input")
        path = Path(name)
        if path.is_dir():
            for file in _dumps_under(path, output_dir):
                yield str(file), str(file.resolve())
        elif path.is_file():
            yield name, str(path.resolve())
        else:
            raise BatchError(f"{name}: no such file or folder")


def _dumps_under(folder: Path, output_dir: Path) -> list[Path]:
    """The dumps below ``folder``, sorted; hidden and ``_``-named entries (``.git``,
    ``_SUCCESS``) and the output folder itself are left out."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d[0] not in "._" and Path(root, d).resolve() != output_dir]
        found.extend(Path(root, f) for f in files
                     if f[0] not in "._" and Path(f).suffix.lower() in DUMP_SUFFIXES)  # fmt: skip
    return sorted(found)


def _row_group_runs(
    path: str, rows_per_partition: int
) -> Iterator[tuple[tuple[int, ...] | None, int, int | None]]:
    """(row groups, first row, rows) of each partition of a Parquet file: runs of
    whole row groups of about ``rows_per_partition`` rows. A file whose footer
    cannot be read is one partition, and its reader says what is wrong."""
    try:
        from .check.parquet import row_group_sizes

        sizes = row_group_sizes(path)
    except (ImportError, OSError, ValueError):
        yield None, 1, None
        return
    if not sizes:
        yield None, 1, 0
        return
    groups: list[int] = []
    first = row = 1
    for group, size in enumerate(sizes):
        groups.append(group)
        row += size
        if row - first >= rows_per_partition or group == len(sizes) - 1:
            yield tuple(groups), first, row - first
            groups, first = [], row


def _plan_document(
    partitions: list[Partition], job: Job, rows_per_partition: int
) -> dict[str, Any]:
    """What must be the same for a run to be resumed, as JSON."""
    files = dict.fromkeys((p.name, p.path) for p in partitions)
    inputs = []
    for name, path in files:
        status = os.stat(path)
        inputs.append({"name": name, "path": path, "size": status.st_size,
                       "mtime_ns": status.st_mtime_ns})  # fmt: skip
    document = {
        "rhetoric": __version__,
        "analyzer": job.recipe.fingerprint,
        "format": job.output_format,
        "read": dataclasses.asdict(job.read),
        "rows_per_partition": rows_per_partition,
        "inputs": inputs,
        "partitions": [
            {"index": p.index, "name": p.name, "kind": p.kind, "row_groups": p.row_groups,
             "first_row": p.first_row}
            for p in partitions
        ],
    }  # fmt: skip
    loaded: dict[str, Any] = json.loads(json.dumps(document))  # as it reads back
    return loaded


def _prepare_folder(out: Path, document: dict[str, Any], resume: bool) -> dict[int, Counts]:
    """Record the plan in a new run's folder, or check it against the stored one
    when resuming; the counts of the partitions already written."""
    books = out / BOOKS
    stored_file = books / _PLAN
    if stored_file.exists():
        if not resume:
            raise BatchError(f"{out} already holds a batch run: add --resume to finish it, "
                             "or write to another folder")  # fmt: skip
        stored = json.loads(stored_file.read_text(encoding="utf-8"))
        if stored != document:
            raise BatchError(f"cannot resume the run in {out}: {_difference(stored, document)}")
        _remove_temporaries(out)
        return _finished(out, document)
    if out.is_dir() and any(out.glob("part-*")):
        raise BatchError(f"{out} holds part files of another program or an older run: "
                         "write to another folder")  # fmt: skip
    books.mkdir(parents=True, exist_ok=True)
    _write_atomically(stored_file, json.dumps(document, indent=1) + "\n")
    return {}


def _difference(stored: dict[str, Any], current: dict[str, Any]) -> str:
    if stored.get("inputs") != current["inputs"]:
        before = {i["name"]: i for i in stored.get("inputs", [])}
        changed = [i["name"] for i in current["inputs"] if before.get(i["name"]) != i]
        gone = [name for name in before if name not in {i["name"] for i in current["inputs"]}]
        names = ", ".join([*changed, *gone][:5]) or "the list of inputs"
        return f"the inputs are not those of the run ({names} changed); start a new folder"
    if stored.get("analyzer") != current["analyzer"]:
        return ("the analyzer differs from the run's (rules, plugins, models, options or "
                "rhetoric's version); start a new folder")  # fmt: skip
    return "the output format, the record fields or the partitioning differ from the run's"


def _finished(out: Path, document: dict[str, Any]) -> dict[int, Counts]:
    """The partitions an earlier run wrote whole (their counts were stored first)."""
    done: dict[int, Counts] = {}
    suffix = document["format"]
    for entry in document["partitions"]:
        stem = Partition(entry["index"], "", "", "jsonl").stem
        counts_file = out / BOOKS / f"{stem}.json"
        if (out / f"{stem}.{suffix}").exists() and counts_file.exists():
            done[entry["index"]] = Counts(**json.loads(counts_file.read_text(encoding="utf-8")))
    return done


def _part_files(out: Path) -> Iterator[Path]:
    stored_file = out / BOOKS / _PLAN
    if not stored_file.exists():
        raise BatchError(f"{out} holds no batch run")
    document = json.loads(stored_file.read_text(encoding="utf-8"))
    for entry in document["partitions"]:
        path = out / f"{Partition(entry['index'], '', '', 'jsonl').stem}.{document['format']}"
        if not path.exists():
            raise BatchError(f"{path.name} is not written yet: resume the run to finish it")
        yield path


def _remove_temporaries(out: Path) -> None:
    """Delete what attempts cut short left behind (never a finished part)."""
    for stray in [*out.glob(".part-*.tmp"), *(out / BOOKS).glob(".part-*.tmp")]:
        stray.unlink(missing_ok=True)


def _expected_records(partitions: list[Partition], read: ReadOptions) -> int:
    """About how many records the partitions hold (lines of JSONL and CSV files)."""
    known = sum(p.rows or 0 for p in partitions if p.kind == "parquet")
    return known + (estimate_records([p.path for p in partitions if p.kind != "parquet"], read)
                    or 0)  # fmt: skip


# --- the analyzer, here and on workers -------------------------------------------------


def _client_analyzer(config: AnalyzerConfig) -> Analyzer:
    """The analyzer of the run, with every path made absolute so that workers
    elsewhere find the same files; ids that name nothing are refused."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        if isinstance(value, Path):
            changes[field.name] = value.resolve()
        elif isinstance(value, tuple) and value and all(isinstance(v, Path) for v in value):
            changes[field.name] = tuple(v.resolve() for v in value)
    analyzer = Analyzer.from_config(dataclasses.replace(config, **changes))
    known = analyzer.known_ids()
    for where, ids in (("select", config.select), ("ignore", config.ignore)):
        if problem := unknown_id_problem(ids, known):
            raise ConfigError(f"{where}: {problem}")
    return analyzer


def fingerprint(analyzer: Analyzer) -> str:
    """What makes two analyzers report alike: rhetoric's version, the configuration,
    the plugins loaded (with their distributions' versions) and the content of every
    rule file, plugin file and model file, by its path inside its folder."""
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "replace"))
            digest.update(b"\0")

    config = analyzer.config
    add(__version__, json.dumps(_canonical(config), sort_keys=True))
    for info in analyzer.host.plugins():
        add(info.name, info.module, info.distribution or "", info.version or "")
    rule_roots = list(dict.fromkeys(analyzer.rule_paths))
    other_roots = [p for p in dict.fromkeys(_config_paths(config)) if p not in rule_roots]
    for position, root in enumerate([*rule_roots, *other_roots]):
        add(str(position))
        for relative, file in _files_of(root, rules=position < len(rule_roots)):
            add(relative, file.read_bytes())
    return digest.hexdigest()[:32]


def _config_paths(config: AnalyzerConfig) -> Iterator[Path]:
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        values = value if isinstance(value, tuple) else (value,)
        yield from (v for v in values if isinstance(v, Path))


def _files_of(root: Path, *, rules: bool) -> list[tuple[str, Path]]:
    """The files a rule, plugin or model path stands for, by relative name: those
    the rule loader reads for a rule path, every file below any other folder."""
    if root.is_file():
        return [(root.name, root)]
    if not root.is_dir():
        return []
    if rules:
        found, classes = discover(root)
        files = sorted(found + classes)
    else:
        files = sorted(p for p in root.rglob("*") if p.is_file())
    kept = [f for f in files if "__pycache__" not in f.parts and f.suffix != ".pyc"
            and not any(part.startswith(".") for part in f.relative_to(root).parts)]  # fmt: skip
    return [(f.relative_to(root).as_posix(), f) for f in kept]


def _canonical(value: Any) -> Any:
    """``value`` as JSON that is the same for equal configurations in any process."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


_built: dict[str, Analyzer] = {}
_building = threading.Lock()


def worker_analyzer(recipe: Recipe) -> Analyzer:
    """This process's analyzer for ``recipe``: built on the first task, then kept.

    :raises BatchError: it cannot be built here, or it is not the client's (other
        rule files, plugins or rhetoric version at the same paths).
    """
    with _building:
        analyzer = _built.get(recipe.fingerprint)
        if analyzer is None:
            try:
                analyzer = Analyzer.from_config(recipe.config)
            except Exception as exc:
                raise BatchError(f"{_here()}: cannot build the analyzer: {exc}") from None
            if fingerprint(analyzer) != recipe.fingerprint:
                raise BatchError(
                    f"{_here()}: this worker's analyzer is not the client's: rhetoric's version, "
                    "the plugins or the rule, plugin or model files differ (they must be the "
                    "same files at the same paths on every worker)"
                )
            gc.freeze()  # lives as long as the worker: not worth collecting again and again
            _built[recipe.fingerprint] = analyzer
    return analyzer


def _here() -> str:
    return f"worker on {socket.gethostname()} (pid {os.getpid()})"


# --- running partitions ----------------------------------------------------------------


def run_partition(partition: Partition, job: Job) -> Counts:
    """Analyse and write one partition: the task a Dask worker runs."""
    if not os.path.exists(partition.path):
        raise BatchError(f"{_here()}: cannot see {partition.path}: the inputs must be at the "
                         "same path on every worker")  # fmt: skip
    analyzer = worker_analyzer(job.recipe)
    for _, counts in _write_parts(_analysed(analyzer, [partition], job.read, 1), job, None):
        return counts
    raise AssertionError("a partition always ends")  # pragma: no cover


def _run_here(
    analyzer: Analyzer, partitions: list[Partition], job: Job, jobs: int, bar: ProgressBar
) -> dict[int, Counts]:
    """All partitions in one stream through ``jobs`` processes (the ``--jobs``
    machinery of ``check``), so a single large file uses every core too."""
    outcomes = _analysed(analyzer, partitions, job.read, jobs)
    return {p.index: counts for p, counts in _write_parts(outcomes, job, bar)}


def _run_on_dask(
    client: Client, partitions: list[Partition], job: Job, bar: ProgressBar
) -> tuple[dict[int, Counts], list[str]]:
    """The partitions as a Dask bag, one partition each, computed on ``client``'s
    cluster; a worker's death is Dask's to recover from (it runs the task again)."""
    if not partitions:
        return {}, []
    import dask.bag
    from distributed import as_completed

    bag = dask.bag.from_sequence(partitions, partition_size=1).map(run_partition, job)
    futures = client.compute(bag.to_delayed(), retries=RETRIES)
    partition_of = {future.key: p for future, p in zip(futures, partitions, strict=True)}
    written: dict[int, Counts] = {}
    failures: list[str] = []
    try:
        for future in as_completed(futures):
            partition = partition_of[future.key]
            try:
                (written[partition.index],) = future.result()
            except BatchError:  # a worker cannot run this job at all: stop
                raise
            except Exception as exc:  # this partition only (e.g. it killed its workers)
                failures.append(f"{partition.stem} ({partition.name}): "
                                f"{type(exc).__name__}: {exc}")  # fmt: skip
            else:
                bar.update()
    finally:
        if pending := [f for f in futures if not f.done()]:
            client.cancel(pending)  # interrupted, or stopped by a BatchError
    return written, failures


@dataclass(frozen=True, slots=True)
class _Item:
    """A record on its way through the analyzer; no record: its partition's end."""

    partition: Partition
    record: InputRecord | None = None
    screen: _Notices | None = None


class _Notices:
    """The screen of a record with input notices (replaced bytes): every finding
    stays, and the notices join the report's errors, as in ``rhetoric check``."""

    __slots__ = ("_notices",)

    def __init__(self, notices: tuple[str, ...]) -> None:
        self._notices = notices

    def keep(self, hit: Hit) -> bool:
        return True

    def extra_hits(self) -> tuple[Hit, ...]:
        return ()

    def input_errors(self) -> Iterator[DetectorError]:
        return (DetectorError(NOTICE_SOURCE, notice) for notice in self._notices)


def _analysed(
    analyzer: Analyzer, partitions: Iterable[Partition], read: ReadOptions, jobs: int
) -> Iterator[tuple[_Item, Report | Failed | None]]:
    def items() -> Iterator[_Item]:
        for partition in partitions:
            for record in partition.records(read):
                notices = record.notices if record.comment is not None else ()
                yield _Item(partition, record, _Notices(notices) if notices else None)
            yield _Item(partition)

    def comment_of(item: _Item) -> Any:
        return item.record.comment if item.record is not None else None

    return analyse_in_order(analyzer, items(), comment_of, lambda item: item.screen, jobs)


def _write_parts(
    outcomes: Iterable[tuple[_Item, Report | Failed | None]], job: Job, bar: ProgressBar | None
) -> Iterator[tuple[Partition, Counts]]:
    """Route each outcome to its partition's file; yield each partition once written."""
    part: _PartFile | None = None
    try:
        for item, report in outcomes:
            if part is None:
                part = _PartFile(job, item.partition)
            if item.record is None:
                counts = part.commit()
                part = None
                yield item.partition, counts
                continue
            if isinstance(report, Failed):  # the analyzer raised: an error record, as in check
                record = dataclasses.replace(item.record, error=report.message,
                                             record_id=item.record.output_id)  # fmt: skip
                part.write(Outcome(record, None))
            else:
                part.write(Outcome(item.record, report))
            if bar is not None:
                bar.update()
    finally:
        if part is not None:
            part.abort()


class _PartFile:
    """One partition's output, under a temporary name until it is whole."""

    def __init__(self, job: Job, partition: Partition) -> None:
        folder = Path(job.output_dir)
        self.final = folder / f"{partition.stem}.{job.output_format}"
        self.temporary = folder / f".{self.final.name}.{uuid.uuid4().hex}.tmp"
        self._counts_file = folder / BOOKS / f"{partition.stem}.json"
        self._records = self._errors = self._notices = self._findings = 0
        self._parquet: Any = None
        if job.output_format == "parquet":
            from .check.parquet import ReportWriter

            self._parquet = ReportWriter(self.temporary)
            self._line = io.StringIO()
            self._formatter = JsonlFormatter(self._line)
        else:
            # As check writes it: lone surrogates come out as \uXXXX escapes.
            self._handle = open(self.temporary, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
            self._formatter = JsonlFormatter(self._handle)

    def write(self, outcome: Outcome) -> None:
        report = outcome.report
        self._records += 1
        if report is None:
            self._errors += 1
        else:
            self._findings += len(report.hits)
            self._notices += any(e.source == NOTICE_SOURCE for e in report.errors)
        self._formatter.write(outcome)
        if self._parquet is not None:
            line = self._line.getvalue()
            self._line.seek(0)
            self._line.truncate()
            if report is None:
                self._parquet.write(line, outcome.record.record_id, None, None, (), 0,
                                    outcome.error)  # fmt: skip
            else:
                techniques = sorted({hit.technique for hit in report.hits})
                self._parquet.write(line, report.id, report.verdict.value, report.score,
                                    techniques, len(report.hits), None)  # fmt: skip

    def commit(self) -> Counts:
        """Close, sync, record the counts, then rename: the part appears whole."""
        self._close()
        _sync(self.temporary)
        counts = Counts(self._records, self._errors, self._notices, self._findings)
        _write_atomically(self._counts_file, json.dumps(dataclasses.asdict(counts)) + "\n")
        os.replace(self.temporary, self.final)
        return counts

    def abort(self) -> None:
        try:
            self._close()
        finally:
            self.temporary.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        else:
            self._handle.close()


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
