"""Measure speed and memory, and write docs/performance.md.

    python bench/performance.py [--data ../shared/data] [--runs 5] [--out docs/performance.md]
                                [--peers-python PYTHON] [--peers-node DIR] [--smoke]

Builds a 10,000-comment and a 100,000-comment corpus from the texts in
../shared/data (never copied into the project: they live in a temporary folder),
then measures in one run, so that ratios compare like with like on this noisy
shared machine:

- the default pipeline as a whole process (``rhetoric check --input jsonl --format
  jsonl --jobs 1`` over 100,000 comments, JSON in and out included) and on all cores;
- matching only (``Analyzer.check`` in process, no I/O) and the tokenization floor
  (``re.findall(r"\\w+")``);
- peers on the same comments: proselint, better-profanity, alt-profanity-check
  (``--peers-python``: a Python where they are installed, not a project dependency)
  and alex (``--peers-node``: a folder where ``npm install alex`` was run);
- time with a 1,000-term vs a 10,000-term lexicon; time vs comment length
  (10 KB vs 1 MB); peak RSS; cold start on one small file vs proselint.

Medians of ``--runs`` runs. ``--smoke`` runs a tiny version for CI. ``--stage-passes
FILE`` only runs the stages after detection over FILE, for counting their instructions
with callgrind (:func:`stage_passes`).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rhetoric import Analyzer, AnalyzerConfig, Comment, __version__  # noqa: E402

SOURCES = [
    "toxic_spans_semeval2021/train.jsonl",
    "toxic_spans_semeval2021/dev.jsonl",
    "hatexplain/dev.jsonl",
    "pan2024_oppositional_en/dev.jsonl",
    "prct_youtube/dev.jsonl",
    "semeval2020_t11_ptc/train_sents.jsonl",
    "semeval2020_t11_ptc/dev_sents.jsonl",
    "semeval2021_t6_memes/train.jsonl",
]
CIVIL = SOURCES[:2]  # Civil Comments: the comment-sized texts the targets refer to


def load_texts(data: Path) -> tuple[list[str], list[str]]:
    """(Civil Comments texts, all texts), each deduplicated."""
    civil: list[str] = []
    every: list[str] = []
    seen: set[str] = set()
    for source in SOURCES:
        path = data / source
        if not path.exists():
            continue
        for line in path.open(encoding="utf-8"):
            text = json.loads(line)["text"]
            if text and text not in seen:
                seen.add(text)
                every.append(text)
                if source in CIVIL:
                    civil.append(text)
    return civil, every


def build_corpus(texts: list[str], count: int, rng: random.Random) -> list[str]:
    """``count`` comments: the texts shuffled, repeated as needed."""
    pool = texts[:]
    rng.shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def write_jsonl(path: Path, texts: list[str]) -> int:
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": f"c{i}", "text": text}, ensure_ascii=False) + "\n")
    return sum(len(t.encode("utf-8")) for t in texts)


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def installed_command() -> list[str]:
    """The ``rhetoric`` console script a user runs (as proselint is run), else ``-m``.

    Either way the child starts outside the checkout (see ``run_process``), so it
    imports the installed package with its compiled bytecode, not the source tree.
    """
    script = Path(sys.executable).with_name("rhetoric")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rhetoric"]


def run_process(argv: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KB) of one child process, started in the temp folder.

    Started in the project root, ``python -m rhetoric`` would import the checkout's
    sources, which have no bytecode where ``PYTHONDONTWRITEBYTECODE`` is set: every
    start-up would then compile some sixty modules, which no installed copy does.
    """
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir()
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited with {code}")
    return elapsed, usage.ru_maxrss


