"""``prepare()``: one pass from a raw comment to everything the rule engine matches on."""

from dataclasses import dataclass, field

from ..model import thawed
from .confusables import is_lookalike, latin_reading, may_be_disguised
from .normalize import OffsetMap, lookalike, normalize
from .plain import is_plain, plain_tokens
from .tokens import Token, build_tokens, hashtag_parts, join_letters, word_spans


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A comment with its normalized view, word tokens and joined-letter candidates.

    Spans in ``tokens``/``joined`` already point into ``original``; ``to_original`` and
    ``normalized_index`` translate spans found by regex rules on ``normalized``.
    """

    original: str
    normalized: str
    tokens: tuple[Token, ...]
    joined: tuple[Token, ...]
    _offsets: OffsetMap = field(repr=False, compare=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Span in ``normalized`` -> span in ``original`` covering every source char."""
        return self._offsets.to_original(start, end)

    def normalized_index(self, original_offset: int) -> int:
        """First normalized index whose source is at or after ``original_offset``."""
        return self._offsets.normalized_index(original_offset)


# One per prepared comment: built without the frozen __init__'s per-field cost.
_new_prepared = thawed(PreparedText)


def _unmask_lookalikes(
    original: str, normalized: str, spans: list[tuple[int, int]], offsets: OffsetMap
) -> tuple[str, dict[int, str]]:
    """Rewrite disguised Latin tokens in place; return the text and, per token index, the
    Latin reading of single-script words that are only offered as a variant.

    Which Latin letter a lookalike stands for can depend on its case before folding (Greek
    capital eta is "h", small eta "n"), so it is read from the source char.
    """
    patches: list[tuple[int, int, str]] = []
    readings: dict[int, str] = {}
    for index, (start, end) in enumerate(spans):
        token = normalized[start:end]
        if token.isascii() or not may_be_disguised(token):
            continue
        subs = {}
        for offset, char in enumerate(token):
            if is_lookalike(char):
                source_start, source_end = offsets.source_span(start + offset, start + offset + 1)
                latin = lookalike(original[source_start:source_end])
                if latin is not None:
                    subs[offset] = latin
        found = latin_reading(token, subs) if subs else None
        if found is None:
            continue
        if found[1]:
            patches.append((start, end, found[0]))
        else:
            readings[index] = found[0]
    if not patches:
        return normalized, readings
    pieces = []
    pos = 0
    for start, end, text in patches:
        pieces.append(normalized[pos:start])
        pieces.append(text)
        pos = end
    pieces.append(normalized[pos:])
    return "".join(pieces), readings


def prepare(text: str) -> PreparedText:
    """Normalize, tokenize and expand ``text`` for matching; never raises on any ``str``.

    Plain comments (see ``plain.py``) take a one-regex path: ASCII text, and any text
    whose every char folds to one ASCII char (curly quotes, fancy fonts).
    """
    normalized, offsets = normalize(text)
    return prepare_normalized(text, normalized, offsets)


def prepare_normalized(
    text: str,
    normalized: str,
    offsets: OffsetMap,
    plain: bool | None = None,
    pieces: list[str] | None = None,
) -> PreparedText:
    """``prepare`` given ``normalize(text)`` (and, when known, ``is_plain`` and
    ``word_pieces`` of it), for callers that already needed those: nothing is
    computed twice."""
    if is_one_to_one(normalized, offsets):
        if plain is None:
            plain = is_plain(normalized)
        if plain:
            tokens = plain_tokens(normalized, pieces)
            return _new_prepared(text, normalized, tokens, (), offsets)
    return _prepare_normalized(text, normalized, offsets)


def is_one_to_one(normalized: str, offsets: OffsetMap) -> bool:
    """Whether a normalized view is ASCII with one char per source char: then
    ``is_plain`` and ``plain_words`` tell what ``prepare`` would find, unprepared."""
    return offsets.is_identity and normalized.isascii()


def prepare_general(text: str) -> PreparedText:
    """``prepare`` for any text the long way (the reference for the plain path)."""
    normalized, offsets = normalize(text)
    return _prepare_normalized(text, normalized, offsets)


def _prepare_normalized(text: str, normalized: str, offsets: OffsetMap) -> PreparedText:
    spans = word_spans(normalized, offsets)
    readings: dict[int, str] = {}
    if not normalized.isascii():
        normalized, readings = _unmask_lookalikes(text, normalized, spans, offsets)
    tokens = build_tokens(normalized, spans, offsets, readings)
    joined = join_letters(normalized, spans, tokens)
    if "#" in text:
        tags = hashtag_parts(text, tokens)
        if tags:
            joined = (*joined, *tags)
    return _new_prepared(text, normalized, tokens, joined, offsets)
