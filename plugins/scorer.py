"""A trained statistical scorer: logistic regression over word, character n-gram,
context and sentence features, read from model files that ``rhetoric train`` writes.

Word lists stop where spelling varies; a model that has seen labeled comments
weighs a word's letters, its neighbours and its sentence instead. This plugin is
the inference half, in pure Python, so a configured model costs no dependency
beyond the core. With no model configured (``AnalyzerConfig.models``,
``--model``, ``models = [...]``) it registers nothing and costs nothing.

The features are defined here, once (:func:`feature_pairs`,
:func:`document_features`): ``rhetoric train`` imports them, so training and
inference can never disagree about what a feature is. A model file is versioned JSON
(gzip-compressed or not), never pickle: model files travel between people, and
loading one must not run code. Every field is validated, and an error names the file.

Findings: rule ``model-TECHNIQUE`` (status ``preview`` unless the model was
trained as stable), one hit per run of positive words within a sentence, or the
whole comment for a document head; ``warning`` from the head's warning probability
on, ``info`` below; the evidence lists the features that carried the hit. The plugin
does not touch rule hits (no ``rhetoric_filter_hit``): a second opinion that changed
the rules' confidence would be harder to explain than a finding of its own.

A span head may carry a *prior* (format version 2): a per-comment classifier whose
probability ``q`` that the comment holds the technique at all scales each word's
probability by ``(1 - strength) + strength * q``, so a word that looks suspicious in a
comment that reads as harmless needs more to be reported. Training keeps it only when
it raised the held-out F1; findings it scaled say so in their evidence (``comment``).

Options (``config.plugin_options("scorer")``): ``threshold``, a probability that
replaces every head's own threshold (to trade precision for recall without
retraining).
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import chain, repeat
from operator import add
from pathlib import Path
from typing import Any, NamedTuple

from rhetoric_plugins import _neural as neural

from rhetoric import AnalyzerConfig, Document, Example, Hit, RuleInfo, Severity, hookimpl

PLUGIN = "scorer"
FORMAT = "rhetoric-scorer"
# 2: heads may have a ``prior`` and the ``techniques`` of their map; 3: ``extend``
FORMAT_VERSION = 3
READ_VERSIONS = (1, 2, 3)
RULE_PREFIX = "model-"
MAX_BYTES = 256 << 20  # decompressed: a model file is weights, not a corpus
EVIDENCE_FEATURES = 5

# Words, with inner apostrophes and the signs of masked words ("f**k", "sh!t" is cut at
# "!", "@ss"); markdown emphasis stars around a word are trimmed off.
_WORD = re.compile(r"[\w$@*]+(?:['\u2019][\w$@*]+)*")
_BREAK = re.compile(r"[.!?\n]")
SECOND_PERSON = frozenset(
    ("you", "your", "yours", "yourself", "yourselves", "you're", "youre", "you've", "you'll",
     "you'd", "u", "ur", "ya", "y'all", "ye")
)  # fmt: skip
SENTENCE_FLAGS = ("you", "exclaims", "shouts")
SPAN_KINDS = frozenset(
    ("word", "char", "shape", "left", "right", "sentence", "mark",
     *(f"{side}{d}" for side in ("prev", "next") for d in range(1, 4)))
)  # fmt: skip
DOC_KINDS = frozenset(("word", "char"))
# The keys a model file may have; anything else is refused, not ignored.
MODEL_KEYS = frozenset(("format", "version", "name", "status", "created", "training", "features",
                        "heads"))  # fmt: skip
HEAD_KEYS = frozenset(("technique", "kind", "labels", "bias", "threshold", "warning", "weights",
                       "examples", "held_out"))  # fmt: skip
HEAD_KEYS_V2 = HEAD_KEYS | {"prior", "techniques"}
HEAD_KEYS_V3 = HEAD_KEYS_V2 | {"extend"}
# Characters that join two words into one compound ("right-wing", "anti-Semite"): a
# hit on one part covers the whole compound when the head extends its hits.
_JOINERS = frozenset("-\u2010\u2011")
PRIOR_KEYS = frozenset(("bias", "weights", "strength"))


class ModelError(ValueError):
    """A model file is unreadable or invalid; the message starts with the file."""


class Word(NamedTuple):
    """One word of a comment: its span in the original text, its text, its
    lowercased form and the index of its sentence."""

    start: int
    end: int
    raw: str
    low: str
    sentence: int


def words(text: str) -> list[Word]:
    """The words of ``text`` with exact offsets (``text[w.start:w.end] == w.raw``).

    Our own tokenizer rather than the rule engine's: a trained model depends on its
    features staying the same, so they must not move when text preparation does.
    """
    out: list[Word] = []
    append = out.append
    breaks = [m.start() for m in _BREAK.finditer(text)]
    count, b, sentence = len(breaks), 0, 0
    lowered = text.lower() if text.isascii() else None  # same offsets only for ASCII
    for match in _WORD.finditer(text):
        start, end = match.span()
        raw = match.group()
        if "*" in raw:
            while start < end and text[start] == "*":
                start += 1
            while end > start and text[end - 1] == "*":
                end -= 1
            raw = text[start:end]
        if not raw.isalnum() and not any(c.isalnum() for c in raw):
            continue
        if b < count and breaks[b] < start:
            while b < count and breaks[b] < start:
                b += 1
            if out:
                sentence += 1
        if lowered is not None:
            low = lowered[start:end]
        else:
            low = raw.lower()
            if "\u2019" in low:
                low = low.replace("\u2019", "'")
        append(_new_word(Word, (start, end, raw, low, sentence)))
    return out


_new_word = tuple.__new__  # a Word without NamedTuple's slower keyword-aware constructor


def shape(raw: str) -> str:
    """A word's spelling class: masked, number, upper, title or lower."""
    if "*" in raw or "@" in raw or "$" in raw:
        return "masked"
    if raw.isdigit():
        return "number"
    if raw.isupper() and len(raw) > 1:
        return "upper"
    return "title" if raw[:1].isupper() else "lower"


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """Which features a model uses (recorded in its file).

    - ``chars``: (shortest, longest) character n-grams of ``<word>``; (0, 0) for none.
    - ``context``: how many words on each side are features of their own.
    - ``bigrams``: the word with its left and with its right neighbour.
    - ``shape``: the word's spelling class (:func:`shape`).
    - ``sentence``: flags of the word's sentence: ``you`` (it addresses the reader),
      ``exclaims`` (it ends in "!"), ``shouts`` (it has a word in capitals).
    - ``marks``: how the text sets the word apart (:func:`word_marks`): ``quoted``
      (inside a short quotation, the scare quotes of a label) and ``joined`` (a part
      of a hyphenated compound).
    """

    chars: tuple[int, int] = (3, 5)
    context: int = 2
    bigrams: bool = False
    shape: bool = False
    sentence: tuple[str, ...] = ()
    marks: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "chars": list(self.chars),
            "context": self.context,
            "bigrams": self.bigrams,
            "shape": self.shape,
            "sentence": list(self.sentence),
            "marks": self.marks,
        }

    @classmethod
    def from_dict(cls, data: Any) -> FeatureSettings:
        """Validate the ``features`` table of a model file (ValueError says what is wrong)."""
        if not isinstance(data, dict):
            raise ValueError("'features' must be an object")
        unknown = set(data) - {"chars", "context", "bigrams", "shape", "sentence", "marks"}
        if unknown:
            raise ValueError(f"'features' has unknown keys: {', '.join(sorted(unknown))}")
        chars = data.get("chars", [0, 0])
        if not (
            isinstance(chars, list)
            and len(chars) == 2
            and all(type(n) is int for n in chars)
            and (chars == [0, 0] or 1 <= chars[0] <= chars[1] <= 8)
        ):
            raise ValueError("'features.chars' must be [shortest, longest] within 1..8, or [0, 0]")
        context = data.get("context", 0)
        if type(context) is not int or not 0 <= context <= 3:
            raise ValueError("'features.context' must be an integer within 0..3")
        for key in ("bigrams", "shape", "marks"):
            if not isinstance(data.get(key, False), bool):
                raise ValueError(f"'features.{key}' must be true or false")
        sentence = data.get("sentence", [])
        if not isinstance(sentence, list) or any(f not in SENTENCE_FLAGS for f in sentence):
            raise ValueError(f"'features.sentence' must list some of {', '.join(SENTENCE_FLAGS)}")
        return cls(
            (chars[0], chars[1]),
            context,
            data.get("bigrams", False),
            data.get("shape", False),
            tuple(sentence),
            data.get("marks", False),
        )


def char_ngrams(low: str, chars: tuple[int, int]) -> list[str]:
    """The character n-grams of ``<low>`` (repeats kept: each counts)."""
    shortest, longest = chars
    if not shortest:
        return []
    marked = f"<{low}>"
    size = len(marked)
    return [marked[i : i + n] for n in range(shortest, longest + 1) for i in range(size - n + 1)]


def sentence_flags(items: Sequence[Word], text: str, wanted: Sequence[str]) -> list[list[str]]:
    """For each sentence index, the flags of ``wanted`` it raises."""
    if not items or not wanted:
        return [[] for _ in range(items[-1].sentence + 1 if items else 0)]
    flags: list[list[str]] = [[] for _ in range(items[-1].sentence + 1)]
    first = 0
    for i, word in enumerate(items):
        if i + 1 < len(items) and items[i + 1].sentence == word.sentence:
            continue
        members = items[first : i + 1]
        gap = text[word.end : items[i + 1].start] if i + 1 < len(items) else text[word.end :]
        found = flags[word.sentence]
        if "you" in wanted and any(m.low in SECOND_PERSON for m in members):
            found.append("you")
        if "exclaims" in wanted and "!" in gap:
            found.append("exclaims")
        if "shouts" in wanted and any(len(m.raw) > 2 and m.raw.isupper() for m in members):
            found.append("shouts")
        first = i + 1
    return flags


# A short quotation: up to MAX_QUOTED words between double quotes (straight, curly or
# guillemets), or between single quotes that do not sit inside a word (not "don't").
_QUOTED = re.compile(
    r"[\"\u201c\u201d\u00ab\u00bb\u201e]([^\"\u201c\u201d\u00ab\u00bb\u201e\n]{1,80})"
    r"[\"\u201c\u201d\u00ab\u00bb]"
    r"|(?<!\w)['\u2018]([^'\u2018\u2019\n]{1,60})['\u2019](?!\w)"
)
_QUOTE_SIGNS = frozenset("\"'\u201c\u201d\u00ab\u00bb\u201e\u2018\u2019")
MAX_QUOTED = 4


