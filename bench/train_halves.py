"""Cross-measure a trained scorer on two halves of a training split, split by document.

    python bench/train_halves.py [--gold ../shared/data/semeval2020_t11_ptc/train_sents.jsonl]
        [--map ...] [--work /tmp/train-halves] [-- EXTRA TRAIN FLAGS]

Why: a change to ``rhetoric train`` (features, threshold choice, prior, hit shapes) must be
judged on data the model has not seen, and the development split is for the last check
only. The gold records are cut into two halves by the crc32 of their document (the id
before its last ':', as the PTC sentence files name them), so the sentences of one
article never sit on both sides; a model is trained on each half with the given flags
(defaults when none) and measured on the other with ``rhetoric eval --model``, next to
the rules alone. The rules were written on the whole training split, so their own
figures here are in-sample (optimistic), and so is their part of every union.

Nothing is copied into the project: the halves and the models go to ``--work``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

from rhetoric.quality.training import document_of

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "semeval2020_t11_ptc" / "train_sents.jsonl"
DEFAULT_MAPS = ("name-calling=Name_Calling,Labeling", "loaded-language=Loaded_Language")


def document(record: dict[str, object]) -> str:
    """The document a record belongs to: ``article_id`` when given, else the id's
    part before its last ':', as ``rhetoric train`` reads it (the record itself when
    it has none)."""
    given = record.get("article_id")
    if isinstance(given, str) and given:
        return given
    record_id = str(record.get("id", ""))
    return document_of(record_id) or record_id


def split(gold: Path, work: Path) -> list[Path]:
    """Write the two halves of ``gold`` (by the crc32 of each record's document)."""
    paths = [work / f"half{i}.jsonl" for i in (0, 1)]
    outs = [p.open("w", encoding="utf-8") for p in paths]
    try:
        with gold.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    half = zlib.crc32(document(json.loads(line)).encode()) % 2
                    outs[half].write(line)
    finally:
        for out in outs:
            out.close()
    return paths


def rhetoric(*args: str) -> str:
    """Run the rhetoric command line of this interpreter; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "rhetoric", *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"rhetoric {' '.join(args[:2])} failed:\n{done.stderr}")
    return done.stdout


def span_figures(gold: Path, maps: list[str], model: Path | None) -> dict[str, tuple[float, ...]]:
    """Span-overlap precision, recall and F1 per target (percent)."""
    flags = [x for m in maps for x in ("--map", m)]
    if model is not None:
        flags += ["--model", str(model)]
    result = json.loads(rhetoric("eval", str(gold), *flags, "--format", "json"))
    out = {}
    for target in result["targets"]:
        span = target["span_overlap"]
        name = target["target"].split("=", 1)[0]
        out[name] = tuple(100 * (span[k] or 0.0) for k in ("precision", "recall", "f1"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--map", dest="maps", action="append", default=[])
    parser.add_argument("--work", type=Path, default=Path("/tmp/train-halves"))
    parser.add_argument("extra", nargs="*", help="flags for rhetoric train (after --)")
    args = parser.parse_args(argv)
    maps = args.maps or list(DEFAULT_MAPS)
    if not args.gold.is_file():
        raise SystemExit(f"no gold file at {args.gold}")
    args.work.mkdir(parents=True, exist_ok=True)
    halves = split(args.gold, args.work)
    flags = [x for m in maps for x in ("--map", m)]
    print("| measured on | target | rules P / R / F1 | rules + model P / R / F1 | train s |")
    print("|---|---|---|---|---:|")
    for i, trained_on in enumerate(halves):
        model = args.work / f"model{i}.json.gz"
        started = time.perf_counter()
        rhetoric("train", str(trained_on), *flags, "-o", str(model), "-q", *args.extra)
        seconds = time.perf_counter() - started
        scored = halves[1 - i]
        rules = span_figures(scored, maps, None)
        joined = span_figures(scored, maps, model)
        for name in rules:
            before = " / ".join(f"{x:.1f}" for x in rules[name])
            after = " / ".join(f"{x:.1f}" for x in joined[name])
            print(f"| half {1 - i} | {name} | {before} | {after} | {seconds:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
