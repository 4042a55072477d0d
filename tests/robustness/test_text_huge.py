"""Very long inputs finish and report exact positions.

Not benchmarks: the bounds only tell a hang from slowness (pytest-timeout is not
used), each case takes about a second.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from rhetoric import Analyzer, AnalyzerConfig, Comment
from rhetoric.cli import main

ANALYZER = Analyzer.from_config(AnalyzerConfig(readability=()))
HANG_GUARD = 60.0  # seconds; these cases take about one


def test_a_10_mb_single_line_file(tmp_path: Path) -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis-" * 10 + " "
    body = word * (10_000_000 // len(word) + 1)
    text = body + "and you are an idiot"
    assert len(text) > 10_000_000 and "\n" not in text
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    began = time.monotonic()
    out = io.StringIO()
    code = main(["check", "--isolated", "--format", "sarif", str(path)], out=out)
    assert time.monotonic() - began < HANG_GUARD
    assert code == 1
    [result] = json.loads(out.getvalue())["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (1, len(text) - 4)
    assert region["snippet"]["text"] == "idiot"


@pytest.mark.parametrize(
    "word",
    [
        "Supercalifragilistic" * 50_000,  # a 1 MB word of letters
        "a" * 1_000_000,  # one letter stretched: the obfuscation reader's worst case
        "f*" * 500_000,  # masking characters, deeply repeated
        "1d10t" * 200_000,  # leetspeak, deeply repeated
        "i\u200bd" * 333_334,  # zero-width characters between letters
        "e" + "\u0301" * 999_999,  # one letter under a million combining marks
    ],
    ids=["letters", "stretched", "masked", "leet", "zero-width", "combining"],
)
def test_a_1_mb_word_without_spaces(word: str) -> None:
    text = f"Listen, you moron: {word} is not a word."
    began = time.monotonic()
    report = ANALYZER.check(Comment("w", text))
    assert time.monotonic() - began < HANG_GUARD
    spans = [(hit.start, hit.end) for hit in report.hits]
    assert (12, 17) in spans  # the insult before the monster word is still found
    for hit in report.hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.text


def test_a_10_mb_run_of_one_letter_is_checked_without_exhausting_memory() -> None:
    from rhetoric import Analyzer, AnalyzerConfig

    report = Analyzer.from_config(AnalyzerConfig()).check("x" * 10_000_000)
    assert report.hits == () and report.errors == ()
