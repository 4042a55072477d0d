"""`rhetoric` as a user runs it: main(argv) over tables of cases, checking exit
codes and output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import run

from rhetoric.cli import COMMANDS, _named_command, build_parser
from rhetoric.wire import report_schema

VALIDATOR = jsonschema.Draft202012Validator(report_schema())


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "clean.txt": "The council approved the budget on Tuesday.\n",
        "dirty.txt": "Fine weather.\nOnly an idiot would say that.\n",
        "info.txt": "A horrific storm hit the coast.\n",
        "slur.txt": "go home you wetback\n",
        "dump.jsonl": "\n".join(
            [
                json.dumps({"id": "a", "text": "Nice work on the library."}),
                "{not json",
                json.dumps({"id": "b", "body": "no text"}),
                json.dumps({"id": 7, "text": "What a moron."}),
                json.dumps(["a list"]),
                json.dumps({"id": "c", "text": 5}),
                json.dumps({"text": "no id, but fine"}),
                "",
            ]
        ),
        "dump.csv": 'id,text\nx1,"You are a moron, sir"\nx2,Lovely day\n',
        "bad.csv": "id,body\n1,hello\n",
        "latin1.txt": "caf\xe9".encode("latin-1"),
    }
    out = {}
    for name, content in paths.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        out[name] = path
    return out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["clean.txt"], 0),
        (["dirty.txt"], 1),
        (["info.txt"], 0),  # loaded language is info: below the default --fail-on warning
        (["info.txt", "--fail-on", "info"], 1),
        (["dirty.txt", "--fail-on", "error"], 0),
        (["slur.txt", "--fail-on", "error"], 1),
        (["dirty.txt", "--fail-on", "never"], 0),
        (["dirty.txt", "--ignore", "name-calling"], 0),
        (["dirty.txt", "--select", "profanity"], 0),
        (["dirty.txt", "--select", "insult"], 1),  # rule-id prefix
        (["dirty.txt", "--allow", "idiot"], 0),
        (["missing.txt"], 2),
        (["dump.jsonl"], 2),  # malformed records are input errors
        (["bad.csv"], 2),
        (["latin1.txt"], 2),
        (["dirty.txt", "--rules", "no/such/folder"], 2),
        ([], 2),
        (["clean.txt", "--format", "yaml"], 2),
    ],
)
def test_exit_codes(files: dict[str, Path], args: list[str], code: int) -> None:
    argv = ["check", "--no-readability"] + [str(files[a]) if a in files else a for a in args]
    assert run(argv)[0] == code


def test_text_format_positions_and_excerpt(files: dict[str, Path]) -> None:
    code, out = run(["check", "--no-readability", str(files["dirty.txt"])])
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{files['dirty.txt']}:2:9  name-calling  insult-label  [warning]")
    assert "»idiot«" in out.splitlines()[1]
    assert out.splitlines()[-1] == "1 finding in 1 of 1 file"


def test_split_lines_ids_and_positions(files: dict[str, Path]) -> None:
    argv = ["check", "--no-readability", "--split", "lines", "--format", "jsonl"]
    _, out = run([*argv, str(files["dirty.txt"])])
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [f"{files['dirty.txt']}:1", f"{files['dirty.txt']}:2"]
    assert records[1]["hits"][0]["start"] == 8 and records[1]["hits"][0]["text"] == "idiot"


def test_jsonl_one_record_per_input_in_order_and_valid(files: dict[str, Path]) -> None:
    code, out = run(["check", "--readability", "--format", "jsonl", str(files["dump.jsonl"])])
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    for record in records:
        VALIDATOR.validate(record)
    dump = str(files["dump.jsonl"])
    assert [r["id"] for r in records] == ["a", f"{dump}:2", "b", "7", f"{dump}:5", "c", f"{dump}:7"]
    errors = {r["id"]: r["error"] for r in records if "error" in r}
    assert errors[f"{dump}:2"]["line"] == 2 and "invalid JSON" in errors[f"{dump}:2"]["message"]
    assert "missing field 'text'" in errors["b"]["message"]
    assert "not a JSON object" in errors[f"{dump}:5"]["message"]
    assert "must be a string" in errors["c"]["message"]
    reports = {r["id"]: r for r in records if "hits" in r}
    assert [h["text"] for h in reports["7"]["hits"]] == ["moron"]
    assert reports["a"]["readability"]["lexicon_count"] == 5


def test_custom_field_names_and_csv(files: dict[str, Path], tmp_path: Path) -> None:
    custom = tmp_path / "custom.jsonl"
    custom.write_text(json.dumps({"cid": "z", "body": "you moron"}) + "\n")
    code, out = run(
        [
            "check",
            "--no-readability",
            "--format",
            "jsonl",
            "--id-field",
            "cid",
            "--text-field",
            "body",
            str(custom),
        ]
    )
    assert code == 1 and json.loads(out)["id"] == "z"
    code, out = run(["check", "--no-readability", "--format", "json", str(files["dump.csv"])])
    document = json.loads(out)
    assert code == 1
    assert [r["id"] for r in document["records"]] == ["x1", "x2"]
    assert document["summary"] == {"records": 2, "reports": 2, "errors": 0, "hits": 1}


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"what a moron\n")))
    code, out = run(["check", "--no-readability", "--format", "jsonl", "-"])
    assert code == 1 and json.loads(out)["id"] == "<stdin>"


def test_output_file(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out = run(
        [
            "check",
            "--no-readability",
            "--format",
            "json",
            "-o",
            str(target),
            str(files["dirty.txt"]),
        ]
    )
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["summary"]["hits"] == 1


def test_rules_commands(tmp_path: Path) -> None:
    code, out = run(["rules", "list", "--all", "--format", "json"])
    assert code == 0
    ids = {r["id"] for r in json.loads(out)}
    assert {"insult-label", "pejorative-nickname", "obscene-words"} <= ids
    code, out = run(["rules", "test"])
    assert code == 0, out
    assert out.splitlines()[-1].endswith(f"({len(ids)} rules)")
    code, out = run(["explain", "insult-label"])
    assert code == 0 and "Why it matters" in out and "Flagged: Only an [[idiot]]" in out
    assert run(["explain", "no-such-rule"])[0] == 2
    code, out = run(["techniques"])
    assert code == 0 and "conspiracy-framing" in out


def test_rules_test_fails_on_a_broken_example(tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "profanity"
    folder.mkdir(parents=True)
    (folder / "bad-example.yml").write_text(
        "kind: lexicon\nmessage: m\n"
        "why: A test rule whose flag example is wrong.\n"
        "terms: [heck]\nexamples:\n  flag: ['what the [[hell]]']\n  pass: ['hello']\n"
    )
    code, out = run(["rules", "test", str(tmp_path / "mine")])
    assert code == 1
    assert "FAIL bad-example" in out and "1 passed, 1 failed" in out.splitlines()[-1]


def test_rule_file_errors_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine" / "profanity"
    folder.mkdir(parents=True)
    rule = folder / "typo.yml"
    rule.write_text(
        "kind: lexicon\nstatus: preview\nmessage: m\nwhy: w\ntermz: [heck]\n"
        "examples:\n  flag: ['[[heck]]']\n  pass: ['hello']\n"
    )
    assert run(["rules", "test", str(tmp_path / "mine")])[0] == 2
    err = capsys.readouterr().err
    assert f"{rule}:5: rule: unknown key 'termz' (did you mean 'terms'?)" in err


def test_version_and_help() -> None:
    from rhetoric import __version__

    code, _ = run(["--version"])
    assert code == 0
    assert __version__


@pytest.mark.parametrize(
    "argv",
    [
        [],
        *[[name] for name in COMMANDS],
        ["rules", "test"],
        ["check", "--format", "jsonl", "-j", "2", "a.txt"],
        ["rules", "list", "--all"],
    ],
)
def test_a_parser_filled_for_one_command_parses_and_helps_alike(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """main() fills in only the arguments of the command argv names: that command's help
    and parse, and the top level's help, are what the whole parser gives."""
    named = _named_command(argv)
    assert named == (argv[0] if argv else None)
    whole, one = build_parser(), build_parser(named)
    helps = []
    for parser in (whole, one):
        with pytest.raises(SystemExit):
            parser.parse_args(
                [*argv[:2], "--help"] if argv[:1] == ["rules"] else [*argv[:1], "--help"]
            )
        helps.append(capsys.readouterr().out)
    assert helps[0] == helps[1] and helps[0]
    needs_more = ("rules", "explain", "eval", "train", "batch")  # arguments, a subcommand
    if len(argv) > 1 or (argv and argv[0] not in needs_more):
        assert vars(whole.parse_args(argv)) == vars(one.parse_args(argv))


def test_the_command_is_the_first_word_that_is_not_an_option() -> None:
    assert _named_command(["--version", "check", "x"]) == "check"
    assert _named_command(["chek", "x"]) is None  # a typo: every command filled in
    assert _named_command(["--", "check"]) is None
    assert run(["chek"])[0] == 2


def test_jsonl_bad_bytes_cost_one_record_and_crlf_is_fine(tmp_path: Path) -> None:
    dump = tmp_path / "mixed.jsonl"
    dump.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "text": "what a moron"}\r\n'
        b'{"id": "b", "text": "caf\xe9"}\n'
        b'{"id": "c", "text": "fine"}\n'
    )
    code, out = run(["check", "--format", "jsonl", str(dump)])
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert [r["id"] for r in records] == ["a", f"{dump}:2", "c"]
    assert "not UTF-8 text (byte" in records[1]["error"]["message"]
    assert records[1]["error"]["line"] == 2
    assert [h["text"] for h in records[0]["hits"]] == ["moron"]