def hyphen_joined(items: Sequence[Word], text: str) -> list[bool]:
    """For each word but the last, whether a hyphen ties it to the next ("right-wing")."""
    return [
        items[i + 1].start == items[i].end + 1 and text[items[i].end] in _JOINERS
        for i in range(len(items) - 1)
    ]


def word_marks(items: Sequence[Word], text: str) -> list[tuple[str, ...]]:
    """Each word's marks: ``quoted`` inside a quotation of at most :data:`MAX_QUOTED`
    words, ``joined`` when a hyphen ties it to a neighbour.

    Why: news sets its labels apart in print rather than in vocabulary. Scare quotes
    ("the 'resistance'", "so-called 'experts'") and coined compounds ("gun-grabbing",
    "anti-American") mark a name as the writer's own, whatever the word is, so the
    mark generalises to labels the training data never spelled.
    """
    size = len(items)
    out: list[tuple[str, ...]] = [()] * size
    if not size:
        return out
    quoted: list[tuple[int, int]] = []
    if not _QUOTE_SIGNS.isdisjoint(text):
        for match in _QUOTED.finditer(text):
            inner = match.group(1) or match.group(2) or ""
            if len(inner.split()) <= MAX_QUOTED:
                quoted.append(match.span())
    joined = hyphen_joined(items, text)
    q = 0
    for i, word in enumerate(items):
        marks: list[str] = []
        while q < len(quoted) and quoted[q][1] <= word.start:
            q += 1
        if q < len(quoted) and quoted[q][0] < word.start and word.end < quoted[q][1]:
            marks.append("quoted")
        if (i + 1 < size and joined[i]) or (i and joined[i - 1]):
            marks.append("joined")
        if marks:
            out[i] = tuple(marks)
    return out


def feature_pairs(
    items: Sequence[Word],
    text: str,
    settings: FeatureSettings,
    span: tuple[int, int] | None = None,
) -> Iterator[list[tuple[str, str]]]:
    """The features of each word (of the words ``span[0]..span[1]`` only, when given)
    as (kind, key) pairs: the one definition of a word's features, which training
    (:func:`token_features`) and the evidence use; :meth:`Model.scores` sums the
    same features faster."""
    k = settings.context
    pad = max(k, 1)
    first, last = span if span is not None else (0, len(items) - 1)
    window = items[max(0, first - pad) : last + pad + 1]
    before = first - max(0, first - pad)  # the window's index of word ``first``
    padded = ["<s>"] * pad + [w.low for w in window] + ["</s>"] * pad
    flags = sentence_flags(items, text, settings.sentence) if settings.sentence else None
    marks = word_marks(items, text) if settings.marks else None
    chars = settings.chars
    for i in range(first, last + 1):
        word = items[i]
        at = pad + before + i - first  # word i in ``padded``
        pairs = [("word", word.low), *(("char", g) for g in char_ngrams(word.low, chars))]
        if settings.shape:
            pairs.append(("shape", shape(word.raw)))
        for d in range(1, k + 1):
            pairs.append((f"prev{d}", padded[at - d]))
            pairs.append((f"next{d}", padded[at + d]))
        if settings.bigrams:
            pairs.append(("left", f"{padded[at - 1]} {word.low}"))
            pairs.append(("right", f"{word.low} {padded[at + 1]}"))
        if flags is not None:
            pairs += [("sentence", flag) for flag in flags[word.sentence]]
        if marks is not None:
            pairs += [("mark", mark) for mark in marks[i]]
        yield pairs


def token_features(items: Sequence[Word], text: str, settings: FeatureSettings) -> list[list[str]]:
    """Each word's features as ``kind=key`` strings, for training."""
    return [[f"{kind}={key}" for kind, key in row] for row in feature_pairs(items, text, settings)]


def document_features(items: Sequence[Word], settings: FeatureSettings) -> list[str]:
    """A document's distinct word and character n-gram features (each weighs
    1/sqrt(count), so long documents do not win by length alone)."""
    seen: dict[str, None] = {}
    for word in items:
        seen[f"word={word.low}"] = None
        for gram in char_ngrams(word.low, settings.chars):
            seen[f"char={gram}"] = None
    return list(seen)


def prior_features(items: Sequence[Word], settings: FeatureSettings) -> list[str]:
    """A comment's features for a span head's prior: every word's word and character
    n-gram features, repeats kept (each weighs 1/sqrt(their number)). A bag rather than
    :func:`document_features`' distinct set, so inference can sum cached per-spelling
    totals instead of building the set for every comment."""
    out: list[str] = []
    for word in items:
        out.append(f"word={word.low}")
        out += [f"char={gram}" for gram in char_ngrams(word.low, settings.chars)]
    return out


