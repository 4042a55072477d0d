"""Train a neural word tagger (``rhetoric train --kind neural``) for the ``scorer`` plugin.

Why: on toxic spans the linear scorer's window of +-2 words misses context a tagger
reading the whole comment finds (``bench/neural_spans.py``; docs/quality.md). Training
needs torch (``pip install 'rhetoric[neural-train]'``); the model it writes runs with
numpy (:mod:`rhetoric_plugins._neural` owns the network's inference and file format).

Same data, maps and held-out fifth as the linear trainer (:mod:`.training`): the network
learns on four records in five for ``epochs`` passes; after each pass the held-out
records choose a threshold for the model joined with the rules (their T5 character F1,
or span-overlap F1), and the pass with the best held-out score is kept. Unlike the
linear trainer, the model is not refitted on all records: the held-out records also
choose when to stop. One span head per model.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..__about__ import __version__
from ..model import Comment, Hit
from .evaluation import GoldRecord, char_set, post_f1
from .training import (
    CUTS,
    HeadData,
    TrainingError,
    TrainOptions,
    choose_techniques,
    heads_for,
    held_out_records,
    load_records,
    scorer,
    threshold_metric_for,
)

NETWORK = {"word_buckets": 1 << 14, "char_buckets": 128, "hidden": 64, "char_dim": 24,
           "filters": 32, "word_dim": 32}  # fmt: skip
BATCH = 32
LEARNING_RATE = 2e-3
DROPOUT = 0.3


def _torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise TrainingError(
            "--kind neural needs torch: pip install 'rhetoric[neural-train]'"
        ) from None


def _tagger(torch: Any, sizes: dict[str, int]) -> Any:
    """The network of :mod:`rhetoric_plugins._neural`, in torch (same tensor names)."""
    nn = torch.nn
    net = scorer().neural

    class Tagger(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            c, f, h = sizes["char_dim"], sizes["filters"], sizes["hidden"]
            self.char_emb = nn.Embedding(sizes["char_buckets"], c, padding_idx=0)
            self.convs = nn.ModuleList(nn.Conv1d(c, f, k, padding=k // 2) for k in net.WIDTHS)
            self.word_emb = nn.Embedding(sizes["word_buckets"], sizes["word_dim"])
            size = len(net.WIDTHS) * f + sizes["word_dim"] + len(net.SHAPES)
            self.drop = nn.Dropout(DROPOUT)
            self.context = nn.GRU(size, h, batch_first=True, bidirectional=True)
            self.head = nn.Linear(2 * h, 1)

        def forward(self, batch: list[dict[str, Any]]) -> list[Any]:
            chars = torch.cat([b["chars"] for b in batch])
            e = self.char_emb(chars).transpose(1, 2)
            mask = (chars > 0).unsqueeze(1)
            pooled = []
            for conv in self.convs:
                out = torch.relu(conv(e))[:, :, : net.MAX_CHARS].masked_fill(~mask, 0.0)
                pooled.append(out.max(dim=2).values)
            words = self.word_emb(torch.cat([b["words"] for b in batch]))
            flat = torch.cat([*pooled, words, torch.cat([b["shapes"] for b in batch])], dim=1)
            lengths = [len(b["words"]) for b in batch]
            padded = nn.utils.rnn.pad_sequence(list(flat.split(lengths)), batch_first=True)
            packed = nn.utils.rnn.pack_padded_sequence(
                self.drop(padded), lengths, batch_first=True, enforce_sorted=False
            )
            states, _ = self.context(packed)
            states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True)
            logits = self.head(self.drop(states)).squeeze(-1)
            return [logits[i, :n] for i, n in enumerate(lengths)]

    return Tagger()


def _encode(torch: Any, items: Sequence[Any], labels: Sequence[int]) -> dict[str, Any]:
    plugin = scorer()
    net = plugin.neural
    chars = [net.char_ids(w.low, NETWORK["char_buckets"]) for w in items]
    shapes = [[float(plugin.shape(w.raw) == s) for s in net.SHAPES] for w in items]
    return {
        "chars": torch.tensor(chars, dtype=torch.long).reshape(-1, net.MAX_CHARS),
        "words": torch.tensor(
            [net.word_bucket(w.low, NETWORK["word_buckets"]) for w in items], dtype=torch.long
        ),
        "shapes": torch.tensor(shapes, dtype=torch.float32).reshape(-1, len(net.SHAPES)),
        "labels": torch.tensor(labels, dtype=torch.float32),
    }


def _word_labels(items: Sequence[Any], gold: set[int]) -> list[int]:
    """A word is positive when at least half of its characters are gold (as the linear
    trainer labels words)."""
    return [
        int(2 * sum(i in gold for i in range(w.start, w.end)) >= w.end - w.start) for w in items
    ]


def _union_score(
    rows: Sequence[dict[str, Any]], scores: Sequence[Sequence[float]], cut: float, metric: str
) -> float:
    """The held-out score of the rules' spans joined with the model's runs at ``cut``
    (log-odds): mean per-record character F1 (T5), or span-overlap F1."""
    merge_runs = scorer().merge_runs
    total, tp_pred, tp_gold, n_pred, n_gold = 0.0, 0, 0, 0, 0
    for row, z in zip(rows, scores, strict=True):
        items = row["items"]
        runs = merge_runs(items, [s >= cut for s in z])
        found = [(items[i].start, items[j].end) for i, j in runs]
        if metric == "character":
            total += post_f1(char_set(row["rules"]) | char_set(found), row["gold_chars"])
            continue
        rules = row["rules"]
        spans = rules + [s for s in found if not any(s[0] < e and b < s[1] for b, e in rules)]
        gold = row["gold"]
        n_pred += len(spans)
        n_gold += len(gold)
        tp_pred += sum(any(s < e and b < t for b, e in gold) for s, t in spans)
        tp_gold += sum(any(s < e and b < t for b, e in spans) for s, t in gold)
    if metric == "character":
        return total / len(rows) if rows else 0.0
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _choose_cut(
    rows: Sequence[dict[str, Any]], scores: Sequence[Sequence[float]], metric: str
) -> tuple[float, float]:
    """The probability cut whose held-out score, averaged with its grid neighbours', is
    best (as the linear trainer smooths its choice); returns (cut, its own score)."""
    raw = [_union_score(rows, scores, math.log(c / (1 - c)), metric) for c in CUTS]
    smooth = [sum(raw[max(0, i - 1) : i + 2]) / len(raw[max(0, i - 1) : i + 2])
              for i in range(len(raw))]  # fmt: skip
    best = max(range(len(CUTS)), key=smooth.__getitem__)
    return CUTS[best], raw[best]


def _rows(
    records: Sequence[GoldRecord], head: HeadData, reported: Sequence[Sequence[Hit]]
) -> list[dict[str, Any]]:
    words = scorer().words
    labels = head.target.span_labels
    techniques = head.target.techniques
    rows = []
    for record, hits in zip(records, reported, strict=True):
        gold = [(s.start, s.end) for s in record.spans if s.label in labels and s.end > s.start]
        gold_chars = char_set(gold)
        items = words(record.text)
        rows.append(
            {
                "items": items,
                "labels": _word_labels(items, gold_chars),
                "gold": gold,
                "gold_chars": gold_chars,
                "rules": [(h.start, h.end) for h in hits if h.technique in techniques],
            }
        )
    return rows


def _scores(torch: Any, model: Any, encoded: Sequence[dict[str, Any]]) -> list[list[float]]:
    model.eval()
    out: list[list[float]] = []
    with torch.no_grad():
        for start in range(0, len(encoded), 64):
            batch = [b for b in encoded[start : start + 64] if len(b["words"])]
            logits = iter(model(batch)) if batch else iter(())
            for b in encoded[start : start + 64]:
                out.append(next(logits).tolist() if len(b["words"]) else [])
    return out


def train_neural(
    options: TrainOptions, say: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Train a neural span model; returns the model file's document."""
    torch = _torch()
    torch.set_num_threads(1)
    torch.manual_seed(options.seed)
    records, problems, sources = load_records(options.gold, options.limit)
    heads = heads_for(options.maps, records, options.techniques)
    if len(heads) != 1 or heads[0].doc_labels or not heads[0].target.span_labels:
        raise TrainingError("--kind neural trains one span head: give one --map of span labels")
    head = heads[0]
    analyzer = None if options.alone else options.analyzer
    say(f"{len(records)} records; running the rules over them")
    reported = [
        analyzer.check(Comment(id=r.id, text=r.text)).hits if analyzer else () for r in records
    ]
    choose_techniques(heads, records, reported)
    held, how = held_out_records(records)
    rows = _rows(records, head, reported)
    encoded = [_encode(torch, row["items"], row["labels"]) for row in rows]
    fit = [i for i, h in enumerate(held) if not h and rows[i]["items"]]
    test = [i for i, h in enumerate(held) if h]
    if not fit or not test or not any(any(rows[i]["labels"]) for i in fit):
        raise TrainingError("too few records (or no gold spans) to train and hold out")
    metric = threshold_metric_for(options, head.target, records)
    model = _tagger(torch, NETWORK)
    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    order = sorted(fit, key=lambda i: len(rows[i]["items"]))
    batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
    generator = torch.Generator().manual_seed(options.seed)
    best: tuple[float, int, dict[str, Any], float] = (-1.0, 0, {}, 0.5)
    started = time.process_time()
    for epoch in range(1, options.epochs + 1):
        model.train()
        for b in torch.randperm(len(batches), generator=generator).tolist():
            batch = [encoded[i] for i in batches[b]]
            logits = model(batch)
            loss = loss_fn(torch.cat(logits), torch.cat([x["labels"] for x in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        scores = _scores(torch, model, [encoded[i] for i in test])
        held_rows = [rows[i] for i in test]
        if options.threshold is not None:
            cut = options.threshold
            value = _union_score(held_rows, scores, math.log(cut / (1 - cut)), metric)
        else:
            cut, value = _choose_cut(held_rows, scores, metric)
        say(f"epoch {epoch}: held-out {metric} F1 {value:.4f} at {cut:.2f}")
        if value > best[0]:
            state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best = (value, epoch, state, cut)
    value, epoch, state, cut = best
    seconds = round(time.process_time() - started)
    net = scorer().neural
    tensors = {name: net.encode_tensor(state[name].numpy()) for name in net.tensor_shapes(NETWORK)}
    warning = max(options.warning, cut)
    training: dict[str, Any] = {
        "command": options.command,
        "rhetoric": __version__,
        "torch": str(torch.__version__),
        "data": sources,
        "records": len(records),
        "skipped_lines": len(problems),
        "held_out": how,
        "epochs": options.epochs,
        "kept_epoch": epoch,
        "seed": options.seed,
        "cpu_seconds": seconds,
    }
    if options.license:
        training["license"] = options.license
    return {
        "format": net.FORMAT,
        "version": net.FORMAT_VERSION,
        "name": options.name,
        "status": options.status,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "training": training,
        "network": dict(NETWORK),
        "head": {
            "technique": head.technique,
            "techniques": list(head.candidates) if len(head.candidates) > 1 else [],
            "labels": sorted(head.target.span_labels),
            "threshold": cut,
            "warning": warning,
            "held_out": {"level": metric, "f1": round(value, 4), "epoch": epoch},
        },
        "tensors": tensors,
    }
