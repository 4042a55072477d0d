"""Hostile text never raises and never yields an invalid span (hypothesis).

Texts are drawn from arbitrary Unicode (lone surrogates included, as JSON input can
carry them) mixed with the pieces that break text handling in practice: NUL, BOMs,
``\\r\\n`` and lone ``\\r``, combining marks, emoji ZWJ sequences, right-to-left
text and controls, and words the rules do report, so that hits occur. Properties:
no exception; every span inside the text with ``hit.text == text[start:end]``; the
same report twice; and the same report whether a text is checked alone
(``Analyzer.check``) or inside a JSONL batch (``rhetoric check``).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment
from rhetoric.cli import main
from rhetoric.wire import report_to_dict

ANALYZER = Analyzer.from_config(AnalyzerConfig(readability=()))
PIECES = [
    "\x00", "\ufeff", "\r\n", "\r", "\n", "\t", "\u0301", "\u0301" * 30, "e\u0308\u0323",
    "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "\u200b", "\u200d", "\u00ad",
    "مرحبا بالعالم", "שלום", "\u202e", "\u2067", "\u2069", "\ud800", "\udfff", "\ud83d",
    "𝐢𝐝𝐢𝐨𝐭", "ｉｄｉｏｔ", " idiot ", " f*ck ", " sh1t ", "f u c k", " the deep state ",
    " vermin ", "&amp;", "&#105;diot", " ", ".", "*" * 12,
]  # fmt: skip
ANY_CHAR = st.characters(codec=None)  # every code point, surrogates included
HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHAR, max_size=8)), max_size=25)
TEXTS = HOSTILE.map("".join)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_valid(report_text: str, hits: list[dict[str, object]]) -> None:
    for hit in hits:
        start, end = hit["start"], hit["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start < end <= len(report_text), hit
        assert report_text[start:end] == hit["text"], hit


@SETTINGS
@given(TEXTS)
def test_any_text_gives_valid_spans_and_the_same_report_twice(text: str) -> None:
    first = report_to_dict(ANALYZER.check(Comment("c", text)))
    second = report_to_dict(ANALYZER.check(Comment("c", text)))
    assert_valid(text, first["hits"])
    assert first == second
    assert first["errors"] == []


def test_the_hostile_pieces_do_produce_hits() -> None:
    """Guards the property above against passing vacuously."""
    text = "".join(PIECES)
    report = ANALYZER.check(Comment("c", text))
    assert {"name-calling", "profanity"} <= {hit.technique for hit in report.hits}
    assert_valid(text, [{"start": h.start, "end": h.end, "text": h.text} for h in report.hits])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=12))
def test_a_text_gets_the_same_report_alone_and_inside_a_batch(
    tmp_path_factory: object, texts: list[str]
) -> None:
    # A high surrogate followed by a low one is two code points in Python but one
    # character once written as JSON escapes and read back: JSON cannot carry such a
    # text unchanged, so it cannot be compared with itself checked alone.
    texts = [t for t in texts if json.loads(json.dumps(t)) == t] or ["plain text"]
    folder = Path(tmp_path_factory.mktemp("batch"))  # type: ignore[attr-defined]
    dump = folder / "batch.jsonl"
    # json.dumps escapes lone surrogates as \udXXX, the way other producers do.
    dump.write_text(
        "".join(json.dumps({"id": f"c{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    )
    out = io.StringIO()
    code = main(
        ["check", "--isolated", "--format", "jsonl", "--fail-on", "never", str(dump)], out=out
    )
    assert code == 0, out.getvalue()
    batch = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [record["id"] for record in batch] == [f"c{i}" for i in range(len(texts))]
    for i, (text, record) in enumerate(zip(texts, batch, strict=True)):
        alone = report_to_dict(ANALYZER.check(Comment(f"c{i}", text)))
        assert record == alone
        assert_valid(text, record["hits"])
