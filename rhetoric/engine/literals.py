"""Find strings a regex cannot match without, so most texts skip the regex.

A ``pattern`` rule runs only on comments containing one of its required
literals (a substring test costs nanoseconds; a regex scan microseconds). The
literals are read from the pattern's syntax tree (the standard library's
parser understands the common subset of ``regex`` syntax); when the pattern
cannot be analysed, or some alternative has no literal, the rule always runs.
On ASCII text a rule also needs every group of literals of one of its top-level
alternatives (:func:`required_groups`): "if ... will ... die" is not tried on a
comment holding only "die".
"""

from __future__ import annotations

import re
import re._constants as constants
import re._parser as parser
import warnings
from collections.abc import Sequence
from typing import Any

try:  # one pass for many literals; without it, one substring search per literal
    import ahocorasick
except ImportError:  # pragma: no cover - a dependency, absent only with --no-deps
    ahocorasick = None

MIN_LENGTH = 3
# What the parser leaves around a top-level alternation: assertions and shared chars.
_AROUND = (constants.AT, constants.ASSERT, constants.ASSERT_NOT, constants.LITERAL)
# Syntax of the ``regex`` module that the stdlib parser reads as plain text instead of
# rejecting it: fuzzy constraints ({e<=1}), POSIX classes ([[:digit:]]), and version-1
# set operations ([[a-z]--[aeiou]]). Literals read from such a pattern could be chars
# no match holds, and the rule would never run.
_MISREAD = re.compile(r"\{[^}]*[<>=]|\[:|\(\?[a-zA-Z]*V1|--\[|&&\[|\|\|\[|~~\[")


def _parse(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
    """The pattern's syntax tree as the stdlib parser reads it, or None when that reading
    could be wrong (regex-only syntax it takes for text) or the parser rejects it."""
    if _MISREAD.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list(parser.parse(pattern, flags))
    except Exception:  # regex-only syntax, or anything the stdlib parser rejects
        return None


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
    4-6 µs, and both give the same answer: ``present(text)`` has bit
    ``i`` set when some literal of group ``i`` occurs in ``text``. The automaton is built
    on first use and never pickled (the compiled-rules cache holds the literals only).
    """

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups = tuple(tuple(group) for group in groups)
        self._automaton: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"groups": self.groups, "_automaton": None}

    def present(self, text: str) -> int:
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = self._build()
        if automaton is False:
            mask = 0
            for index, group in enumerate(self.groups):
                if any(literal in text for literal in group):
                    mask |= 1 << index
            return mask
        mask = 0
        for _, bits in automaton.iter(text):
            mask |= bits
        return mask

    def _build(self) -> Any:
        """The automaton (each literal's value: the bits of the groups holding it), or
        False where pyahocorasick is missing or there is nothing to look for."""
        if ahocorasick is None or not any(self.groups):
            return False
        bits: dict[str, int] = {}
        for index, group in enumerate(self.groups):
            for literal in group:
                bits[literal] = bits.get(literal, 0) | 1 << index
        automaton = ahocorasick.Automaton()
        for literal, value in bits.items():
            automaton.add_word(literal, value)
        automaton.make_automaton()
        return automaton
