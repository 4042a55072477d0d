"""Limits and secrets of the HTTP service, in one immutable place.

Defaults are chosen for a comment platform: a comment is at most a few KB, a batch
is what one page of a moderation queue holds, and a request that cannot send its
body within a few seconds is a slow (or hostile) client, not a busy one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

TOKEN_ENV = "RHETORIC_TOKEN"
CORAL_SECRET_ENV = "RHETORIC_CORAL_SECRET"
DEFAULT_HEADER_TIMEOUT = 10.0
# Where Coral should put comments to review; a rejection has its own answer.
CORAL_REVIEW_STATUSES = ("PREMOD", "SYSTEM_WITHHELD")


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """What the service accepts and who may call it.

    ``token``: when set, every ``/v1/`` endpoint but Coral's needs
    ``Authorization: Bearer TOKEN``. ``coral_secrets``: Coral's signing secrets
    (several while one is being rotated); without one ``/v1/coral`` refuses all
    requests, since an unsigned endpoint would let anyone approve comments.
    """

    max_body_bytes: int = 1 << 20
    max_batch: int = 100
    max_text_chars: int = 100_000
    body_timeout: float = 10.0
    max_pending: int = 64
    inline_chars: int = 4_000
    token: str | None = None
    coral_secrets: tuple[str, ...] = ()
    coral_review_status: str = "SYSTEM_WITHHELD"
    live_page: bool = True

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_batch", "max_text_chars", "max_pending"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.body_timeout <= 0:
            raise ValueError("body_timeout must be positive")
        if self.coral_review_status not in CORAL_REVIEW_STATUSES:
            raise ValueError(
                f"coral_review_status must be one of {', '.join(CORAL_REVIEW_STATUSES)}, "
                f"not {self.coral_review_status!r}"
            )
        if self.token is not None and not self.token.strip():
            raise ValueError("token must not be empty")

    @staticmethod
    def secrets_from_environment() -> tuple[str | None, tuple[str, ...]]:
        """The bearer token and Coral secrets (comma-separated) from the environment."""
        token = os.environ.get(TOKEN_ENV) or None
        coral = os.environ.get(CORAL_SECRET_ENV, "")
        return token, tuple(s.strip() for s in coral.split(",") if s.strip())


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """How uvicorn serves the app (address, processes, connection limits)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    access_log: bool = True
    limit_concurrency: int = 1000
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    keep_alive: float = 5.0
    log_level: str = "info"
