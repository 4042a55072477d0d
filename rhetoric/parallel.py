"""Check many comments on all cores, with reports in input order.

Workers are forked from the process that already built the analyzer, so they
start in milliseconds and share its compiled rules copy-on-write; where fork is
unavailable, each worker builds its own analyzer from the same recipe. Small
batches (the pre-commit case) never start a pool: it would cost more than it saves.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from .analyzer import Analyzer
from .model import Comment, Report

T = TypeVar("T")
CHUNK = 256
MIN_PARALLEL = 2_000  # records; below this one process is faster than a pool

_analyzer: Analyzer | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(build: Callable[[], Analyzer] | None) -> None:
    global _analyzer
    if build is not None:
        _analyzer = build()


def _check_chunk(comments: list[Comment]) -> list[Report]:
    assert _analyzer is not None, "worker started without an analyzer"
    return [_analyzer.check(comment) for comment in comments]


def check_in_order(
    analyzer: Analyzer,
    items: Iterable[T],
    comment_of: Callable[[T], Comment | None],
    jobs: int,
    build: Callable[[], Analyzer] | None = None,
) -> Iterator[tuple[T, Report | None]]:
    """Yield ``(item, report)`` for every item, in input order; items without a
    comment (input errors) get ``None`` and are not sent to a worker.

    :param build: picklable recipe for an analyzer, used only where workers cannot
        be forked.
    """
    iterator = iter(items)
    head = list(itertools.islice(iterator, MIN_PARALLEL))
    if jobs <= 1 or len(head) < MIN_PARALLEL:
        for item in itertools.chain(head, iterator):
            comment = comment_of(item)
            yield item, analyzer.check(comment) if comment is not None else None
        return
    yield from _pooled(analyzer, itertools.chain(head, iterator), comment_of, jobs, build)


def _pooled(
    analyzer: Analyzer,
    items: Iterator[T],
    comment_of: Callable[[T], Comment | None],
    jobs: int,
    build: Callable[[], Analyzer] | None,
) -> Iterator[tuple[T, Report | None]]:
    global _analyzer
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        context = multiprocessing.get_context("fork")
        _analyzer = analyzer  # inherited by the forked workers
        initializer: tuple[Callable[[], Analyzer] | None] = (None,)
    else:
        context = multiprocessing.get_context("spawn")
        initializer = (build,)
    chunks = _chunks(items, CHUNK)
    pending: deque[list[T]] = deque()

    def comments() -> Iterator[list[Comment]]:
        for chunk in chunks:
            pending.append(chunk)
            yield [c for c in (comment_of(item) for item in chunk) if c is not None]

    with context.Pool(jobs, initializer=_init_worker, initargs=initializer) as pool:
        for reports in pool.imap(_check_chunk, comments(), chunksize=1):
            chunk = pending.popleft()
            found = iter(reports)
            for item in chunk:
                yield item, next(found) if comment_of(item) is not None else None


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk
