"""Stylistic signals that make other findings more or less likely to be meant: shouting
in capitals, runs of exclamation marks, very hard-to-read text full of loaded language,
and joke markers ("lol", "/s").

None of them is a technique on its own (plenty of people type in capitals or love "!!"),
so this plugin never reports anything: it raises or lowers the confidence of the hits
other detectors found, through ``rhetoric_adjust_report``, and recomputes the scores.
It declares ``only_when(hits=1)``: the analyzer never calls it on a comment without
findings (most comments), so it costs nothing there.

- ``shouting``: the hit itself is in capitals ("TRAITORS"), in a comment that is not in
  capitals throughout (meme text often is, and then capitals carry no emphasis);
- ``exclamations``: "!!", "?!" or "!?" in the hit's sentence;
- ``hard to read``: with readability metrics on (``--readability``), a Flesch reading ease
  below 30 (very difficult) on a comment with loaded language raises the loaded-language
  hits: dense, charged prose is a mark of a rant rather than an argument;
- ``joking`` (lowers): "lol", "lmao", "haha", "jk", "/s" or a laughing emoji in the
  sentence of an ``info`` hit (a charged word, a slogan), which signal irony rather than
  the writer's own charge; insults and slurs are never excused by a joke marker.

Each adjusted hit says why in ``evidence["style"]``. Severity never changes, so an
``info`` hit stays one. Scores and verdict are recomputed from the new confidences with
the analyzer's own thresholds (``rhetoric.rescored``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property

import regex

from rhetoric import (
    AnalyzerConfig,
    Document,
    Hit,
    Report,
    Severity,
    hookimpl,
    only_when,
    replace_hit,
    rescored,
)

RAISE = {"shouting": 0.25, "exclamations": 0.15, "hard to read": 0.15}
LOWER = {"joking": 0.7}  # confidence multiplied by this
CAP = 0.95  # style is circumstantial: it never makes a hit certain
HARD_TO_READ = 30.0  # Flesch reading ease: below 30 is "very difficult" (college graduate)
MIN_SHOUTED_LETTERS = 3
ALL_CAPS_SHARE = 0.9  # a comment this much in capitals is written that way throughout

_EXCLAIM = re.compile(r"!{2,}|\?!|!\?")
_SHOUT = regex.compile(rf"\p{{Lu}}{{{MIN_SHOUTED_LETTERS}}}")
_JOKE = re.compile(
    r"(?:\b(?:lol|lolol|lmao|lmfao|rofl|haha(?:ha)*|hehe|jk|j/k)\b|(?<!\w)/s\b|[\U0001f602\U0001f923])",
    re.IGNORECASE,
)
# Substrings of which one occurs wherever _JOKE matches: a cheap test first.
_JOKE_HINTS = ("lol", "lmao", "lmfao", "rofl", "haha", "hehe", "jk", "j/k", "/s", "\U0001f602",
               "\U0001f923")  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?\n]")
_REACH = 300  # characters looked at around a hit for its sentence


def _sentence(text: str, start: int, end: int) -> str:
    """The hit's sentence (at most ``_REACH`` characters on each side), its closing
    marks included, so that "!!!" right after the hit counts."""
    floor = max(0, start - _REACH)
    begin = max((text.rfind(mark, floor, start) for mark in ".!?\n"), default=-1) + 1
    after = _SENTENCE_END.search(text, end, min(len(text), end + _REACH))
    finish = after.start() if after else min(len(text), end + _REACH)
    while finish < len(text) and text[finish] in "!?.":
        finish += 1
    return text[max(begin, floor) : finish]


def _capitals_share(text: str) -> float:
    letters = sum(map(str.isalpha, text))
    return sum(map(str.isupper, text)) / letters if letters else 0.0


class _Text:
    """What one comment offers as signals. The cheap ones are looked for at once; the
    whole-text searches (capitals, joke markers) only when a hit could use them, so a
    comment whose hits are in lower case, none of them ``info``, runs neither."""

    def __init__(self, text: str, readability: Mapping[str, float | int]) -> None:
        self.text = text
        self.exclaims = "!!" in text or "?!" in text or "!?" in text
        ease = readability.get("flesch_reading_ease")
        self.hard = ease is not None and ease < HARD_TO_READ

    @cached_property
    def shouts(self) -> bool:
        text = self.text
        return _SHOUT.search(text) is not None and _capitals_share(text) < ALL_CAPS_SHARE

    @cached_property
    def jokes(self) -> bool:
        lowered = self.text.lower()
        return any(m in lowered for m in _JOKE_HINTS) and _JOKE.search(self.text) is not None


def _in_capitals(text: str) -> bool:
    """Whether ``text`` has at least ``MIN_SHOUTED_LETTERS`` letters, all capitals."""
    # Not isupper(): a cased letter in lower case (most hits, "Idiot" too) or no cased
    # letter at all; either way a letter is not a capital (the exact test below).
    if not text.isupper():
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= MIN_SHOUTED_LETTERS and all(c.isupper() for c in letters)


def signals(hit: Hit, comment: _Text) -> list[str]:
    """The stylistic signals around one hit (names of ``RAISE`` and ``LOWER``)."""
    found: list[str] = []
    if _in_capitals(hit.text) and comment.shouts:
        found.append("shouting")
    jokes = hit.severity == Severity.INFO and comment.jokes
    if comment.exclaims or jokes:
        sentence = _sentence(comment.text, hit.start, hit.end)
        if comment.exclaims and _EXCLAIM.search(sentence):
            found.append("exclamations")
        if jokes and _JOKE.search(sentence):
            found.append("joking")  # a charged word in jest; an insult or a slur stays one
    if comment.hard and hit.technique == "loaded-language":
        found.append("hard to read")
    return found


def adjusted_confidence(confidence: float, found: Iterable[str]) -> float:
    """Raises combine like independent evidence (noisy-OR with the hit's own
    confidence), capped at ``CAP``; lowering multiplies."""
    remaining = 1.0 - confidence
    lowered = 1.0
    for name in found:
        if name in RAISE:
            remaining *= 1.0 - RAISE[name]
        else:
            lowered *= LOWER[name]
    raised = 1.0 - remaining
    value = max(confidence, min(raised, CAP)) if raised > confidence else confidence
    return round(value * lowered, 4)


@hookimpl
@only_when(hits=1)  # style only moves hits: a clean report is never looked at
def rhetoric_adjust_report(report: Report, doc: Document, config: AnalyzerConfig) -> Report | None:
    if not report.hits:  # (reached with fast paths off)
        return None
    comment = _Text(doc.text, report.readability)
    changed = False
    hits: list[Hit] = []
    for hit in report.hits:
        if hit.technique not in report.scores:  # a host's unscored notice: leave it
            hits.append(hit)
            continue
        found = signals(hit, comment)
        confidence = adjusted_confidence(hit.confidence, found) if found else hit.confidence
        if confidence == hit.confidence:
            hits.append(hit)
            continue
        changed = True
        evidence = {**hit.evidence, "style": found, "confidence_before_style": hit.confidence}
        hits.append(replace_hit(hit, confidence=confidence, evidence=evidence))
    if not changed:
        return None
    return rescored(report, hits, config.thresholds)
