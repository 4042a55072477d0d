"""Batches that stop half-way lose nothing.

``rhetoric check --format jsonl --output FILE`` writes each record whole as it is
finished (flushed when the input keeps the run waiting, and at the end). SIGTERM or
SIGINT stops the run between records (exit 143 or 130), so FILE holds whole lines
only; ``--resume`` keeps them, skips their ids and appends the rest: every input
record exactly once, in input order, with the exit code an uninterrupted run would
have had. Checked for real, on a process killed while it works, with one process
and with ``--jobs``.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rhetoric.cli import main

RECORDS = 20_000  # well above the --jobs threshold; a full run takes a few seconds
TEXTS = ["What a moron.", "Lovely weather.", "The deep state hid it!", "Fine.", "ok"]


def make_dump(path: Path, count: int) -> list[str]:
    ids = [f"r{i}" for i in range(count)]
    with path.open("w", encoding="utf-8") as handle:
        for i, record_id in enumerate(ids):
            handle.write(json.dumps({"id": record_id, "text": f"{TEXTS[i % 5]} #{i}"}) + "\n")
    return ids


def command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "rhetoric", "check", "--isolated", "--format", "jsonl", *argv]


def buffered_env() -> dict[str, str]:
    """The environment with standard output block-buffered, as it is by default when
    it is a pipe (PYTHONUNBUFFERED would hide a missing flush)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def wait_for_output(path: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the run has written something (startup time varies), then a bit more."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.stat().st_size > 0:
            time.sleep(0.5)
            return
        time.sleep(0.02)
    raise AssertionError("the run wrote nothing before it ended")


def whole_lines(path: Path) -> list[dict[str, object]]:
    data = path.read_bytes()
    assert data.endswith(b"\n"), "the file ends in a torn line"
    return [json.loads(line) for line in data.splitlines()]


@pytest.mark.parametrize(
    ("jobs", "signum", "exit_code"),
    [("1", signal.SIGTERM, 143), ("2", signal.SIGINT, 130), ("2", signal.SIGTERM, 143)],
    ids=["serial-sigterm", "jobs-sigint", "jobs-sigterm"],
)
def test_interrupted_run_holds_whole_lines_and_resume_completes_it(
    tmp_path: Path, jobs: str, signum: int, exit_code: int
) -> None:
    dump = tmp_path / "dump.jsonl"
    ids = make_dump(dump, RECORDS)
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        command("--jobs", jobs, "--output", str(target), str(dump)), stderr=subprocess.PIPE
    )
    wait_for_output(target, process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == exit_code, err.decode()
    assert b"interrupted" in err
    first = whole_lines(target)
    assert 0 < len(first) < RECORDS  # stopped half-way, not before or after
    assert [r["id"] for r in first] == ids[: len(first)]

    resumed = subprocess.run(
        command("--jobs", jobs, "--output", str(target), "--resume", str(dump)),
        capture_output=True,
        timeout=120,
    )
    assert resumed.returncode == 1, resumed.stderr.decode()  # findings, as a full run
    assert f"resumed: {len(first)} records already in".encode() in resumed.stderr
    final = whole_lines(target)
    assert [r["id"] for r in final] == ids  # each id once, in input order
    assert final[: len(first)] == first  # the first part kept as it was
    assert [h["text"] for h in final[-5]["hits"]] == ["moron"]  # type: ignore[union-attr]


def run(*argv: str) -> int:
    return main(["check", "--isolated", "--format", "jsonl", *argv], out=io.StringIO())


def test_resume_drops_a_torn_last_line_and_counts_repeated_ids(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    texts = [("a", "you moron"), ("b", "fine"), ("a", "calm"), ("c", "ok"), ("a", "idiot")]
    dump.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts))
    expected = tmp_path / "expected.jsonl"
    assert run("--output", str(expected), str(dump)) == 2  # the repeated ids
    lines = expected.read_bytes().splitlines(keepends=True)
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"".join(lines[:3]) + lines[3][:17])  # as a crash may leave it
    assert run("--output", str(target), "--resume", str(dump)) == 2
    assert target.read_bytes() == expected.read_bytes()


