"""The trained scorer: ``rhetoric train`` on small hand-made corpora with known
answers, the model file (round trip, refusal of bad files), the ``scorer`` plugin
(exact spans, evidence, no cost without a model) and every way to configure models
(``--model``, the project file, ``AnalyzerConfig``, the serve worker's JSON)."""

from __future__ import annotations

import gzip
import json
import math
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run
from rhetoric_plugins import scorer

from rhetoric import Analyzer, AnalyzerConfig, Comment, RuleInfo, hookimpl
from rhetoric.config import disabled_plugins
from rhetoric.service.launch import ServeOptions

FILLER = (
    "the", "a", "cat", "dog", "walked", "home", "today", "was", "nice", "weather", "we",
    "should", "go", "to", "park", "later", "friends", "said", "it", "rained", "and", "then",
    "sun", "came", "out", "again",
)  # fmt: skip


def zork_corpus(path: Path, size: int = 240, seed: int = 7) -> Path:
    """Records where the word "zork" is always the labeled span (label Z) and the
    document label is "bad" exactly when it occurs."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            words = rng.sample(FILLER, 7)
            if i % 2 == 0:
                words.insert(rng.randrange(len(words) + 1), "zork")
            text = " ".join(words).capitalize() + "."
            spans = []
            if "zork" in text.lower():
                start = text.lower().index("zork")
                spans.append({"start": start, "end": start + 4, "label": "Z"})
            label = "bad" if spans else "ok"
            record = {"id": f"z{i}", "text": text, "spans": spans, "label": label}
            out.write(json.dumps(record) + "\n")
    return path


def model_document(**head: Any) -> dict[str, Any]:
    """A hand-made one-head model: "zork" and "blorp" are name-calling, "you" before a
    word raises it, and the sentence flag "shouts" too."""
    spec = {
        "technique": "name-calling",
        "kind": "span",
        "labels": ["Z"],
        "bias": -4.0,
        "threshold": 0.5,
        "warning": 0.9,
        "weights": {
            "word": {"zork": 6.0, "blorp": 4.5},
            "prev1": {"you": 1.0},
            "sentence": {"shouts": 0.25},
        },
    }
    spec.update(head)
    return {
        "format": scorer.FORMAT,
        "version": scorer.FORMAT_VERSION,
        "name": "hand",
        "status": "stable",
        "training": {"command": "by hand", "data": [{"path": "none"}]},
        "features": {
            "chars": [0, 0],
            "context": 1,
            "bigrams": False,
            "shape": False,
            "sentence": ["shouts"],
        },
        "heads": [spec],
    }


@pytest.fixture
def hand_model(tmp_path: Path) -> Path:
    path = tmp_path / "hand.json.gz"
    scorer.write_model(model_document(), path)
    return path


def analyzer_with(*models: Path, **config: Any) -> Analyzer:
    return Analyzer.from_config(AnalyzerConfig(models=models, readability=(), **config))


# --- the plugin ---------------------------------------------------------------------


def test_without_models_the_plugin_registers_nothing() -> None:
    analyzer = Analyzer.from_config(AnalyzerConfig(readability=()))
    assert "scorer" not in {d.name for d in analyzer.detectors}
    assert not [r for r in analyzer.all_rules if r.id.startswith("model-")]
    registered: list[object] = []
    scorer.rhetoric_register_detectors(registered.append, AnalyzerConfig())
    assert registered == []


def test_model_hits_are_exact_spans_with_evidence(hand_model: Path) -> None:
    analyzer = analyzer_with(hand_model, select=("model",))
    text = "Well, you zork and blorp... and zork!\nNothing here."
    report = analyzer.check(Comment("c", text))
    spans = [(h.start, h.end, h.text) for h in report.hits]
    assert spans == [(10, 14, "zork"), (19, 24, "blorp"), (32, 36, "zork")]
    for hit in report.hits:
        assert text[hit.start : hit.end] == hit.text
        assert hit.rule == "model-name-calling" and hit.technique == "name-calling"
        assert hit.evidence["kind"] == "model" and hit.evidence["model"] == "hand"
    first, middle, last = report.hits
    assert first.evidence["features"] == {"word=zork": 6.0, "prev1=you": 1.0}
    assert first.severity.value == "warning"  # p = 0.95 >= warning 0.9
    assert last.confidence == round(1 / (1 + math.exp(-(6.0 - 4.0))), 4)
    assert (middle.severity.value, last.severity.value) == ("info", "info")


def test_adjacent_positive_words_merge_within_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    scorer.write_model(model_document(), path)
    model = scorer.load_model(path)
    found = [(p.start, p.end) for p in model.predict("zork blorp. blorp")]
    assert found == [(0, 10), (12, 17)]  # the sentence break splits the run


def test_threshold_option_and_warning_severity(hand_model: Path) -> None:
    text = "you zork"
    plain = analyzer_with(hand_model).check(text).hits
    assert [(h.text, h.severity.value) for h in plain] == [("zork", "warning")]  # p = 0.95
    strict = analyzer_with(hand_model, options={"scorer": {"threshold": 0.99}})
    assert strict.check(text).hits == ()
    with pytest.raises(Exception, match="threshold must be a probability"):
        analyzer_with(hand_model, options={"scorer": {"threshold": 2}})


def test_preview_models_need_preview(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    document = model_document()
    document["status"] = "preview"
    scorer.write_model(document, path)
    assert analyzer_with(path, select=("model",)).check("zork").hits == ()
    assert len(analyzer_with(path, select=("model",), preview=True).check("zork").hits) == 1


def test_fast_scores_equal_the_sum_of_the_feature_weights(tmp_path: Path) -> None:
    """Model.scores (cached, grouped) adds up exactly what token_features lists."""
    rng = random.Random(3)
    text = "You IDIOT, you f**k up!! Go home... **stupid** people won't learn. Can't they?"
    settings = scorer.FeatureSettings(bigrams=True, shape=True, sentence=scorer.SENTENCE_FLAGS)
    rows = scorer.token_features(scorer.words(text), text, settings)
    weights: dict[str, dict[str, float]] = {}
    for row in rows:
        for feature in row:
            kind, _, key = feature.partition("=")
            weights.setdefault(kind, {})[key] = round(rng.uniform(-1, 1), 3)
    document = model_document(weights=weights, bias=0.25)
    document["features"] = settings.to_dict()
    model = scorer.parse_model(document, tmp_path / "x")
    (fast,) = model.scores(scorer.words(text), text)
    head = model.heads[0]
    slow = [0.25 + sum(scorer._weight(head, f) for f in row) for row in rows]
    assert fast == pytest.approx(slow)
    # The evidence looks at a span's words alone: the same features as in the whole.
    items = scorer.words(text)
    whole = list(scorer.feature_pairs(items, text, settings))
    for i in range(len(items)):
        assert list(scorer.feature_pairs(items, text, settings, (i, i))) == [whole[i]]
    assert list(scorer.feature_pairs(items, text, settings, (2, 5))) == whole[2:6]


def test_words_keep_exact_offsets() -> None:
    text = "**Stupid** f**k, y’all’re sh!t @ss… 42"
    found = scorer.words(text)
    assert all(text[w.start : w.end] == w.raw for w in found)
    assert [w.low for w in found] == ["stupid", "f**k", "y'all're", "sh", "t", "@ss", "42"]


# --- the model file -----------------------------------------------------------------


def test_model_file_round_trip(tmp_path: Path) -> None:
    document = model_document()
    for name in ("m.json", "m.json.gz"):
        path = tmp_path / name
        scorer.write_model(document, path)
        assert scorer.read_document(path) == document
        model = scorer.load_model(path)
        assert (model.name, model.status, model.heads[0].threshold) == ("hand", "stable", 0.5)
    assert (
        gzip.decompress((tmp_path / "m.json.gz").read_bytes()) == (tmp_path / "m.json").read_bytes()
    )


def _broken(document: dict[str, Any], change: str) -> dict[str, Any]:
    head = document["heads"][0]
    if change == "format":
        document["format"] = "pickle"
    elif change == "version":
        document["version"] = 99
    elif change == "kind":
        head["weights"]["bogus"] = {"x": 1.0}
    elif change == "weight":
        head["weights"]["word"]["zork"] = "heavy"
    elif change == "threshold":
        head["threshold"] = 1.5
    elif change == "features":
        document["features"]["context"] = 9
    elif change == "heads":
        document["heads"] = []
    elif change == "key":
        head["code"] = "import os"
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("format", "not a rhetoric model file"),
        ("version", "model format version 99 is not supported"),
        ("kind", "unknown feature kind 'bogus'"),
        ("weight", "must be a finite number"),
        ("threshold", r"need 0 < threshold < 1 \(1 for a silent head\)"),
        ("features", "'features.context' must be an integer"),
        ("heads", "'heads' must be a non-empty list"),
        ("key", r"heads\[1\]: unknown keys: code"),
    ],
)
def test_bad_model_documents_are_refused_naming_the_file(
    tmp_path: Path, change: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_broken(model_document(), change)), encoding="utf-8")
    with pytest.raises(scorer.ModelError, match=message) as caught:
        scorer.load_model(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x80\x04\x95pickle", "not a model file"),
        (b"\x1f\x8b\x08\x00broken gzip", "cannot read model"),
        (b'{"format": "rhetoric-scorer", "version": 1, "name": "x", "weight": NaN', "not a model"),
    ],
)
def test_unreadable_model_files_are_refused(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "bad.json.gz"
    path.write_bytes(raw)
    with pytest.raises(scorer.ModelError, match=message):
        scorer.load_model(path)


def test_nan_weights_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    text = json.dumps(model_document()).replace('"zork": 6.0', '"zork": NaN')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(scorer.ModelError, match="finite number"):
        scorer.load_model(path)


def test_check_refuses_a_bad_or_missing_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    comment = tmp_path / "c.txt"
    comment.write_text("hello", encoding="utf-8")
    for model in (bad, tmp_path / "missing.json"):
        code, _ = run(["check", "--model", str(model), str(comment)])
        assert code == 2
        assert f"{model}: " in capsys.readouterr().err


def test_the_shipped_model_loads_by_name() -> None:
    path = scorer.resolve("toxic-cc0")
    assert path.name == "toxic-cc0.json.gz" and path.is_file()
    model = scorer.load_model(path)
    assert model.status == "stable" and model.training["license"].startswith("CC0")
    assert path.stat().st_size < 2_000_000
    assert scorer.resolve("no-such-model") == Path("no-such-model")
    analyzer = analyzer_with(Path("toxic-cc0"), preview=True, select=("model",))
    report = analyzer.check("You are a pathetic idiot.")
    assert any("idiot" in hit.text for hit in report.hits)


# --- configuration ------------------------------------------------------------------


def test_model_through_check(hand_model: Path, tmp_path: Path) -> None:
    comment = tmp_path / "c.txt"
    comment.write_text("Fine.\nWell you zork.\n", encoding="utf-8")
    code, out = run(["check", "--model", str(hand_model), "--format", "jsonl", str(comment)])
    assert code == 1
    (hit,) = json.loads(out)["hits"]
    assert (hit["text"], hit["rule"], hit["severity"]) == ("zork", "model-name-calling", "warning")
    code, out = run(["check", str(comment), "--format", "jsonl"])
    assert "model-" not in out


@pytest.fixture
def chdir(tmp_path: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_models_key_in_the_project_file(hand_model: Path, chdir: Path) -> None:
    (chdir / "sub").mkdir()
    (chdir / "sub" / "c.txt").write_text("you zork\n", encoding="utf-8")
    (chdir / "models").mkdir()
    hand_model.rename(chdir / "models" / "hand.json.gz")
    (chdir / ".rhetoric.toml").write_text('models = ["models/hand.json.gz"]\n', encoding="utf-8")
    os.chdir(chdir / "sub")  # relative to the configuration file, not the working folder
    code, out = run(["check", "--format", "jsonl", "c.txt"])
    assert code == 1 and json.loads(out)["hits"][0]["rule"] == "model-name-calling"
    code, out = run(["check", "--isolated", "--format", "jsonl", "c.txt"])
    assert "model-name-calling" not in out


def test_models_key_must_be_a_list_of_paths(
    chdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (chdir / "c.txt").write_text("hello\n", encoding="utf-8")
    (chdir / ".rhetoric.toml").write_text('models = "m.json"\n', encoding="utf-8")
    code, _ = run(["check", "c.txt"])
    assert code == 2
    assert "'models' must be a list of model file paths" in capsys.readouterr().err


def test_serve_options_carry_models(hand_model: Path) -> None:
    options = ServeOptions(analyzer=AnalyzerConfig(models=(hand_model,)))
    assert ServeOptions.from_json(options.to_json()).analyzer.models == (hand_model,)


def test_model_flag_on_eval_and_rules(hand_model: Path, tmp_path: Path) -> None:
    gold = zork_corpus(tmp_path / "gold.jsonl", size=20)
    code, out = run(["eval", str(gold), "--map", "name-calling=Z", "--model", str(hand_model),
                     "--select", "model", "--format", "json"])  # fmt: skip
    assert code == 0
    target = json.loads(out)["targets"][0]
    assert target["span_overlap"]["f1"] == 1.0 and target["semeval2021_t5"] == 1.0
    code, out = run(["rules", "list", "--model", str(hand_model)])
    assert code == 0 and "model-name-calling" in out


# --- training -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sklearn")
    folder = tmp_path_factory.mktemp("train")
    gold = zork_corpus(folder / "gold.jsonl")
    model = folder / "zork.json.gz"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "--map",
                     "loaded-language=doc:bad", "-o", str(model), "--quiet"])  # fmt: skip
    assert code == 0, out
    assert out.startswith(f"wrote {model} (")
    return model


def test_trained_model_finds_the_word_it_learned(trained: Path) -> None:
    analyzer = analyzer_with(trained, preview=True, select=("model",))
    text = "Then zork walked home. The cat was nice."
    hits = analyzer.check(Comment("c", text)).hits
    spans = {(h.rule, h.start, h.end) for h in hits}
    assert ("model-name-calling", 5, 9) in spans
    assert ("model-loaded-language", 0, len(text)) in spans  # the document label
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
        assert hit.evidence["features"]
    assert analyzer.check("The cat walked home today.").hits == ()


def test_trained_model_records_how_it_was_made(trained: Path) -> None:
    document = scorer.read_document(trained)
    training = document["training"]
    assert training["command"].startswith("rhetoric train ")
    assert "--map name-calling=Z" in training["command"]
    assert training["maps"] == ["name-calling=Z", "loaded-language=doc:bad"]
    assert training["data"][0]["records"] == 240 and len(training["data"][0]["sha256"]) == 64
    assert document["features"]["chars"] == [3, 5]
    heads = {h["technique"]: h for h in document["heads"]}
    assert heads["name-calling"]["kind"] == "span" and heads["loaded-language"]["kind"] == "doc"
    assert heads["name-calling"]["weights"]["word"]["zork"] > 0
    assert 0 < heads["name-calling"]["threshold"] < 1
    decision = heads["name-calling"]["held_out"]["prior"]  # tried, and recorded either way
    assert decision["kept"] is ("prior" in heads["name-calling"])
    assert 0 <= decision["f1_without"] <= 1 and 0 <= decision["f1_with"] <= 1


def test_trained_model_rules_pass_their_own_examples(trained: Path) -> None:
    """Training picks held-out texts the model gets right, so ``rules test`` passes."""
    from rhetoric.quality.examples import run_all_examples

    analyzer = analyzer_with(trained, preview=True)
    rules = [r for r in analyzer.rules if r.id.startswith("model-")]
    assert {r.id for r in rules} == {"model-name-calling", "model-loaded-language"}
    results = run_all_examples(analyzer, rules)
    assert len(results) == 4 and all(r.ok for r in results), [r.detail for r in results]


def test_trained_models_run_without_preview(trained: Path) -> None:
    """A model the user trains and passes with --model is opted into: it reports by
    default, and its span thresholds were chosen for the union with the rules."""
    document = scorer.read_document(trained)
    assert document["status"] == "stable"
    span_head = next(h for h in document["heads"] if h["kind"] == "span")
    assert span_head["held_out"]["with_rules"] is True
    assert span_head["held_out"]["level"] == "character"  # auto: its gold spans are words
    hits = analyzer_with(trained, select=("model",)).check("Then zork walked home.").hits
    assert [(h.rule, h.text) for h in hits if h.rule == "model-name-calling"] == [
        ("model-name-calling", "zork")
    ]


def noisy_corpus(path: Path, size: int = 300, seed: int = 5) -> Path:
    """'zork' is always labeled Z; 'blip' is labeled Z on two in five of its uses only,
    so a model alone cannot tell which blips count."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            words = rng.sample(FILLER, 6)
            extra = ("zork", "blip")[i % 2]
            words.insert(rng.randrange(len(words) + 1), extra)
            text = " ".join(words).capitalize() + "."
            start = text.lower().index(extra)
            labeled = extra == "zork" or rng.random() < 0.4
            spans = [{"start": start, "end": start + 4, "label": "Z"}] if labeled else []
            out.write(json.dumps({"id": f"n{i}", "text": text, "spans": spans}) + "\n")
    return path


