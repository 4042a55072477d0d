"""A rule regex as the standard library's parser reads it, parsed once per pattern.

Compiling the rules analyses every pattern twice over: :mod:`.literals` (prefilters,
where matches can start) and :mod:`.backtrack` (how long a call can take). Both read
the same tree, so it is parsed here once per (pattern, flags) and shared; the trees
are read-only to their users. :func:`forget` drops them once the rules are compiled,
so a long-running process does not keep them.
"""

from __future__ import annotations

import functools
import re
import re._parser as parser
import warnings
from typing import Any

import regex

# Flags under which a match may be shaped otherwise than the stdlib parser reads it:
# full case-folding ("ss" for "ß": widths change), reversed or POSIX (leftmost-longest)
# searching, fuzzy matching.
UNSHAPED = (
    regex.FULLCASE | regex.REVERSE | regex.POSIX | regex.BESTMATCH | regex.ENHANCEMATCH | regex.V1
)
# Syntax of the ``regex`` module that the stdlib parser reads as plain text instead of
# rejecting it: fuzzy constraints ({e<=1}), POSIX classes ([[:digit:]]), and version-1
# set operations ([[a-z]--[aeiou]]). What is read from such a pattern could be chars
# no match holds.
_MISREAD = re.compile(r"\{[^}]*[<>=]|\[:|\(\?[a-zA-Z]*V1|--\[|&&\[|\|\|\[|~~\[")


def parse(pattern: str, flags: int = 0) -> Any:
    """The parser's own tree of ``pattern`` under the stdlib's ``flags`` (a
    ``SubPattern``: it knows the widths), or None when that reading could be wrong
    (regex-only syntax it takes for text) or the parser rejects it. The same object for
    the same arguments until :func:`forget`: do not change it."""
    return _parse(pattern, int(flags))


@functools.lru_cache(maxsize=4096)
def _parse(pattern: str, flags: int) -> Any:
    if _MISREAD.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parser.parse(pattern, flags)
    except Exception:  # regex-only syntax, or anything the stdlib parser rejects
        return None


def forget() -> None:
    """Drop the parsed trees (the rules are compiled: nothing reads them again)."""
    _parse.cache_clear()
