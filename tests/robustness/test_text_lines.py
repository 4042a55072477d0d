"""line:column stays right whatever ends the lines.

Policy (rhetoric.text.lines): ``\\r\\n``, a lone ``\\r`` and ``\\n`` each end exactly one
line, as editors and CI annotations count them; nothing else does (form feed,
U+2028 and friends stay inside a line). Columns count code points from 1.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric.cli import main

ORACLE_BREAK = re.compile(r"\r\n|\r|\n")


def sarif_locations(path: Path, *extra: str) -> list[tuple[int, int, int, int, str]]:
    out = io.StringIO()
    main(["check", "--isolated", "--format", "sarif", *extra, str(path)], out=out)
    results = json.loads(out.getvalue())["runs"][0]["results"]
    found = []
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        found.append(
            (region["startLine"], region["startColumn"], region["endLine"],
             region["endColumn"], region["snippet"]["text"])
        )  # fmt: skip
    return found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("one\r\ntwo\r\nyou idiot\r\n", (3, 5)),
        ("one\rtwo\ryou idiot\r", (3, 5)),
        ("one\r\rtwo\n\r\nyou idiot", (5, 5)),  # \r\r is two lines, \n\r\n two more
        ("one\x0ctwo\u2028 you idiot\n", (1, 14)),  # form feed and U+2028 end no line
        ("\ufeffyou idiot\n", (1, 5)),  # the byte-order mark is not a column
    ],
)
def test_line_and_column_of_a_hit(tmp_path: Path, content: str, expected: tuple[int, int]) -> None:
    path = tmp_path / "comment.txt"
    path.write_bytes(content.encode("utf-8"))
    [(line, column, end_line, end_column, snippet)] = sarif_locations(path)
    assert (line, column) == expected
    assert (end_line, end_column, snippet) == (line, column + 5, "idiot")


def test_text_format_uses_the_same_lines_and_a_clean_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "mac.txt"
    path.write_bytes(b"first line\rsecond line\rOnly an idiot would say that.\rlast\r")
    out = io.StringIO()
    assert main(["check", "--isolated", str(path)], out=out) == 1
    first, excerpt = out.getvalue().splitlines()[:2]
    assert first.startswith(f"{path}:3:9  name-calling")
    assert excerpt == "    Only an »idiot« would say that."  # no \r to rewind the terminal


def test_split_lines_numbers_lines_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "comments.txt"
    path.write_bytes(b"fine\r\nalso fine\rwhat a moron\nok\x0cstill line four, you idiot\n")
    out = io.StringIO()
    main(["check", "--isolated", "--split", "lines", "--format", "jsonl", str(path)], out=out)
    records = {json.loads(line)["id"]: json.loads(line) for line in out.getvalue().splitlines()}
    assert sorted(records) == [f"{path}:{n}" for n in (1, 2, 3, 4)]
    assert [h["text"] for h in records[f"{path}:3"]["hits"]] == ["moron"]
    assert [h["text"] for h in records[f"{path}:4"]["hits"]] == ["idiot"]


BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\r\r", "\n\r", "\x0c", "\u2028"])
FILLER = st.sampled_from(["Fine.", "A long day", "é\u0301", "👨\u200d👩", "שלום", "  ", ""])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(FILLER, st.booleans(), BREAKS), min_size=1, max_size=12))
def test_every_hit_is_where_an_editor_shows_it(
    tmp_path_factory: pytest.TempPathFactory, parts: list[tuple[str, bool, str]]
) -> None:
    text = "".join(
        f"{filler}{' you idiot' if insult else ''}{brk}" for filler, insult, brk in parts
    )
    path = tmp_path_factory.mktemp("lines") / "comment.txt"
    path.write_bytes(text.encode("utf-8"))
    lines = ORACLE_BREAK.split(text)
    found = sarif_locations(path)
    assert len(found) == sum(insult for _, insult, _ in parts)
    for line, column, end_line, end_column, snippet in found:
        assert end_line == line
        assert lines[line - 1][column - 1 : end_column - 1] == snippet == "idiot"