def merge_runs(items: Sequence[Word], positive: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) word indexes of the runs of positive words; a run never crosses
    a sentence break, so one hit is one stretch of one sentence."""
    runs: list[tuple[int, int]] = []
    i, size = 0, len(items)
    while i < size:
        if not positive[i]:
            i += 1
            continue
        j = i
        while j + 1 < size and positive[j + 1] and items[j + 1].sentence == items[j].sentence:
            j += 1
        runs.append((i, j))
        i = j + 1
    return runs


def _logit(probability: float) -> float:
    return math.log(probability / (1.0 - probability))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True, slots=True)
class Prior:
    """A span head's per-comment classifier (word and character n-gram features, as a
    document head's): its probability scales the words' by ``1 - strength + strength * q``."""

    bias: float
    weights: Mapping[str, Mapping[str, float]]
    strength: float

    def factor(self, probability: float) -> float:
        """What a comment with this prior probability multiplies word probabilities by."""
        return 1.0 - self.strength + self.strength * probability


@dataclass(frozen=True, slots=True)
class Head:
    """One technique a model predicts: per word (``span``) or per document (``doc``).
    ``techniques`` are those of the map it was trained from, when several (it reports
    as ``technique``, the one the rules' hits matched best in training)."""

    technique: str
    kind: str
    labels: tuple[str, ...]
    bias: float
    threshold: float
    warning: float
    weights: Mapping[str, Mapping[str, float]]
    examples: tuple[Example, ...] = ()
    prior: Prior | None = None
    techniques: tuple[str, ...] = ()
    # Phrase-shaped hits (format 3): a run of words at the threshold grows over the
    # neighbours of its sentence whose probability reaches ``extend * threshold``, and
    # over the other parts of a hyphenated compound; 0 (older files): no growing.
    extend: float = 0.0


@dataclass(frozen=True, slots=True)
class Prediction:
    """A span the model finds: offsets, the head, and the probability (already scaled
    by the head's prior, whose own probability is ``prior`` when it has one)."""

    start: int
    end: int
    head: Head
    probability: float
    first: int  # word indexes, for the evidence
    last: int
    prior: float | None = None


def span_predictions(
    head: Head,
    items: Sequence[Word],
    z: Sequence[float],
    threshold: float,
    prior: float | None = None,
    text: str = "",
) -> list[Prediction]:
    """The runs of words whose probability, times the prior's factor, reaches
    ``threshold`` (grown by :func:`grow` when the head extends its hits): one
    definition for the plugin and for training's threshold search."""
    factor = 1.0 if prior is None or head.prior is None else head.prior.factor(prior)
    if factor <= 0.0 or threshold / factor >= 1.0:
        return []
    cut = _logit(threshold / factor)
    if max(z) < cut:
        return []
    positive = [s >= cut for s in z]
    if head.extend > 0.0:
        positive = grow(items, z, positive, _logit(head.extend * threshold / factor), text)
    found = []
    for first, last in merge_runs(items, positive):
        top = max(z[first : last + 1])
        found.append(
            Prediction(
                items[first].start,
                items[last].end,
                head,
                _sigmoid(top) * factor,
                first,
                last,
                prior if head.prior is not None else None,
            )
        )
    return found


def grow(
    items: Sequence[Word], z: Sequence[float], seeds: Sequence[bool], low: float, text: str
) -> list[bool]:
    """The seed words, with each seed run grown over the neighbours of its sentence
    scoring at least ``low`` (log-odds) and over the parts of a hyphenated compound.

    Why: a word model rates each word alone, so it finds the telling word of a phrase
    ("traitor") and drops the words that make it a label ("a [[traitor]] to"), or one
    part of "right-wing"; a run only grows from a word above the threshold, so growing
    adds no hit of its own, it shapes the hits there are (fewer fragments of one phrase).
    """
    keep = list(seeds)
    size = len(items)
    for i in range(size):
        if not seeds[i]:
            continue
        sentence = items[i].sentence
        j = i - 1
        while j >= 0 and not keep[j] and z[j] >= low and items[j].sentence == sentence:
            keep[j] = True
            j -= 1
        j = i + 1
        while j < size and not keep[j] and z[j] >= low and items[j].sentence == sentence:
            keep[j] = True
            j += 1
    if text:
        joined = hyphen_joined(items, text)
        # forwards, then backwards, so a chain of parts joins whichever part was kept
        for i in (*range(size - 1), *range(size - 2, -1, -1)):
            if joined[i] and keep[i] != keep[i + 1]:
                keep[i] = keep[i + 1] = True
    return keep


_EMPTY: Mapping[str, float] = {}


@dataclass(eq=False)
class Model:
    """A loaded model file: feature settings, heads, and what training recorded."""

    path: Path
    name: str
    status: str
    settings: FeatureSettings
    heads: tuple[Head, ...]
    training: Mapping[str, Any]
    span_heads: tuple[Head, ...] = field(init=False, repr=False)
    doc_heads: tuple[Head, ...] = field(init=False, repr=False)
    _cache: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False)
    # per lowercased spelling: its number of prior features, then per span head the sum
    # of its prior's weights over them
    _prior_cache: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False)
    # per doc head (by id), per lowercased spelling: Model._doc_row
    _doc_cache: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.span_heads = tuple(h for h in self.heads if h.kind == "span")
        self.doc_heads = tuple(h for h in self.heads if h.kind == "doc")

    def predict(
        self, text: str, threshold: float | None = None, items: Sequence[Word] | None = None
    ) -> list[Prediction]:
        """Every span of ``text`` some head scores at or above its threshold
        (``threshold`` replaces the heads' own); ``items`` are ``words(text)`` when
        the caller has them already."""
        items = words(text) if items is None else items
        if not items:
            return []
        found: list[Prediction] = []
        if self.span_heads:
            scores = self.scores(items, text)
            priors = self.priors(items)
            for head, z, prior in zip(self.span_heads, scores, priors, strict=True):
                cut = head.threshold if threshold is None else threshold
                found += span_predictions(head, items, z, cut, prior, text)
        for head in self.doc_heads:
            cut = head.threshold if threshold is None else threshold
            if cut >= 1.0:
                continue  # a silent head (a probability may round to 1.0)
            probability = _sigmoid(self.document_score(head, items))
            if probability >= cut:
                start, end = len(text) - len(text.lstrip()), len(text.rstrip())
                found.append(Prediction(start, end, head, probability, 0, len(items) - 1))
        return found

    def scores(self, items: Sequence[Word], text: str) -> list[list[float]]:
        """Per span head, each word's log-odds: the sum of :func:`token_features`'
        weights, with the features a word makes alone cached per spelling and the
        neighbours' weights looked up by ``map`` (loops in C: this runs per comment)."""
        settings = self.settings
        k = settings.context
        pad = max(k, 1)
        size = len(items)
        lows = [w.low for w in items]
        padded = ["<s>"] * pad + lows + ["</s>"] * pad
        cache = self._cache
        if len(cache) > 200_000:
            cache.clear()
        own: list[tuple[float, ...]] = []
        for word in items:
            value = cache.get(word.raw)
            if value is None:
                value = cache[word.raw] = self._own(word)
            own.append(value)
        flags = sentence_flags(items, text, settings.sentence) if settings.sentence else None
        marks = word_marks(items, text) if settings.marks else None
        zeros = repeat(0.0)
        out: list[list[float]] = []
        for h, head in enumerate(self.span_heads):
            weights = head.weights
            bias = head.bias
            z = [bias + value[h] for value in own]
            if flags is not None:
                table = weights.get("sentence", _EMPTY)
                by_sentence = [sum(table.get(f, 0.0) for f in found) for found in flags]
                z = [zi + by_sentence[w.sentence] for zi, w in zip(z, items, strict=True)]
            if marks is not None:
                table = weights.get("mark", _EMPTY)
                for i, found in enumerate(marks):
                    for mark in found:
                        z[i] += table.get(mark, 0.0)
            for d in range(1, k + 1):
                before = weights.get(f"prev{d}")
                if before:
                    z = list(map(add, z, map(before.get, padded[pad - d : pad - d + size], zeros)))
                after = weights.get(f"next{d}")
                if after:
                    z = list(map(add, z, map(after.get, padded[pad + d : pad + d + size], zeros)))
            if settings.bigrams:
                left = weights.get("left")
                if left:
                    before_words = padded[pad - 1 : pad - 1 + size]
                    keys = [f"{a} {b}" for a, b in zip(before_words, lows, strict=True)]
                    z = list(map(add, z, map(left.get, keys, zeros)))
                right = weights.get("right")
                if right:
                    after_words = padded[pad + 1 : pad + 1 + size]
                    keys = [f"{a} {b}" for a, b in zip(lows, after_words, strict=True)]
                    z = list(map(add, z, map(right.get, keys, zeros)))
            out.append(z)
        return out

    def _own(self, word: Word) -> tuple[float, ...]:
        """Per span head, the weight of the features a word makes on its own."""
        grams = char_ngrams(word.low, self.settings.chars)
        kind = shape(word.raw) if self.settings.shape else None
        values = []
        for head in self.span_heads:
            weights = head.weights
            chars = weights.get("char", _EMPTY)
            total = weights.get("word", _EMPTY).get(word.low, 0.0)
            total += sum(chars.get(g, 0.0) for g in grams) if chars else 0.0
            if kind is not None:
                total += weights.get("shape", _EMPTY).get(kind, 0.0)
            values.append(total)
        return tuple(values)

    def document_score(self, head: Head, items: Sequence[Word]) -> float:
        """A doc head's log-odds for a document: :func:`_document_logit` over
        :func:`document_features`, from what each spelling contributes, worked out once:
        its feature strings (for the count of distinct features) and those of them the
        head weighs, with their weights. The same sum, in the same order: the distinct
        weighted features in order of first use (a zero weight adds nothing)."""
        cache = self._doc_cache.get(id(head))
        if cache is None or len(cache) > 200_000:
            cache = self._doc_cache[id(head)] = {}
        rows = []
        for low in dict.fromkeys([w.low for w in items]):
            row = cache.get(low)
            if row is None:
                row = cache[low] = self._doc_row(head, low)
            rows.append(row)
        count = len(set(chain.from_iterable(r[0] for r in rows)))
        if not count:
            return head.bias
        total = 0.0
        for weight in dict(chain.from_iterable(r[1] for r in rows)).values():
            total += weight  # a loop, not sum(): the same additions as _document_logit
        return head.bias + total / math.sqrt(count)

    def _doc_row(
        self, head: Head, low: str
    ) -> tuple[tuple[str, ...], tuple[tuple[str, float], ...]]:
        """A spelling's document features, and those ``head`` weighs with their weights."""
        features = (f"word={low}", *[f"char={g}" for g in char_ngrams(low, self.settings.chars)])
        weighted = []
        for feature in features:
            weight = _weight(head, feature)
            if weight:
                weighted.append((feature, weight))
        return features, tuple(weighted)

    def priors(self, items: Sequence[Word]) -> list[float | None]:
        """Per span head, its prior's probability for a comment (None without one):
        the sum of :func:`prior_features`' weights from per-spelling totals."""
        heads = self.span_heads
        if not any(h.prior is not None for h in heads):
            return [None] * len(heads)
        cache = self._prior_cache
        if len(cache) > 200_000:
            cache.clear()
        rows = []
        for word in items:
            value = cache.get(word.low)
            if value is None:
                value = cache[word.low] = self._prior_own(word.low)
            rows.append(value)
        totals = [sum(column) for column in zip(*rows, strict=True)] if rows else []
        count = totals[0] if totals else 0.0
        out: list[float | None] = []
        for h, head in enumerate(heads):
            if head.prior is None:
                out.append(None)
                continue
            total = totals[h + 1] / math.sqrt(count) if count else 0.0
            out.append(_sigmoid(head.prior.bias + total))
        return out

    def _prior_own(self, low: str) -> tuple[float, ...]:
        grams = char_ngrams(low, self.settings.chars)
        values = [float(1 + len(grams))]
        for head in self.span_heads:
            if head.prior is None:
                values.append(0.0)
                continue
            weights = head.prior.weights
            chars = weights.get("char", _EMPTY)
            total = weights.get("word", _EMPTY).get(low, 0.0)
            total += sum(chars.get(g, 0.0) for g in grams) if chars else 0.0
            values.append(total)
        return tuple(values)

    def explain(
        self, prediction: Prediction, text: str, items: Sequence[Word] | None = None
    ) -> dict[str, float]:
        """The features that carried a prediction: the largest positive weights summed
        over its words (for a doc head, over the document), strongest first."""
        items = words(text) if items is None else items
        head = prediction.head
        totals: dict[str, float] = {}
        if head.kind == "doc":
            features = document_features(items, self.settings)
            scale = 1 / math.sqrt(len(features)) if features else 0.0
            for feature in features:
                totals[feature] = _weight(head, feature) * scale
        else:
            span = (prediction.first, prediction.last)
            weights = head.weights
            for row in feature_pairs(items, text, self.settings, span):
                for kind, key in row:
                    weight = weights.get(kind, _EMPTY).get(key, 0.0)
                    if weight > 0:
                        feature = f"{kind}={key}"
                        totals[feature] = totals.get(feature, 0.0) + weight
        best = sorted((f for f in totals if totals[f] > 0), key=lambda f: -totals[f])
        return {f: round(totals[f], 3) for f in best[:EVIDENCE_FEATURES]}


