"""Character normalization of a comment, with an exact map back to the original text.

Rules match a folded view of the text (entities decoded, invisible characters dropped, NFKC,
case folded, accents stripped, curly quotes made straight), but findings must point at the
characters the user actually typed. The text is cut into *units* (one character with the
combining marks that follow it, or one HTML entity); each unit folds on its own into zero or
more characters, and every character it yields maps back to the whole unit. Because folding
is local to a unit, folding a slice of the text gives the same result as slicing the folded
text at unit boundaries, which is what makes token spans re-checkable.

Plain ASCII text (the common case) takes a fast path with an identity offset map, and so
does any text whose every char folds to exactly one char (one ``str.translate`` call).
"""

import html
import html.entities
import re
import unicodedata
from array import array
from bisect import bisect_left
from functools import lru_cache
from itertools import repeat
from typing import Final

from .confusables import CONFUSABLES, FONT_LETTERS
from .obfuscation import TOKEN_SIGNS, char_class
from .patterns import compiled

_ENTITY: Final = r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});"
_ENTITY_RE: Final = compiled(_ENTITY)
# Runs of non-ASCII text (stdlib `re` scans a plain class fastest); with an entity in the
# text, entities too. Whatever lies between matches is plain ASCII.
_NON_ASCII_RE: Final = re.compile(r"[^\x00-\x7f]+")
_UNIT_RE: Final = re.compile(rf"(?P<entity>{_ENTITY})|[^\x00-\x7f]+")
# One char with the combining marks that follow it: the unit of folding.
_CLUSTER_RE: Final = compiled(r"(?s:.)\p{M}*")
_MARK_RE: Final = compiled(r"\p{M}")
_FORMAT_RE: Final = compiled(r"\p{Cf}+")
# Marks that only decorate a letter (accents, zalgo, variation selectors). Script-specific
# marks (Devanagari vowel signs, Arabic harakat, Hebrew points) change the word and are kept.
_STRIP_MARKS_RE: Final = compiled(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
    "\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef]+"
)
# fmt: off
_QUOTES: Final[dict[int, str]] = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",
        "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    }
)
# fmt: on
_PRE_FOLD: Final[dict[int, str]] = {**FONT_LETTERS, **_QUOTES}
_PARENTHESIZED: Final = range(0x2474, 0x24B6)  # NFKC gives "(1)".."(z)"
# Chars a word token may contain (letters, digits, marks, leet/mask signs, apostrophe).
WORD_CHARS: Final = rf"\p{{L}}\p{{N}}\p{{M}}{char_class(TOKEN_SIGNS)}'"
_WORD_CHAR_RE: Final = compiled(f"[{WORD_CHARS}]")
_NON_WORD_CHAR_RE: Final = compiled(f"[^{WORD_CHARS}]")


def _fold_ascii(text: str) -> str:
    """ASCII folding: lower() equals casefold() on ASCII; the backtick is an apostrophe."""
    text = text.lower()
    return text.replace("`", "'") if "`" in text else text


def _strip_marks(text: str) -> str:
    """Drop decorating combining marks, keeping whatever precomposed letters remain."""
    decomposed = unicodedata.normalize("NFD", text)
    if _STRIP_MARKS_RE.search(decomposed) is None:
        return text
    return unicodedata.normalize("NFC", _STRIP_MARKS_RE.sub("", decomposed))


def _fold(unit: str, form: str) -> tuple[str, str | None]:
    """The folding pipeline for one unit, with ``form`` as the first normalization step."""
    text = unicodedata.normalize(form, unit)
    if text.isascii():
        return _fold_ascii(text), None
    if ord(unit[0]) in _PARENTHESIZED and text[:1] == "(" and text[-1:] == ")":
        text = text[1:-1]
    text = _FORMAT_RE.sub("", _strip_marks(text)).translate(_PRE_FOLD)
    latin = CONFUSABLES.get(text)
    text = text.casefold()
    if not text.isascii():
        # casefold() may undo the normalization or bring marks back (U+0130 -> "i" + U+0307).
        text = _strip_marks(unicodedata.normalize(form, text)).translate(_PRE_FOLD)
        if latin is None:
            latin = CONFUSABLES.get(text)
    else:
        text = _fold_ascii(text)
    return text, latin


