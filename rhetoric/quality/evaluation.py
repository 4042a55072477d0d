"""Measure detection quality against labeled data (``rhetoric eval``).

Gold files are JSONL records ``{"id", "text", "spans": [{"start", "end", "label"}],
"label"?}``. A *target* maps one or more of our techniques onto one or more gold
labels (``doc:LABEL`` names a document label); ``TECH!TAG`` leaves out the hits of rules
tagged TAG (``tags:`` in the rule file), for gold whose annotators leave such words
unmarked (toxic-spans annotators do not mark political labels; PTC does). For each
target we report:

- document level: a document is predicted positive when any hit of the target's
  techniques occurs, gold positive when it has a span (or document label) of the
  target's labels;
- span overlap: a predicted span is right when it overlaps a gold span of the
  target, a gold span is found when a predicted span overlaps it;
- character level: micro-averaged over all characters;
- the SemEval-2021 Task 5 score: the mean over documents of the per-document
  character F1 (1 when both gold and prediction are empty, 0 when only one is).
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analyzer import Analyzer
from ..model import Comment, Hit

DOC_PREFIX = "doc:"


class GoldError(ValueError):
    """A gold file or mapping is unusable; the message says where and why."""


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class GoldRecord:
    id: str
    text: str
    spans: tuple[GoldSpan, ...]
    label: str | None


@dataclass(frozen=True, slots=True)
class Target:
    """Our techniques (counted together) against gold span and document labels."""

    techniques: frozenset[str]
    span_labels: frozenset[str]
    doc_labels: frozenset[str]
    # Tags whose rules' hits are left out (``TECH!TAG``), and those rules' ids once
    # :func:`evaluate` has resolved them against its analyzer.
    without_tags: frozenset[str] = frozenset()
    skipped_rules: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        labels = sorted(self.span_labels) + [DOC_PREFIX + d for d in sorted(self.doc_labels)]
        tags = "".join(f"!{tag}" for tag in sorted(self.without_tags))
        return f"{'|'.join(sorted(self.techniques))}{tags}={','.join(labels)}"

    @property
    def has_spans(self) -> bool:
        return bool(self.span_labels)


def read_gold(path: Path) -> tuple[list[GoldRecord], list[str]]:
    """Records of a gold file, and one message per line that could not be used."""
    records: list[GoldRecord] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(_gold_record(json.loads(line), number))
            except (json.JSONDecodeError, GoldError, KeyError, TypeError, ValueError) as exc:
                problems.append(f"{path}:{number}: {exc}")
    return records, problems


def _gold_record(data: Any, number: int) -> GoldRecord:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise GoldError("record needs a string 'text'")
    text = data["text"]
    spans = []
    for span in data.get("spans") or []:
        start, end = int(span["start"]), int(span["end"])
        if not 0 <= start <= end <= len(text):
            raise GoldError(f"span {start}..{end} is outside the text")
        spans.append(GoldSpan(start, end, str(span["label"])))
    label = data.get("label")
    return GoldRecord(
        str(data.get("id", number)), text, tuple(spans), None if label is None else str(label)
    )


def parse_target(mapping: str, known_labels: set[str]) -> Target:
    """``TECH[|TECH...][!TAG...]=LABEL[,LABEL...]``; a label may itself contain commas
    (PTC's ``Name_Calling,Labeling``) when the whole list names a known label."""
    if "=" not in mapping:
        raise GoldError(
            f"--map {mapping!r}: expected TECHNIQUE[|TECHNIQUE...][!TAG...]=LABEL[,LABEL...]"
        )
    left, right = mapping.split("=", 1)
    left, *tags = left.split("!")
    without = frozenset(tag.strip() for tag in tags)
    if "" in without:
        raise GoldError(f"--map {mapping!r}: '!' must be followed by a rule tag")
    techniques = frozenset(t.strip() for t in left.split("|") if t.strip())
    if not techniques or not right.strip():
        raise GoldError(f"--map {mapping!r}: techniques and labels must not be empty")
    labels = _split_labels(right.strip(), known_labels)
    span_labels = frozenset(label for label in labels if not label.startswith(DOC_PREFIX))
    doc_labels = frozenset(
        label[len(DOC_PREFIX) :] for label in labels if label.startswith(DOC_PREFIX)
    )
    return Target(techniques, span_labels, doc_labels, without)


def with_tagged_rules(target: Target, analyzer: Analyzer) -> Target:
    """``target`` knowing which of ``analyzer``'s rules carry its left-out tags."""
    if not target.without_tags:
        return target
    skipped = frozenset(
        rule.id for rule in analyzer.all_rules if target.without_tags.intersection(rule.tags)
    )
    return dataclasses.replace(target, skipped_rules=skipped)


def _split_labels(text: str, known: set[str]) -> list[str]:
    parts = text.split(",")
    labels: list[str] = []
    i = 0
    while i < len(parts):
        # Prefer the longest run of comma-joined parts that is a known label.
        for j in range(len(parts), i, -1):
            candidate = ",".join(parts[i:j]).strip()
            bare = candidate.removeprefix(DOC_PREFIX)
            if j == i + 1 or bare in known:
                labels.append(candidate)
                i = j
                break
    return labels


@dataclass(slots=True)
class Counts:
    """Numerator/denominator pairs for precision and recall."""

    tp_pred: int = 0
    pred: int = 0
    tp_gold: int = 0
    gold: int = 0

    def prf(self) -> dict[str, float | None]:
        precision = self.tp_pred / self.pred if self.pred else None
        recall = self.tp_gold / self.gold if self.gold else None
        if precision is None or recall is None or precision + recall == 0:
            f1 = 0.0 if (precision == 0 or recall == 0) else None
        else:
            f1 = 2 * precision * recall / (precision + recall)
        return {"precision": precision, "recall": recall, "f1": f1, "predicted": self.pred,
                "gold": self.gold}  # fmt: skip


@dataclass(slots=True)
class RuleStats:
    hits: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.hits if self.hits else None


@dataclass(slots=True)
class TargetResult:
    target: Target
    documents: Counts = field(default_factory=Counts)
    spans: Counts = field(default_factory=Counts)
    chars: Counts = field(default_factory=Counts)
    doc_f1s: list[float] = field(default_factory=list)
    rules: dict[str, RuleStats] = field(default_factory=lambda: defaultdict(RuleStats))
    # Per rule, the reported findings of another rule its overlapping hits were merged
    # into (``evidence["merged"]``): hits it found that the report credits to the other.
    merged: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.target.name, "document": self.documents.prf()}
        out["rules"] = {
            rule: {"hits": s.hits, "correct": s.correct, "precision": s.precision}
            for rule, s in sorted(self.rules.items())
        }
        if self.merged:
            out["merged"] = dict(sorted(self.merged.items()))
        if self.target.has_spans:
            out["span_overlap"] = self.spans.prf()
            out["character"] = self.chars.prf()
            out["semeval2021_t5"] = sum(self.doc_f1s) / len(self.doc_f1s) if self.doc_f1s else None
        return out


@dataclass(slots=True)
class Evaluation:
    results: list[TargetResult]
    documents: int
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "targets": [r.to_dict() for r in self.results],
            "problems": self.problems,
        }


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def char_set(spans: Iterable[tuple[int, int]]) -> set[int]:
    """The character offsets ``spans`` cover."""
    return {i for s, e in spans for i in range(s, e)}


def post_f1(predicted: set[int], gold: set[int]) -> float:
    """One post's character F1, as SemEval-2021 Task 5 scores it: 1 when both are empty,
    0 when only one is (the T5 score is its mean over posts)."""
    if not predicted and not gold:
        return 1.0
    common = len(predicted & gold)
    return 2 * common / (len(predicted) + len(gold)) if common else 0.0


def evaluate(
    analyzer: Analyzer,
    records: Sequence[GoldRecord],
    targets: Sequence[Target],
    problems: Sequence[str] = (),
) -> Evaluation:
    """Run the analyzer over ``records`` and score it against each target."""
    results = [TargetResult(with_tagged_rules(t, analyzer)) for t in targets]
    for record, report_hits in zip(records, _hits(analyzer, records), strict=True):
        for result in results:
            score_hits(result, record, report_hits)
    return Evaluation(results, len(records), list(problems))


def _hits(analyzer: Analyzer, records: Sequence[GoldRecord]) -> Iterator[tuple[Hit, ...]]:
    for record in records:
        yield analyzer.check(Comment(id=record.id, text=record.text)).hits


