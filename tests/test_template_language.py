"""The template language's phrase slots, class repetition and ``within: clause``,
through rule files written to a temp folder (issues 14, 16, 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    TEST_RULE_EXAMPLES,
    TEST_RULE_HEADER,
    RuleWriter,
    analyzer_with_rule,
    only_rules,
    spans,
)

from rhetoric import Analyzer, RuleLoadError

CLASSES = {
    "_classes/people.yml": "terms: [they, liberals, those people]\n",
    "_classes/copula.yml": "terms: [are, is]\n",
    "_classes/adjective.yml": "terms: [stupid, lazy, dirty old]\n",
    "_classes/noun.yml": "terms: [idiot, idiots, clowns]\n",
}


def analyzer_for(write_rule: RuleWriter, rules_dir: Path, body: str) -> Analyzer:
    return analyzer_with_rule(
        write_rule, rules_dir, "kind: sequence\n" + body, technique="name-calling", classes=CLASSES
    )


def test_phrase_alternatives_span_several_tokens(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule,
        rules_dir,
        "templates: ['islam {copula} a|the [[death_cult|religion_of_hate|menace]]']\n",
    )
    assert spans(analyzer, "Islam is a death cult.") == ["death cult"]
    assert spans(analyzer, "Islam is the religion of hate") == ["religion of hate"]
    assert spans(analyzer, "Islam is a menace") == ["menace"]
    # each phrase only as a whole, in order, within one sentence
    assert spans(analyzer, "Islam is a death march") == []
    assert spans(analyzer, "Islam is a religion of peace") == []
    assert spans(analyzer, "Islam is a cult") == []
    assert spans(analyzer, "Islam is a death. Cult members left.") == []


def test_phrase_slot_first_and_optional(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule,
        rules_dir,
        "templates: ['[[white_genocide|great_replacement {copula} real_and? happening]]']\n",
    )
    assert spans(analyzer, "The great replacement is happening") == [
        "great replacement is happening"
    ]
    assert spans(analyzer, "white genocide is real and happening") == [
        "white genocide is real and happening"
    ]
    assert spans(analyzer, "The replacement is happening") == []


def test_class_repetition(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, "templates: ['you [[{adjective}{0,2} {noun}]]']\n"
    )
    assert spans(analyzer, "you idiot") == ["idiot"]
    assert spans(analyzer, "you stupid idiot") == ["stupid idiot"]
    assert spans(analyzer, "you stupid dirty old clowns") == ["stupid dirty old clowns"]
    # at most two terms of the class
    assert spans(analyzer, "you lazy stupid lazy idiot") == []


def test_class_repetition_lower_bound(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, "templates: ['[[{people} {copula} {adjective}{2,3}]]']\n"
    )
    assert spans(analyzer, "they are lazy") == []
    assert spans(analyzer, "they are lazy stupid") == ["they are lazy stupid"]


def test_within_clause_stops_at_commas(write_rule: RuleWriter, rules_dir: Path) -> None:
    template = "templates: ['[[{people} *{0,3} {noun}]]']\n"
    text = "They hate it, idiots"
    by_sentence = analyzer_for(write_rule, rules_dir, template)
    # the default is unchanged: a match reads across the comma
    assert spans(by_sentence, text) == [text]
    by_clause = analyzer_for(write_rule, rules_dir, template + "within: clause\n")
    assert spans(by_clause, text) == []
    assert spans(by_clause, "They: idiots") == []
    assert spans(by_clause, "They hate it; idiots") == []
    assert spans(by_clause, "They are idiots") == ["They are idiots"]
    assert spans(by_clause, "No, they are idiots, all") == ["they are idiots"]


def test_within_accepts_only_sentence_or_clause(write_rule: RuleWriter, rules_dir: Path) -> None:
    with pytest.raises(RuleLoadError, match="within"):
        analyzer_for(
            write_rule, rules_dir, "templates: ['{people} {copula} {noun}']\nwithin: word\n"
        )


def test_within_clause_is_only_for_sequence_rules(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "name-calling/words.yml",
        TEST_RULE_HEADER + "kind: lexicon\nterms: [idiot]\nwithin: clause\n" + TEST_RULE_EXAMPLES,
    )
    with pytest.raises(RuleLoadError, match="within"):
        only_rules(rules_dir)


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("'{people} {copula} a||the {noun}'", "empty alternative in 'a||the'"),
        ("'{people} {copula} |the {noun}'", "empty alternative"),
        ("'{people} {copula} the|? {noun}'", "empty alternative"),
        ("'{people} {copula} death__cult'", "empty alternative"),
        ("'{people} {copula} _cult'", "empty alternative"),
        ("'{people} {adjective}{3,2}'", "repetition '{adjective}{3,2}'"),
        ("'{people} {adjective}{0,7}'", "repetition"),
        ("'{people} {adjective}{0,0}'", "repetition"),
        ("'{people} {adjective}{1}'", "malformed class reference"),
        ("'{adjective}{0,2} {people}'", "must start with a required word"),
    ],
)
def test_templates_that_cannot_match_are_load_errors(
    write_rule: RuleWriter, rules_dir: Path, template: str, problem: str
) -> None:
    with pytest.raises(RuleLoadError) as caught:
        analyzer_for(write_rule, rules_dir, f"templates:\n  - {template}\n")
    message = str(caught.value)
    assert "name-calling/tested.yml:8:" in message
    assert template.strip("'") in message
    assert problem in message


def test_new_template_forms_survive_the_compiled_rules_cache(
    write_rule: RuleWriter, rules_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(cache))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    body = (
        "templates:\n"
        "  - '[[islam {copula} a death_cult|religion_of_hate]]'\n"
        "  - 'you [[{adjective}{0,2} {noun}]]'\n"
        "within: clause\n"
    )
    texts = ["Islam is a religion of hate", "you lazy stupid idiot", "you lazy, idiot"]
    built = [spans(analyzer_for(write_rule, rules_dir, body), t) for t in texts]
    entries = list(cache.glob("*.pickle"))
    assert len(entries) == 1
    loaded = [spans(only_rules(rules_dir), t) for t in texts]
    assert list(cache.glob("*.pickle")) == entries
    assert built == loaded == [["Islam is a religion of hate"], ["lazy stupid idiot"], []]
