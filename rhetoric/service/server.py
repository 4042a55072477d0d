"""Running the service with uvicorn, hardened against slow and idle clients.

uvicorn closes idle keep-alive connections but waits forever for a request's
headers, so a client that trickles them (slowloris) would hold a connection
for good. :class:`GuardedH11Protocol` gives every request a deadline for its
headers; the body has its own deadline in :func:`rhetoric.service.http.read_body`.
"""

from __future__ import annotations

import asyncio
from typing import Any

try:
    import h11
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol
except ImportError as exc:  # pragma: no cover - exercised where the extra is absent
    raise ImportError(
        'rhetoric serve needs the server extra: pip install "rhetoric[server]"'
    ) from exc

from .settings import DEFAULT_HEADER_TIMEOUT, ServerOptions

__all__ = ["GuardedH11Protocol", "ServerOptions", "make_config", "run"]


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol plus a deadline for each request's headers."""

    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        timeout = getattr(self.config, "rhetoric_header_timeout", DEFAULT_HEADER_TIMEOUT)
        self._header_deadline = self.loop.call_later(timeout, self._headers_overdue)

    def _headers_overdue(self) -> None:
        # Still IDLE means no complete request line and headers since the deadline was set.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def make_config(app: Any, options: ServerOptions, **extra: Any) -> uvicorn.Config:
    """A uvicorn configuration for ``app`` (an ASGI app, or an import string)."""
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        workers=options.workers,
        http=GuardedH11Protocol,
        ws="none",
        lifespan="on",
        interface="asgi3",
        access_log=options.access_log,
        limit_concurrency=options.limit_concurrency,
        timeout_keep_alive=int(max(1, options.keep_alive)),
        log_level=options.log_level,
        server_header=False,
        **extra,
    )
    config.rhetoric_header_timeout = options.header_timeout  # type: ignore[attr-defined]
    return config


def run(app: Any, options: ServerOptions, factory: str | None = None) -> None:
    """Serve ``app`` until interrupted; several workers each call ``factory`` (an
    import string) to build their own app instead."""
    if options.workers > 1:
        if factory is None:
            raise ValueError("several workers need a factory to build the app")
        config = make_config(factory, options, factory=True)
    else:
        config = make_config(app, options)
    uvicorn.Server(config).run()
