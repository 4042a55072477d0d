"""Train a statistical scorer from labeled JSONL (``rhetoric train``).

The gold format and the ``--map`` syntax are those of ``rhetoric eval``
(:mod:`rhetoric.quality.evaluation`), so the data a model learns from is the data it
is measured on. Each map becomes one *head* of the model: span labels train a
per-word classifier (a word is positive when at least half of its characters lie in
a gold span of the map's labels), ``doc:LABEL`` a per-document one.

Training needs scikit-learn (``pip install 'rhetoric[train]'``); the model it
writes needs nothing: the ``scorer`` plugin reads it in pure Python. Features are
hashed into a fixed number of columns (memory stays bounded whatever the corpus),
and the model file keeps, per feature string, the weight of its column, so
inference looks strings up and evidence can name them.

A fifth of the records (chosen by a hash of their id, so the same every run) is held
out to choose each head's threshold (the one with the best span-overlap F1 for span
heads, the best F1 for document heads); the model is then refitted on all records.
A span head's model runs beside the rules, so by default its threshold is the best for
the union of its spans with the rules' hits of the same technique (``rules``): the
threshold best for the model alone is lower (it has to find everything itself) and, in
a union, adds mostly false alarms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..__about__ import __version__
from .evaluation import GoldError, GoldRecord, Target, parse_target, read_gold

if TYPE_CHECKING:
    from types import ModuleType

    from scipy.sparse import csr_matrix

HASH_BUCKETS = 1 << 20
# Optional features (off by default: on the development data they changed no score
# by more than noise, and each costs time per comment; see docs/quality.md).
EXTRAS = ("bigrams", "shape", "you", "exclaims", "shouts")
HELD_OUT = 5  # one record in five
MAX_EXAMPLE_CHARS = 160


class TrainingError(ValueError):
    """The data, the maps or the settings cannot make a model; the message says why."""


def scorer() -> ModuleType:
    """The ``scorer`` plugin module: it owns the feature definitions and the file
    format, so training uses exactly what inference will."""
    return importlib.import_module("rhetoric_plugins.scorer")


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """What ``rhetoric train`` was asked for."""

    gold: tuple[Path, ...]
    maps: tuple[str, ...]
    name: str
    command: str = ""
    chars: tuple[int, int] = (3, 5)
    context: int = 2
    extras: tuple[str, ...] = ()  # EXTRAS: bigrams, shape and sentence flags
    c: float = 0.3
    threshold: float | None = None
    warning: float = 0.8
    status: str = "stable"
    max_features: int = 50_000
    min_count: int = 2
    examples: bool = True
    license: str | None = None
    limit: int | None = None
    techniques: frozenset[str] = frozenset()  # known technique ids; empty: do not check
    # (technique, start, end) of the rules' hits on a text: span thresholds are chosen for
    # the union with them; None chooses them for the model alone
    rules: Callable[[str], Sequence[tuple[str, int, int]]] | None = None
    threshold_metric: str = "span overlap"  # or "character": what span thresholds maximise


@dataclass(slots=True)
class HeadData:
    """One map's training rows: labels per row, and the rows' records."""

    target: Target
    technique: str
    kind: str
    labels: list[int] = field(default_factory=list)


def _sklearn() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrainingError("training needs scikit-learn: pip install 'rhetoric[train]'") from None
    return LogisticRegression


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % HASH_BUCKETS


def load_records(
    paths: Sequence[Path], limit: int | None
) -> tuple[list[GoldRecord], list[str], list[dict[str, Any]]]:
    """Records of every gold file, the lines that could not be used, and a
    description of each file (path, sha256, records) for the model's record."""
    records: list[GoldRecord] = []
    problems: list[str] = []
    sources: list[dict[str, Any]] = []
    for path in paths:
        if not path.is_file():
            raise TrainingError(f"gold file '{path}' does not exist")
        found, bad = read_gold(path)
        if limit is not None:
            found = found[: max(0, limit - len(records))]
        records += found
        problems += bad
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append({"path": str(path), "sha256": digest, "records": len(found)})
    if not records:
        raise TrainingError("the gold files have no usable records")
    return records, problems, sources


