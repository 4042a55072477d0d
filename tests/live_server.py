"""A real uvicorn server on a loopback port, in a thread, for the tests."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from rhetoric.service.server import ServerOptions, make_config


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class LiveServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            data = body.encode("utf-8") if isinstance(body, str) else body
            connection.request(method, path, body=data, headers=dict(headers or {}))
            response = connection.getresponse()
            payload = response.read()
            names = {k.lower(): v for k, v in response.getheaders()}
            return Answer(response.status, names, payload)
        finally:
            connection.close()

    def post_json(self, path: str, data: Any, headers: Mapping[str, str] | None = None) -> Answer:
        merged = {"content-type": "application/json", **(headers or {})}
        return self.request("POST", path, json.dumps(data), merged)


@contextmanager
def serve(app: Any, options: ServerOptions | None = None) -> Iterator[LiveServer]:
    """Run ``app`` on 127.0.0.1 (a free port) until the block ends."""
    options = options or ServerOptions(access_log=False, log_level="warning")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(make_config(app, options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer("127.0.0.1", port)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
