"""Moderation policy and host hooks: from a report to allow / review / reject."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rhetoric import (
    DEFAULT_POLICY,
    Action,
    Analyzer,
    AnalyzerConfig,
    Comment,
    Condition,
    Decision,
    Hit,
    Moderator,
    Policy,
    PolicyError,
    PolicyRule,
    Report,
    Severity,
    Verdict,
    hookimpl,
)

POLICY_YAML = """\
default: allow
rules:
  - action: reject
    when: {techniques: [slur], min_severity: error}
    reason: slurs are removed
  - action: review
    when: {techniques: name-calling, min_confidence: 0.7}
  - action: review
    when: {min_hits: 3}
    reason: many findings
"""


def report(*hits: tuple[str, str, Severity, float]) -> Report:
    made = tuple(
        Hit(0, 1, "x", technique, rule, severity, confidence, "m")
        for technique, rule, severity, confidence in hits
    )
    scores: dict[str, float] = {}
    for hit in made:
        scores[hit.technique] = max(scores.get(hit.technique, 0.0), hit.confidence)
    return Report("c", made, scores, max(scores.values(), default=0.0), Verdict.CLEAN)


def test_policy_from_yaml_and_toml(tmp_path: Path) -> None:
    yml = tmp_path / "policy.yml"
    yml.write_text(POLICY_YAML)
    toml = tmp_path / "policy.toml"
    toml.write_text(
        'default = "allow"\n[[rules]]\naction = "reject"\nreason = "slurs are removed"\n'
        '[rules.when]\ntechniques = ["slur"]\nmin_severity = "error"\n'
    )
    slur = report(("slur", "ethnic-slurs", Severity.ERROR, 0.9))
    for path in (yml, toml):
        decision = Policy.load(path).decide(slur)
        assert decision.action is Action.REJECT and decision.reasons == ("slurs are removed",)


def test_most_severe_matching_rule_wins() -> None:
    policy = Policy.from_mapping(__import__("yaml").safe_load(POLICY_YAML))
    assert policy.decide(report()).action is Action.ALLOW
    weak = report(("name-calling", "insult-label", Severity.WARNING, 0.5))
    assert policy.decide(weak).action is Action.ALLOW
    strong = report(("name-calling", "insult-label", Severity.WARNING, 0.8))
    assert policy.decide(strong).action is Action.REVIEW
    many = report(*[("loaded-language", "x", Severity.INFO, 0.3)] * 3)
    assert policy.decide(many).reasons == ("many findings",)
    both = report(
        ("name-calling", "insult-label", Severity.WARNING, 0.8),
        ("slur", "ethnic-slurs", Severity.ERROR, 0.9),
    )
    assert policy.decide(both).action is Action.REJECT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rulez": []}, "unknown key 'rulez' in policy (did you mean 'rules'?)"),
        ({"rules": [{"action": "delete"}]}, "action must be allow, review or reject"),
        ({"rules": [{"when": {}}]}, "missing 'action'"),
        ({"rules": [{"action": "review", "when": {"min_score": 2}}]}, "min_score must be a number"),
        ({"rules": [{"action": "review", "when": {"min_severity": "fatal"}}]}, "unknown severity"),
        (
            {"rules": [{"action": "review", "when": {"technique": "slur"}}]},
            "did you mean 'techniques'",
        ),
    ],
)
def test_invalid_policies_name_the_problem(data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(PolicyError, match="my-policy") as caught:
        Policy.from_mapping(data, "my-policy")
    assert message in str(caught.value)


def test_policy_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "p.yml"
    bad.write_text("rules: [\n")
    with pytest.raises(PolicyError, match=r"p\.yml: invalid policy file"):
        Policy.load(bad)
    with pytest.raises(PolicyError, match=r"ends in \.toml"):
        Policy.load(tmp_path / "p.json")


class HostPlugin:
    """Adds context, tightens decisions on a sensitive thread, and records them."""

    def __init__(self) -> None:
        self.seen: list[Decision] = []

    @hookimpl
    def rhetoric_moderation_context(self, comment, context):  # type: ignore[no-untyped-def]
        return {"thread_sensitive": context.get("thread") == "memorial"}

    @hookimpl
    def rhetoric_decide(self, decision):  # type: ignore[no-untyped-def]
        if decision.context.get("thread_sensitive") and decision.report.hits:
            return dataclasses.replace(
                decision, action=Action.REJECT, reasons=("sensitive thread",)
            )
        return None

    @hookimpl
    def rhetoric_decision_ready(self, decision, comment):  # type: ignore[no-untyped-def]
        self.seen.append(decision)


def test_moderator_runs_context_decide_and_ready_hooks() -> None:
    host = HostPlugin()
    analyzer = Analyzer.from_config(AnalyzerConfig(), plugins=[host])
    moderator = Moderator(analyzer)
    calm = moderator.moderate(Comment("1", "What a horrific storm."), {"thread": "weather"})
    assert calm.action is Action.ALLOW and calm.context["thread_sensitive"] is False
    tightened = moderator.moderate(Comment("2", "What a horrific storm."), {"thread": "memorial"})
    assert tightened.action is Action.REJECT and tightened.reasons == ("sensitive thread",)
    assert host.seen == [calm, tightened]


def test_failing_moderation_plugins_are_contained() -> None:
    class Broken:
        @hookimpl
        def rhetoric_moderation_context(self, comment):  # type: ignore[no-untyped-def]
            raise RuntimeError("context bug")

        @hookimpl
        def rhetoric_decide(self, decision):  # type: ignore[no-untyped-def]
            raise ValueError("decide bug")

        @hookimpl
        def rhetoric_decision_ready(self, decision):  # type: ignore[no-untyped-def]
            raise KeyError("ready bug")

    moderator = Moderator(Analyzer.from_config(AnalyzerConfig(), plugins=[Broken()]))
    decision = moderator.moderate("go home you wetback")
    assert decision.action is Action.REJECT  # the default policy still applies
    joined = " | ".join(decision.errors)
    assert "context bug" in joined and "decide bug" in joined and "ready bug" in joined


def test_trusted_roles_plugin_turns_reject_into_review() -> None:
    moderator = Moderator(Analyzer.from_config(AnalyzerConfig()))
    text = "go home you wetback"
    assert moderator.moderate(text, {"author_role": "member"}).action is Action.REJECT
    staff = moderator.moderate(text, {"author": {"role": "STAFF"}})
    assert staff.action is Action.REVIEW
    assert staff.reasons[-1] == "author is trusted (staff): review instead of reject"
    config = AnalyzerConfig(options={"trusted-roles": {"roles": ["editor"]}})
    editors = Moderator(Analyzer.from_config(config), DEFAULT_POLICY)
    assert editors.moderate(text, {"author_role": "staff"}).action is Action.REJECT
    assert editors.moderate(text, {"author_role": "editor"}).action is Action.REVIEW


# --- rejection codes -------------------------------------------------------------


def hits_of(*techniques_and_rules: tuple[str, str]) -> Report:
    return report(*((t, r, Severity.ERROR, 0.9) for t, r in techniques_and_rules))


REJECT_ALL = Policy.from_mapping({"rules": [{"action": "reject", "reason": "removed"}]})


@pytest.mark.parametrize(
    ("technique", "rule", "code"),
    [
        ("slur", "ethnic-slurs", "HATE_SPEECH"),
        ("slur", "identity-attack", "HATE_SPEECH"),
        ("name-calling", "insult-label", "ABUSIVE"),
        ("profanity", "obscene-words", "OFFENSIVE"),
        ("conspiracy-framing", "pandemic-narratives", "MISINFORMATION"),
        ("loaded-language", "alarm-catastrophe", "OTHER"),
    ],
)
def test_rejections_are_coded_by_technique(technique: str, rule: str, code: str) -> None:
    decision = REJECT_ALL.decide(hits_of((technique, rule)))
    assert (decision.action, decision.code) == (Action.REJECT, code)


def test_the_first_mapping_entry_naming_a_deciding_hit_wins() -> None:
    mixed = hits_of(("profanity", "obscene-words"), ("slur", "ethnic-slurs"))
    assert REJECT_ALL.decide(mixed).code == "HATE_SPEECH"  # slur comes first
    # Only the hits behind the rejection count: here the profanity rule decides.
    policy = Policy.from_mapping(
        {"rules": [{"action": "reject", "when": {"techniques": ["profanity"]}}]}
    )
    decision = policy.decide(mixed)
    assert decision.code == "OFFENSIVE"
    assert [h.technique for h in decision.deciding_hits] == ["profanity"]
    assert policy.decide(report()).code is None  # allowed: no code


def test_rejection_codes_are_configurable_in_yaml_and_toml(tmp_path: Path) -> None:
    yml = tmp_path / "policy.yml"
    yml.write_text(
        "default: allow\n"
        "rules:\n"
        "  - {action: reject, when: {min_severity: warning}}\n"
        "  - {action: reject, when: {rules: [spam-]}, code: SPAM, reason: advertising}\n"
        "rejection_codes:\n"
        "  insult-label: HARASSMENT_BULLYING   # a rule id\n"
        "  name: ABUSIVE                       # a prefix of a technique\n"
        "default_code: OFFENSIVE\n"
    )
    toml = tmp_path / "policy.toml"
    toml.write_text(
        'default_code = "OFFENSIVE"\n'
        '[[rules]]\naction = "reject"\nwhen = {min_severity = "warning"}\n'
        '[[rules]]\naction = "reject"\nwhen = {rules = ["spam-"]}\ncode = "SPAM"\n'
        'reason = "advertising"\n'
        '[rejection_codes]\ninsult-label = "HARASSMENT_BULLYING"\nname = "ABUSIVE"\n'
    )
    for path in (yml, toml):
        policy = Policy.load(path)
        assert policy.rejection_codes == (
            ("insult-label", "HARASSMENT_BULLYING"),
            ("name", "ABUSIVE"),
        )
        assert policy.decide(hits_of(("name-calling", "insult-label"))).code == (
            "HARASSMENT_BULLYING"
        )
        assert policy.decide(hits_of(("name-calling", "insult-template"))).code == "ABUSIVE"
        assert policy.decide(hits_of(("slur", "ethnic-slurs"))).code == "OFFENSIVE"
        # A rule's own code wins over the mapping.
        spam = hits_of(("name-calling", "insult-label"), ("loaded-language", "spam-links"))
        assert policy.decide(spam).code == "SPAM"


def test_the_default_policy_codes_a_rejection_of_its_own_default() -> None:
    policy = Policy(rules=(), default=Action.REJECT)
    assert policy.decide(hits_of(("profanity", "obscene-words"))).code == "OFFENSIVE"
    assert policy.decide(report()).code == "OTHER"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"rejection_codes": {"slur": "HATE"}},
            "my-policy: rejection_codes: slur: unknown rejection code 'HATE' (one of OFFENSIVE,",
        ),
        (
            {"default_code": "hate_speech"},
            "unknown rejection code 'hate_speech' (did you mean 'HATE_SPEECH'?)",
        ),
        (
            {"rules": [{"action": "reject", "code": "ABUSE"}]},
            "my-policy: rules[0]: code: unknown rejection code 'ABUSE' (did you mean 'ABUSIVE'?)",
        ),
        (
            {"rules": [{"action": "review", "code": "ABUSIVE"}]},
            "rules[0]: code: only a reject rule has a code (action is review)",
        ),
        ({"rejection_codes": ["slur"]}, "rejection_codes must map technique or rule ids"),
    ],
)
def test_invalid_rejection_codes_are_refused(data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(PolicyError) as caught:
        Policy.from_mapping(data, "my-policy")
    assert message in str(caught.value)


def test_decision_and_policy_stay_backwards_compatible() -> None:
    empty = report()
    decision = Decision(Action.ALLOW, (), empty, {}, ())
    assert (decision.code, decision.deciding_hits) == (None, ())
    rule = PolicyRule(Action.REVIEW, Condition(), "why")
    assert Policy((rule,), Action.ALLOW).decide(empty).action is Action.ALLOW
    with pytest.raises(PolicyError, match="unknown rejection code 'NOPE'"):
        Policy((), rejection_codes=(("slur", "NOPE"),))


# --- ids the analyzer does not know ----------------------------------------------


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_config(AnalyzerConfig())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"rules": [{"action": "reject", "when": {"techniques": ["slurs"]}}]},
            "house.yml: rules[0].when.techniques: unknown technique 'slurs' (did you mean 'slur'?)",
        ),
        (
            {
                "rules": [
                    {"action": "review"},
                    {"action": "review", "when": {"rules": "insult-lable"}},
                ]
            },
            "house.yml: rules[1].when.rules: unknown rule id 'insult-lable' "
            "(did you mean 'insult-label'?)",
        ),
        (
            {"rules": [{"action": "reject", "when": {"techniques": ["insult-label"]}}]},
            "'insult-label' is a rule id: name it under 'rules'",
        ),
        (
            {"rules": [{"action": "reject", "when": {"rules": ["profanity"]}}]},
            "'profanity' is a technique: name it under 'techniques'",
        ),
        (
            {"rejection_codes": {"name-caling": "ABUSIVE"}},
            "house.yml: rejection_codes: unknown technique or rule id 'name-caling' "
            "(did you mean 'name-calling'?)",
        ),
    ],
)
def test_moderator_refuses_ids_the_analyzer_does_not_know(
    analyzer: Analyzer,
    data: dict,
    message: str,  # type: ignore[type-arg]
) -> None:
    policy = Policy.from_mapping(data, "house.yml")  # valid on its own...
    with pytest.raises(PolicyError) as caught:
        Moderator(analyzer, policy)  # ...but it would never match these rules
    assert message in str(caught.value)


def test_known_ids_prefixes_and_preview_rules_are_accepted(analyzer: Analyzer) -> None:
    policy = Policy.from_mapping(
        {
            "rules": [
                {"action": "reject", "when": {"techniques": ["slur"], "rules": ["ethnic"]}},
                {"action": "review", "when": {"rules": ["reclaimed-slurs"]}},  # preview
            ],
            "rejection_codes": {"insult": "ABUSIVE", "slur": "HATE_SPEECH"},
        }
    )
    assert Moderator(analyzer, policy).policy is policy
    # A rule pack with a vocabulary of its own: the built-in policy and code mapping
    # (written for the built-in techniques) have nothing to match, and are not refused.
    DEFAULT_POLICY.check_ids(["sarcasm"], ["sarcasm-markers"])
    own = Policy.from_mapping({"rules": [{"action": "review", "when": {"techniques": "sarcasm"}}]})
    own.check_ids(["sarcasm"], ["sarcasm-markers"])
    with pytest.raises(PolicyError, match="unknown technique or rule id 'slur'"):
        Policy.from_mapping({"rejection_codes": {"slur": "HATE_SPEECH"}}).check_ids(["x"], [])


# --- what the moderator guarantees about codes ------------------------------------


class Recoder:
    """Rejects what the policy allowed, with or without a (bad) code of its own."""

    def __init__(self, code: str | None) -> None:
        self.code = code

    @hookimpl
    def rhetoric_decide(self, decision):  # type: ignore[no-untyped-def]
        return dataclasses.replace(decision, action=Action.REJECT, code=self.code)


@pytest.mark.parametrize(
    ("code", "expected", "error"),
    # "you utter moron" insults the person spoken to: harassment, by the default mapping.
    [
        ("SPAM", "SPAM", False),
        (None, "HARASSMENT_BULLYING", False),
        ("RUDE", "HARASSMENT_BULLYING", True),
    ],
)
def test_a_plugin_rejection_always_leaves_with_a_valid_code(
    code: str | None, expected: str, error: bool
) -> None:
    moderator = Moderator(Analyzer.from_config(AnalyzerConfig(), plugins=[Recoder(code)]))
    decision = moderator.moderate("you utter moron")
    assert (decision.action, decision.code) == (Action.REJECT, expected)
    assert any("unknown rejection code 'RUDE'" in e for e in decision.errors) is error


def test_a_rejection_turned_into_review_drops_its_code() -> None:
    moderator = Moderator(Analyzer.from_config(AnalyzerConfig()))
    text = "go home you wetback"
    member = moderator.moderate(text, {"author_role": "member"})
    assert (member.action, member.code) == (Action.REJECT, "HATE_SPEECH")
    assert [h.rule for h in member.deciding_hits] == ["ethnic-slurs"]
    staff = moderator.moderate(text, {"author_role": "staff"})
    assert (staff.action, staff.code) == (Action.REVIEW, None)


# --- the policy agrees with the verdict -------------------------------------------


def test_min_score_is_measured_over_the_hits_a_condition_considers() -> None:
    condition = Condition(min_severity=Severity.WARNING, min_score=0.7)
    # A strong info hit does not lift a weak warning over the bar...
    mixed = report(
        ("loaded-language", "alarm-catastrophe", Severity.INFO, 0.9),
        ("name-calling", "insult-template", Severity.WARNING, 0.5),
    )
    assert mixed.score == 0.9 and not condition.holds(mixed)
    # ...while warning-or-worse hits of one technique add up (noisy-OR: 0.5, 0.5 -> 0.75).
    two = report(*[("name-calling", "insult-template", Severity.WARNING, 0.5)] * 2)
    assert condition.holds(two)
    assert Condition(techniques=frozenset({"slur"}), min_score=0.1).holds(two) is False


@pytest.mark.parametrize(
    "text",
    [
        "Shocking! The mayor resigned.",  # one info hit, high confidence
        "What a horrific, shocking, disastrous storm.",
        "You stupid idiot",
        "This is bullshit",
        "damn it",
        "Thanks for the article.",
        "The plandemic was planned by the elites to control us",
    ],
)
def test_the_default_policy_reviews_exactly_what_is_flagged(text: str) -> None:
    moderator = Moderator(Analyzer.from_config(AnalyzerConfig()))
    decision = moderator.moderate(text)
    flagged = decision.report.verdict is Verdict.FLAGGED
    assert (decision.action is not Action.ALLOW) is flagged
    if all(h.severity is Severity.INFO for h in decision.report.hits):
        assert decision.report.verdict is not Verdict.FLAGGED