def lexicon_rule(folder: Path, terms: list[str]) -> Path:
    rules = folder / "loaded-language"
    rules.mkdir(parents=True, exist_ok=True)
    quoted = "\n".join(f"  - {json.dumps(term)}" for term in terms)
    (rules / "big-lexicon.yml").write_text(
        "kind: lexicon\nstatus: stable\nmessage: m\n"
        "why: A generated lexicon for the scaling benchmark.\n"
        f"terms:\n{quoted}\nexamples:\n  flag: ['[[{terms[0]}]]']\n  pass: ['zzzz']\n",
        encoding="utf-8",
    )
    return folder


def vocabulary(
    texts: list[str], size: int, rng: random.Random, skip: set[str] | None = None
) -> list[str]:
    """``size`` terms (four in five single words, the rest two-word phrases) made of
    real words of ``texts``, rare words first, leaving out the words in ``skip``."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in re.findall(r"[A-Za-z]{4,}", text):
            lowered = word.lower()
            if skip is None or lowered not in skip:
                counts[lowered] = counts.get(lowered, 0) + 1
    words = sorted(counts, key=lambda w: (counts[w], w))[: size * 3]
    rng.shuffle(words)
    singles = words[: size * 4 // 5]
    pairs = zip(words[size : size * 2], words[size * 2 : size * 3], strict=False)
    return (singles + [f"{a} {b}" for a, b in pairs])[:size]


def breakdown(analyzer: Analyzer, comments: list[Comment], runs: int) -> dict[str, float]:
    """Where a comment's time goes, in process: clean comments against comments with
    hits, and for the latter the preparation and JSON encoding shares (microseconds
    per comment, medians). Guides optimization; no target refers to it."""
    from rhetoric.outputs.json import json_line
    from rhetoric.text import prepare
    from rhetoric.wire import report_to_dict

    reports = [analyzer.check(c) for c in comments]
    flagged = [c for c, r in zip(comments, reports, strict=True) if r.hits]
    clean = [c for c, r in zip(comments, reports, strict=True) if not r.hits]
    with_hits = [r for r in reports if r.hits]
    texts = [c.text for c in flagged]

    def per_comment(action: Callable[[], object], count: int) -> float:
        return median_time(action, runs) / max(1, count) * 1e6

    # As in `rhetoric check`: the analyzer is frozen out of the cyclic collector, and
    # each result is dropped at once (kept results would make the collector's work,
    # not the analysis, grow with the number of comments measured).
    gc.collect()
    gc.freeze()
    try:
        return {
            "share_with_hits": len(flagged) / max(1, len(comments)),
            "clean_us": per_comment(lambda: drain(map(analyzer.check, clean)), len(clean)),
            "hits_us": per_comment(lambda: drain(map(analyzer.check, flagged)), len(flagged)),
            "hits_prepare_us": per_comment(lambda: drain(map(prepare, texts)), len(texts)),
            "hits_json_us": per_comment(
                lambda: drain(json_line(report_to_dict(r)) for r in with_hits), len(with_hits)
            ),
        }
    finally:
        gc.unfreeze()


STAGES = ("decode", "gate", "prepare", "detectors", "filters", "escalation", "conclude",
          "encode")  # fmt: skip


def stages(
    analyzer: Analyzer, path: Path, runs: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Microseconds per comment in each stage of a record's way through ``rhetoric
    check --input jsonl --format jsonl`` (medians of ``runs``), timed comment by
    comment with the analyzer's own steps: ``decode`` reads the JSONL records;
    ``gate`` is the rule engine's test whether a comment can match at all (folding,
    view words, anchors, prefilters); ``prepare`` the tokens of the comments that
    pass it; ``detectors`` every detector's remaining work and the checks of its
    hits; ``filters`` the filter hooks (and the allowlist); ``escalation`` the
    escalation rules; ``conclude`` merging, scoring, the report and its hooks;
    ``encode`` the JSONL line. Only the run around them (reading ahead, id
    bookkeeping, progress, start-up) is left out. ``clock``: ``time.process_time``
    compares versions on a loaded machine better than wall time."""
    from io import StringIO

    from rhetoric import Document
    from rhetoric.analyzer import Detection
    from rhetoric.check.inputs import ReadOptions, read_records
    from rhetoric.outputs.base import Outcome
    from rhetoric.outputs.json import JsonlFormatter

    rules = analyzer.detectors[0]
    skip_plain = getattr(rules, "_skip_plain", False)
    read = ReadOptions(input_format="jsonl")
    totals: dict[str, list[float]] = {stage: [] for stage in STAGES}
    count = 0
    gc.collect()
    gc.freeze()
    try:
        for _ in range(runs):
            spent = dict.fromkeys(STAGES, 0.0)
            started = clock()
            records = [r for r in read_records(str(path), read) if r.comment is not None]
            spent["decode"] = clock() - started
            # A stream holds one record at a time: the cyclic collector must not walk
            # the 10,000 kept here again and again, which `rhetoric check` never does.
            gc.collect()
            gc.freeze()
            count = len(records)
            sink = StringIO()
            formatter = JsonlFormatter(sink)
            for record in records:
                comment = record.comment
                assert comment is not None
                t0 = clock()
                doc = Document.of(comment)
                skipped = skip_plain and rules._cannot_fire(doc)[0]
                t1 = clock()
                if not skipped:
                    doc.prepared  # noqa: B018 (prepared once, kept by the document)
                t2 = clock()
                errors: list = []  # type: ignore[type-arg]
                limit = analyzer._budget.allowed(len(doc.text))  # as Analyzer.detect does
                hits = analyzer._detect(doc, errors, limit)
                t3 = clock()
                if hits and analyzer._filters:
                    hits = analyzer._filter(hits, doc, errors, limit)
                if hits and analyzer._allowed:
                    allowed = analyzer._allowed
                    hits = [h for h in hits if " ".join(h.text.casefold().split()) not in allowed]
                t4 = clock()
                if hits and analyzer._escalations:
                    hits = analyzer._escalations.apply(hits, comment.text)
                t5 = clock()
                detection = Detection(comment, tuple(hits), tuple(errors), doc)
                report = analyzer.conclude(detection).report
                t6 = clock()
                formatter.write(Outcome(record, report))
                t7 = clock()
                sink.seek(0)
                sink.truncate()
                spent["gate"] += t1 - t0
                spent["prepare"] += t2 - t1
                spent["detectors"] += t3 - t2
                spent["filters"] += t4 - t3
                spent["escalation"] += t5 - t4
                spent["conclude"] += t6 - t5
                spent["encode"] += t7 - t6
            del records
            for stage in STAGES:
                totals[stage].append(spent[stage])
    finally:
        gc.unfreeze()
    return {stage: statistics.median(totals[stage]) / max(1, count) * 1e6 for stage in STAGES}


