"""The neural span model (``rhetoric train --kind neural``, run by the ``scorer`` plugin
with numpy): a hand-built network whose answer is known, its file checks, and training
on a tiny corpus when torch is installed (skipped otherwise: torch is training-only)."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run
from rhetoric_plugins import _neural as neural
from rhetoric_plugins import scorer
from test_scorer import zork_corpus

from rhetoric import Analyzer, AnalyzerConfig, Comment

np = pytest.importorskip("numpy")

SIZES = {"word_buckets": 1 << 12, "char_buckets": 8, "hidden": 2, "char_dim": 2, "filters": 1,
         "word_dim": 1}  # fmt: skip


def network_document(threshold: float = 0.5, **changes: Any) -> dict[str, Any]:
    """A network that flags exactly the word "zork": its word embedding is 1 (0 for
    every other bucket), the forward GRU's candidate gate reads it (update gate shut, so
    a state never lingers on the next word), and the head turns that state into
    log-odds 10 * tanh(6) - 5, about +5, against -5 for any other word."""
    h = SIZES["hidden"]
    size = len(neural.WIDTHS) * SIZES["filters"] + SIZES["word_dim"] + len(neural.SHAPES)
    shapes = neural.tensor_shapes(SIZES)
    tensors = {name: np.zeros(shape, dtype=np.float32) for name, shape in shapes.items()}
    tensors["word_emb.weight"][neural.word_bucket("zork", SIZES["word_buckets"]), 0] = 1.0
    word_column = len(neural.WIDTHS) * SIZES["filters"]
    tensors["context.weight_ih_l0"][2 * h, word_column] = 6.0  # candidate of unit 0
    tensors["context.bias_ih_l0"][h : 2 * h] = -30.0  # update gate shut: no memory
    tensors["head.weight"][0, 0] = 10.0
    tensors["head.bias"][0] = -5.0
    assert size == shapes["context.weight_ih_l0"][1]
    document = {
        "format": neural.FORMAT,
        "version": neural.FORMAT_VERSION,
        "name": "tiny-neural",
        "status": "stable",
        "training": {"command": "by hand", "data": [{"path": "none"}]},
        "network": dict(SIZES),
        "head": {
            "technique": "name-calling",
            "labels": ["Z"],
            "threshold": threshold,
            "warning": 0.999,
        },
        "tensors": {name: neural.encode_tensor(value) for name, value in tensors.items()},
    }
    document.update(changes)
    return document


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.json.gz"
    scorer.write_model(network_document(), path)
    return path


def analyzer_with(*models: Path) -> Analyzer:
    return Analyzer.from_config(AnalyzerConfig(models=models, readability=(), select=("model",)))


def test_the_network_flags_the_word_it_was_built_for(tiny: Path) -> None:
    text = "Well, you zork. The cat and the dog zork again!"
    hits = analyzer_with(tiny).check(Comment("c", text)).hits
    assert [(h.start, h.end, h.text) for h in hits] == [(10, 14, "zork"), (36, 40, "zork")]
    for hit in hits:
        assert hit.rule == "model-name-calling" and hit.technique == "name-calling"
        assert hit.evidence["model"] == "tiny-neural"
        # the words that carried the hit, with their probabilities
        assert list(hit.evidence["features"]) == ["word=zork"]
        assert hit.evidence["features"]["word=zork"] > 0.99
        assert hit.severity.value == "info"  # below the 0.999 warning probability
    assert analyzer_with(tiny).check(Comment("c", "The cat and the dog.")).hits == ()


def test_the_threshold_decides(tmp_path: Path) -> None:
    path = tmp_path / "all.json.gz"
    scorer.write_model(network_document(threshold=0.005), path)  # every word's p ~ 0.0067
    hits = analyzer_with(path).check(Comment("c", "The cat sat. A dog ran")).hits
    assert [h.text for h in hits] == ["The cat sat", "A dog ran"]  # runs stop at sentences


def test_hits_through_check_and_eval(tiny: Path, tmp_path: Path) -> None:
    gold = zork_corpus(tmp_path / "gold.jsonl", size=20)
    code, out = run(["eval", str(gold), "--map", "name-calling=Z", "--model", str(tiny),
                     "--select", "model", "--format", "json"])  # fmt: skip
    assert code == 0, out
    spans = json.loads(out)["targets"][0]["span_overlap"]
    assert spans["precision"] == spans["recall"] == 1.0


def _broken(change: str) -> dict[str, Any]:
    document = copy.deepcopy(network_document())
    if change == "version":
        document["version"] = 99
    elif change == "shape":
        document["tensors"]["head.bias"]["shape"] = [2]
    elif change == "missing":
        del document["tensors"]["head.weight"]
    elif change == "network":
        document["network"]["hidden"] = 0
    elif change == "nan":
        document["tensors"]["head.bias"] = neural.encode_tensor(np.array([np.nan]))
    elif change == "head":
        document["head"]["weights"] = {}
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("version", "neural model format version 99 is not supported"),
        ("shape", "tensors.head.bias must have shape [1]"),
        ("missing", "'tensors' must hold exactly"),
        ("network", "network.hidden must be a positive integer"),
        ("nan", "tensors.head.bias has values that are not finite"),
        ("head", "head: unknown keys: weights"),
    ],
)
def test_bad_neural_files_are_refused_naming_the_file(
    tmp_path: Path, change: str, message: str
) -> None:
    path = tmp_path / "bad.json.gz"
    path.write_bytes(gzip.compress(json.dumps(_broken(change)).encode()))
    with pytest.raises(scorer.ModelError, match=str(path)) as caught:
        scorer.load_model(path)
    assert message in str(caught.value)


def test_training_without_torch_says_what_to_install(tmp_path: Path) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("torch is installed")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=20)
    code, _ = run(["train", str(gold), "--map", "name-calling=Z", "--kind", "neural",
                   "-o", str(tmp_path / "m.json.gz"), "--quiet"])  # fmt: skip
    assert code != 0
    assert not (tmp_path / "m.json.gz").exists()


def test_training_learns_the_labeled_word(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=160)
    model = tmp_path / "zork.json.gz"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "--kind", "neural",
                     "--epochs", "4", "-o", str(model), "--quiet"])  # fmt: skip
    assert code == 0, out
    assert "epoch" in out
    data = json.loads(gzip.decompress(model.read_bytes()))
    assert data["format"] == neural.FORMAT and data["training"]["command"].endswith("--seed 1")
    hits = analyzer_with(model).check(Comment("c", "Then zork walked home. The cat was nice.")).hits
    assert [h.text for h in hits] == ["zork"]
