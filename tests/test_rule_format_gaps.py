"""Rule-format gaps rule authors hit in stops 31 and 32 (issues 14, 16, 18): word
classes in regexes, templates anchored at a sentence start, one-slot templates,
antipatterns scoped to a clause, lexicon terms with their own message and context
words, through rule files written to a temp folder."""

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
    "_classes/game.yml": "terms: [chess, smash, smash bros, pool, c++]\n",
    "_classes/sport.yml": "terms: [darts, '{game}']\n",
    "_classes/verb.yml": "inflect: true\nterms: [punch, slap]\n",
    "_classes/people.yml": "terms: [they, those people]\n",
    "_classes/pandemic.yml": "terms: [pandemic, covid, vaccine, vaccines]\n",
}


def analyzer_for(write_rule: RuleWriter, rules_dir: Path, body: str) -> Analyzer:
    return analyzer_with_rule(write_rule, rules_dir, body, technique="threat", classes=CLASSES)


LEXICON = "kind: lexicon\nterms: [kill you]\n"


# -- word classes in regexes --------------------------------------------------------


def test_antipattern_names_a_word_class(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, LEXICON + "antipatterns: ['kill you at {game}']\n"
    )
    assert spans(analyzer, "I will kill you at chess") == []
    assert spans(analyzer, "I will kill you at smash bros tonight") == []
    assert spans(analyzer, "I will kill you at Smash") == []  # case-insensitive
    assert spans(analyzer, "I will kill you at smash  bros") == []  # any whitespace
    assert spans(analyzer, "I will kill you at c++") == []  # terms are escaped
    # whole terms only: "chessboard", "cc++" and "poolside" are not games
    assert spans(analyzer, "I will kill you at chessboard") == ["kill you"]
    assert spans(analyzer, "I will kill you at the poolside") == ["kill you"]
    assert spans(analyzer, "I will kill you at home") == ["kill you"]


def test_class_in_regex_includes_other_classes_and_inflects(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(
        write_rule,
        rules_dir,
        "kind: pattern\npattern: '\\b(?:i will|ima) (?P<hit>{verb} you)\\b'\n"
        "antipatterns: ['you at {sport}']\n",
    )
    assert spans(analyzer, "ima punched you") == ["punched you"]
    assert spans(analyzer, "I will slap you") == ["slap you"]
    assert spans(analyzer, "I will slapping you") == ["slapping you"]
    assert spans(analyzer, "I will kick you") == []
    assert spans(analyzer, "I will slap you at darts") == []  # the class's own term
    assert spans(analyzer, "I will slap you at chess") == []  # an included class's term


def test_escapes_quantifiers_and_sets_are_not_classes(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(
        write_rule,
        rules_dir,
        "kind: pattern\npattern: '\\bx{2} (?P<hit>\\{game\\}|[{a}]{3})'\n",
    )
    assert spans(analyzer, "xx {game} and xx {a}") == ["{game}", "{a}"]


@pytest.mark.parametrize(
    "body",
    [
        LEXICON + "antipatterns: ['at {games}']\n",
        "kind: pattern\npattern: 'at {games}'\n",
    ],
)
def test_unknown_class_in_regex_is_a_load_error(
    write_rule: RuleWriter, rules_dir: Path, body: str
) -> None:
    with pytest.raises(RuleLoadError, match=r"unknown word class '\{games\}'.*'game'") as info:
        analyzer_for(write_rule, rules_dir, body)
    assert "tested.yml" in str(info.value)


def test_expanded_class_keeps_the_antipattern_prefilter(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    """An expanded class gives the prefilter its terms (a hit is still cancelled when
    a term occurs), or, with a term too short to test, makes the antipattern run."""
    write_rule("_classes/short.yml", "terms: [x, chess]\n")
    analyzer = analyzer_for(
        write_rule,
        rules_dir,
        "kind: lexicon\nterms: [bros, yo]\nantipatterns: ['{game}', '{short} yo']\n",
    )
    assert spans(analyzer, "at smash bros") == []
    assert spans(analyzer, "hi bros") == ["bros"]
    assert spans(analyzer, "x yo") == []
    assert spans(analyzer, "chess yo") == []
    assert spans(analyzer, "z yo") == ["yo"]


# -- templates anchored at a sentence start; one-slot templates ---------------------

SEQUENCE = "kind: sequence\ntemplates: ['{tpl}']\n"


def test_caret_anchors_a_template_at_the_sentence_start(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, SEQUENCE.format(tpl="^ and gets [[{verb} in_the_face]]")
    )
    assert spans(analyzer, "And gets punched in the face.") == ["punched in the face"]
    assert spans(analyzer, "He mouthed off. And gets punched in the face") == [
        "punched in the face"
    ]
    # not in mid-sentence, where "and gets" just continues a clause
    assert spans(analyzer, "He trips and gets punched in the face.") == []


def test_caret_with_within_clause_anchors_at_the_clause_start(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    body = SEQUENCE.format(tpl="^ {people} [[deserve_it]]") + "within: clause\n"
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "Honestly, they deserve it.") == ["deserve it"]
    assert spans(analyzer, "Honestly they deserve it.") == []


def test_without_caret_a_template_matches_anywhere(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl="and gets {verb}"))
    assert spans(analyzer, "He trips and gets punched.") == ["and gets punched"]


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{people} ^ deserve", "first slot, on its own"),
        ("^and gets {verb}", "first slot, on its own"),
        ("^", "template is empty"),
        ("^ * {verb}", "must start with a required word"),
    ],
)
def test_misplaced_caret_is_a_load_error(
    write_rule: RuleWriter, rules_dir: Path, template: str, problem: str
) -> None:
    with pytest.raises(RuleLoadError, match=problem) as info:
        analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl=template))
    assert "tested.yml" in str(info.value)


def test_one_slot_templates(write_rule: RuleWriter, rules_dir: Path) -> None:
    """A template of one class: a lexicon of a shared class, here anchored too."""
    analyzer = analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl="{verb}"))
    assert spans(analyzer, "I will slap you, then punch him") == ["slap", "punch"]
    assert spans(analyzer, "They slapped back") == ["slapped"]
    assert spans(analyzer, "A punchline") == []
    analyzer = analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl="^ {verb}"))
    assert spans(analyzer, "Slap him. Then punch him.") == ["Slap"]
    analyzer = analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl="{verb}{2,2}"))
    assert spans(analyzer, "slap, punch! Slap him") == ["slap, punch"]
    assert spans(analyzer, "Slap him") == []


# -- templates only inside questions ------------------------------------------------


def test_within_question_keeps_matches_in_sentences_that_ask(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    body = SEQUENCE.format(tpl="can {people} [[really_be_trusted]]") + "within: question\n"
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "But can they really be trusted?") == ["really be trusted"]
    assert spans(analyzer, "Can they really be trusted with our money?!") == ["really be trusted"]
    assert spans(analyzer, "Fine. Can they really be trusted") == []  # no question mark
    # the sentence of the match decides, not a question elsewhere in the comment
    assert spans(analyzer, "Why ask? Can they really be trusted. Sure.") == []
    assert spans(analyzer, "Can they really be trusted. Who knows?") == []
    assert spans(analyzer, "Can they really be trusted; who knows?") == []  # ; ends it


def test_without_within_question_statements_match_too(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, SEQUENCE.format(tpl="can {people} [[really]]"))
    assert spans(analyzer, "Can they really. Yes.") == ["really"]


