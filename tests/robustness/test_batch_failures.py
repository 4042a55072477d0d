"""A comment the analyzer raises on costs that record only.

Some hostile texts exhaust the analyzer (a 10 MB run of one letter ran the
obfuscation reader out of memory when this was written); whatever the cause, the
record becomes an error record naming the failure, the run goes on and exits 2.
The fault is injected through the public ``Analyzer.check``, in one process and
in forked ``--jobs`` workers alike.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rhetoric import Analyzer, Comment, Report
from rhetoric.cli import main
from rhetoric.parallel import MIN_PARALLEL

POISON = "POISON"


@pytest.fixture
def fragile_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    real_check = Analyzer.check

    def check(self: Analyzer, comment: Comment | str) -> Report:
        text = comment.text if isinstance(comment, Comment) else comment
        if POISON in text:
            raise MemoryError
        return real_check(self, comment)

    monkeypatch.setattr(Analyzer, "check", check)


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
