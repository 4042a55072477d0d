"""A bounded soak of the HTTP service: thousands of mixed good and hostile requests
over keep-alive connections, every one answered with the status it must get, and
no file descriptors left behind. (The 50,000-request soak with memory figures is
`python bench/service_load.py --soak 50000`, in docs/reliability.md.)"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import random
import threading
import time
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the service tests need rhetoric[server] (uvicorn)")

from live_server import serve

from rhetoric import Analyzer
from rhetoric.service import ServiceSettings, create_app

SECRET = "soak"
WORDS = [
    *["the", "council", "voted", "idiot", "f*ck", "sh1t", "lovely", "report", "moron"],
    *["€uro", "😀", "عربى", "заседание"],
]
REQUESTS = 2_000
CLIENTS = 8


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))


def _requests(rng: random.Random) -> list[tuple[str, str, bytes | None, dict[str, str], int]]:
    json_type = {"content-type": "application/json"}
    out = []
    for i in range(REQUESTS):
        kind = i % 10
        text = _text(rng)
        if kind < 5:
            out.append(("POST", "/v1/check", json.dumps({"text": text}).encode(), json_type, 200))
        elif kind == 5:
            body = json.dumps({"comment": {"body": text}}).encode()
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            expected = 200  # 200 or 204, checked below
            out.append(
                ("POST", "/v1/coral", body, {**json_type, "x-coral-signature": signature}, expected)
            )
        elif kind == 6:
            encoded = json.dumps({"text": text}).encode()
            cut = rng.randint(1, len(encoded) - 1)  # always cut before the closing brace
            out.append(("POST", "/v1/check", encoded[:cut], json_type, 400))
        elif kind == 7:
            out.append(
                (
                    "POST",
                    "/v1/check",
                    json.dumps({"comments": [{"text": text[:40]}] * 11}).encode(),
                    json_type,
                    422,
                )
            )
        elif kind == 8:
            out.append(("POST", "/v1/check", b"x" * 5_000, json_type, 413))
        else:
            out.append(
                ("POST", "/v1/coral", b"{}", {**json_type, "x-coral-signature": "sha256=0"}, 400)
            )
    return out


def test_mixed_soak_answers_every_request_and_leaks_no_descriptors() -> None:
    settings = ServiceSettings(max_batch=10, max_body_bytes=4_000, coral_secrets=(SECRET,))
    requests = _requests(random.Random(5))
    with serve(create_app(Analyzer.from_config(), settings=settings)) as live:
        descriptors_before = len(os.listdir("/proc/self/fd"))
        problems: list[str] = []
        answered = 0
        lock = threading.Lock()

        def client(share: list[Any]) -> None:
            nonlocal answered
            connection = http.client.HTTPConnection(live.host, live.port, timeout=30)
            for method, path, body, headers, expected in share:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == expected or (
                    path == "/v1/coral" and expected == 200 and response.status == 204
                )
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                with lock:
                    answered += 1
                    if not ok:
                        problems.append(f"{path} -> {response.status} {payload[:120]!r}")
            connection.close()

        threads = [
            threading.Thread(target=client, args=(requests[i::CLIENTS],)) for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert answered == REQUESTS
        assert problems == []
        assert live.request("GET", "/healthz").status == 200
        # Every connection the soak opened is closed again on both sides (the server
        # notices closed connections in its own thread: give it a moment).
        deadline = time.monotonic() + 10
        while len(os.listdir("/proc/self/fd")) > descriptors_before + 2:
            assert time.monotonic() < deadline, "file descriptors left open"
            time.sleep(0.1)
