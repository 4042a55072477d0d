"""Cross-validate a document head of ``rhetoric train`` against the rules alone.

    python bench/doc_model_cv.py [--gold ../shared/data/pan2024_oppositional_en/dev.jsonl]
        [--map 'conspiracy-framing=doc:CONSPIRACY'] [--folds 5] [--seed 0]
        [--work /tmp/doc-model-cv] [--no-sweep] [--no-cv] [--train-also FILE ...]
        [--also FILE ...] [--also-map FILE MAP ...] [-- EXTRA TRAIN FLAGS]

Why: a corpus with no training split (PAN 2024, PRCT) can still judge a document model
honestly when every record is scored by a model that never saw it. The records are cut
into ``--folds`` folds by the crc32 of ``SEED:id`` (the same folds every run); for each
fold, ``rhetoric train`` learns from the other folds (its own held-out fifth of them
chooses the threshold, never the test fold) and ``rhetoric eval`` scores the test fold
with the rules alone and with ``--model``. Document counts are summed over the folds, so
the figures cover every record once. A single fold is a hundred records: judge changes
on the sums only.

It also prints, for the same folds, the union of the rules and the model at every
threshold of the grid (the model's probabilities computed once per fold), and with
``--also FILE`` trains one model on the whole gold file and counts the documents of
FILE that the rules, and the rules with the model, report (false alarms when FILE has
none of the map's labels; ``--also-map FILE MAP`` scores FILE against its own map
instead). ``--train-also FILE`` adds records to every training set (texts known not to
hold the label, say), never to a test fold. Nothing is copied into the project: folds and
models go to ``--work``. Without the gold file (``../shared`` absent) it says so and
exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package
from train_halves import rhetoric  # one way to run the command line, shared

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEFAULT_GOLD = DATA / "pan2024_oppositional_en" / "dev.jsonl"
DEFAULT_MAP = "conspiracy-framing=doc:CONSPIRACY"
GRID = tuple(step / 20 for step in range(1, 20))


def fold_of(record_id: str, folds: int, seed: int) -> int:
    """The fold of a record: crc32 of ``SEED:id`` modulo ``folds``."""
    return zlib.crc32(f"{seed}:{record_id}".encode()) % folds


def split(gold: Path, work: Path, folds: int, seed: int) -> list[tuple[Path, Path]]:
    """Write, per fold, its records (test) and everyone else's (train)."""
    lines = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    where = [fold_of(str(json.loads(line).get("id", n)), folds, seed) for n, line in
             enumerate(lines, start=1)]  # fmt: skip
    out = []
    for k in range(folds):
        test, train = work / f"fold{k}-test.jsonl", work / f"fold{k}-train.jsonl"
        test.write_text("".join(f"{x}\n" for x, f in zip(lines, where, strict=True) if f == k))
        train.write_text("".join(f"{x}\n" for x, f in zip(lines, where, strict=True) if f != k))
        out.append((train, test))
    return out


@dataclass
class Counts:
    """Document counts: true positives, predicted, gold."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return 100 * p, 100 * r, (200 * self.tp / (self.predicted + self.gold)
                                  if self.predicted + self.gold else 0.0)  # fmt: skip

    def row(self) -> str:
        p, r, f = self.prf()
        return f"{p:.1f} / {r:.1f} / **{f:.1f}** ({self.tp}/{self.predicted}/{self.gold})"


def doc_counts(gold: Path, mapping: str, *flags: str) -> Counts:
    """``rhetoric eval``'s document counts for one target."""
    result = json.loads(rhetoric("eval", str(gold), "--map", mapping, "--isolated",
                                 "--format", "json", *flags))  # fmt: skip
    doc = result["targets"][0]["document"]
    predicted, gold_n = doc["predicted"], doc["gold"]
    tp = round((doc["precision"] or 0.0) * predicted)
    return Counts(tp, predicted, gold_n)


def flagged(path: Path, technique: str, *flags: str) -> int:
    """How many records of a JSONL file ``rhetoric check`` reports ``technique`` in."""
    out = rhetoric("check", str(path), "--format", "jsonl", "--isolated", "--fail-on", "never",
                   "--jobs", "1", *flags)  # fmt: skip
    return sum(
        any(h["technique"] == technique for h in json.loads(line).get("hits", ()))
        for line in out.splitlines()
        if line.strip()
    )