def test_within_takes_only_known_scopes(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = SEQUENCE.format(tpl="can {people} really") + "within: exclamation\n"
    with pytest.raises(RuleLoadError, match="within") as info:
        analyzer_for(write_rule, rules_dir, body)
    assert "tested.yml" in str(info.value)


# -- antipatterns scoped to a clause or a sentence (stop 32) --------------------------

SHOOT = "kind: lexicon\nterms: [shoot him]\n"
REPORTED = r"[^.!?]*\bpolice say\b[^.!?]*"


def test_a_clause_scoped_antipattern_cancels_only_its_own_clause(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    scoped = analyzer_for(
        write_rule,
        rules_dir,
        SHOOT + f"antipatterns:\n  - {{pattern: '{REPORTED}', within: clause}}\n",
    )
    assert spans(scoped, "Police say he ran, but someone should shoot him.") == ["shoot him"]
    assert spans(scoped, "Police say someone should shoot him.") == []
    assert spans(scoped, "He hid; police say they will shoot him") == []
    # a plain antipattern keeps reading the whole sentence, commas included
    whole = analyzer_for(write_rule, rules_dir, SHOOT + f"antipatterns: ['{REPORTED}']\n")
    assert spans(whole, "Police say he ran, but someone should shoot him.") == []
    assert spans(whole, "Police say he ran. Someone should shoot him.") == ["shoot him"]


def test_a_scoped_antipattern_reads_each_part_as_a_text_of_its_own(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    """``^`` and lookbehinds see the part's start: here "a sentence that starts with
    'allegedly'"."""
    body = SHOOT + "antipatterns:\n  - {pattern: '^\\s*allegedly\\b.*', within: sentence}\n"
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "Allegedly he said they should shoot him") == []
    assert spans(analyzer, "No. Allegedly he said they should shoot him") == []
    assert spans(analyzer, "Allegedly so. They should shoot him") == ["shoot him"]
    assert spans(analyzer, "They should shoot him, allegedly") == ["shoot him"]


def test_within_comment_is_the_plain_antipattern(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = SHOOT + f"antipatterns:\n  - {{pattern: '{REPORTED}', within: comment}}\n"
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "Police say he ran, but someone should shoot him.") == []


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("{pattern: 'x', within: paragraph}", "antipattern within must be one of"),
        ("{within: clause}", "pattern"),
        ("{pattern: 'x', scope: clause}", "scope"),
        ("{pattern: '(x', within: clause}", "not a valid regular expression"),
    ],
)
def test_malformed_scoped_antipatterns_are_load_errors(
    write_rule: RuleWriter, rules_dir: Path, item: str, problem: str
) -> None:
    with pytest.raises(RuleLoadError, match=problem) as info:
        analyzer_for(write_rule, rules_dir, SHOOT + f"antipatterns:\n  - {item}\n")
    assert "threat/tested.yml:" in str(info.value)


# -- lexicon terms with their own message and context words (stop 32) ---------------

CONTEXT = """kind: lexicon
terms:
  - hoax
  - {term: poisoned, requires: ['{pandemic}', big pharma], message: "'{match}': a harm plot"}
  - {term: culled, requires: '{pandemic}', within: clause}
"""


def test_a_term_can_require_a_context_word_in_its_sentence(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, CONTEXT)
    assert spans(analyzer, "The vaccine makers poisoned millions") == ["poisoned"]
    assert spans(analyzer, "They poisoned us with the vaccines.") == ["poisoned"]  # after it
    assert spans(analyzer, "Big Pharma poisoned us") == ["poisoned"]  # a phrase
    assert spans(analyzer, "Children were poisoned by lead") == []
    assert spans(analyzer, "The vaccine works. They poisoned the well.") == []
    assert spans(analyzer, "A hoax") == ["hoax"]  # plain terms are unchanged


def test_within_clause_keeps_the_context_word_in_the_terms_clause(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, CONTEXT)
    assert spans(analyzer, "The covid rules culled the weak") == ["culled"]
    assert spans(analyzer, "After covid, the herd was culled") == []
    # the sentence-wide default reads across the comma
    assert spans(analyzer, "After covid, they poisoned us") == ["poisoned"]


def test_a_term_carries_its_own_message(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, CONTEXT)
    messages = {h.text: h.message for h in analyzer.analyse("Covid poisoned us, a hoax").raw_hits}
    assert messages == {"poisoned": "'poisoned': a harm plot", "hoax": "'hoax' found"}


def test_the_context_word_must_be_outside_the_term(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = "kind: lexicon\nterms:\n  - {term: vaccine poison, requires: [vaccine]}\n"
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "It is vaccine poison") == []
    assert spans(analyzer, "The vaccine is vaccine poison") == ["vaccine poison"]


def test_context_terms_without_fast_paths_agree(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer_for(write_rule, rules_dir, CONTEXT)
    texts = ["The vaccine makers poisoned millions", "Children were poisoned by lead"]
    fast, slow = only_rules(rules_dir), only_rules(rules_dir, fast_paths=False)
    assert [spans(fast, t) for t in texts] == [spans(slow, t) for t in texts] == [["poisoned"], []]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "kind: lexicon\nterms:\n  - {term: x, requires: '{pandemc}'}\n",
            "unknown word class '{pandemc}' in requires.*pandemic",
        ),
        (
            "kind: lexicon\nterms:\n  - {term: x, within: clause}\n",
            "needs 'requires'",
        ),
        (
            "kind: lexicon\nterms:\n  - {term: x, requires: [a], within: comment}\n",
            "term within must be one of: sentence, clause",
        ),
        (
            "kind: lexicon\nterms:\n  - {term: x, requires: ['{a} b']}\n",
            "must be words or one",
        ),
    ],
)
def test_malformed_term_context_is_a_load_error(
    write_rule: RuleWriter, rules_dir: Path, body: str, problem: str
) -> None:
    with pytest.raises(RuleLoadError, match=problem) as info:
        analyzer_for(write_rule, rules_dir, body)
    assert "threat/tested.yml:" in str(info.value)


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("_classes/harm.yml", "terms:\n  - {term: x, requires: [a]}\n", "a word class"),
        (
            "threat/cues.yml",
            TEST_RULE_HEADER
            + "kind: cooccurrence\ngroups:\n  a: {terms: [{term: x, message: m}]}\n"
            "  b: {terms: [y]}\n" + TEST_RULE_EXAMPLES,
            "a co-occurrence group",
        ),
    ],
)
def test_term_context_keys_belong_to_lexicon_terms(
    write_rule: RuleWriter, rules_dir: Path, path: str, body: str, where: str
) -> None:
    write_rule(path, body)
    with pytest.raises(RuleLoadError, match=f"only for the terms of a lexicon rule, not {where}"):
        analyzer_for(write_rule, rules_dir, "kind: lexicon\nterms: [x]\n")


def test_new_rule_forms_survive_the_compiled_rules_cache(
    write_rule: RuleWriter, rules_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("RHETORIC_CACHE_DIR", str(cache))
    monkeypatch.delenv("RHETORIC_NO_CACHE", raising=False)
    body = CONTEXT + "antipatterns:\n  - {pattern: '[^.!?]*\\bsaid\\b[^.!?]*', within: clause}\n"
    texts = [
        "The vaccine makers poisoned millions, he said",
        "Covid is here, they said, but a hoax",
        "They said covid poisoned us",
    ]
    built = [spans(analyzer_for(write_rule, rules_dir, body), t) for t in texts]
    entries = list(cache.glob("*.pickle"))
    assert len(entries) == 1
    loaded = [spans(only_rules(rules_dir), t) for t in texts]
    assert list(cache.glob("*.pickle")) == entries
    assert built == loaded == [["poisoned"], ["hoax"], []]


# -- words inside web addresses are not read (stop 32) -------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "kind: lexicon\nterms: [kill all]\n",
        "kind: sequence\ntemplates: ['kill all {people}']\n",
    ],
)
def test_terms_and_templates_skip_words_inside_web_addresses(
    write_rule: RuleWriter, rules_dir: Path, body: str
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, body)
    for text in [
        "Read https://example.com/kill-all-they-say now",
        "See www.example.org/news/kill_all_they_said.",
        "Write to mailto:kill.all.they@example.com",
        "HTTPS://EXAMPLE.COM/KILL-ALL-THEY",
    ]:
        assert spans(analyzer, text) == [], text
    # the same words outside the address are read as before
    hits = spans(analyzer, "Kill all they say: https://example.com/kill-all-they")
    assert len(hits) == 1 and hits[0].lower().startswith("kill all")


