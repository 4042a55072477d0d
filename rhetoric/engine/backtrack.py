"""How long a regex call can take, so the calls that cannot take long skip the timeout.

Every rule regex runs with ``timeout=`` so that no pattern can hang the process. A
timed call of the ``regex`` module reads a CPU clock twice, and that clock is a real
system call: several µs each under load, about eight per comment, invisible to
instruction counts. This module bounds, from a pattern's syntax tree, the work one
call can do on a subject of ``n`` chars; a call whose bound is within :data:`BUDGET`
runs untimed (:class:`Limits`). Patterns it cannot read, or whose bound grows
exponentially with ``n``, always keep the timeout: whatever a third-party rule file
holds, a catastrophic pattern still times out with its error.

The bound. A backtracking matcher's work is at most its viable paths times the items
a path visits:

- A path makes one choice at each alternation (a branch) and each repeat (a count);
  chars, classes and assertions match in one way. Paths of a sequence multiply, of an
  alternation add; ``X{a,b}`` with ``w`` paths for ``X`` has at most
  ``(b - a + 1) * w ** b``. ``X*`` or ``X+`` (no upper bound) has at most ``n + 1``
  counts when ``X`` matches at least one char in one way only (``(?:ab)+``); otherwise
  (``(a+)+``, ``(a|ab)*``, ``(x?)*``) the paths grow exponentially and the pattern stays
  timed. A lookaround is a match of its own each time it is reached: its paths
  multiply. So the paths are at most ``factor * (n + 1) ** degree`` (:class:`Paths`).
- A repeat of one char class (``\\s+``, ``[^.]{0,80}``, ``\\w*``) followed by something
  whose first char cannot be in that class (``\\s+want``, ``\\w+\\s``), or by nothing
  (the end of the pattern or of a lookaround: the first count tried completes it),
  has one viable count: any other leaves a char of the class where the next item
  needs another char, and that try fails at once. It counts as one path.
- A path visits at most ``(n + 1) * size`` items (``size``: the pattern's source
  length, more than its items): between two chars consumed, each item is visited
  once at most, since a repeat stops at an iteration that consumed nothing. The tries
  that fail at once (other counts of such a repeat, the other branches of a factored
  alternation) fit in the same slack.
- A search tries every start: one more factor ``n + 1``.

The tree is the standard library parser's, which does to alternations what the
``regex`` module's compiler does (moves a common prefix out, turns branches of single
chars into one class), so both count the same choices. Flags and syntax the stdlib
parser may misread, backreferences and conditionals keep the timeout.
"""

from __future__ import annotations

import re
import re._constants as constants
import re._parser as parser
from typing import Any, NamedTuple

import regex

from . import syntax

# The most item visits a call may make untimed. Calls whose bound was near it took
# about 1 ns per counted visit (a 231,000-visit bound: 213 µs), so about 10 ms, a
# 25th of the default timeout (0.25 s); most calls visit a small fraction of their bound.
BUDGET = 10_000_000
# A rule (or configuration) asking for a shorter timeout than this keeps every call
# timed: the budget's 10 ms, slowed down by a loaded machine, could exceed it.
SHORTEST_TIMEOUT = 0.1
_SINGLE = (constants.LITERAL, constants.NOT_LITERAL, constants.ANY, constants.IN)
_REPEATS = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)
_UNLIMITED = 1 << 62


class Chars(NamedTuple):
    """A set of chars, coarsely: the ASCII ones (bit ``c``: char ``c``) and which kinds
    of non-ASCII chars ("space", "word", "other") it may hold."""

    ascii: int
    other: frozenset[str]

    def __or__(self, other: Any) -> Chars:
        return Chars(self.ascii | other.ascii, self.other | other.other)

    def isdisjoint(self, other: Chars) -> bool:
        return not self.ascii & other.ascii and self.other.isdisjoint(other.other)


