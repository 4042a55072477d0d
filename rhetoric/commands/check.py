"""``rhetoric check``: check files, folders and comment dumps; exit 1 on findings.

Folders are walked for the files rhetoric reads (:mod:`rhetoric.check.walk`); a
progress bar goes to standard error when it is a terminal; with ``--output FILE``
the final counts still go to standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..check.inputs import ReadOptions, detect_format
from ..check.interrupts import StopSignals
from ..check.options import CheckOptions
from ..check.progress import ProgressBar, estimate_records
from ..check.resume import Ledger, ResumeError
from ..check.session import CheckSession
from ..check.walk import expand
from ..config import Thresholds
from ..outputs import FORMATTERS
from ..outputs.base import Tally
from . import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    analyzer_flags,
    collector_paused,
    retain,
)


def run(args: argparse.Namespace, out: TextIO) -> int:
    # The collector is off until the first outcome: by then the analyzer is built and
    # frozen (collector_paused says why).
    with collector_paused() as resume:
        return _run(args, out, resume)


def _run(args: argparse.Namespace, out: TextIO, resume: Callable[[], None]) -> int:
    options = check_options(args)
    ledger = _ledger(options)
    session = CheckSession(options, ledger)
    sources = list(expand(options.paths))
    bar = _progress_bar(options, sources)
    tally = Tally()
    # Lone surrogates (valid in JSON input strings) cannot be encoded as UTF-8: they are
    # written as \uXXXX escapes, which is also what JSON makes of them.
    target = (
        open(options.output, "a" if ledger else "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        if options.output
        else bar.guard(out)
    )
    try:
        with StopSignals() as signals:
            formatter = FORMATTERS[options.output_format](target)

            def flush() -> None:  # when the input keeps the run waiting: out with what is written
                with signals.whole():
                    formatter.flush()

            session.on_wait = flush
            session.shield = signals.whole  # a pool's waits end before an interrupt
            formatter.rules = session.rules
            formatter.techniques = session.techniques
            for source in sources:
                for outcome in session.outcomes(source):
                    resume()
                    with signals.whole():
                        formatter.write(outcome)
                    tally.add(outcome)
                    bar.update()
            bar.close()
            with signals.whole():
                formatter.close()
    finally:
        bar.close()
        if options.output:
            target.close()
    if options.output:
        sys.stderr.write(f"rhetoric: {tally.summary()}\n")
    if ledger is not None:
        torn = "; a torn last line was dropped" if ledger.torn else ""
        sys.stderr.write(
            f"rhetoric: resumed: {session.resumed} records already in {options.output}{torn}\n"
        )
    session.finish()
    retain(session)  # its analyzer is freed with the process, not object by object
    if session.input_errors:
        return EXIT_ERROR
    if options.write_baseline:
        return EXIT_OK
    return EXIT_FINDINGS if session.failing else EXIT_OK


def _progress_bar(options: CheckOptions, sources: list[str]) -> ProgressBar:
    if not ProgressBar.wanted(options.progress):
        return ProgressBar(None, "", enabled=False, stream=sys.stderr)
    read = ReadOptions(options.input_format, options.split, options.id_field, options.text_field)
    whole_files = options.split == "document" and all(
        detect_format(source, options.input_format) == "text" for source in sources
    )
    total = estimate_records(sources, read)
    return ProgressBar(total, "files" if whole_files else "records", True, sys.stderr)


def check_options(args: argparse.Namespace) -> CheckOptions:
    """The run's flags as one frozen value (the parser's namespace goes no further)."""
    if not args.paths:
        raise UsageError("no input: give one or more PATHs, or '-' to read standard input")
    return CheckOptions(
        paths=tuple(args.paths),
        input_format=args.input,
        split=args.split,
        id_field=args.id_field,
        text_field=args.text_field,
        output_format=args.format,
        output=Path(args.output) if args.output else None,
        resume=args.resume,
        jobs=args.jobs,
        progress=args.progress,
        fail_on=args.fail_on,
        readability=_metrics(args),
        thresholds=Thresholds(borderline=args.borderline, flagged=args.flagged),
        **analyzer_flags(args),
        config=Path(args.config) if args.config else None,
        isolated=args.isolated,
        markup=args.markup,
        report_unused_suppressions=bool(args.report_unused_suppressions),
        baseline=Path(args.baseline) if args.baseline else None,
        write_baseline=Path(args.write_baseline) if args.write_baseline else None,
        since=args.since,
    )


def _metrics(args: argparse.Namespace) -> tuple[str, ...]:
    """The textstat metrics ``--readability``/``--metrics`` ask for (checked)."""
    from ..text.readability import AVAILABLE_METRICS, DEFAULT_METRICS

    if args.no_readability:
        return ()
    metrics: tuple[str, ...] = ()
    if args.metrics:
        metrics = tuple(args.metrics)
    elif args.readability:
        metrics = DEFAULT_METRICS
    unknown = [m for m in metrics if m not in AVAILABLE_METRICS]
    if unknown:
        raise UsageError(
            f"unknown readability metric(s): {', '.join(unknown)} "
            f"(available: {', '.join(AVAILABLE_METRICS)})"
        )
    return metrics


def _ledger(options: CheckOptions) -> Ledger | None:
    """What ``--resume`` finds in ``--output`` (None without ``--resume``)."""
    if not options.resume:
        return None
    if not options.output or options.output_format != "jsonl":
        raise UsageError("--resume needs --format jsonl and --output FILE")
    if options.write_baseline:
        raise UsageError("--resume cannot be combined with --write-baseline")
    try:
        return Ledger.load(options.output)
    except ResumeError as exc:
        raise UsageError(str(exc)) from None
