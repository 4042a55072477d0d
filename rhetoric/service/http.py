"""Small ASGI helpers: reading a bounded body, answering with JSON or an error.

The service is a plain ASGI callable rather than a framework app so that every
limit (body size, read deadline, content type) is ours, visible and tested.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON_TYPE = "application/json"
DRAIN_FACTOR = 16


class HttpError(Exception):
    """An answer with a 4xx/5xx status and a machine-readable code."""

    def __init__(
        self, status: int, code: str, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = tuple(headers)


def invalid(where: str, problem: str) -> HttpError:
    """A 422 naming the field (``$.comments[2].text``) and what is wrong with it."""
    return HttpError(422, "invalid_request", f"{where}: {problem}")


def header(scope: Scope, name: str) -> str | None:
    """The first value of a request header (names are matched case-insensitively)."""
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None


def require_json(scope: Scope) -> None:
    content_type = (header(scope, "content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != JSON_TYPE and not content_type.endswith("+json"):
        shown = content_type or "none"
        raise HttpError(415, "unsupported_media_type", f"send {JSON_TYPE}, not {shown}")


async def read_body(scope: Scope, receive: Receive, limit: int, timeout: float) -> bytes:
    """The whole request body, refused early when it is or becomes too large.

    A declared Content-Length over the limit is refused before reading anything;
    a body that is still arriving after ``timeout`` seconds is a slow client (408).
    """
    # An error here leaves a body unread. The server drains what is left before the
    # next request on the connection; past DRAIN_FACTOR times the limit (or when the
    # size is unknown) closing is cheaper, at the risk that a client still sending
    # sees a reset instead of the answer.
    close = [("connection", "close")]
    declared = header(scope, "content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise HttpError(400, "bad_request", f"invalid Content-Length: {declared!r}", close)
        if int(declared) > limit:
            too_much = int(declared) > DRAIN_FACTOR * limit
            raise HttpError(
                413,
                "body_too_large",
                f"body of {declared} bytes; limit {limit}",
                close if too_much else (),
            )
    chunks: list[bytes] = []
    size = 0

    async def collect() -> None:
        nonlocal size
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HttpError(
                    413, "body_too_large", f"body over the limit of {limit} bytes", close
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return

    try:
        async with asyncio.timeout(timeout):  # no extra task per request, unlike wait_for
            await collect()
    except TimeoutError:
        raise HttpError(
            408, "body_timeout", f"the body did not arrive within {timeout:g} s", close
        ) from None
    return b"".join(chunks)


class ClientGone(Exception):
    """The client hung up before its request was read: nothing to answer."""


def parse_json(body: bytes) -> Any:
    """JSON from a request body, with the position of the first problem."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            400, "invalid_utf8", f"the body is not UTF-8 (byte {exc.start}: {exc.reason})"
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise HttpError(
            400,
            "malformed_json",
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None
    except (RecursionError, ValueError) as exc:
        raise HttpError(400, "malformed_json", f"unusable JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


async def send_bytes(
    send: Send,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: Iterable[tuple[str, str]] = (),
) -> None:
    raw = [(b"content-length", str(len(body)).encode())]
    if content_type:
        raw.append((b"content-type", content_type.encode()))
    raw.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers)
    raw.append((b"x-content-type-options", b"nosniff"))
    raw.append((b"cache-control", b"no-store"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def send_json(
    send: Send, status: int, data: Any, headers: Iterable[tuple[str, str]] = ()
) -> None:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "backslashreplace"
    )
    await send_bytes(send, status, body, "application/json; charset=utf-8", headers)


async def send_error(send: Send, error: HttpError) -> None:
    data: Mapping[str, Any] = {"error": {"code": error.code, "message": error.message}}
    await send_json(send, error.status, data, error.headers)
