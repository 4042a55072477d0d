"""A neural word tagger for the ``scorer`` plugin, run with numpy (``--kind neural``).

Why a second kind of model: the linear scorer sees a word, its character n-grams and a
+-2-word window; a tagger that reads the whole comment finds insults the window misses
(on toxic spans dev, T5 63.7 for rules + ``toxic-cc0`` against 65.6 for rules + this
tagger; see docs/quality.md). Training needs torch; using a model needs numpy only,
imported when such a model is loaded, so the core and the linear models stay free of it.

The network, per comment: each word becomes a char-CNN over its first ``MAX_CHARS``
lowercased characters (max-pooled per width), a hashed word embedding and its spelling
class; a one-layer bidirectional GRU reads the words; a linear layer gives each word's
toxic log-odds. What a word contributes on its own (everything before the GRU's
recurrence) is cached per spelling, so a long-running process pays only the recurrence.

The file is the linear models' JSON (gzip) with ``"format": "rhetoric-neural"`` and its
own version; tensors are base64 little-endian float16 with their shapes.
"""

from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT = "rhetoric-neural"
FORMAT_VERSION = 1
READ_VERSIONS = (1,)
MAX_CHARS = 16
SHAPES = ("masked", "number", "upper", "title", "lower")
WIDTHS = (2, 3, 4, 5)
KEYS = frozenset(("format", "version", "name", "status", "created", "training", "network",
                  "head", "tensors"))  # fmt: skip
HEAD_KEYS = frozenset(("technique", "techniques", "labels", "threshold", "warning", "examples",
                       "held_out"))  # fmt: skip
NETWORK_KEYS = frozenset(("word_buckets", "char_buckets", "hidden", "char_dim", "filters",
                          "word_dim"))  # fmt: skip
EVIDENCE_WORDS = 5


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise ValueError("a neural model needs numpy: pip install 'rhetoric[neural]'") from None
    return numpy