class SpanRules:
    """A plugin whose detector reports given spans of given texts (hand-made "rules"),
    counting the texts it was asked about."""

    def __init__(self, spans: dict[str, list[tuple[str, int, int]]]) -> None:
        self.spans = spans
        self.asked: list[str] = []
        techniques = sorted({t for found in spans.values() for t, _, _ in found})
        self.by_technique = {
            t: RuleInfo(f"hand-{t}", t, "'{match}'", "Hand-made spans.", status="stable")
            for t in techniques
        }
        self.rules = tuple(self.by_technique.values())

    @hookimpl
    def rhetoric_register_detectors(self, register: Any) -> None:
        register(self)

    name = "hand-rules"

    def detect(self, doc: Any) -> Iterator[Any]:
        self.asked.append(doc.text)
        for technique, start, end in self.spans.get(doc.text, []):
            yield doc.hit(self.by_technique[technique], start, end)

    def analyzer(self) -> Analyzer:
        config = AnalyzerConfig(disabled_plugins=disabled_plugins((), builtin_rules=False))
        return Analyzer.from_config(config, plugins=[self])


def test_thresholds_are_chosen_for_the_union_with_the_rules(tmp_path: Path) -> None:
    """Rules that find exactly the labeled blips make the union at least as good as the
    model alone at every threshold, so the chosen union F1 is too; the rules run on the
    held-out records only."""
    pytest.importorskip("sklearn")
    from rhetoric.quality.training import TrainOptions, train

    gold = noisy_corpus(tmp_path / "noisy.jsonl")
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    hand = SpanRules(
        {
            r["text"]: [("name-calling", s["start"], s["end"]) for s in r["spans"]]
            for r in records
            if "blip" in r["text"].lower()
        }
    )
    analyzer = hand.analyzer()

    def held_out_f1(**options: Any) -> float:
        document = train(TrainOptions(gold=(gold,), maps=("name-calling=Z",), name="n",
                                      examples=False, prior=False, **options))  # fmt: skip
        return float(document["heads"][0]["held_out"]["f1"])

    alone = held_out_f1()
    union = held_out_f1(analyzer=analyzer)
    assert 0 < len(hand.asked) < len(records) / 2  # a fifth is held out
    assert alone < 1.0 and union > alone
    assert held_out_f1(analyzer=analyzer, alone=True) == alone
    assert held_out_f1(analyzer=analyzer, threshold_metric="character") > 0


