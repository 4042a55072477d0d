"""The checker never checks nothing by accident: a technique or rule id that names
nothing, wherever it is given, is refused with exit 2 and the nearest known id, and a
mistyped option gets a suggestion too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run

DIRTY = "You stupid idiot.\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(
        json.dumps({"id": "1", "text": "You idiot.", "spans": [
            {"start": 4, "end": 9, "label": "Insult"}]}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    return tmp_path


CASES = [
    # (argv, configuration file or None, what stderr names, the suggestion)
    (["check", "--isolated", "--select", "name-caling", "a.md"], None,
     "--select: unknown technique or rule id 'name-caling'", "did you mean 'name-calling'?"),
    (["check", "--isolated", "--ignore", "profanty", "a.md"], None,
     "--ignore: unknown technique or rule id 'profanty'", "did you mean 'profanity'?"),
    (["check", "a.md"], 'select = ["insult-lable"]\n',
     ".rhetoric.toml: select: unknown technique or rule id 'insult-lable'",
     "did you mean 'insult-label'?"),
    (["check", "a.md"], 'ignore = ["slurr"]\n',
     ".rhetoric.toml: ignore: unknown technique or rule id 'slurr'", "did you mean 'slur'?"),
    (["check", "a.md"], '[per-file-ignores]\n"*.md" = ["loaded-langauge"]\n',
     "per-file-ignores.\"*.md\": unknown technique or rule id 'loaded-langauge'",
     "did you mean 'loaded-language'?"),
    (["rules", "list", "--select", "name-caling"], None,
     "--select: unknown technique or rule id 'name-caling'", "did you mean 'name-calling'?"),
    (["serve", "--select", "conspiracy-framng"], None,
     "--select: unknown technique or rule id 'conspiracy-framng'",
     "did you mean 'conspiracy-framing'?"),
    (["eval", "gold.jsonl", "--map", "name-caling=Insult"], None,
     "unknown technique 'name-caling'", "did you mean 'name-calling'?"),
    (["eval", "gold.jsonl", "--map", "name-calling=Insullt"], None,
     "no label 'Insullt' in gold.jsonl", "did you mean 'Insult'?"),
    (["check", "--isolated", "--selct", "slur", "a.md"], None,
     "unrecognized arguments: --selct", "did you mean '--select'?"),
    (["check", "--isolated", "--fail-of", "error", "a.md"], None,
     "unrecognized arguments: --fail-of", "did you mean '--fail-on'?"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "config", "problem", "hint"), CASES)
def test_unknown_ids_are_refused_with_a_suggestion(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    config: str | None,
    problem: str,
    hint: str,
) -> None:
    if config is not None:
        (folder / ".rhetoric.toml").write_text(config, encoding="utf-8")
    code, out = run(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert problem in err and hint in err
    assert "findings" not in out  # nothing was checked


def test_known_ids_and_prefixes_are_accepted(folder: Path) -> None:
    assert run(["check", "--isolated", "--select", "name-calling,insult", "a.md"])[0] == 1
    assert run(["check", "--isolated", "--ignore", "name-calling,loaded", "a.md"])[0] == 0


def test_a_suppression_comment_naming_nothing_is_an_input_error(folder: Path) -> None:
    (folder / "b.md").write_text(
        "Fine.\n<!-- rhetoric-ignore-next-line name-caling -->\nYou idiot.\n", encoding="utf-8"
    )
    code, out = run(["check", "--isolated", "b.md"])
    assert code == 2
    assert (
        "b.md:1: warning: input: line 2: suppression comment "
        "'rhetoric-ignore-next-line name-caling': unknown technique or rule id 'name-caling' "
        "(did you mean 'name-calling'?)"
    ) in out
    # The comment itself still works for what it does name: nothing here, so the
    # insult is reported.
    assert "insult-label" in out