_KINDS = frozenset(("space", "word", "other"))
_WORD = frozenset(("word",))
NOTHING = Chars(0, frozenset())
ANYTHING = Chars((1 << 128) - 1, _KINDS)
_ASCII = [chr(c) for c in range(128)]
_CATEGORIES = {
    constants.CATEGORY_DIGIT: (lambda c: c.isdigit(), {"word"}),
    constants.CATEGORY_NOT_DIGIT: (lambda c: not c.isdigit(), _KINDS),
    constants.CATEGORY_SPACE: (lambda c: c in " \t\n\r\f\v\x1c\x1d\x1e\x1f", {"space"}),
    constants.CATEGORY_NOT_SPACE: (lambda c: c not in " \t\n\r\f\v", _KINDS),
    constants.CATEGORY_WORD: (lambda c: c.isalnum() or c == "_", {"word"}),
    constants.CATEGORY_NOT_WORD: (lambda c: not (c.isalnum() or c == "_"), _KINDS),
}


def _chars(op: Any, av: Any) -> Chars:
    """The chars one single-char item can match (a superset)."""
    if op is constants.LITERAL:
        return _literal(av)
    if op is constants.IN:
        found = NOTHING
        for kind, value in av:
            if kind is constants.NEGATE:
                return ANYTHING
            if kind is constants.LITERAL:
                found |= _literal(value)
            elif kind is constants.RANGE:
                low, high = value
                for code in range(low, high + 1) if high - low < 512 else ():
                    found |= _literal(code)
                if high - low >= 512:
                    return ANYTHING
            elif kind is constants.CATEGORY and value in _CATEGORIES:
                test, kinds = _CATEGORIES[value]
                bits = sum(1 << c for c in range(128) if test(_ASCII[c]))
                found |= Chars(bits, frozenset(kinds))
            else:
                return ANYTHING
        return found
    return ANYTHING  # NOT_LITERAL, ANY


def _literal(code: int) -> Chars:
    """A char, and its other cases whatever the flags (scoped flags can turn case
    folding on inside a group): a letter also matches its other ASCII case, and "i",
    "k" and "s" a few non-ASCII letters (dotted and dotless I, the Kelvin sign, the
    long s: the only other letters that case folding ties to ASCII ones)."""
    if code >= 128:
        return Chars(0, _KINDS)
    char = _ASCII[code]
    if char.isalpha():
        both = 1 << code | 1 << ord(char.swapcase())
        return Chars(both, _WORD if char in "iksIKS" else frozenset())
    return Chars(1 << code, frozenset())


def _first(items: Any, at: int, follow: Follow) -> Follow:
    """The chars that can be the first one ``items[at:]`` consumes (``follow``: those
    of what comes after them), and how many items a try visits up to that char. A
    lookaround on the way gives :data:`ANYTHING` (its work is not counted here)."""
    if at >= len(items):
        return follow
    op, av = items[at]
    if op is constants.AT:
        chars, visits = _first(items, at + 1, follow)
        return Follow(chars, visits + 1)
    if op in _SINGLE:
        return Follow(_chars(op, av), 1)
    if op in (constants.ASSERT, constants.ASSERT_NOT):
        return Follow(ANYTHING, 1)
    rest = _first(items, at + 1, follow)
    if op is constants.SUBPATTERN:
        chars, visits = _first(av[-1], 0, rest)
    elif op is constants.ATOMIC_GROUP:
        chars, visits = _first(av, 0, rest)
    elif op is constants.BRANCH:
        chars, visits = NOTHING, 0
        for branch in av[1]:
            found = _first(branch, 0, rest)
            chars, visits = chars | found.chars, visits + found.visits
    elif op in _REPEATS:
        chars, visits = _first(av[2], 0, rest)
        if av[0] == 0:
            chars, visits = chars | rest.chars, visits + rest.visits
    else:
        return Follow(ANYTHING, 1)
    return Follow(chars, visits + 1)


class Follow(NamedTuple):
    """What comes after a part of a pattern: the chars it can start with, and the items
    a try of it visits up to the first of them (the end: nothing, no visit)."""

    chars: Chars
    visits: int


# The end of the pattern (or of a lookaround): no char, but a part that can reach it
# without consuming one goes on whatever the char is ("end" is no kind of char, so
# every char class is disjoint from it).
END = Follow(Chars(0, frozenset(("end",))), 0)


