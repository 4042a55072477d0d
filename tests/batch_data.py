"""A small archive for the batch tests: JSONL, CSV and Parquet dumps with the
records a real archive holds (good ones, broken ones, ids missing or numeric,
invalid UTF-8, a null text), and the one-process output to compare with."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rhetoric.cli import main

TEXTS = [
    "What a moron.",
    "Lovely weather today.",
    "The deep state hid it, you idiot!",
    "f u c k this",
    "",
    "Those people are vermin, a frobnicator said.",
    "Shocking! The mayor resigned.",
]

RULE = """kind: lexicon
severity: warning
confidence: 0.9
status: stable
message: "'{match}' is a made-up insult of this test."
why: The batch tests need a rule file that is not built in, to see it travel.
terms: [frobnicator]
examples:
  flag: ["what a [[frobnicator]]"]
  pass: ["what a day"]
"""

# A loose plugin file: adds a finding on the word "quux" (Python detectors travel too).
PLUGIN = """
from rhetoric import Example, RuleInfo, hookimpl

RULE = RuleInfo(id="quux-word", technique="loaded-language", message="'{match}' is quux",
                why="A test detector from a plugin folder.", status="stable",
                references=("https://example.org",),
                examples=(Example("a [[quux]]", flag=True), Example("a cat", flag=False)))


class Quux:
    name = "quux"
    rules = (RULE,)

    def detect(self, doc):
        start = doc.text.find("quux")
        if start >= 0:
            yield doc.hit(RULE, start, start + 4)


@hookimpl
def rhetoric_register_detectors(register, config):
    register(Quux())
"""


def text(i: int) -> str:
    return TEXTS[i % len(TEXTS)] + (" quux" if i % 5 == 0 else "") + f" #{i}"


def write_jsonl(path: Path, first: int, count: int) -> Path:
    lines = []
    for i in range(first, first + count):
        if i % 97 == 13:
            lines.append("{broken json")
        elif i % 89 == 7:
            lines.append(json.dumps({"text": text(i)}))  # no id: named by file and line
        elif i % 83 == 3:
            lines.append(json.dumps({"id": i, "text": text(i)}))  # a numeric id
        else:
            lines.append(json.dumps({"id": f"r{i}", "text": text(i), "lang": "en"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, first: int, count: int) -> Path:
    rows = [b"id,text"]
    for i in range(first, first + count):
        body = text(i).replace('"', '""').encode()
        if i % 50 == 1:
            body += b" caf\xe9"  # invalid UTF-8: replaced, and the report says so
        rows.append(f"c{i},".encode() + b'"' + body + b'"')
    path.write_bytes(b"\n".join(rows) + b"\n")
    return path


def write_parquet(path: Path, first: int, count: int, row_group_size: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "text": None if i % 61 == 5 else text(i)}
            for i in range(first, first + count)]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


def archive(folder: Path, files: int = 3, per_file: int = 150) -> list[Path]:
    """``files`` JSONL dumps, a CSV dump and a Parquet dump of 3 row groups."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_jsonl(folder / f"d{n}.jsonl", n * per_file, per_file) for n in range(files)]
    paths.append(write_csv(folder / "e.csv", 10_000, per_file))
    paths.append(write_parquet(folder / "f.parquet", 20_000, 3 * per_file, per_file))
    return paths


def extras(folder: Path) -> tuple[Path, Path]:
    """A rule folder and a plugin folder that are not installed anywhere."""
    rules = folder / "extra-rules" / "name-calling"
    rules.mkdir(parents=True)
    (rules / "frobnicator.yml").write_text(RULE, encoding="utf-8")
    plugins = folder / "extra-plugins"
    plugins.mkdir()
    (plugins / "quux_plugin.py").write_text(PLUGIN, encoding="utf-8")
    return rules.parent, plugins


def check_lines(paths: list[Path], *flags: str) -> list[str]:
    """What ``rhetoric check --format jsonl`` writes for ``paths``, line by line."""
    out = io.StringIO()
    code = main(["check", "--isolated", "--format", "jsonl", *flags, *map(str, paths)], out=out)
    assert code in (0, 1, 2)
    return out.getvalue().splitlines(keepends=True)


def part_lines(folder: Path) -> list[str]:
    """The JSONL part files of a batch output, in order, line by line."""
    lines: list[str] = []
    for part in sorted(folder.glob("part-*.jsonl")):
        lines += part.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines
