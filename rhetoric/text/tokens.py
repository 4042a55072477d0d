"""Word tokens of the normalized text, their phrase glue, and spelled-out letter runs.

Tokens are cut on the normalized view but keep the word boundaries of the original, so
"Scunthorpe" or "classic" stay one token and whole-token matching never fires inside them.
Leet and mask signs belong to a token when they sit in or next to its letters ("sh!t",
"f**k", "@ss"); punctuation and markdown emphasis around a word do not ("idiot!!",
"**stupid**").
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import regex

from .normalize import WORD_CHARS, OffsetMap
from .variants import analyze


@dataclass(frozen=True, slots=True)
class Token:
    """One word (or joined letter run) with its span in the original text.

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


# Word chars plus leet/mask signs and apostrophes; a lone "!" only, since "!!" is punctuation.
_RUN_RE: Final = regex.compile(f"(?:[{WORD_CHARS.replace('!', '')}]|(?<!!)!(?!!))+")
_ALNUM_RE: Final = regex.compile(r"[\p{L}\p{N}]")
_LETTER_RE: Final = regex.compile(r"\p{L}")
_SIGNS: Final = "@$!|+*#%'"
_LEADING_MASK: Final = "*#%"

# Between two tokens of one phrase: blanks, one line break at most, dashes, quotes, and the
# markdown emphasis signs that wrap words ("*deep* state").
_GLUE_RE: Final = regex.compile(
    "[ \t\r\n\"'\\-*_\u00ab\u00bb\u2010-\u2015\u2039\u203a\u2212\u3000]*"
)
_LETTER_GAP_RE: Final = regex.compile(r"[ \t.\-_*,]{1,2}")
_STARRED_RE: Final = regex.compile(r"\p{L}(?:\*\p{L}){2,}")
MAX_JOINED_RUN: Final = 24
MIN_JOINED_RUN: Final = 3


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


def word_spans(normalized: str, offsets: OffsetMap) -> list[tuple[int, int]]:
    """Spans (in ``normalized``) of the word tokens, in order.

    Trimming never cuts through the output of one source char (a mark on "!" folds to two
    chars): the span grows back to whole units, so ``norm`` is exactly what its span makes.
    """
    spans = []
    for match in _RUN_RE.finditer(normalized):
        run = match.group()
        run_start, run_end = match.span()
        if run.isalnum():
            spans.append((run_start, run_end))
            continue
        bounds = _trim(run)
        if bounds is None:
            continue
        start, end = run_start + bounds[0], run_start + bounds[1]
        while start > run_start and offsets.continues_unit(start):
            start -= 1
        while end < run_end and offsets.continues_unit(end):
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


def build_tokens(
    normalized: str,
    spans: Sequence[tuple[int, int]],
    offsets: OffsetMap,
    readings: dict[int, str],
) -> tuple[Token, ...]:
    """Token objects for ``spans``; ``readings`` adds a Latin reading as a first variant."""
    tokens = []
    previous_end = -1
    for index, (start, end) in enumerate(spans):
        norm = normalized[start:end]
        variants, mask = analyze(norm)
        reading = readings.get(index)
        if reading is not None:
            extra = (reading, *analyze(reading)[0])
            variants = tuple(dict.fromkeys(v for v in (*extra, *variants) if v != norm))
        glue = previous_end >= 0 and is_glue(normalized[previous_end:start])
        previous_end = end
        orig_start, orig_end = offsets.to_original(start, end)
        tokens.append(Token(index, orig_start, orig_end, norm, variants, mask, glue))
    return tuple(tokens)


def _joined(letters: Sequence[Token]) -> Token:
    """One candidate made of consecutive single-letter tokens."""
    norm = "".join(token.norm for token in letters)
    first = letters[0]
    return Token(
        first.index, first.start, letters[-1].end, norm, analyze(norm)[0], None, first.glue
    )


def _sub_runs(letters: Sequence[Token]) -> list[Token]:
    """Every contiguous sub-run of at least three letters, in chunks of at most 24."""
    out = []
    for chunk_start in range(0, len(letters), MAX_JOINED_RUN):
        chunk = letters[chunk_start : chunk_start + MAX_JOINED_RUN]
        for i in range(len(chunk)):
            for j in range(i + MIN_JOINED_RUN, len(chunk) + 1):
                part = chunk[i:j]
                if any(token.norm.isalpha() for token in part):
                    out.append(_joined(part))
    return out


def join_letters(
    normalized: str, spans: Sequence[tuple[int, int]], tokens: Sequence[Token]
) -> tuple[Token, ...]:
    """Candidates for words spelled out letter by letter: "f u c k", "f.u.c.k", "f*u*c*k"."""
    out: list[Token] = []
    run: list[Token] = []
    gap_kind: str | None = None

    def flush() -> None:
        if len(run) >= MIN_JOINED_RUN:
            out.extend(_sub_runs(run))

    for k, token in enumerate(tokens):
        start, end = spans[k]
        single = end - start == 1 and token.norm.isalnum()
        if single and run:
            gap = normalized[spans[k - 1][1] : start]
            if _LETTER_GAP_RE.fullmatch(gap) is not None:
                if gap_kind in (None, gap):
                    gap_kind = gap
                    run.append(token)
                    continue
                flush()  # another separator: the previous letter may start a new run
                run = [run[-1], token]
                gap_kind = gap
                continue
        flush()
        run = [token] if single else []
        gap_kind = None
        if not single and _STARRED_RE.fullmatch(token.norm) is not None:
            norm = token.norm.replace("*", "")
            out.append(
                Token(token.index, token.start, token.end, norm, analyze(norm)[0], None, token.glue)
            )
    flush()
    return tuple(out)