def _weight(head: Head, feature: str) -> float:
    kind, _, key = feature.partition("=")
    return head.weights.get(kind, _EMPTY).get(key, 0.0)


def _document_logit(
    bias: float, weights: Mapping[str, Mapping[str, float]], features: Sequence[str]
) -> float:
    """Log-odds of a per-document classifier: each distinct feature weighs 1/sqrt(count)."""
    if not features:
        return bias
    total = 0.0
    for feature in features:
        kind, _, key = feature.partition("=")
        total += weights.get(kind, _EMPTY).get(key, 0.0)
    return bias + total / math.sqrt(len(features))


# --- the file format ---------------------------------------------------------------


def read_document(path: Path) -> Any:
    """The JSON of a model file, gzip-compressed or not (ModelError otherwise)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    raw = unzipped.read(MAX_BYTES + 1)
            else:
                raw = handle.read(MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ModelError(f"{path}: cannot read model: {exc}") from None
    if len(raw) > MAX_BYTES:
        raise ModelError(f"{path}: model is larger than {MAX_BYTES >> 20} MB")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelError(f"{path}: not a model file (JSON expected): {exc}") from None


def parse_model(data: Any, path: Path) -> Model | NeuralModel:
    """A validated :class:`Model` (or :class:`NeuralModel`) from a model file's JSON."""
    try:
        if isinstance(data, dict) and data.get("format") == neural.FORMAT:
            return _parse_neural(data, path)
        return _parse(data, path)
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return float(value)


