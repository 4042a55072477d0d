"""Hostile input files: each bad record costs one error record (with its line),
every good record is still reported, and nothing is read as text that is not.

Policies under test (README, "Hostile input"):
- binary files (NUL bytes in the first 8000, or a UTF-16/32 byte-order mark) are
  one error record naming the file, never analysed;
- invalid UTF-8 in text and CSV files is replaced with U+FFFD and the reports of
  the records it touched carry an ``input`` error naming line and byte (exit 2);
  a JSONL line that is not UTF-8 is an error record (JSON must be UTF-8);
- a repeated id: every record is analysed and reported, the later ones carry an
  ``input`` error naming the first (exit 2).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from rhetoric.cli import main
from rhetoric.wire import report_schema

VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def check(*argv: str) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(["check", "--isolated", "--format", "jsonl", *argv], out=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    for record in records:
        VALIDATOR.validate(record)
    return code, records


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR idiot", "binary file (NUL bytes)"),
        ("notes.md", "you idiot\n".encode("utf-16"), "binary file (UTF-16/UTF-32 text"),
        ("dump.jsonl", b'{"id": 1}\n\x00\x01\x02\n' * 500, "binary file (NUL bytes)"),
        ("table.csv", b"id,text\n1,idiot\x00\n", "binary file (NUL bytes)"),
    ],
)
def test_a_binary_file_is_one_error_record_and_the_others_still_run(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    binary = write(tmp_path / name, content)
    good = write(tmp_path / "good.txt", "what a moron\n")
    code, records = check(str(binary), str(good))
    assert code == 2
    assert len(records) == 2
    assert records[0]["id"] == str(binary)
    assert records[0]["error"]["message"].startswith(problem)  # type: ignore[index]
    assert records[0]["error"]["message"].endswith(": skipped")  # type: ignore[index]
    assert [h["text"] for h in records[1]["hits"]] == ["moron"]  # type: ignore[union-attr]


def test_a_nul_byte_late_in_a_text_file_is_just_a_character(tmp_path: Path) -> None:
    text = "Fine words. " * 700 + "\x00 you idiot"
    code, [record] = check(str(write(tmp_path / "late.txt", text)))
    assert code == 1 and record["errors"] == []
    [hit] = record["hits"]  # type: ignore[misc]
    assert text[hit["start"] : hit["end"]] == "idiot"


def test_invalid_utf8_in_a_document_is_replaced_and_reported(tmp_path: Path) -> None:
    raw = b"caf\xe9 au lait\r\nna\xc3\xafve \xff\xfe you idiot\n"
    code, [record] = check(str(write(tmp_path / "latin.txt", raw)))
    assert code == 2  # analysed, but the input had a problem
    decoded = raw.decode("utf-8", "replace")
    [hit] = record["hits"]  # type: ignore[misc]
    assert decoded[hit["start"] : hit["end"]] == hit["text"] == "idiot"
    assert record["errors"] == [
        {"source": "input",
         "message": "invalid UTF-8 on 2 lines (first: line 1, byte 3): replaced with U+FFFD"}
    ]  # fmt: skip


def test_invalid_utf8_marks_only_the_records_it_touched(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbfwhat a moron\nbad \xc3( byte, idiot\nall fine here\n"
    path = write(tmp_path / "lines.txt", raw)
    code, records = check("--split", "lines", str(path))
    assert code == 2
    errors = {r["id"]: r["errors"] for r in records}
    assert errors[f"{path}:1"] == [] and errors[f"{path}:3"] == []
    assert errors[f"{path}:2"] == [
        {"source": "input",
         "message": "invalid UTF-8 on 1 line (first: line 2, byte 20): replaced with U+FFFD"}
    ]  # fmt: skip
    assert [h["text"] for r in records for h in r["hits"]] == ["moron", "idiot"]  # type: ignore[union-attr]


def test_jsonl_bad_records_each_cost_one_error_record(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "ok1", "text": "what a moron"}),
        '{"id": "torn", "text": "never clo',
        "[" * 100_000 + "]" * 100_000,  # nested far deeper than any parser stack
        json.dumps({"id": "nul", "text": "a\u0000b you idiot"}),
        json.dumps({"id": "lone", "text": "\ud800 you idiot \udfff"}),
        '{"id": "ctl", "text": "raw \x01 control"}',
        json.dumps({"id": "null", "text": None}),
        json.dumps({"id": "list", "text": ["idiot"]}),
        json.dumps({"id": "none"}),
        json.dumps({"id": {"x": 1}, "text": "bad id"}),
        json.dumps("just a string"),
        json.dumps({"id": "ok2", "text": "fine"}),
    ]
    path = write(tmp_path / "dump.jsonl", "\n".join(lines) + "\n")
    code, records = check(str(path))
    assert code == 2
    assert len(records) == len(lines)
    errors = {r["error"]["line"]: r["error"]["message"] for r in records if "error" in r}  # type: ignore[index]
    assert sorted(errors) == [2, 3, 6, 7, 8, 9, 10, 11]
    assert errors[2].startswith("invalid JSON") and errors[6].startswith("invalid JSON")
    assert errors[3] == "invalid JSON: nested too deeply"
    assert "must be a string, not null" in errors[7] and "not an array" in errors[8]
    assert "missing field 'text'" in errors[9]
    reports = {r["id"]: r for r in records if "hits" in r}
    assert sorted(reports) == ["lone", "nul", "ok1", "ok2"]
    for record_id, text in (("nul", "a\u0000b you idiot"), ("lone", "\ud800 you idiot \udfff")):
        [hit] = reports[record_id]["hits"]  # type: ignore[misc]
        assert text[hit["start"] : hit["end"]] == "idiot"


def test_lone_surrogates_reach_an_output_file_as_valid_json(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.jsonl", json.dumps({"id": "\udc80x", "text": "\ud800 idiot"}) + "\n"
    )
    target = tmp_path / "out.jsonl"
    assert main(["check", "--isolated", "--format", "jsonl", "-o", str(target), str(path)]) == 1
    [record] = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert record["id"] == "\udc80x" and record["hits"][0]["text"] == "idiot"
    for fmt in ("json", "sarif", "text", "github", "junit"):
        other = tmp_path / f"out.{fmt}"
        assert main(["check", "--isolated", "--format", fmt, "-o", str(other), str(path)]) == 1
        written = other.read_text("utf-8")
        assert "idiot" in written
        if fmt in ("json", "sarif"):
            json.loads(written)


def test_duplicate_ids_are_all_reported_and_the_repeats_flagged(tmp_path: Path) -> None:
    lines = [{"id": "a", "text": "you moron"}, {"id": "b", "text": "fine"},
             {"id": "a", "text": "you idiot"}, {"id": "a", "text": "calm"}]  # fmt: skip
    path = write(tmp_path / "dup.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    code, records = check(str(path))
    assert code == 2
    assert [r["id"] for r in records] == ["a", "b", "a", "a"]
    assert [h["text"] for h in records[2]["hits"]] == ["idiot"]  # type: ignore[union-attr]
    assert records[0]["errors"] == records[1]["errors"] == []
    for record in records[2:]:
        assert record["errors"] == [
            {"source": "input", "message": f"duplicate id 'a' (first used at {path}:1)"}
        ]


def test_csv_with_embedded_newlines_quotes_and_broken_records(tmp_path: Path) -> None:
    content = (
        "id,text\r\n"
        'q1,"He said ""you idiot""\r\nand left"\r\n'  # lines 2-3
        'q2,"multi\nline\rmoron"\n'  # lines 4-6
        'bad1,"stray "quote here\n'  # line 7: text after a closing quote
        "extra,one,two\n"  # line 8: more fields than the header
        f'long,"{"word " * 60_000}you moron"\n'  # line 9: 300 KB field
        "\n"  # line 10: blank, skipped
        'late,"fine"\n'  # line 11
        'open,"never closed\nidiot\n'  # lines 12-13: quote open at the end
    )
    path = write(tmp_path / "comments.csv", content)
    code, records = check(str(path))
    assert code == 2
    assert [r["id"] for r in records] == [
        "q1", "q2", f"{path}:7", f"{path}:8", "long", "late", f"{path}:12",
    ]  # fmt: skip
    by_id = {r["id"]: r for r in records}
    assert [h["text"] for h in by_id["q1"]["hits"]] == ["idiot"]  # type: ignore[union-attr]
    assert [h["text"] for h in by_id["q2"]["hits"]] == ["moron"]  # type: ignore[union-attr]
    assert [h["text"] for h in by_id["long"]["hits"]] == ["moron"]  # type: ignore[union-attr]
    assert "invalid CSV" in by_id[f"{path}:7"]["error"]["message"]  # type: ignore[index]
    assert by_id[f"{path}:8"]["error"] == {
        "message": "row has more fields than the header",
        "source": str(path),
        "line": 8,
    }
    assert by_id[f"{path}:12"]["error"]["line"] == 12  # type: ignore[index]


def test_csv_positions_and_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b'id,text\n1,"ok"\n2,"caf\xe9\nyou moron"\n3,fine\n')
    out = io.StringIO()
    assert main(["check", "--isolated", str(path)], out=out) == 2
    assert out.getvalue().startswith(f"{path}:4:5  name-calling")
    _, records = check(str(path))
    assert [r["errors"] for r in records] == [
        [],
        [{"source": "input",
          "message": "invalid UTF-8 on 1 line (first: line 3, byte 21): replaced with U+FFFD"}],
        [],
    ]  # fmt: skip


def test_csv_is_streamed_a_record_at_a_time() -> None:
    """The first report comes out while the rest of the CSV has not been written."""
    import subprocess
    import sys
    import threading

    process = subprocess.Popen(
        [sys.executable, "-m", "rhetoric", "check", "--isolated", "--input", "csv",
         "--format", "jsonl", "--jobs", "1", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # a pipe's buffering
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write('id,text\n1,"you\nmoron"\n')
    process.stdin.flush()
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline()))
    reader.start()
    reader.join(60)
    try:
        assert first and json.loads(first[0])["id"] == "1"  # before stdin was closed
        assert json.loads(first[0])["hits"][0]["text"] == "moron"
    finally:
        process.stdin.write("2,fine\n")
        process.stdin.close()
        rest = process.stdout.read()
        process.wait(60)
    assert [json.loads(line)["id"] for line in rest.splitlines()] == ["2"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_streamed_lines_decode_exactly_as_a_whole_file(chunk: int) -> None:
    """Line breaks and bad bytes split across reads give the same text, bad lines
    and byte offsets as decoding the file at once."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from rhetoric.check.decoding import LineDecoder, decode

    pieces = st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\xe9", b"\xc3\xa9", b"\xef\xbb\xbf"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=40).map(b"".join))
    def same(raw: bytes) -> None:
        decoder = LineDecoder(raw[:chunk], io.BytesIO(raw[chunk:]))
        decoder.CHUNK = chunk
        lines = list(decoder)
        whole = decode(raw)
        assert "".join(lines) == whole.text
        assert sorted(decoder.bad) == whole.bad_lines
        assert [decoder.bad[line] for line in sorted(decoder.bad)] == whole.bad_bytes

    same()