def union_sweep(test: Path, model: Path, mapping: str) -> dict[float, Counts]:
    """The rules' and the model's union on ``test`` at each cut of :data:`GRID`: a
    document is predicted when the rules report the technique or the head's probability
    reaches the cut (the model's own threshold row matches ``rhetoric eval --model``)."""
    from rhetoric_plugins import scorer

    from rhetoric import Analyzer, AnalyzerConfig, Comment

    technique, label = mapping.split("=", 1)
    label = label.removeprefix("doc:")
    loaded = scorer.load_model(model)
    head = next(h for h in loaded.heads if h.kind == "doc")
    analyzer = Analyzer.from_config(AnalyzerConfig())
    out = {cut: Counts() for cut in GRID}
    for line in test.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text, positive = record["text"], record.get("label") == label
        rules = any(h.technique == technique for h in analyzer.check(Comment("r", text)).hits)
        items = scorer.words(text)
        p = scorer._sigmoid(loaded.document_score(head, items)) if items else 0.0
        for cut, counts in out.items():
            said = rules or p >= cut
            counts.tp += said and positive
            counts.predicted += said
            counts.gold += positive
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--map", dest="mapping", default=DEFAULT_MAP)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/doc-model-cv"))
    parser.add_argument("--no-sweep", action="store_true", help="skip the threshold table")
    parser.add_argument("--no-cv", action="store_true", help="only the --also tables")
    parser.add_argument(
        "--also", type=Path, action="append", default=[], metavar="FILE",
        help="count the documents a model trained on all of GOLD reports here",
    )  # fmt: skip
    parser.add_argument(
        "--also-map", nargs=2, action="append", default=[], metavar=("FILE", "MAP"),
        help="the same, scored against another corpus's own map",
    )  # fmt: skip
    parser.add_argument(
        "--train-also", type=Path, action="append", default=[], metavar="FILE",
        help="more training records for every model (e.g. texts known not to hold the label)",
    )  # fmt: skip
    parser.add_argument("extra", nargs="*", help="flags for rhetoric train (after --)")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"skipped: no gold file at {args.gold} (the shared data folder is absent)")
        return 0
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.no_cv:
        cross_validate(args)
    also = [(path, args.mapping) for path in args.also]
    also += [(Path(path), mapping) for path, mapping in args.also_map]
    if also:
        transfer(args, also)
    return 0


def cross_validate(args: argparse.Namespace) -> None:
    """The fold table, its sums and (unless ``--no-sweep``) the threshold table."""
    rules, union, alone = Counts(), Counts(), Counts()
    sweep = {cut: Counts() for cut in GRID}
    print(f"{args.gold.name}, --map '{args.mapping}', {args.folds} folds (seed {args.seed}), "
          f"train flags: {' '.join(args.extra) or '(defaults)'}, also trained on: "
          f"{', '.join(p.name for p in args.train_also) or '(nothing)'}\n")  # fmt: skip
    print("| fold | threshold | rules P / R / F1 (tp/pred/gold) | rules + model | model alone |")
    print("|---|---:|---|---|---|")
    seconds = 0.0
    for k, (train, test) in enumerate(split(args.gold, args.work, args.folds, args.seed)):
        model = args.work / f"fold{k}.json.gz"
        started = time.perf_counter()
        more = [str(p) for p in args.train_also]
        rhetoric("train", str(train), *more, "--map", args.mapping, "-o", str(model), "-q",
                 *args.extra)  # fmt: skip
        seconds += time.perf_counter() - started
        threshold = next(h for h in read_heads(model) if h["kind"] == "doc")["threshold"]
        fold = [doc_counts(test, args.mapping), doc_counts(test, args.mapping, "--model",
                str(model)), doc_counts(test, args.mapping, "--model", str(model), "--select",
                "model")]  # fmt: skip
        for total, counts in zip((rules, union, alone), fold, strict=True):
            total.add(counts)
        print(f"| {k} | {threshold:.2f} | " + " | ".join(c.row() for c in fold) + " |")
        if not args.no_sweep:
            for cut, counts in union_sweep(test, model, args.mapping).items():
                sweep[cut].add(counts)
    print(f"| **sum** | | {rules.row()} | {union.row()} | {alone.row()} |")
    print(f"\ntraining: {seconds / args.folds:.1f} s per fold")
    if not args.no_sweep:
        print("\nThe union at a fixed threshold, summed over the folds:\n")
        print("| threshold | rules + model P / R / F1 (tp/pred/gold) |")
        print("|---:|---|")
        for cut, counts in sweep.items():
            print(f"| {cut:.2f} | {counts.row()} |")


def transfer(args: argparse.Namespace, also: list[tuple[Path, str]]) -> None:
    """Documents a model trained on the whole gold file reports in other corpora."""
    whole = args.work / "whole.json.gz"
    more = [str(p) for p in args.train_also]
    rhetoric("train", str(args.gold), *more, "--map", args.mapping, "-o", str(whole), "-q",
             *args.extra)  # fmt: skip
    (head,) = [h for h in read_heads(whole) if h["kind"] == "doc"]
    print(f"\nA model trained on all of {args.gold.name} (threshold "
          f"{head['threshold']:.2f}): documents reported\n")  # fmt: skip
    print("| file | map | documents | rules | rules + model | model alone |")
    print("|---|---|---:|---:|---:|---:|")
    runs = ((), ("--model", str(whole)), ("--model", str(whole), "--select", "model"))
    technique = args.mapping.split("=", 1)[0]
    for path, mapping in also:
        size = sum(1 for line in path.open(encoding="utf-8") if line.strip())
        if mapping == args.mapping:  # texts without the label: documents reported
            cells = [str(flagged(path, technique, *flags)) for flags in runs]
        else:
            counts = [doc_counts(path, mapping, *flags) for flags in runs]
            cells = [f"{c.predicted} ({c.tp} right, F1 {c.prf()[2]:.1f})" for c in counts]
        print(f"| {path.parent.name}/{path.name} | `{mapping}` | {size} | "
              + " | ".join(cells) + " |")  # fmt: skip


def read_heads(model: Path) -> list[dict[str, Any]]:
    from rhetoric_plugins import scorer

    heads: list[dict[str, Any]] = scorer.read_document(model)["heads"]
    return heads


if __name__ == "__main__":
    raise SystemExit(main())