def _parse(data: Any, path: Path) -> Model:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a rhetoric model file ('format' must be '{FORMAT}')")
    version = data.get("version")
    if isinstance(version, bool) or version not in READ_VERSIONS:
        raise ValueError(
            f"model format version {version!r} is not supported (this rhetoric reads "
            f"versions {', '.join(map(str, READ_VERSIONS))}; retrain the model or upgrade "
            "rhetoric)"
        )
    unknown = sorted(set(data) - MODEL_KEYS)
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("'name' must be a non-empty string")
    status = data.get("status", "preview")
    if status not in ("preview", "stable"):
        raise ValueError("'status' must be 'preview' or 'stable'")
    training = data.get("training", {})
    if not isinstance(training, dict):
        raise ValueError("'training' must be an object")
    settings = FeatureSettings.from_dict(data.get("features"))
    heads = data.get("heads")
    if not isinstance(heads, list) or not heads:
        raise ValueError("'heads' must be a non-empty list")
    parsed = tuple(_head(head, n, version) for n, head in enumerate(heads, start=1))
    techniques = [h.technique for h in parsed]
    if len(set(techniques)) != len(techniques):
        raise ValueError("two heads predict the same technique")
    return Model(path, name, status, settings, parsed, training)


def _weight_table(weights: Any, allowed: frozenset[str], where: str) -> dict[str, dict[str, float]]:
    if not isinstance(weights, dict):
        raise ValueError(f"{where} must be an object of feature kinds")
    table: dict[str, dict[str, float]] = {}
    for feature_kind, values in weights.items():
        if feature_kind not in allowed:
            raise ValueError(f"{where}: unknown feature kind '{feature_kind}'")
        if not isinstance(values, dict):
            raise ValueError(f"{where}.{feature_kind} must be an object")
        table[feature_kind] = {
            str(key): _number(value, f"{where}.{feature_kind}[{key!r}]")
            for key, value in values.items()
        }
    return table


