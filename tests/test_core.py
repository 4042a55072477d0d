"""The compiled core (``rhetoric/_core.c``) against the pure-Python reference.

Whatever the core writes must be byte for byte what the Python path writes; what it
declines (None) goes to the Python path. Run with ``RHETORIC_REQUIRE_CORE=1`` (CI does)
these tests fail instead of skipping when the install has no core.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment, DetectorError
from rhetoric._coreload import API, core
from rhetoric.model import Hit, Report, Severity, Target, TargetKind, Verdict
from rhetoric.outputs import json as json_output
from rhetoric.outputs.json import json_line, python_report_line, report_line, report_to_dict

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
HEAD = json_output._RECORD_HEAD
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)


def test_the_core_is_there_when_required() -> None:
    if REQUIRED:
        assert core is not None, "RHETORIC_REQUIRE_CORE=1 but rhetoric._core did not load"
        assert core.API == API
    assert (json_output._core_line is None) == (core is None)


def test_no_core_switch_runs_the_python_path(tmp_path: Path) -> None:
    code = (
        "from rhetoric._coreload import core; from rhetoric.outputs import json as j;"
        "print(core is None, j._core_line is None)"
    )
    env = {**os.environ, "RHETORIC_NO_CORE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,  # the installed package, not the checkout's sources
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["True", "True"]


# --- hostile text ---------------------------------------------------------------------

SPECIAL = [
    "\x00", "\x01", "\x1f", "\x7f", '"', "\\", "\n", "\r", "\t", "\b", "\f", "/",
    "\u0301", "e\u0301", "\u200d", "\u202e", "\u05d0\u05d1", "\u0627\u0644", "\u2028",
    "\ufeff", "\uffff", "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\U0010ffff",
    "\ud800", "\udfff", "\udbff\udc00", "\xe9", "\u00ff", "\u0100",
]  # fmt: skip
ANY_CHAR = st.characters(codec=None, blacklist_categories=())
PIECE = st.sampled_from(SPECIAL) | st.text(ANY_CHAR, max_size=4)
HOSTILE = st.lists(PIECE, max_size=6).map("".join) | st.builds(
    lambda piece, count: piece * count, st.sampled_from(SPECIAL), st.integers(0, 20_000)
)
NO_SURROGATE = st.characters(codec="utf-8")
SAFE_TEXT = st.text(NO_SURROGATE, max_size=12) | st.sampled_from(
    [s for s in SPECIAL if not any("\ud800" <= c <= "\udfff" for c in s)]
)
NUMBER = (
    st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1e16, 1e-7, 5e-324, 1.7976931348623157e308, 0.1])
)
SCALAR = st.none() | st.booleans() | NUMBER | HOSTILE
PLAIN_VALUE = (
    st.none()
    | st.booleans()
    | st.integers(-(2**62), 2**62)
    | st.floats(allow_nan=False, allow_infinity=False)
    | SAFE_TEXT
    | st.lists(SAFE_TEXT, max_size=3)
)
EVIDENCE_VALUE = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.frozensets(st.text(max_size=3), max_size=2)
        | st.dictionaries(HOSTILE | st.integers() | st.booleans(), inner, max_size=3)
    ),
    max_leaves=8,
)


def _hit(text: str, rule: str, confidence: Any, evidence: Any, target: Target | None) -> Hit:
    return Hit(0, len(text), text, "slur", rule, Severity.ERROR, confidence, text, evidence, target)


def _same(report: Report) -> str | None:
    """The core's line (None: declined), after checking it against the Python path."""
    assert core is not None
    line = core.report_line(report, HEAD)
    if line is not None:
        assert line == python_report_line(report)
        assert line == json_line(report_to_dict(report))
    assert report_line(report) == python_report_line(report)
    return line


@needs_core
@settings(max_examples=700, deadline=None)
@given(
    ident=HOSTILE | st.integers() | st.none(),
    rule=HOSTILE,
    text=HOSTILE,
    evidence=st.dictionaries(HOSTILE, EVIDENCE_VALUE, max_size=4),
    confidence=NUMBER,
    score=NUMBER,
    aimed=st.sampled_from(["none", "group", "named", "odd"]),
    readability=st.dictionaries(HOSTILE, NUMBER, max_size=2),
    errors=st.booleans(),
)
def test_core_line_equals_the_python_line_on_hostile_reports(
    ident: Any,
    rule: str,
    text: str,
    evidence: dict[str, Any],
    confidence: Any,
    score: Any,
    aimed: str,
    readability: dict[str, Any],
    errors: bool,
) -> None:
    target = {
        "none": None,
        "group": Target(TargetKind.GROUP, group="Jewish"),
        "named": Target(TargetKind.PERSON, 0, len(text), text),
        "odd": Target(TargetKind.UNSPECIFIED),
    }[aimed]
    hit = _hit(text, rule, confidence, evidence, target)
    failed = (DetectorError("plugin:x", text),) if errors else ()
    for report in (
        Report(ident, (hit, hit), {"slur": score, rule: 0.5}, score, Verdict.FLAGGED,
               readability, failed),
        Report(ident, (), {}, score, Verdict.CLEAN, readability, failed),
    ):  # fmt: skip
        _same(report)


