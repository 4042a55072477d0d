"""Anchor words: for every rule, words of which at least one must occur for it to fire.

Most comments hold none of the rules' rarer words, and a comment without any
anchor (and without obfuscated spellings, see :mod:`rhetoric.text.plain`) cannot
produce a hit, so the engine skips it without preparing tokens. The anchors of a
phrase are its longest word; a template or co-occurrence rule needs one of several
elements, so it is anchored on the element whose words look rarest (fewest short
or everyday words), since every one of those elements must occur anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

# Everyday English words: an element made of these would make almost every comment a
# candidate, so another element of the same rule is preferred as its anchor.
# fmt: off
COMMON: Final = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "almost", "also", "always",
    "am", "among", "an", "and", "another", "any", "anyone", "anything", "are", "around",
    "as", "at", "away", "back", "be", "because", "been", "before", "being", "below", "best",
    "better", "between", "big", "both", "but", "by", "call", "called", "came", "can",
    "can't", "come", "could", "day", "did", "didn't", "do", "does", "doesn't", "doing",
    "don't", "down", "each", "even", "ever", "every", "few", "find", "first", "for", "from",
    "get", "gets", "getting", "give", "go", "going", "gone", "good", "got", "great", "had",
    "has", "have", "having", "he", "he's", "her", "here", "him", "himself", "his", "how",
    "i", "i'm", "if", "in", "into", "is", "isn't", "it", "it's", "its", "just", "keep",
    "know", "last", "left", "let", "like", "little", "long", "look", "made", "make", "man",
    "many", "may", "me", "might", "more", "most", "much", "must", "my", "need", "never",
    "new", "no", "not", "nothing", "now", "of", "off", "old", "on", "once", "one", "only",
    "or", "other", "others", "our", "out", "over", "own", "part", "people", "put", "really",
    "right", "said", "same", "say", "see", "she", "should", "since", "so", "some",
    "something", "still", "such", "take", "than", "that", "that's", "the", "their", "them",
    "then", "there", "these", "they", "they're", "thing", "things", "think", "this",
    "those", "though", "through", "time", "to", "too", "two", "under", "up", "upon", "us",
    "use", "used", "very", "want", "was", "way", "we", "we're", "well", "were", "what",
    "when", "where", "which", "while", "who", "whole", "why", "will", "with", "without",
    "won't", "work", "world", "would", "year", "years", "yes", "yet", "you", "you're",
    "your"
))
# fmt: on


def phrase_anchor(words: Sequence[str]) -> str:
    """The word a phrase is looked for by: its longest uncommon word (the first of
    equals), or its longest word when all are common."""
    return max(words, key=lambda word: (word not in COMMON, len(word)))


def _commonness(words: frozenset[str]) -> tuple[int, int, int]:
    """How likely a comment is to hold one of ``words``: everyday words first, then
    short words, then the number of words."""
    everyday = sum(1 for word in words if word in COMMON)
    short = sum(1 for word in words if len(word) <= 3)
    return everyday, short, len(words)


def rarest(options: Iterable[frozenset[str]]) -> frozenset[str]:
    """The option (a set of words of which one must occur) least likely to occur."""
    return min(options, key=_commonness, default=frozenset())


def union_of_rarest(options: Sequence[frozenset[str]], needed: int) -> frozenset[str]:
    """Anchors when at least ``needed`` of ``options`` must occur: then one of the
    ``len(options) - needed + 1`` rarest must, whichever the others are."""
    keep = len(options) - max(needed, 1) + 1
    if keep <= 0:
        return frozenset()
    chosen = sorted(options, key=_commonness)[:keep]
    return frozenset().union(*chosen)