def test_auto_threshold_metric_follows_the_shape_of_the_gold_spans() -> None:
    """Word-level annotations (toxic spans) are scored by characters, phrase-level ones
    (propaganda spans) by span overlap; an explicit metric is kept as given."""
    from rhetoric.quality.evaluation import GoldRecord, GoldSpan, Target
    from rhetoric.quality.training import TrainOptions, threshold_metric_for

    def record(text: str, *marked: str) -> GoldRecord:
        spans = tuple(GoldSpan(text.index(m), text.index(m) + len(m), "Z") for m in marked)
        return GoldRecord("r", text, spans, None)

    target = Target(frozenset({"name-calling"}), frozenset({"Z"}), frozenset())
    words = [
        record("you idiot, a real moron", "idiot", "moron"),
        record("a clown show", "clown show"),
    ]
    phrases = [
        record("the radical left mob again", "radical left mob"),
        record("those lying elites, such a fool", "lying elites", "fool"),
    ]
    auto = TrainOptions(gold=(), maps=(), name="n")
    assert threshold_metric_for(auto, target, words) == "character"  # 2 of 3 single words
    assert threshold_metric_for(auto, target, phrases) == "span overlap"  # 1 of 3
    assert threshold_metric_for(auto, target, phrases[1:]) == "character"  # half is enough
    assert threshold_metric_for(auto, target, []) == "span overlap"  # nothing to go by
    given = TrainOptions(gold=(), maps=(), name="n", threshold_metric="span overlap")
    assert threshold_metric_for(given, target, words) == "span overlap"


