"""`--jobs`: many records on several processes give exactly the one-process output,
in input order, error records included."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rhetoric.check.parallel import MIN_PARALLEL
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
