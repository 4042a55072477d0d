"""The public Python API as a host embeds it: one analyzer, many callers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import rhetoric
from rhetoric import Analyzer, AnalyzerConfig, Comment, Report

TEXTS = [
    "Only an idiot would believe the plandemic.",
    "Lovely weather at the lake today.",
    "Those people are vermin, f*ck them.",
    "The deep state and the globalists want to hide it, you moron!",
    "",
    "Killiary and Obummer.",
] * 40


def test_public_surface_is_what_all_lists() -> None:
    for name in rhetoric.__all__:
        assert hasattr(rhetoric, name), name
    assert {"Analyzer", "AnalyzerConfig", "Comment", "Hit", "Report", "hookimpl"} <= set(
        rhetoric.__all__
    )


def test_check_and_check_many_keep_order_and_ids() -> None:
    analyzer = Analyzer.from_config(AnalyzerConfig())
    assert analyzer.check("what a moron").id == "-"
    comments = [Comment(f"c{i}", text) for i, text in enumerate(TEXTS[:6])]
    reports = list(analyzer.check_many(comments))
    assert [r.id for r in reports] == [c.id for c in comments]
    assert all(isinstance(r, Report) for r in reports)
    assert reports[1].hits == () and reports[4].hits == ()


def test_one_analyzer_serves_many_threads() -> None:
    analyzer = Analyzer.from_config(AnalyzerConfig())
    expected = [analyzer.check(Comment(str(i), t)) for i, t in enumerate(TEXTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(
            pool.map(lambda it: analyzer.check(Comment(str(it[0]), it[1])), enumerate(TEXTS))
        )
    assert got == expected
    assert any(report.hits for report in got)
