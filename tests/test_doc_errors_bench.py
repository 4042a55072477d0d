"""bench/doc_errors.py counts a document corpus's false alarms by rule and term and the
same terms' span precision on a training split; checked here on records written for
the test (the corpora in ../shared are not needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import load_bench

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("doc_errors")


RECORDS = [
    {"id": "a", "text": "You are an idiot and everyone knows it.", "label": "offensive"},
    {"id": "b", "text": "What an idiot I was to miss the bus.", "label": "normal"},
    {"id": "c", "text": "Lovely weather for a walk today.", "label": "normal"},
    {"id": "d", "text": "They should all go away.", "label": "hatespeech"},
]


def test_false_alarms_by_rule_and_term(bench: ModuleType) -> None:
    analyzer = bench.build([], builtin=True, preview=False)
    errors = bench.doc_errors(analyzer, RECORDS)
    assert (errors.flagged, errors.false_alarms, errors.misses) == (2, 1, 1)
    assert errors.rule_any["insult-label"] == 1 and errors.rule_only["insult-label"] == 1
    assert errors.term_negative[("insult-label", "idiot")] == 1
    assert errors.term_positive[("insult-label", "idiot")] == 1
    assert errors.term_only[("insult-label", "idiot")] == 1


def test_span_precision_counts_overlaps(bench: ModuleType) -> None:
    analyzer = bench.build([], builtin=True, preview=False)
    text = "Shut up, idiot. Another idiot wrote this."
    first = text.index("idiot")
    records = [
        {"id": "t", "text": text, "spans": [{"start": first, "end": first + 5, "label": "toxic"}]}
    ]
    counts = bench.span_precision(analyzer, records, frozenset({"toxic"}))
    assert counts[("insult-label", "idiot")] == (2, 1)


def test_table_names_terms_not_text(bench: ModuleType) -> None:
    analyzer = bench.build([], builtin=True, preview=False)
    errors = bench.doc_errors(analyzer, RECORDS)
    out = bench.table(errors, {("insult-label", "idiot"): (4, 3)}, top=5)
    assert "| insult-label | idiot | 1 | 1 | 1 | 4 | 75.0 |" in out
    assert "bus" not in out and "weather" not in out


def test_missing_corpus_is_skipped(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--data", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().err


def test_reads_jsonl(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    assert [r["id"] for r in bench.read(path)] == ["a", "b", "c", "d"]
