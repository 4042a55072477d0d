"""The ``rhetoric`` command line: the parser and the dispatch to
:mod:`rhetoric.commands` (one module per command), ``main(argv) -> exit code``.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage,
configuration or input error (also when some records of a batch were bad: their
error records are in the output and the other records were still analysed);
130 after SIGINT and 143 after SIGTERM (the output then holds whole records only).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from .__about__ import __version__
from .pickling import dataclass_code_kept

with dataclass_code_kept():  # as in rhetoric/__init__.py: generated methods compiled once
    from .check.options import MARKUP
    from .commands import EXIT_ERROR, UsageError
    from .config import DISABLE_ENV, ConfigError
    from .engine.errors import RuleLoadError
    from .host import PluginLoadError
    from .outputs import FORMATTERS
    from .suggest import did_you_mean

# Each command's module is imported only when it runs: a pre-commit hook that checks one
# file pays for `check` alone, not for batch's Dask glue or the service.
COMMANDS = ("check", "batch", "serve", "eval", "rules", "explain", "plugins", "techniques", "train")


def _command(name: str) -> Callable[[argparse.Namespace, TextIO], int]:
    """The ``run`` function of ``rhetoric.commands.<name>``."""
    module = importlib.import_module(f"{__package__}.commands.{name}")
    run: Callable[[argparse.Namespace, TextIO], int] = module.run
    return run


def _ngram_range(value: str) -> tuple[int, int]:
    """``--char-ngrams``, parsed by the train command's own parser (imported on use)."""
    from .commands.train import ngram_range

    return ngram_range(value)


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing :mod:`shutil`.

    Why: argparse makes a help formatter for every ``add_argument`` and each asks shutil
    for the width, and importing shutil (with bz2 and lzma) was about 1% of a cold start
    that never prints help. Same answer: ``$COLUMNS`` when a positive number, else the
    terminal of standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Width:
    """A help formatter whose default width is argparse's, found by :func:`terminal_columns`."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width  # argparse's margin
        super().__init__(prog, indent_increment, max_help_position, width)  # type: ignore[call-arg]


class HelpFormatter(_Width, argparse.HelpFormatter):
    """argparse's formatter (see :class:`_Width`)."""


class RawDescriptionHelpFormatter(_Width, argparse.RawDescriptionHelpFormatter):
    """argparse's formatter that keeps the epilog's lines (see :class:`_Width`)."""


