"""Does a compact neural word tagger beat the linear scorer on toxic spans? (issue 14, item 3)

    pip install torch==2.13.0      # training only; not a dependency of the project
    python bench/neural_spans.py [--arch gru|cnn] [--epochs 8] [--rules-feature]

Why: the linear scorer (``rhetoric train``, ``toxic-cc0``) sees hashed words, character
n-grams and a +-2-word window; a tagger that reads the whole comment might find the
context it lacks. This trains one on the fit part of ``train.jsonl`` (four records in
five, by the crc32 of the id, as ``rhetoric train`` holds them out), stops and picks its
thresholds on the held-out fifth only, and reports on ``dev.jsonl`` with the T5 score of
``rhetoric eval`` (per post, the character F1 of predicted against gold; averaged):
rules alone, rules + ``toxic-cc0``, the neural model alone, rules + neural (union).

The architecture, small enough to run in numpy at inference: each word is a char-CNN over
its lowercased characters (widths 2-5, max-pooled) plus a hashed word embedding and its
spelling class (and, with ``--rules-feature``, whether a rule hit covers it), then a
one-layer BiGRU (``--arch gru``) or two dilated 1-D convolutions (``--arch cnn``) over the
words, then a per-word toxic probability. Corpus texts stay in memory and in /tmp only.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
import zlib
from pathlib import Path

import numpy as np
import torch
from rhetoric_plugins import scorer
from torch import nn

from rhetoric import Analyzer, AnalyzerConfig, Comment
from rhetoric.quality.evaluation import char_set, post_f1

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "toxic_spans_semeval2021"
TECHNIQUES = frozenset(("slur", "profanity", "name-calling"))
CACHE = Path("/tmp/neural-33-cache.pkl")
WORD_BUCKETS = 1 << 14
CHAR_BUCKETS = 128
MAX_CHARS = 16
SHAPES = ("masked", "number", "upper", "title", "lower")
CUTS = tuple(step / 20 for step in range(1, 20))


def _held_out(record_id: str, index: int) -> bool:
    return zlib.crc32(f"{record_id}:{index}".encode()) % 5 == 0


def _spans(hits, techniques=TECHNIQUES) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in hits if h.technique in techniques]


def prepare() -> dict[str, list[dict]]:
    """Words, word labels, and the rules' and toxic-cc0's toxic spans of every record."""
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    rules = Analyzer.from_config(AnalyzerConfig(readability=()))
    model = scorer.resolve("toxic-cc0")
    linear = Analyzer.from_config(AnalyzerConfig(readability=(), models=(model,)))
    out: dict[str, list[dict]] = {}
    for split in ("train", "dev"):
        rows = []
        for index, line in enumerate((DATA / f"{split}.jsonl").open(encoding="utf-8")):
            data = json.loads(line)
            text = data["text"]
            gold = [(s["start"], s["end"]) for s in data["spans"] if s["end"] > s["start"]]
            gold_chars = char_set(gold)
            items = scorer.words(text)
            labels = [
                int(2 * sum(i in gold_chars for i in range(w.start, w.end)) >= w.end - w.start)
                for w in items
            ]
            rule = _spans(rules.check(Comment(data["id"], text)).hits)
            both = _spans(linear.check(Comment(data["id"], text)).hits)
            rule_chars = char_set(rule)
            rows.append(
                {
                    "id": data["id"],
                    "held": split == "train" and _held_out(data["id"], index),
                    "words": items,
                    "labels": labels,
                    "gold": gold_chars,
                    "rules": rule_chars,
                    "linear": char_set(both),
                    "rule_word": [int(any(i in rule_chars for i in range(w.start, w.end)))
                                  for w in items],
                }
            )  # fmt: skip
        out[split] = rows
    CACHE.write_bytes(pickle.dumps(out))
    return out


def _char_ids(low: str) -> list[int]:
    ids = [1 + (ord(c) % (CHAR_BUCKETS - 1)) for c in low[:MAX_CHARS]]
    return ids + [0] * (MAX_CHARS - len(ids))


def encode(row: dict, rules_feature: bool) -> dict[str, torch.Tensor]:
    """Tensors of one record: char ids, word buckets, extra per-word features."""
    items = row["words"] or []
    chars = [_char_ids(w.low) for w in items]
    buckets = [zlib.crc32(w.low.encode()) % WORD_BUCKETS for w in items]
    extra = []
    for w, hit in zip(items, row["rule_word"], strict=True):
        flags = [float(scorer.shape(w.raw) == s) for s in SHAPES]
        extra.append([*flags, float(hit) if rules_feature else 0.0])
    return {
        "chars": torch.tensor(chars, dtype=torch.long).reshape(-1, MAX_CHARS),
        "words": torch.tensor(buckets, dtype=torch.long),
        "extra": torch.tensor(extra, dtype=torch.float32).reshape(-1, len(SHAPES) + 1),
        "labels": torch.tensor(row["labels"], dtype=torch.float32),
    }


class Tagger(nn.Module):
    """char-CNN + hashed word embedding per word, then a BiGRU or dilated CNN."""

    def __init__(self, arch: str, hidden: int = 64, dropout: float = 0.3) -> None:
        super().__init__()
        self.arch = arch
        self.char_emb = nn.Embedding(CHAR_BUCKETS, 24, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(24, 32, k, padding=k // 2) for k in (2, 3, 4, 5))
        self.word_emb = nn.Embedding(WORD_BUCKETS, 32)
        size = 4 * 32 + 32 + len(SHAPES) + 1
        self.drop = nn.Dropout(dropout)
        if arch == "gru":
            self.context = nn.GRU(size, hidden, batch_first=True, bidirectional=True)
            out = 2 * hidden
        else:
            self.c1 = nn.Conv1d(size, 2 * hidden, 3, padding=1)
            self.c2 = nn.Conv1d(2 * hidden, 2 * hidden, 3, padding=2, dilation=2)
            out = 2 * hidden + size
        self.head = nn.Linear(out, 1)

    def word_vectors(self, chars: torch.Tensor, words: torch.Tensor, extra: torch.Tensor):
        e = self.char_emb(chars).transpose(1, 2)  # (n, 24, MAX_CHARS)
        mask = (chars > 0).unsqueeze(1)
        pooled = []
        for conv in self.convs:
            h = torch.relu(conv(e))[:, :, : chars.shape[1]]
            h = h.masked_fill(~mask, 0.0)
            pooled.append(h.max(dim=2).values)
        return torch.cat([*pooled, self.word_emb(words), extra], dim=1)

    def forward(self, batch: list[dict[str, torch.Tensor]]) -> list[torch.Tensor]:
        lengths = [len(b["words"]) for b in batch]
        flat = self.word_vectors(
            torch.cat([b["chars"] for b in batch]),
            torch.cat([b["words"] for b in batch]),
            torch.cat([b["extra"] for b in batch]),
        )
        seqs = nn.utils.rnn.pad_sequence(list(flat.split(lengths)), batch_first=True)
        seqs = self.drop(seqs)
        if self.arch == "gru":
            packed = nn.utils.rnn.pack_padded_sequence(
                seqs, lengths, batch_first=True, enforce_sorted=False
            )
            h, _ = self.context(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True)
        else:
            x = seqs.transpose(1, 2)
            h1 = torch.relu(self.c1(x))
            h2 = torch.relu(self.c2(h1)) + h1
            h = torch.cat([h2, x], dim=1).transpose(1, 2)
        logits = self.head(self.drop(h)).squeeze(-1)
        return [logits[i, :n] for i, n in enumerate(lengths)]


def predict(model: Tagger, encoded: list[dict]) -> list[np.ndarray]:
    model.eval()
    out: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(encoded), 64):
            batch = encoded[start : start + 64]
            nonempty = [b for b in batch if len(b["words"])]
            logits = iter(model(nonempty)) if nonempty else iter(())
            for b in batch:
                if len(b["words"]):
                    out.append(torch.sigmoid(next(logits)).numpy())
                else:
                    out.append(np.zeros(0, dtype=np.float32))
    return out


def predicted_chars(row: dict, probs: np.ndarray, cut: float) -> set[int]:
    items = row["words"]
    runs = scorer.merge_runs(items, [bool(p >= cut) for p in probs])
    return char_set((items[i].start, items[j].end) for i, j in runs)


def t5(rows: list[dict], probs: list[np.ndarray] | None, cut: float, rules: bool) -> float:
    total = 0.0
    for row, p in zip(rows, probs or [None] * len(rows), strict=True):
        chars = set(row["rules"]) if rules else set()
        if p is not None:
            chars |= predicted_chars(row, p, cut)
        total += post_f1(chars, row["gold"])
    return total / len(rows)


def best_cut(rows, probs, rules: bool) -> tuple[float, float]:
    """The cut whose held-out T5, averaged with its grid neighbours', is best (as
    ``rhetoric train`` smooths its threshold choice)."""
    scores = [t5(rows, probs, c, rules) for c in CUTS]
    smooth = [sum(scores[max(0, i - 1) : i + 2]) / len(scores[max(0, i - 1) : i + 2])
              for i in range(len(scores))]  # fmt: skip
    i = max(range(len(CUTS)), key=smooth.__getitem__)
    return CUTS[i], scores[i]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=("gru", "cnn"), default="gru")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--rules-feature", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="write the best state_dict here (/tmp)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    started = time.process_time()
    data = prepare()
    print(f"prepared in {time.process_time() - started:.0f} s CPU")
    train = data["train"]
    fit = [r for r in train if not r["held"]]
    held = [r for r in train if r["held"]]
    dev = data["dev"]
    enc = {k: [encode(r, args.rules_feature) for r in v]
           for k, v in (("fit", fit), ("held", held), ("dev", dev))}  # fmt: skip
    print(f"fit {len(fit)}, held {len(held)}, dev {len(dev)} records")
    print(f"dev: rules T5 {t5(dev, None, 1, True):.4f}")
    linear = sum(post_f1(r["linear"], r["gold"]) for r in dev) / len(dev)
    print(f"dev: rules + toxic-cc0 T5 {linear:.4f}")

    model = Tagger(args.arch, args.hidden)
    params = sum(p.numel() for p in model.parameters())
    print(f"{args.arch}: {params} parameters ({params * 4 / 1e6:.1f} MB float32)")
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    order = sorted(range(len(fit)), key=lambda i: len(fit[i]["words"]))
    batches = [order[i : i + 32] for i in range(0, len(order), 32)]
    rng = np.random.default_rng(args.seed)
    best = (-1.0, 0, None)
    train_started = time.process_time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for b in rng.permutation(len(batches)):
            batch = [enc["fit"][i] for i in batches[b] if len(enc["fit"][i]["words"])]
            if not batch:
                continue
            logits = model(batch)
            loss = loss_fn(torch.cat(logits), torch.cat([x["labels"] for x in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
        probs = predict(model, enc["held"])
        cut_u, held_u = best_cut(held, probs, rules=True)
        cut_a, held_a = best_cut(held, probs, rules=False)
        print(f"epoch {epoch}: loss {total / len(batches):.4f}; held-out T5 alone {held_a:.4f} "
              f"(cut {cut_a}), union {held_u:.4f} (cut {cut_u}); "
              f"{time.process_time() - train_started:.0f} s CPU")  # fmt: skip
        if held_u > best[0]:
            state = {k: v.clone() for k, v in model.state_dict().items()}
            best = (held_u, epoch, (state, cut_a, cut_u))
    held_u, epoch, (state, cut_a, cut_u) = best
    model.load_state_dict(state)
    probs = predict(model, enc["dev"])
    print(f"best epoch {epoch} (held-out union T5 {held_u:.4f}); cuts alone {cut_a}, union {cut_u}")
    print(f"dev: neural alone T5 {t5(dev, probs, cut_a, False):.4f}")
    print(f"dev: rules + neural T5 {t5(dev, probs, cut_u, True):.4f}")
    print(f"training {time.process_time() - train_started:.0f} s CPU")
    if args.save:
        torch.save({"state": state, "cuts": (cut_a, cut_u), "args": vars(args)}, args.save)


if __name__ == "__main__":
    main()
