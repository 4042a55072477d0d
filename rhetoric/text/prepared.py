"""``prepare()``: one pass from a raw comment to everything the rule engine matches on."""

from bisect import bisect_left
from dataclasses import dataclass, field

from .confusables import latin_reading
from .normalize import OffsetMap, normalize
from .tokens import Token, build_tokens, join_letters, word_spans


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


def _unmask_lookalikes(
    normalized: str, spans: list[tuple[int, int]], lookalikes: dict[int, str]
) -> tuple[str, dict[int, str]]:
    """Rewrite disguised Latin tokens in place; return the text and, per token index, the
    Latin reading of single-script words that are only offered as a variant."""
    positions = sorted(lookalikes)
    patches: list[tuple[int, int, str]] = []
    readings: dict[int, str] = {}
    for index, (start, end) in enumerate(spans):
        k = bisect_left(positions, start)
        if k == len(positions) or positions[k] >= end:
            continue
        subs = {}
        while k < len(positions) and positions[k] < end:
            subs[positions[k] - start] = lookalikes[positions[k]]
            k += 1
        found = latin_reading(normalized[start:end], subs)
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
    """Normalize, tokenize and expand ``text`` for matching; never raises on any ``str``."""
    normalized, offsets, lookalikes = normalize(text)
    spans = word_spans(normalized, offsets)
    readings: dict[int, str] = {}
    if lookalikes:
        normalized, readings = _unmask_lookalikes(normalized, spans, lookalikes)
    tokens = build_tokens(normalized, spans, offsets, readings)
    joined = join_letters(normalized, spans, tokens)
    return PreparedText(text, normalized, tokens, joined, offsets)
