"""Find strings a regex cannot match without, so most texts skip the regex.

A ``pattern`` rule runs only on comments containing one of its required
literals (a substring test costs nanoseconds; a regex scan microseconds). The
literals are read from the pattern's syntax tree (the standard library's
parser understands the common subset of ``regex`` syntax); when the pattern
cannot be analysed, or some alternative has no literal, the rule always runs.
On ASCII text a rule also needs every group of literals of one of its top-level
alternatives (:func:`required_groups`): "if ... will ... die" is not tried on a
comment holding only "die".

A rule that runs is tried only where a match can start (:func:`anchored_literals`,
:class:`MatchStarts`): near the occurrences of literals every match holds, and there
only with the alternatives whose literals are near (:func:`alternative_sources`). A
big alternation's scan costs about 1 µs per char of the comment; a try at one place of
one alternative a fraction of that.
"""

from __future__ import annotations

import itertools
import re
import re._constants as constants
import re._parser as parser
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import regex

from .._coreload import core
from . import syntax

try:  # one pass for many literals; without it, one substring search per literal
    import ahocorasick
except ImportError:  # pragma: no cover - a dependency, absent only with --no-deps
    ahocorasick = None

MIN_LENGTH = 3
# What the parser leaves around a top-level alternation: assertions and shared chars.
_AROUND = (constants.AT, constants.ASSERT, constants.ASSERT_NOT, constants.LITERAL)


