"""One pipeline: what a ``rhetoric_report_ready`` plugin sees is what is printed.

Suppression comments, per-file ignores, ``--since`` and the baseline decide inside
the one analysis, before scoring, so a plugin that stores or forwards reports gets
exactly the findings of the text, JSON and SARIF output. Also: hooks the host cannot
honour are refused by name, and suppression comments count lines the way positions do.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run

from rhetoric import Analyzer, AnalyzerConfig, Hit, PluginLoadError, hookimpl

SEEN_ENV = "RHETORIC_TEST_SEEN"

RECORDER = """
import json, os
from rhetoric import hookimpl


@hookimpl
def rhetoric_report_ready(report, comment):
    with open(os.environ["RHETORIC_TEST_SEEN"], "a", encoding="utf-8") as seen:
        hits = [[h.start, h.end, h.rule, h.text] for h in report.hits]
        seen.write(json.dumps({"id": report.id, "hits": hits, "verdict": report.verdict}) + "\\n")
"""

COMMITTED = "Intro line.\nOnly an idiot.\nWhat a moron.\n"
WORKING = (
    "Intro line.\nOnly an idiot.\nWhat a moron.\n"  # unchanged: outside --since
    "New: you imbecile.\n"  # new, baselined below
    "<!-- rhetoric-ignore-next-line name-calling -->\n"
    "Another cretin.\n"  # suppressed
    "Damn, what a buffoon.\n"  # profanity ignored for docs/*, name-calling shown
)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A git repository with a committed file, then edited; a recording plugin."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "recorder.py").write_text(RECORDER, encoding="utf-8")
    (tmp_path / ".rhetoric.toml").write_text(
        '[per-file-ignores]\n"docs/*" = ["profanity"]\n', encoding="utf-8"
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(COMMITTED, encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(
            ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *command],
            check=True, cwd=tmp_path, capture_output=True,
        )  # fmt: skip
    (docs / "a.md").write_text(WORKING, encoding="utf-8")
    # The baseline records the new insult, as a team adopting the checker would.
    (tmp_path / "baseline.md").write_text("New: you imbecile.\n", encoding="utf-8")
    code, _ = run(["check", "--write-baseline", "base.json", "baseline.md"])
    assert code == 0
    base = json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))
    for finding in base["findings"]:
        finding["path"] = "docs/a.md"
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    monkeypatch.setenv(SEEN_ENV, str(tmp_path / "seen.jsonl"))
    yield tmp_path


def seen(folder: Path) -> list[dict[str, object]]:
    path = folder / "seen.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.unlink()
    return records


FLAGS = ["--plugins-dir", "plugins", "--since", "HEAD", "--baseline", "base.json", "--jobs", "1"]


def test_report_ready_sees_the_printed_report(repository: Path) -> None:
    code, out = run(["check", *FLAGS, "--format", "json", "docs/a.md"])
    assert code == 1
    printed = json.loads(out)["records"]
    (plugin_saw,) = seen(repository)
    assert plugin_saw["hits"] == [
        [h["start"], h["end"], h["rule"], h["text"]] for h in printed[0]["hits"]
    ]
    assert plugin_saw["verdict"] == printed[0]["verdict"]
    # Only the one finding that survives every screen: new, not baselined, not
    # suppressed, not ignored for this path.
    assert {h[3] for h in plugin_saw["hits"]} == {"buffoon"}


@pytest.mark.parametrize("output_format", ["text", "sarif"])
def test_every_format_prints_what_the_plugin_saw(repository: Path, output_format: str) -> None:
    _, out = run(["check", *FLAGS, "--format", output_format, "docs/a.md"])
    ((plugin_saw),) = seen(repository)
    rules = [hit[2] for hit in plugin_saw["hits"]]
    if output_format == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [r["ruleId"] for r in results] == rules
    else:
        findings = [line for line in out.splitlines() if line.startswith("docs/a.md:")]
        assert [line.split()[2] for line in findings] == rules


def test_report_hooks_run_in_the_parent_with_several_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rhetoric.check.parallel import MIN_PARALLEL

    monkeypatch.chdir(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "recorder.py").write_text(RECORDER, encoding="utf-8")
    monkeypatch.setenv(SEEN_ENV, str(tmp_path / "seen.jsonl"))
    rows = [{"id": str(i), "text": f"you moron {i}"} for i in range(MIN_PARALLEL + 10)]
    (tmp_path / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out = run(
        ["check", "--isolated", "--plugins-dir", "plugins", "--jobs", "2", "--format", "jsonl",
         "dump.jsonl"]
    )  # fmt: skip
    assert code == 1
    printed = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in seen(tmp_path)] == [r["id"] for r in printed]


# --- hooks the host cannot honour are refused, naming the plugin -------------------


class Wrapper:
    @hookimpl(wrapper=True)
    def rhetoric_filter_hit(self, hit: Hit) -> Iterator[None]:
        return (yield)


class OldStyleWrapper:
    @hookimpl(hookwrapper=True)
    def rhetoric_adjust_report(self) -> Iterator[None]:
        yield


@pytest.mark.parametrize(
    ("plugin", "hook"),
    [(Wrapper(), "rhetoric_filter_hit"), (OldStyleWrapper(), "rhetoric_adjust_report")],
)
def test_wrapper_implementations_are_refused_by_name(plugin: object, hook: str) -> None:
    with pytest.raises(PluginLoadError) as raised:
        Analyzer.from_config(AnalyzerConfig(), plugins=[plugin], entry_points=False)
    message = str(raised.value)
    assert "plugin-0" in message and hook in message and "wrapper" in message


def test_a_refused_plugin_file_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "timing.py").write_text(
        textwrap.dedent("""
            from rhetoric import hookimpl

            @hookimpl(wrapper=True)
            def rhetoric_report_ready(report, comment):
                return (yield)
        """),
        encoding="utf-8",
    )
    code, _ = run(["check", "--isolated", "--plugins-dir", str(tmp_path), "-"])
    assert code == 2


# --- suppression comments count lines as positions do ------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_suppression_comments_whatever_the_line_ends(tmp_path: Path, newline: str) -> None:
    lines = [
        "Hello there.",
        "<!-- rhetoric-ignore-next-line -->",
        "You stupid idiot.",
        "Those morons.  # rhetoric: ignore[profanity]",
        "<!-- rhetoric-disable name-calling -->",
        "What a clown.",
        "<!-- rhetoric-enable -->",
        "Last fool.",
    ]
    path = tmp_path / "notes.md"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    code, out = run(["check", "--isolated", "--format", "json", str(path)])
    assert code == 1
    (record,) = json.loads(out)["records"]
    assert [h["text"] for h in record["hits"]] == ["morons", "fool"]


def test_hits_are_hashable_values() -> None:
    one = Hit(0, 5, "idiot", "name-calling", "insult-label", "warning", 0.9, "m", {"a": 1})  # type: ignore[arg-type]
    same = Hit(0, 5, "idiot", "name-calling", "insult-label", "warning", 0.9, "m", {"a": 1})  # type: ignore[arg-type]
    assert len({one, same}) == 1 and hash(one) == hash(same)
    report = Analyzer.from_config(AnalyzerConfig()).check("You idiot.")
    assert {report: 1}[report] == 1
