"""A comment the analyzer raises on costs that record only.

Some hostile texts exhaust the analyzer (a 10 MB run of one letter ran the
obfuscation reader out of memory when this was written); whatever the cause, the
record becomes an error record naming the failure, the run goes on and exits 2.
The fault is injected through the public ``Analyzer.detect`` (the half of every
analysis that batch runs send to workers), in one process and in forked ``--jobs``
workers alike.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rhetoric import Analyzer, Comment
from rhetoric.analyzer import Detection
from rhetoric.check.parallel import MIN_PARALLEL
from rhetoric.cli import main

POISON = "POISON"


@pytest.fixture
def fragile_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    real_detect = Analyzer.detect

    def detect(self: Analyzer, comment: Comment) -> Detection:
        if POISON in comment.text:
            raise MemoryError
        return real_detect(self, comment)

    monkeypatch.setattr(Analyzer, "detect", detect)


@pytest.mark.usefixtures("fragile_analyzer")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_comment_is_one_error_record(tmp_path: Path, jobs: str) -> None:
    count = MIN_PARALLEL + 100 if jobs == "2" else 10
    dump = tmp_path / "dump.jsonl"
    rows = [
        {"id": f"r{i}", "text": POISON if i % 7 == 3 else f"you moron #{i}"} for i in range(count)
    ]
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = io.StringIO()
    code = main(["check", "--isolated", "--format", "jsonl", "--jobs", jobs, str(dump)], out=out)
    assert code == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == [row["id"] for row in rows]
    for i, record in enumerate(records):
        if i % 7 == 3:
            assert record["error"] == {
                "message": "analysis failed (MemoryError): not analysed",
                "source": str(dump),
                "line": i + 1,
            }
        else:
            assert [h["text"] for h in record["hits"]] == ["moron"]