def _prior(data: Any, where: str) -> Prior | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    unknown = sorted(set(data) - PRIOR_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys: {', '.join(unknown)}")
    strength = _number(data.get("strength"), f"{where}.strength")
    if not 0.0 < strength <= 1.0:
        raise ValueError(f"{where}.strength must be within (0, 1]")
    return Prior(
        _number(data.get("bias", 0.0), f"{where}.bias"),
        _weight_table(data.get("weights"), DOC_KINDS, f"{where}.weights"),
        strength,
    )


def _head(data: Any, n: int, version: int = FORMAT_VERSION) -> Head:
    where = f"heads[{n}]"
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    allowed = {1: HEAD_KEYS, 2: HEAD_KEYS_V2}.get(version, HEAD_KEYS_V3)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown keys: {', '.join(unknown)}")
    technique, kind = data.get("technique"), data.get("kind")
    if not isinstance(technique, str) or not technique:
        raise ValueError(f"{where}.technique must be a technique id")
    if kind not in ("span", "doc"):
        raise ValueError(f"{where}.kind must be 'span' or 'doc'")
    labels = data.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ValueError(f"{where}.labels must be a list of strings")
    threshold = _number(data.get("threshold"), f"{where}.threshold")
    warning = _number(data.get("warning", 1.0), f"{where}.warning")
    # 1 is a head that reports nothing (training found no threshold that kept the
    # union with the rules precise enough); the threshold option can still lower it
    if not 0.0 < threshold <= 1.0 or not threshold <= warning <= 1.0:
        raise ValueError(
            f"{where}: need 0 < threshold < 1 (1 for a silent head) and threshold <= warning <= 1"
        )
    table = _weight_table(
        data.get("weights"), SPAN_KINDS if kind == "span" else DOC_KINDS, f"{where}.weights"
    )
    prior = _prior(data.get("prior"), f"{where}.prior")
    if prior is not None and kind != "span":
        raise ValueError(f"{where}: only a span head has a prior")
    techniques = data.get("techniques", [])
    if not isinstance(techniques, list) or not all(isinstance(t, str) and t for t in techniques):
        raise ValueError(f"{where}.techniques must be a list of technique ids")
    if techniques and technique not in techniques:
        raise ValueError(f"{where}: technique '{technique}' is not one of its techniques")
    extend = _number(data.get("extend", 0.0), f"{where}.extend")
    if not 0.0 <= extend <= 1.0:
        raise ValueError(f"{where}.extend must be within [0, 1]")
    if extend and kind != "span":
        raise ValueError(f"{where}: only a span head extends its hits")
    examples = data.get("examples", [])
    if not isinstance(examples, list) or not all(
        isinstance(e, dict) and isinstance(e.get("text"), str) and isinstance(e.get("flag"), bool)
        for e in examples
    ):
        raise ValueError(f"{where}.examples must be a list of {{'text', 'flag'}} objects")
    return Head(
        technique,
        kind,
        tuple(labels),
        _number(data.get("bias", 0.0), f"{where}.bias"),
        threshold,
        warning,
        table,
        tuple(Example(e["text"], e["flag"]) for e in examples),
        prior,
        tuple(techniques),
        extend,
    )


def _parse_neural(data: dict[str, Any], path: Path) -> NeuralModel:
    version = data.get("version")
    if isinstance(version, bool) or version not in neural.READ_VERSIONS:
        raise ValueError(
            f"neural model format version {version!r} is not supported (this rhetoric reads "
            f"versions {', '.join(map(str, neural.READ_VERSIONS))})"
        )
    unknown = sorted(set(data) - neural.KEYS)
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)}")
    name, status = data.get("name"), data.get("status", "preview")
    if not isinstance(name, str) or not name:
        raise ValueError("'name' must be a non-empty string")
    if status not in ("preview", "stable"):
        raise ValueError("'status' must be 'preview' or 'stable'")
    training = data.get("training", {})
    if not isinstance(training, dict):
        raise ValueError("'training' must be an object")
    head = data.get("head")
    if not isinstance(head, dict):
        raise ValueError("'head' must be an object")
    unknown = sorted(set(head) - neural.HEAD_KEYS)
    if unknown:
        raise ValueError(f"head: unknown keys: {', '.join(unknown)}")
    # the linear head's checks, with no weights of its own
    parsed = _head({**head, "kind": "span", "weights": {}}, 1)
    return NeuralModel(path, name, status, (parsed,), training, neural.parse_network(data))


@dataclass(eq=False)
class NeuralModel:
    """A loaded neural model (:mod:`rhetoric_plugins._neural`): one span head whose word
    log-odds come from the network; hits and thresholds work as a linear head's."""

    path: Path
    name: str
    status: str
    heads: tuple[Head, ...]
    training: Mapping[str, Any]
    network: neural.Network
    _last: tuple[str, list[float]] = field(default=("", []), repr=False)

    def word_scores(self, text: str, items: Sequence[Word]) -> list[float]:
        """Each word's log-odds (the last comment's kept for its hits' evidence)."""
        last = self._last  # read once: threads of a service share the model
        if last[0] == text and len(last[1]) == len(items):
            return last[1]
        z = neural.word_scores(self.network, items, shape)
        self._last = (text, z)
        return z

    def predict(
        self, text: str, threshold: float | None = None, items: Sequence[Word] | None = None
    ) -> list[Prediction]:
        """The runs of words at or above the threshold (``threshold`` replaces the head's)."""
        items = words(text) if items is None else items
        if not items:
            return []
        head = self.heads[0]
        cut = head.threshold if threshold is None else threshold
        return span_predictions(head, items, self.word_scores(text, items), cut, None, text)

    def explain(
        self, prediction: Prediction, text: str, items: Sequence[Word] | None = None
    ) -> dict[str, float]:
        """The words that carried a hit, with each one's probability, strongest first."""
        items = words(text) if items is None else items
        z = self.word_scores(text, items)
        return neural.strongest_words(items, z, prediction.first, prediction.last)


