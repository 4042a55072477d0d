"""`rhetoric serve` as a real process: address, secrets, workers, clean shutdown."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the service tests need rhetoric[server] (uvicorn)")

from conftest import lexicon_rule
from live_server import LiveServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[LiveServer, Any]]:
    port = free_port()
    command = [sys.executable, "-m", "rhetoric", "serve", "--port", str(port), "--no-access-log"]
    process = subprocess.Popen(
        [*command, *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    live = LiveServer("127.0.0.1", port)
    deadline = time.monotonic() + 60
    while True:
        try:
            if live.request("GET", "/healthz", timeout=2).status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"server did not start: {process.communicate()}")
        time.sleep(0.1)
    try:
        yield live, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_serve_binds_loopback_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-token\n")
    secret = "env-secret"
    with serving("--token-file", str(token_file), env={"RHETORIC_CORAL_SECRET": secret}) as (
        live,
        process,
    ):
        assert live.post_json("/v1/check", {"text": "a"}).status == 401
        good = live.post_json("/v1/check", {"text": "f*ck"}, {"authorization": "Bearer file-token"})
        assert good.status == 200
        assert good.json()["report"]["hits"][0]["technique"] == "profanity"
        body = json.dumps({"comment": {"body": "You stupid idiot"}}).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        coral = live.request(
            "POST",
            "/v1/coral",
            body,
            {"content-type": "application/json", "x-coral-signature": signature},
        )
        assert coral.status == 200
        # Bound to 127.0.0.1 only: the machine's other addresses do not answer.
        listening = _listening_addresses(live.port)
        assert listening and listening <= {"127.0.0.1"}
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises SIGTERM as the exit status.
        assert process.wait(30) in (0, -signal.SIGTERM)
        assert "Finished server process" in process.communicate()[1]


def test_serve_with_two_workers(tmp_path: Path) -> None:
    with serving("--workers", "2") as (live, _):
        answers = [live.post_json("/v1/check", {"text": "You stupid idiot"}) for _ in range(6)]
        assert {a.status for a in answers} == {200}
        assert all(a.json()["decision"]["action"] == "review" for a in answers)


def test_serve_usage_errors_exit_2(tmp_path: Path) -> None:
    bad_policy = tmp_path / "policy.yml"
    bad_policy.write_text("rules: [{action: explode}]\n")
    for args in (["--policy", str(bad_policy)], ["--token-file", str(tmp_path / "missing")]):
        done = subprocess.run(
            [sys.executable, "-m", "rhetoric", "serve", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("rhetoric: error:")
        assert "Traceback" not in done.stderr


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) != port or fields[3] != "0A":  # 0A = LISTEN
                continue
            if len(address) == 8:
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
            else:
                found.add("ipv6:" + address)
    return found


def test_sighup_rereads_rules_and_policy(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "profanity"
    folder.mkdir(parents=True)
    rule = folder / "mild.yml"
    rule.write_text(lexicon_rule("glorp"))
    policy = tmp_path / "policy.yml"
    policy.write_text("rules: [{action: review, when: {techniques: [profanity]}}]\n")
    with serving("--rules", str(tmp_path / "rules"), "--policy", str(policy)) as (live, process):
        first = live.post_json("/v1/check", {"text": "zorblax"}).json()
        assert first["decision"]["action"] == "allow"
        rule.write_text(lexicon_rule("glorp", "zorblax"))
        policy.write_text("rules: [{action: reject, when: {techniques: [profanity]}}]\n")
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while True:
            answer = live.post_json("/v1/check", {"text": "zorblax"}).json()
            assert "decision" in answer, answer  # never an error while reloading
            if answer["decision"]["action"] == "reject":
                break
            assert time.monotonic() < deadline, "SIGHUP did not reload rules and policy"
            time.sleep(0.2)
