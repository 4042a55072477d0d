"""Cut whole gold articles into paragraphs, the unit the SemEval-2023 Task 3 data labels.

SemEval-2023 Task 3 labels each line of a news article (its "paragraphs"); the PTC
articles of SemEval-2020 Task 11 come whole, with character spans over the article. To
rehearse the paragraph-level measurement on them, each article is cut at its line breaks,
empty and blank lines are dropped, and every gold span is re-based onto the lines it
touches. A span that crosses a line break is clipped to each line it covers and kept in
every one of them (its piece in each line, stripped of surrounding white space), which is
what a paragraph-level label does: the technique is present in both paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .evaluation import GoldRecord, GoldSpan


def paragraphs(record: GoldRecord) -> Iterator[GoldRecord]:
    """The non-blank lines of ``record`` as records of their own, spans re-based and
    clipped to the line (ids ``ARTICLE:pN``, N counting kept paragraphs from 1)."""
    text = record.text
    start = 0
    number = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        line = text[start:end]
        if line.strip():
            number += 1
            yield GoldRecord(
                id=f"{record.id}:p{number}",
                text=line,
                spans=tuple(_clipped(record.spans, start, end, text)),
                label=record.label,
            )
        start = end + 1


def split_paragraphs(records: Iterable[GoldRecord]) -> list[GoldRecord]:
    """Every record cut into its paragraphs, in order."""
    return [paragraph for record in records for paragraph in paragraphs(record)]


def _clipped(spans: Iterable[GoldSpan], start: int, end: int, text: str) -> Iterator[GoldSpan]:
    for span in spans:
        lo, hi = max(span.start, start), min(span.end, end)
        # Only white space of the span inside this line is no label here.
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            yield GoldSpan(lo - start, hi - start, span.label)
