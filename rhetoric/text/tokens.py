"""Word tokens of the normalized text, their phrase glue, and spelled-out letter runs.

Tokens are cut on the normalized view but keep the word boundaries of the original, so
"Scunthorpe" or "classic" stay one token and whole-token matching never fires inside them.
Leet and mask signs belong to a token when they sit in or next to its letters ("sh!t",
"f**k", "@ss"); punctuation and markdown emphasis around a word do not ("idiot!!",
"**stupid**").
"""

import re
from collections.abc import Sequence
from functools import lru_cache, partial
from operator import methodcaller
from typing import Any, Final, NamedTuple

from .._coreload import core
from .normalize import WORD_CHARS, OffsetMap
from .obfuscation import MASK_SIGNS, SPELLED_GAP_PATTERN, TOKEN_SIGNS, char_class
from .patterns import compiled
from .variants import MAX_VARIANTS, MIN_LEADING_MASK_WORD, analyze
from .wordlists import in_english_words


class Token(NamedTuple):
    """One word (or joined letter run) with its span in the original text.

    A named tuple rather than a frozen dataclass: every comment makes dozens of
    tokens, and a tuple is about three times cheaper to create; it is just as
    immutable.

    ``norm`` is the normalized spelling; ``variants`` other spellings worth a lookup (never
    ``norm``); ``mask`` the ``?``-pattern of a masked word; ``glue`` whether a phrase may
    continue from the previous token into this one.
    """

    index: int
    start: int
    end: int
    norm: str
    variants: tuple[str, ...]
    mask: str | None
    glue: bool


# tuple.__new__ through partial skips the named tuple's Python-level __new__: a comment
# that is not plain makes one per word (about 1,000 instructions each saved).
_new_token: Final = partial(tuple.__new__, Token)
_SPAN: Final = methodcaller("span")
# The compiled core's word cut and token loop (``_core.c``, layer 4), when installed.
_core: Final[Any] = core if core is not None and hasattr(core, "word_spans") else None

# Runs of word chars (letters, digits, marks, leet/mask signs, apostrophes); "!!" inside a
# run is punctuation and splits it. ASCII text (after folding: no uppercase) uses `re`,
# which is faster on short matches.
_RUN_RE: Final = compiled(f"[{WORD_CHARS}]+")
_ASCII_RUN_RE: Final = re.compile(f"[a-z0-9{char_class(TOKEN_SIGNS)}']+")
_BANGS_RE: Final = re.compile(r"!!+")
_NON_ASCII_CHAR_RE: Final = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_WORD_CHAR_RE: Final = compiled(f"(?=[^\\x00-\\x7f])[{WORD_CHARS}]")
_ALNUM_RE: Final = compiled(r"[\p{L}\p{N}]")
_LETTER_RE: Final = compiled(r"\p{L}")
_SIGNS: Final = TOKEN_SIGNS + "'"
_LEADING_MASK: Final = "".join(sorted(MASK_SIGNS))

# Between two tokens of one phrase: blanks, one line break at most, dashes, quotes, and the
# markdown emphasis signs that wrap words ("*deep* state").
_GLUE_RE: Final = compiled("[ \t\r\n\"'\\-*_\u00ab\u00bb\u2010-\u2015\u2039\u203a\u2212\u3000]*")
_LETTER_GAP_RE: Final = compiled(SPELLED_GAP_PATTERN)
_STARRED_RE: Final = compiled(r"\p{L}(?:\*\p{L}){2,}")
MAX_JOINED_RUN: Final = 24
MIN_JOINED_RUN: Final = 3
# A 24-letter run alone yields 253 candidates; a bound per text keeps a spaced-out wall of
# letters from costing more than ordinary text of the same length.
MAX_JOINED: Final = 1024


def _hides_first_letter(run: str, i: int, j: int) -> bool:
    """Whether the ``*`` at ``run[i]`` stands for a hidden first letter ("*ucking",
    "*uckwit") rather than a footnote mark ("*Terms apply"): one star before a letter,
    in a word of five or more that does not end with a star, whose rest is no English word."""
    if j - i < MIN_LEADING_MASK_WORD or run[i] != "*" or run[j - 1] == "*":
        return False
    if not run[i + 1].isalpha():
        return False
    rest = run[i + 1 : j].lower()
    return not in_english_words(rest)


