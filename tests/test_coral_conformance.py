"""Our Coral answers, validated by Coral's own code rather than our description of it.

``../shared/conformance/coral/check-responses`` runs Coral Talk's ``validateResponse``
(joi, ``stripUnknown``) over answers and prints what Coral keeps. An answer it refuses
is ignored by Coral as if the phase had said nothing, and a field it strips never
reaches the author or the moderators, so both are asserted here: the live service's
answers and every shape ``response_for`` can produce.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the live service needs rhetoric[server] (uvicorn)")

from coral_client import coral_body, coral_request, coral_signature
from live_server import LiveServer, serve

from rhetoric import (
    DEFAULT_POLICY,
    Action,
    Analyzer,
    Decision,
    Hit,
    Policy,
    Report,
    Severity,
    Verdict,
)
from rhetoric.policy import REJECTION_CODES
from rhetoric.service import ServiceSettings, create_app
from rhetoric.service.coral import EXPLANATION_LIMIT, response_for

CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "coral"
CHECKER = CONFORMANCE / "check-responses"
MISSING = [
    name
    for name, present in (
        (str(CONFORMANCE), CHECKER.is_file()),
        ("node", shutil.which("node") is not None),
        ("npm", shutil.which("npm") is not None),
    )
    if not present
]
if MISSING and os.environ.get("RHETORIC_REQUIRE_CORAL"):  # CI: never skip silently
    raise RuntimeError(f"Coral's validator cannot run: missing {', '.join(MISSING)}")
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"Coral's validator cannot run here: missing {', '.join(MISSING)}",
)

SECRET = "whsec-current"
ROTATED_OUT = "whsec-previous"  # Coral still signs with it while the rotation runs
TOXIC_FLAG = {"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}
STRICT = Policy.from_mapping(
    {
        "rules": [
            {
                "action": "reject",
                "when": {"min_severity": "warning", "min_score": 0.7},
                "reason": "comments must not attack people or spread hoaxes",
            }
        ]
    },
    "conformance policy",
)
CODES = {
    "threat": "ILLEGAL_CONTENT",
    "slur": "HATE_SPEECH",
    "name-calling": "ABUSIVE",
    "profanity": "OFFENSIVE",
    "conspiracy-framing": "MISINFORMATION",
    "loaded-language": "OTHER",
}


def coral_check(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Coral's verdict on each answer: ``{"ok": true, "value": kept}`` or an error."""
    lines = "".join(json.dumps(answer) + "\n" for answer in answers)
    done = subprocess.run(
        [str(CHECKER)], input=lines, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(answers)
    return results


def ask(live: LiveServer, body: str, role: str = "COMMENTER") -> tuple[int, Any]:
    data = coral_body(coral_request(body, role))
    headers = {
        "content-type": "application/json",
        "x-coral-signature": coral_signature(data, (ROTATED_OUT, SECRET)),
    }
    answer = live.request("POST", "/v1/coral", data, headers)
    return answer.status, (answer.json() if answer.body else None)


# --- the request side -----------------------------------------------------------


def test_python_writes_the_request_bytes_coral_writes() -> None:
    data = coral_request("<p>Ünïcödé “quotes” & a \\ backslash,\n a tab\t and 😀</p>")
    data["empty"] = {"list": [], "object": {}}
    script = (
        "const s = require('fs').readFileSync(0, 'utf8');"
        "process.stdout.write(JSON.stringify(JSON.parse(s), null, 2));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(data).encode(), capture_output=True, check=True
    )
    assert coral_body(data) == done.stdout


# --- the live service -------------------------------------------------------------

LIVE_CASES: dict[str, tuple[str, str]] = {
    # name: (comment body, author role)
    "clean": ("Thanks for the article, the figures on page two were useful.", "COMMENTER"),
    "info-only": ("Shocking! The mayor resigned.", "COMMENTER"),
    "insulting": ("You stupid idiot", "COMMENTER"),  # aimed at the person spoken to
    "insulting-person": ("That mayor is a total idiot", "COMMENTER"),
    "profane": ("This is bullshit", "COMMENTER"),
    "slur": ("go home you wetback", "COMMENTER"),
    "conspiracy": ("The plandemic was planned by the elites to control us", "COMMENTER"),
    "staff-slur": ("go home you wetback", "STAFF"),
    "html": (
        '<p>You are a <b>hectoring bully</b></p><a href="https://x.example/fuck">link</a>',
        "COMMENTER",
    ),
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_config()


@pytest.fixture(scope="module")
def live_answers(analyzer: Analyzer) -> Iterator[dict[str, tuple[int, Any]]]:
    """Each case answered by a strict service (rejects warning-level findings), and
    the insult and slur by a service with the built-in policy and PREMOD review."""
    strict = create_app(analyzer, policy=STRICT, settings=ServiceSettings(coral_secrets=(SECRET,)))
    shipped = create_app(
        analyzer,
        policy=DEFAULT_POLICY,
        settings=ServiceSettings(coral_secrets=(SECRET,), coral_review_status="PREMOD"),
    )
    with serve(strict) as live, serve(shipped) as default:
        answers = {name: ask(live, body, role) for name, (body, role) in LIVE_CASES.items()}
        for name in ("insulting", "slur"):
            answers[f"default-{name}"] = ask(default, *LIVE_CASES[name])
        yield answers


@pytest.fixture(scope="module")
def kept(live_answers: dict[str, tuple[int, Any]]) -> dict[str, dict[str, Any]]:
    """What Coral keeps of each answer that has a body (204 has nothing to check)."""
    bodies = {name: body for name, (status, body) in live_answers.items() if status == 200}
    results = coral_check(list(bodies.values()))
    return dict(zip(bodies, results, strict=True))


def test_every_live_answer_passes_corals_validation_unchanged(
    live_answers: dict[str, tuple[int, Any]], kept: dict[str, dict[str, Any]]
) -> None:
    assert {name: status for name, (status, _) in live_answers.items()} == {
        "clean": 204,
        "info-only": 204,  # one info hit, however confident, is not acted on
        **{name: 200 for name in LIVE_CASES if name not in ("clean", "info-only")},
        "default-insulting": 200,
        "default-slur": 200,
    }
    for name, result in kept.items():
        assert result["ok"], (name, result)
        # Coral strips nothing: every field we send is one it reads.
        assert result["value"] == live_answers[name][1], name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("insulting", "HARASSMENT_BULLYING"),
        ("insulting-person", "ABUSIVE"),
        ("profane", "OFFENSIVE"),
        ("slur", "HATE_SPEECH"),
        ("conspiracy", "MISINFORMATION"),
        ("html", "HARASSMENT_BULLYING"),
        ("default-slur", "HATE_SPEECH"),
    ],
)
def test_live_rejections_keep_code_and_explanation(
    kept: dict[str, dict[str, Any]], name: str, code: str
) -> None:
    value = kept[name]["value"]
    assert value["status"] == "REJECTED"
    assert value["actions"] == [TOXIC_FLAG]
    action = value["moderationAction"]
    assert action["status"] == "REJECTED"
    assert action["rejectionReason"]["code"] == code
    explanation = action["rejectionReason"]["detailedExplanation"]
    assert 0 < len(explanation) <= EXPLANATION_LIMIT
    if name == "html":
        assert "'hectoring bully'" in explanation
        assert "profanity" not in explanation  # the link's address is markup, not prose


