"""The ASGI application: routes, authentication, limits and back-pressure.

Analysis is CPU work. A small request is analysed right on the event loop (a
thread hop would cost more than the check); a large one goes to a worker thread
so that health checks and small requests keep being answered, and when too many
large ones are pending the service says 429 instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

from ..__about__ import __version__
from ..analyzer import Analyzer
from ..moderation import Moderator
from ..policy import DEFAULT_POLICY, Decision, Policy
from ..wire import rule_to_dict
from . import coral
from .http import (
    ClientGone,
    HttpError,
    Receive,
    Scope,
    Send,
    header,
    parse_json,
    read_body,
    require_json,
    send_bytes,
    send_error,
    send_json,
)
from .openapi import openapi_document
from .payloads import CheckItem, check_length, decision_to_dict, parse_check
from .settings import ServiceSettings

log = logging.getLogger("rhetoric.service")

Handler = Callable[[Scope, Receive, Send], Any]


class Service:
    """An ASGI 3 application around one :class:`~rhetoric.Moderator`."""

    def __init__(
        self,
        moderator: Moderator,
        settings: ServiceSettings | None = None,
        *,
        policy_loader: Callable[[], Policy] | None = None,
    ) -> None:
        self.moderator = moderator
        self.settings = settings or ServiceSettings()
        self._policy_loader = policy_loader
        self._openapi_document: dict[str, Any] | None = None
        # Per endpoint, what it derives from the analyzer, with the analyzer it came
        # from: rebuilt only after a reload swaps the analyzer.
        self._memos: dict[str, tuple[object, Any]] = {}
        self._pending = 0
        self._token = self.settings.token.encode("utf-8") if self.settings.token else None
        self._routes: dict[str, dict[str, Handler]] = {
            "/healthz": {"GET": self._health},
            "/openapi.json": {"GET": self._openapi},
            "/v1/rules": {"GET": self._rules},
            "/v1/check": {"POST": self._check},
            "/v1/coral": {"POST": self._coral},
        }
        if self.settings.live_page:
            self._routes["/"] = {"GET": self._page}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets are not offered; the server closes the connection
        try:
            await self._dispatch(scope, receive, send)
        except ClientGone:
            return
        except HttpError as error:
            await send_error(send, error)
        except Exception:  # a bug of ours: answer 500, keep serving, log the traceback
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            await send_error(send, HttpError(500, "internal_error", "internal error (logged)"))

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        methods = self._routes.get(scope["path"])
        if methods is None:
            raise HttpError(404, "not_found", f"no such endpoint: {scope['path']}")
        method = scope["method"]
        handler = methods.get("GET" if method == "HEAD" else method)
        if handler is None:
            allowed = ", ".join(sorted(methods))
            raise HttpError(
                405,
                "method_not_allowed",
                f"{method} not allowed; use {allowed}",
                [("allow", allowed)],
            )
        await handler(scope, receive, send)

    # --- endpoints --------------------------------------------------------------

    async def _health(self, scope: Scope, receive: Receive, send: Send) -> None:
        count = self._memo("rules_count", lambda analyzer: len(analyzer.rules))
        await send_json(send, 200, {"status": "ok", "version": __version__, "rules": count})

    async def _openapi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._openapi_document is None:  # settings never change: build it once
            self._openapi_document = openapi_document(self.settings)
        await send_json(send, 200, self._openapi_document)

    async def _rules(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._authorize(scope)
        rules = self._memo(
            "rules", lambda analyzer: [rule_to_dict(r, with_source=False) for r in analyzer.rules]
        )
        await send_json(send, 200, {"rules": rules})

    async def _check(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._authorize(scope)
        require_json(scope)
        body = await read_body(
            scope, receive, self.settings.max_body_bytes, self.settings.body_timeout
        )
        items, batch = parse_check(parse_json(body), self.settings)
        decisions = await self._decide(items)
        if batch:
            await send_json(send, 200, {"results": [decision_to_dict(d) for d in decisions]})
        else:
            await send_json(send, 200, decision_to_dict(decisions[0]))

    async def _coral(self, scope: Scope, receive: Receive, send: Send) -> None:
        require_json(scope)
        body = await read_body(
            scope, receive, self.settings.max_body_bytes, self.settings.body_timeout
        )
        # The signature covers the raw bytes: check it before parsing anything.
        signature = header(scope, coral.SIGNATURE_HEADER)
        coral.verify_signature(body, signature, self.settings.coral_secrets)
        request = coral.parse_request(parse_json(body))
        check_length(request.comment.text, "$.comment.body", self.settings)
        (decision,) = await self._decide([CheckItem(request.comment, request.context)])
        answer = coral.response_for(decision, self.settings.coral_review_status)
        if answer is None:
            await send_bytes(send, 204, b"", None)
        else:
            await send_json(send, 200, answer)

    async def _page(self, scope: Scope, receive: Receive, send: Send) -> None:
        from ..outputs.html import LIVE_CSP, live_page

        # The page's one inline script is allowed by its hash; nothing else may run.
        policy = f"{LIVE_CSP}; frame-ancestors 'none'"
        page = self._memo("page", lambda analyzer: live_page(analyzer.techniques).encode())
        await send_bytes(
            send,
            200,
            page,
            "text/html; charset=utf-8",
            [("content-security-policy", policy), ("referrer-policy", "no-referrer")],
        )

    # --- shared -----------------------------------------------------------------

    def _memo(self, name: str, build: Callable[[Analyzer], Any]) -> Any:
        """``build(analyzer)`` for the current analyzer, computed once per analyzer."""
        analyzer = self.moderator.analyzer
        cached = self._memos.get(name)
        if cached is None or cached[0] is not analyzer:
            cached = self._memos[name] = (analyzer, build(analyzer))
        return cached[1]

    def _authorize(self, scope: Scope) -> None:
        if self._token is None:
            return
        given = header(scope, "authorization") or ""
        scheme, _, credentials = given.partition(" ")
        offered = credentials.strip().encode("utf-8", "replace")
        # compare_digest runs in time independent of where the strings differ.
        if scheme.lower() != "bearer" or not hmac.compare_digest(offered, self._token):
            raise HttpError(
                401,
                "unauthorized",
                "missing or wrong bearer token",
                [("www-authenticate", 'Bearer realm="rhetoric"')],
            )

    async def _decide(self, items: Sequence[CheckItem]) -> list[Decision]:
        size = sum(len(item.comment.text) for item in items)
        if size <= self.settings.inline_chars:
            return self._moderate(items)
        if self._pending >= self.settings.max_pending:
            raise HttpError(
                429, "busy", "too much work pending; retry shortly", [("retry-after", "1")]
            )
        self._pending += 1
        try:
            return await asyncio.to_thread(self._moderate, items)
        finally:
            self._pending -= 1

    def _moderate(self, items: Sequence[CheckItem]) -> list[Decision]:
        moderator = self.moderator  # one moderator for the whole request, even mid-reload
        return [moderator.moderate(item.comment, item.context) for item in items]

    # --- reloading --------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the rule files (and the policy file, if there is one) and swap them in.

        Requests already running finish with the old rules; a broken rule or policy
        file leaves the service as it was and is raised to the caller.
        """
        analyzer = self.moderator.analyzer.reload()
        policy = self._policy_loader() if self._policy_loader else self.moderator.policy
        # Through Moderator, so a reloaded policy naming unknown ids is refused too.
        self.moderator = type(self.moderator)(analyzer, policy)
        settle_heap()

    async def _reload_logged(self) -> None:
        try:
            await asyncio.to_thread(self.reload)
        except Exception as exc:
            log.error("reload failed, still serving the previous rules: %s", exc)
        else:
            log.info("reloaded: %d rules", len(self.moderator.analyzer.rules))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                settle_heap()
                self._listen_for_sighup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _listen_for_sighup(self) -> None:
        """SIGHUP reloads, as daemons do; only possible in the main thread on POSIX."""
        loop = asyncio.get_running_loop()
        tasks: set[asyncio.Task[None]] = set()

        def on_hangup() -> None:
            task = loop.create_task(self._reload_logged())
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, on_hangup)


def settle_heap() -> None:
    """Take what is alive now, above all the analyzer, out of the cyclic collector's
    sight (``gc.freeze``), as ``rhetoric check`` does.

    Why: the analyzer is some 100,000 objects that live as long as the service. Every
    full collection, which the allocations of a few thousand requests set off, walked
    them all while every client waited, and that pause was the service's p99. Objects
    an earlier call froze (an analyzer a reload replaced) are unfrozen first, so what
    of them is garbage is collected once and not kept for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def create_app(
    analyzer: Analyzer | None = None,
    *,
    policy: Policy = DEFAULT_POLICY,
    settings: ServiceSettings | None = None,
    moderator: Moderator | None = None,
    policy_loader: Callable[[], Policy] | None = None,
) -> Service:
    """The ASGI app for an analyzer (built with defaults when not given) and a policy.

    ``policy_loader`` re-reads the policy on :meth:`Service.reload` (SIGHUP).
    """
    if moderator is None:
        moderator = Moderator(analyzer or Analyzer.from_config(), policy)
    return Service(moderator, settings, policy_loader=policy_loader)