def heads_for(
    maps: Sequence[str], records: Sequence[GoldRecord], techniques: frozenset[str]
) -> list[HeadData]:
    """One head per map, checked: one technique each, span or document labels (not
    both), labels present in the data, no technique twice."""
    known = {s.label for r in records for s in r.spans} | {r.label for r in records if r.label}
    heads: list[HeadData] = []
    for mapping in maps:
        try:
            target = parse_target(mapping, known)
        except GoldError as exc:
            raise TrainingError(str(exc)) from None
        if len(target.techniques) != 1:
            raise TrainingError(
                f"--map {mapping!r}: a model head predicts one technique; name one "
                f"(e.g. '{sorted(target.techniques)[0]}=...')"
            )
        (technique,) = target.techniques
        if techniques and technique not in techniques:
            raise TrainingError(f"--map {mapping!r}: unknown technique '{technique}'")
        if target.span_labels and target.doc_labels:
            raise TrainingError(
                f"--map {mapping!r}: mixes span labels and doc: labels; give them as two maps "
                "for two techniques"
            )
        for label in sorted(target.span_labels | target.doc_labels):
            if label not in known:
                raise TrainingError(f"--map {mapping!r}: no label '{label}' in the gold files")
        if any(h.technique == technique for h in heads):
            raise TrainingError(f"--map {mapping!r}: technique '{technique}' is mapped twice")
        heads.append(HeadData(target, technique, "span" if target.span_labels else "doc"))
    return heads


def _held_out(record: GoldRecord, index: int) -> bool:
    return zlib.crc32(f"{record.id}:{index}".encode()) % HELD_OUT == 0


class Matrix:
    """Sparse rows built one at a time, over every feature string seen (by id), so
    that rare features can be left out and the rest hashed into columns at the end."""

    def __init__(self) -> None:
        self.indptr = array("q", [0])
        self.indices = array("i")  # feature ids
        self.values = array("d")
        self.ids: dict[str, int] = {}
        self.counts = array("i")  # rows each feature id occurs in

    def add(self, features: Sequence[str], value: float = 1.0) -> None:
        ids, counts = self.ids, self.counts
        for feature in features:
            number = ids.get(feature)
            if number is None:
                number = ids[feature] = len(ids)
                counts.append(0)
            counts[number] += 1
            self.indices.append(number)
            self.values.append(value)
        self.indptr.append(len(self.indices))

    def build(self, min_count: int) -> tuple[csr_matrix, dict[str, int]]:
        """The hashed matrix without features seen fewer than ``min_count`` times, and
        the column of each feature kept."""
        import numpy as np
        from scipy.sparse import csr_matrix

        counts = np.frombuffer(self.counts, dtype=np.int32)
        kept = {f: _bucket(f) for f, n in self.ids.items() if counts[n] >= min_count}
        column_of = np.full(len(self.ids), -1, dtype=np.int64)
        for feature, column in kept.items():
            column_of[self.ids[feature]] = column
        columns = column_of[np.frombuffer(self.indices, dtype=np.int32)]
        mask = columns >= 0
        indptr = np.frombuffer(self.indptr, dtype=np.int64)
        rows = len(indptr) - 1
        row_of = np.repeat(np.arange(rows), np.diff(indptr))
        matrix = csr_matrix(
            (np.frombuffer(self.values, dtype=np.float64)[mask], (row_of[mask], columns[mask])),
            shape=(rows, HASH_BUCKETS),
        )
        matrix.sum_duplicates()
        return matrix, kept


@dataclass(slots=True)
class Rows:
    """Feature rows of every record: per word for span heads, per record for doc heads."""

    words: Matrix = field(default_factory=Matrix)
    docs: Matrix = field(default_factory=Matrix)
    word_record: array = field(default_factory=lambda: array("i"))  # row -> record index
    items: list[list[Any]] = field(default_factory=list)  # record -> its words


def featurize(records: Sequence[GoldRecord], heads: Sequence[HeadData], settings: Any) -> Rows:
    """Every row of every record, and each head's labels for its rows."""
    plugin = scorer()
    rows = Rows()
    span_heads = [h for h in heads if h.kind == "span"]
    doc_heads = [h for h in heads if h.kind == "doc"]
    for index, record in enumerate(records):
        items = plugin.words(record.text)
        rows.items.append(items)
        if span_heads:
            for features in plugin.token_features(items, record.text, settings):
                rows.words.add(features)
                rows.word_record.append(index)
            for head in span_heads:
                gold = _gold_chars(record, head.target)
                for word in items:
                    inside = sum(1 for i in range(word.start, word.end) if i in gold)
                    head.labels.append(int(2 * inside >= word.end - word.start))
        if doc_heads:
            features = plugin.document_features(items, settings)
            rows.docs.add(features, 1 / math.sqrt(len(features)) if features else 0.0)
            for head in doc_heads:
                head.labels.append(int(_doc_positive(record, head.target)))
    return rows


def _gold_chars(record: GoldRecord, target: Target) -> set[int]:
    return {i for s in record.spans if s.label in target.span_labels for i in range(s.start, s.end)}


def _doc_positive(record: GoldRecord, target: Target) -> bool:
    return record.label is not None and record.label in target.doc_labels


def _f1(tp: int, predicted: int, gold: int) -> float:
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def _span_threshold(
    probabilities: Sequence[float],
    rows: Sequence[int],
    records: Sequence[GoldRecord],
    items: Sequence[Sequence[Any]],
    head: HeadData,
    rules: dict[int, list[tuple[int, int]]] | None = None,
    by_character: bool = False,
) -> tuple[float, float]:
    """The threshold with the best span-overlap F1 on the held-out records (a predicted
    span is right when it overlaps a gold span, a gold span found when a predicted one
    overlaps it: the measure ``rhetoric eval`` leads with), or ``by_character`` the best
    character-level F1 (what toxic-spans scoring counts), spans merged as the plugin
    merges them, and that F1; with ``rules`` (the rules' spans per held-out record),
    of the union with them."""
    merge_runs = scorer().merge_runs
    by_record: dict[int, list[float]] = {}
    for probability, record in zip(probabilities, rows, strict=True):
        by_record.setdefault(record, []).append(probability)
    marked = rules or {}
    judged = sorted(set(by_record) | set(marked))
    truths = {record: _gold_spans(records[record], head.target) for record in judged}
    truth_chars = (
        {r: {c for s, e in truth for c in range(s, e)} for r, truth in truths.items()}
        if by_character
        else {}
    )
    best = (0.5, -1.0)
    for step in range(1, 20):
        cut = step / 20
        right = predicted = found = gold = 0
        for record in judged:
            values = by_record.get(record, [])
            words = items[record]
            spans = list(marked.get(record, ()))
            spans += [
                (words[first].start, words[last].end)
                for first, last in merge_runs(words, [v >= cut for v in values])
            ]
            if by_character:
                chars = {c for s, e in spans for c in range(s, e)}
                gold_chars = truth_chars[record]
                right += len(chars & gold_chars)
                predicted += len(chars)
                found += len(chars & gold_chars)
                gold += len(gold_chars)
                continue
            truth = truths[record]
            predicted += len(spans)
            right += sum(any(s < e2 and s2 < e for s2, e2 in truth) for s, e in spans)
            gold += len(truth)
            found += sum(any(s < e2 and s2 < e for s, e in spans) for s2, e2 in truth)
        precision = right / predicted if predicted else 0.0
        recall = found / gold if gold else 0.0
        score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        best = _better(best, cut, score)
    return best


def _better(best: tuple[float, float], cut: float, score: float) -> tuple[float, float]:
    """The better of two (threshold, F1) pairs; on a tie the threshold nearer 0.5,
    which a plateau of equal scores on little data says nothing against."""
    if score > best[1] + 1e-9 or (
        abs(score - best[1]) <= 1e-9 and abs(cut - 0.5) < abs(best[0] - 0.5)
    ):
        return (cut, score)
    return best


def _doc_threshold(probabilities: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    best = (0.5, -1.0)
    for step in range(1, 20):
        cut = step / 20
        tp = sum(1 for p, y in zip(probabilities, labels, strict=True) if p >= cut and y)
        predicted = sum(1 for p in probabilities if p >= cut)
        best = _better(best, cut, _f1(tp, predicted, sum(labels)))
    return best


def _rule_hits(
    options: TrainOptions,
    records: Sequence[GoldRecord],
    held: Sequence[bool],
    heads: Sequence[HeadData],
    say: Callable[[str], None],
) -> dict[str, dict[int, list[tuple[int, int]]]] | None:
    """Per span head's technique, the rules' spans on each held-out record (None when
    thresholds are chosen for the model alone, or were given)."""
    spans = {head.technique for head in heads if head.kind == "span"}
    if options.rules is None or options.threshold is not None or not spans:
        return None
    say("running the rules on the held-out records, to choose thresholds for the union")
    found: dict[str, dict[int, list[tuple[int, int]]]] = {technique: {} for technique in spans}
    for index, record in enumerate(records):
        if not held[index]:
            continue
        for technique, start, end in options.rules(record.text):
            if technique in found:
                found[technique].setdefault(index, []).append((start, end))
    return found


def _named_weights(
    coefficients: Sequence[float], columns: dict[str, int], keep: int
) -> dict[str, dict[str, float]]:
    """The ``keep`` feature strings with the largest weights, grouped by kind."""
    named = [(f, float(coefficients[c])) for f, c in columns.items() if coefficients[c] != 0.0]
    named.sort(key=lambda item: -abs(item[1]))
    grouped: dict[str, dict[str, float]] = {}
    for feature, weight in named[:keep]:
        kind, _, key = feature.partition("=")
        grouped.setdefault(kind, {})[key] = round(weight, 4)
    return grouped


def train(options: TrainOptions, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """The model document ``options`` describe (write it with ``scorer().write_model``)."""
    regression = _sklearn()
    import numpy as np

    plugin = scorer()
    unknown = sorted(set(options.extras) - set(EXTRAS))
    if unknown:
        raise TrainingError(
            f"unknown extra features: {', '.join(unknown)} (known: {', '.join(EXTRAS)})"
        )
    settings = plugin.FeatureSettings(
        chars=options.chars,
        context=options.context,
        bigrams="bigrams" in options.extras,
        shape="shape" in options.extras,
        sentence=tuple(f for f in plugin.SENTENCE_FLAGS if f in options.extras),
    )
    records, problems, sources = load_records(options.gold, options.limit)
    for problem in problems:
        say(f"warning: {problem}")
    heads = heads_for(options.maps, records, options.techniques)
    say(f"{len(records)} records; featurizing")
    rows = featurize(records, heads, settings)
    held = np.array([_held_out(r, i) for i, r in enumerate(records)], dtype=bool)
    found = _rule_hits(options, records, held.tolist(), heads, say)
    documents: list[dict[str, Any]] = []
    for head in heads:
        matrix_rows = rows.words if head.kind == "span" else rows.docs
        matrix, columns = matrix_rows.build(options.min_count)
        labels = np.array(head.labels, dtype=np.int8)
        if head.kind == "span":
            owner = np.frombuffer(rows.word_record, dtype=np.int32)
            row_held = held[owner]
        else:
            owner = np.arange(len(records), dtype=np.int32)
            row_held = held
        positives = int(labels.sum())
        if positives == 0 or positives == len(labels):
            every = "negative" if not positives else "positive"
            raise TrainingError(
                f"--map {head.target.name!r}: every row is {every}: nothing to learn"
            )
        say(f"{head.technique}: {matrix.shape[0]} {head.kind} rows, {positives} positive")
        threshold, held_f1 = options.threshold, None
        if options.threshold is None:
            fit = regression(C=options.c, solver="liblinear", max_iter=1000)
            train_rows = ~row_held
            if labels[train_rows].min() == labels[train_rows].max():
                raise TrainingError(f"{head.technique}: too few positive rows to hold any out")
            fit.fit(matrix[train_rows], labels[train_rows])
            scored = fit.predict_proba(matrix[row_held])[:, 1]
            if head.kind == "span":
                threshold, held_f1 = _span_threshold(
                    scored.tolist(),
                    owner[row_held].tolist(),
                    records,
                    rows.items,
                    head,
                    None if found is None else found.get(head.technique, {}),
                    by_character=options.threshold_metric == "character",
                )
            else:
                threshold, held_f1 = _doc_threshold(scored.tolist(), labels[row_held].tolist())
            say(f"{head.technique}: threshold {threshold:.2f} (held-out F1 {held_f1:.3f})")
        final = regression(C=options.c, solver="liblinear", max_iter=1000)
        final.fit(matrix, labels)
        documents.append(
            {
                "technique": head.technique,
                "kind": head.kind,
                "labels": sorted(head.target.span_labels)
                + [f"doc:{x}" for x in sorted(head.target.doc_labels)],
                "bias": round(float(final.intercept_[0]), 4),
                "threshold": threshold,
                "warning": max(options.warning, threshold),
                "held_out": {
                    "records": int(held.sum()),
                    "f1": held_f1,
                    "level": (options.threshold_metric if head.kind == "span" else "document"),
                    "with_rules": found is not None and head.kind == "span",
                },
                "weights": _named_weights(final.coef_[0], columns, options.max_features),
            }
        )
    document = {
        "format": plugin.FORMAT,
        "version": plugin.FORMAT_VERSION,
        "name": options.name,
        "status": options.status,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training": {
            "command": options.command,
            "maps": list(options.maps),
            "data": sources,
            "license": options.license,
            "rhetoric": __version__,
            "library": f"scikit-learn {_version('sklearn')}",
            "estimator": f"LogisticRegression(C={options.c}, solver='liblinear')",
            "hash": {"function": "crc32", "buckets": HASH_BUCKETS},
            "held_out": f"1 record in {HELD_OUT}, by crc32 of id, for the thresholds",
            "max_features": options.max_features,
            "min_count": options.min_count,
        },
        "features": settings.to_dict(),
        "heads": documents,
    }
    if options.examples:
        _add_examples(document, records, held.tolist())
    return document


def _version(module: str) -> str:
    return str(getattr(importlib.import_module(module), "__version__", "?"))


def _add_examples(
    document: dict[str, Any], records: Sequence[GoldRecord], held: list[bool]
) -> None:
    """Give each head a flag and a pass example from the held-out records: short
    texts the finished model gets exactly right, so ``rhetoric rules test`` can run
    the model's rules like any other."""
    plugin = scorer()
    model = plugin.parse_model(document, Path(document["name"]))
    candidates = [
        r for r, out in zip(records, held, strict=True)
        if out and 20 <= len(r.text) <= MAX_EXAMPLE_CHARS and "[[" not in r.text
    ]  # fmt: skip
    candidates.sort(key=lambda r: (len(r.text), r.id))
    for head_doc, head in zip(document["heads"], model.heads, strict=True):
        target = Target(
            frozenset([head.technique]),
            frozenset(x for x in head.labels if not x.startswith("doc:")),
            frozenset(x[4:] for x in head.labels if x.startswith("doc:")),
        )
        flag = passing = None
        for record in candidates:
            found = [(p.start, p.end) for p in model.predict(record.text) if p.head is head]
            if head.kind == "span":
                gold = _gold_spans(record, target)
                right = found == gold
            else:
                gold = found if _doc_positive(record, target) else []
                right = bool(found) == _doc_positive(record, target)
            if not right:
                continue
            if found and flag is None:
                flag = _marked(record.text, found)
            elif not found and passing is None:
                passing = record.text
            if flag is not None and passing is not None:
                break
        head_doc["examples"] = [
            {"text": text, "flag": is_flag}
            for text, is_flag in ((flag, True), (passing, False))
            if text is not None
        ]


def _gold_spans(record: GoldRecord, target: Target) -> list[tuple[int, int]]:
    spans = sorted(
        (s.start, s.end) for s in record.spans if s.label in target.span_labels and s.end > s.start
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, position = [], 0
    for start, end in sorted(spans):
        out += [text[position:start], "[[", text[start:end], "]]"]
        position = end
    out.append(text[position:])
    return "".join(out)