class Parser(argparse.ArgumentParser):
    """argparse, plus a "did you mean" for a mistyped option (argparse already
    offers the choices of a mistyped command or value)."""

    _given: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = tuple(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        unknown = re.match(r"unrecognized arguments: (\S+)", message)
        if unknown and unknown.group(1).startswith("-"):
            given = unknown.group(1).split("=", 1)[0]
            options = [o for action in self._all_actions() for o in action.option_strings]
            message += did_you_mean(given, options)
        super().error(message)

    def _all_actions(self) -> list[argparse.Action]:
        """This parser's options and those of the subcommand that was given, where
        argparse reports an unknown option of a subcommand on the top parser."""
        actions = list(self._actions)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                command = next((a for a in self._given if a in action.choices), None)
                if command is not None:
                    actions += action.choices[command]._actions
        return actions


CHECK_EPILOG = """\
hostile input:
  binary files (NUL in the first 8000 bytes, UTF-16/32) are one error record, skipped;
  invalid UTF-8 in text and CSV files becomes U+FFFD and the report of each record it
  touched lists an 'input' error (line, byte); a JSONL line that is not UTF-8, not
  JSON or without a string text is one error record; a repeated id is reported again,
  flagged with an 'input' error. Any of these makes the exit code 2.
  \\r\\n, a lone \\r and \\n each end a line for line:column.
interrupted batches:
  SIGINT/SIGTERM stop between records (exit 130/143): jsonl, text and github output
  hold whole records only (jsonl is flushed when the input waits, at an
  interrupt and at the end); json, sarif and junit are
  written at the end. --resume appends what an interrupted jsonl --output FILE lacks.
"""


def _csv_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _seconds(value: str) -> float:
    """A number of seconds, 0 or more (argparse reports the error as a usage error)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds, 0 for no time budget (got {value!r})"
        )
    return seconds


def _add_analyzer_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rules and plugins")
    group.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="extra rule folder or file (repeatable)",
    )
    group.add_argument(
        "--no-builtin-rules", action="store_true", help="do not load the built-in rule pack"
    )
    group.add_argument(
        "--select",
        type=_csv_list,
        action="extend",
        default=[],
        metavar="IDS",
        help="only these techniques or rule ids (comma-separated, prefixes allowed)",
    )
    group.add_argument(
        "--ignore",
        type=_csv_list,
        action="extend",
        default=[],
        metavar="IDS",
        help="skip these techniques or rule ids (comma-separated, prefixes allowed)",
    )
    group.add_argument("--preview", action="store_true", help="also run rules in preview status")
    group.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="load an importable module as a plugin (repeatable)",
    )
    group.add_argument(
        "--plugins-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="load every *.py file in DIR as a plugin (repeatable)",
    )
    group.add_argument(
        "--disable-plugin",
        action="append",
        default=[],
        metavar="NAME",
        help=f"do not load plugin NAME (repeatable; also ${DISABLE_ENV}=a,b)",
    )
    group.add_argument(
        "--allow",
        type=_csv_list,
        action="extend",
        default=[],
        metavar="TERMS",
        help="terms never to report (comma-separated)",
    )
    group.add_argument(
        "--model",
        dest="models",
        action="append",
        default=[],
        metavar="PATH",
        help="a trained model file (rhetoric train) for the scorer plugin (repeatable; "
        "a model trained with --status preview reports only with --preview)",
    )
    group.add_argument(
        "--plugin-timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds one plugin call may take before its output is dropped (default 1; "
        "0: no budget, for repeatable runs on a loaded machine; also $RHETORIC_PLUGIN_TIMEOUT)",
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command``, only that command's arguments.

    Why: the arguments of all ten commands (over a hundred ``add_argument`` calls, each
    making a help formatter) were about 3% of a cold start's instructions, for the one
    command a run uses. Every command is still listed, with its help, in the top
    level's help and its choices."""

    def wanted(name: str) -> bool:
        return command is None or command == name

    parser = Parser(
        prog="rhetoric",
        description="Find rhetoric and propaganda techniques in user comments.",
    )
    parser.add_argument("--version", action="version", version=f"rhetoric {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check files or comment dumps",
        epilog=CHECK_EPILOG,
        formatter_class=RawDescriptionHelpFormatter,
    )
    if wanted("check"):
        check.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="files or folders to check (folders: their text, Markdown, reST, HTML, JSONL and "
            "CSV files, git-ignored ones left out); '-' reads stdin",
        )
        check.add_argument(
            "--input",
            choices=["auto", "text", "jsonl", "csv", "parquet"],
            default="auto",
            help="input format (auto: by file extension; default text)",
        )
        check.add_argument(
            "--split",
            choices=["document", "lines", "paragraphs"],
            default="document",
            help="how a text file becomes comments (default: one document)",
        )
        check.add_argument("--id-field", default="id", help="record field holding the id")
        check.add_argument("--text-field", default="text", help="record field holding the text")
        check.add_argument(
            "--format", choices=sorted(FORMATTERS), default="text", help="output format"
        )
        check.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=0,
            metavar="N",
            help="worker processes for large inputs (default 0: all cores); "
            "output keeps input order",
        )
        check.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress bar on stderr (default: when stderr is a terminal)",
        )
        check.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="write output to FILE (default stdout); jsonl, text and github write each "
            "record as it is finished, json, sarif and junit only at the end",
        )
        check.add_argument(
            "--resume",
            action="store_true",
            help="with --format jsonl --output FILE: keep the records already in FILE (a torn "
            "last line is dropped), skip their ids in the input and append the rest",
        )
        check.add_argument(
            "--fail-on",
            choices=["info", "warning", "error", "never"],
            default=None,
            help="lowest severity that makes the exit code 1 (default warning, or the config's)",
        )
        check.add_argument(
            "--readability",
            action="store_true",
            help="add textstat readability metrics to each report (off by default: costly)",
        )
        check.add_argument("--no-readability", action="store_true", help=argparse.SUPPRESS)
        check.add_argument(
            "--metrics",
            type=_csv_list,
            metavar="NAMES",
            help="textstat metrics to compute, comma-separated (implies --readability)",
        )
        check.add_argument(
            "--borderline",
            type=float,
            default=0.4,
            metavar="SCORE",
            help="overall score from which the verdict is 'borderline' (default 0.4)",
        )
        check.add_argument(
            "--flagged",
            type=float,
            default=0.7,
            metavar="SCORE",
            help="score of warning-or-worse hits from which the verdict is 'flagged' (default 0.7)",
        )
        _add_analyzer_options(check)
        _add_repository_options(check)
    _add_batch_parser(commands, fill=wanted("batch"))

    rules = commands.add_parser("rules", help="list or test rules")
    if wanted("rules"):
        rule_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
        rules_list = rule_commands.add_parser("list", help="list rules")
        rules_list.add_argument("--format", choices=["text", "json"], default="text")
        rules_list.add_argument(
            "--all", action="store_true", help="include preview and deselected rules"
        )
        _add_analyzer_options(rules_list)
        rules_test = rule_commands.add_parser("test", help="run every rule's own examples")
        rules_test.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="test only the rules in these files or folders (loaded as extra rules)",
        )
        rules_test.add_argument(
            "--verbose", "-v", action="store_true", help="list passing examples too"
        )
        _add_analyzer_options(rules_test)
        rules_docs = rule_commands.add_parser(
            "docs", help="write a Markdown page per built-in rule, and an index (ruff's shape)"
        )
        rules_docs.add_argument(
            "folder", nargs="?", default="docs/rules", metavar="DIR", help="default docs/rules"
        )
        rules_docs.add_argument(
            "--check", action="store_true", help="only list stale pages (exit 1 when there are)"
        )

    explain = commands.add_parser("explain", help="show what a rule finds and why")
    if wanted("explain"):
        explain.add_argument(
            "rule_id", metavar="RULE_ID", help="a rule id, or 'targets' for the kinds of target"
        )
        _add_analyzer_options(explain)

    plugins = commands.add_parser("plugins", help="list loaded plugins")
    if wanted("plugins"):
        plugins.add_argument("--format", choices=["text", "json"], default="text")
        _add_analyzer_options(plugins)

    evaluate = commands.add_parser("eval", help="measure quality against labeled JSONL data")
    if wanted("eval"):
        evaluate.add_argument(
            "gold", metavar="GOLD.jsonl", help="records with id, text, spans, label"
        )
        evaluate.add_argument(
            "--map",
            dest="maps",
            action="append",
            default=[],
            metavar="TECH[|TECH...][!TAG...]=LABEL[,LABEL...]",
            help="score these techniques against these gold labels (doc:LABEL: document label; "
            "!TAG: leave out the hits of rules tagged TAG)",
        )
        evaluate.add_argument("--per-rule", action="store_true", help="hits and precision per rule")
        evaluate.add_argument("--format", choices=["text", "json"], default="text")
        evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N records")
        evaluate.add_argument(
            "--config", metavar="FILE", help="use this configuration file instead of the one "
            "nearest the working directory",
        )  # fmt: skip
        evaluate.add_argument(
            "--isolated", action="store_true", help="ignore configuration files altogether"
        )
        _add_analyzer_options(evaluate)

    serve = commands.add_parser(
        "serve",
        help="run the HTTP service (needs rhetoric[server])",
        description="Serve /v1/check, /v1/coral, /v1/rules, /healthz, /openapi.json and a "
        "live page at /. Secrets come from the environment (RHETORIC_TOKEN, "
        "RHETORIC_CORAL_SECRET) or from files, never from the command line.",
    )
    if wanted("serve"):
        serve.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
        serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        serve.add_argument("--workers", type=int, default=1, help="processes (default 1)")
        serve.add_argument("--policy", metavar="FILE", help="moderation policy (.yml/.yaml/.toml)")
        serve.add_argument("--token-file", metavar="FILE", help="bearer token for /v1/ endpoints")
        serve.add_argument(
            "--coral-secret-file", metavar="FILE", help="Coral signing secret(s), one per line"
        )
        serve.add_argument(
            "--coral-review-status",
            choices=["PREMOD", "SYSTEM_WITHHELD"],
            default="SYSTEM_WITHHELD",
            help="Coral status for comments to review (default SYSTEM_WITHHELD)",
        )
        serve.add_argument("--max-body", type=int, default=1 << 20, metavar="BYTES")
        serve.add_argument("--max-batch", type=int, default=100, metavar="N")
        serve.add_argument("--max-text", type=int, default=100_000, metavar="CHARS")
        serve.add_argument(
            "--body-timeout", type=float, default=10.0, metavar="S", help="seconds to send a body"
        )
        serve.add_argument(
            "--header-timeout",
            type=float,
            default=10.0,
            metavar="S",
            help="seconds to send headers",
        )
        serve.add_argument(
            "--max-connections", type=int, default=1000, metavar="N", help="then 503 (default 1000)"
        )
        serve.add_argument("--no-access-log", action="store_true", help="do not log each request")
        serve.add_argument("--no-live-page", action="store_true", help="do not serve the page at /")
        _add_analyzer_options(serve)

    _add_train_parser(commands, fill=wanted("train"))

    techniques = commands.add_parser("techniques", help="list the technique vocabulary")
    if wanted("techniques"):
        techniques.add_argument("--format", choices=["text", "json"], default="text")
        _add_analyzer_options(techniques)
    return parser