class Poly:
    """A polynomial in ``n + 1`` (``n``: the subject's length) with coefficients of
    0 or more, lowest degree first: an upper bound that grows with the subject."""

    __slots__ = ("terms",)

    def __init__(self, *terms: int) -> None:
        while terms and not terms[-1]:
            terms = terms[:-1]
        self.terms = terms

    def __add__(self, other: Poly) -> Poly:
        a, b = self.terms, other.terms
        if not b:
            return self
        if not a:
            return other
        size = max(len(a), len(b))
        return Poly(
            *((a[k] if k < len(a) else 0) + (b[k] if k < len(b) else 0) for k in range(size))
        )

    def __mul__(self, other: Poly) -> Poly:
        if other.terms == (1,):  # a Poly never changes: the same one serves
            return self
        if self.terms == (1,):
            return other
        found = [0] * max(len(self.terms) + len(other.terms) - 1, 0)
        for i, x in enumerate(self.terms):
            for k, y in enumerate(other.terms):
                found[i + k] += x * y
        return Poly(*found)

    def __pow__(self, power: int) -> Poly:
        found = ONE
        for _ in range(power):
            found = found * self
        return found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Poly) and self.terms == other.terms

    __hash__ = None  # type: ignore[assignment]

    def at(self, size: int) -> int:
        """The bound on a subject of ``size`` chars."""
        return sum(c * (size + 1) ** k for k, c in enumerate(self.terms))

    def most(self, other: Poly) -> Poly:
        """A bound of both (each coefficient the larger)."""
        a, b = self.terms, other.terms
        size = max(len(a), len(b))
        return Poly(
            *(max(a[k] if k < len(a) else 0, b[k] if k < len(b) else 0) for k in range(size))
        )


ZERO = Poly()
ONE = Poly(1)
_N = Poly(0, 1)  # n + 1: the counts of an unbounded repeat, the starts of a search


class Cost(NamedTuple):
    """``paths``: the ways a match can leave a part of a pattern (the tries of what
    follows it); ``work``: the items visited inside it, for one arrival."""

    paths: Poly
    work: Poly


def cost(items: Any, follow: Follow = END) -> Cost | None:
    """The :class:`Cost` of a sequence of the parser's items followed by something
    starting with ``follow`` (:data:`END`: the end of the pattern or of a
    lookaround); None when it may grow exponentially with the subject, or the tree
    holds something not counted. Each arrival at an item is one visit; the paths out
    of the items so far arrive at the next one."""
    paths, work = ONE, ZERO
    for at, (op, av) in enumerate(items):
        found: Cost | None
        if op in _SINGLE or op is constants.AT:
            found = Cost(ONE, ONE)
        elif op in (constants.ASSERT, constants.ASSERT_NOT):
            inner = cost(av[1])
            found = None if inner is None else Cost(ONE, inner.work + ONE)  # atomic
        elif op is constants.ATOMIC_GROUP:
            inner = cost(av)
            found = None if inner is None else Cost(ONE, inner.work + ONE)
        elif op is constants.SUBPATTERN:
            inner = cost(av[-1], _first(items, at + 1, follow))
            found = None if inner is None else Cost(inner.paths, inner.work + ONE)
        elif op is constants.BRANCH:
            found = _branch(av[1], _first(items, at + 1, follow))
        elif op in _REPEATS:
            found = _repeat(items, av, _first(items, at + 1, follow))
        else:  # backreferences, conditionals, anything else
            return None
        if found is None:
            return None
        work = work + paths * found.work
        paths = paths * found.paths
    return Cost(paths, work)


def _branch(branches: Any, rest: Follow) -> Cost | None:
    """An alternation's cost. At a place whose char is ``c``, only the branches whose
    first char can be ``c`` go past it; the others fail at that char (``visits``). So
    the paths out are the most, over all chars, of the paths of the branches that can
    start with it: a list of words (``love|protect|defend|...``) adds up only the words
    sharing a first letter, not all of them. A branch that can reach the end of the
    pattern without a char goes on at every place."""
    costs = []
    firsts = []
    visits = 1
    for branch in branches:
        found = cost(branch, rest)
        if found is None:
            return None
        first = _first(branch, 0, rest)
        costs.append(found)
        firsts.append(first.chars)
        visits += first.visits
    # The sums per probe, built branch by branch over the probes each can start with
    # (a list of words touches two probes a word, not all of them).
    every_paths, every_work = ZERO, ZERO  # branches that go on at every place
    by_probe: dict[int | str, tuple[Poly, Poly]] = {}
    for found, chars in zip(costs, firsts, strict=True):
        if "end" in chars.other:
            every_paths, every_work = every_paths + found.paths, every_work + found.work
            continue
        for probe in _probes_of(chars):
            was_paths, was_work = by_probe.get(probe, (ZERO, ZERO))
            by_probe[probe] = (was_paths + found.paths, was_work + found.work)
    paths, work = every_paths, every_work
    for probe_paths, probe_work in by_probe.values():
        paths = paths.most(every_paths + probe_paths)
        work = work.most(every_work + probe_work)
    return Cost(paths, work + Poly(visits))


