"""The ``rhetoric`` command line: the parser and the dispatch to
:mod:`rhetoric.commands` (one module per command), ``main(argv) -> exit code``.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage,
configuration or input error (also when some records of a batch were bad: their
error records are in the output and the other records were still analysed);
130 after SIGINT and 143 after SIGTERM (the output then holds whole records only).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from .__about__ import __version__
from .check.options import MARKUP
from .commands import (
    EXIT_ERROR,
    UsageError,
    check,
    eval,
    explain,
    plugins,
    rules,
    serve,
    techniques,
)
from .config import DISABLE_ENV, ConfigError
from .engine.errors import RuleLoadError
from .host import PluginLoadError
from .outputs import FORMATTERS
from .policy import PolicyError
from .suggest import did_you_mean

COMMANDS = {
    "check": check.run,
    "serve": serve.run,
    "eval": eval.run,
    "rules": rules.run,
    "explain": explain.run,
    "plugins": plugins.run,
    "techniques": techniques.run,
}


class Parser(argparse.ArgumentParser):
    """argparse, plus a "did you mean" for a mistyped option (argparse already
    offers the choices of a mistyped command or value)."""

    _given: tuple[str, ...] = ()

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
  hold whole records only (jsonl is flushed per record); json, sarif and junit are
  written at the end. --resume appends what an interrupted jsonl --output FILE lacks.
"""


def _csv_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


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


def build_parser() -> argparse.ArgumentParser:
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to check (folders: their text, Markdown, reST, HTML, JSONL and "
        "CSV files, git-ignored ones left out); '-' reads stdin",
    )
    check.add_argument(
        "--input",
        choices=["auto", "text", "jsonl", "csv"],
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
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="output format")
    check.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for large inputs (default 0: all cores); output keeps input order",
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

    rules = commands.add_parser("rules", help="list or test rules")
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
    explain.add_argument("rule_id", metavar="RULE_ID")
    _add_analyzer_options(explain)

    plugins = commands.add_parser("plugins", help="list loaded plugins")
    plugins.add_argument("--format", choices=["text", "json"], default="text")
    _add_analyzer_options(plugins)

    evaluate = commands.add_parser("eval", help="measure quality against labeled JSONL data")
    evaluate.add_argument("gold", metavar="GOLD.jsonl", help="records with id, text, spans, label")
    evaluate.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="TECH[|TECH...]=LABEL[,LABEL...]",
        help="score these techniques against these gold labels (doc:LABEL: document label)",
    )
    evaluate.add_argument("--per-rule", action="store_true", help="hits and precision per rule")
    evaluate.add_argument("--format", choices=["text", "json"], default="text")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only the first N records")
    _add_analyzer_options(evaluate)

    serve = commands.add_parser(
        "serve",
        help="run the HTTP service (needs rhetoric[server])",
        description="Serve /v1/check, /v1/coral, /v1/rules, /healthz, /openapi.json and a "
        "live page at /. Secrets come from the environment (RHETORIC_TOKEN, "
        "RHETORIC_CORAL_SECRET) or from files, never from the command line.",
    )
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
        "--header-timeout", type=float, default=10.0, metavar="S", help="seconds to send headers"
    )
    serve.add_argument(
        "--max-connections", type=int, default=1000, metavar="N", help="then 503 (default 1000)"
    )
    serve.add_argument("--no-access-log", action="store_true", help="do not log each request")
    serve.add_argument("--no-live-page", action="store_true", help="do not serve the page at /")
    _add_analyzer_options(serve)

    techniques = commands.add_parser("techniques", help="list the technique vocabulary")
    techniques.add_argument("--format", choices=["text", "json"], default="text")
    _add_analyzer_options(techniques)
    return parser

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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    out = out or sys.stdout
    try:
        return COMMANDS[args.command](args, out)
    except (UsageError, ConfigError, PolicyError, RuleLoadError, PluginLoadError) as exc:
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


if __name__ == "__main__":
    sys.exit(main())