@needs_core
@settings(max_examples=400, deadline=None)
@given(
    ident=SAFE_TEXT,
    text=SAFE_TEXT,
    evidence=st.dictionaries(SAFE_TEXT, PLAIN_VALUE, max_size=4),
    confidence=st.floats(0, 1),
)
def test_core_writes_every_ordinary_report(
    ident: str, text: str, evidence: dict[str, Any], confidence: float
) -> None:
    """Exact types, finite numbers and no lone surrogate: the core writes the line
    itself (it does not leave it all to the Python path)."""
    target = Target(TargetKind.PERSON, 0, len(text), text)
    hit = _hit(text, "insult-label", confidence, evidence, target)
    report = Report(ident, (hit,), {"slur": confidence}, confidence, Verdict.FLAGGED, {}, ())
    assert _same(report) is not None


@needs_core
def test_core_declines_what_only_the_python_path_writes() -> None:
    hit = _hit("x", "r", 0.5, {}, None)

    def report(**changes: Any) -> Report:
        fields = {"id": "a", "hits": (hit,), "scores": {}, "score": 0.5,
                  "verdict": Verdict.FLAGGED, "readability": {}, "errors": ()}  # fmt: skip
        fields.update(changes)
        return Report(**fields)

    assert _same(report()) is not None
    for odd in (
        report(id="a\ud800"),  # written with ASCII escapes
        report(score=math.nan),
        report(score=1),
        report(errors=(DetectorError("plugin:x", "boom"),)),
        report(hits=(_hit("x", "r", 0.5, {"s": {1, 2}}, None),)),
        report(hits=(_hit("x", "r", 0.5, {"n": 2**80}, None),)),
        report(hits=(_hit("x", "r", True, {}, None),)),
        report(scores={1: 0.5}),
    ):
        assert _same(odd) is None


@needs_core
def test_core_on_analyzed_comments() -> None:
    analyzer = Analyzer.from_config(AnalyzerConfig(preview=True))
    lines = (ROOT / "examples" / "comments.txt").read_text(encoding="utf-8").splitlines()
    texts = [line for line in lines if line.strip()]
    texts += [t.upper() for t in texts] + [t.replace(" ", "\u00a0\U0001f600 ") for t in texts]
    written = 0
    for i, text in enumerate(texts):
        report = analyzer.check(Comment(f"c{i}\u202e", text))
        written += report.hits != () and _same(report) is not None
    assert written >= 10


@needs_core
def test_core_keeps_reference_counts() -> None:
    """No leaked or stolen references on the written values (a C slip shows here)."""
    assert core is not None
    text = "".join(["caf\u00e9 ", str(id(object()))])
    evidence = {"also": [text, 1.5], "cue": {"k": text}}
    hit = _hit(text, "r", 0.25, evidence, Target(TargetKind.PERSON, 0, 1, text))
    report = Report(text, (hit,) * 3, {"slur": 0.25}, 0.25, Verdict.FLAGGED, {}, ())
    before = sys.getrefcount(text), sys.getrefcount(evidence), sys.getrefcount(hit)
    for _ in range(2_000):
        core.report_line(report, HEAD)
        core.report_line(Report(text, (hit,), {}, math.inf, Verdict.FLAGGED, {}, ()), HEAD)
    assert (sys.getrefcount(text), sys.getrefcount(evidence), sys.getrefcount(hit)) == before


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_core_source_compiles_without_warnings(tmp_path: Path) -> None:
    """The build hook compiles with -Wall only (a warning must never cost a user the
    core); here every -Wextra and conversion warning is an error."""
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        pytest.skip("no Python headers")
    command = [
        "gcc", "-fPIC", "-shared", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror",
        "-Wconversion", "-Wno-sign-conversion", "-Wshadow", f"-I{include}",
        str(ROOT / "rhetoric" / "_core.c"), "-o", str(tmp_path / "core.so"),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