def test_threshold_search_scores_what_eval_reports(tmp_path: Path) -> None:
    """The held-out F1 training records is the one ``rhetoric eval`` gives for the
    model trained on four fifths, run beside the rules on the held-out fifth: the
    model's and the rules' overlapping hits merge into one finding there, so a rule hit
    next to each model hit must not count twice."""
    pytest.importorskip("sklearn")
    from rhetoric.quality import training
    from rhetoric.quality.evaluation import evaluate, parse_target, read_gold

    gold = noisy_corpus(tmp_path / "noisy.jsonl")
    records, _ = read_gold(gold)
    # a rule hit on the first letters of each zork: eval's analyzer merges it with the
    # model's hit there into one finding
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for r in records:
        if "zork" in r.text.lower():
            start = r.text.lower().index("zork")
            spans[r.text] = [("name-calling", start, start + 2)]  # inside the zork span
    hand = SpanRules(spans)
    options = training.TrainOptions(
        gold=(gold,), maps=("name-calling=Z",), name="n", examples=False, prior=False,
        analyzer=hand.analyzer(),
    )  # fmt: skip
    document = training.train(options)
    head = document["heads"][0]
    held = [r for i, r in enumerate(records) if training._held_out(r, i)]
    train_file = tmp_path / "train.jsonl"
    train_file.write_text(
        "".join(
            line + "\n"
            for i, line in enumerate(gold.read_text(encoding="utf-8").splitlines())
            if not training._held_out(records[i], i)
        ),
        encoding="utf-8",
    )
    fitted = training.train(
        training.TrainOptions(gold=(train_file,), maps=("name-calling=Z",), name="n",
                              examples=False, prior=False, threshold=head["threshold"])
    )  # fmt: skip
    model = tmp_path / "four-fifths.json"
    scorer.write_model(fitted, model)
    config = AnalyzerConfig(
        models=(model,), disabled_plugins=disabled_plugins((), builtin_rules=False)
    )
    measured = evaluate(
        Analyzer.from_config(config, plugins=[SpanRules(spans)]),
        held,
        [parse_target("name-calling=Z", {"Z"})],
    )
    assert measured.results[0].spans.prf()["f1"] == pytest.approx(head["held_out"]["f1"])


def test_train_alone_is_recorded_and_skips_the_rules(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=60)
    model = tmp_path / "alone.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model),
                     "--alone", "--status", "preview", "--quiet"])  # fmt: skip
    assert code == 0, out
    document = scorer.read_document(model)
    assert document["status"] == "preview"
    assert "--alone" in document["training"]["command"]
    assert "--status preview" in document["training"]["command"]
    assert document["heads"][0]["held_out"]["with_rules"] is False
    assert analyzer_with(model, select=("model",)).check("Then zork walked.").hits == ()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("name-calling|slur=doc:bad", "a document head predicts one technique"),
        ("name-calling|nonsense=Z", "unknown technique 'nonsense'"),
        ("name-calling=Z,doc:bad", "mixes span labels and doc: labels"),
        ("name-calling=Q", "no label 'Q'"),
        ("nonsense=Z", "unknown technique 'nonsense'"),
    ],
)
def test_train_refuses_bad_maps(
    tmp_path: Path, mapping: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=20)
    code, _ = run(["train", str(gold), "--map", mapping, "-o", str(tmp_path / "m.json")])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_a_map_of_several_techniques_reports_as_the_rules_best_match(tmp_path: Path) -> None:
    """'profanity|slur|name-calling=Z' trains (it was refused): the head reports as the
    technique whose rules' hits overlap the gold spans most, here slur (on every zork)
    over profanity (on a filler word) and name-calling (no hits), and keeps the map's
    techniques, so eval's target of the same map counts it."""
    pytest.importorskip("sklearn")
    from rhetoric.quality.training import TrainOptions, train

    gold = zork_corpus(tmp_path / "gold.jsonl")
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        found = [("slur", s["start"], s["end"]) for s in record["spans"]]
        if "cat" in text:
            found.append(("profanity", text.index("cat"), text.index("cat") + 3))
        spans[text] = found
    hand = SpanRules(spans)
    mapping = "profanity|slur|name-calling=Z"
    document = train(TrainOptions(gold=(gold,), maps=(mapping,), name="m",
                                  analyzer=hand.analyzer(), examples=False))  # fmt: skip
    (head,) = document["heads"]
    assert head["technique"] == "slur"
    assert head["techniques"] == ["profanity", "slur", "name-calling"]
    counts = document["training"]["reported_as"][mapping]
    assert (
        counts["rules_hits_on_gold"]["slur"] == 120
        and counts["rules_hits_on_gold"]["name-calling"] == 0
    )
    model = tmp_path / "m.json"
    scorer.write_model(document, model)
    hits = analyzer_with(model, select=("model",)).check("Then zork walked home.").hits
    assert [(h.rule, h.text) for h in hits] == [("model-slur", "zork")]


