"""Each rule kind through the public API: write a rule file, build an analyzer,
check text, look at the hits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules

from rhetoric import Severity

HEADER = """
severity: warning
kind: {kind}
message: "'{{match}}' found"
why: A rule written for the tests of the rule engine; it documents nothing else.
references: [https://example.org/rule]
status: stable
"""


def rule(kind: str, body: str, technique: str = "name-calling", examples: str | None = None) -> str:
    examples = examples or 'examples:\n  flag: ["[[x]]"]\n  pass: ["y"]\n'
    return HEADER.format(technique=technique, kind=kind) + body + examples


def spans(analyzer, text: str, rule_id: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    hits = analyzer.analyse(text).raw_hits
    return [text[h.start : h.end] for h in hits if rule_id is None or h.rule == rule_id]


# --- lexicon ------------------------------------------------------------------------


def test_lexicon_matches_whole_words_only(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "profanity/rude.yml", rule("lexicon", "terms: [cunt, ass, cock, shit]\n", "profanity")
    )
    analyzer = only_rules(rules_dir)
    text = "Scunthorpe, a classic cocktail for the assistant; shiitake. But: shit!"
    assert spans(analyzer, text) == ["shit"]


def test_lexicon_obfuscations(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("profanity/rude.yml", rule("lexicon", "terms: [fuck, shit, ass]\n", "profanity"))
    analyzer = only_rules(rules_dir)
    for text, expected in [
        ("such a f*ck", "f*ck"),
        ("f**k it", "f**k"),
        ("f#ck it", "f#ck"),
        ("what sh1t", "sh1t"),
        ("kiss my @ss", "@ss"),
        ("f.u.c.k this", "f.u.c.k"),
        ("f u c k this", "f u c k"),
        ("fuuuuuck", "fuuuuuck"),
        ("ſhit", "ſhit"),
        ("𝐟𝐮𝐜𝐤 off", "𝐟𝐮𝐜𝐤"),
        ("ｆｕｃｋ off", "ｆｕｃｋ"),
        ("fu\u200bck off", "fu\u200bck"),
        ("ѕһіt happens", "ѕһіt"),
        ("&#102;uck off", "&#102;uck"),
    ]:
        assert spans(analyzer, text) == [expected], text


def test_lexicon_obfuscation_can_be_switched_off(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "profanity/strict.yml", rule("lexicon", "terms: [fuck]\nobfuscation: false\n", "profanity")
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "f*ck and FUCK") == ["FUCK"]


def test_lexicon_masks_can_be_switched_off(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "profanity/strict.yml", rule("lexicon", "terms: [fuck]\nmasks: false\n", "profanity")
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "f*ck, fuuuck and FUCK") == ["fuuuck", "FUCK"]


def test_lexicon_inflection_phrases_and_term_overrides(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "name-calling/labels.yml",
        rule(
            "lexicon",
            "inflect: true\nterms:\n  - idiot\n  - hectoring bully\n"
            "  - {term: bully, inflect: false, severity: info, confidence: 0.3}\n",
        ),
    )
    analyzer = only_rules(rules_dir)
    text = "Idiots and hectoring bullies. A bully."
    assert spans(analyzer, text) == ["Idiots", "hectoring bullies", "bully"]
    hits = {h.text: h for h in analyzer.analyse(text).raw_hits}
    assert hits["bully"].severity is Severity.INFO and hits["bully"].confidence == 0.3
    # phrases do not continue across sentence punctuation
    assert spans(analyzer, "He kept hectoring. Bully for him") == ["Bully"]


def test_lexicon_exceptions_and_antipatterns(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "name-calling/parasites.yml",
        rule(
            "lexicon",
            "terms: [parasites, radical]\nexceptions: [intestinal parasites]\n"
            'antipatterns: ["free radicals?"]\n',
        ),
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "Intestinal parasites and a free radical.") == []
    assert spans(analyzer, "Those parasites. A radical plan.") == ["parasites", "radical"]


# --- pattern -----------------------------------------------------------------------


def test_pattern_reports_named_group_in_original_offsets(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_rule(
        "loaded-language/bloodbath.yml",
        rule("pattern", "pattern: 'a (?P<hit>total bloodbath)'\n", "loaded-language"),
    )
    analyzer = only_rules(rules_dir)
    text = "It was A ＴＯＴＡＬ Bloodbath!"
    assert spans(analyzer, text) == ["ＴＯＴＡＬ Bloodbath"]


def test_pattern_never_reports_inside_a_word(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule("profanity/cock.yml", rule("pattern", "pattern: 'cock'\n", "profanity"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "a cocktail and a peacock") == []
    assert spans(analyzer, "what a cock.") == ["cock"]


def test_pattern_on_original_text_and_literals(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "loaded-language/shout.yml",
        rule(
            "pattern",
            "pattern: '\\b[A-Z]{5,}\\b'\nagainst: original\nignorecase: false\n",
            "loaded-language",
        ),
    )
    write_rule(
        "loaded-language/gated.yml",
        rule("pattern", "pattern: 'evil\\w*'\nliterals: [evil]\n", "loaded-language"),
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "This is OUTRAGEOUS and evilness", "shout") == ["OUTRAGEOUS"]
    assert spans(analyzer, "This is OUTRAGEOUS and evilness", "gated") == ["evilness"]


def test_pattern_timeout_is_reported_not_hung(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_rule(
        "loaded-language/slow.yml",
        rule("pattern", "pattern: '(a|aa)+$'\ntimeout: 0.05\n", "loaded-language"),
    )
    analyzer = only_rules(rules_dir)
    report = analyzer.check("a" * 40 + "c")
    assert report.hits == ()
    assert [e.source for e in report.errors] == ["rule:slow"]
    assert "timed out" in report.errors[0].message


# --- sequence ----------------------------------------------------------------------


CLASSES = {
    "_classes/people.yml": "terms: [they, those people, liberals, '{pronoun}']\n",
    "_classes/pronoun.yml": "terms: [you, we]\n",
    "_classes/copula.yml": "terms: [are, is, were]\n",
    "_classes/dehumanizing.yml": "inflect: true\nterms: [animal, parasite, a disease]\n",
}


def write_classes(write_rule: RuleWriter) -> None:
    for path, body in CLASSES.items():
        write_rule(path, body)


def test_sequence_templates(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_classes(write_rule)
    write_rule(
        "name-calling/dehumanizing.yml",
        rule(
            "sequence",
            "templates:\n"
            "  - '{people} {copula} nothing? but? [[{dehumanizing}]]'\n"
            "  - 'those who *{1,4} {copula} [[{dehumanizing}]]'\n",
        ),
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "Those people are animals.") == ["animals"]
    assert spans(analyzer, "Liberals are nothing but parasites") == ["parasites"]
    assert spans(analyzer, "You are a disease") == ["a disease"]
    assert spans(analyzer, "Those who voted for him are parasites") == ["parasites"]
    assert spans(analyzer, "The animals are fed daily. They are happy.") == []
    # a template does not run across a sentence break
    assert spans(analyzer, "They are. Animals live here.") == []


def test_sequence_reports_whole_match_without_marks(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_classes(write_rule)
    write_rule(
        "name-calling/whole.yml",
        rule("sequence", "templates: ['{people} {copula} {dehumanizing}']\n"),
    )
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "I think they are animals!") == ["they are animals"]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("'* are {people}'", "must start with a required word"),
        ("'{people} ^ are'", "first slot, on its own"),
        ("'{people} [[are'", "without a matching"),
        ("'{people} *{3,1} are'", "gap"),
    ],
)
def test_bad_templates_name_file_and_line(
    write_rule: RuleWriter, rules_dir: Path, template: str, problem: str
) -> None:
    from rhetoric import RuleLoadError

    write_classes(write_rule)
    path = write_rule("name-calling/bad.yml", rule("sequence", f"templates:\n  - {template}\n"))
    with pytest.raises(RuleLoadError) as caught:
        only_rules(rules_dir)
    assert str(caught.value).startswith(f"{path}:8:")
    assert problem in str(caught.value)


# --- co-occurrence -------------------------------------------------------------------


COOCCURRENCE = """\
groups:
  agent: {terms: [the elites, globalists, '{people}'], weight: 0.3}
  intent: {terms: [agenda, plan to, want to], weight: 0.4}
  concealment: {terms: [hide, cover up, secretly], weight: 0.5}
"""


def test_cooccurrence_scores_cue_groups_within_a_sentence(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_classes(write_rule)
    write_rule(
        "conspiracy-framing/agent-intent.yml",
        rule("cooccurrence", COOCCURRENCE, "conspiracy-framing"),
    )
    analyzer = only_rules(rules_dir)
    text = "The elites secretly plan to replace us. Nice weather."
    hits = analyzer.analyse(text).raw_hits
    assert [(h.text, h.confidence) for h in hits] == [
        ("The elites secretly plan to", round(1 - 0.7 * 0.6 * 0.5, 4))
    ]
    assert hits[0].evidence["cues"] == {
        "agent": ["The elites"],
        "intent": ["plan to"],
        "concealment": ["secretly"],
    }
    # one group alone, or groups in different sentences, are not enough
    assert spans(analyzer, "The elites met today. Is there an agenda? No.") == []
    assert spans(analyzer, "They want to win.") == ["They want to"]  # a class include


def test_cooccurrence_token_window_and_min_groups(write_rule: RuleWriter, rules_dir: Path) -> None:
    write_classes(write_rule)
    body = COOCCURRENCE + "min_groups: 3\nwindow: 6\n"
    write_rule("conspiracy-framing/strict.yml", rule("cooccurrence", body, "conspiracy-framing"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "globalists want to hide it") == ["globalists want to hide"]
    far = "globalists want to do many many many other things and hide it"
    assert spans(analyzer, far) == []


def test_cooccurrence_validation(write_rule: RuleWriter, rules_dir: Path) -> None:
    from rhetoric import RuleLoadError

    body = "groups:\n  agent: {terms: [x]}\n"
    path = write_rule(
        "conspiracy-framing/bad.yml", rule("cooccurrence", body, "conspiracy-framing")
    )
    with pytest.raises(RuleLoadError, match="at least two cue groups"):
        only_rules(rules_dir)
    path.write_text(
        path.read_text().replace("{terms: [x]}", "{terms: [x], wieght: 1}\n  b: {terms: [y]}")
    )
    with pytest.raises(RuleLoadError, match="unknown key 'wieght'"):
        only_rules(rules_dir)


def test_cooccurrence_required_groups_and_sentence_bound_windows(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    write_classes(write_rule)
    body = COOCCURRENCE + "window: 8\nwithin_sentence: true\nrequire: [intent]\n"
    write_rule("conspiracy-framing/bound.yml", rule("cooccurrence", body, "conspiracy-framing"))
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "The elites secretly met.") == []  # no intent cue
    assert spans(analyzer, "The elites. They plan to win") == ["They plan to"]
    assert spans(analyzer, "Globalists met. Plan to hide it") == ["Plan to hide"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"[[:digit:]]+[[:space:]]dollars? bribe",  # POSIX classes
        r"(?V1)[[0-9]--[5]]{3} dollars? bribe",  # a version-1 set operation
    ],
)
def test_pattern_with_regex_only_classes_still_runs(
    write_rule: RuleWriter, rules_dir: Path, pattern: str
) -> None:
    """The prefilter reads literals with the stdlib parser, which takes these classes for
    plain chars (a required "] dollar bribe"): the rule must run without one, not never."""
    write_rule(
        "loaded-language/bribe.yml",
        rule("pattern", f"pattern: '{pattern}'\n", "loaded-language",
             'examples:\n  flag: ["a [[100 dollar bribe]]"]\n  pass: ["y"]\n'),
    )  # fmt: skip
    analyzer = only_rules(rules_dir)
    assert spans(analyzer, "He took a 100 dollar bribe.") == ["100 dollar bribe"]
