"""Which rules and terms raise a document-level corpus's false alarms, and how the same
terms fare on a training split: the issue 14 study of HateXplain's document precision.

    python bench/doc_errors.py [--data ../shared/data] [--top 40]
    python bench/doc_errors.py --no-builtin-rules --rules OTHER/rules   # another rule set

A document-level score hides why it is low: a term that fires on posts labelled normal
may be innocent in that use (a guard is due), or offensive by the technique's own
definition while the annotators called the post normal (label noise: the term stays).
This script lays out the evidence for that decision:

- the posts of the negative class that we flag, by rule (any hit of it / its hits alone)
  and by matched term (posts of each class it fires on, posts where it is the only term);
- for the same terms, their span precision on a training split (by default the toxic
  spans train posts: how often a hit overlaps a gold span). A guard is justified when
  both say the term is mostly innocent; the dev split is for measuring only.

Only rule ids and the rules' own terms are printed (a template rule's hits are named by
the rule), never corpus text: the data may not be redistributed in the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

from rhetoric import Analyzer, AnalyzerConfig, Comment, Hit  # noqa: E402

TECHNIQUES = frozenset({"slur", "profanity", "name-calling"})
NEGATIVE = "normal"
Term = tuple[str, str]  # (rule, term)


@dataclass
class DocErrors:
    """Flagged posts of each class, counted by rule and by term."""

    flagged: int = 0
    false_alarms: int = 0
    misses: int = 0
    rule_any: Counter[str] = field(default_factory=Counter)
    rule_only: Counter[str] = field(default_factory=Counter)
    term_negative: Counter[Term] = field(default_factory=Counter)
    term_positive: Counter[Term] = field(default_factory=Counter)
    term_only: Counter[Term] = field(default_factory=Counter)


def read(path: Path) -> list[dict[str, Any]]:
    """The JSONL gold records of ``path``."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def term_of(hit: Hit) -> Term:
    """A hit's rule and the rule's own term (lexicon rules) or ``(template)``: never the
    matched text of a template, which would copy corpus words."""
    term = hit.evidence.get("term") if isinstance(hit.evidence, dict) else None
    return hit.rule, term if isinstance(term, str) else "(template)"


def hits_of(
    analyzer: Analyzer, records: Iterable[dict[str, Any]], techniques: frozenset[str]
) -> Iterator[tuple[dict[str, Any], list[Hit], list[Hit]]]:
    """Each record with its detected hits (before merging: every term that fired) and its
    reported ones (what ``rhetoric eval`` counts), both limited to ``techniques``."""
    for record in records:
        detection = analyzer.detect(Comment(id=str(record["id"]), text=record["text"]))
        report = analyzer.conclude(detection).report
        raw = [h for h in detection.hits if h.technique in techniques]
        final = [h for h in report.hits if h.technique in techniques]
        yield record, raw, final


def doc_errors(
    analyzer: Analyzer,
    records: Iterable[dict[str, Any]],
    techniques: frozenset[str] = TECHNIQUES,
    negative: str = NEGATIVE,
) -> DocErrors:
    """Count the flagged posts labelled ``negative`` by rule and term, and the misses."""
    errors = DocErrors()
    for record, raw, final in hits_of(analyzer, records, techniques):
        is_negative = record.get("label") == negative
        if not final:
            errors.misses += not is_negative
            continue
        errors.flagged += 1
        terms = {term_of(h) for h in raw}
        if not is_negative:
            errors.term_positive.update(terms)
            continue
        errors.false_alarms += 1
        errors.term_negative.update(terms)
        rules = {h.rule for h in final}
        errors.rule_any.update(rules)
        if len(rules) == 1:
            errors.rule_only.update(rules)
        if len({t for _, t in terms}) == 1:
            errors.term_only.update(terms)
    return errors


def span_precision(
    analyzer: Analyzer,
    records: Iterable[dict[str, Any]],
    labels: frozenset[str],
    techniques: frozenset[str] = TECHNIQUES,
) -> dict[Term, tuple[int, int]]:
    """(hits, hits overlapping a gold span of ``labels``) per term, before merging."""
    counts: dict[Term, list[int]] = {}
    for record, raw, _ in hits_of(analyzer, records, techniques):
        gold = [(s["start"], s["end"]) for s in record.get("spans", []) if s["label"] in labels]
        for hit in raw:
            row = counts.setdefault(term_of(hit), [0, 0])
            row[0] += 1
            row[1] += any(hit.start < end and start < hit.end for start, end in gold)
    return {term: (n, right) for term, (n, right) in counts.items()}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "-"


def table(errors: DocErrors, train: dict[Term, tuple[int, int]], top: int) -> str:
    """The breakdown as Markdown tables."""
    lines = [
        f"Flagged {errors.flagged}; false alarms {errors.false_alarms}; "
        f"precision {pct(errors.flagged - errors.false_alarms, errors.flagged)}; "
        f"misses {errors.misses}.",
        "",
        "| rule | false-alarm posts | of which only this rule |",
        "|---|---:|---:|",
        *(f"| {r} | {n} | {errors.rule_only[r]} |" for r, n in errors.rule_any.most_common()),
        "",
        "| rule | term | negative posts | of which only this term | positive posts "
        "| train hits | train span precision |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for term, n in errors.term_negative.most_common(top):
        hits, right = train.get(term, (0, 0))
        lines.append(
            f"| {term[0]} | {term[1]} | {n} | {errors.term_only[term]} "
            f"| {errors.term_positive[term]} | {hits} | {pct(right, hits)} |"
        )
    return "\n".join(lines) + "\n"


def build(rule_paths: Sequence[Path], builtin: bool, preview: bool) -> Analyzer:
    """The checkout's analyzer (its plugins and rules, not an installed copy)."""
    config = AnalyzerConfig(
        rule_paths=tuple(rule_paths),
        # the pack's plugin is "builtin-rules" as an entry point, "builtin_rules" from a folder
        disabled_plugins=frozenset() if builtin else frozenset({"builtin-rules", "builtin_rules"}),
        preview=preview,
    )
    return Analyzer.from_config(config, plugin_dirs=[ROOT / "plugins"], entry_points=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--gold", default="hatexplain/dev.jsonl")
    parser.add_argument("--negative", default=NEGATIVE, help="the document label of clean posts")
    parser.add_argument("--train", default="toxic_spans_semeval2021/train.jsonl")
    parser.add_argument("--train-labels", default="toxic", help="comma-separated span labels")
    parser.add_argument("--techniques", default="|".join(sorted(TECHNIQUES)))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--rules", type=Path, action="append", default=[])
    parser.add_argument("--no-builtin-rules", action="store_true")
    parser.add_argument("--preview", action="store_true")
    args = parser.parse_args(argv)
    gold = args.data / args.gold
    if not gold.is_file():
        print(f"skipped: {gold} is not present", file=sys.stderr)
        return 0
    analyzer = build(args.rules, not args.no_builtin_rules, args.preview)
    techniques = frozenset(t for t in args.techniques.split("|") if t)
    errors = doc_errors(analyzer, read(gold), techniques, args.negative)
    train_path = args.data / args.train
    train: dict[Term, tuple[int, int]] = {}
    if train_path.is_file():
        labels = frozenset(args.train_labels.split(","))
        train = span_precision(analyzer, read(train_path), labels, techniques)
    print(table(errors, train, args.top), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
