"""``rhetoric explain RULE_ID``: what a rule finds, why it matters, its examples."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..model import GROUPS, TargetKind
from ..suggest import did_you_mean
from . import EXIT_OK, UsageError, build_analyzer

TARGET_KINDS = {
    TargetKind.ADDRESSEE: "the person spoken to ('you', 'shut up, idiot'): harassment",
    TargetKind.PERSON: "a named or described individual, public figure or not ('Bob', 'he')",
    TargetKind.GROUP: "an identity group, with its community: hate speech",
    TargetKind.INSTITUTION: "a government, party, company, the media, the police...",
    TargetKind.UNSPECIFIED: "aimed at someone the text does not name",
}


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.rule_id == "targets":
        return _targets(out)
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


def _targets(out: TextIO) -> int:
    """``rhetoric explain targets``: the kinds of target a hit may carry."""
    out.write(
        "Targets: whom a finding aims at (the 'target' of a hit of name-calling, slur,\n"
        "conspiracy framing, threats and the attacks of the inventory; set by the\n"
        "'targets' plugin or by the detector). Policies and the Coral answer use them:\n"
        "an attack on an identity group is hate speech, on the person spoken to\n"
        "harassment.\n\n"
    )
    for kind, meaning in TARGET_KINDS.items():
        out.write(f"  {kind.value:12} {meaning}\n")
    out.write(f"\nGroups (HateXplain's community names): {', '.join(GROUPS)}\n")
    return EXIT_OK