def _add_train_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    fill: bool = True,
) -> None:
    """``rhetoric train``: the gold files, the maps and the model's settings."""
    parser = commands.add_parser(
        "train",
        help="learn a statistical scorer from labeled JSONL (needs rhetoric[train])",
        description="Train a logistic regression over word, character n-gram and context "
        "features (more with --extras) on gold JSONL (the format of 'rhetoric eval') and write "
        "a model file for --model. A fifth of the records is held out to choose thresholds.",
    )
    if not fill:  # another command runs (build_parser)
        return
    parser.add_argument("gold", nargs="+", metavar="GOLD.jsonl", help="labeled records")
    parser.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="TECH=LABEL[,LABEL...]",
        help="one model head: this technique learned from these gold span labels, or "
        "doc:LABEL for a document label (repeatable)",
    )
    parser.add_argument("--output", "-o", required=True, metavar="MODEL", help="model file "
                        "to write (.json, or .json.gz compressed)")  # fmt: skip
    parser.add_argument("--name", help="the model's name in findings (default: file name)")
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help="report from this probability on (default: chosen on the held-out records, "
        "for the union with the rules' hits unless --alone)",
    )
    parser.add_argument(
        "--threshold-metric",
        choices=["auto", "span", "character"],
        default="auto",
        help="what span thresholds maximise on the held-out records: span-overlap F1, "
        "character F1 (as toxic-spans scoring counts), or auto (default): character F1 "
        "when at least half of a head's gold spans are single words, span overlap otherwise",
    )
    parser.add_argument(
        "--min-precision",
        type=float,
        default=0.5,
        metavar="P",
        help="a span threshold chosen on the held-out records must keep the span precision "
        "of the union with the rules at P or more; with none that does, the head stays "
        "silent (the rules alone). 0: off (default 0.5)",
    )
    parser.add_argument(
        "--alone",
        action="store_true",
        help="choose span thresholds for the model on its own, not for its union with the "
        "built-in rules (for a model run with --select model, or without the rules)",
    )
    parser.add_argument(
        "--warning-at",
        type=float,
        default=0.8,
        metavar="P",
        help="findings at or above this probability are warnings, below it info (default 0.8)",
    )
    parser.add_argument(
        "--status",
        choices=["preview", "stable"],
        default="stable",
        help="status of the model's rules (default stable: --model runs them; preview: "
        "they report only with --preview)",
    )
    parser.add_argument(
        "--char-ngrams", type=_ngram_range, default=(3, 5), metavar="N-M",
        help="character n-gram lengths (default 3-5; 0 for none)",
    )  # fmt: skip
    parser.add_argument(
        "--context", type=int, default=2, metavar="K", help="words on each side (default 2)"
    )
    parser.add_argument(
        "--extras", type=_csv_list, default=[], metavar="NAMES",
        help="optional features, comma-separated: bigrams, shape, and the sentence flags "
        "you, exclaims, shouts (default none)",
    )  # fmt: skip
    parser.add_argument(
        "--c", type=float, default=0.3, metavar="C",
        help="inverse regularization strength of the logistic regression (default 0.3)",
    )  # fmt: skip
    parser.add_argument(
        "--min-count", type=int, default=2, metavar="N",
        help="leave out features seen fewer than N times in training (default 2)",
    )  # fmt: skip
    parser.add_argument(
        "--max-features", type=int, default=50_000, metavar="N",
        help="keep the N largest weights per head (default 50000)",
    )  # fmt: skip
    parser.add_argument(
        "--no-prior", action="store_true",
        help="no per-comment prior for span heads (by default one is tried on the held-out "
        "records and kept when it raises their F1)",
    )  # fmt: skip
    parser.add_argument(
        "--no-marks", action="store_true",
        help="no scare-quote and hyphen-compound features for span heads (by default they "
        "are tried on the held-out records and kept when they raise the F1)",
    )  # fmt: skip
    parser.add_argument(
        "--grow", type=float, default=0.5, metavar="F",
        help="span heads grow each hit over neighbouring words scored at F times the "
        "threshold, kept when it raises the held-out F1 (default 0.5; 0: never grow)",
    )  # fmt: skip
    parser.add_argument(
        "--no-examples", action="store_true",
        help="do not copy two short held-out texts into the model as its rules' examples",
    )  # fmt: skip
    parser.add_argument(
        "--cross-fit", action="store_true",
        help="document heads choose their threshold on every record scored out of fold "
        "(five fits), not on the held-out fifth alone",
    )  # fmt: skip
    parser.add_argument("--license", metavar="TEXT", help="the training data's license, recorded")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N records")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--kind", choices=["linear", "neural"], default="linear",
        help="linear: logistic regression (needs scikit-learn); neural: a word tagger "
        "(char-CNN + BiGRU, one span map; needs torch to train, numpy to use)",
    )  # fmt: skip
    parser.add_argument(
        "--epochs", type=int, default=5, metavar="N",
        help="--kind neural: passes over the data; the held-out best is kept (default 5)",
    )  # fmt: skip
    parser.add_argument(
        "--seed", type=int, default=1, metavar="N", help="--kind neural: random seed (default 1)"
    )


