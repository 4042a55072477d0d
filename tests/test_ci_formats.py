"""CI output formats: SARIF validated against the official 2.1.0 schema, GitHub
workflow annotations against the documented command syntax, JUnit XML."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from conftest import run

from rhetoric.outputs.github import command, escape_data, escape_property

SHARED = Path(__file__).resolve().parents[2] / "shared"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

# ::{command} {key}={value},{key}={value}::{message}  (docs.github.com, "Workflow
# commands for GitHub Actions"); values and message carry no raw newline, and
# property values no raw ',' or ':' (they are %-escaped).
ANNOTATION = re.compile(
    r"^::(?P<level>error|warning|notice) "
    r"(?P<props>file=[^,:\r\n]+(?:,(?:line|col|endLine|endColumn)=\d+)*(?:,title=[^,:\r\n]*)?)"
    r"::(?P<message>[^\r\n]*)$"
)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a b.md").write_text(
        "# Notes\n\nA horrific, 100% rigged vote.\nOnly an idiot, they say: go home you wetback.\n"
    )
    (tmp_path / "clean.txt").write_text("The council met.\n")
    (tmp_path / "dump.jsonl").write_text('{"id": "c1", "text": "what a moron"}\n{broken\n')
    yield tmp_path
    os.chdir(cwd)


def test_sarif_validates_against_the_official_schema(workdir: Path) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (../shared is absent)")
    code, out = run(["check", "--isolated", "--format", "sarif", "--fail-on", "info",
                     "docs/a b.md", "clean.txt", "dump.jsonl"])  # fmt: skip
    assert code == 2  # the broken JSONL record
    document = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)

    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("alarm-catastrophe", "note"), ("insult-label", "warning"),
        ("ethnic-slurs", "error"), ("insult-label", "warning"),
    ]  # fmt: skip
    insult = results[1]
    assert rules[insult["ruleIndex"]]["id"] == "insult-label"
    assert rules[insult["ruleIndex"]]["help"]["text"].startswith("'…' is an insult")
    location = insult["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/a%20b.md"
    assert location["region"] == {
        "startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 14,
        "snippet": {"text": "idiot"},
    }  # fmt: skip
    assert results[3]["properties"]["commentId"] == "c1"
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error"]
    assert "invalid JSON" in notes[0]["message"]["text"]


def test_sarif_fingerprints_survive_moved_lines(workdir: Path) -> None:
    def fingerprints() -> list[str]:
        _, out = run(["check", "--isolated", "--format", "sarif", "docs/a b.md"])
        results = json.loads(out)["runs"][0]["results"]
        return [r["partialFingerprints"]["rhetoric/v1"] for r in results]

    before = fingerprints()
    path = workdir / "docs" / "a b.md"
    path.write_text("Preface.\n\n\n" + path.read_text())
    assert fingerprints() == before
    assert len(set(before)) == len(before)


def test_github_annotations(workdir: Path) -> None:
    code, out = run(["check", "--isolated", "--format", "github", "docs/a b.md", "dump.jsonl"])
    assert code == 2
    lines = out.splitlines()
    assert all(ANNOTATION.match(line) for line in lines), lines
    assert lines == [
        "::notice file=docs/a b.md,line=3,col=3,endLine=3,endColumn=10,"
        "title=rhetoric alarm-catastrophe (loaded-language)::"
        "'horrific' raises alarm: catastrophe words make a claim feel urgent and frightening.",
        "::warning file=docs/a b.md,line=4,col=9,endLine=4,endColumn=13,"
        "title=rhetoric insult-label (name-calling)::"
        "'idiot' is an insult: it labels a person instead of answering them.",
        lines[2],
        "::warning file=dump.jsonl,line=1,col=8,endLine=1,endColumn=12,"
        "title=rhetoric insult-label (name-calling)::"
        "'moron' is an insult: it labels a person instead of answering them.",
        "::error file=dump.jsonl,line=2,title=rhetoric%3A input error::"
        "invalid JSON: Expecting property name enclosed in double quotes (column 2)",
    ]
    assert lines[2].startswith("::error file=docs/a b.md,line=4,col=")


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("notice", {"file": "x,y.md", "title": "t: u"}, "m: 50%, ok") == (
        "::notice file=x%2Cy.md,title=t%3A u::m: 50%25, ok"
    )


def test_junit(workdir: Path) -> None:
    code, out = run(["check", "--isolated", "--format", "junit", "docs/a b.md", "clean.txt"])
    assert code == 1
    suites = ET.fromstring(out)
    assert suites.attrib == {"name": "rhetoric", "tests": "2", "failures": "1", "errors": "0"}
    cases = suites.findall("testsuite/testcase")
    assert [c.attrib["classname"] for c in cases] == ["docs/a b.md", "clean.txt"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.attrib["message"] == "3 finding(s)"
    assert (failure.text or "").splitlines()[1] == (
        "docs/a b.md:4:9 insult-label (name-calling, warning): "
        "'idiot' is an insult: it labels a person instead of answering them."
    )
    assert cases[1].find("failure") is None