def _splits_words(text: str) -> bool:
    """Whether ``text`` mixes word chars with separators (NFKC of "㏂" is "a.m.")."""
    return (
        len(text) > 1
        and _WORD_CHAR_RE.search(text) is not None
        and _NON_WORD_CHAR_RE.search(text) is not None
    )


@lru_cache(maxsize=8192)
def fold_unit(unit: str) -> tuple[str, str | None]:
    """Fold one unit; return its folded text and, when it folds to one lookalike letter, the
    Latin letter it resembles (applied later, only if the whole token qualifies).

    A unit must never fold into several words: those would be tokens sharing one source span.
    Compatibility expansions that would ("a.m.", "1/4", Arabic ligature phrases) fall back
    to canonical normalization, which keeps the symbol as typed.
    """
    text, latin = _fold(unit, "NFKC")
    if _splits_words(text):
        text, latin = _fold(unit, "NFC")
        if _splits_words(text):  # e.g. a mark on punctuation: keep what the base char is
            drop = _WORD_CHAR_RE if _NON_WORD_CHAR_RE.match(text) else _NON_WORD_CHAR_RE
            text = drop.sub("", text)
    return text, (latin if len(text) == 1 else None)


@lru_cache(maxsize=4096)
def decode_entity(entity: str) -> str | None:
    """Decode one ``&...;`` reference, or None when it names no HTML5 entity (left as text)."""
    if entity[1] == "#":
        return html.unescape(entity)
    return html.entities.html5.get(entity[1:])


class _CharFolds(dict[int, str]):
    """``str.translate`` table folding single characters, filled lazily.

    A run of non-ASCII text goes through one ``translate`` call. Chars that do not fold to
    exactly one char, and combining marks (which fold together with their base), are
    remembered as irregular: a run holding one takes the per-cluster path instead.
    """

    irregular: set[str]

    def __init__(self) -> None:
        super().__init__()
        self.irregular = set()

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold_unit(char)[0]
        if len(folded) != 1 or _MARK_RE.match(char):
            self.irregular.add(char)
        if len(self) >= 65536:  # bound memory on adversarial input; `irregular` stays exact
            self.clear()
        self[code] = folded
        return folded


_CHAR_FOLDS: Final = _CharFolds()


def lookalike(unit: str) -> str | None:
    """Latin letter that the source ``unit`` (char with marks, or entity) disguises, if any."""
    if len(unit) > 2 and unit[0] == "&" and unit[-1] == ";":
        decoded = decode_entity(unit)
        if decoded is not None:
            unit = decoded
    return fold_unit(unit)[1] if unit else None


class OffsetMap:
    """Maps spans of the normalized text to spans of the original (code points).

    ``starts[i]``/``ends[i]`` give the original unit that produced normalized char ``i``;
    both are None when the map is the identity (no char expanded or vanished), which is
    the common case and costs nothing to build.
    """

    __slots__ = ("_ends", "_norm_len", "_orig_len", "_starts")

    def __init__(
        self, orig_len: int, norm_len: int, starts: array | None, ends: array | None
    ) -> None:
        self._orig_len = orig_len
        self._norm_len = norm_len
        self._starts = starts
        self._ends = ends

    @property
    def is_identity(self) -> bool:
        """True when normalized index i comes from original index i."""
        return self._starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Span in the normalized text -> smallest original span covering its sources."""
        n = self._norm_len
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if self._starts is None or self._ends is None:
            return start, end
        if start < end:
            return self._starts[start], self._ends[end - 1]
        # Empty span: an empty span at the insertion point, except inside the expansion of
        # one source char (the "fi" ligature), where the best cover is that char.
        pos = self._starts[start] if start < n else self._orig_len
        return pos, max(pos, self._ends[start - 1]) if start else pos

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """``to_original`` for a valid non-empty span, without the clamping (hot path)."""
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]

    def continues_unit(self, index: int) -> bool:
        """Whether normalized char ``index`` comes from the same source as ``index - 1``."""
        if self._starts is None or not 0 < index < self._norm_len:
            return False
        return self._starts[index] == self._starts[index - 1]

    def normalized_index(self, original_offset: int) -> int:
        """First normalized index whose source starts at or after ``original_offset``."""
        if self._starts is None:
            return min(max(original_offset, 0), self._norm_len)
        return bisect_left(self._starts, original_offset)


@lru_cache(maxsize=1024)
def _identity(size: int) -> OffsetMap:
    """The identity map of ``size`` chars, shared (a map never changes): most comments
    need one, and a cache hit costs less than ``OffsetMap.__init__``'s Python frame."""
    return OffsetMap(size, size, None, None)