def _add_batch_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    fill: bool = True,
) -> None:
    """``rhetoric batch``: archives in, a folder of report files out, here or on Dask."""
    parser = commands.add_parser(
        "batch",
        help="re-score archives of JSONL, CSV or Parquet dumps, here or on a Dask cluster",
        description="Analyse every record of the inputs into DIR/part-NNNNN.jsonl (or "
        ".parquet), one file per partition (a JSONL or CSV file, or row groups of a Parquet "
        "file), each written whole or not at all. Without --scheduler it runs on this "
        "machine's cores; with one, on a Dask cluster (needs rhetoric[dask]) whose workers "
        "see the inputs, DIR and rule files at the same paths. Exit 0 when every record "
        "is written, 2 when some were input errors or some partitions failed.",
    )
    if not fill:  # another command runs (build_parser)
        return
    parser.add_argument(
        "paths", nargs="*", metavar="INPUT", help="dump files, or folders of .jsonl, .ndjson, "
        ".csv, .parquet files",
    )  # fmt: skip
    parser.add_argument("--output", "-o", required=True, metavar="DIR", help="report folder")
    parser.add_argument(
        "--format", choices=["jsonl", "parquet"], default="jsonl", help="report files (jsonl)"
    )
    parser.add_argument(
        "--input",
        choices=["auto", "jsonl", "csv", "parquet"],
        default="auto",
        help="input format (auto: by file extension)",
    )
    parser.add_argument("--id-field", default="id", help="record field holding the id")
    parser.add_argument("--text-field", default="text", help="record field holding the text")
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="a Dask scheduler (tcp://HOST:8786), or 'local' "
        "for a cluster of --workers processes on this machine; default: no Dask",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=0, metavar="N", help="processes here or in the local "
        "cluster (default 0: all cores); with a scheduler ADDRESS, wait for N workers",
    )  # fmt: skip
    parser.add_argument(
        "--resume", action="store_true", help="finish the run begun in DIR: skip the "
        "partitions already written (the inputs and rules must be the same)",
    )  # fmt: skip
    parser.add_argument(
        "--rows-per-partition", type=int, default=100_000, metavar="N",
        help="rows of a Parquet file per partition, in whole row groups (default 100000)",
    )  # fmt: skip
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )  # fmt: skip
    parser.add_argument(
        "--readability", action="store_true", help="add textstat readability metrics"
    )
    parser.add_argument("--metrics", type=_csv_list, metavar="NAMES", help="these metrics")
    parser.add_argument("--borderline", type=float, default=0.4, metavar="SCORE")
    parser.add_argument("--flagged", type=float, default=0.7, metavar="SCORE")
    parser.set_defaults(no_readability=False)
    _add_analyzer_options(parser)


