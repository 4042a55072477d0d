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
    Decision,
    Hit,
    Moderator,
    Policy,
    PolicyError,
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
