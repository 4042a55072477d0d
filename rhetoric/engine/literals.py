"""Find strings a regex cannot match without, so most texts skip the regex.

A ``pattern`` rule runs only on comments containing one of its required
literals (a substring test costs nanoseconds; a regex scan microseconds). The
literals are read from the pattern's syntax tree (the standard library's
parser understands the common subset of ``regex`` syntax); when the pattern
cannot be analysed, or some alternative has no literal, the rule always runs.
"""

from __future__ import annotations

import re._constants as constants
import re._parser as parser
import warnings
from typing import Any

MIN_LENGTH = 3


def required_literals(
    pattern: str, flags: int = 0, min_length: int = MIN_LENGTH
) -> tuple[str, ...] | None:
    """Strings of which at least one occurs in every match, or None if unknown (or
    when one of them is shorter than ``min_length``: too common to be worth a test)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = parser.parse(pattern, flags)
    except Exception:  # regex-only syntax, or anything the stdlib parser rejects
        return None
    found = _alternatives(list(tree))
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


def _score(literals: list[str]) -> int:
    """Prefer alternatives whose shortest literal is longest (the most selective test)."""
    return min(len(text) for text in literals)