def test_several_techniques_train_from_the_command_line(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=60)
    model = tmp_path / "m.json"
    code, out = run(["train", str(gold), "--map", "slur|profanity|name-calling=Z", "-o",
                     str(model), "--quiet", "--no-prior"])  # fmt: skip
    assert code == 0, out
    (head,) = scorer.read_document(model)["heads"]
    assert head["technique"] in {"slur", "profanity", "name-calling"}
    assert "--no-prior" in scorer.read_document(model)["training"]["command"]


def test_marks_and_growth_can_be_switched_off_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-marks trains without the mark features (only the unmarked variant is tried),
    --grow 0 never grows hits (no growth is tried); both are recorded in the command."""
    pytest.importorskip("sklearn")
    gold = zork_corpus(tmp_path / "gold.jsonl", size=60)
    model = tmp_path / "m.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model),
                     "--no-marks", "--grow", "0"])  # fmt: skip
    assert code == 0, out
    document = scorer.read_document(model)
    cues = document["heads"][0]["held_out"]["cues"]
    assert cues == {"marks": {"kept": False, "f1": [1.0]}}
    assert "with marks" not in out and "hits grown" not in out
    assert document["training"]["command"].endswith("--no-marks --grow 0.0")
    capsys.readouterr()
    code, _ = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model),
                   "--grow", "1.5"])  # fmt: skip
    assert code == 2 and "--grow must be within 0..1" in capsys.readouterr().err


def cue_corpus(path: Path, size: int = 400, seed: int = 3) -> Path:
    """'blip' is labeled only in comments that also say 'grr', five or more words away
    (out of reach of the context features): only a per-comment prior can tell."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            words = rng.sample(FILLER, 9)
            cue, blip = i % 4 in (0, 1), i % 4 in (1, 2)
            if cue:
                words.insert(0, "grr")
            if blip:
                words.append("blip")
            text = " ".join(words).capitalize() + "."
            spans = []
            if cue and blip:
                start = text.index("blip")
                spans.append({"start": start, "end": start + 4, "label": "Z"})
            out.write(json.dumps({"id": f"q{i}", "text": text, "spans": spans}) + "\n")
    return path


@pytest.fixture(scope="module")
def prior_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sklearn")
    folder = tmp_path_factory.mktemp("prior")
    gold = cue_corpus(folder / "gold.jsonl")
    model = folder / "prior.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model), "--quiet",
                     "--alone"])  # fmt: skip
    assert code == 0, out
    return model


def test_a_prior_that_raises_held_out_f1_is_kept_and_recorded(prior_model: Path) -> None:
    document = scorer.read_document(prior_model)
    assert document["version"] == scorer.FORMAT_VERSION
    (head,) = document["heads"]
    decision = head["held_out"]["prior"]
    assert decision["kept"] is True and decision["f1_with"] > decision["f1_without"]
    assert head["prior"]["strength"] == decision["strength"]
    assert head["prior"]["weights"]["word"]["grr"] > 0


def test_the_prior_scales_span_scores_and_says_so(prior_model: Path) -> None:
    analyzer = analyzer_with(prior_model, select=("model",))
    with_cue = "Grr the cat walked home today and we said blip."
    hits = analyzer.check(with_cue).hits
    assert [h.text for h in hits] == ["blip"]
    comment = hits[0].evidence["comment"]
    assert 0 < comment["prior"] < 1 and 0 < comment["factor"] <= 1
    without = analyzer.check("The cat walked home today and we said blip.").hits
    assert all(h.confidence < hits[0].confidence for h in without)
    assert all(h.evidence["comment"]["prior"] < comment["prior"] for h in without)


def test_no_prior_trains_without_one(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    gold = cue_corpus(tmp_path / "gold.jsonl")
    model = tmp_path / "m.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model), "--quiet",
                     "--alone", "--no-prior"])  # fmt: skip
    assert code == 0, out
    (head,) = scorer.read_document(model)["heads"]
    assert "prior" not in head and head["held_out"]["prior"] is None
    assert "threshold" in out and "prior x" not in out


@pytest.mark.parametrize(
    ("version", "newer_key", "value"),
    [(1, "prior", {"bias": 0.0, "weights": {}, "strength": 0.5}), (2, "extend", 0.5)],
)
def test_older_models_still_load_and_refuse_a_later_versions_keys(
    tmp_path: Path, version: int, newer_key: str, value: object
) -> None:
    document = model_document()
    document["version"] = version
    path = tmp_path / f"v{version}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    model = scorer.load_model(path)
    assert model.heads[0].extend == 0.0  # no growth of hits before version 3
    assert [(p.start, p.end) for p in model.predict("you zork")] == [(4, 8)]
    document["heads"][0][newer_key] = value
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(scorer.ModelError, match=f"unknown keys: {newer_key}"):
        scorer.load_model(path)


@pytest.mark.parametrize(
    ("prior", "message"),
    [
        ({"bias": 0.0, "weights": {}, "strength": 0.0}, "strength must be within"),
        ({"bias": 0.0, "weights": {"prev1": {}}, "strength": 0.5}, "unknown feature kind"),
        ({"bias": 0.0, "weights": {}, "strength": 0.5, "x": 1}, "unknown keys: x"),
    ],
)
def test_bad_priors_are_refused(tmp_path: Path, prior: dict[str, Any], message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model_document(prior=prior)), encoding="utf-8")
    with pytest.raises(scorer.ModelError, match=message):
        scorer.load_model(path)


def test_eval_reads_the_scorer_threshold_from_the_project_file(
    hand_model: Path, chdir: Path
) -> None:
    """'blorp' after 'you' scores sigmoid(-4 + 4.5 + 1) = 0.82: reported at the model's
    own threshold 0.5, not under a project-file threshold of 0.9."""
    gold = chdir / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "1", "text": "Well you blorp.", "spans": [
            {"start": 9, "end": 14, "label": "Z"}]}) + "\n", encoding="utf-8"
    )  # fmt: skip
    argv = ["eval", str(gold), "--map", "name-calling=Z", "--model", str(hand_model),
            "--select", "model", "--format", "json"]  # fmt: skip

    def predicted() -> int:
        code, out = run(argv)
        assert code == 0, out
        return int(json.loads(out)["targets"][0]["span_overlap"]["predicted"])

    assert predicted() == 1
    (chdir / ".rhetoric.toml").write_text(
        "[plugin-options.scorer]\nthreshold = 0.9\n", encoding="utf-8"
    )
    assert predicted() == 0
    argv.append("--isolated")
    assert predicted() == 1


def test_priors_from_cached_spellings_equal_the_feature_sum(prior_model: Path) -> None:
    model = scorer.load_model(prior_model)
    (head,) = model.span_heads
    assert head.prior is not None
    text = "Grr the cat said blip, THE cat said blip."
    items = scorer.words(text)
    bag = scorer.prior_features(items, model.settings)
    total = 0.0
    for feature in bag:
        kind, _, key = feature.partition("=")
        total += head.prior.weights.get(kind, {}).get(key, 0.0)
    z = head.prior.bias + total / math.sqrt(len(bag))
    assert model.priors(items) == [pytest.approx(1 / (1 + math.exp(-z)))]
    assert model.priors(items) == model.priors(items)  # from the cache the second time


# --- phrase-shaped hits, marks, held-out documents (issue 14, ptc-26) ---------------


def test_hits_grow_over_likely_neighbours_and_compounds(tmp_path: Path) -> None:
    """With ``extend``, a run above the threshold takes in neighbours of its sentence
    that reach ``extend * threshold`` and the other parts of a hyphenated compound; a
    neighbour alone never makes a hit."""
    weights = {"word": {"zork": 6.0, "vile": 3.6, "mega": 0.0}}
    path = tmp_path / "m.json"
    scorer.write_model(model_document(weights=weights), path)
    plain = scorer.load_model(path)
    text = "the vile zork. vile mega-zork"
    assert [(p.start, p.end) for p in plain.predict(text)] == [(9, 13), (25, 29)]
    scorer.write_model(model_document(weights=weights, extend=0.5), path)
    grown = scorer.load_model(path)
    # p(vile) = 0.4: below 0.5, above 0.25. The first "vile" joins the zork after it;
    # the one after the sentence break does not, the compound's "mega" does.
    found = [(p.start, p.end) for p in grown.predict(text)]
    assert found == [(4, 13), (20, 29)]
    assert [(p.start, p.end) for p in grown.predict("vile vile.")] == []


def test_grow_joins_compounds_both_ways() -> None:
    text = "left-wing-ish folks"
    items = scorer.words(text)
    z = [-9.0, 1.0, -9.0, -9.0]
    kept = scorer.grow(items, z, [s >= 0 for s in z], 99.0, text)
    assert kept == [True, True, True, False]