def _add_repository_options(parser: argparse.ArgumentParser) -> None:
    """The ``check`` flags for configuration files, markup, suppressions and CI."""
    group = parser.add_argument_group("repositories and CI")
    group.add_argument(
        "--config", metavar="FILE", help="use this configuration file instead of searching"
    )
    group.add_argument(
        "--isolated", action="store_true", help="ignore configuration files altogether"
    )
    group.add_argument(
        "--markup",
        choices=MARKUP,
        default=None,
        help="how to read text files (auto: .md as markdown, .html as HTML; default auto)",
    )
    group.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        default=None,
        help="report suppression comments that suppress nothing (as warnings)",
    )
    group.add_argument(
        "--baseline", metavar="FILE", help="hide the findings recorded in FILE; fail on new ones"
    )
    group.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE; exit 0"
    )
    group.add_argument(
        "--since", metavar="REV", help="only report findings on lines changed since git REV"
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code instead of exiting."""
    parser = build_parser(_named_command(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    out = out or sys.stdout
    try:
        return _command(args.command)(args, out)
    except (UsageError, ConfigError, RuleLoadError, PluginLoadError) as exc:
        sys.stderr.write(f"rhetoric: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        code = getattr(exc, "exit_code", 130)
        hint = " (rerun with --resume to finish)" if getattr(args, "output", None) else ""
        sys.stderr.write(f"rhetoric: interrupted{hint}\n")
        return int(code)
    except OSError as exc:
        sys.stderr.write(f"rhetoric: error: {exc}\n")
        return EXIT_ERROR
    except ValueError as exc:
        if not _policy_error(exc):
            raise
        sys.stderr.write(f"rhetoric: error: {exc}\n")
        return EXIT_ERROR


def _named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs, or None when that is not plain: the top level takes
    only ``--version`` and ``--help`` (no values), so it is the first word that is not
    an option."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def _policy_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a :class:`~rhetoric.policy.PolicyError`, without importing the
    policy language into every run (only a run that imported it can raise one)."""
    policy = sys.modules.get(f"{__package__}.policy")
    return policy is not None and isinstance(exc, policy.PolicyError)


def run(collector_off: bool = False) -> NoReturn:
    """The console script: :func:`main`, then leave without tearing the heap down.

    Why: a check's analyzer is some 100,000 objects, and freeing them one by one,
    then the modules, costs about 5% of a cold start for memory the process is
    giving back anyway. The output streams are flushed and the ``atexit`` handlers
    run first; when a flush fails or another thread still runs, the ordinary exit
    reports or waits for it as it always has.

    ``collector_off``: the caller (``rhetoric_start``) switched the cyclic collector
    off before the imports; ``check`` keeps it off until its analyzer is frozen
    (:func:`~rhetoric.commands.collector_paused`), any other command gets it back now.
    """
    from . import commands

    if collector_off:
        if _named_command(sys.argv[1:]) == "check":
            commands.adopt_paused_collector()
        else:
            gc.enable()
    commands.retained = []  # the finished command's analyzer, dropped with the process
    with dataclass_code_kept():  # the plugins' dataclasses, the cached rules' twins
        code = main()
    if _flushed() and not _other_threads():
        atexit._run_exitfuncs()
        if _flushed():
            os._exit(code)
    sys.exit(code)


def _flushed() -> bool:
    """Flush stdout and stderr; False when one of them cannot be written."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def _other_threads() -> bool:
    threading = sys.modules.get("threading")  # never imported just to ask
    return threading is not None and threading.active_count() > 1


if __name__ == "__main__":
    run()
