"""`rhetoric eval` on small hand-made gold files whose scores are known exactly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rhetoric.cli import main
from rhetoric.quality.evaluation import parse_target

# The built-in rules find "idiot" and "moron" (name-calling) and "shit" (profanity).
GOLD = [
    # span found exactly
    {"id": "1", "text": "you idiot", "spans": [{"start": 4, "end": 9, "label": "insult"}]},
    # gold span partly covered by the hit ("moron" inside "total moron")
    {
        "id": "2",
        "text": "a total moron here",
        "spans": [{"start": 2, "end": 13, "label": "insult"}],
    },
    # a gold span nobody finds
    {"id": "3", "text": "you clod", "spans": [{"start": 4, "end": 8, "label": "insult"}]},
    # a hit with no gold span (false alarm), a profanity span of another label
    {"id": "4", "text": "idiot shit", "spans": [{"start": 6, "end": 10, "label": "swear"}]},
    # nothing on either side
    {"id": "5", "text": "lovely weather", "spans": []},
]


def write_gold(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def run_eval(path: Path, *maps: str, per_rule: bool = False) -> dict[str, object]:
    out = io.StringIO()
    args = ["eval", str(path), "--format", "json", *[f"--map={m}" for m in maps]]
    if per_rule:
        args.append("--per-rule")
    assert main(args, out=out) == 0
    return json.loads(out.getvalue())


def test_span_document_character_and_semeval_scores(tmp_path: Path) -> None:
    result = run_eval(write_gold(tmp_path, GOLD), "name-calling=insult")
    target = result["targets"][0]
    assert target["target"] == "name-calling=insult"
    # documents: predicted 1,2,4; gold 1,2,3 -> P 2/3, R 2/3
    assert target["document"]["precision"] == pytest.approx(2 / 3)
    assert target["document"]["recall"] == pytest.approx(2 / 3)
    # spans: predicted idiot(1), moron(2), idiot(4) -> 2 of 3 right; gold 3 spans, 2 found
    assert target["span_overlap"]["precision"] == pytest.approx(2 / 3)
    assert target["span_overlap"]["recall"] == pytest.approx(2 / 3)
    # characters: predicted 5+5+5 = 15, gold 5+11+4 = 20, common 5+5 = 10
    assert target["character"]["precision"] == pytest.approx(10 / 15)
    assert target["character"]["recall"] == pytest.approx(10 / 20)
    assert target["character"]["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    # per document F1: 1, 2*(1*5/11)/(1+5/11), 0, 0, 1 (both empty)
    doc2 = 2 * (5 / 11) / (1 + 5 / 11)
    assert target["semeval2021_t5"] == pytest.approx((1 + doc2 + 0 + 0 + 1) / 5)
    assert target["rules"]["insult-label"] == {
        "hits": 3,
        "correct": 2,
        "precision": pytest.approx(2 / 3),
    }


def test_several_techniques_and_labels_count_together(tmp_path: Path) -> None:
    result = run_eval(write_gold(tmp_path, GOLD), "name-calling|profanity=insult,swear")
    spans = result["targets"][0]["span_overlap"]
    # predicted: idiot, moron, idiot, shit -> right: idiot, moron, shit
    assert (spans["predicted"], spans["precision"]) == (4, pytest.approx(3 / 4))
    assert (spans["gold"], spans["recall"]) == (4, pytest.approx(3 / 4))


def test_document_labels(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": "the deep state did it", "spans": [], "label": "CONSPIRACY"},
        {"id": "b", "text": "the state did it", "spans": [], "label": "CONSPIRACY"},
        {"id": "c", "text": "the deep state is a myth", "spans": [], "label": "CRITICAL"},
        {"id": "d", "text": "taxes rose", "spans": [], "label": "CRITICAL"},
    ]
    result = run_eval(write_gold(tmp_path, records), "conspiracy-framing=doc:CONSPIRACY")
    target = result["targets"][0]
    assert "span_overlap" not in target
    assert target["document"]["precision"] == pytest.approx(1 / 2)
    assert target["document"]["recall"] == pytest.approx(1 / 2)
    assert target["document"]["f1"] == pytest.approx(1 / 2)


def test_labels_with_commas_are_recognised() -> None:
    target = parse_target("name-calling=Name_Calling,Labeling", {"Name_Calling,Labeling", "Doubt"})
    assert target.span_labels == {"Name_Calling,Labeling"}
    target = parse_target(
        "name-calling=Doubt,Name_Calling,Labeling,doc:X", {"Name_Calling,Labeling", "Doubt", "X"}
    )
    assert target.span_labels == {"Doubt", "Name_Calling,Labeling"} and target.doc_labels == {"X"}


def test_text_output_and_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_gold(tmp_path, GOLD)
    out = io.StringIO()
    assert main(["eval", str(path), "--map", "name-calling=insult", "--per-rule"], out=out) == 0
    text = out.getvalue()
    assert "target name-calling=insult" in text and "insult-label" in text
    assert "semeval2021_t5 F1   52.50" in text
    assert main(["eval", str(path)], out=io.StringIO()) == 2
    assert "labels in this file: insult, swear" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing.jsonl"), "--map", "a=b"], out=io.StringIO()) == 2
    assert main(["eval", str(path), "--map", "nonsense"], out=io.StringIO()) == 2


def test_bad_gold_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n{broken\n" + json.dumps({"id": "x", "text": 3}) + "\n")
    result = run_eval(path, "name-calling=insult")
    assert result["documents"] == 1
    assert len(result["problems"]) == 2 and ":2:" in result["problems"][0]
