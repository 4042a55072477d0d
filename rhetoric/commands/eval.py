"""``rhetoric eval GOLD.jsonl --map TECH=LABEL``: precision, recall and F1 against labeled data.

The analyzer is the one ``rhetoric check`` would use on standard input here: the
configuration file nearest the working directory (``--config FILE``, or none with
``--isolated``) merged with the flags, so a model or a scorer threshold set in the
file is measured as it will run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from ..analyzer import Analyzer
from ..check.inputs import STDIN
from ..check.options import CheckOptions, ProjectFile, path_options, project_file_for
from ..config import AnalyzerConfig
from ..quality.evaluation import GoldError, evaluate, format_text, parse_target, read_gold
from ..suggest import did_you_mean
from . import EXIT_OK, UsageError, analyzer_flags, check_selection


def _analyzer(args: argparse.Namespace) -> Analyzer:
    """The flags merged with the configuration file, as ``check`` merges them."""
    flags = CheckOptions(
        paths=(),
        readability=AnalyzerConfig().readability,
        **analyzer_flags(args),
    )
    explicit = Path(args.config) if args.config else None
    project = ProjectFile() if args.isolated else project_file_for(Path.cwd(), explicit)
    config = path_options(flags, project, STDIN).analyzer_config
    analyzer = Analyzer.from_config(config)
    check_selection(analyzer, [("--select", config.select), ("--ignore", config.ignore)])
    return analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.gold)
    if not path.is_file():
        raise UsageError(f"gold file '{path}' does not exist")
    records, problems = read_gold(path)
    if args.limit is not None:
        records = records[: args.limit]
    if not records:
        raise UsageError(f"gold file '{path}' has no usable records")
    known = {s.label for r in records for s in r.spans} | {r.label for r in records if r.label}
    if not args.maps:
        raise UsageError(
            "give at least one --map TECHNIQUE=LABEL; labels in this file: "
            + ", ".join(sorted(known))
        )
    try:
        targets = [parse_target(mapping, known) for mapping in args.maps]
    except GoldError as exc:
        raise UsageError(str(exc)) from None
    analyzer = _analyzer(args)
    techniques = analyzer.techniques.ids()
    for mapping, target in zip(args.maps, targets, strict=True):
        for label in sorted(target.span_labels | target.doc_labels):
            if label not in known:
                raise UsageError(
                    f"--map {mapping!r}: no label '{label}' in {path}{did_you_mean(label, known)}"
                )
        tags = {tag for rule in analyzer.all_rules for tag in rule.tags}
        for tag in sorted(target.without_tags - tags):
            raise UsageError(
                f"--map {mapping!r}: no rule has the tag '{tag}'{did_you_mean(tag, tags)}"
            )
        for technique in sorted(target.techniques):
            if technique not in analyzer.techniques:
                raise UsageError(
                    f"--map {mapping!r}: unknown technique '{technique}'"
                    f"{did_you_mean(technique, techniques)}"
                )
    result = evaluate(analyzer, records, targets, problems)
    if args.format == "json":
        json.dump(result.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(format_text(result, args.per_rule))
    return EXIT_OK
