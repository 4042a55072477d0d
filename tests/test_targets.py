"""Whom a finding aims at: the target of a hit, found by the ``targets`` plugin, carried
on the wire, used by policies (and so by the Coral answer), shown in reports."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import run
from hypothesis import given, settings
from hypothesis import strategies as st
from rhetoric_plugins import targets

from rhetoric import (
    GROUPS,
    Analyzer,
    AnalyzerConfig,
    Hit,
    Policy,
    PolicyError,
    Report,
    Severity,
    Target,
    TargetKind,
    Verdict,
)
from rhetoric.check.inputs import InputRecord
from rhetoric.model import Comment
from rhetoric.outputs import FORMATTERS, Outcome
from rhetoric.wire import SCHEMA_VERSION, hit_from_dict, hit_to_dict, report_schema, report_to_dict

ANALYZER = Analyzer.from_config(AnalyzerConfig())
ROOT = Path(__file__).resolve().parents[1]


def target_of(text: str, word: str) -> tuple[str, str | None, str | None]:
    """(kind, words, group) of the hit on ``word`` in ``text``."""
    report = ANALYZER.check(text)
    (hit,) = [h for h in report.hits if h.text == word and h.technique == "name-calling"]
    assert hit.target is not None
    return hit.target.kind.value, hit.target.text, hit.target.group


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("You are an idiot.", "idiot", ("addressee", "You", None)),
        ("Shut up, idiot.", "idiot", ("addressee", None, None)),
        ("Those immigrants are vermin.", "vermin", ("group", "immigrants", "Refugee")),
        ("Honestly, black people are animals.", "animals", ("group", "black people", "African")),
        ("The media are idiots.", "idiots", ("institution", "media", None)),
        ("Trump is a moron.", "moron", ("person", "Trump", None)),
        ("My neighbour Bob is a total moron.", "moron", ("person", "Bob", None)),
        ("Only an idiot would vote for that.", "idiot", ("unspecified", None, None)),
        # The word "who" is no institution; "WHO" is.
        ("Anyone who believes it is a fool.", "fool", ("unspecified", None, None)),
        ("The WHO are clowns.", "clowns", ("institution", "WHO", None)),
        # Another sentence's words do not count.
        ("I met Bob. What a moron.", "moron", ("unspecified", None, None)),
    ],
)
def test_the_targets_plugin_finds_whom_a_hit_aims_at(
    text: str, word: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert target_of(text, word) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # An identity word right before a label, or inside it, pins it on the group.
        ("Haha, definitely white trash.", "trash", ("group", "white", "Caucasian")),
        ("Those gay idiots again.", "idiots", ("group", "gay", "Homosexual")),
        ("Those jihadists are scum.", "scum", ("group", "jihadists", "Islam")),
        ("Transgender people are idiots.", "idiots", ("group", "Transgender people", "Homosexual")),
        ("Black Americans are idiots.", "idiots", ("group", "Black Americans", "African")),
        ("Pakistanis are idiots.", "idiots", ("group", "Pakistanis", "Other")),
        # a nationality alone is no identity group here (round 27: it lowered dev)
        ("Most Americans are idiots.", "idiots", ("unspecified", None, None)),
        # ... but not an everyday adjective, an idiom, or a label for the group's enemies.
        ("What a poor fool.", "fool", ("unspecified", None, None)),
        ("The anti-gay bigot lost.", "bigot", ("unspecified", None, None)),
    ],
)
def test_an_identity_word_before_a_label_names_the_group(
    text: str, word: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert target_of(text, word) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # a group word as the adjective of one person names that person (stop 33) ...
        (
            "He met the Syrian Christian crook who sold him the house.",
            "crook",
            ("person", "Christian crook", None),
        ),
        ("That Muslim idiot crashed the car.", "idiot", ("person", "Muslim idiot", None)),
        # ... while plurals and mass nouns are said of the group
        ("Those Muslim idiots crashed the car.", "idiots", ("group", "Muslim", "Islam")),
        ("The Muslim scum rioted.", "scum", ("group", "Muslim", "Islam")),
        # a group noun after "the", as the subject, is the group
        ("Sadly the Jews are liars.", "liars", ("group", "Jews", "Jewish")),
        # "men" said of people in view describes them, not men as a group
        ("They were ignorant men, the crowd said.", "ignorant", ("unspecified", None, None)),
        ("Honestly, men are ignorant.", "ignorant", ("group", "men", "Men")),
        ("Stupid women never learn.", "Stupid", ("group", "women", "Women")),
        # whom a hater hates is not whom the label attacks
        ("The Jew-hating mob marched.", "Jew-hating", ("unspecified", None, None)),
        ("Jew-haters will lose.", "Jew-haters", ("unspecified", None, None)),
        ("Those feminazis hating on her again.", "feminazis", ("group", "feminazis", "Women")),
    ],
)
def test_one_person_and_the_hated_group_are_not_group_targets(
    text: str, word: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert target_of(text, word) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # A group is the target when the label is said of it ...
        ("Everyone knows Indians are liars.", "liars", ("group", "Indians", "Indian")),
        ("He refers to Catholics as morons.", "morons", ("group", "Catholics", "Christian")),
        # ... not when it is named elsewhere in the sentence.
        ("A muslim preacher spoke, and morons cheered.", "morons", ("unspecified", None, None)),
        ("He said something idiotic about women.", "idiotic", ("person", "He", None)),
        ("Trump is an idiot, white people are fine.", "idiot", ("person", "Trump", None)),
        # ... nor when the verb is singular, so a clause about them is its subject ...
        ("Housing them with immigrants is ridiculous.", "ridiculous", ("unspecified", None, None)),
        # ... nor when the label stands in a phrase of its own after the verb.
        (
            "These women are suffering from the acts of idiots.",
            "idiots",
            ("unspecified", None, None),
        ),
        ("Those immigrants are all idiots.", "idiots", ("group", "immigrants", "Refugee")),
        # "is" is said of the clause, also when an adjective stands before the plural
        ("Housing illegal immigrants is ridiculous.", "ridiculous", ("unspecified", None, None)),
        # a farther group is not the subject when a nearer one stands between
        (
            "Refusing immigrants just cause they are illegal immigrants is ridiculous.",
            "ridiculous",
            ("unspecified", None, None),
        ),
        (
            "Housing black people with them is ridiculous.",
            "ridiculous",
            ("unspecified", None, None),
        ),
    ],
)
def test_a_group_named_away_from_a_label_must_be_what_it_is_said_of(
    text: str, word: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert target_of(text, word) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An ableist slur insults whom its sentence names ...
        ("Those Muslims are retards.", ("group", "Muslims", "Islam")),
        ("Shut up, you retard.", ("addressee", "you", None)),
        # ... and, when it names nobody, at someone unnamed: not at disabled people as a
        # group, whom the word demeans but does not address.
        ("Only a retard would believe that.", ("unspecified", None, None)),
    ],
)
def test_an_ableist_slur_takes_the_target_its_sentence_names(
    text: str, expected: tuple[str, str | None, str | None]
) -> None:
    (hit,) = [h for h in ANALYZER.check(text).hits if h.technique == "slur"]
    assert hit.target is not None
    assert (hit.target.kind.value, hit.target.text, hit.target.group) == expected


@pytest.mark.parametrize(
    ("text", "words", "group"),
    [
        ("Mormons are a menace.", "Mormons are a menace", "Christian"),
        ("Look at those filthy negroes.", "filthy negroes", "African"),
        ("Those filthy aboriginals again.", "filthy aboriginals", "Indigenous"),
        ("Evangelical scum everywhere.", "Evangelical scum", "Christian"),
        ("Sikhs are a menace.", "Sikhs are a menace", "Other"),
        ("Time to deport the foreigners.", "deport the foreigners", "Refugee"),
        ("Islam is a menace.", "Islam is a menace", "Islam"),
        ("Lock the car, gypsies steal.", "gypsies steal", "Other"),
        ("The jews control the media.", "The jews control the media", "Jewish"),
        ("We are sick of all the damn illegals.", "damn illegals", "Refugee"),
        # one member as the group's specimen: the identity word ends the hit
        ("Another violent negro on the news.", "violent negro", "African"),
        ("Just another filthy mexican at the border.", "filthy mexican", "Hispanic"),
        # an orientation, or a continent told to go back to, names the group
        (
            "Homosexuality is a mental illness, period.",
            "Homosexuality is a mental illness",
            "Homosexual",
        ),
        ("Nobody wants you. Go back to Africa.", "Go back to Africa", "African"),
        # stop 36: calls to drive a group out, tropes, peoples the classes did not know
        ("Muslims should be banned, all of them.", "Muslims should be banned", "Islam"),
        (
            "Refugees need to go back to the desert.",
            "Refugees need to go back to the desert",
            "Refugee",
        ),
        ("The jews are behind every war.", "The jews are behind every war", "Jewish"),
        ("Haitians are animals.", "Haitians are animals", "African"),
        ("Honestly, fuck all Muslims.", "fuck all Muslims", "Islam"),
    ],
)
def test_identity_attacks_on_more_groups_name_their_community(
    text: str, words: str, group: str
) -> None:
    hits = [h for h in ANALYZER.check(text).hits if h.text == words]
    assert hits, f"no hit on {words!r}"
    assert all(h.target is not None and h.target.group == group for h in hits)


def test_a_religion_or_origin_named_without_an_attack_is_not_reported() -> None:
    assert not ANALYZER.check("The Mormons and the Sikhs held a joint food drive.").hits
    assert not ANALYZER.check("Islam is growing in Europe, and I studied Islam at school.").hits


@pytest.mark.parametrize(
    "text",
    [
        "It is a myth that the Jews control the media.",
        "Immigrants do not steal jobs; they create them.",
        "Do you really think Muslims are going to take over?",
        "Muslims own the corner shop on our street.",
        # stop 36: policy about acts, a faith named, a trip home, a report
        "Immigrants convicted of crimes should be deported.",
        "Islam should be taught in schools as history.",
        "Refugees should go home when the war ends.",
        "Muslims should be banned, the candidate said at the rally.",
        "Every Muslim I know is kind.",
    ],
)
def test_group_claims_that_are_myths_denials_questions_or_facts_are_not_attacks(
    text: str,
) -> None:
    assert not [h for h in ANALYZER.check(text).hits if h.technique in ("slur", "name-calling")]


def test_retards_as_a_label_is_no_group_word_of_its_own() -> None:
    assert target_of("Those Muslims are retards.", "retards") == ("group", "Muslims", "Islam")


@pytest.mark.parametrize(
    "text",
    [
        # A slogan that casts the group as the victim, read across the comma by a template.
        "They call it diversity but it is white genocide, white people are being pushed out.",
        "Stop the genocide, muslims are dying.",
    ],
)
def test_a_group_after_a_comma_inside_a_hit_is_not_its_target(text: str) -> None:
    slurs = [h for h in ANALYZER.check(text).hits if h.technique == "slur"]
    assert slurs
    assert all(h.target is None or h.target.kind is not TargetKind.GROUP for h in slurs)


def test_a_label_for_a_groups_enemies_does_not_target_the_group() -> None:
    report = ANALYZER.check("He is a white supremacist and a liar.")
    labels = [h for h in report.hits if "supremacist" in h.text.lower()]
    assert labels and all(h.target is None or h.target.kind is not TargetKind.GROUP for h in labels)


def threats(text: str) -> list[Hit]:
    """The threat hits the built-in pack reports on ``text`` at warning or above."""
    report = ANALYZER.check(text)
    return [h for h in report.hits if h.technique == "threat" and h.severity is not Severity.INFO]


@pytest.mark.parametrize(
    "text",
    [
        "Traitors, every one of them. Kill them all.",
        "If guilty, hang him.",
        "He has no value to society. Just execute the bastard.",
        "I think we should round them up and hang them.",
        "They both deserve the death penalty.",
        "Khadr should simply have been summarily executed.",
        "Hope they're both beaten to death in the can.",
        "Touch my car again and I'll kick your ass.",
        "I'd love to put a bullet in his head.",
        "Your days are numbered.",
        "Honestly, you should be shot for saying that.",
        "Come any closer and I'll slap you silly.",
        "I'd punch him in the mouth if I met him.",
    ],
)
def test_threats_phrased_many_ways_are_found(text: str) -> None:
    assert threats(text)


@pytest.mark.parametrize(
    "text",
    [
        # reports, quotes, denials, games and idioms are not threats
        "I will kill you in the next round, said the chess champion.",
        "Police said the man threatened to kill his neighbour.",
        "'Kill them all,' the crowd chanted, police said.",
        '"I will kill you," he told her, according to the court file.',
        "Don't kill them, they are harmless snakes.",
        "He should not be executed, whatever he did.",
        "Her proposal should be shot down in committee.",
        "Kill the bill! Call your senator today.",
        "Shoot them an email and ask for a refund.",
        "We'll kill them at the polls in November.",
        "Kill them all! They don't belong in the forest anyway. /s",
        "I hope you get well soon.",
        "His cowardice again: the general will just kill them all.",
        "Punch the numbers in again.",
    ],
)
def test_reports_quotes_denials_and_games_are_not_threats(text: str) -> None:
    assert not threats(text)


def test_target_spans_point_at_the_original_words() -> None:
    text = "Honestly,  BLACK   people are animals!"
    for hit in ANALYZER.check(text).hits:
        target = hit.target
        assert target is not None and target.start is not None and target.end is not None
        assert text[target.start : target.end] == target.text


PREVIEW = Analyzer.from_config(AnalyzerConfig(preview=True))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("I hope somebody runs him over on his way home.", "harm-wishes"),
        ("Every one of them: line them up against the wall.", "mob-violence"),
        ("Caught in the act. Get a rope!", "mob-violence"),
    ],
)
def test_preview_threat_rules_find_wishes_and_mob_calls(text: str, rule: str) -> None:
    assert rule in {h.rule for h in PREVIEW.check(text).hits if h.technique == "threat"}
    assert rule not in {h.rule for h in ANALYZER.check(text).hits}  # preview: off by default


@pytest.mark.parametrize(
    "text",
    [
        "After what he did, I want him dead.",
        "I hope someone shoots him before the rally.",
        "Honestly, I wish she was dead.",
    ],
)
def test_wanting_someone_dead_is_a_stable_death_wish(text: str) -> None:
    assert "death-wishes" in {h.rule for h in ANALYZER.check(text).hits}


def test_a_killing_wished_in_hindsight_is_a_stable_death_wish() -> None:
    text = "Should have run him over when he jumped the light."
    assert "death-wishes" in {h.rule for h in ANALYZER.check(text).hits}


@pytest.mark.parametrize(
    "text",
    [
        "I don't want him dead, I want him in prison.",
        "Line them up by height for the class photo.",
        "Bring the rope and the harness, we climb at nine.",
        "The Nazis lined them up against the wall in 1942.",
    ],
)
def test_preview_threat_rules_leave_denials_and_everyday_uses_alone(text: str) -> None:
    hits = PREVIEW.check(text).hits
    assert not [h for h in hits if h.rule in ("harm-wishes", "mob-violence")]


@pytest.mark.parametrize(
    "text",
    [
        "Honestly, black people behave like animals.",
        "Every Muslim is a potential terrorist, face it.",
        # "Immigrants should go back where they came from." is the stable group-expulsion's
        # since stop 36, and the merge keeps one hit for the span
        "Refugees should be sent back where they came from.",
    ],
)
def test_the_preview_group_comparison_rule_attacks_the_group(text: str) -> None:
    hits = [h for h in PREVIEW.check(text).hits if h.rule == "group-comparison"]
    assert hits and all(h.target is not None and h.target.kind is TargetKind.GROUP for h in hits)


def test_techniques_without_a_victim_get_no_target() -> None:
    report = ANALYZER.check("What a shocking disaster.")
    assert report.hits and all(h.target is None for h in report.hits)


def test_a_plugin_may_choose_which_techniques_get_targets() -> None:
    config = AnalyzerConfig(options={"targets": {"techniques": ["slur"]}})
    report = Analyzer.from_config(config).check("You are an idiot.")
    assert [h.target for h in report.hits] == [None]


def test_targets_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown target group 'Martians'"):
        Target(TargetKind.GROUP, group="Martians")
    with pytest.raises(ValueError, match="only a group target"):
        Target(TargetKind.PERSON, group="Jewish")
    with pytest.raises(ValueError, match="given together"):
        Target(TargetKind.PERSON, start=0, end=3)
    assert Target("addressee").kind is TargetKind.ADDRESSEE  # type: ignore[arg-type]


def hit(target: Target | None) -> Hit:
    return Hit(4, 9, "idiot", "name-calling", "insult-label", Severity.WARNING, 0.85, "m",
               target=target)  # fmt: skip


@pytest.mark.parametrize(
    "target",
    [
        None,
        Target(TargetKind.ADDRESSEE, 0, 3, "you"),
        Target(TargetKind.GROUP, 10, 14, "jews", "Jewish"),
        Target(TargetKind.UNSPECIFIED),
    ],
)
def test_targets_travel_on_the_wire(target: Target | None) -> None:
    data = hit_to_dict(hit(target))
    assert ("target" in data) is (target is not None)
    assert hit_from_dict(json.loads(json.dumps(data))) == hit(target)
    record = report_to_dict(Report("c", (hit(target),), {"name-calling": 0.85}, 0.85,
                                   Verdict.FLAGGED))  # fmt: skip
    assert record["schema_version"] == SCHEMA_VERSION == "1.2"
    jsonschema.Draft202012Validator(report_schema()).validate(record)


def test_the_schema_lists_exactly_the_groups_and_kinds() -> None:
    target = report_schema()["$defs"]["target"]["properties"]
    assert target["group"]["enum"] == list(GROUPS)
    assert target["kind"]["enum"] == [kind.value for kind in TargetKind]


def report_with(target: Target | None) -> Report:
    return Report("c", (hit(target),), {"name-calling": 0.85}, 0.85, Verdict.FLAGGED)


def test_policies_decide_and_code_by_target() -> None:
    policy = Policy.from_mapping(
        {
            "rules": [
                {"action": "reject", "when": {"targets": ["group"], "groups": ["Jewish"]}},
                {"action": "review", "when": {"targets": ["addressee"]}},
            ]
        }
    )
    jews = Target(TargetKind.GROUP, 10, 14, "jews", "Jewish")
    assert policy.decide(report_with(jews)).action.value == "reject"
    assert policy.decide(report_with(jews)).code == "HATE_SPEECH"  # target:group, by default
    you = Target(TargetKind.ADDRESSEE, 0, 3, "you")
    assert policy.decide(report_with(you)).action.value == "review"
    assert policy.decide(report_with(None)).action.value == "allow"
    strict = Policy.from_mapping({"rules": [{"action": "reject"}]})
    assert strict.decide(report_with(you)).code == "HARASSMENT_BULLYING"
    assert strict.decide(report_with(Target(TargetKind.PERSON, 0, 3, "Bob"))).code == "ABUSIVE"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"rules": [{"action": "reject", "when": {"targets": ["adressee"]}}]},
         "unknown target kind 'adressee' (did you mean 'addressee'?)"),
        ({"rules": [{"action": "reject", "when": {"groups": ["jewish"]}}]},
         "unknown group 'jewish' (did you mean 'Jewish'?)"),
        ({"rejection_codes": {"target:grup": "HATE_SPEECH"}},
         "unknown target kind 'grup' (did you mean 'group'?)"),
    ],
)  # fmt: skip
def test_policies_refuse_unknown_target_kinds_and_groups(
    mapping: dict[str, object], message: str
) -> None:
    with pytest.raises(PolicyError, match=re.escape(message)):
        Policy.from_mapping(mapping)


def test_the_html_report_shows_the_target() -> None:
    buffer = io.StringIO()
    formatter = FORMATTERS["html"](buffer)
    text = "You are an idiot."
    record = InputRecord("c.txt", 1, Comment("c", text))
    formatter.write(Outcome(record, ANALYZER.check(text)))
    formatter.close()
    assert 'data-target="addressee"' in buffer.getvalue()
    assert "aimed at: addressee \u00abYou\u00bb" in buffer.getvalue()


def test_explain_documents_the_kinds() -> None:
    code, out = run(["explain", "targets"])
    assert code == 0
    for kind in TargetKind:
        assert kind.value in out
    assert "Homosexual" in out


def test_the_targets_bench_scores_a_corpus_and_rewrites_only_its_section(tmp_path: Path) -> None:
    """bench/targets.py on a made-up corpus: the figures follow the definitions (a threat
    kept as ``info`` is not counted), and ``--out`` replaces its own section of the page
    and nothing else."""
    data = tmp_path / "data"

    def write(name: str, records: list[dict[str, object]]) -> None:
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    threat = "Traitors, all of them. Kill them all."
    write("hatexplain/dev.jsonl", [
        {"id": "h1", "text": "those muslims are vermin", "label": "hatespeech",
         "targets": ["Islam"]},
        {"id": "h2", "text": "nice weather today", "label": "normal", "targets": []},
    ])  # fmt: skip
    write("toxic_spans_typed/dev.jsonl", [
        {"id": "t1", "text": threat, "spans": [{"start": 23, "end": 36, "label": "Threat"}]},
        {"id": "t2", "text": "What a lovely day.", "spans": []},
        # a quoted threat stays an ``info`` hit: no finding, so not a false positive
        {"id": "t3", "spans": [],
         "text": 'The old poster on the wall read "Kill them all." Nobody took it down.'},
    ])  # fmt: skip
    page = tmp_path / "quality.md"
    page.write_text("# Quality\n\n<!-- targets:start -->\nold\n<!-- targets:end -->\n\nkept\n")
    bench = [sys.executable, str(ROOT / "bench" / "targets.py"), "--data", str(data)]
    run_bench = subprocess.run(
        [*bench, "--out", str(page)], capture_output=True, text=True, check=True
    )
    assert "| Toxic spans typed: threat documents P / R / F1 | 100.0 / 100.0 / 100.0" in (
        run_bench.stdout
    )
    assert "| 100.0 (1 posts name one) |" in run_bench.stdout
    text = page.read_text()
    assert "old" not in text and text.endswith("<!-- targets:end -->\n\nkept\n")
    assert text.count("<!-- targets:start -->") == 1


def test_the_targets_bench_gives_each_train_half_with_halves(tmp_path: Path) -> None:
    """``--halves`` prints the train figures of each half (by the crc32 of the id: "t4" is
    in half A, "t1" in half B), so a form chosen on one half is confirmed on the other;
    the section written to ``--out`` stays the same."""
    data = tmp_path / "data"
    records = [
        # half A: a threat found; half B: a threat post missed
        {"id": "t4", "text": "Traitors, all of them. Kill them all.",
         "spans": [{"start": 23, "end": 36, "label": "Threat"}]},
        {"id": "t1", "text": "What a lovely day.",
         "spans": [{"start": 0, "end": 4, "label": "Threat"}]},
    ]  # fmt: skip
    bench = _targets_bench(data, {"dev": records, "train": records})
    plain = subprocess.run(bench, capture_output=True, text=True, check=True).stdout
    halves = subprocess.run([*bench, "--halves"], capture_output=True, text=True, check=True)
    assert "| A | 100.0 / 100.0 / 100.0 (1 threat posts, 1 flagged) |" in halves.stdout
    assert "| B | 0.0 / 0.0 / 0.0 (1 threat posts, 0 flagged) |" in halves.stdout
    assert "| A |" not in plain
    assert halves.stdout.startswith(plain.rstrip("\n"))


def test_the_targets_bench_gives_each_rule_per_train_half_with_by_rule(tmp_path: Path) -> None:
    """``--by-rule`` prints what each rule adds on each train half: threat posts typed
    Threat or not (a post once per rule) and group-aimed hits inside an Identity span or
    not; the section written to ``--out`` stays the same."""
    data = tmp_path / "data"
    train = [
        # half A ("t4"): a threat post found twice by one rule, counted once
        {"id": "t4", "text": "Traitors, all of them. Kill them all. Kill them all.",
         "spans": [{"start": 23, "end": 36, "label": "Threat"}]},
        # half B ("t1", "t2"): the same words on a post not typed Threat, and a group
        # attack inside an Identity span
        {"id": "t1", "text": "Kill them all.", "spans": []},
        {"id": "t2", "text": "Those muslims are vermin.",
         "spans": [{"start": 6, "end": 24, "label": "Identity based Attack"}]},
    ]  # fmt: skip
    bench = _targets_bench(data, {"dev": [], "train": train})
    out = subprocess.run([*bench, "--by-rule"], capture_output=True, text=True, check=True)
    table = out.stdout.split("| rule (train) |", 1)[1].splitlines()[2:]
    rows = {
        cells[0]: cells[1:]
        for cells in (line.strip("| ").split(" | ") for line in table if line.startswith("| "))
    }
    assert rows["violent-threats"] == ["1 / 0", "0 / 1", "-", "-"]
    attacks = [cells for cells in rows.values() if cells[3] != "-"]
    assert attacks and all(cells[2:] == ["-", "1 / 0"] for cells in attacks)
    assert "| A |" not in out.stdout  # --halves not asked for
    plain = subprocess.run(bench, capture_output=True, text=True, check=True).stdout
    assert out.stdout.startswith(plain.rstrip("\n"))


def test_a_group_adjective_before_a_thing_still_names_the_group() -> None:
    # only labels for people can be one person: "the Muslim invasion" is said of the group
    (hit,) = [
        h
        for h in ANALYZER.check("We must stop the Muslim invasion of our towns.").hits
        if h.text == "invasion"
    ]
    assert hit.target is not None
    assert (hit.target.kind.value, hit.target.group) == ("group", "Islam")


def _targets_bench(data: Path, splits: dict[str, list[dict[str, object]]]) -> list[str]:
    """Write a made-up typed corpus (``splits``: records per split) and an empty
    HateXplain under ``data``; the command that runs ``bench/targets.py`` on them."""
    for split, records in splits.items():
        path = data / f"toxic_spans_typed/{split}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (data / "hatexplain").mkdir()
    (data / "hatexplain/dev.jsonl").write_text("")
    return [sys.executable, str(ROOT / "bench" / "targets.py"), "--data", str(data)]


# The sentence end as first written: a run of [.!?] before white space, or a blank line.
_PLAIN_SENTENCE_END = re.compile(r"[.!?]+(?=\s)|\n\s*\n")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab .!?\n\t\r\u2028", max_size=40), st.data())
def test_sentence_ends_are_found_as_the_plain_pattern_finds_them(
    text: str, data: st.DataObject
) -> None:
    """The plugin's sentence-end pattern (written so ``re`` tries it only at its first
    chars) finds the same ends as the plain one, also within bounds."""
    low = data.draw(st.integers(0, len(text)))
    high = data.draw(st.integers(low, len(text)))
    found = [m.span() for m in targets._SENTENCE_END.finditer(text, low, high)]
    assert found == [m.span() for m in _PLAIN_SENTENCE_END.finditer(text, low, high)]


@pytest.mark.parametrize("order", [1, -1])
def test_hits_sharing_a_span_get_the_target_each_would_get_alone(order: int) -> None:
    """The plugin keeps the targets of the comment being filtered by span: a second hit
    on the same words, from another detector, gets the same target, and the next
    comment finds its own even where a hit has the same span ("you idiot", "Joe
    idiot")."""
    from rhetoric import Document, RuleInfo, hookimpl

    rule = RuleInfo(
        id="echo-label", technique="name-calling", kind="python", severity=Severity.WARNING,
        confidence=0.5, message="'{match}'", why="A test detector.", source="plugin:echo",
        status="stable",
    )  # fmt: skip

    class Echo:
        """Reports a hit on every word the rule engine reports as name-calling."""

        name = "echo"
        rules = (rule,)

        def detect(self, doc: Document) -> list[Hit]:
            found = ANALYZER.detect(doc.comment).hits
            return [doc.hit(rule, h.start, h.end) for h in found if h.technique == rule.technique]

    class Plugin:
        @staticmethod
        @hookimpl
        def rhetoric_register_detectors(register, config):  # type: ignore[no-untyped-def]
            register(Echo())

    analyzer = Analyzer.from_config(AnalyzerConfig(), plugins=[Plugin])
    expected = {
        "Those Muslim idiots again.": TargetKind.GROUP,
        "you idiot": TargetKind.ADDRESSEE,
        "Joe idiot": TargetKind.UNSPECIFIED,
        "Joe is an idiot.": TargetKind.PERSON,
    }
    for text, kind in list(expected.items())[::order]:
        hits = analyzer.detect(Comment("c", text)).hits
        label = next(h for h in hits if h.rule == "insult-label")
        same = [h for h in hits if (h.start, h.end) == (label.start, label.end)]
        assert {h.rule for h in same} >= {"echo-label", "insult-label"}, text
        assert {h.target.kind for h in same if h.target} == {kind}, text