def tensor_shapes(network: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """The tensors a network of these sizes has, with their shapes (torch's names)."""
    c, f, w, h = network["char_dim"], network["filters"], network["word_dim"], network["hidden"]
    size = len(WIDTHS) * f + w + len(SHAPES)
    shapes: dict[str, tuple[int, ...]] = {
        "char_emb.weight": (network["char_buckets"], c),
        "word_emb.weight": (network["word_buckets"], w),
        "head.weight": (1, 2 * h),
        "head.bias": (1,),
    }
    for i, k in enumerate(WIDTHS):
        shapes[f"convs.{i}.weight"] = (f, c, k)
        shapes[f"convs.{i}.bias"] = (f,)
    for suffix in ("", "_reverse"):
        shapes[f"context.weight_ih_l0{suffix}"] = (3 * h, size)
        shapes[f"context.weight_hh_l0{suffix}"] = (3 * h, h)
        shapes[f"context.bias_ih_l0{suffix}"] = (3 * h,)
        shapes[f"context.bias_hh_l0{suffix}"] = (3 * h,)
    return shapes


def encode_tensor(array: Any) -> dict[str, Any]:
    """A float array as the file keeps it: shape and base64 little-endian float16."""
    np = _numpy()
    data = np.asarray(array, dtype="<f2")
    return {"shape": list(data.shape), "data": base64.b64encode(data.tobytes()).decode("ascii")}


def _decode_tensor(value: Any, shape: tuple[int, ...], name: str) -> Any:
    np = _numpy()
    if not isinstance(value, dict) or not isinstance(value.get("data"), str):
        raise ValueError(f"tensors.{name} must be an object with 'shape' and 'data'")
    if tuple(value.get("shape", ())) != shape:
        raise ValueError(f"tensors.{name} must have shape {list(shape)}")
    try:
        raw = base64.b64decode(value["data"], validate=True)
    except ValueError:
        raise ValueError(f"tensors.{name}.data is not base64") from None
    if len(raw) != 2 * math.prod(shape):
        raise ValueError(f"tensors.{name} has {len(raw) // 2} values, not {math.prod(shape)}")
    array = np.frombuffer(raw, dtype="<f2").astype(np.float32).reshape(shape)
    if not np.isfinite(array).all():
        raise ValueError(f"tensors.{name} has values that are not finite")
    return array


def char_ids(low: str, buckets: int) -> list[int]:
    """A word's first MAX_CHARS characters as ids (0 pads)."""
    ids = [1 + ord(c) % (buckets - 1) for c in low[:MAX_CHARS]]
    return ids + [0] * (MAX_CHARS - len(ids))


def word_bucket(low: str, buckets: int) -> int:
    return zlib.crc32(low.encode("utf-8")) % buckets


@dataclass(eq=False)
class Network:
    """The tagger's weights (numpy float32) and the per-spelling cache."""

    sizes: Mapping[str, int]
    weights: Mapping[str, Any]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def inputs(self, raw: str, low: str, kind: str) -> Any:
        """A word's GRU input projections, both directions (6*hidden), cached per spelling."""
        key = f"{kind}\0{raw}"
        found = self._cache.get(key)
        if found is not None:
            return found
        if len(self._cache) > 200_000:
            self._cache.clear()
        np = _numpy()
        w = self.weights
        chars = char_ids(low, self.sizes["char_buckets"])
        emb = w["char_emb.weight"][chars]  # (MAX_CHARS, char_dim)
        mask = np.array(chars) > 0
        pooled = []
        for i, k in enumerate(WIDTHS):
            pad = k // 2
            padded = np.pad(emb, ((pad, pad), (0, 0)))
            windows = np.lib.stride_tricks.sliding_window_view(padded, k, axis=0)[:MAX_CHARS]
            out = np.einsum("lck,fck->lf", windows, w[f"convs.{i}.weight"]) + w[f"convs.{i}.bias"]
            out = np.maximum(out, 0.0) * mask[:, None]
            pooled.append(out.max(axis=0))
        flags = np.array([float(kind == s) for s in SHAPES], dtype=np.float32)
        vector = np.concatenate(
            [*pooled, w["word_emb.weight"][word_bucket(low, self.sizes["word_buckets"])], flags]
        )
        both = np.concatenate(
            [
                w["context.weight_ih_l0"] @ vector + w["context.bias_ih_l0"],
                w["context.weight_ih_l0_reverse"] @ vector + w["context.bias_ih_l0_reverse"],
            ]
        )
        self._cache[key] = both
        return both

    def logits(self, projected: Any) -> Any:
        """Each word's log-odds from its input projections (n, 6*hidden)."""
        np = _numpy()
        h = self.sizes["hidden"]
        w = self.weights
        size = projected.shape[0]
        states = np.zeros((size, 2 * h), dtype=np.float32)
        for direction, suffix, order in ((0, "", range(size)), (1, "_reverse",
                                          range(size - 1, -1, -1))):  # fmt: skip
            hh, bh = w[f"context.weight_hh_l0{suffix}"], w[f"context.bias_hh_l0{suffix}"]
            xs = projected[:, 3 * h * direction : 3 * h * (direction + 1)]
            state = np.zeros(h, dtype=np.float32)
            for t in order:
                x, r_in = xs[t], hh @ state + bh
                gates = 1.0 / (1.0 + np.exp(-(x[: 2 * h] + r_in[: 2 * h])))
                r, z = gates[:h], gates[h:]
                n = np.tanh(x[2 * h :] + r * r_in[2 * h :])
                state = (1.0 - z) * n + z * state
                states[t, h * direction : h * (direction + 1)] = state
        return states @ w["head.weight"][0] + w["head.bias"][0]


def parse_network(data: Mapping[str, Any]) -> Network:
    """The validated network of a neural model file's JSON."""
    network = data.get("network")
    if not isinstance(network, dict) or set(network) != NETWORK_KEYS:
        raise ValueError(f"'network' must be an object of {', '.join(sorted(NETWORK_KEYS))}")
    for key, value in network.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1 << 22:
            raise ValueError(f"network.{key} must be a positive integer")
    if network["char_buckets"] < 2:
        raise ValueError("network.char_buckets must be at least 2")
    tensors = data.get("tensors")
    shapes = tensor_shapes(network)
    if not isinstance(tensors, dict) or set(tensors) != set(shapes):
        raise ValueError(f"'tensors' must hold exactly: {', '.join(sorted(shapes))}")
    weights = {name: _decode_tensor(tensors[name], shape, name) for name, shape in shapes.items()}
    return Network(dict(network), weights)


def word_scores(network: Network, items: Sequence[Any], shape_of: Any) -> list[float]:
    """Each word's log-odds (``items`` are the scorer's words; ``shape_of`` its
    spelling-class function)."""
    np = _numpy()
    projected = np.stack([network.inputs(w.raw, w.low, shape_of(w.raw)) for w in items])
    return [float(z) for z in network.logits(projected)]


def strongest_words(items: Sequence[Any], z: Sequence[float], first: int, last: int) -> dict:
    """The words of a hit that carried it, with their probabilities, strongest first."""
    scored = sorted(range(first, last + 1), key=lambda i: -z[i])[:EVIDENCE_WORDS]
    return {f"word={items[i].low}": round(1.0 / (1.0 + math.exp(-z[i])), 3) for i in scored}
