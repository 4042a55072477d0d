"""Per-rule ``tags``: loaded from rule files, listed by ``rhetoric rules list`` and the
rule pages, and left out of a measurement with ``rhetoric eval --map 'TECH!TAG=...'``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import TEST_RULE_EXAMPLES, TEST_RULE_HEADER, RuleWriter, only_rules

from rhetoric import RuleLoadError
from rhetoric.cli import main
from rhetoric.outputs.rule_docs import render_rule_page
from rhetoric.quality.evaluation import GoldError, parse_target

INSULTS = "kind: lexicon\nterms: [nitwit]\n"
LABELS = "kind: lexicon\ntags: [political-label, test-only]\nterms: [snowflake]\n"


@pytest.fixture
def tagged(write_rule: RuleWriter) -> RuleWriter:
    write_rule("name-calling/insults.yml", TEST_RULE_HEADER + INSULTS + TEST_RULE_EXAMPLES)
    write_rule("name-calling/labels.yml", TEST_RULE_HEADER + LABELS + TEST_RULE_EXAMPLES)
    return write_rule


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_tags_are_loaded_listed_and_documented(tagged: RuleWriter, rules_dir: Path) -> None:
    analyzer = only_rules(rules_dir)
    labels = analyzer.rule("labels")
    assert labels is not None and labels.tags == ("political-label", "test-only")
    assert analyzer.rule("insults").tags == ()  # type: ignore[union-attr]
    code, out = cli("rules", "list", "--no-builtin-rules", "--rules", str(rules_dir),
                    "--format", "json")  # fmt: skip
    assert code == 0
    listed = {rule["id"]: rule["tags"] for rule in json.loads(out)}
    assert listed["labels"] == ["political-label", "test-only"] and listed["insults"] == []
    technique = analyzer.techniques.get("name-calling")
    assert "Tags: `political-label`, `test-only`" in render_rule_page(labels, technique)


def test_eval_map_leaves_out_tagged_rules(
    tagged: RuleWriter, rules_dir: Path, tmp_path: Path
) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {"id": "1", "text": "You nitwit.", "spans": [{"start": 4, "end": 10, "label": "toxic"}]},
        {"id": "2", "text": "Typical snowflake opinion.", "spans": []},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    base = ["eval", str(gold), "--isolated", "--no-builtin-rules", "--rules", str(rules_dir),
            "--format", "json", "--per-rule"]  # fmt: skip

    def measured(mapping: str) -> dict[str, object]:
        code, out = cli(*base, "--map", mapping)
        assert code == 0
        (target,) = json.loads(out)["targets"]
        return target  # type: ignore[no-any-return]

    every = measured("name-calling=toxic")
    assert "labels" in every["rules"]  # type: ignore[operator]
    untagged = measured("name-calling!political-label=toxic")
    assert untagged["target"] == "name-calling!political-label=toxic"
    assert "labels" not in untagged["rules"]  # type: ignore[operator]
    assert "insults" in untagged["rules"]  # type: ignore[operator]
    docs_every, docs_untagged = every["document"], untagged["document"]
    assert docs_every["precision"] < docs_untagged["precision"] == 1.0  # type: ignore[index]
    code, _ = cli(*base, "--map", "name-calling!political-lable=toxic")
    assert code != 0


def test_unknown_tag_is_a_usage_error(
    tagged: RuleWriter, rules_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "1", "text": "x", "spans": [], "label": "toxic"}\n', encoding="utf-8")
    code, _ = cli("eval", str(gold), "--isolated", "--no-builtin-rules", "--rules",
                  str(rules_dir), "--map", "name-calling!political-lable=doc:toxic")  # fmt: skip
    assert code != 0
    assert "did you mean 'political-label'" in capsys.readouterr().err


def test_map_syntax() -> None:
    target = parse_target("slur|name-calling!political-label!x=toxic", {"toxic"})
    assert target.without_tags == {"political-label", "x"}
    assert target.techniques == {"slur", "name-calling"}
    with pytest.raises(GoldError, match="followed by a rule tag"):
        parse_target("slur!=toxic", {"toxic"})


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("tags: [Political Label]", "must be lowercase words joined by '-'"),
        ("tags: [a, a]", "must not repeat"),
        ("tags: [{a: b}]", "tags item must be"),
    ],
)
def test_bad_tags_are_load_errors_naming_the_rule(
    write_rule: RuleWriter, rules_dir: Path, tags: str, message: str
) -> None:
    body = f"kind: lexicon\n{tags}\nterms: [snowflake]\n"
    write_rule("name-calling/badly-tagged.yml", TEST_RULE_HEADER + body + TEST_RULE_EXAMPLES)
    with pytest.raises(RuleLoadError, match=message) as caught:
        only_rules(rules_dir)
    assert "badly-tagged.yml" in str(caught.value)
