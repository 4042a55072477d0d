"""``rhetoric rules list|test|docs``: the rules an analyzer loads, their own examples,
and a documentation page per rule."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from ..analyzer import Analyzer
from ..document import Document
from ..engine.compiled import CompiledRules
from ..model import Comment
from ..outputs.rule_docs import (
    REGENERATE,
    documented_rules,
    first_party_analyzer,
    rule_doc_pages,
    stale_rule_docs,
    write_rule_docs,
)
from ..quality.examples import run_all_examples
from ..wire import rule_to_dict
from . import EXIT_FINDINGS, EXIT_OK, UsageError, build_analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.rules_command == "list":
        return _list(args, out)
    if args.rules_command == "test":
        return _test(args, out)
    if args.rules_command == "docs":
        return _docs(args, out)
    raise UsageError(
        "give a subcommand: 'rhetoric rules list', 'rhetoric rules test' or 'rhetoric rules docs'"
    )


def _list(args: argparse.Namespace, out: TextIO) -> int:
    analyzer = build_analyzer(args)
    rules = analyzer.all_rules if args.all else analyzer.rules
    if args.format == "json":
        json.dump([rule_to_dict(r) for r in rules], out, indent=2)
        out.write("\n")
        return EXIT_OK
    for rule in rules:
        out.write(
            f"{rule.id:32} {rule.technique:20} {rule.severity.value:8} "
            f"{rule.status:8} {rule.kind}\n"
        )
    out.write(f"{len(rules)} rules\n")
    return EXIT_OK


def _test(args: argparse.Namespace, out: TextIO) -> int:
    extra = tuple(Path(p) for p in (*args.rules, *args.paths))
    analyzer = build_analyzer(args, rule_paths=extra, preview=True, select=(), ignore=())
    rules = analyzer.all_rules
    if args.paths:
        roots = [Path(p).resolve() for p in args.paths]
        rules = [r for r in rules if r.source and any(_under(Path(r.source), p) for p in roots)]
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
        if not result.ok and example is not None and example.flag:
            for note in _refusals(analyzer, result.rule.id, example.parse()[0]):
                out.write(f"     {note}\n")
    out.write(f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(rules)} rules)\n")
    return EXIT_FINDINGS if failed else EXIT_OK


def _docs(args: argparse.Namespace, out: TextIO) -> int:
    """Write the page of every first-party rule (or with ``--check`` list the stale
    ones: exit 1 when there are)."""
    analyzer = first_party_analyzer()
    pages = rule_doc_pages(documented_rules(analyzer), analyzer.techniques)
    folder = Path(args.folder)
    if args.check:
        stale = stale_rule_docs(pages, folder)
        for path in stale:
            out.write(f"stale: {folder / path}\n")
        if stale:
            noun = "page" if len(stale) == 1 else "pages"
            out.write(f"{len(stale)} stale rule {noun}; run `{REGENERATE} {folder}` to update\n")
        return EXIT_FINDINGS if stale else EXIT_OK
    changed = write_rule_docs(pages, folder)
    for path in changed:
        out.write(f"wrote: {folder / path}\n" if path in pages else f"removed: {folder / path}\n")
    out.write(f"{len(pages)} pages in {folder}, {len(changed)} changed\n")
    return EXIT_OK


def _refusals(analyzer: Analyzer, rule_id: str, text: str) -> list[str]:
    """Why the rule engine refused this rule's matches in a flag example (a match that
    starts inside a word, or whose own letters stop inside one: see "Writing rules" in
    the README), so a missing hit is never a silent one."""
    compiled = next((d for d in analyzer.detectors if isinstance(d, CompiledRules)), None)
    if compiled is None:
        return []
    return [
        f"refused: pattern match [[{text[start:end]}]]@{start} {why} "
        "(the engine never reports a word fragment)"
        for rule, start, end, why in compiled.refusals(Document(Comment("example", text)))
        if rule == rule_id
    ]


def _under(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or root in resolved.parents
