"""SIGINT and SIGTERM stop a batch between records, never inside one being written.

Python's default SIGINT handler raises wherever the program happens to be,
including half-way through writing a line, and SIGTERM kills it without closing
anything. Inside :class:`StopSignals` both raise :class:`Interrupted` instead,
except within :meth:`StopSignals.whole` (writing one record): there the signal is
held until the record is out. So an interrupted ``--output`` file holds whole
records only, and ``--resume`` can take over from it.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop by ``signum``; the exit code is ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class StopSignals:
    """Context manager installing the handlers (main thread only; elsewhere a no-op)."""

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}
        self._writing = 0
        self._pending: int | None = None
        self._raised = False

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in HANDLED:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._raised:
            return  # already stopping: let the clean-up finish
        if self._writing and self._pending is None:
            self._pending = signum  # raised when the record is out
            return
        self._raised = True  # a second signal while writing is stuck: stop now
        raise Interrupted(signum)

    def whole(self) -> _Whole:
        """A section (writing one record) that a signal does not cut short."""
        return _Whole(self)


class _Whole:
    def __init__(self, guard: StopSignals) -> None:
        self._guard = guard

    def __enter__(self) -> None:
        self._guard._writing += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        guard = self._guard
        guard._writing -= 1
        if not guard._writing and guard._pending is not None and exc_type is None:
            guard._raised = True
            raise Interrupted(guard._pending)
