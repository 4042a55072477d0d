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
what ``rhetoric eval --model`` would report: the model's hits and the rules' go through
the analyzer's own filters and merging (:meth:`Analyzer.conclude`) and are counted by
eval's own scoring (:func:`score_hits`), so there is one definition of both. The
threshold best for the model alone is lower (it has to find everything itself) and, in a
union, adds mostly false alarms.

A map may name several techniques (``slur|profanity|name-calling=toxic``): the head
reports as the one whose rules' hits overlap the gold spans most on the training
records, and its threshold is chosen against all of them, as eval counts such a map.

A span head may get a *prior* (:class:`rhetoric_plugins.scorer.Prior`), a per-comment
classifier scaling its word probabilities; it is kept only when it raises the held-out
F1, and the model records the comparison.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..__about__ import __version__
from ..analyzer import Analyzer, Detection
from ..config import AnalyzerConfig, disabled_plugins
from ..model import Comment, Hit
from .evaluation import (
    GoldError,
    GoldRecord,
    Target,
    TargetResult,
    parse_target,
    read_gold,
    score_hits,
)

if TYPE_CHECKING:
    from types import ModuleType

    from scipy.sparse import csr_matrix

HASH_BUCKETS = 1 << 20
# Optional features (off by default: on the development data they changed no score
# by more than noise, and each costs time per comment; see docs/quality.md).
EXTRAS = ("bigrams", "shape", "you", "exclaims", "shouts")
HELD_OUT = 5  # one record in five
CUTS = tuple(step / 20 for step in range(1, 20))
# Prior strengths tried on the held-out records, against none.
STRENGTHS = (0.5, 0.75, 1.0)
# What the mark features and grown hits must add to the held-out F1 (smoothed) to be
# kept: on a fifth of the data, smaller differences are noise (toxic spans: 0.001).
CUE_GAIN = 0.005
MAX_EXAMPLE_CHARS = 160
# The lowest held-out span precision a span head's threshold may give the union with
# the rules (issue 14's floor); a head no cut keeps above it stays silent (SILENT).
MIN_PRECISION = 0.5
SILENT = 1.0  # a head's threshold that reports nothing: the rules alone


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
    # The analyzer the model will run in (its rules, filters and merging): span thresholds
    # are chosen for what it reports with the model; None: no rules (as with --alone).
    analyzer: Analyzer | None = None
    alone: bool = False  # choose span thresholds for the model's hits without the rules'
    # What span thresholds maximise: "span overlap", "character", or "auto" (per head,
    # from the shape of its gold spans: threshold_metric_for).
    threshold_metric: str = "auto"
    # Span thresholds keep the held-out union's span precision at or above this (0: off);
    # with none that does, the head is silent (threshold SILENT: the rules alone).
    min_precision: float = MIN_PRECISION
    prior: bool = True  # try a per-comment prior for span heads (kept when it helps)
    # Span heads grow each hit over neighbours at this fraction of the threshold (and
    # over hyphenated compounds): phrase-shaped hits, see scorer.grow; 0: off.
    extend: float = 0.5
    # Scare quotes and hyphenated compounds as features (scorer.word_marks): on by
    # default, as they raised the article-held-out span F1 of PTC name-calling.
    marks: bool = True
    # A document head chosen with the rules scores every record out of fold (one fit per
    # fifth, each record scored by the fit that did not see it) to choose its threshold,
    # instead of the held-out fifth alone: five times the records to choose on.
    cross_fit: bool = False
    # --kind neural (rhetoric.quality.neural): passes over the data and the random seed
    epochs: int = 5
    seed: int = 1