def _parse(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
    """The pattern's syntax tree as a list of items (see :func:`.syntax.parse`)."""
    tree = syntax.parse(pattern, flags)
    return None if tree is None else list(tree)


def required_literals(
    pattern: str, flags: int = 0, min_length: int = MIN_LENGTH
) -> tuple[str, ...] | None:
    """Strings of which at least one occurs in every match, or None if unknown (or
    when one of them is shorter than ``min_length``: too common to be worth a test)."""
    tree = _parse(pattern, flags)
    if tree is None:
        return None
    found = _alternatives(tree)
    if not found or any(len(text) < min_length for text in found):
        return None
    return tuple(sorted(set(found)))


def _alternatives(items: list[tuple[Any, Any]]) -> list[str] | None:
    """Literals for a sequence of items: the best single literal of the sequence,
    where a literal is a run of consecutive plain characters, or the alternatives
    of a top-level group or branch when they all have one."""
    best: list[str] | None = None
    run: list[str] = []

    def close_run() -> None:
        nonlocal best, run
        if run:
            candidate = ["".join(run)]
            if best is None or _score(candidate) > _score(best):
                best = candidate
            run = []

    for op, av in items:
        if op is constants.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        inner: list[str] | None = None
        if op is constants.SUBPATTERN:
            inner = _alternatives(list(av[-1]))
        elif op is constants.BRANCH:
            branches = [_alternatives(list(branch)) for branch in av[1]]
            if all(branches):
                inner = [text for branch in branches for text in branch or []]
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and av[0] >= 1:
            inner = _alternatives(list(av[2]))
        if inner and (best is None or _score(inner) > _score(best)):
            best = inner
    close_run()
    return best


def required_groups(
    pattern: str, flags: int = 0, min_length: int = MIN_LENGTH
) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """What every match needs, finer than :func:`required_literals`: one entry per
    top-level alternative of the pattern, each the groups of literals of which the
    alternative needs one member *each* (a rule that needs "if" and "will" and "die"
    is skipped on a comment holding only "die"). None when the pattern cannot be read
    or some alternative has no group (it could match without any literal). Only
    lowercase-able ASCII literals are kept (other letters have case-insensitive forms
    that a folded text may not show), lowercased as a folded ASCII text is, and only
    those of ``min_length`` chars or more.
    """
    tree = _parse(pattern, flags)
    if tree is None:
        return None
    found = []
    for branch in _top_alternatives(tree):
        groups = _groups(branch, min_length)
        if not groups:
            return None
        found.append(tuple(sorted(set(groups))))
    return tuple(found)


def _top_alternatives(items: list[tuple[Any, Any]]) -> list[list[tuple[Any, Any]]]:
    """The alternatives every match takes one of: a top-level alternation is split, with
    what the parser moved out of it (a shared "\b" or first letter) kept around each
    of them, and so is one inside a group that is all there is between such parts
    (``\b(?P<hit>a|b)\b``, the usual shape of a rule); nested alternations of an
    alternative are split the same way. An alternation between other parts is one
    group instead (:func:`_groups`)."""
    inner = [i for i, (op, _) in enumerate(items) if op not in _AROUND]
    if len(inner) != 1:
        return [items]
    at = inner[0]
    op, av = items[at]
    if op is constants.BRANCH:
        options = [option for branch in av[1] for option in _top_alternatives(list(branch))]
    elif op is constants.SUBPATTERN:
        options = _top_alternatives(list(av[-1]))
        if len(options) == 1:
            return [items]
    else:
        return [items]
    return [[*items[:at], *option, *items[at + 1 :]] for option in options]


def _groups(items: list[tuple[Any, Any]], min_length: int) -> list[tuple[str, ...]]:
    """Every group of literals a sequence of items needs: each run of plain chars, the
    groups of each required subpattern or repeat, and for a branch the union of one
    group of each alternative (when all have one)."""
    found: list[tuple[str, ...]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            text = "".join(run)
            if len(text) >= min_length and text.isascii():
                found.append((text.lower(),))
            run.clear()

    for op, av in items:
        if op is constants.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        if op is constants.SUBPATTERN:
            found.extend(_groups(list(av[-1]), min_length))
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and av[0] >= 1:
            found.extend(_groups(list(av[2]), min_length))
        elif op is constants.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                options = _groups(list(branch), min_length)
                if not options:
                    break
                union.update(max(options, key=lambda group: min(map(len, group))))
            else:
                found.append(tuple(sorted(union)))
    close_run()
    return found


def _score(literals: list[str]) -> int:
    """Prefer alternatives whose shortest literal is longest (the most selective test)."""
    return min(len(text) for text in literals)


class LiteralGroups:
    """Which of several groups of literals have a member in a text, found in one pass.

    The pattern rules' prefilters hold about 550 literals (180 without the groups of
    ``required_groups``); a substring search for each costs tens of µs on a
    200-character comment, an Aho-Corasick pass (pyahocorasick) over the text about
    4-6 µs, the compiled core's pass over an ASCII text (``literal_mask``) about a
    tenth of that, and all give the same answer: ``present(text)`` has bit ``i`` set
    when some literal of group ``i`` occurs in ``text``. The matchers are built on
    first use and never pickled (the compiled-rules cache holds the literals only).
    """

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups = tuple(tuple(group) for group in groups)
        # On first use: [the core's table or None, the automaton], or False when there
        # is nothing to look for. The automaton is built when a text first needs it
        # (None until then; False without pyahocorasick): with the core, only texts
        # that are not ASCII do.
        self._automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"groups": self.groups, "_automaton": None}

    def present(self, text: str) -> int:
        matchers = self._automaton
        if matchers is None:
            matchers = self._automaton = self._build()
        if matchers is False:
            return 0
        table = matchers[0]
        if table is not None:
            found = core.literal_mask(table, text)
            if found is not None:
                return found  # type: ignore[no-any-return]
        automaton = matchers[1]
        if automaton is None:
            automaton = matchers[1] = self._automaton_of_bits()
        if automaton is False:
            return self.python_present(text)
        mask = 0
        for _, bits in automaton.iter(text):
            mask |= bits
        return mask

    def python_present(self, text: str) -> int:
        """``present`` with one substring search per literal: the reference."""
        mask = 0
        for index, group in enumerate(self.groups):
            if any(literal in text for literal in group):
                mask |= 1 << index
        return mask

    def _bits(self) -> dict[str, int]:
        """Each literal with the bits of the groups holding it."""
        bits: dict[str, int] = {}
        for index, group in enumerate(self.groups):
            for literal in group:
                bits[literal] = bits.get(literal, 0) | 1 << index
        return bits

    def _build(self) -> Any:
        """The core's table of the ASCII literals (None without the core) and a place
        for the automaton; False when there is nothing to look for."""
        if not any(self.groups):
            return False
        table = None
        if core is not None:
            # The core reads each mask as bytes, little endian, in whole 64-bit words.
            width = 8 * (len(self.groups) // 64 + 1)
            bits = self._bits()
            base = bits.pop("", 0)  # found in every text
            ascii_bits = sorted((k, v) for k, v in bits.items() if k.isascii())
            table = core.literal_table(
                tuple(literal for literal, _ in ascii_bits),
                tuple(mask.to_bytes(width, "little") for _, mask in ascii_bits),
                base.to_bytes(width, "little"),
            )
        return [table, None]

    def _automaton_of_bits(self) -> Any:
        """pyahocorasick's automaton of every literal (its value: the literal's group
        bits), or False without pyahocorasick."""
        if ahocorasick is None:
            return False
        automaton = ahocorasick.Automaton()
        for literal, value in self._bits().items():
            automaton.add_word(literal, value)
        automaton.make_automaton()
        return automaton


# Items that make a match depend on another part of it or of the search: backreferences
# and conditionals (their widths come from another group).
_DEPENDENT = (constants.GROUPREF, constants.GROUPREF_EXISTS)
_REPEATS = (constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT)
UNBOUNDED = parser.MAXWIDTH
# Beyond this spread of starts for one literal, another literal of the pattern is used.
_NARROW = 12
# A run of whitespace chars of a text, for ``\s+``: at least one, at most the longest run
# (found with the stdlib's ``\s``, which also holds the few ASCII chars regex's does not).
_SPACE_RUNS = re.compile(r"\s\s+")


class Width(NamedTuple):
    """How many chars a part of a pattern matches: at least ``fewest``, at most ``most``
    plus ``runs`` times the text's longest run of whitespace (``most`` is
    :data:`UNBOUNDED` when no bound is known)."""

    fewest: int
    most: int
    runs: int

    def __add__(self, other: Any) -> Width:
        most = min(self.most + other.most, UNBOUNDED)
        return Width(self.fewest + other.fewest, most, self.runs + other.runs)


_NONE = Width(0, 0, 0)
_Anchor = tuple[str, Width]  # a literal and the chars before it in a match


def anchored_literals(
    pattern: regex.Pattern[str], min_length: int = MIN_LENGTH
) -> dict[str, Width] | None:
    """Literals every match holds one of, each with how many chars can come before it
    in a match (its :class:`Width`). :class:`MatchStarts` turns their occurrences into
    the only places a match can start.

    The argument, for an ASCII subject: the parser's tree holds, for each way through the
    pattern, a run of plain chars that way must match (a required group, branch by branch
    when every branch has one; the first pass of a repeat); the items before that run
    in its sequence match a number of chars within their widths, as the parser counts
    them (lookarounds, ``\\b`` and other assertions match none, however far they look; a
    repeated whitespace class such as ``\\s+`` matches consecutive whitespace, so no more
    than the text's longest run of it). Matched case-insensitively or not, the
    lowercased subject holds the lowercased run at the same place (ASCII lowercasing
    keeps every offset; an ASCII char matches only ASCII chars equal to it in simple
    case-insensitive folding). So a match starting at ``s`` has ``s = p - k`` for an
    occurrence ``p`` of a literal and some ``k`` within its width.

    None (search the whole text) when that cannot be shown: a pattern the stdlib parser
    may misread, flags that change match widths or the search order
    (:data:`.syntax.UNSHAPED`), backreferences or conditionals, one that can match the empty
    string, a way through it without an ASCII literal of ``min_length`` chars at a
    bounded distance from the start.
    """
    if pattern.flags & syntax.UNSHAPED:
        return None
    tree = syntax.parse(pattern.pattern, pattern.flags & regex.IGNORECASE and re.IGNORECASE)
    if tree is None or _has(tree, _DEPENDENT) or _width(tree).fewest < 1:
        return None
    found = _anchored(tree, _NONE, min_length)
    if not found or any(before.most >= UNBOUNDED for _, before in found):
        return None
    offsets: dict[str, Width] = {}
    for literal, before in found:
        known = offsets.get(literal, before)
        offsets[literal] = Width(
            min(known.fewest, before.fewest),
            max(known.most, before.most),
            max(known.runs, before.runs),
        )
    return offsets


def _has(items: Any, ops: tuple[Any, ...]) -> bool:
    """Whether any item of the tree, at any depth, is one of ``ops``."""
    for op, av in items:
        if op in ops:
            return True
        if op is constants.SUBPATTERN and _has(av[-1], ops):
            return True
        if op in (constants.ASSERT, constants.ASSERT_NOT) and _has(av[1], ops):
            return True
        if op is constants.ATOMIC_GROUP and _has(av, ops):
            return True
        if op in _REPEATS and _has(av[2], ops):
            return True
        if op is constants.BRANCH and any(_has(branch, ops) for branch in av[1]):
            return True
    return False


def _width(items: Any) -> Width:
    """The width of a sequence of items (as the stdlib's ``getwidth``, with whitespace
    runs counted apart)."""
    total = _NONE
    for op, av in items:
        if op is constants.SUBPATTERN:
            total += _width(av[-1])
        elif op is constants.ATOMIC_GROUP:
            total += _width(av)
        elif op is constants.BRANCH:
            widths = [_width(branch) for branch in av[1]]
            total += Width(
                min(w.fewest for w in widths),
                max(w.most for w in widths),
                max(w.runs for w in widths),
            )
        elif op in _REPEATS:
            low, high, body = av
            inner = _width(body)
            if high == constants.MAXREPEAT:
                if inner.fewest == inner.most == 1 and not inner.runs and _spaces(body):
                    total += Width(low, 0, 1)
                    continue
                if inner.most or inner.runs:
                    total += Width(low * inner.fewest, UNBOUNDED, 0)
                    continue
            total += Width(low * inner.fewest, high * inner.most, high * inner.runs)
        elif op in _DEPENDENT:
            total += Width(0, UNBOUNDED, 0)
        else:
            low, high = parser.SubPattern(items.state, [(op, av)]).getwidth()
            total += Width(low, high, 0)
    return total


def _spaces(body: Any) -> bool:
    """Whether a repeated item matches only whitespace (``\\s``, a space, a class of
    them): what a repeat of it matches is one run of whitespace."""
    if len(body) != 1:
        return False
    op, av = body[0]
    if op is constants.LITERAL:
        return chr(av).isspace()
    if op is constants.IN:
        return all(
            (kind is constants.LITERAL and chr(value).isspace())
            or (kind is constants.CATEGORY and value is constants.CATEGORY_SPACE)
            for kind, value in av
        )
    return False


def _anchored(items: Any, before: Width, min_length: int) -> list[_Anchor] | None:
    """The best set of anchors of a sequence of items that starts ``before`` into the
    match (see :func:`anchored_literals`), or None."""
    best: list[_Anchor] | None = None
    run: list[str] = []
    run_at = before

    def consider(found: list[_Anchor] | None) -> None:
        nonlocal best
        if found and (best is None or _anchor_rank(found) < _anchor_rank(best)):
            best = found

    def close_run() -> None:
        if run:
            text = "".join(run)
            if len(text) >= min_length and text.isascii():
                consider([(text.lower(), run_at)])
            run.clear()

    for op, av in items:
        if op is constants.LITERAL:
            if not run:
                run_at = before
            run.append(chr(av))
        else:
            close_run()
            if op is constants.SUBPATTERN:
                consider(_anchored(av[-1], before, min_length))
            elif op is constants.ATOMIC_GROUP:
                consider(_anchored(av, before, min_length))
            elif op in _REPEATS and av[0] >= 1:
                consider(_anchored(av[2], before, min_length))
            elif op is constants.BRANCH:
                branches = [_anchored(branch, before, min_length) for branch in av[1]]
                if all(branches):
                    consider([anchor for branch in branches for anchor in branch or []])
        if op is constants.LITERAL:
            before += Width(1, 1, 0)
        else:
            before += _width(parser.SubPattern(items.state, [(op, av)]))
    close_run()
    return best


def spread(widths: Iterable[Width]) -> int:
    """How many more places than one an occurrence of a literal can give, at most (a
    whitespace run counted as two chars, the usual longest run)."""
    return max((w.most + 2 * w.runs - w.fewest for w in widths), default=0)


def _anchor_rank(anchors: list[_Anchor]) -> tuple[int, int, int]:
    """Bounded before unbounded; then narrow spreads of starts (at most ``_NARROW``
    each), the longest shortest literal first (rarer in text); then the narrowest."""
    widest = spread(w for _, w in anchors)
    unbounded = any(w.most >= UNBOUNDED for _, w in anchors)
    shortest = min(len(literal) for literal, _ in anchors)
    if widest <= _NARROW:
        return (unbounded, 0, -shortest)
    return (unbounded, 1, widest)


class MatchStarts:
    """Where a pattern's matches can start in a lowercased ASCII text: at each
    occurrence of one of its :func:`anchored_literals`, less the chars that may come
    before that literal in a match. ``offsets`` holds those of each piece of the
    pattern (:func:`alternative_sources`; one, the pattern itself, when it is not
    split), and each place says which pieces may match there. One Aho-Corasick pass
    (pyahocorasick; substring searches without it), built on first use, never pickled."""

    def __init__(self, offsets: Sequence[dict[str, Width]]) -> None:
        self.offsets = tuple(offsets)
        self.runs = any(width.runs for piece in self.offsets for width in piece.values())
        self._automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"offsets": self.offsets, "runs": self.runs, "_automaton": None}

    def __call__(self, lowered: str) -> dict[int, int]:
        """The positions of ``lowered`` where a match may start, each with the pieces
        that may match there (bit k: piece k)."""
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = self._build()
        longest = 1
        if self.runs:
            longest = max(map(len, _SPACE_RUNS.findall(lowered)), default=1)
        starts: dict[int, int] = {}
        get = starts.get
        if automaton is False:
            for k, piece in enumerate(self.offsets):
                bit = 1 << k
                for literal, (fewest, most, runs) in piece.items():
                    most += runs * longest
                    at = lowered.find(literal)
                    while at >= 0:
                        for start in range(max(at - most, 0), at - fewest + 1):
                            starts[start] = get(start, 0) | bit
                        at = lowered.find(literal, at + 1)
        else:
            # Each literal's value: per piece holding it, its bit and its width less
            # one for each char of it but the last, so that from the last char's index
            # ``end`` the starts are ``end - most - runs * longest`` to ``end - fewest``.
            for end, found in automaton.iter(lowered):
                for bit, fewest, most, runs in found:
                    for start in range(max(end - most - runs * longest, 0), end - fewest + 1):
                        starts[start] = get(start, 0) | bit
        return starts

    def _build(self) -> Any:
        if ahocorasick is None or not any(self.offsets):
            return False
        values: dict[str, list[tuple[int, int, int, int]]] = {}
        for k, piece in enumerate(self.offsets):
            for literal, (fewest, most, runs) in piece.items():
                shift = len(literal) - 1
                values.setdefault(literal, []).append((1 << k, fewest + shift, most + shift, runs))
        automaton = ahocorasick.Automaton()
        for literal, found in values.items():
            automaton.add_word(literal, tuple(found))
        automaton.make_automaton()
        return automaton


# A group of global inline flags, such as "(?x)" or "(?im)".
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# Scoped flags that could switch verbose mode (how "#" and spaces read) inside a group.
_SCOPED_VERBOSE = re.compile(r"\(\?[aiLmsux]*-?[aiLmsux]*x[aiLmsux]*:|\(\?[aiLmsu]*-[aiLmsu]*x")
_QUANTIFIERS = "*+?{"
_LOOKAROUND = re.compile(r"\(\?<?[=!]")
_NAMED = re.compile(r"\(\?P?<[A-Za-z_]\w*>")


def alternative_sources(pattern: regex.Pattern[str]) -> list[str] | None:
    """The pattern cut into one pattern per alternative of its main alternation, each
    matching at a place exactly when that alternative of the whole pattern does: a
    top-level ``A|B|C``, or ``X(A|B|C)Y`` where the group is the only alternation at the
    top level, is not repeated, and ``X`` can match in one way only (assertions,
    lookarounds, single chars). A search takes, at each place, the first alternative
    that matches there (``X`` has no other way to try), so the first piece that matches
    at a place gives the whole pattern's match there, with the same groups by name.

    Read from the source text (the parser's tree cannot be written back): escapes,
    classes, comments and groups are skipped as the regex module reads them. None when
    the pattern has no such alternation or uses something this reading does not know
    (global flags past the start, scoped verbose flags, an atomic group).
    """
    source = pattern.pattern
    if _SCOPED_VERBOSE.search(source):
        return None
    lead_end = 0
    while found := _GLOBAL_FLAGS.match(source, lead_end):
        lead_end = found.end()
    lead = source[:lead_end]
    verbose = bool(pattern.flags & regex.VERBOSE) or "x" in lead
    scanned = _scan(source, lead_end, verbose)
    if scanned is None:
        return None
    bars, groups = scanned
    top = [at for depth, at, _ in bars if depth == 0]
    if top:
        cuts = [lead_end - 1, *top, len(source)]
        return [lead + source[a + 1 : b] for a, b in itertools.pairwise(cuts)]
    holders = {
        opened for depth, _, opened in bars if depth == 1 and not _LOOKAROUND.match(source, opened)
    }
    if len(holders) != 1:
        return None
    opened = holders.pop()
    closed = groups[opened]
    header = _group_header(source, opened)
    if header is None or not _one_way(source, lead_end, opened, groups, verbose):
        return None
    after = _skip_blank(source, closed + 1, verbose)
    if after < len(source) and source[after] in _QUANTIFIERS:
        return None
    inside = [at for depth, at, holder in bars if depth == 1 and holder == opened]
    cuts = [header - 1, *inside, closed]
    return [
        source[:header] + source[a + 1 : b] + source[closed:] for a, b in itertools.pairwise(cuts)
    ]


def _scan(
    source: str, at: int, verbose: bool
) -> tuple[list[tuple[int, int, int]], dict[int, int]] | None:
    """The alternation bars (depth, index, the open parenthesis around them or -1) and
    the groups (open index -> close index) of ``source`` from ``at``."""
    bars: list[tuple[int, int, int]] = []
    groups: dict[int, int] = {}
    opens: list[int] = []
    size = len(source)
    while at < size:
        char = source[at]
        if char == "\\":
            at += 2
            continue
        if char == "[":
            at = _class_end(source, at)
            if at < 0:
                return None
            continue
        if verbose and char == "#":
            line = source.find("\n", at)
            at = size if line < 0 else line + 1
            continue
        if char == "(":
            if source.startswith("(?#", at):
                close = source.find(")", at)
                if close < 0:
                    return None
                at = close + 1
                continue
            if _GLOBAL_FLAGS.match(source, at) or source.startswith("(?>", at):
                return None
            opens.append(at)
        elif char == ")":
            if not opens:
                return None
            groups[opens.pop()] = at
        elif char == "|":
            bars.append((len(opens), at, opens[-1] if opens else -1))
        at += 1
    return None if opens else (bars, groups)


def _class_end(source: str, at: int) -> int:
    """The index after the character class opening at ``at`` (-1 if it never closes):
    a "]" right after "[" or "[^" is a member, as in regex's version 0."""
    at += 1
    if source.startswith("^", at):
        at += 1
    if source.startswith("]", at):
        at += 1
    while at < len(source):
        if source[at] == "\\":
            at += 2
        elif source[at] == "]":
            return at + 1
        else:
            at += 1
    return -1


def _group_header(source: str, opened: int) -> int | None:
    """Where the content of the group opening at ``opened`` starts, for a plain,
    non-capturing or named group (None for lookarounds, flags and the rest)."""
    if not source.startswith("(?", opened):
        return opened + 1
    if source.startswith("(?:", opened):
        return opened + 3
    named = _NAMED.match(source, opened)
    return named.end() if named else None


def _skip_blank(source: str, at: int, verbose: bool) -> int:
    """The index of the next char that means something (verbose mode skips whitespace
    and comments)."""
    while verbose and at < len(source):
        if source[at].isspace():
            at += 1
        elif source[at] == "#":
            line = source.find("\n", at)
            at = len(source) if line < 0 else line + 1
        else:
            break
    return at


def _one_way(source: str, at: int, end: int, groups: dict[int, int], verbose: bool) -> bool:
    """Whether ``source[at:end]`` can match in one way only: assertions (``\\b``,
    ``\\B``, ``\\A``, ``^``, ``$``, lookarounds) and single chars, nothing repeated."""
    while True:
        at = _skip_blank(source, at, verbose)
        if at >= end:
            return at == end
        char = source[at]
        if char == "\\":
            following = source[at + 1 : at + 2]
            if following not in ("b", "B", "A") and (not following or following.isalnum()):
                return False  # an escaped letter or digit may be more than one char
            at += 2
        elif char == "(":
            if not _LOOKAROUND.match(source, at) or at not in groups:
                return False
            at = groups[at] + 1
        elif char == "[":
            at = _class_end(source, at)
            if at < 0:
                return False
        elif char in _QUANTIFIERS or char in ")|":
            return False
        else:
            at += 1
        following = _skip_blank(source, at, verbose)
        if following < end and source[following] in _QUANTIFIERS:
            return False