def _trim(run: str) -> tuple[int, int] | None:
    """Bounds of the word inside a run of word chars and signs, or None if it has no word.

    Repeats until nothing changes, so trimming an already trimmed word is a no-op (a token
    re-prepared on its own comes out the same).
    """
    i, j = 0, len(run)
    while True:
        before = (i, j)
        while i < j and run[i] == "'":
            i += 1
        while j > i and run[j - 1] in "'!":
            j -= 1
        lead = trail = 0
        while i + lead < j and run[i + lead] == "*":
            lead += 1
        while j - trail > i + lead and run[j - trail - 1] == "*":
            trail += 1
        if lead and trail:  # markdown emphasis: *word*, **word**
            cut = min(lead, trail)
            i += cut
            j -= cut
        if _hides_first_letter(run, i, j):  # "*ucking": the star is the word's first letter
            break
        while i < j and run[i] in _LEADING_MASK:  # "#tag", "*footnote"
            i += 1
        if i < j and run[i] == "!" and not (i + 1 < j and run[i + 1].isalpha()):
            i += 1
        if _LETTER_RE.search(run, i, j) is None:  # "$100", "100%": a number, no signs
            while i < j and run[i] in _SIGNS:
                i += 1
            while j > i and run[j - 1] in _SIGNS:
                j -= 1
        if (i, j) == before:
            break
    if _ALNUM_RE.search(run, i, j) is None:
        return None
    return i, j


def _runs(normalized: str) -> list[tuple[int, int]]:
    """Bounds of the runs of word chars, split at "!!"."""
    pattern = _ASCII_RUN_RE if normalized.isascii() else _RUN_RE
    if "!!" not in normalized:
        return list(map(_SPAN, pattern.finditer(normalized)))
    runs = []
    for match in pattern.finditer(normalized):
        start, end = match.span()
        for bang in _BANGS_RE.finditer(normalized, start, end):
            if bang.start() > start:
                runs.append((start, bang.start()))
            start = bang.end()
        if start < end:
            runs.append((start, end))
    return runs


def word_spans(normalized: str, offsets: OffsetMap) -> list[tuple[int, int]]:
    """Spans (in ``normalized``) of the word tokens, in order.

    A span never cuts through the output of one source char (trimming or a "!!" split can
    land inside a mark on "!", which folds to two chars): it grows to whole units, so
    ``norm`` is exactly what its original span makes. The compiled core cuts an ASCII
    view with identity offsets (``_trim`` stays Python).
    """
    whole_units = not offsets.is_identity
    if _core is not None and not whole_units:
        view = normalized if normalized.isascii() else _ascii_stand_in(normalized)
        if view is not None:
            found: list[tuple[int, int]] | None = _core.word_spans(view, _trim)
            if found is not None:
                return found
    return python_word_spans(normalized, offsets)


def _ascii_stand_in(normalized: str) -> str | None:
    """A view whose non-ASCII chars are all outside words (dashes, ellipses, emoji: most
    views that are not ASCII) with each made a space: the same runs of word chars at the
    same offsets, so the same spans, and the core can cut it. None when a non-ASCII char
    can be part of a word (a letter, digit or mark)."""
    if _NON_ASCII_WORD_CHAR_RE.search(normalized) is not None:
        return None
    return _NON_ASCII_CHAR_RE.sub(" ", normalized)


def python_word_spans(normalized: str, offsets: OffsetMap) -> list[tuple[int, int]]:
    """``word_spans`` in Python (the reference the compiled core must equal)."""
    spans: list[tuple[int, int]] = []
    whole_units = not offsets.is_identity
    size = len(normalized)
    for run_start, run_end in _runs(normalized):
        if normalized[run_start].isalnum() and normalized[run_end - 1].isalnum():
            start, end = run_start, run_end  # only signs at the ends are ever trimmed
        else:
            bounds = _trim(normalized[run_start:run_end])
            if bounds is None:
                continue
            start, end = run_start + bounds[0], run_start + bounds[1]
        if whole_units:
            floor = spans[-1][1] if spans else 0
            while start > floor and offsets.continues_unit(start):
                start -= 1
            while end < size and offsets.continues_unit(end):
                end += 1
        spans.append((start, end))
    return spans


def is_glue(gap: str) -> bool:
    """Whether a phrase may run across ``gap`` (the text between two tokens)."""
    if gap == " ":
        return True
    if _GLUE_RE.fullmatch(gap) is None:
        return False
    return gap.count("\n") + gap.count("\r") - gap.count("\r\n") <= 1


# Gaps repeat (" ", ", ", ". "): whether a phrase may run across one is asked once.
_glue: Final = lru_cache(maxsize=4096)(is_glue)


def build_tokens(
    normalized: str,
    spans: Sequence[tuple[int, int]],
    offsets: OffsetMap,
    readings: dict[int, str],
) -> tuple[Token, ...]:
    """Token objects for ``spans``; ``readings`` adds a Latin reading as a first variant.
    The compiled core builds them when the offsets are the identity and there is no
    reading (most comments that are not plain), else ``python_build_tokens``."""
    if _core is not None and not readings and offsets.is_identity:
        tokens: tuple[Token, ...] | None = _core.build_tokens(normalized, spans, analyze, _glue)
        if tokens is not None:
            return tokens
    return python_build_tokens(normalized, spans, offsets, readings)


def python_build_tokens(
    normalized: str,
    spans: Sequence[tuple[int, int]],
    offsets: OffsetMap,
    readings: dict[int, str],
) -> tuple[Token, ...]:
    """``build_tokens`` in Python (the reference the core must equal)."""
    tokens = []
    previous_end = -1
    identity = offsets.is_identity
    source_span = offsets.source_span
    for index, (start, end) in enumerate(spans):
        norm = normalized[start:end]
        variants, mask = analyze(norm)
        if readings and index in readings:
            reading = readings[index]
            extra = (reading, *analyze(reading)[0])
            merged = dict.fromkeys(v for v in (*extra, *variants) if v != norm)
            variants = tuple(merged)[:MAX_VARIANTS]
        glue = previous_end >= 0 and _glue(normalized[previous_end:start])
        previous_end = end
        if identity:
            tokens.append(_new_token((index, start, end, norm, variants, mask, glue)))
        else:
            orig_start, orig_end = source_span(start, end)
            tokens.append(_new_token((index, orig_start, orig_end, norm, variants, mask, glue)))
    return tuple(tokens)


def _joined(letters: Sequence[Token]) -> Token:
    """One candidate made of consecutive single-letter tokens."""
    norm = "".join(token.norm for token in letters)
    first = letters[0]
    return Token(
        first.index, first.start, letters[-1].end, norm, analyze(norm)[0], None, first.glue
    )


def _add_sub_runs(letters: Sequence[Token], out: list[Token]) -> None:
    """Add every contiguous sub-run of at least three letters, in chunks of at most 24
    letters, while ``out`` holds fewer than ``MAX_JOINED`` candidates."""
    for chunk_start in range(0, len(letters), MAX_JOINED_RUN):
        chunk = letters[chunk_start : chunk_start + MAX_JOINED_RUN]
        for i in range(len(chunk)):
            for j in range(i + MIN_JOINED_RUN, len(chunk) + 1):
                if len(out) >= MAX_JOINED:
                    return
                part = chunk[i:j]
                if any(token.norm.isalpha() for token in part):
                    out.append(_joined(part))


