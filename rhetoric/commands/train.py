"""``rhetoric train GOLD.jsonl --map TECH=LABEL -o MODEL``: learn a statistical scorer
from labeled data, for the ``scorer`` plugin (``--model MODEL``)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TextIO

from ..analyzer import Analyzer
from ..config import AnalyzerConfig
from ..quality.neural import train_neural
from ..quality.training import TrainingError, TrainOptions, scorer, train
from . import EXIT_OK, UsageError


def ngram_range(value: str) -> tuple[int, int]:
    """``3-5`` -> (3, 5); ``0`` -> no character n-grams."""
    if value.strip() == "0":
        return (0, 0)
    low, _, high = value.partition("-")
    try:
        pair = (int(low), int(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N-M or 0, got {value!r}") from None
    if not 1 <= pair[0] <= pair[1] <= 8:
        raise argparse.ArgumentTypeError("n-gram lengths must satisfy 1 <= N <= M <= 8")
    return pair


def command_line(args: argparse.Namespace) -> str:
    """The command that trains this model again (recorded in the model file)."""
    parts = ["rhetoric", "train", *args.gold]
    for mapping in args.maps:
        parts += ["--map", mapping]
    parts += ["-o", args.output]
    if args.name:
        parts += ["--name", args.name]
    low, high = args.char_ngrams
    defaults = {"--char-ngrams": "3-5", "--context": "2", "--c": "0.3", "--warning-at": "0.8",
                "--status": "stable", "--max-features": "50000", "--min-count": "2",
                "--extras": ""}  # fmt: skip
    given = {
        "--char-ngrams": "0" if not low else f"{low}-{high}",
        "--context": str(args.context),
        "--c": str(args.c),
        "--warning-at": str(args.warning_at),
        "--status": args.status,
        "--max-features": str(args.max_features),
        "--min-count": str(args.min_count),
        "--extras": ",".join(args.extras),
    }
    for flag, value in given.items():
        if value != defaults[flag]:
            parts += [flag, value]
    if args.threshold is not None:
        parts += ["--threshold", str(args.threshold)]
    if args.alone:
        parts.append("--alone")
    if args.min_precision != 0.5:
        parts += ["--min-precision", str(args.min_precision)]
    if args.threshold_metric != "auto":
        parts += ["--threshold-metric", args.threshold_metric]
    if args.limit is not None:
        parts += ["--limit", str(args.limit)]
    if args.no_prior:
        parts.append("--no-prior")
    if args.no_marks:
        parts.append("--no-marks")
    if args.grow != 0.5:
        parts += ["--grow", str(args.grow)]
    if args.cross_fit:
        parts.append("--cross-fit")
    if args.no_examples:
        parts.append("--no-examples")
    if args.license:
        parts += ["--license", args.license]
    if args.kind != "linear":
        parts += ["--kind", args.kind, "--epochs", str(args.epochs), "--seed", str(args.seed)]
    return shlex.join(parts)


def _probability(value: float | None, flag: str) -> None:
    if value is not None and not 0 < value < 1:
        raise UsageError(f"{flag} must be a probability between 0 and 1 (exclusive)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    if not args.maps:
        raise UsageError("give at least one --map TECHNIQUE=LABEL (doc:LABEL for document labels)")
    _probability(args.threshold, "--threshold")
    _probability(args.warning_at, "--warning-at")
    if not 0 <= args.min_precision < 1:
        raise UsageError("--min-precision must be within 0..1 (0: off)")
    if not 0 <= args.grow < 1:
        raise UsageError("--grow must be within 0..1 (a fraction of the threshold; 0: off)")
    if args.epochs < 1:
        raise UsageError("--epochs must be at least 1")
    if not 0 <= args.context <= 3:
        raise UsageError("--context must be within 0..3")
    if args.c <= 0 or args.max_features < 1 or args.min_count < 1:
        raise UsageError("--c must be positive, --max-features and --min-count at least 1")
    output = Path(args.output)
    if not output.parent.is_dir():
        raise UsageError(f"cannot write '{output}': folder '{output.parent}' does not exist")
    # The analyzer the model will join (built-in rules and plugins, as `rhetoric eval`
    # builds it by default): its rules' hits, filters and merging choose the thresholds.
    analyzer = Analyzer.from_config(AnalyzerConfig())
    vocabulary = analyzer.techniques
    options = TrainOptions(
        gold=tuple(Path(p) for p in args.gold),
        maps=tuple(args.maps),
        name=args.name or output.name.split(".")[0],
        command=command_line(args),
        chars=args.char_ngrams,
        context=args.context,
        extras=tuple(args.extras),
        c=args.c,
        threshold=args.threshold,
        warning=args.warning_at,
        status=args.status,
        max_features=args.max_features,
        min_count=args.min_count,
        examples=not args.no_examples,
        license=args.license,
        limit=args.limit,
        techniques=frozenset(vocabulary.ids()),
        analyzer=analyzer,
        alone=args.alone,
        threshold_metric={"span": "span overlap"}.get(args.threshold_metric, args.threshold_metric),
        min_precision=args.min_precision,
        prior=not args.no_prior,
        extend=args.grow,
        marks=not args.no_marks,
        cross_fit=args.cross_fit,
        epochs=args.epochs,
        seed=args.seed,
    )

    def say(message: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"rhetoric: {message}\n")

    try:
        document = train_neural(options, say) if args.kind == "neural" else train(options, say)
    except TrainingError as exc:
        raise UsageError(str(exc)) from None
    model = scorer().write_model(document, output)
    size = output.stat().st_size
    out.write(f"wrote {output} ({size:,} bytes): model '{model.name}'\n")
    if args.kind == "neural":
        head, held = document["head"], document["head"]["held_out"]
        out.write(
            f"  {head['technique']:20} span  threshold {head['threshold']:.2f}  "
            f"held-out {held['level']} F1 {held['f1']:.3f}  epoch {held['epoch']}\n"
        )
        return EXIT_OK
    for head in document["heads"]:
        held = head["held_out"]
        f1 = "-" if held["f1"] is None else f"{held['f1']:.3f}"
        kept = sum(len(v) for v in head["weights"].values())
        prior = head.get("prior")
        comment = f"  prior x{prior['strength']}" if prior else ""
        if head["threshold"] >= 1.0:
            comment += "  silent: no threshold kept the held-out precision (the rules alone)"
        elif held.get("precision") is not None:
            comment += f"  held-out precision {held['precision']:.3f}"
        out.write(
            f"  {head['technique']:20} {head['kind']:4}  threshold {head['threshold']:.2f}  "
            f"held-out {held['level']} F1 {f1}  {kept} features{comment}\n"
        )
    return EXIT_OK