def test_live_explanation_names_reason_and_findings(kept: dict[str, dict[str, Any]]) -> None:
    reason = kept["insulting"]["value"]["moderationAction"]["rejectionReason"]
    assert reason["detailedExplanation"] == (
        "Comments must not attack people or spread hoaxes. "
        "'idiot' is an insult: it labels a person instead of answering them."
    )  # the info-level 'stupid' did not decide, so it is not named
    slur = kept["default-slur"]["value"]["moderationAction"]["rejectionReason"]
    assert slur == {
        "code": "HATE_SPEECH",
        "detailedExplanation": "Contains a slur. 'wetback' is a slur.",
    }


@pytest.mark.parametrize(
    ("name", "status"),
    [("staff-slur", "SYSTEM_WITHHELD"), ("default-insulting", "PREMOD")],
)
def test_live_reviews_are_withheld_without_a_moderation_action(
    kept: dict[str, dict[str, Any]], name: str, status: str
) -> None:
    assert kept[name]["value"] == {"status": status, "actions": [TOXIC_FLAG]}


# --- every answer response_for can give -------------------------------------------


def decision_for(technique: str, action: Action, message: str = "m") -> Decision:
    hit = Hit(0, 1, "x", technique, f"{technique}-rule", Severity.ERROR, 0.9, message)
    report = Report("c", (hit,), {technique: 0.9}, 0.9, Verdict.FLAGGED)
    decision = Policy.from_mapping({"rules": [{"action": "reject"}]}).decide(report)
    return dataclasses.replace(decision, action=action)