# A text cut into ASCII, non-ASCII, ASCII, ... runs (one split, ASCII runs at even places).
_NON_ASCII_SPLIT: Final = re.compile(r"([^\x00-\x7f]+)")


def fold_chars(text: str) -> str:
    """``text.translate(_CHAR_FOLDS)``, with only the non-ASCII runs looked up in the
    table: an ASCII char folds as ``_fold_ascii`` folds it (one char, never irregular;
    ``tests/test_text_properties.py``), so those runs are lowered at C speed instead of
    one table lookup per char (most chars of a non-ASCII comment are ASCII)."""
    parts = _NON_ASCII_SPLIT.split(text)
    parts[0::2] = map(str.replace, map(str.lower, parts[0::2]), repeat("`"), repeat("'"))
    parts[1::2] = map(str.translate, parts[1::2], repeat(_CHAR_FOLDS))
    return "".join(parts)


def normalize(text: str) -> tuple[str, OffsetMap]:
    """Fold ``text``; return the normalized text and its offset map."""
    if text.isascii() and ("&" not in text or _ENTITY_RE.search(text) is None):
        folded = text.lower()  # _fold_ascii, inline: the common case
        if "`" in folded:
            folded = folded.replace("`", "'")
        return folded, _identity(len(text))
    folds = _CHAR_FOLDS
    has_entity = "&" in text and _ENTITY_RE.search(text) is not None
    if not has_entity:
        folded = fold_chars(text)
        if len(folded) == len(text) and folds.irregular.isdisjoint(text):
            return folded, _identity(len(text))
    pieces: list[str] = []
    starts = array("i")
    ends = array("i")
    pos = 0
    size = 0
    for match in (_UNIT_RE if has_entity else _NON_ASCII_RE).finditer(text):
        a, b = match.span()
        unit = match.group()
        if a > pos and _MARK_RE.match(unit):  # the ASCII char before carries the first mark
            a -= 1
            unit = text[a:b]
        if a > pos:  # plain ASCII in between: identity offsets
            pieces.append(_fold_ascii(text[pos:a]))
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
            size += a - pos
        pos = b
        if has_entity and match.lastgroup == "entity":
            decoded = decode_entity(unit)
            if decoded is None:  # not an entity after all: literal ASCII text
                pieces.append(_fold_ascii(unit))
                starts.extend(range(a, b))
                ends.extend(range(a + 1, b + 1))
                size += b - a
                continue
            clusters = [(a, b, fold_unit(decoded)[0] if decoded else "")]
        else:
            run = unit.translate(folds)
            if len(run) == b - a and folds.irregular.isdisjoint(unit):
                pieces.append(run)  # every char folded to one char: identity offsets
                starts.extend(range(a, b))
                ends.extend(range(a + 1, b + 1))
                size += b - a
                continue
            clusters = [
                (a + c.start(), a + c.end(), fold_unit(c.group())[0])
                for c in _CLUSTER_RE.finditer(unit)
            ]
        for start, end, folded in clusters:
            if folded:
                pieces.append(folded)
                starts.extend([start] * len(folded))
                ends.extend([end] * len(folded))
                size += len(folded)
    if pos < len(text):
        pieces.append(_fold_ascii(text[pos:]))
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
        size += len(text) - pos
    return "".join(pieces), OffsetMap(len(text), size, starts, ends)