def _probes_of(chars: Chars) -> list[int | str]:
    """The single chars and kinds of other chars (every char is one of them) that
    ``chars`` may hold: its ASCII codes and its kinds."""
    found: list[int | str] = []
    bits = chars.ascii
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    found.extend(kind for kind in chars.other if kind in _KINDS)
    return found


def _repeat(items: Any, av: Any, rest: Follow) -> Cost | None:
    """A repeat's cost. A repeat of one char class visits one item per count tried;
    with a following char outside the class, one count goes on and each other fails
    at once (at that char, after the assertions before it: ``rest.visits`` visits).
    Otherwise ``X{a,b}`` with ``p`` paths through ``X`` has ``p ** k`` ways to do ``k``
    iterations, for each ``k`` from ``a`` to ``b``; ``X*`` or ``X+`` is counted only
    when ``X`` matches at least one char in one way (at most ``n + 1`` iterations)."""
    low, high, body = av
    bounded = high != constants.MAXREPEAT
    counts = Poly(high - low + 1) if bounded else _N
    if len(body) == 1 and body[0][0] in _SINGLE:
        visits = Poly(high + 1) if bounded else _N
        if _chars(*body[0]).isdisjoint(rest.chars):
            return Cost(ONE, visits * Poly(rest.visits + 1))
        return Cost(counts, visits)
    # What follows an iteration: the next one, or what follows the repeat.
    again = _first(body, 0, rest)
    inner = cost(body, Follow(again.chars | rest.chars, again.visits + rest.visits + 1))
    if inner is None:
        return None
    if not bounded:
        fewest = parser.SubPattern(items.state, list(body)).getwidth()[0]
        if inner.paths != ONE or fewest < 1:
            return None  # exponential: (a+)+, (a|ab)*, (x?)*
        return Cost(_N, _N * inner.work)
    if inner.paths == ONE:
        return Cost(counts, Poly(max(high, 1)) * inner.work)
    return Cost(counts * inner.paths**high, Poly(max(high, 1)) * inner.paths**high * inner.work)


class Limits(NamedTuple):
    """The longest subjects on which one call of a pattern stays within
    :data:`BUDGET`: ``match`` for ``match``/``fullmatch`` at one place, ``search`` for
    ``search``/``finditer`` (-1: every call is timed)."""

    match: int
    search: int


ALWAYS_TIMED = Limits(-1, -1)


def limits(pattern: regex.Pattern[str], timeout: float) -> Limits:
    """The subject lengths up to which calls of ``pattern`` can skip ``timeout``."""
    if timeout < SHORTEST_TIMEOUT or pattern.flags & syntax.UNSHAPED:
        return ALWAYS_TIMED
    tree = syntax.parse(pattern.pattern, pattern.flags & regex.IGNORECASE and re.IGNORECASE)
    if tree is None:
        return ALWAYS_TIMED
    found = cost(tree)
    if found is None:
        return ALWAYS_TIMED
    work = found.work
    return Limits(_longest(work), _longest(work * _N))


def _longest(work: Poly) -> int:
    """The largest ``n`` with ``work`` at most :data:`BUDGET` on ``n`` chars (-1: none;
    a very large number when ``work`` does not grow with ``n``)."""
    if work.at(0) > BUDGET:
        return -1
    if len(work.terms) <= 1:
        return _UNLIMITED
    low, high = 0, 1
    while work.at(high) <= BUDGET:
        if high >= _UNLIMITED:
            return _UNLIMITED
        low, high = high, high * 2
    while high - low > 1:  # work.at(low) <= BUDGET < work.at(high)
        middle = (low + high) // 2
        low, high = (middle, high) if work.at(middle) <= BUDGET else (low, middle)
    return low
