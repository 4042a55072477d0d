"""Readability metrics for comments, computed with textstat, strictly offline.

Why this module exists rather than calling textstat directly:

* **No downloads, ever.** textstat (0.7.11+) counts English syllables with NLTK's
  ``cmudict`` corpus and calls ``nltk.download("cmudict")`` when
  ``nltk.data.find("corpora/cmudict")`` fails. On an offline server that download fails or
  hangs. rhetoric therefore ships a syllable-count-preserving reduction of the CMU
  Pronouncing Dictionary in ``rhetoric/data/nltk_data`` (see ``rhetoric/data/README.md``)
  and :func:`ensure_offline_data` appends that folder to ``nltk.data.path`` -- appends, so a
  full ``cmudict`` the user installed is still found first. It then checks that NLTK can
  find the corpus and raises :class:`OfflineDataError` instead of letting textstat reach
  for the network if it cannot.
* **Lazy import.** ``import textstat`` imports NLTK: 0.2-0.3 s with warm bytecode caches,
  over a second on a first run, and loading the dictionary adds about half a second and
  ~60 MB. A command-line run that never asks for metrics should pay none of it, so nothing
  heavy is imported until :func:`compute_readability` is first called.
* **Thread safety and isolated state.** textstat keeps its language on an object; the
  module-level ``textstat.textstat`` object is shared with any other code in the process
  (which may call ``set_lang("de")``). We build one private ``textstatistics`` object, set
  it to ``en_US`` once, under a lock, and load the dictionary there too, so concurrent
  first calls neither race NLTK's lazy corpus loader nor load the corpus twice. After that
  every call only reads shared state (textstat's own caches are thread-safe
  ``functools.lru_cache`` objects).
* **Predictable output for short text.** Comments are often a few words, so empty or
  word-less text returns ``{}`` rather than formulas' artefacts, and floats are rounded.
* **A small default set.** :data:`DEFAULT_METRICS` is Flesch reading ease, Flesch-Kincaid
  grade, and the word and sentence counts: the two scores that stay meaningful for a
  single sentence, plus the counts that say how much to trust them.

Side effect worth knowing: after :func:`ensure_offline_data`, code in the same process
that uses ``nltk.corpus.cmudict`` without having its own copy installed gets the reduced
corpus, whose phones are synthetic ``A0`` placeholders (correct syllable counts, no
pronunciations).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textstat.textstat import textstatistics

__all__ = [
    "AVAILABLE_METRICS",
    "DEFAULT_METRICS",
    "NLTK_DATA_DIR",
    "OfflineDataError",
    "compute_readability",
    "ensure_offline_data",
]

#: Folder in NLTK's data layout holding the shipped ``corpora/cmudict.zip``.
NLTK_DATA_DIR: Path = Path(__file__).resolve().parents[1] / "data" / "nltk_data"

_Metric = Callable[["textstatistics", str], float]

# The metrics worth reporting for user comments, mapped to how textstat computes them.
# Left out on purpose: language-specific formulas (Spanish, German, Italian, Arabic),
# text_standard (a string/consensus of the others), linsear_write and spache (meant for
# longer passages or children's texts).
_METRICS: dict[str, _Metric] = {
    # Scores. Flesch and Flesch-Kincaid use words, sentences and syllables only.
    "flesch_reading_ease": lambda ts, text: ts.flesch_reading_ease(text),
    "flesch_kincaid_grade": lambda ts, text: ts.flesch_kincaid_grade(text),
    # Calibrated on 30-sentence samples: only a rough extrapolation for a short comment.
    "smog_index": lambda ts, text: ts.smog_index(text),
    "coleman_liau_index": lambda ts, text: ts.coleman_liau_index(text),
    "automated_readability_index": lambda ts, text: ts.automated_readability_index(text),
    "dale_chall_readability_score": lambda ts, text: ts.dale_chall_readability_score(text),
    "gunning_fog": lambda ts, text: ts.gunning_fog(text),
    # Counts and averages.
    "lexicon_count": lambda ts, text: ts.lexicon_count(text),
    "sentence_count": lambda ts, text: ts.sentence_count(text),
    "syllable_count": lambda ts, text: ts.syllable_count(text),
    "char_count": lambda ts, text: ts.char_count(text),
    "difficult_words": lambda ts, text: ts.difficult_words(text),
    # textstat deprecated avg_sentence_length as a duplicate of words_per_sentence; the
    # familiar name is kept here and computed without the DeprecationWarning.
    "avg_sentence_length": lambda ts, text: ts.words_per_sentence(text),
    "avg_syllables_per_word": lambda ts, text: ts.avg_syllables_per_word(text),
    # Seconds, at textstat's default 14.69 ms per character (Demberg & Keller, 2008).
    "reading_time": lambda ts, text: ts.reading_time(text),
}

# Returned as int; every other metric is a float rounded to _FLOAT_DIGITS decimals.
_COUNTS = frozenset(
    {"lexicon_count", "sentence_count", "syllable_count", "char_count", "difficult_words"}
)

#: Every metric name :func:`compute_readability` accepts.
AVAILABLE_METRICS: tuple[str, ...] = tuple(_METRICS)

#: The metrics computed when none are named (the module docstring has the short version).
#: Flesch reading ease (roughly 0-100, higher is easier; very short words push it past 100)
#: is the best-known score and Flesch-Kincaid grade states the same evidence as a US school
#: grade; both need only words, sentences and syllables, so they stay meaningful for a
#: one-sentence comment, unlike SMOG (calibrated on 30-sentence samples) or Dale-Chall
#: (which counts every name and word missing from its list as difficult).
#: The word and sentence counts come along because they say how far to trust the scores:
#: Flesch on a five-word comment is noise. All four share textstat's cached counts, so the
#: set costs little more than one score.
DEFAULT_METRICS: tuple[str, ...] = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "lexicon_count",
    "sentence_count",
)

# Scores are formula outputs whose third decimal is noise; two keep reports stable.
_FLOAT_DIGITS = 2

# textstat 0.7.10 calls nltk.download("cmudict") unconditionally on first use, shipped
# data or not; 0.7.11+ only downloads when nltk.data.find() fails.
_DOWNLOADING_TEXTSTAT_VERSIONS = frozenset({"0.7.10"})

# Reentrant: _get_counter() holds it while calling ensure_offline_data().
_lock = threading.RLock()
_counter: textstatistics | None = None


class OfflineDataError(RuntimeError):
    """The readability data cannot be used without a network access, so none is made."""


def ensure_offline_data() -> str:
    """Point NLTK at the shipped pronunciation data; return where ``cmudict`` resolves.

    Appends :data:`NLTK_DATA_DIR` to ``nltk.data.path`` unless it is already there, then
    asks NLTK for ``corpora/cmudict`` exactly as textstat does. The returned location is
    the user's own corpus when one is installed (it is earlier on the path), else ours.
    Idempotent and thread-safe; called lazily by :func:`compute_readability`.

    Raises:
        OfflineDataError: NLTK cannot find the corpus even with the shipped copy (deleted,
            or refused by NLTK's checks, e.g. a group-writable or foreign-owned folder).
            Raising here is the point: textstat would answer a missing corpus by
            downloading it.
    """
    with _lock:
        import nltk  # deferred: importing NLTK is the expensive part of textstat's import

        data_dir = str(NLTK_DATA_DIR)
        if data_dir not in nltk.data.path:
            nltk.data.path.append(data_dir)
        try:
            return str(nltk.data.find("corpora/cmudict"))
        except LookupError as error:
            raise OfflineDataError(
                f"NLTK cannot find corpora/cmudict, not even the copy shipped in {data_dir} "
                "(missing, or refused by NLTK because that folder or file is writable by or "
                "owned by another account); not letting textstat download it"
            ) from error


def _get_counter() -> textstatistics:
    """The private, fully loaded textstat object, created once under the lock."""
    global _counter
    counter = _counter
    if counter is not None:
        return counter
    with _lock:
        if _counter is None:
            from importlib import metadata

            try:
                version = metadata.version("textstat")
            except metadata.PackageNotFoundError:  # vendored copy: nothing to go by
                version = ""
            if version in _DOWNLOADING_TEXTSTAT_VERSIONS:
                raise OfflineDataError(
                    f"textstat {version} downloads cmudict on first use whatever data is "
                    "installed; use textstat>=0.7.11"
                )
            ensure_offline_data()
            from textstat.textstat import textstatistics

            fresh = textstatistics()
            fresh.set_lang("en_US")
            # Load the dictionary now, while holding the lock: textstat caches it per
            # language, and NLTK's lazy corpus loader is not safe to race.
            fresh.syllable_count("readability")
            _counter = fresh
        return _counter


def _tidy(name: str, value: float) -> float | int:
    """Counts as int; everything else as a rounded float (-0.0 becomes 0.0), whatever
    numeric type textstat happened to return on the path it took."""
    if name in _COUNTS:
        return int(value)
    return round(float(value), _FLOAT_DIGITS) + 0.0


def compute_readability(
    text: str, metrics: Sequence[str] = DEFAULT_METRICS
) -> dict[str, float | int]:
    """Compute readability metrics for one comment, without any network access.

    Args:
        text: The comment.
        metrics: Names from :data:`AVAILABLE_METRICS`, in the order wanted; repeated
            names are computed once.

    Returns:
        ``{name: value}`` in the order asked: counts as ``int``, scores and averages as
        ``float`` rounded to two decimals. ``{}`` when the text has no word (nothing but
        whitespace, punctuation, symbols or emoji), where every formula would only divide
        by zero or describe punctuation.

    Raises:
        ValueError: A name is not in :data:`AVAILABLE_METRICS` (checked first, so even for
            empty text).
        TypeError: ``metrics`` is a single string rather than a sequence of names.
        OfflineDataError: The pronunciation data cannot be loaded offline.
    """
    if isinstance(metrics, str):
        raise TypeError(f"metrics must be a sequence of metric names, not the string {metrics!r}")
    names = tuple(dict.fromkeys(metrics))
    unknown = [name for name in names if name not in _METRICS]
    if unknown:
        raise ValueError(
            f"unknown readability metric(s) {', '.join(map(repr, unknown))}; "
            f"available: {', '.join(AVAILABLE_METRICS)}"
        )
    # A word needs a letter or digit. Checked before textstat is imported, so blank and
    # emoji-only comments cost nothing.
    if not names or not any(char.isalnum() for char in text):
        return {}
    counter = _get_counter()
    if counter.lexicon_count(text) == 0:
        return {}
    return {name: _tidy(name, _METRICS[name](counter, text)) for name in names}
