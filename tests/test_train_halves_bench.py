"""bench/train_halves.py cuts a training split into two halves by document, so that a
model trained on one half is measured on articles it never saw; checked here on records
written for the test (the corpora in ../shared are not needed, nothing is trained)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import load_bench

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("train_halves")


def test_document_prefers_article_id_then_the_id_prefix(bench: ModuleType) -> None:
    assert bench.document({"id": "a1:sent3", "article_id": "paper-9"}) == "paper-9"
    assert bench.document({"id": "a1:sent3"}) == "a1"
    assert bench.document({"id": "lonely"}) == "lonely"


def test_split_keeps_every_document_on_one_side(bench: ModuleType, tmp_path: Path) -> None:
    records = [
        {"id": f"doc{d}:sent{s}", "text": f"Sentence {s} of article {d}.", "spans": []}
        for d in range(12)
        for s in range(3)
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    halves = bench.split(gold, tmp_path)
    sides = [
        {json.loads(line)["id"].split(":")[0] for line in path.read_text().splitlines()}
        for path in halves
    ]
    assert not sides[0] & sides[1]
    assert sides[0] | sides[1] == {f"doc{d}" for d in range(12)}
    assert sum(len(p.read_text().splitlines()) for p in halves) == len(records)
    assert all(sides)  # twelve documents do not all fall on one side
