"""Document heads (``--map TECHNIQUE=doc:LABEL``): their threshold is chosen for the
union with the rules' findings, as ``rhetoric eval --model`` counts documents, and the
plugin's faster document score gives exactly the probabilities of the plain definition."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import run
from rhetoric_plugins import scorer

from rhetoric import Analyzer, AnalyzerConfig

FILLER = (
    "the", "a", "cat", "dog", "walked", "home", "today", "was", "nice", "weather", "we",
    "should", "go", "to", "park", "later", "friends", "said", "it", "rained", "and", "then",
)  # fmt: skip


def labeled_corpus(path: Path, size: int, seed: int) -> Path:
    """Documents labeled "bad" when they hold "idiot" (the built-in rules report it as
    name-calling) or "zork" (a word no rule knows); the rest are "ok"."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            words = rng.sample(FILLER, 7)
            marker = ("idiot", "zork", None, None)[i % 4]
            if marker:
                words.insert(rng.randrange(len(words) + 1), marker)
            text = " ".join(words).capitalize() + "."
            record = {"id": f"d{i}", "text": text, "label": "bad" if marker else "ok"}
            out.write(json.dumps(record) + "\n")
    return path


def test_union_choice_keeps_the_floor_and_lets_the_rules_compete() -> None:
    from rhetoric.quality.training import SILENT, _doc_union_choice

    labels = [1, 1, 1, 1, 0, 0, 0, 0]
    reported = [True, True, False, False, False, False, False, False]  # rules: P 1, R 0.5
    # the model ranks one positive high, then two negatives, then the other positive
    probabilities = [0.1, 0.1, 0.92, 0.42, 0.62, 0.58, 0.05, 0.05]
    free = _doc_union_choice(probabilities, labels, reported, 0.0)
    assert 0.0 < free.cut < 1.0 and free.f1 > 2 / 3  # more than the rules' F1 (0.667)
    floored = _doc_union_choice(probabilities, labels, reported, 0.9)
    assert floored.cut > 0.62 and floored.precision == 1.0  # one found, no false alarm
    assert floored.f1 == pytest.approx(2 * 3 / (3 + 4))
    useless = _doc_union_choice([0.7, 0.1, 0.1, 0.1, 0.9, 0.8, 0.7, 0.6], labels, reported, 0.9)
    assert useless.cut == SILENT and useless.f1 == pytest.approx(2 / 3)


def test_a_document_head_adds_what_the_rules_miss(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = labeled_corpus(tmp_path / "gold.jsonl", 240, seed=11)
    model = tmp_path / "doc.json.gz"
    code, out = run(["train", str(gold), "--map", "name-calling=doc:bad", "-o", str(model),
                     "--c", "10", "--quiet"])  # fmt: skip
    assert code == 0, out
    (head,) = scorer.read_document(model)["heads"]
    assert head["kind"] == "doc" and 0 < head["threshold"] < 1
    held = head["held_out"]
    assert held["with_rules"] is True and held["precision"] == 1.0 and held["f1"] == 1.0
    fresh = labeled_corpus(tmp_path / "fresh.jsonl", 80, seed=12)
    results = []
    for flags in ([], ["--model", str(model)]):
        code, out = run(["eval", str(fresh), "--map", "name-calling=doc:bad", "--isolated",
                         "--format", "json", *flags])  # fmt: skip
        assert code == 0, out
        results.append(json.loads(out)["targets"][0]["document"])
    rules, union = results
    assert (rules["precision"], rules["recall"]) == (1.0, 0.5)  # the idiots only
    assert (union["precision"], union["recall"]) == (1.0, 1.0)  # and every zork


def test_cross_fit_chooses_on_every_record(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = labeled_corpus(tmp_path / "gold.jsonl", 120, seed=13)
    model = tmp_path / "doc.json"
    code, out = run(["train", str(gold), "--map", "name-calling=doc:bad", "-o", str(model),
                     "--c", "10", "--cross-fit", "--quiet"])  # fmt: skip
    assert code == 0, out
    document = scorer.read_document(model)
    (head,) = document["heads"]
    assert head["held_out"]["records"] == 120 and head["held_out"]["f1"] == 1.0
    assert 0 < head["threshold"] < 1 and document["training"]["command"].endswith("--cross-fit")
    hits = Analyzer.from_config(AnalyzerConfig(models=(model,), select=("model",))).check(
        "Then zork walked home."
    )
    assert [h.rule for h in hits.hits] == ["model-name-calling"]


def test_folds_of_records_extend_the_held_out_fifth() -> None:
    from rhetoric.quality.evaluation import GoldRecord
    from rhetoric.quality.training import held_out_records, record_folds

    for ids in ([f"r{i}" for i in range(50)], [f"doc{i % 12}:s{i}" for i in range(60)]):
        records = [GoldRecord(i, "text", (), None) for i in ids]
        folds = record_folds(records).tolist()
        assert set(folds) == {0, 1, 2, 3, 4}
        assert [f == 0 for f in folds] == held_out_records(records)[0]


@pytest.mark.parametrize("chars", [(3, 5), (0, 0), (2, 4)])
def test_document_score_equals_the_plain_definition(chars: tuple[int, int]) -> None:
    """Cached spellings and one weight table per head change how fast, never what: the
    same log-odds as summing :func:`document_features`' weights one by one."""
    rng = random.Random(sum(chars))
    vocabulary = [*FILLER, "Zork", "ZORK", "zörk", "naïve", "x", "it's", "f**k", "c@t", "42"]
    settings = scorer.FeatureSettings(chars=chars, context=0)
    features = {f for w in vocabulary for f in scorer.document_features(scorer.words(w), settings)}
    weights: dict[str, dict[str, float]] = {}
    for feature in sorted(features):
        if rng.random() < 0.7:
            kind, _, key = feature.partition("=")
            weights.setdefault(kind, {})[key] = rng.uniform(-3, 3)
    document = {
        "format": scorer.FORMAT, "version": scorer.FORMAT_VERSION, "name": "doc",
        "features": settings.to_dict(),
        "heads": [{"technique": "conspiracy-framing", "kind": "doc", "labels": ["doc:X"],
                   "bias": -0.37, "threshold": 0.5, "weights": weights}],
    }  # fmt: skip
    model = scorer.parse_model(document, Path("doc"))
    (head,) = model.heads
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(0, 40)))
        items = scorer.words(text)
        plain = scorer._document_logit(
            head.bias, head.weights, scorer.document_features(items, settings)
        )
        assert model.document_score(head, items) == plain  # exactly, twice (cached)
        assert model.document_score(head, items) == plain


def test_a_document_head_runs_in_the_analyzer(tmp_path: Path) -> None:
    document = {
        "format": scorer.FORMAT, "version": scorer.FORMAT_VERSION, "name": "doc",
        "status": "stable", "features": {"chars": [0, 0], "context": 0},
        "heads": [{"technique": "conspiracy-framing", "kind": "doc", "labels": ["doc:X"],
                   "bias": -2.0, "threshold": 0.5, "warning": 0.9,
                   "weights": {"word": {"zork": 9.0}}}],
    }  # fmt: skip
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    analyzer = Analyzer.from_config(AnalyzerConfig(models=(path,), select=("model",)))
    text = "  The zork walked home.  "
    (hit,) = analyzer.check(text).hits
    assert (hit.rule, hit.start, hit.end) == ("model-conspiracy-framing", 2, len(text) - 2)
    assert hit.evidence["features"] == {"word=zork": pytest.approx(9.0 / 2, abs=1e-3)}
    assert analyzer.check("The cat walked home.").hits == ()