def test_resume_of_a_finished_file_adds_nothing_and_keeps_the_exit_code(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "x", "text": "what a moron"}) + "\n")
    target = tmp_path / "out.jsonl"
    assert run("--output", str(target), str(dump)) == 1
    before = target.read_bytes()
    assert run("--output", str(target), "--resume", str(dump)) == 1
    assert target.read_bytes() == before
    missing = tmp_path / "new.jsonl"  # nothing to resume from: a normal run
    assert run("--output", str(missing), "--resume", str(dump)) == 1
    assert missing.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "content", "message"),
    [
        (["--resume"], None, "--resume needs --format jsonl and --output FILE"),
        (["--resume", "--output", "{out}", "--format", "json"], None, "--resume needs"),
        (["--resume", "-o", "{out}", "--format", "jsonl"], b"not json\n", "not a rhetoric JSONL"),
        (
            ["--resume", "-o", "{out}", "--format", "jsonl", "--write-baseline", "{base}"],
            None,
            "cannot be combined",
        ),
    ],
)
def test_resume_refuses_what_it_cannot_continue(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    content: bytes | None,
    message: str,
) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "x", "text": "fine"}) + "\n")
    target = tmp_path / "out.jsonl"
    if content is not None:
        target.write_bytes(content)
    filled = [a.format(out=target, base=tmp_path / "base.json") for a in argv]
    assert main(["check", "--isolated", *filled, str(dump)], out=io.StringIO()) == 2
    assert message in capsys.readouterr().err
    if content is not None:
        assert target.read_bytes() == content  # left alone


def test_jsonl_output_is_flushed_record_by_record(tmp_path: Path) -> None:
    """A reader sees each record as soon as it is finished, before the run ends: the
    output is flushed whenever the input keeps the run waiting."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(  # --jobs 1: several jobs read 2000 records ahead
        command("--input", "jsonl", "--jobs", "1", "-"),
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=buffered_env(),
    )
    os.close(read_end)
    assert process.stdout is not None
    try:
        for record_id, text, word in [("one", "you idiot", "idiot"), ("two", "a moron", "moron")]:
            os.write(write_end, (json.dumps({"id": record_id, "text": text}) + "\n").encode())
            ready, _, _ = select.select([process.stdout], [], [], 60)
            assert ready, "no record came out while the input stayed open"
            report = json.loads(process.stdout.readline())
            assert report["id"] == record_id and report["hits"][0]["text"] == word
    finally:
        os.close(write_end)
        process.communicate(timeout=60)
    assert process.returncode == 1


def test_jsonl_output_of_a_pool_is_flushed_chunk_by_chunk(tmp_path: Path) -> None:
    """With several processes a stream is read 2,000 records ahead and analysed in
    chunks of 256: every whole chunk comes out while the input stays open."""
    import threading

    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        command("--input", "jsonl", "--jobs", "2", "-"),
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=buffered_env(),
    )
    os.close(read_end)
    assert process.stdout is not None
    stdout = process.stdout
    sent, whole_chunks = 2_300, 2_048  # 2,000 read ahead, then short of a ninth chunk
    lines = "".join(json.dumps({"id": f"r{i}", "text": TEXTS[i % 5]}) + "\n" for i in range(sent))
    seen: list[str] = []

    def read_chunks() -> None:
        while len(seen) < whole_chunks and (line := stdout.readline()):
            seen.append(json.loads(line)["id"])

    reader = threading.Thread(target=read_chunks, daemon=True)
    try:
        os.write(write_end, lines.encode())
        reader.start()
        reader.join(120)
        assert seen == [f"r{i}" for i in range(whole_chunks)]  # before the input ended
    finally:
        os.close(write_end)
    rest = stdout.read()
    process.wait(60)
    assert [json.loads(line)["id"] for line in rest.splitlines()] == [
        f"r{i}" for i in range(whole_chunks, sent)
    ]