def stage_passes(analyzer: Analyzer, path: Path) -> None:
    """Run the stages after detection once each over the comments of the JSONL file
    ``path``, for counting their instructions: the filter hooks inside
    ``itertools.starmap``, the conclusion (merging, scores, report hooks) inside
    ``itertools.filterfalse`` and the JSONL record inside ``itertools.takewhile``
    (rhetoric itself uses none of the three), with their inputs made beforehand and
    the collector frozen before each pass. Under ``valgrind --tool=callgrind``,
    ``callgrind_annotate --inclusive=yes --threshold=100`` then gives each stage's
    instructions as the inclusive cost of ``starmap_next``, ``filterfalse_next`` and
    ``takewhile_next`` (``--stage-passes FILE``)."""
    import itertools
    from io import StringIO

    from rhetoric import Document
    from rhetoric.analyzer import Detection
    from rhetoric.check.inputs import ReadOptions, read_records
    from rhetoric.outputs.base import Outcome
    from rhetoric.outputs.json import JsonlFormatter

    records = [r for r in read_records(str(path), ReadOptions("jsonl")) if r.comment is not None]
    found = []
    for record in records:
        assert record.comment is not None
        doc = Document.of(record.comment)
        errors: list = []  # type: ignore[type-arg]
        limit = analyzer._budget.allowed(len(doc.text))  # as Analyzer.detect does
        found.append((doc, analyzer._detect(doc, errors, limit), errors))

    def filtered(doc: Document, hits: list, errors: list) -> list:  # type: ignore[type-arg]
        if hits and analyzer._filters:
            hits = analyzer._filter(hits, doc, errors, analyzer._budget.allowed(len(doc.text)))
        if hits and analyzer._allowed:
            allowed = analyzer._allowed
            hits = [h for h in hits if " ".join(h.text.casefold().split()) not in allowed]
        return hits

    gc.collect()
    gc.freeze()
    kept = list(itertools.starmap(filtered, found))
    detections = []
    for (doc, _, errors), hits in zip(found, kept, strict=True):
        if hits and analyzer._escalations:
            hits = analyzer._escalations.apply(hits, doc.text)
        detections.append(Detection(doc.comment, tuple(hits), tuple(errors), doc))
    reports: list = []  # type: ignore[type-arg]
    gc.collect()
    gc.freeze()
    drain(itertools.filterfalse(lambda d: reports.append(analyzer.conclude(d).report), detections))
    sink = StringIO()
    formatter = JsonlFormatter(sink)
    outcomes = [Outcome(r, report) for r, report in zip(records, reports, strict=True)]

    def encoded(outcome: Outcome) -> bool:
        formatter.write(outcome)
        sink.seek(0)
        sink.truncate()
        return True

    gc.collect()
    gc.freeze()
    drain(itertools.takewhile(encoded, outcomes))
    gc.unfreeze()


def drain(results: Iterable[object]) -> None:
    """Consume ``results`` keeping none of them (as a stream of comments does)."""
    collections.deque(results, maxlen=0)


def fmt_rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def common_arguments(description: str) -> argparse.ArgumentParser:
    """A parser with the options every benchmark writing docs/performance.md takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--runs", type=int, default=5)
    return parser


def main() -> int:
    parser = common_arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--peers-python", default=None, help="python with the Python peers installed"
    )
    parser.add_argument(
        "--peers-node", type=Path, default=None, help="folder with node_modules/alex"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no document written")
    parser.add_argument(
        "--stage-passes",
        type=Path,
        default=None,
        metavar="FILE",
        help="only run the stages after detection once over FILE (JSONL), for callgrind",
    )
    args = parser.parse_args()
    if args.stage_passes is not None:
        # No plugin budget: under valgrind a plugin can overrun its wall-clock budget
        # on a loaded machine, and the reports (so the counts) would change.
        stage_passes(Analyzer.from_config(AnalyzerConfig(plugin_timeout=None)), args.stage_passes)
        return 0
    if not args.data.is_dir():
        print(f"skipped: corpus folder {args.data} is not present", file=sys.stderr)
        return 0
    rng = random.Random(2026)
    civil, every = load_texts(args.data)
    small, large = (200, 1_000) if args.smoke else (10_000, 100_000)
    runs = 1 if args.smoke else args.runs
    work = Path(tempfile.mkdtemp(prefix="rhetoric-bench-"))
    env = {**os.environ, "RHETORIC_CACHE_DIR": str(work / "cache")}
    results: dict[str, object] = {"load": [_load()]}
    try:
        corpus_small = build_corpus(civil, small, rng)
        corpus_large = build_corpus(every, large, rng)
        small_path, large_path = work / "small.jsonl", work / "large.jsonl"
        small_bytes = write_jsonl(small_path, corpus_small)
        large_bytes = write_jsonl(large_path, corpus_large)
        results["corpus"] = {
            "small": [small, small_bytes / small],
            "large": [large, large_bytes / large],
        }
        log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
        rhetoric = installed_command()

        # whole process, one core and all cores
        whole = [*rhetoric, "check", str(large_path), "--input", "jsonl", "--format", "jsonl"]
        os.environ["RHETORIC_CACHE_DIR"] = env["RHETORIC_CACHE_DIR"]
        times, peaks = [], []
        for _ in range(runs):
            seconds, peak = run_process([*whole, "--jobs", "1", "-o", os.devnull])
            times.append(seconds)
            peaks.append(peak)
        one_core = statistics.median(times)
        all_cores = statistics.median(
            run_process([*whole, "-o", os.devnull])[0] for _ in range(runs)
        )
        civil_seconds = statistics.median(
            run_process([*rhetoric, "check", str(small_path), "--input", "jsonl",
                         "--format", "jsonl", "--jobs", "1", "-o", os.devnull])[0]
            for _ in range(runs)
        )  # fmt: skip
        results["whole_process_civil"] = {"rate": small / civil_seconds}
        results["whole_process"] = {"seconds": one_core, "rate": large / one_core,
                                    "mb_s": large_bytes / one_core / 1e6,
                                    "all_cores_rate": large / all_cores,
                                    "peak_rss_mb": max(peaks) / 1024}  # fmt: skip
        log(f"whole process: {large / one_core:,.0f} comments/s (one core)")

        # in process: matching only, and the floor
        analyzer = Analyzer.from_config(AnalyzerConfig())
        comments = [Comment(str(i), t) for i, t in enumerate(corpus_small)]
        matching = median_time(lambda: drain(map(analyzer.check, comments)), runs)
        word = re.compile(r"\w+")
        floor = median_time(lambda: [word.findall(t) for t in corpus_small], runs)
        results["matching"] = {"rate": small / matching, "mb_s": small_bytes / matching / 1e6}
        results["floor"] = {"rate": small / floor, "mb_s": small_bytes / floor / 1e6}
        log(f"matching only: {small / matching:,.0f} comments/s; floor {small / floor:,.0f}")
        results["breakdown"] = breakdown(analyzer, comments, runs)
        results["stages"] = stages(analyzer, small_path, runs)
        log("stages (µs per comment): " + ", ".join(
            f"{name} {value:.1f}" for name, value in results["stages"].items()))  # fmt: skip

        # lexicon size: 1,000 vs 10,000 terms (one generated rule, nothing else), twice:
        # with words absent from the comments (the matcher's own cost) and with real
        # words of the comments (matching plus the cost of the extra hits they cause)
        present = {w.lower() for t in corpus_small for w in re.findall(r"[A-Za-z]+", t)}
        sample = set(corpus_small)
        pools = {"absent": [t for t in every if t not in sample], "present": corpus_small}
        for label, pool in pools.items():
            scaling, hits = {}, {}
            for size in (1_000, 10_000):
                terms = vocabulary(pool, size, rng, skip=present if label == "absent" else None)
                folder = lexicon_rule(work / f"lexicon-{label}-{size}", terms)
                config = AnalyzerConfig(
                    rule_paths=(folder,), disabled_plugins=frozenset({"builtin-rules"})
                )
                engine = Analyzer.from_config(config)
                scaling[size] = median_time(lambda e=engine: [e.check(c) for c in comments], runs)
                hits[size] = sum(len(engine.check(c).hits) for c in comments)
            results[f"lexicon_scaling_{label}"] = {
                "1000": scaling[1_000], "10000": scaling[10_000],
                "ratio": scaling[10_000] / scaling[1_000], "hits": [hits[1_000], hits[10_000]],
            }  # fmt: skip
            log(f"lexicon ({label}) 1k -> 10k: x{scaling[10_000] / scaling[1_000]:.2f}")

        # comment length: 10 KB vs 1 MB
        joined = " ".join(every)
        lengths = {}
        for size in (10_000, 1_000_000):
            text = (joined * (1 + size // max(1, len(joined))))[:size]
            lengths[size] = median_time(lambda t=text: analyzer.check(t), max(1, runs // 2))
        # Linearity needs like content: the 10 KB text 100 times over. (The 1 MB prefix
        # above mixes in other corpora, whose texts cost more per character.)
        repeated = (" ".join(every) * (1 + 10_000 // max(1, len(" ".join(every)))))[:10_000]
        same = median_time(lambda: analyzer.check(repeated * 100), max(1, runs // 2))
        results["length_scaling"] = {"10KB": lengths[10_000], "1MB": lengths[1_000_000],
                                     "ratio": lengths[1_000_000] / lengths[10_000],
                                     "1MB_same": same,
                                     "ratio_same": same / lengths[10_000]}  # fmt: skip
        log(f"10 KB -> 1 MB: x{lengths[1_000_000] / lengths[10_000]:.1f}")

        # cold start on one small file (warm compiled-rules cache)
        one = work / "one.txt"
        one.write_text("\n".join(corpus_small[:5]) + "\n", encoding="utf-8")
        run_process([*rhetoric, "check", str(one)])  # warms the cache
        cold = statistics.median(
            run_process([*rhetoric, "check", str(one)])[0] for _ in range(runs)
        )
        results["cold_start"] = {"rhetoric": cold}
        log(f"cold start: {cold:.3f} s")

        # peers
        peers: dict[str, float] = {}
        limit = 200 if args.smoke else 1_000
        if args.peers_python:
            script = ROOT / "bench" / "peers" / "python_peers.py"
            done = subprocess.run([args.peers_python, str(script), str(small_path), str(limit)],
                                  capture_output=True, text=True, check=True)  # fmt: skip
            peers.update(json.loads(done.stdout.strip().splitlines()[-1]))
            proselint = Path(args.peers_python).parent / "proselint"
            if proselint.exists():
                results["cold_start"]["proselint"] = statistics.median(  # type: ignore[index]
                    run_process([str(proselint), "check", str(one)])[0] for _ in range(runs)
                )
        if args.peers_node and (args.peers_node / "node_modules" / "alex").exists():
            node = shutil.which("node")
            script = args.peers_node / "alex_peer.mjs"
            shutil.copy(ROOT / "bench" / "peers" / "alex_peer.mjs", script)
            if node:
                command = [node, str(script), str(small_path), str(limit)]
                done = subprocess.run(
                    command, capture_output=True, text=True, check=True, cwd=args.peers_node
                )
                peers.update(json.loads(done.stdout.strip().splitlines()[-1]))
        results["peers"] = peers
        log(f"peers: {peers}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load"].append(_load())  # type: ignore[attr-defined]
    print(json.dumps(results, indent=2))
    if not args.smoke:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render(results, runs) + kept_sections(args.out), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _load() -> float | None:
    """The 1-minute load average (None where the system has none): wall times on a
    shared machine mean little without it, so the document states it."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def load_note(loads: list[float | None]) -> str:
    """How busy the machine was, for the document's first paragraph."""
    if len(loads) < 2 or None in loads:
        return "Load average not available."
    return (
        f"Load average (1 minute) {loads[0]:.1f} at the start and {loads[1]:.1f} at the end "
        f"on {os.cpu_count()} cores: at a load above the core count, wall times include "
        "waiting for a core."
    )


def kept_sections(path: Path) -> str:
    """The sections other benchmarks wrote into ``path`` (between ``<!-- NAME:start -->``
    and ``<!-- NAME:end -->``, e.g. bench/service_load.py's), carried over unchanged."""
    if not path.exists():
        return ""
    pattern = re.compile(r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", flags=re.S)
    return "".join(f"\n{m.group(0)}\n" for m in pattern.finditer(path.read_text("utf-8")))


def render(results: dict, runs: int) -> str:  # type: ignore[type-arg]
    whole = results["whole_process"]
    peers = results["peers"]
    rate = whole["rate"]
    civil = results["whole_process_civil"]["rate"]
    parts = results["breakdown"]

    def ratio(name: str) -> str:
        return f"{rate / peers[name]:,.1f}x" if name in peers else "not measured"

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lex = results["lexicon_scaling_absent"]
    real = results["lexicon_scaling_present"]
    length, cold = results["length_scaling"], results["cold_start"]
    small, large = results["corpus"]["small"], results["corpus"]["large"]
    lines = [
        "# Performance",
        "",
        f"Produced by `python bench/performance.py --peers-python PY --peers-node DIR` "
        f"(rhetoric {__version__}, {dt.date.today().isoformat()}, medians of {runs} runs, one run "
        "for all figures so ratios compare like with like). Machine: the project's 2-core "
        "workplace machine, shared and noisy. Corpus: texts from `../shared/data` "
        f"({small[0]:,} Civil Comments of {small[1]:.0f} bytes on average for in-process "
        f"figures; {large[0]:,} comments of {large[1]:.0f} bytes on average, all corpora, "
        "repeated as needed, for the whole process). " + load_note(results.get("load", [])),
        "",
        "| measure | value | target | met |",
        "|---|---:|---|---|",
        f"| whole process, one core (`check --input jsonl --format jsonl --jobs 1`) | "
        f"{rate:,.0f} comments/s ({whole['mb_s']:.1f} MB/s) | >= 30,000 comments/s | "
        f"{met(rate >= 30_000)} |",
        f"| whole process, all cores | {whole['all_cores_rate']:,.0f} comments/s | - | - |",
        f"| whole process, one core, the peers' {small[0]:,} Civil Comments | "
        f"{civil:,.0f} comments/s | - | - |",
        f"| matching only (in process, no I/O) | {fmt_rate(results['matching']['rate'])} "
        f"comments/s ({results['matching']['mb_s']:.1f} MB/s) | - | - |",
        f"| tokenization floor (`re.findall(r'\\w+')`) | {fmt_rate(results['floor']['rate'])} "
        f"comments/s ({results['floor']['mb_s']:.1f} MB/s) | - | - |",
        f"| vs proselint | {ratio('proselint')} | >= 50x | "
        f"{met('proselint' in peers and rate / peers['proselint'] >= 50)} |",
        f"| vs better-profanity | {ratio('better-profanity')} | >= 1,000x | "
        f"{met('better-profanity' in peers and rate / peers['better-profanity'] >= 1000)} |",
        f"| vs alt-profanity-check, one batch call | {ratio('alt-profanity-check (one batch)')} | "
        f">= 1x | {met(peers.get('alt-profanity-check (one batch)', float('inf')) <= rate)} |",
        f"| lexicon 1,000 -> 10,000 terms absent from the comments (matcher cost) | "
        f"x{lex['ratio']:.2f} ({lex['1000']:.2f} s -> {lex['10000']:.2f} s) | <= 1.3x | "
        f"{met(lex['ratio'] <= 1.3)} |",
        f"| lexicon 1,000 -> 10,000 words of the comments (matching + {real['hits'][0]:,} -> "
        f"{real['hits'][1]:,} hits) | x{real['ratio']:.2f} ({real['1000']:.2f} s -> "
        f"{real['10000']:.2f} s) | - | - |",
        f"| comment 10 KB -> 1 MB of the same text (the 10 KB repeated) | "
        f"x{length['ratio_same']:.0f} ({length['10KB'] * 1000:.1f} ms -> "
        f"{length['1MB_same'] * 1000:.0f} ms) | about 100x (linear) | "
        f"{met(length['ratio_same'] <= 150)} |",
        f"| comment 10 KB -> 1 MB prefix of all corpora (costlier text mixed in) | "
        f"x{length['ratio']:.0f} ({length['10KB'] * 1000:.1f} ms -> "
        f"{length['1MB'] * 1000:.0f} ms) | - | - |",
        f"| peak RSS, whole process | {whole['peak_rss_mb']:.0f} MB | <= 150 MB | "
        f"{met(whole['peak_rss_mb'] <= 150)} |",
        f"| cold start, one small file, warm cache | {cold['rhetoric']:.3f} s | <= 0.3 s | "
        f"{met(cold['rhetoric'] <= 0.3)} |",
        f"| cold start, proselint on the same file | {cold['proselint']:.3f} s | - | - |"
        if "proselint" in cold
        else "| cold start, proselint | not measured | - | - |",
        "",
        "## Peers (comments/s on the same Civil Comments)",
        "",
        f"The first ratio uses the {large[0]:,}-comment whole-process rate of the table above "
        "(the targets' definition); the second rhetoric's whole process on the peers' own "
        "comments.",
        "",
        f"| peer | comments/s | rhetoric ({large[0]:,}, all corpora) is "
        "| rhetoric (same comments) is |",
        "|---|---:|---:|---:|",
        *[
            f"| {name} | {value:,.0f} | {rate / value:,.1f}x | {civil / value:,.1f}x |"
            for name, value in sorted(peers.items())
        ],
        "",
        "## Where the time goes",
        "",
        f"In process on the {small[0]:,} Civil Comments, microseconds per comment (medians; "
        "the analyzer frozen out of the cyclic collector and each result dropped, as in "
        "`rhetoric check`). "
        f"{parts['share_with_hits']:.0%} of them get at least one hit. Most clean comments "
        "are settled by a set test on their words (no rule's anchor requirement met) and "
        "never tokenized; every comment with a hit pays for preparation, the token trie, "
        "templates, plugin filters, merging and its JSON record. At 30,000 comments/s the "
        "whole budget is 33 µs per comment, JSON in and out included.",
        "",
        "| part | µs per comment |",
        "|---|---:|",
        f"| clean comment, whole analysis | {parts['clean_us']:.1f} |",
        f"| comment with hits, whole analysis | {parts['hits_us']:.1f} |",
        f"| ... of which preparation (normalize, tokenize) | {parts['hits_prepare_us']:.1f} |",
        f"| comment with hits, JSON record (`report_to_dict` + encode) | "
        f"{parts['hits_json_us']:.1f} |",
        f"| tokenization floor (`re.findall(r'\\w+')`) | {1e6 / results['floor']['rate']:.1f} |",
        "",
        *stage_lines(results),
    ]
    return "\n".join(lines)


def stage_lines(results: dict) -> list[str]:  # type: ignore[type-arg]
    """The table of stages (see :func:`stages`) beside the whole process on the same
    comments, whose remainder is the run around the stages and start-up."""
    table = results.get("stages")
    if not table:
        return []
    small = results["corpus"]["small"][0]
    total = sum(table.values())
    whole = 1e6 / results["whole_process_civil"]["rate"]
    start_up = results["cold_start"]["rhetoric"] / small * 1e6
    return [
        "### Stages of one record",
        "",
        f"The same {small:,} Civil Comments, each timed stage by stage as `rhetoric check "
        "--input jsonl --format jsonl` takes it (`stages()` in bench/performance.py; "
        "microseconds per comment, medians). The rule engine's `detect` repeats the "
        "gate's anchor test on the facts the gate computed: that repeat counts under "
        "detectors.",
        "",
        "| stage | µs per comment | share |",
        "|---|---:|---:|",
        *[f"| {name} | {value:.1f} | {value / total:.0%} |" for name, value in table.items()],
        f"| **sum of the stages** | **{total:.1f}** | 100% |",
        f"| whole process on these comments (`check --jobs 1`) | {whole:.1f} | - |",
        f"| ... of which start-up (cold start / {small:,}) | {start_up:.1f} | - |",
        f"| ... of which the run around the stages | {whole - total - start_up:.1f} | - |",
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
