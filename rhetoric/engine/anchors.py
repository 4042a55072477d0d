"""Anchor words: for every rule, words of which at least one must occur for it to fire.

Most comments hold none of the rules' rarer words, and a comment without any
anchor (and without obfuscated spellings, see :mod:`rhetoric.text.plain`) cannot
produce a hit, so the engine skips it without preparing tokens. The anchors of a
phrase are its longest word; a template or co-occurrence rule needs one of several
elements, so it is anchored on the element whose words look rarest (fewest short
or everyday words), since every one of those elements must occur anyway.

An anchor alone is often an everyday word ("and" in "{intensifier} and
{intensifier} {adjective}", "all" in "all-out war"), so each anchor carries the
rest of what its rule needs (:class:`Requirement`): a comment is a candidate only
when some anchor occurs *and* its rule's other words do too. That is still a set
test over the comment's words, and it is what lets most comments skip the engine.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .._coreload import core
from ..pickling import pickled_by_constructor

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


def commonness(words: frozenset[str]) -> tuple[int, int, int]:
    """How likely a comment is to hold one of ``words``: everyday words first, then
    short words, then the number of words."""
    everyday = sum(1 for word in words if word in COMMON)
    short = sum(1 for word in words if len(word) <= 3)
    return everyday, short, len(words)


def rarest(options: Iterable[frozenset[str]]) -> frozenset[str]:
    """The option (a set of words of which one must occur) least likely to occur."""
    return min(options, key=commonness, default=frozenset())


def union_of_rarest(options: Sequence[frozenset[str]], needed: int) -> frozenset[str]:
    """Anchors when at least ``needed`` of ``options`` must occur: then one of the
    ``len(options) - needed + 1`` rarest must, whichever the others are."""
    keep = len(options) - max(needed, 1) + 1
    if keep <= 0:
        return frozenset()
    chosen = sorted(options, key=commonness)[:keep]
    return frozenset().union(*chosen)


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Requirement:
    """At least ``needed`` of ``options`` occur, each option being words of which one
    must occur: a necessary condition for one rule (or one phrase) to fire."""

    needed: int
    options: tuple[frozenset[str], ...]

    def met(self, words: frozenset[str] | set[str]) -> bool:
        # Options are few: counting the missing ones in one C-level pass beats a loop
        # that could stop early.
        needed = self.needed
        options = self.options
        return needed <= 0 or len(options) - sum(map(words.isdisjoint, options)) >= needed

    def all_words(self) -> frozenset[str] | None:
        """The words that must all occur, when that is what the requirement says (every
        option one word, all of them needed: a phrase's words); None otherwise."""
        options = self.options
        if self.needed < len(options) or any(len(option) != 1 for option in options):
            return None
        return frozenset().union(*options)


class AnchorIndex:
    """Anchor words with what else their rule needs; answers "can anything fire?".

    Words needing nothing else are kept in one frozenset (one C-level disjointness
    test); the others map to what else they need, checked only when they occur, in the
    cheapest form that says it: a phrase's words as one set (``phrases``: one subset
    test); for a requirement of all its options (a template's elements), the options
    the word is not in, rarest first (``every``: the test stops at the first one
    missing, and most are); the other requirements as they are (``conditional``).
    """

    def __init__(self) -> None:
        self._sufficient: set[str] = set()
        self._conditional: dict[str, set[Requirement]] = {}
        # What may_fire reads, filled in by freeze() once every rule is added.
        self.sufficient: frozenset[str] = frozenset()
        self.conditional: dict[str, tuple[Requirement, ...]] = {}
        self.phrases: dict[str, tuple[frozenset[str], ...]] = {}
        self.every: dict[str, tuple[tuple[frozenset[str], ...], ...]] = {}
        # The same requirements as word ids and int32s, for the core's walk (``table``).
        self.ids: dict[str, int] = {}
        self.table = b""

    def __getstate__(self) -> dict[str, object]:
        """What :meth:`may_fire` reads, without the sets :meth:`add` builds: a cached
        index answers, it is not added to (and the phrases' requirements, some 2,700,
        need not be unpickled at every start)."""
        state = dict(self.__dict__)
        state["_sufficient"] = set()
        state["_conditional"] = {}
        return state

    def add(self, words: Iterable[str], requirement: Requirement | None = None) -> None:
        """Index ``requirement`` under each of ``words``; each word belongs to one of its
        options, so a requirement of one option is met by the word alone."""
        for word in words:
            if requirement is None or requirement.needed <= 1:
                self._sufficient.add(word)
            else:
                self._conditional.setdefault(word, set()).add(requirement)

    def freeze(self) -> None:
        """Make the index ready to answer (call once every rule is added)."""
        self.sufficient = frozenset(self._sufficient)
        self.conditional = {}
        self.phrases = {}
        self.every = {}
        for word, requirements in self._conditional.items():
            if word in self.sufficient:
                continue  # the word alone already suffices
            others = []
            phrases = []
            every = []
            for requirement in requirements:
                words = requirement.all_words()
                if words is not None:
                    phrases.append(words)
                elif requirement.needed >= len(requirement.options):
                    rest = [option for option in requirement.options if word not in option]
                    every.append(tuple(sorted(rest, key=commonness)))
                else:
                    others.append(requirement)
            if others:
                self.conditional[word] = tuple(others)
            if phrases:
                self.phrases[word] = tuple(phrases)
            if every:
                self.every[word] = tuple(every)
        self.ids, self.table = requirement_table(
            self.sufficient, self.phrases, self.every, self.conditional
        )

    def may_fire(self, words: frozenset[str]) -> bool:
        """Whether a comment with these token norms meets any rule's requirement."""
        if core is not None:
            fires = core.anchor_fire(self.ids, self.table, words)
            if fires is not None:
                return fires  # type: ignore[no-any-return]
        return self.python_may_fire(words)

    def python_may_fire(self, words: frozenset[str]) -> bool:
        """``may_fire`` with set operations on the words: the reference of the core's
        walk (``anchor_fire``), and what runs without it."""
        if not self.sufficient.isdisjoint(words):
            return True
        phrases = self.phrases
        for word in phrases.keys() & words:
            if any(map(words.issuperset, phrases[word])):
                return True
        every = self.every
        for word in every.keys() & words:
            for options in every[word]:
                if not any(map(words.isdisjoint, options)):
                    return True
        conditional = self.conditional
        for word in conditional.keys() & words:
            for requirement in conditional[word]:
                if requirement.met(words):
                    return True
        return False


# The first int32 of a requirement table: a table of another byte order (a cache copied
# between machines) does not read as this, and the core then declines it.
TABLE_MAGIC: Final = 0x52480001


def requirement_table(
    sufficient: Iterable[str],
    phrases: Mapping[str, tuple[frozenset[str], ...]],
    every: Mapping[str, tuple[tuple[frozenset[str], ...], ...]],
    conditional: Mapping[str, tuple[Requirement, ...]],
) -> tuple[dict[str, int], bytes]:
    """:class:`AnchorIndex`'s requirements as the core walks them: an id per word, and
    int32s (native order). Why: a comment's ~20 words then cost one dict lookup each
    and the requirements a walk over ints, instead of a set built per kind and a
    Python loop per requirement (10 µs a comment).

    Layout: ``TABLE_MAGIC``, N (the number of ids), N + 1 starts (word ``i``'s
    requirements are the ints from ``starts[i]`` to ``starts[i + 1]``), then the
    requirements, each ``needed, count`` and the positions of its ``count`` options,
    then the options, each ``length`` and that many word ids (shared by the
    requirements that have the same option). Each requirement keeps its options'
    order: the "every" options come rarest first, so the walk stops early.
    """
    ids: dict[str, int] = {}
    by_word: dict[int, list[tuple[int, tuple[frozenset[str], ...]]]] = {}

    def add(word: str, needed: int, options: tuple[frozenset[str], ...]) -> None:
        by_word.setdefault(ids.setdefault(word, len(ids)), []).append((needed, options))
        for option in options:
            for other in sorted(option):
                ids.setdefault(other, len(ids))

    for word in sorted(sufficient):
        add(word, 0, ())
    for word, sets in phrases.items():
        for words in sets:
            add(word, len(words), tuple(frozenset((w,)) for w in sorted(words)))
    for word, lists in every.items():
        for options in lists:
            add(word, len(options), options)
    for word, requirements in conditional.items():
        for requirement in requirements:
            add(word, requirement.needed, requirement.options)
    count = len(ids)
    starts: list[int] = []  # relative to the requirements' region
    entries: list[tuple[int, list[int]]] = []  # needed, options' places in ``options``
    pool: dict[frozenset[str], int] = {}  # option -> its place in ``options``
    options: list[int] = []
    size = 0
    for word_id in range(count):
        starts.append(size)
        for needed, wanted in by_word.get(word_id, ()):
            places = []
            for option in wanted:
                if option not in pool:
                    pool[option] = len(options)
                    options.append(len(option))
                    options.extend(sorted(ids[w] for w in option))
                places.append(pool[option])
            entries.append((needed, places))
            size += 2 + len(places)
    starts.append(size)
    table = array("i", (TABLE_MAGIC, count))
    if table.itemsize != 4:  # pragma: no cover - a C int has 32 bits where CPython runs
        return ids, b""
    first = 2 + count + 1  # where the requirements begin; the options follow them
    table.extend(first + start for start in starts)
    for needed, places in entries:
        table.extend((needed, len(places)))
        table.extend(first + size + place for place in places)
    table.extend(options)
    return ids, table.tobytes()