def join_letters(
    normalized: str, spans: Sequence[tuple[int, int]], tokens: Sequence[Token]
) -> tuple[Token, ...]:
    """Candidates for words spelled out letter by letter: "f u c k", "f.u.c.k", "f*u*c*k"."""
    out: list[Token] = []
    singles = [k for k, (start, end) in enumerate(spans) if end - start == 1]
    if len(singles) >= MIN_JOINED_RUN:
        run: list[Token] = []
        gap_kind = ""
        previous = -2
        for k in singles:
            token = tokens[k]
            if not token.norm.isalnum():
                continue
            gap = normalized[spans[k - 1][1] : spans[k][0]] if k == previous + 1 else ""
            previous = k
            if run and _LETTER_GAP_RE.fullmatch(gap) is not None:
                if gap_kind in ("", gap):
                    gap_kind = gap
                    run.append(token)
                    continue
                _add_sub_runs(run, out)  # another separator: the last letter starts anew
                run = [run[-1], token]
                gap_kind = gap
                continue
            _add_sub_runs(run, out)
            run = [token]
            gap_kind = ""
        _add_sub_runs(run, out)
    if "*" in normalized:
        for token in tokens:
            if "*" in token.norm and _STARRED_RE.fullmatch(token.norm) is not None:
                norm = token.norm.replace("*", "")
                out.append(
                    Token(
                        token.index,
                        token.start,
                        token.end,
                        norm,
                        analyze(norm)[0],
                        None,
                        token.glue,
                    )
                )
        out.sort(key=lambda token: (token.start, token.end))
    return tuple(out)


# The words of a camel-case hashtag: capitalised words, all-capital runs (an acronym ends
# where a capitalised word starts: "NWOAgenda"), lowercase words and numbers.
_CAMEL_PART_RE: Final = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]+|[a-z]+|[0-9]+")
# Fewest words a hashtag part must join: the whole tag already matches as one token.
MIN_HASHTAG_PARTS: Final = 2
_MAX_HASHTAG_PARTS: Final = 8


def _tag_words(original: str, token: Token) -> list[tuple[int, int]] | None:
    """The spans (in ``original``) of the words of ``token`` when it is a camel-case
    hashtag: ASCII, after ``#``, with a case change, of two to eight words."""
    start, end = token.start, token.end
    if start == 0 or original[start - 1] != "#":
        return None
    tag = original[start:end]
    if not (tag.isascii() and tag.isalnum()) or tag.islower() or tag.isupper():
        return None
    words = [(start + a, start + b) for a, b in map(re.Match.span, _CAMEL_PART_RE.finditer(tag))]
    if not 2 <= len(words) <= _MAX_HASHTAG_PARTS:
        return None
    return words


def hashtag_parts(original: str, tokens: Sequence[Token]) -> list[Token]:
    """Runs of the words of camel-case hashtags ("#StopTheGreatReset": "thegreatreset",
    "greatreset"...), each a candidate like a joined letter run, spanning exactly its
    words' characters: a prefix or a joined word no longer hides a lexicon term's joined
    form. Only ASCII tags written with a case change, of at most eight words."""
    out: list[Token] = []
    for token in tokens:
        words = _tag_words(original, token)
        if words is None:
            continue
        for first in range(len(words)):
            for last in range(first + MIN_HASHTAG_PARTS - 1, len(words)):
                if (first, last) == (0, len(words) - 1):
                    continue  # the whole tag is the token itself
                left, right = words[first][0], words[last][1]
                norm = original[left:right].lower()
                out.append(Token(token.index, left, right, norm, (), None, False))
    return out


def hashtag_words(
    original: str, tokens: Sequence[Token]
) -> tuple[tuple[Token, ...], tuple[bool, ...]] | None:
    """``tokens`` with each camel-case hashtag split into its words, glued to each other
    ("#NoVaccinePassports": no, vaccine, passports), so phrases and templates can be read
    inside it; and per token whether it is such a word. A word keeps its tag's ``index``
    (positions, not indexes, are what the engine walks). None when no tag splits."""
    out: list[Token] = []
    parts: list[bool] = []
    done = 0
    for k, token in enumerate(tokens):
        words = _tag_words(original, token)
        if words is None:
            continue
        out.extend(tokens[done:k])
        parts.extend([False] * (k - done))
        for w, (left, right) in enumerate(words):
            glue = token.glue if w == 0 else True
            norm = original[left:right].lower()
            out.append(Token(token.index, left, right, norm, (), None, glue))
            parts.append(True)
        done = k + 1
    if not out:
        return None
    out.extend(tokens[done:])
    parts.extend([False] * (len(tokens) - done))
    return tuple(out), tuple(parts)