@dataclass(slots=True)
class HeadData:
    """One map's training rows: labels per row (and per record, for a span head's
    prior), and the techniques it may report as, in the map's order."""

    target: Target
    technique: str
    kind: str
    labels: list[int] = field(default_factory=list)
    candidates: tuple[str, ...] = ()
    doc_labels: list[int] = field(default_factory=list)
    mapping: str = ""  # the --map as given


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
    """One head per map, checked: span or document labels (not both), labels present
    in the data, known techniques (several only for span labels: which one the head
    reports as is chosen later, :func:`choose_techniques`)."""
    known = {s.label for r in records for s in r.spans} | {r.label for r in records if r.label}
    heads: list[HeadData] = []
    for mapping in maps:
        try:
            target = parse_target(mapping, known)
        except GoldError as exc:
            raise TrainingError(str(exc)) from None
        order = tuple(dict.fromkeys(t.strip() for t in mapping.split("=", 1)[0].split("|")))
        candidates = tuple(t for t in order if t)
        for technique in candidates:
            if techniques and technique not in techniques:
                raise TrainingError(f"--map {mapping!r}: unknown technique '{technique}'")
        if target.doc_labels and len(candidates) != 1:
            raise TrainingError(
                f"--map {mapping!r}: a document head predicts one technique; name one "
                f"(e.g. '{candidates[0]}=...')"
            )
        if target.span_labels and target.doc_labels:
            raise TrainingError(
                f"--map {mapping!r}: mixes span labels and doc: labels; give them as two maps "
                "for two techniques"
            )
        for label in sorted(target.span_labels | target.doc_labels):
            if label not in known:
                raise TrainingError(f"--map {mapping!r}: no label '{label}' in the gold files")
        kind = "span" if target.span_labels else "doc"
        heads.append(HeadData(target, candidates[0], kind, candidates=candidates, mapping=mapping))
    _check_unique(heads)
    return heads


def _check_unique(heads: Sequence[HeadData]) -> None:
    seen: set[str] = set()
    for head in heads:
        if head.technique in seen:
            raise TrainingError(
                f"--map {head.target.name!r}: technique '{head.technique}' is mapped twice"
            )
        seen.add(head.technique)


def choose_techniques(
    heads: Sequence[HeadData], records: Sequence[GoldRecord], reported: Sequence[Sequence[Hit]]
) -> dict[str, dict[str, int]]:
    """Each head of several techniques reports as the one whose rules' hits (``reported``:
    each record's merged hits) overlap its gold spans most (ties: the map's order), so a
    model hit lands where the rules' hits of the same kind would; returns the counts."""
    counts: dict[str, dict[str, int]] = {}
    for head in heads:
        if len(head.candidates) < 2:
            continue
        found = dict.fromkeys(head.candidates, 0)
        for record, hits in zip(records, reported, strict=True):
            gold = _gold_spans(record, head.target)
            for hit in hits:
                if hit.technique in found and any(hit.start < e and s < hit.end for s, e in gold):
                    found[hit.technique] += 1
        head.technique = max(head.candidates, key=lambda t: found[t])  # first of the best
        counts[head.mapping] = found
    _check_unique(heads)
    return counts


def _held_out(record: GoldRecord, index: int) -> bool:
    return zlib.crc32(f"{record.id}:{index}".encode()) % HELD_OUT == 0


def document_of(record_id: str) -> str | None:
    """The document a record was cut from, when its id says so (``DOC:PART``, as the
    sentence files of a corpus of articles name them), else None."""
    document, colon, part = record_id.rpartition(":")
    return document if colon and document and part else None


def held_out_records(records: Sequence[GoldRecord]) -> tuple[list[bool], str]:
    """Which records choose the thresholds (about one in five: the fifth numbered 0 of
    :func:`record_fifths`), and how they were drawn."""
    fifths, how = record_fifths(records)
    return [fifth == 0 for fifth in fifths], how


def record_fifths(records: Sequence[GoldRecord]) -> tuple[list[int], str]:
    """Each record's fifth (0 .. HELD_OUT - 1), and how they were drawn.

    Records cut from one document go together when every id names its document and
    no document is more than a tenth of the data. Why: sentences of one article share
    its names and its labels ("witch hunt" three times), so with its other sentences in
    training a held-out sentence is easy, and the thresholds chosen on it were too low
    for new articles (PTC: held-out span F1 0.40 by sentence, 0.33 by article, dev 0.26).
    Otherwise (comments, ids without a document part) each record is drawn alone.
    """
    documents = [document_of(r.id) for r in records]
    sizes: dict[str, int] = {}
    for document in documents:
        if document is not None:
            sizes[document] = sizes.get(document, 0) + 1
    grouped = (
        None not in documents
        and len(sizes) >= 2 * HELD_OUT
        and max(sizes.values()) * 10 <= len(records)
    )
    if not grouped:
        fifths = [zlib.crc32(f"{r.id}:{i}".encode()) % HELD_OUT for i, r in enumerate(records)]
        return fifths, f"1 record in {HELD_OUT}, by crc32 of id, for the thresholds"
    fifth_of = {d: zlib.crc32(d.encode()) % HELD_OUT for d in sizes}
    return [fifth_of[d] for d in documents if d is not None], (
        f"1 document in {HELD_OUT} (the id before its last ':'), by crc32, with all its "
        "records, for the thresholds"
    )


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
    priors: Matrix = field(default_factory=Matrix)  # per record, for span heads' priors
    word_record: array = field(default_factory=lambda: array("i"))  # row -> record index
    items: list[list[Any]] = field(default_factory=list)  # record -> its words


def featurize(
    records: Sequence[GoldRecord], heads: Sequence[HeadData], settings: Any, priors: bool = False
) -> Rows:
    """Every row of every record, and each head's labels for its rows (and with
    ``priors``, each record's prior features)."""
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
                head.doc_labels.append(int(bool(gold)))
            if priors:
                bag = plugin.prior_features(items, settings)
                rows.priors.add(bag, 1 / math.sqrt(len(bag)) if bag else 0.0)
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


@dataclass(slots=True)
class HeldOut:
    """A held-out record as the threshold search sees it, computed once: the analyzer's
    detection (the rules' hits after its filters), what it reports without the model,
    and the record's words."""

    index: int
    detection: Detection
    base: tuple[Hit, ...]
    items: list[Any]


@dataclass(slots=True)
class Choice:
    """A span head's threshold and prior strength (0: none), with its held-out F1."""

    cut: float
    strength: float
    f1: float
    smoothed: float = 0.0  # the F1 averaged over neighbouring cuts, which chose it
    precision: float | None = None  # the union's held-out span precision at ``cut``


def _filtered(analyzer: Analyzer, hits: list[Hit], detection: Detection) -> list[Hit]:
    """Model hits through the analyzer's filter hooks and allowlist, as
    :meth:`Analyzer.detect` passes every detector's hits."""
    if not hits or detection.doc is None:
        return hits
    return analyzer.filter_hits(hits, detection.doc)


def _search(
    analyzer: Analyzer,
    head: HeadData,
    held: Sequence[HeldOut],
    records: Sequence[GoldRecord],
    scores: dict[int, list[float]],
    priors: dict[int, float] | None,
    strength: float,
    cuts: Sequence[float],
    options: TrainOptions,
    settings: Any,
    extend: float = 0.0,
) -> Choice:
    """The best threshold for this prior strength: each held-out record's model hits
    join the rules' hits (none with ``options.alone``), are reported by
    :meth:`Analyzer.conclude` and scored by eval's :func:`score_hits` for the head's
    target, so the choice is for what ``rhetoric eval --model`` measures. Without a given
    threshold, cuts whose union span precision falls under ``options.min_precision`` are
    not chosen, and silence (:data:`SILENT`, the rules' hits alone) competes with them."""
    metric = options.threshold_metric  # resolved for this head by train()
    plugin = scorer()
    prior = plugin.Prior(0.0, {}, strength) if strength else None
    interim = plugin.Head(
        head.technique, "span", (), 0.0, 0.5, options.warning, {}, prior=prior,
        extend=extend,
    )  # fmt: skip
    model = plugin.Model(Path(options.name), options.name, "stable", settings, (interim,), {})
    detector = plugin.ScorerDetector([model])
    scored: list[tuple[float, float]] = []
    precisions: dict[float, float] = {}
    for cut in cuts:
        result = TargetResult(head.target)
        for out in held:
            z = scores.get(out.index)
            found = (
                plugin.span_predictions(
                    interim,
                    out.items,
                    z,
                    cut,
                    None if priors is None else priors[out.index],
                    records[out.index].text,
                )
                if z
                else []
            )
            if not found:
                score_hits(result, records[out.index], out.base)
                continue
            detection = out.detection
            doc = detection.doc
            assert doc is not None
            hits = _filtered(
                analyzer, [detector.hit(doc, model, f, out.items, False) for f in found], detection
            )
            rules = () if options.alone else detection.hits
            joined = Detection(detection.comment, (*rules, *hits), (), doc)
            score_hits(result, records[out.index], analyzer.conclude(joined).report.hits)
        counts = result.chars if metric == "character" else result.spans
        scored.append((cut, counts.prf()["f1"] or 0.0))
        precisions[cut] = result.spans.prf()["precision"] or 0.0
    if options.threshold is not None:
        return _smoothed_choice(scored, strength)
    alone = TargetResult(head.target)
    for out in held:
        score_hits(alone, records[out.index], out.base)
    counts = alone.chars if metric == "character" else alone.spans
    silent = (counts.prf()["f1"] or 0.0, alone.spans.prf()["precision"] or 0.0)
    return _smoothed_choice(scored, strength, options.min_precision, precisions, silent)


WORD_LEVEL_SHARE = 0.5  # of gold spans that are one word: annotations of words, not phrases


def threshold_metric_for(
    options: TrainOptions, target: Target, records: Sequence[GoldRecord]
) -> str:
    """What a span head's thresholds maximise: ``options.threshold_metric`` unless it
    is "auto", where the gold spans decide. When at least half of them are single
    words, the annotators marked words (toxic spans), and such data is scored by
    characters (SemEval-2021 Task 5): character F1. Phrase-level annotations (PTC
    propaganda spans, 11-25% single words) are scored by span overlap."""
    if options.threshold_metric != "auto":
        return options.threshold_metric
    spans = [
        record.text[start:end] for record in records for start, end in _gold_spans(record, target)
    ]
    single = sum(1 for text in spans if len(text.split()) == 1)
    return "character" if spans and single >= WORD_LEVEL_SHARE * len(spans) else "span overlap"


def _smoothed_choice(
    scored: Sequence[tuple[float, float]],
    strength: float,
    floor: float = 0.0,
    precisions: dict[float, float] | None = None,
    silent: tuple[float, float] | None = None,
) -> Choice:
    """The threshold whose F1, averaged with its neighbours' on the grid, is best,
    among those whose span precision (``precisions``) reaches ``floor``; ``silent``
    (F1 and precision of the rules alone) competes as :data:`SILENT` with its own F1
    and is the answer when no cut reaches the floor.

    Why: on a few hundred held-out spans the F1 curve is flat and jagged, and its single
    highest point is as much noise as signal (on PTC it chose 0.15 where the curve around
    0.20 is higher on every side); the average of three neighbouring cuts prefers the
    middle of a plateau. The F1 recorded is the threshold's own.

    Why the floor: the F1-best cut of a union trades precision for recall (PTC
    name-calling: 0.20 gave 26 % precision on new articles), while issue 14 asks for
    precision 0.5 first; a model that cannot add hits above it should add none.
    """
    best = (0.5, -1.0)
    own = dict(scored)
    precisions = precisions or {}
    for i, (cut, _) in enumerate(scored):
        if floor and precisions.get(cut, 0.0) < floor:
            continue
        window = [f for _, f in scored[max(0, i - 1) : i + 2]]
        best = _better(best, cut, sum(window) / len(window))
    if silent is not None and (best[1] < 0 or silent[0] > best[1] + 1e-9):
        return Choice(SILENT, strength, silent[0], silent[0], silent[1])
    if best[1] < 0:  # only with a floor and nothing to fall back on
        return Choice(SILENT, strength, 0.0, 0.0, None)
    return Choice(best[0], strength, own[best[0]], best[1], precisions.get(best[0]))


def _better(best: tuple[float, float], cut: float, score: float) -> tuple[float, float]:
    """The better of two (threshold, F1) pairs; on a tie the threshold nearer 0.5,
    which a plateau of equal scores on little data says nothing against."""
    if score > best[1] + 1e-9 or (
        abs(score - best[1]) <= 1e-9 and abs(cut - 0.5) < abs(best[0] - 0.5)
    ):
        return (cut, score)
    return best


