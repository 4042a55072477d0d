"""Check many comments on all cores, with reports in input order.

Workers run the detection half of the analysis (:meth:`Analyzer.detect`, nearly
all the work); this process concludes each comment (:meth:`Analyzer.conclude`:
merge, the caller's screen, scores, report hooks), so screens with state of the
run (a baseline being consumed, suppressions being used) and report hooks all run
here, in input order, exactly as in a single-process run.

Workers are forked from the process that already built the analyzer, so they
start in milliseconds and share its compiled rules copy-on-write; where fork is
unavailable, each worker builds its own analyzer from the same configuration.
Small batches (the pre-commit case) never start a pool: it would cost more than
it saves.

A comment on which the analyzer raises (a bug, or memory exhausted by a hostile
text) yields :class:`Failed` instead of a report, so one record never stops the
batch. Workers ignore SIGINT and die quietly on SIGTERM: the parent alone decides
how a run stops (:mod:`rhetoric.check.interrupts`) and terminates the pool.
"""

from __future__ import annotations

import functools
import gc
import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

from ..analyzer import Analysis, Analyzer, Detection, Screen
from ..model import Comment, Report

T = TypeVar("T")
R = TypeVar("R")
Shield = Callable[[], AbstractContextManager[None]]
CHUNK = 256
MIN_PARALLEL = 2_000  # records; below this one process is faster than a pool

_analyzer: Analyzer | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """The analyzer raised on a comment; ``message`` says what, for an error record."""

    message: str


def _safely(step: Callable[..., R], *args: Any) -> R | Failed:
    """``step(*args)``, with an exception turned into :class:`Failed`."""
    try:
        return step(*args)
    except Exception as exc:  # any failure costs this one record only
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Failed(f"analysis failed ({detail}): not analysed")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(build: Callable[[], Analyzer] | None) -> None:
    global _analyzer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if build is not None:
        _analyzer = build()
    gc.freeze()  # the worker's analyzer lives as long as it does: not worth collecting


def _detect_chunk(comments: list[Comment]) -> list[Detection | Failed]:
    assert _analyzer is not None, "worker started without an analyzer"
    analyzer = _analyzer
    return [_safely(analyzer.detect, comment) for comment in comments]


def analyse_in_order(
    analyzer: Analyzer,
    items: Iterable[T],
    comment_of: Callable[[T], Comment | None],
    screen_of: Callable[[T], Screen | None],
    jobs: int,
    on_wait: Callable[[], None] | None = None,
    shield: Shield = nullcontext,
) -> Iterator[tuple[T, Report | Failed | None]]:
    """Yield ``(item, report)`` for every item, in input order; items without a
    comment (input errors) get ``None`` and are not sent to a worker, and a
    comment the analyzer raised on gets :class:`Failed`.

    ``on_wait``: with a pool, called after each chunk's items are yielded, before
    waiting for the next chunk's results (one process leaves it to the reader).
    ``shield``: with a pool, each wait for a chunk's results runs inside it. Why: the
    wait sits in a ``threading.Condition``, and an exception a signal handler raises
    while the condition takes its lock back leaves the lock released, so leaving the
    condition fails with ``RuntimeError`` instead of the interrupt
    (``StopSignals.whole`` holds the signal until the wait is over).
    """
    iterator = iter(items)
    # One process reads no record ahead, so a stream (stdin) gets each report at once;
    # more read MIN_PARALLEL ahead to learn whether a pool pays.
    head = list(itertools.islice(iterator, MIN_PARALLEL)) if jobs > 1 else []
    if jobs <= 1 or len(head) < MIN_PARALLEL:
        for item in itertools.chain(head, iterator):
            comment = comment_of(item)
            if comment is None:
                yield item, None
                continue
            yield item, _report(_safely(analyzer.analyse, comment, screen_of(item)))
        return
    pooled = _pooled(analyzer, itertools.chain(head, iterator), comment_of, jobs, on_wait, shield)
    for item, detection in pooled:
        if detection is None or isinstance(detection, Failed):
            yield item, detection
            continue
        yield item, _report(_safely(analyzer.conclude, detection, screen_of(item)))


def _report(outcome: Analysis | Failed) -> Report | Failed:
    return outcome.report if isinstance(outcome, Analysis) else outcome


def _pooled(
    analyzer: Analyzer,
    items: Iterator[T],
    comment_of: Callable[[T], Comment | None],
    jobs: int,
    on_wait: Callable[[], None] | None = None,
    shield: Shield = nullcontext,
) -> Iterator[tuple[T, Detection | Failed | None]]:
    global _analyzer
    import multiprocessing  # only for runs on more than one process: not at every start

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        context = multiprocessing.get_context("fork")
        _analyzer = analyzer  # inherited by the forked workers
        initializer: tuple[Callable[[], Analyzer] | None] = (None,)
    else:
        context = multiprocessing.get_context("spawn")
        initializer = (functools.partial(Analyzer.from_config, analyzer.config),)
    chunks = _chunks(items, CHUNK)
    pending: deque[list[T]] = deque()

    def comments() -> Iterator[list[Comment]]:
        for chunk in chunks:
            pending.append(chunk)
            yield [c for c in (comment_of(item) for item in chunk) if c is not None]

    with context.Pool(jobs, initializer=_init_worker, initargs=initializer) as pool:
        results = pool.imap(_detect_chunk, comments(), chunksize=1)
        while True:
            with shield():
                detections = next(results, None)
            if detections is None:
                break
            chunk = pending.popleft()
            found = iter(detections)
            for item in chunk:
                yield item, next(found) if comment_of(item) is not None else None
            if on_wait is not None:
                on_wait()  # the chunk is written: hand it on before waiting for the next


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk
