"""Negative template slots (``{!class}``, ``!word|other``): one token that is not in a
class or word list, through rule files written to a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RuleWriter, analyzer_with_rule, spans

from rhetoric import Analyzer, RuleLoadError

CLASSES = {
    "_classes/pronoun.yml": "terms: [he, she, they, you]\n",
    "_classes/noun.yml": "terms: [idiot, clown]\n",
    "_classes/kin.yml": "terms: [my brother, my sister]\n",
}


def analyzer_for(write_rule: RuleWriter, rules_dir: Path, templates: str) -> Analyzer:
    return analyzer_with_rule(
        write_rule,
        rules_dir,
        f"kind: sequence\ntemplates: {templates}\n",
        technique="name-calling",
        classes=CLASSES,
    )


def test_negative_class_slot_excludes_the_class(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, "['what a {!pronoun} [[{noun}]]']")
    assert spans(analyzer, "What a total idiot.") == ["idiot"]
    assert spans(analyzer, "What a he idiot.") == []
    # exactly one token: none or two do not match
    assert spans(analyzer, "What a idiot.") == []
    assert spans(analyzer, "What a big fat idiot.") == []


def test_negative_class_slot_reads_multiword_terms_by_their_first_token(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, "['called {!kin} * a [[{noun}]]']")
    assert spans(analyzer, "He called my brother a clown") == []
    assert spans(analyzer, "He called my neighbour a clown") == ["clown"]


def test_negative_words_slot_and_optional(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, "['you !not|never? a [[{noun}]]', 'such !a|an [[{noun}]]']"
    )
    assert spans(analyzer, "You absolute a clown") == ["clown"]
    assert spans(analyzer, "You a clown") == ["clown"]  # optional: skipped
    assert spans(analyzer, "You not a clown") == []
    assert spans(analyzer, "You never a clown") == []
    assert spans(analyzer, "such big idiot") == ["idiot"]
    assert spans(analyzer, "such a idiot") == []


def test_negative_slot_stops_at_sentence_breaks(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, "['what a {!pronoun} [[{noun}]]']")
    assert spans(analyzer, "What a. Idiot.") == []


def test_a_last_negative_slot_reads_not_followed_by(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    """At the end of a template the slot needs no token: the end of the sentence or of
    the text follows nothing excluded, and the reported part stays what it marks."""
    analyzer = analyzer_for(
        write_rule, rules_dir, "['[[you {noun}]] {!pronoun}', 'the [[{noun}]] !show|act']"
    )
    assert spans(analyzer, "you idiot") == ["you idiot"]  # end of the text
    assert spans(analyzer, "you idiot. They left") == ["you idiot"]  # end of the sentence
    assert spans(analyzer, "you idiot again") == ["you idiot"]  # a token not excluded
    assert spans(analyzer, "you idiot he said") == []  # an excluded one
    assert spans(analyzer, "watch the clown") == ["clown"]
    assert spans(analyzer, "the clown show") == []
    assert spans(analyzer, "the clown act, again") == []


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("['{!pronoun} {noun}']", "negative slot cannot begin a template"),
        ("['!the|a {noun}']", "negative slot cannot begin a template"),
        ("['[[ {!pronoun} ]] {noun}']", "negative slot cannot begin a template"),
        ("['what {!pronown} {noun}']", "unknown word class '{pronown}' in template"),
        ("['what !big_fat {noun}']", "single words, not phrases"),
        ("['what {!pronoun}{1,2} {noun}']", "malformed class reference"),
        ("['what a {noun} {!pronoun}?']", "optional negative slot cannot end a template"),
        ("['what a [[{noun}]] !he|she?']", "optional negative slot cannot end a template"),
    ],
)
def test_misuse_is_a_load_error_naming_the_rule(
    write_rule: RuleWriter, rules_dir: Path, template: str, message: str
) -> None:
    with pytest.raises(RuleLoadError, match=message) as caught:
        analyzer_for(write_rule, rules_dir, template)
    assert "tested.yml" in str(caught.value)