def test_a_template_does_not_run_into_an_address(write_rule: RuleWriter, rules_dir: Path) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, "kind: sequence\ntemplates: ['{people} are [[vermin]]']\n"
    )
    assert spans(analyzer, "Those people are vermin") == ["vermin"]
    assert spans(analyzer, "They https://x.com/are-vermin") == []
    assert spans(analyzer, "https://x.com/they are vermin") == []


def test_context_words_and_cues_inside_addresses_do_not_count(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, CONTEXT)
    assert spans(analyzer, "They poisoned us, see https://x.org/covid") == []
    assert spans(analyzer, "Covid: they poisoned us, see https://x.org/a") == ["poisoned"]
    cues = "kind: cooccurrence\ngroups:\n  who: {terms: [elites]}\n  what: {terms: [secret plan]}\n"
    analyzer = analyzer_for(write_rule, rules_dir, cues)
    assert spans(analyzer, "The elites have a secret plan") == ["elites have a secret plan"]
    assert spans(analyzer, "The elites, see https://x.org/secret-plan") == []


# -- phrases and templates across the words of camel-case hashtags (stop 32) ----------

HASHTAG = """kind: lexicon
terms: [great reset, vaccine passports, lockdown, kill]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#StopTheGreatReset", ["GreatReset"]),
        ("Say no: #NoVaccinePassports!", ["VaccinePassports"]),
        ("#GreatReset now", ["GreatReset"]),  # the whole tag's words
        ("the great reset", ["great reset"]),
        # one word of a tag alone is not read ("#KillTheBill" is no threat)
        ("#EndTheLockdown #KillTheBill", []),
        ("#stopthegreatreset #STOPTHEGREATRESET", []),  # no case change: one word
        ("Stop TheGreatReset", []),  # not a hashtag
    ],
)
def test_a_phrase_matches_across_the_words_of_a_hashtag(
    write_rule: RuleWriter, rules_dir: Path, text: str, expected: list[str]
) -> None:
    analyzer = analyzer_for(write_rule, rules_dir, HASHTAG)
    assert spans(analyzer, text) == expected


def test_a_template_matches_inside_a_hashtag_and_around_it(
    write_rule: RuleWriter, rules_dir: Path
) -> None:
    analyzer = analyzer_for(
        write_rule, rules_dir, "kind: sequence\ntemplates: ['{people} are [[vermin]]']\n"
    )
    assert spans(analyzer, "#TheyAreVermin") == ["Vermin"]
    assert spans(analyzer, "They are #VerminScum") == ["Vermin"]  # the text runs into it
    assert spans(analyzer, "They #AreVermin") == ["Vermin"]
    one_slot = analyzer_for(write_rule, rules_dir, "kind: sequence\ntemplates: ['{verb}']\n")
    assert spans(one_slot, "#PunchTheBill") == []


def test_hashtag_words_obey_context_and_exceptions(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = (
        "kind: lexicon\nterms:\n  - {term: great reset, requires: ['{pandemic}']}\n"
        "exceptions: [the great reset button]\n"
    )
    analyzer = analyzer_for(write_rule, rules_dir, body)
    assert spans(analyzer, "#TheGreatReset") == []
    assert spans(analyzer, "Covid and #TheGreatReset") == ["GreatReset"]
    assert spans(analyzer, "Covid: #PressTheGreatResetButton") == []
    # (an address without a dot: "x.org" would end the sentence before the tag)
    assert spans(analyzer, "Covid and https://x/#TheGreatReset") == []
    assert spans(analyzer, "Covid and https://x/ #TheGreatReset") == ["GreatReset"]
