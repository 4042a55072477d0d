"""The HTTP service over a real socket: endpoints, limits, auth and Coral's contract."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the service tests need rhetoric[server] (uvicorn)")

from conftest import lexicon_rule
from coral_client import coral_request, coral_signature
from jsonschema import Draft202012Validator
from live_server import LiveServer, serve

from rhetoric import Analyzer, Hit, Moderator, Policy, RuleInfo, Severity, hookimpl
from rhetoric.service import ServiceSettings, create_app
from rhetoric.service.server import ServerOptions

ABUSE = "You are a hectoring bully smoking crack, f*ck off"
CLEAN = "Thanks for the article, the figures on page two were useful."
SECRET = "coral-signing-secret"
TOKEN = "s3cret-token"
REJECT_PROFANITY = Policy.from_mapping(
    {
        "rules": [
            {"action": "reject", "when": {"techniques": ["profanity"]}, "reason": "no swearing"},
            {"action": "review", "when": {"min_severity": "warning"}},
        ]
    }
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_config()


@pytest.fixture(scope="module")
def server(analyzer: Analyzer) -> Any:
    settings = ServiceSettings(max_batch=3, max_text_chars=5_000, coral_secrets=(SECRET,))
    with serve(create_app(analyzer, settings=settings, policy=REJECT_PROFANITY)) as live:
        yield live


def sign(body: bytes, secret: str = SECRET) -> str:
    return coral_signature(body, (secret,))


def post_coral(server: LiveServer, data: Any, signature: str | None = "auto") -> Any:
    body = json.dumps(data).encode()
    headers = {"content-type": "application/json"}
    if signature == "auto":
        headers["x-coral-signature"] = sign(body)
    elif signature is not None:
        headers["x-coral-signature"] = signature
    return server.request("POST", "/v1/coral", body, headers)


def schema_for(server: LiveServer, name: str) -> Draft202012Validator:
    document = server.request("GET", "/openapi.json").json()
    root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(root)


# --- the API -------------------------------------------------------------------


def test_health_names_version_and_rule_count(server: LiveServer, analyzer: Analyzer) -> None:
    answer = server.request("GET", "/healthz")
    assert answer.status == 200
    data = answer.json()
    assert data["status"] == "ok"
    assert data["rules"] == len(analyzer.rules) > 0


def test_check_one_comment_gives_report_and_decision(server: LiveServer) -> None:
    answer = server.post_json("/v1/check", {"id": "c1", "text": ABUSE})
    assert answer.status == 200
    data = answer.json()
    schema_for(server, "CheckResult").validate(data)
    report = data["report"]
    assert report["id"] == "c1"
    spans = {(h["technique"], ABUSE[h["start"] : h["end"]]) for h in report["hits"]}
    assert ("profanity", "f*ck") in spans
    assert data["decision"]["action"] == "reject"
    assert data["decision"]["code"] == "OFFENSIVE"  # the profanity rule decided
    assert "no swearing" in data["decision"]["reasons"]


def test_clean_comment_is_allowed_without_hits(server: LiveServer) -> None:
    data = server.post_json("/v1/check", {"text": CLEAN}).json()
    assert data["report"]["hits"] == []
    assert (data["decision"]["action"], data["decision"]["code"]) == ("allow", None)


def test_batch_answers_in_order(server: LiveServer) -> None:
    comments = [{"id": "a", "text": CLEAN}, {"id": "b", "text": ABUSE}, {"id": "c", "text": ""}]
    answer = server.post_json("/v1/check", {"comments": comments})
    assert answer.status == 200
    data = answer.json()
    schema_for(server, "BatchResult").validate(data)
    assert [r["report"]["id"] for r in data["results"]] == ["a", "b", "c"]
    assert [r["decision"]["action"] for r in data["results"]] == ["allow", "reject", "allow"]


def test_context_reaches_the_policy_plugins(server: LiveServer) -> None:
    # The trusted-roles plugin turns a rejection of staff into a review.
    data = server.post_json(
        "/v1/check", {"text": ABUSE, "context": {"author_role": "staff"}}
    ).json()
    assert data["decision"]["action"] == "review"
    assert any("trusted" in r for r in data["decision"]["reasons"])


def test_rules_endpoint_lists_rules_without_file_paths(server: LiveServer) -> None:
    answer = server.request("GET", "/v1/rules")
    assert answer.status == 200
    rules = answer.json()["rules"]
    schema_for(server, "RuleList").validate({"rules": rules})
    ids = {r["id"] for r in rules}
    assert "obscene-words" in ids
    assert all("source" not in r and r["why"] for r in rules)


def test_openapi_document_describes_every_endpoint(server: LiveServer) -> None:
    document = server.request("GET", "/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/v1/check", "/v1/coral", "/v1/rules", "/healthz"}
    assert "Report" in document["components"]["schemas"]
    text = json.dumps(document)
    assert "#/$defs/" not in text  # every reference resolves inside the document
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        name = ref.removeprefix("#/components/schemas/")
        assert name in document["components"]["schemas"], ref


# --- bad requests --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "names"),
    [
        (b'{"text": "a",', 400, "malformed_json", "line 1 column"),
        (b'{"text": NaN}', 400, "malformed_json", "NaN"),
        (b'{"text": "\xff\xfe"}', 400, "invalid_utf8", "byte"),
        (b"[1, 2]", 422, "invalid_request", "$: expected an object"),
        (b'{"id": "x"}', 422, "invalid_request", "$.text: missing"),
        (b'{"text": 5}', 422, "invalid_request", "$.text: expected a string"),
        (b'{"text": "a", "txt": "b"}', 422, "invalid_request", "unknown field(s): txt"),
        (b'{"text": "a", "context": []}', 422, "invalid_request", "$.context"),
        (b'{"comments": []}', 422, "invalid_request", "empty"),
        (b'{"comments": [{"text": "a"}, 7]}', 422, "invalid_request", "$.comments[1]"),
        (b"[" * 100_000, 400, "malformed_json", ""),
    ],
)
def test_bad_bodies_get_a_clear_4xx(
    server: LiveServer, body: bytes, status: int, code: str, names: str
) -> None:
    answer = server.request("POST", "/v1/check", body, {"content-type": "application/json"})
    assert answer.status == status
    error = answer.json()["error"]
    assert error["code"] == code
    assert names in error["message"]


def test_limits_on_batch_length_text_length_and_body_size(server: LiveServer) -> None:
    too_many = {"comments": [{"text": "a"}] * 4}
    answer = server.post_json("/v1/check", too_many)
    assert (answer.status, answer.json()["error"]["code"]) == (422, "batch_too_large")
    assert "at most 3" in answer.json()["error"]["message"]
    answer = server.post_json("/v1/check", {"text": "a" * 5_001})
    assert (answer.status, answer.json()["error"]["code"]) == (422, "text_too_long")
    big = json.dumps({"text": "a" * (1 << 20)})
    answer = server.request("POST", "/v1/check", big, {"content-type": "application/json"})
    assert (answer.status, answer.json()["error"]["code"]) == (413, "body_too_large")
    assert "connection" not in answer.headers  # a slightly large body is drained: keep-alive


def test_a_huge_declared_body_is_refused_before_it_is_sent(server: LiveServer) -> None:
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000000\r\n\r\n"
        )
        reply = _read_reply(sock)
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in reply.lower()


def test_wrong_content_type_method_and_path(server: LiveServer) -> None:
    answer = server.request("POST", "/v1/check", b"text=a", {"content-type": "text/plain"})
    assert (answer.status, answer.json()["error"]["code"]) == (415, "unsupported_media_type")
    answer = server.request("GET", "/v1/check")
    assert answer.status == 405
    assert answer.headers["allow"] == "POST"
    assert server.request("GET", "/v2/nothing").status == 404


def test_body_size_limit_holds_without_content_length(analyzer: Analyzer) -> None:
    settings = ServiceSettings(max_body_bytes=1_000)
    with serve(create_app(analyzer, settings=settings)) as live:
        with socket.create_connection((live.host, live.port), timeout=10) as sock:
            chunk = b"a" * 600
            request = (
                b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            sock.sendall(request + (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 2 + b"0\r\n\r\n")
            reply = _read_reply(sock)
        assert reply.startswith(b"HTTP/1.1 413")


# --- authentication ------------------------------------------------------------


def test_bearer_token_guards_the_api_but_not_health(analyzer: Analyzer) -> None:
    with serve(create_app(analyzer, settings=ServiceSettings(token=TOKEN))) as live:
        missing = live.post_json("/v1/check", {"text": CLEAN})
        assert missing.status == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = live.post_json("/v1/check", {"text": CLEAN}, {"authorization": "Bearer nope"})
        assert wrong.status == 401
        basic = live.request("GET", "/v1/rules", headers={"authorization": f"Basic {TOKEN}"})
        assert basic.status == 401
        right = live.post_json("/v1/check", {"text": CLEAN}, {"authorization": f"Bearer {TOKEN}"})
        assert right.status == 200
        assert live.request("GET", "/healthz").status == 200
        document = live.request("GET", "/openapi.json").json()
        assert document["paths"]["/v1/check"]["post"]["security"] == [{"bearer": []}]


# --- Coral ---------------------------------------------------------------------


def test_coral_rejection_carries_code_and_explanation(server: LiveServer) -> None:
    # Whether Coral accepts these answers is tested with Coral's own validation in
    # test_coral_conformance.py; here, what they say and that the OpenAPI document
    # describes them.
    answer = post_coral(server, coral_request(ABUSE))
    assert answer.status == 200
    data = answer.json()
    schema = schema_for(server, "CoralResponse")
    schema.validate(data)
    assert not schema.is_valid({**data, "tags": []})  # what Coral refuses, ours does too
    assert data["status"] == "REJECTED"
    assert data["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]
    assert "tags" not in data
    reason = data["moderationAction"]["rejectionReason"]
    assert data["moderationAction"]["status"] == "REJECTED"
    assert reason["code"] == "OFFENSIVE"
    # The policy's reason and what the deciding (profanity) rule found; not the insult.
    assert reason["detailedExplanation"] == "No swearing. 'f*ck' is profanity."
    clean = post_coral(server, coral_request(CLEAN))
    assert (clean.status, clean.body) == (204, b"")


def test_coral_review_is_withheld_and_staff_are_trusted(server: LiveServer) -> None:
    answer = post_coral(server, coral_request(ABUSE, role="STAFF"))
    data = answer.json()
    schema_for(server, "CoralResponse").validate(data)
    assert data == {
        "status": "SYSTEM_WITHHELD",
        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}],
    }
    review = post_coral(server, coral_request("You stupid idiot"))
    assert review.json()["status"] == "SYSTEM_WITHHELD"
    assert "moderationAction" not in review.json()


def test_coral_signature_checks(server: LiveServer) -> None:
    data = coral_request(ABUSE)
    body = json.dumps(data).encode()
    assert post_coral(server, data, signature=None).status == 400
    bad = post_coral(server, data, signature="sha256=" + "0" * 64)
    assert (bad.status, bad.json()["error"]["code"]) == (400, "signature_invalid")
    assert post_coral(server, data, signature=sign(body, "other")).status == 400
    assert post_coral(server, data, signature="md5=abc").status == 400
    # Several values (Coral rotating its secret): any one that matches is enough.
    rotated = f"sha256={'ab' * 32}, {sign(body)}"
    assert post_coral(server, data, signature=rotated).status == 200
    # The signature covers the exact bytes: the same JSON re-encoded does not pass.
    respaced = json.dumps(data, indent=1).encode()
    answer = server.request(
        "POST",
        "/v1/coral",
        respaced,
        {"content-type": "application/json", "x-coral-signature": sign(body)},
    )
    assert answer.status == 400


def test_coral_without_a_secret_refuses_everything(analyzer: Analyzer) -> None:
    with serve(create_app(analyzer)) as live:
        answer = post_coral(live, coral_request(ABUSE))
        assert (answer.status, answer.json()["error"]["code"]) == (403, "coral_not_configured")


def test_coral_accepts_secret_rotation_and_nested_tenant(analyzer: Analyzer) -> None:
    settings = ServiceSettings(coral_secrets=("old", "new"), coral_review_status="PREMOD")
    with serve(create_app(analyzer, settings=settings)) as live:
        data = coral_request("You stupid idiot")
        del data["tenantID"], data["tenantDomain"]
        data["tenant"] = {"id": "t1", "domain": "news.example"}
        body = json.dumps(data).encode()
        answer = live.request(
            "POST",
            "/v1/coral",
            body,
            {"content-type": "application/json", "x-coral-signature": sign(body, "new")},
        )
        assert answer.status == 200
        assert answer.json()["status"] == "PREMOD"


def test_coral_html_bodies_are_read_as_prose(server: LiveServer) -> None:
    html = '<p>You are a <b>hectoring bully</b></p><a href="https://x/fuck">link</a>'
    answer = post_coral(server, coral_request(html))
    # Held for the insult; not rejected, as it would be if the word inside the link's
    # address (markup) had been read as profanity.
    assert answer.json()["status"] == "SYSTEM_WITHHELD"
    profane = post_coral(server, coral_request("<p>You <i>f*ck</i> off</p>"))
    assert profane.json()["moderationAction"]["rejectionReason"]["code"] == "OFFENSIVE"


def test_coral_bad_requests(server: LiveServer) -> None:
    assert post_coral(server, {"action": "NEW"}).status == 422
    assert post_coral(server, {"action": "DELETE", "comment": {"body": "x"}}).status == 422
    assert post_coral(server, [1]).status == 422


# --- slow, stuck and failing --------------------------------------------------


def _read_reply(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except TimeoutError:
            break
        if not data:
            break
        chunks.append(data)
        if b"\r\n\r\n" in b"".join(chunks) and b"}" in data:
            break
    return b"".join(chunks)


def test_slow_clients_time_out_and_others_are_served(analyzer: Analyzer) -> None:
    settings = ServiceSettings(body_timeout=1.0)
    options = ServerOptions(access_log=False, log_level="warning", header_timeout=1.0)
    with serve(create_app(analyzer, settings=settings), options) as live:
        slow_body = socket.create_connection((live.host, live.port), timeout=10)
        slow_body.sendall(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"text": '
        )
        slow_headers = socket.create_connection((live.host, live.port), timeout=10)
        slow_headers.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\n")
        idle = socket.create_connection((live.host, live.port), timeout=10)
        started = time.monotonic()
        # Meanwhile the server keeps answering.
        assert live.post_json("/v1/check", {"text": CLEAN}).status == 200
        reply = _read_reply(slow_body)
        assert reply.startswith(b"HTTP/1.1 408"), reply
        assert b"body_timeout" in reply
        assert slow_headers.recv(100) == b""  # closed without an answer
        assert idle.recv(100) == b""
        assert time.monotonic() - started < 8
        for sock in (slow_body, slow_headers, idle):
            sock.close()


def test_busy_service_answers_429_instead_of_queueing(analyzer: Analyzer) -> None:
    release = threading.Event()

    class Slow:
        name = "slow-test"
        rules = (
            RuleInfo(
                id="slow-rule",
                technique="loaded-language",
                message="m",
                why="w",
                severity=Severity.INFO,
                status="stable",  # enabled: a detector with no enabled rule is not called
            ),
        )

        def detect(self, doc: Any) -> list[Hit]:
            release.wait(10)
            return []

    class Plugin:
        @hookimpl
        def rhetoric_register_detectors(self, register: Any) -> None:
            register(Slow())

    slow = Analyzer.from_config(plugins=[Plugin()], entry_points=False)
    settings = ServiceSettings(max_pending=1, inline_chars=0)
    with serve(create_app(slow, settings=settings)) as live:
        results: list[int] = []
        first = threading.Thread(
            target=lambda: results.append(live.post_json("/v1/check", {"text": "x"}).status)
        )
        first.start()
        time.sleep(0.5)
        busy = live.post_json("/v1/check", {"text": "y"})
        release.set()
        first.join(10)
        assert busy.status == 429
        assert busy.headers["retry-after"] == "1"
        assert results == [200]


def test_an_internal_error_is_a_500_and_the_server_goes_on(analyzer: Analyzer) -> None:
    class Broken(Moderator):
        def moderate(self, comment: Any, context: Any = None) -> Any:
            raise RuntimeError("bug")

    app = create_app(moderator=Broken(analyzer))
    with serve(app) as live:
        answer = live.post_json("/v1/check", {"text": "x"})
        assert (answer.status, answer.json()["error"]["code"]) == (500, "internal_error")
        assert "bug" not in answer.body.decode()  # no internals leak to clients
        assert live.request("GET", "/healthz").status == 200


def test_live_page_is_served_with_a_policy_that_allows_only_its_script(
    server: LiveServer, analyzer: Analyzer
) -> None:
    import base64

    from rhetoric.outputs.html import LIVE_SCRIPT

    answer = server.request("GET", "/")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/html")
    digest = base64.b64encode(hashlib.sha256(LIVE_SCRIPT.encode()).digest()).decode()
    policy = answer.headers["content-security-policy"]
    assert f"script-src 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert LIVE_SCRIPT in answer.body.decode()
    with serve(create_app(analyzer, settings=ServiceSettings(live_page=False))) as live:
        assert live.request("GET", "/").status == 404


def test_reload_swaps_in_edited_rules_and_keeps_the_old_ones_on_error(tmp_path: Any) -> None:
    from rhetoric import AnalyzerConfig, RuleLoadError

    folder = tmp_path / "rules" / "profanity"
    folder.mkdir(parents=True)
    rule = folder / "mild.yml"
    rule.write_text(lexicon_rule("heck"))
    analyzer = Analyzer.from_config(AnalyzerConfig(rule_paths=(tmp_path / "rules",)))
    app = create_app(analyzer)
    with serve(app) as live:

        def found(text: str) -> list[str]:
            report = live.post_json("/v1/check", {"text": text}).json()["report"]
            return [h["text"] for h in report["hits"] if h["rule"] == "mild"]

        assert found("heck or darn") == ["heck"]
        rule.write_text(lexicon_rule("heck", "darn"))
        app.reload()
        assert found("heck or darn") == ["heck", "darn"]
        rule.write_text("kind: [broken\n")
        with pytest.raises(RuleLoadError):
            app.reload()
        assert found("heck or darn") == ["heck", "darn"]  # still the last good rules


def test_the_service_keeps_its_analyzer_out_of_the_collectors_walks(tmp_path: Any) -> None:
    """The analyzer's ~100,000 objects live as long as the service: walking them at every
    full collection was its p99 under load. Started, and again after a reload, the
    service has them frozen (``gc.freeze``), and the replaced analyzer is not kept."""
    import gc
    import weakref

    from rhetoric import AnalyzerConfig

    folder = tmp_path / "rules" / "profanity"
    folder.mkdir(parents=True)
    (folder / "mild.yml").write_text(lexicon_rule("heck"))
    app = create_app(Analyzer.from_config(AnalyzerConfig(rule_paths=(tmp_path / "rules",))))

    def tracked(value: object) -> bool:
        return any(item is value for item in gc.get_objects())

    gc.unfreeze()
    try:
        assert tracked(app.moderator.analyzer.detectors)
        with serve(app) as live:
            assert live.post_json("/v1/check", {"text": "heck"}).status == 200
            assert not tracked(app.moderator.analyzer.detectors)
            old = weakref.ref(app.moderator.analyzer)
            app.reload()
            assert not tracked(app.moderator.analyzer.detectors)
            assert old() is None
    finally:
        gc.unfreeze()