def _out_of_fold(
    options: TrainOptions,
    matrix: Any,
    labels: Any,
    records: Sequence[GoldRecord],
    held: Any,
    cross: bool,
    regression: Any,
) -> Any:
    """A document head's probabilities for choosing its threshold: of the held-out
    records from a fit on the rest, or with ``cross`` of every record, each from the fit
    on the other fifths (the fifths drawn as the held-out one is, so it is one of them)."""
    import numpy as np

    folds = record_folds(records) if cross else np.where(held, 0, -1)
    chosen = folds >= 0
    out = np.zeros(len(records))
    for k in sorted(set(folds[chosen].tolist())):
        test = folds == k
        if labels[~test].min() == labels[~test].max():
            raise TrainingError("too few positive records to hold any out")
        fit = regression(C=options.c, solver="liblinear", max_iter=1000)
        fit.fit(matrix[~test], labels[~test])
        out[test] = fit.predict_proba(matrix[test])[:, 1]
    return out[chosen]


def record_folds(records: Sequence[GoldRecord]) -> Any:
    """Each record's fifth as an array (:func:`record_fifths`; fifth 0 is the held-out one)."""
    import numpy as np

    return np.array(record_fifths(records)[0], dtype=np.int64)


def _doc_union_choice(
    probabilities: Sequence[float], labels: Sequence[int], reported: Sequence[bool], floor: float
) -> Choice:
    """A document head's threshold for its union with the rules: a held-out record is
    predicted when the rules report the head's technique (``reported``) or the model's
    probability reaches the cut, as ``rhetoric eval --model`` counts documents. Chosen
    as a span head's (:func:`_smoothed_choice`): among cuts whose union precision reaches
    ``floor``, the best F1 averaged with its neighbours', and the rules alone compete
    as :data:`SILENT`.

    Why: the cut best for the model alone (PAN conspiracy: 0.35) adds mostly false
    alarms to documents the rules already find; what a user runs is the union.
    """
    gold = sum(labels)
    scored: list[tuple[float, float]] = []
    precisions: dict[float, float] = {}
    for cut in CUTS:
        said = [r or p >= cut for p, r in zip(probabilities, reported, strict=True)]
        tp = sum(1 for s, y in zip(said, labels, strict=True) if s and y)
        predicted = sum(said)
        scored.append((cut, _f1(tp, predicted, gold)))
        precisions[cut] = tp / predicted if predicted else 0.0
    tp = sum(1 for r, y in zip(reported, labels, strict=True) if r and y)
    predicted = sum(reported)
    silent = (_f1(tp, predicted, gold), tp / predicted if predicted else 0.0)
    return _smoothed_choice(scored, 0.0, floor, precisions, silent)


