"""Archives at scale (issue 17): flat memory and the Dask path's throughput.

    python bench/scale.py [--data ../shared/data] [--runs 3] [--big-runs 1] [--big-mb 2048]
                          [--small-mb 20] [--comments 1000000] [--files 16]
                          [--tmp /tmp] [--out docs/performance.md] [--smoke]

Generates JSONL dumps in a temporary folder under ``--tmp`` from the texts of
../shared/data (shuffled, repeated, each with a unique id; never copied into the
project, deleted at the end) and measures, as whole processes:

- memory: peak RSS of ``rhetoric batch DUMP -o DIR`` (this machine, all cores) on a
  ``--small-mb`` and on a ``--big-mb`` dump, sampled every 0.1 s over the process
  and its workers (the sum, and the largest single process);
- throughput on ``--comments`` comments in ``--files`` files: one process
  (``rhetoric check --jobs 1 --format jsonl``), the Dask path (``rhetoric batch
  --scheduler local --workers 2``) and the same without Dask (``rhetoric batch
  --workers 2``), taken round-robin, medians of ``--runs``; the Dask output is
  compared with the one-process output, byte for byte.

The figures go between ``<!-- scale:start -->`` and ``<!-- scale:end -->`` of
``--out``. ``--smoke`` runs tiny sizes in seconds, writes nothing and prints JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from performance import load_texts  # noqa: E402
from sections import write_section  # noqa: E402

RHETORIC = [sys.executable, "-m", "rhetoric"]
TARGET_MEMORY = 1.2  # big / small peak RSS
TARGET_SPEEDUP = 1.7  # Dask with 2 workers / one process
MET = {True: "yes", False: "**no**"}


def log(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


def write_dump(path: Path, texts: list[str], rng: random.Random, *, size: int = 0,
               count: int = 0, start: int = 0) -> tuple[int, int]:  # fmt: skip
    """Comments drawn in turn from the shuffled texts until ``size`` bytes or ``count``
    comments; (comments, bytes) written."""
    pool = texts[:]
    rng.shuffle(pool)
    written = comments = 0
    with path.open("w", encoding="utf-8") as handle:
        while (size and written < size) or (count and comments < count):
            line = json.dumps({"id": f"c{start + comments}", "text": pool[comments % len(pool)]},
                              ensure_ascii=False) + "\n"  # fmt: skip
            handle.write(line)
            written += len(line.encode("utf-8"))
            comments += 1
    return comments, written


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def measure(argv: list[str]) -> dict[str, float]:
    """Wall time, CPU time (the process and every worker it reaped: a figure the other
    work on a shared machine disturbs far less) and peak RSS (MB: the process tree's sum,
    and its largest process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = psutil.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_sum = peak_one = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_sum, peak_one
        while not stop.is_set():
            try:
                family = [child, *child.children(recursive=True)]
                sizes = []
                for process in family:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(process.memory_info().rss)
                peak_sum = max(peak_sum, sum(sizes))
                peak_one = max(peak_one, *sizes, 0)
            except psutil.Error:
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = child.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stop.set()
    sampler.join()
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited with {child.returncode}: {stderr[-2000:]!r}")
    return {"seconds": elapsed, "cpu_seconds": cpu, "rss_sum_mb": peak_sum / 2**20,
            "rss_max_mb": peak_one / 2**20}  # fmt: skip


MEMORY_COMMANDS = {
    "batch": "`rhetoric batch DUMP -o DIR` (all cores)",
    "check": "`rhetoric check --format jsonl -o FILE DUMP` (all cores)",
}


def memory(folder: Path, texts: list[str], small_mb: float, big_mb: float, runs: int,
           big_runs: int, commands: list[str]) -> dict[str, Any]:  # fmt: skip
    """Per command, per dump size: comments, bytes, runs and the medians of measure()."""
    results: dict[str, Any] = {command: {} for command in commands}
    for label, megabytes, repeats in (("small", small_mb, runs), ("big", big_mb, big_runs)):
        dump = folder / f"{label}.jsonl"
        comments, size = write_dump(dump, texts, random.Random(17), size=int(megabytes * 2**20))
        log(f"memory: {label} dump, {comments:,} comments, {size / 2**20:,.0f} MB")
        for command in commands:
            out = folder / f"{label}-out"
            argv = {"batch": [*RHETORIC, "batch", str(dump), "-o", str(out), "--no-progress"],
                    "check": [*RHETORIC, "check", "--isolated", "--format", "jsonl", "-o",
                              str(out), str(dump)]}[command]  # fmt: skip
            samples = []
            for run in range(repeats):
                remove(out)
                samples.append(measure(argv))
                log(f"  {command}, run {run + 1}: {samples[-1]}")
            remove(out)
            results[command][label] = {
                "comments": comments, "bytes": size, "runs": repeats,
                **{key: statistics.median(s[key] for s in samples) for key in samples[0]},
            }  # fmt: skip
        dump.unlink()
    return results


def throughput(folder: Path, texts: list[str], comments: int, files: int, runs: int,
               workers: int) -> dict[str, Any]:  # fmt: skip
    dumps = []
    total = 0
    rng = random.Random(1)
    per_file = -(-comments // files)
    for index in range(files):
        count = min(per_file, comments - index * per_file)
        dump = folder / f"archive-{index:03d}.jsonl"
        _, size = write_dump(dump, texts, rng, count=count, start=index * per_file)
        total += size
        dumps.append(str(dump))
    log(f"throughput: {comments:,} comments in {files} files, {total / 2**20:,.0f} MB")
    single = folder / "single.jsonl"
    commands = {
        "one process (check --jobs 1)": [*RHETORIC, "check", "--isolated", "--format", "jsonl",
                                         "--jobs", "1", "-o", str(single), *dumps],
        f"Dask, {workers} workers (batch --scheduler local)": [
            *RHETORIC, "batch", *dumps, "-o", str(folder / "dask-out"), "--scheduler", "local",
            "--workers", str(workers), "--no-progress"],
        f"no Dask, {workers} processes (batch --workers {workers})": [
            *RHETORIC, "batch", *dumps, "-o", str(folder / "local-out"), "--workers",
            str(workers), "--no-progress"],
    }  # fmt: skip
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    same = None
    for run in range(runs):
        for name, argv in commands.items():
            for stale in ("dask-out", "local-out"):
                shutil.rmtree(folder / stale, ignore_errors=True)
            figures = measure(argv)
            seconds[name].append(figures["seconds"])
            cpu[name].append(figures["cpu_seconds"])
            log(f"  run {run + 1}, {name}: {seconds[name][-1]:.1f} s, {cpu[name][-1]:.1f} s CPU")
            if run == 0 and name.startswith("Dask"):
                same = _same_output(single, folder / "dask-out") if single.exists() else None
    for dump in dumps:
        os.unlink(dump)
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    return {"comments": comments, "files": files, "bytes": total, "runs": runs,
            "seconds": seconds, "median_seconds": medians, "cpu_seconds": cpu,
            "dask_equals_check": same}  # fmt: skip


def _same_output(single: Path, parts: Path) -> bool:
    """Whether the part files, in order, are byte for byte the one-process output."""
    with single.open("rb") as expected:
        for part in sorted(parts.glob("part-*.jsonl")):
            with part.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    if expected.read(len(chunk)) != chunk:
                        return False
        return expected.read(1) == b""


def render(results: dict[str, Any], command: str) -> str:
    lines = [
        "## Archives at scale (issue 17)",
        "",
        f"Produced by `{command}` (rhetoric {results['version']}, {results['date']}) on the "
        "shared, noisy 2-core machine, while other work ran on it too: load average (1 min) "
        f"before and after each part: {results['load']}. Dumps are generated in /tmp from the "
        "texts of `../shared/data` (all corpora, shuffled and repeated, unique ids) and "
        "deleted afterwards.",
    ]  # fmt: skip
    if "memory" in results:
        lines += render_memory(results["memory"])
    if "throughput" in results:
        lines += render_throughput(results["throughput"])
    return "\n".join(lines)


def render_memory(mem: dict[str, Any]) -> list[str]:
    small, big = next(iter(mem.values()))["small"], next(iter(mem.values()))["big"]
    lines = [
        "",
        "Memory is sampled every 0.1 s over the process and its workers: the sum (forked "
        "workers share pages, so it overcounts) and the largest single process. Dumps of "
        f"{small['bytes'] / 2**20:,.0f} MB ({small['comments']:,} comments; medians of "
        f"{small['runs']} runs) and {big['bytes'] / 2**20:,.0f} MB ({big['comments']:,} "
        f"comments; {big['runs']} run{'s' * (big['runs'] != 1)}).",
        "",
        "| measure | small dump | big dump | big / small | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]  # fmt: skip
    for name, runs in mem.items():
        small, big = runs["small"], runs["big"]
        ratio_sum = big["rss_sum_mb"] / small["rss_sum_mb"]
        ratio_one = big["rss_max_mb"] / small["rss_max_mb"]
        lines += [
            f"| {MEMORY_COMMANDS[name]}, peak RSS, sum | {small['rss_sum_mb']:,.0f} MB | "
            f"{big['rss_sum_mb']:,.0f} MB | x{ratio_sum:.2f} | <= x{TARGET_MEMORY} | "
            f"{MET[ratio_sum <= TARGET_MEMORY]} |",
            f"| ... largest process | {small['rss_max_mb']:,.0f} MB | "
            f"{big['rss_max_mb']:,.0f} MB | x{ratio_one:.2f} | - | - |",
            f"| ... wall time | {small['seconds']:,.1f} s | {big['seconds']:,.1f} s | - | - | - |",
        ]  # fmt: skip
    return lines


def render_throughput(speed: dict[str, Any]) -> list[str]:
    medians = speed["median_seconds"]
    single = next(iter(medians.values()))
    lines = [
        "",
        f"Throughput on {speed['comments']:,} comments in {speed['files']} JSONL files "
        f"({speed['bytes'] / 2**20:,.0f} MB), whole processes, "
        + ("one run each" if speed["runs"] == 1 else f"medians of {speed['runs']} runs taken "
           "round-robin") + "; the Dask time includes starting the local cluster. "
        + ("The Dask output is byte for byte the one-process output."
           if speed["dask_equals_check"] else "**The Dask output differs from the one-process "
           "output.**"),
        "",
        "| run | seconds (median) | CPU seconds | comments/s | vs one process | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]  # fmt: skip
    cpu = speed.get("cpu_seconds", {})
    for name, seconds in medians.items():
        speedup = single / seconds
        is_dask = name.startswith("Dask")
        target = f">= {TARGET_SPEEDUP}x" if is_dask else "-"
        verdict = MET[speedup >= TARGET_SPEEDUP] if is_dask else "-"
        used = f"{statistics.median(cpu[name]):,.1f}" if cpu.get(name) else "-"
        lines.append(f"| {name} | {seconds:,.1f} | {used} | {speed['comments'] / seconds:,.0f} "
                     f"| {speedup:.2f}x | {target} | {verdict} |")  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1)
    parser.add_argument("--small-mb", type=float, default=20)
    parser.add_argument("--big-mb", type=float, default=2048)
    parser.add_argument("--memory-commands", default="batch,check", help="batch and/or check")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["memory", "throughput"], help="one part; the other "
                        "is taken from --results")  # fmt: skip
    parser.add_argument("--results", type=Path, help="keep raw figures here, so the parts "
                        "can run at different times (default: none kept)")  # fmt: skip
    parser.add_argument("--render", type=Path, nargs="+", metavar="RESULTS", help="measure "
                        "nothing: write the section from these --results files")  # fmt: skip
    parser.add_argument("--note", default="", help="a sentence for the section (with --render)")
    parser.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no document written")
    args = parser.parse_args()
    if args.render:
        return render_files(args.render, args.out, args.note)
    if args.smoke:
        args.runs, args.big_runs, args.small_mb, args.big_mb = 1, 1, 0.1, 1
        args.comments, args.files = 2_000, 4
    _, texts = load_texts(args.data)
    if not texts:
        log(f"no texts under {args.data}: skipped")
        return 0
    need = (args.big_mb * 2**20) * 3 + args.comments * 1500
    free = shutil.disk_usage(args.tmp).free
    if free < need:
        log(f"{args.tmp} has {free / 2**30:.1f} GB free, {need / 2**30:.1f} GB needed: stopped")
        return 1
    results: dict[str, Any] = {}
    if args.results and args.results.exists():
        results = json.loads(args.results.read_text(encoding="utf-8"))
    load = [os.getloadavg()[0]]
    folder = Path(tempfile.mkdtemp(prefix="rhetoric-scale-", dir=args.tmp))
    try:
        if args.only in (None, "memory"):
            results["memory"] = memory(folder, texts, args.small_mb, args.big_mb, args.runs,
                                       args.big_runs, args.memory_commands.split(","))  # fmt: skip
        if args.only in (None, "throughput"):
            results["throughput"] = throughput(folder, texts, args.comments, args.files,
                                               args.runs, args.workers)  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load.append(os.getloadavg()[0])
    part = args.only or "all"
    results.setdefault("loads", {})[part] = load
    results.update(version=_version(), date=dt.date.today().isoformat())
    results["load"] = "; ".join(f"{name}: {a:.2f} -> {b:.2f}"
                                for name, (a, b) in results["loads"].items())  # fmt: skip
    results.setdefault("commands", {})[part] = " ".join(["python bench/scale.py", *sys.argv[1:]])
    if args.results:
        args.results.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.smoke:
        print(json.dumps(results, indent=1))
        return 0
    if args.only:
        log(f"figures kept in {args.results}; write the section with --render")
        return 0
    section = render(results, "`; `".join(results["commands"].values()))
    write_section(args.out, "scale", section)
    print(section)
    log(f"wrote the scale section of {args.out}")
    return 0


def render_files(paths: list[Path], out: Path, note: str) -> int:
    """Write the section from the figures of runs made apart (``--only``)."""
    merged: dict[str, Any] = {"loads": {}, "commands": {}}
    for path in paths:
        results = json.loads(path.read_text(encoding="utf-8"))
        for key, value in results.items():
            if key in ("loads", "commands"):  # per part; two files may hold the same part
                for part, item in value.items():
                    name = part if part not in merged[key] else f"{part} ({path.stem})"
                    merged[key][name] = item
            elif key == "memory":  # per command: runs made apart join
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
    merged["load"] = "; ".join(f"{name}: {a:.2f} -> {b:.2f}"
                               for name, (a, b) in merged["loads"].items())  # fmt: skip
    section = render(merged, "`; `".join(merged["commands"].values()))
    if note:
        section = section.replace("\n\n", f"\n\n{note}\n\n", 1)
    write_section(out, "scale", section)
    print(section)
    return 0


def _version() -> str:
    done = subprocess.run([*RHETORIC, "--version"], capture_output=True, text=True, check=True)
    return done.stdout.split()[-1]


if __name__ == "__main__":
    sys.exit(main())