def test_word_marks_read_scare_quotes_and_compounds() -> None:
    text = (
        "The so-called \u201cexperts\u201d said 'resistance' twice; "
        '"a quote of six words here" don\'t.'
    )
    items = scorer.words(text)
    marked = {w.raw: m for w, m in zip(items, scorer.word_marks(items, text), strict=True) if m}
    assert marked == {
        "so": ("joined",),
        "called": ("joined",),
        "experts": ("quoted",),
        "resistance": ("quoted",),
    }


def test_marks_are_features_and_scored_fast(tmp_path: Path) -> None:
    text = "They call him a 'hero' and a self-made man."
    settings = scorer.FeatureSettings(chars=(0, 0), context=0, marks=True)
    rows = scorer.token_features(scorer.words(text), text, settings)
    assert ["word=hero", "mark=quoted"] in rows and ["word=self", "mark=joined"] in rows
    document = model_document(weights={"mark": {"quoted": 1.5, "joined": 0.5}}, bias=-1.0)
    document["features"] = settings.to_dict()
    model = scorer.parse_model(document, tmp_path / "x")
    (fast,) = model.scores(scorer.words(text), text)
    head = model.heads[0]
    assert fast == pytest.approx([-1.0 + sum(scorer._weight(head, f) for f in r) for r in rows])


@pytest.mark.parametrize("extend", [-0.1, 1.5, "x"])
def test_bad_extend_is_refused(tmp_path: Path, extend: Any) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model_document(extend=extend)), encoding="utf-8")
    with pytest.raises(scorer.ModelError, match="extend"):
        scorer.load_model(path)


def test_records_of_one_document_are_held_out_together() -> None:
    from rhetoric.quality.evaluation import GoldRecord
    from rhetoric.quality.training import document_of, held_out_records

    assert document_of("art-7:sent3") == "art-7" and document_of("tsd-train-4") is None
    sentences = [GoldRecord(f"doc{d}:s{s}", "x", (), None) for d in range(40) for s in range(5)]
    held, how = held_out_records(sentences)
    by_document: dict[str, set[bool]] = {}
    for record, out in zip(sentences, held, strict=True):
        by_document.setdefault(record.id.split(":")[0], set()).add(out)
    assert all(len(v) == 1 for v in by_document.values()) and "document" in how
    assert 0 < sum(held) < len(held)
    # Comments (no document in the id), or one document holding most records: alone.
    comments = [GoldRecord(f"c{i}", "x", (), None) for i in range(200)]
    assert "1 record in" in held_out_records(comments)[1]
    lopsided = [GoldRecord(f"big:s{i}", "x", (), None) for i in range(100)] + sentences
    assert "1 record in" in held_out_records(lopsided)[1]


def test_thresholds_prefer_the_middle_of_a_plateau() -> None:
    from rhetoric.quality.training import _smoothed_choice

    # A lone spike at 0.15 loses to 0.30, whose neighbours hold up.
    cuts = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
    scored = list(zip(cuts, (0.25, 0.36, 0.26, 0.33, 0.34, 0.33, 0.28), strict=True))
    choice = _smoothed_choice(scored, 0.0)
    assert choice.cut == 0.3 and choice.f1 == 0.34
    assert choice.smoothed == pytest.approx((0.33 + 0.34 + 0.33) / 3)


def test_marks_and_growing_are_tried_and_recorded(trained: Path) -> None:
    """Training fits the span head with and without the mark features and scores its
    hits grown and not, keeping each only when the held-out F1 rises; the file says
    which, and carries mark weights and ``extend`` only when kept."""
    document = scorer.read_document(trained)
    head = next(h for h in document["heads"] if h["kind"] == "span")
    cues = head["held_out"]["cues"]
    assert set(cues) == {"marks", "extend"}
    assert cues["marks"]["kept"] is ("mark" in head["weights"])
    assert document["features"]["marks"] is cues["marks"]["kept"]
    assert cues["extend"]["kept"] is ("extend" in head)
    assert len(cues["marks"]["f1"]) == 2 and len(cues["extend"]["f1"]) == 2
    doc_head = next(h for h in document["heads"] if h["kind"] == "doc")
    assert "extend" not in doc_head and doc_head["held_out"]["cues"] is None


def test_a_given_threshold_without_prior_grows_no_hits(tmp_path: Path) -> None:
    """With ``--threshold`` and ``--no-prior`` nothing is searched, so nothing shows that
    growing hits helps: the head does not grow them, and records no cue choice."""
    pytest.importorskip("sklearn")
    gold = zork_corpus(tmp_path / "gold.jsonl")
    model = tmp_path / "m.json"
    code, out = run(["train", str(gold), "--map", "name-calling=Z", "-o", str(model), "--quiet",
                     "--threshold", "0.5", "--no-prior"])  # fmt: skip
    assert code == 0, out
    (head,) = scorer.read_document(model)["heads"]
    assert head["threshold"] == 0.5 and "extend" not in head
    assert head["held_out"]["cues"] is None