def _doc_threshold(probabilities: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    best = (0.5, -1.0)
    for step in range(1, 20):
        cut = step / 20
        tp = sum(1 for p, y in zip(probabilities, labels, strict=True) if p >= cut and y)
        predicted = sum(1 for p in probabilities if p >= cut)
        best = _better(best, cut, _f1(tp, predicted, sum(labels)))
    return best


def _detections(
    analyzer: Analyzer, records: Sequence[GoldRecord], wanted: Sequence[int], alone: bool
) -> dict[int, tuple[Detection, tuple[Hit, ...]]]:
    """The analyzer's detection of each wanted record and what it reports from it
    (nothing from the rules with ``alone``)."""
    out: dict[int, tuple[Detection, tuple[Hit, ...]]] = {}
    for index in wanted:
        record = records[index]
        detection = analyzer.detect(Comment(id=record.id, text=record.text))
        if alone:
            detection = Detection(detection.comment, (), (), detection.doc)
        out[index] = (detection, analyzer.conclude(detection).report.hits)
    return out


def _bare_analyzer() -> Analyzer:
    """An analyzer without the built-in rules: filters and merging, for a model trained
    with no rules to join."""
    return Analyzer.from_config(
        AnalyzerConfig(disabled_plugins=disabled_plugins((), builtin_rules=False))
    )


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


def _unmarked(columns: dict[str, int]) -> dict[str, int]:
    return {f: c for f, c in columns.items() if not f.startswith("mark=")}


def _without_marks(matrix: Any, columns: dict[str, int]) -> Any:
    """The matrix with the columns of the ``mark=`` features emptied."""
    import numpy as np

    marked = np.array(sorted({c for f, c in columns.items() if f.startswith("mark=")}))
    if not len(marked):
        return matrix
    out = matrix.copy()
    out.data[np.isin(out.indices, marked)] = 0.0
    out.eliminate_zeros()
    return out


@dataclass(slots=True)
class Cues:
    """What :func:`_choose_cues` settled for a span head: its rows (with or without the
    mark features), held-out scores, threshold choice, growth, and the record of it."""

    matrix: Any
    scores: dict[int, list[float]]
    choice: Choice
    extend: float
    marks: bool
    record: dict[str, Any]
    said: list[str]


def _choose_cues(
    options: TrainOptions,
    head: HeadData,
    matrix: Any,
    columns: dict[str, int],
    labels: Any,
    owner: Any,
    row_held: Any,
    held_records: Sequence[HeldOut],
    records: Sequence[GoldRecord],
    analyzer: Analyzer,
    settings: Any,
    cuts: Sequence[float],
    regression: Any,
) -> Cues:
    """Fit the span head on the records not held out, with and without the mark
    features, then with and without growing hits, keeping each only when it raises
    the held-out F1 (smoothed over the threshold grid) by :data:`CUE_GAIN` or more.

    Why: both help where labels are set apart in print (PTC news: scare quotes,
    coined compounds, multi-word labels) and cost a little where they are not (toxic
    comments, whose character F1 fell from 0.499 to 0.494 with the marks), so the data
    a model is trained on decides, as it does for the prior.
    """
    said: list[str] = []
    variants = [False, True] if settings.marks else [False]
    tried: list[tuple[Choice, bool, Any, dict[int, list[float]]]] = []
    train_rows = ~row_held
    for marks in variants:
        rows = matrix if marks else _without_marks(matrix, columns)
        fit = regression(C=options.c, solver="liblinear", max_iter=1000)
        fit.fit(rows[train_rows], labels[train_rows])
        scores: dict[int, list[float]] = {}
        z = fit.decision_function(rows[row_held])
        for value, record in zip(z.tolist(), owner[row_held].tolist(), strict=True):
            scores.setdefault(record, []).append(value)
        choice = _search(
            analyzer, head, held_records, records, scores, None, 0.0, cuts, options, settings,
            options.extend,
        )  # fmt: skip
        said.append(
            f"{'with' if marks else 'without'} marks: threshold {choice.cut:.2f} "
            f"(held-out F1 {choice.f1:.3f}, smoothed {choice.smoothed:.3f}, "
            f"precision {_percent(choice.precision)})"
        )
        tried.append((choice, marks, rows, scores))
    best = tried[0]
    for entry in tried[1:]:
        if entry[0].smoothed >= best[0].smoothed + CUE_GAIN:
            best = entry
    choice, marks, rows, scores = best
    record: dict[str, Any] = {
        "marks": {"kept": marks, "f1": [round(t[0].smoothed, 4) for t in tried]},
    }
    extend = options.extend
    if extend:
        plain = _search(
            analyzer, head, held_records, records, scores, None, 0.0, cuts, options, settings, 0.0
        )
        said.append(
            f"hits grown at x{extend}: smoothed F1 {choice.smoothed:.3f}; not grown "
            f"{plain.smoothed:.3f}"
        )
        grown = choice.smoothed >= plain.smoothed + CUE_GAIN
        record["extend"] = {
            "kept": grown,
            "f1": [round(plain.smoothed, 4), round(choice.smoothed, 4)],
        }
        if not grown:
            choice, extend = plain, 0.0
    return Cues(rows, scores, choice, extend, marks, record, said)


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
        marks=options.marks,
    )
    records, problems, sources = load_records(options.gold, options.limit)
    for problem in problems:
        say(f"warning: {problem}")
    heads = heads_for(options.maps, records, options.techniques)
    held_list, held_how = held_out_records(records)
    held = np.array(held_list, dtype=bool)
    analyzer = options.analyzer
    alone = options.alone or analyzer is None
    if analyzer is None:
        analyzer = _bare_analyzer()
    span_heads = [h for h in heads if h.kind == "span"]
    search = bool(span_heads) and (options.threshold is None or options.prior)
    several = any(len(h.candidates) > 1 for h in heads)
    # a document head's threshold is chosen for its union with the rules' findings
    doc_union = not alone and options.threshold is None and any(h.kind == "doc" for h in heads)
    cross = doc_union and options.cross_fit
    wanted = [
        i for i in range(len(records)) if several or cross or ((search or doc_union) and held[i])
    ]
    seen: dict[int, tuple[Detection, tuple[Hit, ...]]] = {}
    if wanted:
        say(f"running the rules on {len(wanted)} records")
        seen = _detections(analyzer, records, wanted, alone and not several)
    reported_as: dict[str, dict[str, int]] = {}
    if several:
        reported_as = choose_techniques(heads, records, [seen[i][1] for i in range(len(records))])
        for name, counts in reported_as.items():
            say(f"--map {name!r}: rules' hits on gold spans {counts}")
    say(f"{len(records)} records; featurizing")
    rows = featurize(records, heads, settings, priors=options.prior and bool(span_heads))
    prior_matrix, prior_columns = (
        rows.priors.build(options.min_count) if options.prior and span_heads else (None, {})
    )
    held_records: list[HeldOut] = []
    if search:
        for index in np.flatnonzero(held).tolist():
            detection, base = seen[index]
            if alone and several:  # the rules ran for choosing techniques only
                detection = Detection(detection.comment, (), (), detection.doc)
                base = ()
            held_records.append(HeldOut(index, detection, base, rows.items[index]))
    documents: list[dict[str, Any]] = []
    for head in heads:
        matrix_rows = rows.words if head.kind == "span" else rows.docs
        matrix, columns = matrix_rows.build(options.min_count)
        labels = np.array(head.labels, dtype=np.int8)
        # "auto" resolved once per head: what its searches maximise and the file records
        head_options = options
        if head.kind == "span":
            metric = threshold_metric_for(options, head.target, records)
            head_options = replace(options, threshold_metric=metric)
            if search and options.threshold_metric == "auto":
                say(f"{head.technique}: thresholds maximise {metric} F1 (auto)")
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
        chosen: Choice | None = None
        prior_record: dict[str, Any] | None = None
        # without a search (a given threshold, no prior) the marks are features as asked,
        # but hits are not grown: nothing measured that growing them helps
        extend = 0.0
        marks_kept, cue_record = settings.marks and head.kind == "span", None
        if head.kind == "span" and not marks_kept:
            matrix = _without_marks(matrix, columns)
        if options.threshold is None or (head.kind == "span" and options.prior):
            train_rows = ~row_held
            if labels[train_rows].min() == labels[train_rows].max():
                raise TrainingError(f"{head.technique}: too few positive rows to hold any out")
            if head.kind == "span":
                cuts = CUTS if options.threshold is None else (options.threshold,)
                cues = _choose_cues(
                    head_options, head, matrix, columns, labels, owner, row_held, held_records,
                    records, analyzer, settings, cuts, regression,
                )  # fmt: skip
                matrix, scores, chosen, extend = cues.matrix, cues.scores, cues.choice, cues.extend
                marks_kept, cue_record = cues.marks, cues.record
                for line in cues.said:
                    say(f"{head.technique}: {line}")
                without, without_smoothed = chosen.f1, chosen.smoothed
                priors = _prior_probabilities(options, head, prior_matrix, held, regression)
                if priors is not None:
                    tried = [
                        _search(
                            analyzer, head, held_records, records, scores, priors, strength,
                            cuts, head_options, settings, extend,
                        )
                        for strength in STRENGTHS
                    ]  # fmt: skip
                    for choice in tried:
                        say(
                            f"{head.technique}: prior x{choice.strength}: threshold "
                            f"{choice.cut:.2f} (held-out F1 {choice.f1:.3f}; without the "
                            f"prior {without:.3f})"
                        )
                    best = max(tried, key=lambda c: c.smoothed)  # first of equals: weakest
                    if best.smoothed > without_smoothed + 1e-9:
                        chosen = best
                    prior_record = {
                        "f1_without": round(without, 4),
                        "f1_with": round(best.f1, 4),
                        "strength": best.strength,
                        "kept": chosen is best,
                    }
                threshold, held_f1 = chosen.cut, chosen.f1
            else:
                chooses = np.ones(len(records), dtype=bool) if cross else row_held
                scored = _out_of_fold(options, matrix, labels, records, held, cross, regression)
                if doc_union:
                    reported = [
                        any(h.technique == head.technique for h in seen[i][1])
                        for i in np.flatnonzero(chooses).tolist()
                    ]
                    chosen = _doc_union_choice(
                        scored.tolist(), labels[chooses].tolist(), reported,
                        options.min_precision,
                    )  # fmt: skip
                    threshold, held_f1 = chosen.cut, chosen.f1
                else:
                    threshold, held_f1 = _doc_threshold(scored.tolist(), labels[row_held].tolist())
            say(f"{head.technique}: threshold {threshold:.2f} (held-out F1 {held_f1:.3f})")
            if chosen is not None and threshold >= SILENT and options.threshold is None:
                say(
                    f"{head.technique}: no threshold keeps the held-out precision of the "
                    f"union with the rules at {options.min_precision:.2f} or more, or adds "
                    "to the rules' F1: the head is silent (threshold 1.00, the rules alone; "
                    "the scorer's threshold option can still lower it)"
                )
        assert threshold is not None
        final = regression(C=options.c, solver="liblinear", max_iter=1000)
        final.fit(matrix, labels)
        head_document: dict[str, Any] = {
            "technique": head.technique,
            "kind": head.kind,
            "labels": sorted(head.target.span_labels)
            + [f"doc:{x}" for x in sorted(head.target.doc_labels)],
            "bias": round(float(final.intercept_[0]), 4),
            "threshold": threshold,
            "warning": max(options.warning, threshold),
            "held_out": {
                "records": len(records) if cross and head.kind == "doc" else int(held.sum()),
                "f1": held_f1,
                "level": (head_options.threshold_metric if head.kind == "span" else "document"),
                "with_rules": not alone and (head.kind == "span" or doc_union),
                "prior": prior_record,
                "cues": cue_record,
                **_precision_record(options, head, chosen),
            },
            "weights": _named_weights(
                final.coef_[0],
                columns if marks_kept else _unmarked(columns),
                options.max_features,
            ),
        }
        if len(head.candidates) > 1:
            head_document["techniques"] = list(head.candidates)
        if head.kind == "span" and extend:
            head_document["extend"] = extend
        if chosen is not None and chosen.strength:
            prior_fit = regression(C=options.c, solver="liblinear", max_iter=1000)
            prior_fit.fit(prior_matrix, np.array(head.doc_labels, dtype=np.int8))
            head_document["prior"] = {
                "bias": round(float(prior_fit.intercept_[0]), 4),
                "weights": _named_weights(prior_fit.coef_[0], prior_columns, options.max_features),
                "strength": chosen.strength,
            }
        documents.append(head_document)
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
            "held_out": held_how,
            "max_features": options.max_features,
            "min_count": options.min_count,
        },
        "features": {
            **settings.to_dict(),
            "marks": any("mark" in d["weights"] for d in documents),
        },
        "heads": documents,
    }
    if reported_as:
        document["training"]["reported_as"] = {
            name: {"rules_hits_on_gold": counts} for name, counts in reported_as.items()
        }
    if options.examples:
        _add_examples(document, records, held.tolist())
    return document


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _precision_record(
    options: TrainOptions, head: HeadData, chosen: Choice | None
) -> dict[str, Any]:
    """A head's floor and the union's held-out precision at its threshold (spans for a
    span head, documents for a document head chosen with the rules)."""
    if chosen is None:
        return {}
    floor = options.min_precision if options.threshold is None else 0.0
    precision = None if chosen.precision is None else round(chosen.precision, 4)
    return {"min_precision": floor, "precision": precision}


def _prior_probabilities(
    options: TrainOptions, head: HeadData, matrix: Any, held: Any, regression: Any
) -> dict[int, float] | None:
    """A span head's prior, fitted on the records not held out: its probability for
    each held-out record (None when off, or when the records give it nothing to learn)."""
    import numpy as np

    if not options.prior or matrix is None:
        return None
    labels = np.array(head.doc_labels, dtype=np.int8)
    train_rows = ~held
    if labels[train_rows].min() == labels[train_rows].max():
        return None
    fit = regression(C=options.c, solver="liblinear", max_iter=1000)
    fit.fit(matrix[train_rows], labels[train_rows])
    indexes = np.flatnonzero(held).tolist()
    return dict(zip(indexes, fit.predict_proba(matrix[held])[:, 1].tolist(), strict=True))


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
