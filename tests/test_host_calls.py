"""PluginHost.call_each works out each implementation's budget name and cues once per
hook, not on every call, and still skips, budgets and isolates as before."""

from __future__ import annotations

import pytest

from rhetoric import AnalyzerConfig, hookimpl, only_when
from rhetoric import hookspecs as hookspecs_module
from rhetoric.analyzer import Analyzer
from rhetoric.host import CallBudget


class _Plugin:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    @only_when("lol")
    def rhetoric_adjust_report(self, report: object, doc: object) -> None:
        self.seen.append(doc.text)  # type: ignore[attr-defined]


def test_cues_are_read_once_per_hook_not_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = _Plugin()
    analyzer = Analyzer.from_config(AnalyzerConfig(), plugins=[plugin], entry_points=False)
    reads: list[object] = []
    real = hookspecs_module.cues_of

    def counting(function: object) -> tuple[str, ...] | None:
        reads.append(function)
        return real(function)  # type: ignore[arg-type]

    monkeypatch.setattr(hookspecs_module, "cues_of", counting)
    for text in ("you idiot", "you idiot LOL", "nice day", "lol"):
        analyzer.check(text)
    assert plugin.seen == ["you idiot LOL", "lol"]
    assert len(reads) <= 1  # at most the first call of the hook works them out
    for text in ("lol again", "no cue"):
        analyzer.check(text)
    assert plugin.seen[-1] == "lol again"
    assert len(reads) <= 1


def test_a_switched_off_plugin_is_refused_by_its_cached_name() -> None:
    plugin = _Plugin()
    analyzer = Analyzer.from_config(AnalyzerConfig(), plugins=[plugin], entry_points=False)
    budget = CallBudget(seconds=0.0, strikes=1)
    name = next(n for n, _, _ in analyzer.host.implementations("rhetoric_adjust_report"))
    budget.charge(f"plugin:{name}", 1.0, 0)
    results = list(
        analyzer.host.call_each(
            "rhetoric_adjust_report", budget=budget, report=None, doc=None, cue_text="lol"
        )
    )
    assert [(n, r, type(e).__name__) for n, r, e in results] == [(name, None, "PluginTooSlow")]
    assert plugin.seen == []
