"""``--resume``: what an interrupted ``--format jsonl --output FILE`` run already did.

The output holds one JSON line per finished input record, in input order. A
rerun reads it, drops a torn last line (a crash can cut one; the interrupt
handling of :mod:`rhetoric.check.interrupts` never does), skips the input records
whose ids are already there and appends the rest. Ids are counted, not just
collected: an id that occurs twice in the input is skipped only as often as it
was already written, so every input record ends up in the file exactly once.
What the earlier records concluded is kept too, so the resumed run's exit code
is the one an uninterrupted run would have had.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ..model import Severity
from .inputs import NOTICE_SOURCE


class ResumeError(Exception):
    """The output file is not one this tool can resume from."""


@dataclass(frozen=True, slots=True)
class Prior:
    """An output record written by the earlier run: was it an input error, and
    the highest severity rank among its hits (-1: none)."""

    input_error: bool
    worst: int


class Ledger:
    """The records already written, by id, oldest first."""

    def __init__(self, done: dict[str | None, deque[Prior]], torn: bool = False) -> None:
        self._done = done
        self.torn = torn
        self.count = sum(len(priors) for priors in done.values())

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read ``path`` (missing: nothing done yet) and cut a torn last line off it."""
        if not path.exists():
            return cls({})
        done: dict[str | None, deque[Prior]] = {}
        whole = 0
        torn = False
        with path.open("r+b") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.endswith(b"\n"):
                    torn = True
                    break
                record_id, prior = _parse(raw, path, number)
                done.setdefault(record_id, deque()).append(prior)
                whole += len(raw)
            if torn:
                handle.truncate(whole)
        return cls(done, torn)

    def take(self, record_id: str | None) -> Prior | None:
        """The earlier output of the next input record with this id, if written."""
        priors = self._done.get(record_id)
        if not priors:
            return None
        return priors.popleft()


def _parse(raw: bytes, path: Path, number: int) -> tuple[str | None, Prior]:
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "id" not in record:
        raise ResumeError(
            f"{path}:{number}: not a rhetoric JSONL record; cannot resume from this file"
        )
    errors = record.get("errors") or []
    input_error = "error" in record or any(
        isinstance(e, dict) and e.get("source") == NOTICE_SOURCE for e in errors
    )
    try:
        ranks = [Severity.parse(h["severity"]).rank for h in record.get("hits") or []]
    except (KeyError, TypeError, ValueError):
        raise ResumeError(f"{path}:{number}: a hit without a valid severity") from None
    return record["id"], Prior(input_error, max(ranks, default=-1))
