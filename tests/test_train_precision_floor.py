"""The precision floor of span thresholds (``rhetoric train --min-precision``): a
threshold is chosen only where the held-out union keeps its span precision, and a
head no threshold keeps precise stays silent (threshold 1, the rules alone)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import run
from rhetoric_plugins import scorer

FILLER = ("the", "cat", "walked", "home", "today", "weather", "was", "nice", "we", "went")


def vague_corpus(path: Path, size: int = 200, seed: int = 3) -> Path:
    """Every record has "blip"; one in four of them is labeled Z, which no feature
    tells apart: a model can find blips at about 25 % precision and no better."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            words = rng.sample(FILLER, 5)
            words.insert(rng.randrange(len(words) + 1), "blip")
            text = " ".join(words).capitalize() + "."
            start = text.lower().index("blip")
            labeled = rng.random() < 0.25
            spans = [{"start": start, "end": start + 4, "label": "Z"}] if labeled else []
            out.write(json.dumps({"id": f"v{i}", "text": text, "spans": spans}) + "\n")
    return path


def test_the_floor_skips_imprecise_cuts_and_falls_back_to_silence() -> None:
    from rhetoric.quality.training import SILENT, _smoothed_choice

    cuts = (0.2, 0.3, 0.4, 0.5)
    scored = list(zip(cuts, (0.36, 0.42, 0.40, 0.30), strict=True))
    precisions = dict(zip(cuts, (0.30, 0.45, 0.55, 0.70), strict=True))
    free = _smoothed_choice(scored, 0.0)
    assert free.cut == 0.3
    floored = _smoothed_choice(scored, 0.0, 0.5, precisions, (0.2, 0.6))
    assert (floored.cut, floored.f1, floored.precision) == (0.4, 0.40, 0.55)
    # nothing reaches 0.8: the rules alone, with their own F1 and precision
    silent = _smoothed_choice(scored, 0.0, 0.8, precisions, (0.2, 0.6))
    assert (silent.cut, silent.f1, silent.precision) == (SILENT, 0.2, 0.6)
    # the rules alone beat every precise cut: silence wins too
    assert _smoothed_choice(scored, 0.0, 0.5, precisions, (0.5, 0.9)).cut == SILENT


def test_an_imprecise_head_trains_silent_and_says_so(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = vague_corpus(tmp_path / "vague.jsonl")
    model = tmp_path / "vague.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model),
                     "--alone", "--no-prior", "--quiet", "--no-examples"])  # fmt: skip
    assert code == 0, out
    head = scorer.read_document(model)["heads"][0]
    assert head["threshold"] == 1.0 and "silent" in out
    assert head["held_out"]["min_precision"] == 0.5
    loaded = scorer.load_model(model)
    assert loaded.predict("Then blip walked home.") == []
    # the head's weights are kept: a threshold given at run time revives it
    assert [p.start for p in loaded.predict("Then blip walked home.", 0.1)] == [5]


def test_without_a_floor_the_same_data_gets_a_threshold(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = vague_corpus(tmp_path / "vague.jsonl")
    model = tmp_path / "vague.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model),
                     "--alone", "--no-prior", "--quiet", "--no-examples",
                     "--min-precision", "0"])  # fmt: skip
    assert code == 0, out
    document = scorer.read_document(model)
    head = document["heads"][0]
    assert head["threshold"] < 1.0 and head["held_out"]["precision"] < 0.5
    assert "--min-precision 0.0" in document["training"]["command"]


def test_min_precision_out_of_range_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = vague_corpus(tmp_path / "vague.jsonl", size=10)
    code, _ = run(["train", str(gold), "--map", "name-calling=Z", "-o",
                   str(tmp_path / "m.json"), "--min-precision", "1.5"])  # fmt: skip
    assert code == 2
    assert "--min-precision must be within 0..1" in capsys.readouterr().err


def test_a_silent_head_reports_nothing_until_the_option_lowers_it(tmp_path: Path) -> None:
    """Threshold 1 is silence for span and document heads alike (training's answer when
    the rules alone do best), even where a probability rounds to 1.0."""
    from test_scorer import model_document

    path = tmp_path / "silent.json"
    path.write_text(json.dumps(model_document(threshold=1.0, warning=1.0)), encoding="utf-8")
    assert scorer.load_model(path).predict("You zork!") == []
    document = model_document(threshold=1.0, warning=1.0, kind="doc", labels=["doc:bad"])
    document["heads"][0]["weights"] = {"word": {"zork": 900.0}}
    path = tmp_path / "silent-doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    model = scorer.load_model(path)
    assert model.predict("You zork!") == []
    assert [p.head.kind for p in model.predict("You zork!", threshold=0.5)] == ["doc"]
    document["heads"][0]["threshold"] = 1.5
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(scorer.ModelError, match="need 0 < threshold < 1"):
        scorer.load_model(path)
