"""Plain comments: a cheap test that lets the engine skip ``prepare()``.

A comment is *plain* when its normalized view is ASCII with one char per char of the
original (ASCII text is its lowercase; curly quotes and accents fold one to one; see
``prepared.is_one_to_one``) and no token of it can have a variant,
a mask or a spelled-out reading: no letter shares a word with a leet or mask sign,
no letter is stretched three times, no letter of a swap class stands where English
does not put it ("fvck", "dlck"; ``obfuscation.py``), no letter is doubled where English
does not double it ("fuuck", "shitt") and no letter pair stands for one ("vv"), and no
three single characters stand in a row.
Those tests are regexes over the whole text, and each is a superset of what
``prepare()`` would find (``tests/test_fast_paths.py`` checks that), so a plain
comment's tokens are exactly its plain words and nothing else can match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache, partial
from itertools import accumulate, repeat
from typing import Any, Final

from .._coreload import core
from .obfuscation import (
    DOUBLED_FINAL,
    DOUBLED_INSIDE,
    DOUBLED_NOT_AFTER,
    PAIR_PATTERN,
    PAIRS,
    SIGN_CLASS,
    SPELLED_GAP_PATTERN,
    SPELLED_GAPS,
    SPELLED_LONGEST_GAP,
    SWAP_PATTERN,
    SWAPS,
    TOKEN_SIGNS,
)
from .obfuscation import char_class as _cc
from .tokens import Token, is_glue

# A letter and a leet or mask sign in one run of word chars (either order). Along a
# run from a letter to a sign (or back) the nearest such pair is adjacent up to
# apostrophes; a "!" counts before a letter
# (sh!t, !diot) or before another sign, since one ending a word is trimmed. Also a
# sign inside a number ("0+0"): such tokens are not among the plain words.
_SIGN_RE: Final = re.compile(f"[{SIGN_CLASS}]")
_NOT_BANG: Final = "0-9" + _cc(TOKEN_SIGNS.replace("!", ""))
_NUM_GAP: Final = f"{_cc(TOKEN_SIGNS)}'"
_ODD_RE: Final = re.compile(
    f"[a-z]['!]*[{_NOT_BANG}]|[{SIGN_CLASS}]'*[a-z]|[0-9][{_NUM_GAP}]+[0-9]"
)
# A letter written three times, or twice where ``[doubled]`` reads it once ("fuuck" and
# "shiit" inside a word but not after a vowel, "fuckerr" at its end): one pattern, as
# cheap as the stretching test alone (three patterns cost twice as much).
_STRETCH_RE: Final = re.compile(
    rf"([a-z])\1(?:\1|(?<=[{_cc(DOUBLED_INSIDE)}]{{2}})(?<![{_cc(DOUBLED_NOT_AFTER)}]..)"
    rf"|(?<=[{_cc(DOUBLED_FINAL)}]{{2}})(?![a-z0-9]))"
)
# A letter of a swap class where English does not put it (fvck, dlck): see obfuscation.py.
_SWAP_RE: Final = re.compile(SWAP_PATTERN)
# A letter pair standing for one letter ("vv"): a substring test first, it is rare.
_PAIR_RE: Final = re.compile(PAIR_PATTERN)
_PAIRS: Final = tuple(PAIRS)


def _paired(folded: str) -> bool:
    """Whether a letter pair may need reading (a superset of what ``variants`` reads)."""
    return any(pair in folded for pair in _PAIRS) and _PAIR_RE.search(folded) is not None


# Three single characters separated by what may part spelled-out letters (f u c k).
_GAP: Final = SPELLED_GAP_PATTERN
_SPELLED_RE: Final = re.compile(rf"(?<![a-z0-9])[a-z0-9]{_GAP}[a-z0-9]{_GAP}[a-z0-9](?![a-z0-9])")
# In a plain comment the tokens are exactly these words (never starting or ending
# with an apostrophe; a sign at an edge of a plain token is always trimmed).
_WORD: Final = r"[a-z0-9]+(?:'+[a-z0-9]+)*"
_WORD_RE: Final = re.compile(_WORD)
# The same words as a split pattern: gap, word, gap, ..., word, gap in one pass.
_PIECES_RE: Final = re.compile(f"({_WORD})")
# tuple.__new__ through partial skips the named tuple's Python-level __new__ (hot loop)
_new_token: Final = partial(tuple.__new__, Token)
# Gaps repeat (" ", ", ", ". "): whether a phrase may run across one is asked once.
_glue: Final = lru_cache(maxsize=4096)(is_glue)


def plain_words(folded: str) -> list[str]:
    """The token norms of a plain comment, given its folded text (for any ASCII
    text, a superset of the norms that can match exactly). Cheaper than
    ``is_plain``, so callers test their words first."""
    return _WORD_RE.findall(folded)


def word_pieces(folded: str) -> list[str]:
    """``folded`` cut into gap, word, gap, ..., word, gap (one regex pass): the words
    are ``plain_words(folded)``, and ``plain_tokens`` can reuse the cut."""
    if _core is not None:
        pieces: list[str] | None = _core.word_pieces(folded)
        if pieces is not None:
            return pieces
    return _PIECES_RE.split(folded)


def view_facts(folded: str) -> tuple[frozenset[str], bool | None, list[str] | None]:
    """The words of an ASCII view (``word_pieces``' words), whether it is plain, and its
    pieces, as far as one pass gives them: the compiled core answers the first two in
    one call and cuts no gaps (``plain_tokens(folded, None)`` cuts the tokens itself);
    the regexes cut the pieces, and leave ``is_plain`` (None) to be asked when needed."""
    if _core is not None:
        facts: tuple[frozenset[str], bool] | None = _core.plain_facts(folded)
        if facts is not None:
            return facts[0], facts[1], None
    pieces = word_pieces(folded)
    return frozenset(pieces[1::2]), None, pieces


def python_word_pieces(folded: str) -> list[str]:
    """``word_pieces`` without the compiled core (the reference it must equal)."""
    return _PIECES_RE.split(folded)


def plain_tokens(folded: str, pieces: list[str] | None = None) -> tuple[Token, ...]:
    """The tokens of a plain comment: what ``prepare()`` would cut, without variants,
    masks or trimming to do (``tests/test_fast_paths.py``); the compiled core's scan
    when it takes the text, else ``python_plain_tokens``."""
    if _core is not None:
        tokens: tuple[Token, ...] | None = _core.plain_tokens(folded, pieces)
        if tokens is not None:
            return tokens
    return python_plain_tokens(folded, pieces)


def python_plain_tokens(folded: str, pieces: list[str] | None = None) -> tuple[Token, ...]:
    """``plain_tokens`` from one regex pass (the reference for the core). Spans, glue
    and tuples are made by C-level maps over the pieces, not a Python loop."""
    if pieces is None:
        pieces = _PIECES_RE.split(folded)
    words = pieces[1::2]
    if not words:
        return ()
    bounds = list(accumulate(map(len, pieces)))
    glue = [False, *map(_glue, pieces[2:-1:2])]
    fields = zip(
        range(len(words)), bounds[0::2], bounds[1::2], words, repeat(()), repeat(None), glue
    )
    return tuple(map(_new_token, fields))


def is_plain(folded: str) -> bool:
    """Whether a comment, given its ASCII normalized text (identity offsets), is plain."""
    if _core is not None:
        plain: bool | None = _core.is_plain(folded)
        if plain is not None:
            return plain
    return python_is_plain(folded)


def python_is_plain(folded: str) -> bool:
    """``is_plain`` through the regexes (the reference for the compiled core)."""
    if _SIGN_RE.search(folded) is not None and _ODD_RE.search(folded) is not None:
        return False
    return (
        _STRETCH_RE.search(folded) is None
        and _SPELLED_RE.search(folded) is None
        and _SWAP_RE.search(folded) is None
        and not _paired(folded)
    )


_DIGITS: Final = "0123456789"


def _table(chars: Iterable[str], bit: int = 0) -> bytearray:
    """``1 << bit`` for each ASCII char in ``chars``, 0 for the others."""
    table = bytearray(128)
    for char in chars:
        if char < "\x80":
            table[ord(char)] = 1 << bit
    return table


def _core_tables() -> tuple[object, ...]:
    """What the core's plain path needs, from the same data as the regexes above (so
    a change to obfuscation.toml reaches both without a rebuild). Built from the
    strings, not by compiling the classes, which would cost start-up time;
    ``tests/test_core_plain.py`` checks each table against its regex class."""
    classes = (  # in the order of rhetoric/_core.c's F_* bits
        _DIGITS + TOKEN_SIGNS,  # SIGN_CLASS
        _DIGITS + TOKEN_SIGNS.replace("!", ""),  # _NOT_BANG
        TOKEN_SIGNS + "'",  # _NUM_GAP
        DOUBLED_INSIDE,
        DOUBLED_NOT_AFTER,
        DOUBLED_FINAL,
        SPELLED_GAPS,
    )
    glue = [char for char in map(chr, range(128)) if is_glue(char)]  # one char: its class
    flags = [sum(bits) for bits in zip(*map(_table, (*classes, glue), range(8)), strict=True)]
    swaps = tuple(
        (
            swap.letter.encode("ascii"),
            bytes(_table(swap.preceded_by)),
            bytes(_table(swap.followed_by)),
        )
        for swap in SWAPS
    )
    pairs = tuple(
        (pair.encode("ascii"), bytes(_table(not_after))) for pair, (_, not_after) in PAIRS.items()
    )
    return Token, bytes(flags), swaps, pairs, SPELLED_LONGEST_GAP


def _plain_core() -> object | None:
    """The compiled core with its plain path set up, or None (then the regexes run)."""
    if core is None or not hasattr(core, "plain_setup"):
        return None
    core.plain_setup(*_core_tables())
    return core


_core: Final[Any] = _plain_core()
