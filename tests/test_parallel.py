"""`--jobs`: many records on several processes give exactly the one-process output,
in input order, error records included."""

from __future__ import annotations

import io
import json
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from rhetoric.check.interrupts import Interrupted, StopSignals
from rhetoric.check.parallel import CHUNK, MIN_PARALLEL
from rhetoric.cli import main

TEXTS = [
    "What a moron.",
    "Lovely weather today.",
    "The deep state hid it, you idiot!",
    "f u c k this",
    "",
    "Those people are vermin.",
]


def test_parallel_output_equals_sequential_output(tmp_path: Path) -> None:
    dump = tmp_path / "many.jsonl"
    lines = []
    for i in range(MIN_PARALLEL + 700):
        if i % 997 == 0:
            lines.append("{broken json")
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": TEXTS[i % len(TEXTS)] + f" #{i}"}))
    dump.write_text("\n".join(lines) + "\n")
    outputs = {}
    for jobs in ("1", "2"):
        out = io.StringIO()
        code = main(["check", "--format", "jsonl", "--jobs", jobs, str(dump)], out=out)
        assert code == 2  # the broken lines are input errors
        outputs[jobs] = out.getvalue()
    assert outputs["1"] == outputs["2"]
    records = [json.loads(line) for line in outputs["2"].splitlines()]
    assert len(records) == len(lines)
    assert [r["id"] for r in records if "error" not in r][:3] == ["r1", "r2", "r3"]


def _pooled_run(shield: Callable[[], AbstractContextManager[None]]) -> list[str]:
    """Ids of what analyse_in_order yields for MIN_PARALLEL + 300 comments on 2 jobs."""
    from rhetoric import Analyzer, AnalyzerConfig, Comment
    from rhetoric.check.parallel import analyse_in_order

    analyzer = Analyzer.from_config(AnalyzerConfig())
    items = [Comment(text=TEXTS[i % len(TEXTS)], id=f"c{i}") for i in range(MIN_PARALLEL + 300)]
    outcomes = analyse_in_order(analyzer, items, lambda c: c, lambda c: None, 2, None, shield)
    return [item.id for item, _ in outcomes]


def test_a_pool_waits_for_each_chunk_inside_the_shield() -> None:
    entered: list[int] = []

    @contextmanager
    def counting() -> Iterator[None]:
        entered.append(1)
        yield

    ids = _pooled_run(counting)
    assert ids == [f"c{i}" for i in range(MIN_PARALLEL + 300)]
    assert len(entered) == -(-(MIN_PARALLEL + 300) // CHUNK) + 1  # each chunk, and the end


def test_a_signal_during_a_pool_wait_stops_the_run_after_the_wait() -> None:
    """The interrupt comes out as Interrupted (exit 130), never as the RuntimeError of a
    condition whose lock the handler's exception left released."""
    with StopSignals() as signals:

        @contextmanager
        def signalled() -> Iterator[None]:
            with signals.whole():
                signal.raise_signal(signal.SIGINT)  # arrives while the run waits
                yield

        with pytest.raises(Interrupted) as stopped:
            _pooled_run(signalled)
    assert stopped.value.exit_code == 130
