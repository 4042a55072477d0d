"""The propaganda inventory (plugins/techniques.py and its rule packs): every technique
maps onto the taxonomies moderators use, every rule of it carries enough examples, and
the packs only report what their definitions describe."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from rhetoric import Analyzer, AnalyzerConfig, Hit
from rhetoric.cli import main

ROOT = Path(__file__).resolve().parents[1]
ANALYZER = Analyzer.from_config(
    AnalyzerConfig(readability=(), preview=True),
    plugin_dirs=[ROOT / "plugins"],
    entry_points=False,
)
CORE = ("name-calling", "loaded-language", "conspiracy-framing", "slur", "profanity")
INVENTORY = (
    "doubt", "exaggeration-minimisation", "appeal-to-fear", "flag-waving",
    "causal-oversimplification", "false-dilemma", "conversation-killer", "slogans",
    "appeal-to-authority", "appeal-to-popularity", "guilt-by-association", "whataboutism",
    "appeal-to-hypocrisy", "straw-man", "red-herring", "obfuscation", "appeal-to-time",
    "consequential-oversimplification", "repetition", "questioning-reputation",
)  # fmt: skip
# SemEval-2023 Task 3, subtask 3: the 23 persuasion technique labels, spelled as the task
# spells them.
SEMEVAL2023 = frozenset((
    "Appeal_to_Authority", "Appeal_to_Popularity", "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice", "Flag_Waving", "Causal_Oversimplification",
    "False_Dilemma-No_Choice", "Consequential_Oversimplification", "Straw_Man", "Red_Herring",
    "Whataboutism", "Slogans", "Appeal_to_Time", "Conversation_Killer", "Loaded_Language",
    "Repetition", "Exaggeration-Minimisation", "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling", "Doubt", "Guilt_by_Association", "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
))  # fmt: skip
# SemEval-2020 Task 11 (PTC): its 14 labels.
SEMEVAL2020 = frozenset((
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt",
    "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language", "Name_Calling,Labeling",
    "Repetition", "Slogans", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
))  # fmt: skip


def _hits(text: str, technique: str) -> list[Hit]:
    return [h for h in ANALYZER.check(text).hits if h.technique == technique]


def test_the_vocabulary_keeps_the_core_ids_and_adds_the_inventory() -> None:
    ids = [t.id for t in ANALYZER.techniques]
    assert ids[: len(CORE)] == list(CORE)
    assert set(INVENTORY) <= set(ids)


@pytest.mark.parametrize("technique_id", INVENTORY)
def test_each_inventory_technique_maps_onto_both_semeval_taxonomies(technique_id: str) -> None:
    technique = ANALYZER.techniques.get(technique_id)
    assert technique is not None and technique.definition
    assert {"semeval2020_t11", "semeval2023_t3"} <= set(technique.mappings)
    assert set(technique.mappings["semeval2020_t11"]) <= SEMEVAL2020
    labels = technique.mappings["semeval2023_t3"]
    assert len(labels) == 1 and labels[0] in SEMEVAL2023


def test_each_semeval2023_label_has_at_most_one_technique() -> None:
    """The held-out measurement counts a technique's hits against every label it maps to:
    two techniques on one label, or one on several, would blur the per-label figures."""
    owners: dict[str, list[str]] = {}
    for technique in ANALYZER.techniques:
        for label in technique.mappings.get("semeval2023_t3", ()):
            owners.setdefault(label, []).append(technique.id)
    assert {label: ids for label, ids in owners.items() if len(ids) > 1} == {}
    assert "semeval2023_t3" not in ANALYZER.techniques.get("conspiracy-framing").mappings


def test_techniques_json_lists_every_technique_with_its_mappings() -> None:
    out = io.StringIO()
    assert main(["techniques", "--format", "json"], out=out) == 0
    listed = {t["id"]: t for t in json.loads(out.getvalue())}
    assert set(CORE) | set(INVENTORY) <= set(listed)
    for technique_id in INVENTORY:
        assert listed[technique_id]["mappings"]["semeval2023_t3"]


@pytest.mark.parametrize("technique_id", INVENTORY)
def test_inventory_rules_carry_several_examples_each_way(technique_id: str) -> None:
    rules = [r for r in ANALYZER.all_rules if r.technique == technique_id]
    assert rules, f"{technique_id} has no rule"
    for rule in rules:
        flags = [e for e in rule.examples if e.flag]
        passes = [e for e in rule.examples if not e.flag]
        assert len(flags) >= 3 and len(passes) >= 3, rule.id


def test_inventory_rule_files_record_where_their_words_come_from() -> None:
    """Every rule file of the inventory starts with a comment saying how it was written
    (no third-party list, or which and under what license) and what it measured."""
    for technique_id in INVENTORY:
        for path in sorted((ROOT / "rules" / technique_id).glob("*.yml")):
            head = path.read_text(encoding="utf-8").splitlines()[0]
            assert head.startswith("# "), path
            assert yaml.safe_load(path.read_text(encoding="utf-8"))["status"] in (
                "preview",
                "stable",
            )


@pytest.mark.parametrize(
    ("technique", "text", "span"),
    [
        ("flag-waving", "The American people deserve the truth.", "The American people"),
        ("slogans", "Enough talk. Build the wall!", "Build the wall"),
        ("doubt", "How is it possible that nobody noticed?",
         "How is it possible that nobody noticed?"),
        ("appeal-to-fear", "If we let them in, our towns will descend into chaos.",
         "If we let them in, our towns will descend into chaos"),
        ("false-dilemma", "You're either with us or against us.",
         "You're either with us or against us"),
        ("whataboutism", "He lied. But what about Hillary's emails?",
         "But what about Hillary's emails?"),
        ("guilt-by-association", "That's straight out of the Nazi playbook.",
         "straight out of the Nazi playbook"),
        ("appeal-to-authority", "Studies show it works.", "Studies show"),
        ("appeal-to-popularity", "Everyone knows he cheated.", "Everyone knows"),
        ("conversation-killer", "It is what it is.", "It is what it is"),
        ("straw-man", "So you're saying we should let criminals go?",
         "So you're saying we should let criminals go"),
        ("questioning-reputation", "Nobody should listen to a known liar.", "a known liar"),
        ("repetition", "It's all lies, lies, lies.", "lies, lies, lies"),
    ],
)  # fmt: skip
def test_textbook_forms_are_reported_with_their_span(technique: str, text: str, span: str) -> None:
    assert span in [h.text for h in _hits(text, technique)]


@pytest.mark.parametrize(
    "text",
    [
        "The council approved the budget on Tuesday by seven votes to two.",
        "Scientists at the university measured the glacier's retreat over ten years.",
        "If the weather holds, the match will start at three.",
        "Either option is fine with me, thanks.",
        "What about meeting at noon instead?",
        "Hitler invaded Poland in September 1939.",
        "The American Cancer Society published new screening guidelines.",
    ],
)
def test_news_reporting_and_neutral_sentences_stay_clean(text: str) -> None:
    found = [h for h in ANALYZER.check(text).hits if h.technique in INVENTORY]
    assert found == [], found
