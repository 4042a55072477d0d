"""JSONL dump records as ``read_records`` makes them: the usual record (a string id
and text, nothing else) takes a shorter way, and every other shape its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from rhetoric.check.inputs import ReadOptions, read_records


def _read(tmp_path: Path, lines: list[str], **options: str) -> list[tuple[object, ...]]:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(lines), encoding="utf-8")
    read = ReadOptions(input_format="jsonl", **options)  # type: ignore[arg-type]
    return [
        (r.line, r.record_id, r.error)
        if r.comment is None
        else (r.line, r.comment.id, r.comment.text, dict(r.comment.metadata))
        for r in read_records(str(dump), read)
    ]


def test_records_of_every_shape(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "text": "plain"}\n',
        '{"id": "b", "text": "with more", "lang": "en", "n": 2}\n',
        '{"text": "no id"}\n',
        '{"id": "", "text": "empty id"}\n',
        '{"id": 7, "text": "number id"}\n',
        '{"id": null, "text": "null id"}\n',
        '{"id": true, "text": "bool id"}\n',
        '{"id": "c"}\n',
        '{"id": "d", "text": 3}\n',
        '{"id": "e", "text": null}\n',
        "   \t\n",
        "\n",
        '["not", "an object"]\n',
        '{"id": "f", "text": "", "x": null}\n',
    ]
    assert _read(tmp_path, lines) == [
        (1, "a", "plain", {}),
        (2, "b", "with more", {"lang": "en", "n": 2}),
        (3, f"{tmp_path / 'dump.jsonl'}:3", "no id", {}),
        (4, f"{tmp_path / 'dump.jsonl'}:4", "empty id", {}),
        (5, "7", "number id", {}),
        (6, f"{tmp_path / 'dump.jsonl'}:6", "null id", {}),
        (7, f"{tmp_path / 'dump.jsonl'}:7", "field 'id' must be a string or integer"),
        (8, "c", "missing field 'text'"),
        (9, "d", "field 'text' must be a string, not a number"),
        (10, "e", "field 'text' must be a string, not null"),
        (13, f"{tmp_path / 'dump.jsonl'}:13", "record is not a JSON object"),
        (14, "f", "", {"x": None}),
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"id_field": "key", "text_field": "body"}, [(1, "k", "b", {"id": "i", "text": "t"})]),
        ({"id_field": "body", "text_field": "body"}, [(1, "b", "b", {"key": "k"})]),
    ],
)
def test_other_field_names(tmp_path: Path, fields: dict[str, str], expected: list) -> None:  # type: ignore[type-arg]
    """With other field names the id and text fields leave the metadata, and only they;
    one field may be both (then a two-field record still has one field of metadata)."""
    lines = ['{"key": "k", "body": "b", "id": "i", "text": "t"}\n']
    if fields["id_field"] == fields["text_field"]:
        lines = ['{"key": "k", "body": "b"}\n']
    assert _read(tmp_path, lines, **fields) == expected


# Lines whose decoding takes each way: the scanner alone (an object ending at its value
# or its line break) and ``json.loads`` (anything else), valid and invalid alike.
ODD_LINES = [
    '{"id": "a", "text": "lf"}\n',
    '{"id": "b", "text": "crlf"}\r\n',
    '{"id": "c", "text": "spaces after"}   \n',
    '  {"id": "d", "text": "spaces before"}\n',
    '{"id": "e", "text": "tab after"}\t\n',
    '{"id": "f", "text": "extra"} {}\n',
    '{"id": "g", "text": "cut\n',
    '{"id": "h", "text": "x", "n": NaN}\n',
    '{"id": "i", "text": "x", "n": 1e400}\n',
    '{"id": "j", "text": "lone \\ud800"}\n',
    '{"id": "k", "text": "form feed after"}\f\n',
    '{"id": "l" "text": "no comma"}\n',
    "{}\n",
    "{\n",
    "{" * 100_000 + "\n",
    '{"id": "m", "text": "last line, no break"}',
]


def test_lines_decode_as_json_loads_decodes_them(tmp_path: Path) -> None:
    import json

    expected = []
    for number, line in enumerate(ODD_LINES, start=1):
        name = f"{tmp_path / 'dump.jsonl'}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            expected.append((number, name, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            expected.append((number, name, "invalid JSON: nested too deeply"))
            continue
        if "text" not in value:
            expected.append((number, name, "missing field 'text'"))
        else:
            metadata = {k: v for k, v in value.items() if k not in ("id", "text")}
            expected.append((number, value["id"], value["text"], metadata))
    assert _read(tmp_path, ODD_LINES) == expected
    assert [e[2] for e in expected if len(e) == 4] == [
        "lf", "crlf", "spaces after", "spaces before", "tab after", "x", "x", "lone \ud800",
        "last line, no break",
    ]  # fmt: skip