def score_hits(result: TargetResult, record: GoldRecord, hits: Sequence[Hit]) -> None:
    """Count one record's reported (merged) hits against its gold for ``result``'s
    target: also how ``rhetoric train`` scores a threshold, so it chooses for this."""
    target = result.target
    if target.skipped_rules:
        hits = [h for h in hits if h.rule not in target.skipped_rules]
    predicted = [(h.start, h.end) for h in hits if h.technique in target.techniques]
    gold = [
        (s.start, s.end) for s in record.spans if s.label in target.span_labels and s.end > s.start
    ]
    gold_doc = bool(gold) or (record.label is not None and record.label in target.doc_labels)

    doc = result.documents
    doc.pred += bool(predicted)
    doc.gold += gold_doc
    doc.tp_pred += bool(predicted) and gold_doc
    doc.tp_gold += bool(predicted) and gold_doc

    for hit in hits:
        if hit.technique not in target.techniques:
            continue
        result.merged.update(hit.evidence.get("merged", ()))
        stats = result.rules[hit.rule]
        stats.hits += 1
        if target.has_spans:
            stats.correct += _overlaps(hit.start, hit.end, gold)
        else:
            stats.correct += gold_doc

    if not target.has_spans:
        return
    spans = result.spans
    spans.pred += len(predicted)
    spans.tp_pred += sum(_overlaps(s, e, gold) for s, e in predicted)
    spans.gold += len(gold)
    spans.tp_gold += sum(_overlaps(s, e, predicted) for s, e in gold)

    predicted_chars, gold_chars = char_set(predicted), char_set(gold)
    common = len(predicted_chars & gold_chars)
    chars = result.chars
    chars.pred += len(predicted_chars)
    chars.gold += len(gold_chars)
    chars.tp_pred += common
    chars.tp_gold += common
    result.doc_f1s.append(post_f1(predicted_chars, gold_chars))


def format_text(evaluation: Evaluation, per_rule: bool) -> str:
    """A plain table: one block per target, metrics as percentages."""

    def pct(value: float | None) -> str:
        return "   -  " if value is None else f"{100 * value:6.2f}"

    lines = [f"{evaluation.documents} documents"]
    header = f"  {'level':18} {'P':>6} {'R':>6} {'F1':>6}  {'predicted':>9} {'gold':>7}"
    for result in evaluation.results:
        data = result.to_dict()
        lines += ["", f"target {data['target']}", header]
        for level in ("document", "span_overlap", "character"):
            if level in data:
                m = data[level]
                lines.append(
                    f"  {level:18} {pct(m['precision'])} {pct(m['recall'])} {pct(m['f1'])}"
                    f"  {m['predicted']:>9} {m['gold']:>7}"
                )
        if "semeval2021_t5" in data:
            lines.append(f"  {'semeval2021_t5 F1':18} {pct(data['semeval2021_t5'])}")
        if per_rule:
            lines.append(f"  {'rule':32} {'hits':>6} {'precision':>9} {'merged':>6}")
            for rule, stats in sorted(result.rules.items(), key=lambda kv: (-kv[1].hits, kv[0])):
                merged = result.merged[rule]
                lines.append(f"  {rule:32} {stats.hits:>6} {pct(stats.precision):>9} {merged:>6}")
            for rule in sorted(set(result.merged) - set(result.rules)):
                lines.append(f"  {rule:32} {0:>6} {pct(None):>9} {result.merged[rule]:>6}")
    for problem in evaluation.problems:
        lines.append(f"warning: {problem}")
    return "\n".join(lines) + "\n"
