"""Whole gold articles cut into paragraphs (rhetoric.quality.paragraphs): the unit of the
SemEval-2023 Task 3 news data, rehearsed on the PTC articles by bench/quality.py."""

from __future__ import annotations

from rhetoric.quality.evaluation import GoldRecord, GoldSpan
from rhetoric.quality.paragraphs import paragraphs, split_paragraphs


def _article(text: str, *spans: tuple[int, int, str]) -> GoldRecord:
    return GoldRecord("a1", text, tuple(GoldSpan(*span) for span in spans), None)


def test_lines_become_paragraphs_and_blank_lines_go() -> None:
    text = "Title here\n\nFirst line.\n   \nSecond line."
    parts = list(paragraphs(_article(text)))
    assert [p.text for p in parts] == ["Title here", "First line.", "Second line."]
    assert [p.id for p in parts] == ["a1:p1", "a1:p2", "a1:p3"]


def test_spans_are_rebased_onto_their_line() -> None:
    text = "Calm opening.\nThey are traitors."
    start = text.index("traitors")
    (first, second) = paragraphs(_article(text, (start, start + 8, "Name_Calling,Labeling")))
    assert first.spans == ()
    (span,) = second.spans
    assert second.text[span.start : span.end] == "traitors"


def test_a_span_across_a_line_break_is_kept_in_each_line_it_covers() -> None:
    text = "Make it great\nagain and again.\nEnd."
    parts = split_paragraphs([_article(text, (5, 24, "Slogans"))])
    pieces = [p.text[s.start : s.end] for p in parts for s in p.spans]
    assert pieces == ["it great", "again and"]
    assert parts[2].spans == ()


def test_a_span_of_white_space_only_in_a_line_is_dropped() -> None:
    text = "One line \nTwo lines"
    (first, second) = paragraphs(_article(text, (8, 13, "Doubt")))
    assert first.spans == ()
    assert second.text[second.spans[0].start : second.spans[0].end] == "Two"