def test_every_action_review_status_and_code_passes_corals_validation(
    analyzer: Analyzer,
) -> None:
    cases: list[tuple[Action, str, str | None, dict[str, Any] | None]] = []
    for technique in analyzer.techniques.ids():
        for action in Action:
            for status in ("SYSTEM_WITHHELD", "PREMOD"):
                decision = decision_for(technique, action)
                code = CODES.get(technique, "OTHER")
                cases.append((action, status, code, response_for(decision, status)))
    for code in REJECTION_CODES:
        decision = dataclasses.replace(decision_for("slur", Action.REJECT), code=code)
        cases.append((Action.REJECT, "SYSTEM_WITHHELD", code, response_for(decision, "PREMOD")))
    answers = [answer for *_, answer in cases if answer is not None]
    results = iter(coral_check(answers))
    for action, status, code, answer in cases:
        if action is Action.ALLOW:
            assert answer is None  # 204: Coral's other phases decide
            continue
        result = next(results)
        assert result["ok"], (action, status, code, result)
        value = result["value"]
        assert value == answer
        assert "tags" not in value
        assert value["actions"] == [TOXIC_FLAG]
        if action is Action.REVIEW:
            assert value == {"status": status, "actions": [TOXIC_FLAG]}
        else:
            assert value["status"] == "REJECTED"
            assert value["moderationAction"]["status"] == "REJECTED"
            assert value["moderationAction"]["rejectionReason"]["code"] == code


def test_explanations_coral_accepts_at_their_edges() -> None:
    long_message = "'x' is " + "very " * 200 + "bad."
    wordy = decision_for("profanity", Action.REJECT, long_message)
    unicode = decision_for("slur", Action.REJECT, "« ça » n’est pas acceptable — 😠")
    silent = Decision(Action.REJECT, (), Report("c", (), {}, 0.0, Verdict.CLEAN))
    answers = [response_for(d, "SYSTEM_WITHHELD") for d in (wordy, unicode, silent)]
    results = coral_check([a for a in answers if a is not None])
    assert all(r["ok"] for r in results), results
    reasons = [r["value"]["moderationAction"]["rejectionReason"] for r in results]
    assert len(reasons[0]["detailedExplanation"]) <= EXPLANATION_LIMIT
    assert reasons[0]["detailedExplanation"].endswith("…")
    assert "😠" in reasons[1]["detailedExplanation"]
    # Nothing to explain: the explanation is left out (joi refuses an empty string).
    assert reasons[2] == {"code": "OTHER"}


def test_the_checker_refuses_what_coral_refuses() -> None:
    # The answer shape this service used to send: Coral threw it away.
    old = {"status": "REJECTED", "actions": [{**TOXIC_FLAG, "additionalDetails": "x"}], "tags": []}
    bad_code = {"moderationAction": {"status": "REJECTED", "rejectionReason": {"code": "RUDE"}}}
    empty = {"moderationAction": {"rejectionReason": {"code": "OTHER", "detailedExplanation": ""}}}
    assert [r["ok"] for r in coral_check([old, bad_code, empty])] == [False, False, False]
