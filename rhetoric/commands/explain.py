"""``rhetoric explain RULE_ID``: what a rule finds, why it matters, its examples."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..suggest import did_you_mean
from . import EXIT_OK, UsageError, build_analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    analyzer = build_analyzer(args, preview=True)
    rule = analyzer.rule(args.rule_id)
    if rule is None:
        hint = did_you_mean(args.rule_id, [r.id for r in analyzer.all_rules])
        raise UsageError(
            f"no rule with id '{args.rule_id}'{hint} (see 'rhetoric rules list --all')"
        )
    technique = analyzer.techniques.get(rule.technique)
    out.write(
        f"{rule.id}  ({rule.technique}, {rule.severity.value}, {rule.status}, {rule.kind})\n\n"
    )
    out.write(f"What it finds: {rule.message}\n\nWhy it matters: {rule.why}\n")
    if rule.instead:
        out.write(f"\nInstead: {rule.instead}\n")
    if technique is not None:
        out.write(f"\nTechnique '{technique.id}': {technique.definition}\n")
    for example in rule.examples:
        out.write(f"\n{'Flagged' if example.flag else 'Not flagged'}: {example.text}")
    if rule.references:
        out.write("\n\nReferences:\n" + "".join(f"  {r}\n" for r in rule.references))
    out.write(f"\nDefined in: {rule.source}\n")
    return EXIT_OK
