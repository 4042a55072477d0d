"""The ``rhetoric`` command line: ``main(argv) -> exit code``.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage,
configuration or input error (also when some records of a batch were bad: their
error records are in the output and the other records were still analysed);
130 after SIGINT and 143 after SIGTERM (the output then holds whole records only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .__about__ import __version__
from .analyzer import Analyzer
from .checkrun import CheckSession, add_check_options
from .config import DISABLE_ENV, AnalyzerConfig, ConfigError, disabled_plugins
from .engine.errors import RuleLoadError
from .host import PluginLoadError
from .interrupts import StopSignals
from .outputs import FORMATTERS
from .resume import Ledger, ResumeError
from .ruletest import run_all_examples
from .wire import rule_to_dict

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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


class UsageError(Exception):
    """A command-line mistake the user can fix; printed without a traceback."""


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
    parser = argparse.ArgumentParser(
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
    check.add_argument("paths", nargs="*", metavar="PATH", help="files to check; '-' reads stdin")
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
        help="overall score from which the verdict is 'flagged' (default 0.7)",
    )
    _add_analyzer_options(check)
    add_check_options(check)

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


def _config(args: argparse.Namespace, **overrides: object) -> AnalyzerConfig:
    disabled = disabled_plugins(args.disable_plugin, builtin_rules=not args.no_builtin_rules)
    values: dict[str, object] = {
        "rule_paths": tuple(Path(p) for p in args.rules),
        "disabled_plugins": disabled,
        "select": tuple(args.select),
        "ignore": tuple(args.ignore),
        "preview": args.preview,
        "allowlist": frozenset(term.casefold() for term in args.allow),
    }
    values.update(overrides)
    return AnalyzerConfig(**values)  # type: ignore[arg-type]


def _analyzer(args: argparse.Namespace, config: AnalyzerConfig) -> Analyzer:
    return Analyzer.from_config(config, plugin_modules=args.plugin, plugin_dirs=args.plugins_dir)


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    if not args.paths:
        raise UsageError("no input: give one or more PATHs, or '-' to read standard input")
    metrics: tuple[str, ...] = ()
    if args.metrics and not args.no_readability:
        metrics = tuple(args.metrics)
    elif args.readability and not args.no_readability:
        from .readability import DEFAULT_METRICS

        metrics = DEFAULT_METRICS
    if metrics:
        from .readability import AVAILABLE_METRICS

        unknown = [m for m in metrics if m not in AVAILABLE_METRICS]
        if unknown:
            raise UsageError(
                f"unknown readability metric(s): {', '.join(unknown)} "
                f"(available: {', '.join(AVAILABLE_METRICS)})"
            )
    from .config import Thresholds

    ledger = _ledger(args)
    session = CheckSession(
        args,
        readability=metrics,
        thresholds=Thresholds(borderline=args.borderline, flagged=args.flagged),
        ledger=ledger,
    )
    # Lone surrogates (valid in JSON input strings) cannot be encoded as UTF-8: they are
    # written as \uXXXX escapes, which is also what JSON makes of them.
    target = (
        open(args.output, "a" if ledger else "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        if args.output
        else out
    )
    try:
        with StopSignals() as signals:
            formatter = FORMATTERS[args.format](target)
            formatter.rules = session.rules
            for path in args.paths:
                for outcome in session.outcomes(path):
                    with signals.whole():
                        formatter.write(outcome)
            with signals.whole():
                formatter.close()
    finally:
        if target is not out:
            target.close()
    if ledger is not None:
        torn = "; a torn last line was dropped" if ledger.torn else ""
        sys.stderr.write(
            f"rhetoric: resumed: {session.resumed} records already in {args.output}{torn}\n"
        )
    session.finish()
    if session.input_errors:
        return EXIT_ERROR
    if args.write_baseline:
        return EXIT_OK
    return EXIT_FINDINGS if session.failing else EXIT_OK


def _ledger(args: argparse.Namespace) -> Ledger | None:
    """What ``--resume`` finds in ``--output`` (None without ``--resume``)."""
    if not args.resume:
        return None
    if not args.output or args.format != "jsonl":
        raise UsageError("--resume needs --format jsonl and --output FILE")
    if args.write_baseline:
        raise UsageError("--resume cannot be combined with --write-baseline")
    try:
        return Ledger.load(Path(args.output))
    except ResumeError as exc:
        raise UsageError(str(exc)) from None


def _cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    if args.rules_command == "list":
        analyzer = _analyzer(args, _config(args, readability=()))
        rules = analyzer.all_rules if args.all else analyzer.rules
        if args.format == "json":
            json.dump([rule_to_dict(r) for r in rules], out, indent=2)
            out.write("\n")
        else:
            for rule in rules:
                out.write(
                    f"{rule.id:32} {rule.technique:20} {rule.severity.value:8} "
                    f"{rule.status:8} {rule.kind}\n"
                )
            out.write(f"{len(rules)} rules\n")
        return EXIT_OK
    if args.rules_command == "test":
        extra = [*args.rules, *args.paths]
        args.rules = extra
        analyzer = _analyzer(
            args, _config(args, readability=(), preview=True, select=(), ignore=())
        )
        rules = analyzer.all_rules
        if args.paths:
            roots = [Path(p).resolve() for p in args.paths]
            rules = [
                r for r in rules if r.source and any(_under(Path(r.source), root) for root in roots)
            ]
            if not rules:
                raise UsageError(f"no rules found under {', '.join(args.paths)}")
        results = run_all_examples(analyzer, rules)
        failed = [r for r in results if not r.ok]
        for result in results:
            if result.ok and not args.verbose:
                continue
            status = "ok  " if result.ok else "FAIL"
            example = result.example
            label = f"{'flag' if example.flag else 'pass'}: {example.text}" if example else ""
            out.write(f"{status} {result.rule.id} ({result.rule.source}) {label}\n")
            if result.detail:
                out.write(f"     {result.detail}\n")
        out.write(
            f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(rules)} rules)\n"
        )
        return EXIT_FINDINGS if failed else EXIT_OK
    raise UsageError("give a subcommand: 'rhetoric rules list' or 'rhetoric rules test'")


def _under(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or root in resolved.parents


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    analyzer = _analyzer(args, _config(args, readability=(), preview=True))
    rule = analyzer.rule(args.rule_id)
    if rule is None:
        raise UsageError(f"no rule with id '{args.rule_id}' (see 'rhetoric rules list --all')")
    technique = analyzer.techniques.get(rule.technique)
    out.write(
        f"{rule.id}  ({rule.technique}, {rule.severity.value}, {rule.status}, {rule.kind})\n\n"
    )
    out.write(f"What it finds: {rule.message}\n\nWhy it matters: {rule.why}\n")
    if technique is not None:
        out.write(f"\nTechnique '{technique.id}': {technique.definition}\n")
    for example in rule.examples:
        out.write(f"\n{'Flagged' if example.flag else 'Not flagged'}: {example.text}")
    if rule.references:
        out.write("\n\nReferences:\n" + "".join(f"  {r}\n" for r in rule.references))
    out.write(f"\nDefined in: {rule.source}\n")
    return EXIT_OK


def _cmd_plugins(args: argparse.Namespace, out: TextIO) -> int:
    analyzer = _analyzer(args, _config(args, readability=()))
    infos = analyzer.host.plugins()
    if args.format == "json":
        json.dump([i.to_dict() for i in infos], out, indent=2)
        out.write("\n")
    else:
        for info in infos:
            dist = f"{info.distribution} {info.version}" if info.distribution else "-"
            out.write(
                f"{info.name:16} {dist:20} {info.origin}\n    hooks: {', '.join(info.hooks)}\n"
            )
    return EXIT_OK


def _cmd_techniques(args: argparse.Namespace, out: TextIO) -> int:
    analyzer = _analyzer(args, _config(args, readability=()))
    techniques = list(analyzer.techniques)
    if args.format == "json":
        json.dump(
            [{"id": t.id, "name": t.name, "definition": t.definition,
              "mappings": {k: list(v) for k, v in t.mappings.items()}} for t in techniques],
            out, indent=2,
        )  # fmt: skip
        out.write("\n")
    else:
        for technique in techniques:
            out.write(f"{technique.id}: {technique.name}\n    {technique.definition}\n")
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluation import GoldError, evaluate, format_text, parse_target, read_gold

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
    analyzer = _analyzer(args, _config(args, readability=()))
    result = evaluate(analyzer, records, targets, problems)
    if args.format == "json":
        json.dump(result.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(format_text(result, args.per_rule))
    return EXIT_OK


def _secret_file(path: str | None, what: str) -> list[str]:
    if path is None:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} file {path}: {exc}") from None
    values = [line.strip() for line in lines if line.strip()]
    if not values:
        raise UsageError(f"{what} file {path} is empty")
    return values


def build_service(args: argparse.Namespace) -> tuple[object, object]:
    """The service app and server options for ``rhetoric serve`` arguments."""
    from .policy import DEFAULT_POLICY, Policy, PolicyError
    from .service import ServiceSettings, create_app
    from .service.server import ServerOptions

    token, coral_secrets = ServiceSettings.secrets_from_environment()
    tokens = _secret_file(args.token_file, "token")
    if tokens:
        token = tokens[0]
    coral_secrets = tuple(_secret_file(args.coral_secret_file, "Coral secret")) or coral_secrets
    try:
        policy = Policy.load(args.policy) if args.policy else DEFAULT_POLICY
        settings = ServiceSettings(
            max_body_bytes=args.max_body,
            max_batch=args.max_batch,
            max_text_chars=args.max_text,
            body_timeout=args.body_timeout,
            token=token,
            coral_secrets=coral_secrets,
            coral_review_status=args.coral_review_status,
            live_page=not args.no_live_page,
        )
        options = ServerOptions(
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=not args.no_access_log,
            limit_concurrency=args.max_connections,
            header_timeout=args.header_timeout,
        )
    except (PolicyError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    loader = (lambda: Policy.load(args.policy)) if args.policy else None
    app = create_app(
        _analyzer(args, _config(args)), policy=policy, settings=settings, policy_loader=loader
    )
    return app, options


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from .service.server import run
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    app, options = build_service(args)
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    if not loopback and app.settings.token is None:  # type: ignore[attr-defined]
        sys.stderr.write(
            f"rhetoric: warning: serving on {args.host} without a token: anyone who can "
            "reach it can use it (set RHETORIC_TOKEN or --token-file)\n"
        )
    if args.workers > 1:
        # Each worker rebuilds the service from this very command line (the one main()
        # got); the app built here only proved the options sound and is let go.
        del app
        run(None, options, args.argv)
    else:
        run(app, options, None)
    return EXIT_OK


COMMANDS = {
    "check": _cmd_check,
    "serve": _cmd_serve,
    "eval": _cmd_eval,
    "rules": _cmd_rules,
    "explain": _cmd_explain,
    "plugins": _cmd_plugins,
    "techniques": _cmd_techniques,
}


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
    args.argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    try:
        return COMMANDS[args.command](args, out)
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


if __name__ == "__main__":
    sys.exit(main())
