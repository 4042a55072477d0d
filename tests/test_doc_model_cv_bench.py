"""bench/doc_model_cv.py cuts a gold file into folds by a hash of the record id, so each
record is scored once by a model that never saw it; checked here on records written for
the test (nothing is trained, the corpora in ../shared are not needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from conftest import load_bench


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("doc_model_cv")


def test_folds_cover_every_record_once_and_train_on_the_rest(
    bench: ModuleType, tmp_path: Path
) -> None:
    records = [{"id": f"r{i}", "text": f"Message {i}.", "label": "X"} for i in range(60)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    folds = bench.split(gold, tmp_path, 5, seed=0)
    ids = [[json.loads(x)["id"] for x in p.read_text().splitlines()] for _, p in folds]
    assert sorted(i for fold in ids for i in fold) == sorted(r["id"] for r in records)
    assert all(ids)  # sixty records do not all fall in a few folds
    for (train, _), test_ids in zip(folds, ids, strict=True):
        train_ids = {json.loads(x)["id"] for x in train.read_text().splitlines()}
        assert train_ids == {r["id"] for r in records} - set(test_ids)
    (tmp_path / "again").mkdir()
    again = bench.split(gold, tmp_path / "again", 5, seed=0)
    assert [p.read_text() for _, p in again] == [p.read_text() for _, p in folds]  # fixed folds
    other = [bench.fold_of(f"r{i}", 5, 1) for i in range(60)]
    assert other != [bench.fold_of(f"r{i}", 5, 0) for i in range(60)]  # the seed moves them


def test_counts_sum_and_score_documents(bench: ModuleType) -> None:
    total = bench.Counts()
    total.add(bench.Counts(3, 4, 5))
    total.add(bench.Counts(1, 1, 3))
    assert (total.tp, total.predicted, total.gold) == (4, 5, 8)
    p, r, f = total.prf()
    assert (p, r) == (80.0, 50.0) and f == pytest.approx(200 * 4 / 13)


def test_without_the_shared_data_it_says_why_and_succeeds(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--gold", str(tmp_path / "absent.jsonl"), "--work", str(tmp_path)]) == 0
    assert "skipped: no gold file" in capsys.readouterr().out