_LOADED: dict[tuple[str, int, int], Model | NeuralModel] = {}


def load_model(path: Path) -> Model | NeuralModel:
    """Read and validate a model file (kept while the file is unchanged, so analyzers
    rebuilt by workers or reloads parse it once)."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model: {exc.strerror or exc}") from None
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    model = _LOADED.get(key)
    if model is None:
        model = _LOADED[key] = parse_model(read_document(Path(path)), Path(path))
    return model


def write_model(data: Mapping[str, Any], path: Path) -> Model | NeuralModel:
    """Validate a model document and write it (gzip-compressed when the name ends in
    ``.gz``, byte-for-byte reproducible); returns it as loaded."""
    model = parse_model(data, path)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    encoded = raw.encode("utf-8")
    if path.name.endswith(".gz"):
        encoded = gzip.compress(encoded, compresslevel=9, mtime=0)
    path.write_bytes(encoded)
    return model


# --- the detector -------------------------------------------------------------------


def _rule(technique: str, models: Sequence[Model | NeuralModel]) -> RuleInfo:
    names = ", ".join(sorted({m.name for m in models}))
    sources = sorted(
        {str(d.get("path", "")) for m in models for d in m.training.get("data", []) if d}
    )
    trained_on = f" It was trained on {', '.join(sources)}." if sources else ""
    return RuleInfo(
        id=f"{RULE_PREFIX}{technique}",
        technique=technique,
        kind="model",
        severity=Severity.INFO,
        confidence=0.5,
        status="stable" if all(m.status == "stable" for m in models) else "preview",
        message=f"'{{match}}' reads as {technique} to the trained model ({names}).",
        why=(
            f"A statistical model ({names}) learned from labeled comments which spellings, "
            "neighbouring words and sentence cues go with this technique, so it finds forms "
            "that word lists miss. It cannot say why beyond the features listed in each "
            "finding's evidence: measure it on your own data (rhetoric eval --model) "
            f"before relying on it. Findings are warnings from the model's warning "
            f"probability on, information below it.{trained_on}"
        ),
        examples=tuple(
            e for m in models for h in m.heads if h.technique == technique for e in h.examples
        ),
        source=f"plugin:{PLUGIN}",
    )


class ScorerDetector:
    """Runs every configured model over each comment."""

    name = PLUGIN

    def __init__(
        self, models: Sequence[Model | NeuralModel], threshold: float | None = None
    ) -> None:
        self.models = tuple(models)
        self.threshold = threshold
        techniques = dict.fromkeys(h.technique for m in self.models for h in m.heads)
        self._rules = {
            t: _rule(t, [m for m in self.models if any(h.technique == t for h in m.heads)])
            for t in techniques
        }
        self.rules = tuple(self._rules.values())

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        items = words(text)
        if not items:
            return
        for model in self.models:
            for found in model.predict(text, self.threshold, items):
                yield self.hit(doc, model, found, items)

    def hit(
        self,
        doc: Document,
        model: Model | NeuralModel,
        found: Prediction,
        items: Sequence[Word],
        explain: bool = True,
    ) -> Hit:
        """The finding for one prediction; ``explain=False`` leaves the features out
        (training builds many hits only to score them)."""
        head = found.head
        evidence: dict[str, Any] = {
            "kind": "model",
            "model": model.name,
            "probability": round(found.probability, 4),
            "features": model.explain(found, doc.text, items) if explain else {},
        }
        if found.prior is not None and head.prior is not None:
            evidence["comment"] = {
                "prior": round(found.prior, 4),
                "factor": round(head.prior.factor(found.prior), 4),
            }
        return doc.hit(
            self._rules[head.technique],
            found.start,
            found.end,
            confidence=round(found.probability, 4),
            severity=Severity.WARNING if found.probability >= head.warning else Severity.INFO,
            evidence=evidence,
        )


def _threshold(config: AnalyzerConfig) -> float | None:
    value = config.plugin_options(PLUGIN).get("threshold")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError(f"plugin-options.{PLUGIN}.threshold must be a probability in (0, 1)")
    return float(value)


def resolve(path: Path | str) -> Path:
    """A model file, or the name of a model shipped with rhetoric (``toxic-cc0``:
    ``rhetoric/data/models/toxic-cc0.json.gz``) when no such file exists."""
    given = Path(path)
    if given.exists() or given.suffix or len(given.parts) != 1:
        return given
    shipped = Path(str(files("rhetoric"))) / "data" / "models" / f"{given.name}.json.gz"
    return shipped if shipped.is_file() else given


@hookimpl
def rhetoric_register_detectors(
    register: Callable[[ScorerDetector], None], config: AnalyzerConfig
) -> None:
    paths = config.models
    if not paths:
        return  # no model, no detector: nothing to pay per comment
    register(ScorerDetector([load_model(resolve(p)) for p in paths], _threshold(config)))
