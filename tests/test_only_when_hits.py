"""``only_when(hits=N)``: a report hook declares how many hits a report needs before it
has anything to do, and the analyzer skips it on other reports without calling it.
Tested as a third-party plugin uses it: ``from rhetoric import hookimpl, only_when``."""

from __future__ import annotations

import dataclasses

import pytest

from rhetoric import Analyzer, AnalyzerConfig, Document, Report, hookimpl, only_when
from rhetoric.host import PluginLoadError

TEXTS = ("what a nice day", "you idiot", "you idiot and moron, stupid fool")
# The built-in adjusters off, so the hooks under test see the reports as printed.
OWN = frozenset({"emphasis", "phrases"})


def config(**options: object) -> AnalyzerConfig:
    return AnalyzerConfig(disabled_plugins=OWN, **options)  # type: ignore[arg-type]


def test_the_texts_have_zero_one_and_several_hits() -> None:
    analyzer = Analyzer.from_config(config())
    counts = [len(analyzer.check(text).hits) for text in TEXTS]
    assert counts[0] == 0 and counts[1] == 1 and counts[2] >= 2


class Counting:
    """Records the hit count of every report it is given."""

    def __init__(self) -> None:
        self.adjusted: list[int] = []
        self.ready: list[int] = []

    @hookimpl
    @only_when(hits=2)
    def rhetoric_adjust_report(self, report: Report) -> None:
        self.adjusted.append(len(report.hits))

    @hookimpl
    @only_when(hits=1)
    def rhetoric_report_ready(self, report: Report) -> None:
        self.ready.append(len(report.hits))


@pytest.mark.parametrize("fast_paths", [True, False])
def test_report_hooks_are_called_only_for_reports_with_enough_hits(fast_paths: bool) -> None:
    plugin = Counting()
    analyzer = Analyzer.from_config(config(fast_paths=fast_paths), plugins=[plugin])
    counts = [len(analyzer.check(text).hits) for text in TEXTS]
    if fast_paths:
        assert plugin.adjusted == [n for n in counts if n >= 2]
        assert plugin.ready == [n for n in counts if n >= 1]
    else:  # the reference behaviour: every hook on every report
        assert plugin.adjusted == plugin.ready == counts


def test_the_count_is_of_the_report_the_hook_receives() -> None:
    """Adjusters are chained: one that runs after an adjuster which removed hits sees
    (and is counted against) the smaller report."""
    seen: list[int] = []

    class Trimming:
        @staticmethod
        @hookimpl(tryfirst=True)
        def rhetoric_adjust_report(report: Report) -> Report:
            return dataclasses.replace(report, hits=report.hits[:1])

    class Pairs:
        @staticmethod
        @hookimpl(trylast=True)
        @only_when(hits=2)
        def rhetoric_adjust_report(report: Report) -> None:
            seen.append(len(report.hits))

    analyzer = Analyzer.from_config(config(), plugins=[Trimming(), Pairs()])
    for text in TEXTS:
        assert len(analyzer.check(text).hits) <= 1
    assert seen == []


def test_cues_and_hits_must_both_hold() -> None:
    seen: list[str] = []

    class Plugin:
        @staticmethod
        @hookimpl
        @only_when("lol", hits=1)
        def rhetoric_adjust_report(report: Report, doc: Document) -> None:
            seen.append(doc.text)

    analyzer = Analyzer.from_config(config(), plugins=[Plugin()])
    for text in ("nice day lol", "you idiot", "you idiot LOL", "nice day"):
        analyzer.check(text)
    assert seen == ["you idiot LOL"]


def test_a_plugin_without_conditions_still_sees_every_report() -> None:
    """Old plugins keep working beside conditioned ones: a report too small for the
    conditioned hooks still reaches a hook that declared nothing."""
    every: list[int] = []

    class Old:
        @staticmethod
        @hookimpl
        def rhetoric_adjust_report(report: Report) -> None:
            every.append(len(report.hits))

    plugin = Counting()
    analyzer = Analyzer.from_config(config(), plugins=[Old(), plugin])
    counts = [len(analyzer.check(text).hits) for text in TEXTS]
    assert every == counts
    assert plugin.adjusted == [n for n in counts if n >= 2]


def test_a_switched_off_plugin_is_still_reported_on_clean_reports() -> None:
    """A plugin the time budget switched off is reported as refused on every report,
    clean ones too, as before hits conditions existed (a budget of a picosecond:
    every call overruns, and one overrun switches a plugin off)."""

    class Plugin:
        __name__ = "late"

        @staticmethod
        @hookimpl
        @only_when(hits=1)
        def rhetoric_adjust_report(report: Report) -> None:
            return None

    strict = config(plugin_timeout=1e-12, plugin_strikes=1)
    analyzer = Analyzer.from_config(strict, plugins=[Plugin()])
    first = analyzer.check(TEXTS[1])  # called once: over budget, switched off
    assert any(error.source == "plugin:late" for error in first.errors)
    clean = analyzer.check(TEXTS[0])
    assert not clean.hits
    refused = [error.message for error in clean.errors if error.source == "plugin:late"]
    assert refused and "switched off" in refused[0]


def test_hits_on_a_hook_without_a_report_is_refused_naming_the_plugin() -> None:
    class Filter:
        __name__ = "hit-counter"

        @staticmethod
        @hookimpl
        @only_when(hits=1)
        def rhetoric_filter_hit(hit: object) -> None:
            return None

    with pytest.raises(PluginLoadError, match=r"hit-counter.*rhetoric_filter_hit"):
        Analyzer.from_config(AnalyzerConfig(), plugins=[Filter()], entry_points=False)


@pytest.mark.parametrize("hits", [0, -1, True, 1.0, "1"])
def test_hits_must_be_a_positive_whole_number(hits: object) -> None:
    with pytest.raises(TypeError, match="hits"):
        only_when(hits=hits)  # type: ignore[arg-type]


def test_only_when_needs_a_cue_or_a_count() -> None:
    with pytest.raises(TypeError):
        only_when()
    with pytest.raises(TypeError):
        only_when("", hits=1)


def test_builtin_adjusters_declare_their_counts() -> None:
    """emphasis (hits=1) and phrases (hits=2) are skipped on clean reports, so the
    adjusting round is skipped whole there; without fast paths it never is."""
    host = Analyzer.from_config(AnalyzerConfig()).host
    assert host.min_hits("rhetoric_adjust_report") == 1
    names = {name for name, _, _ in host.implementations("rhetoric_adjust_report")}
    assert {"emphasis", "phrases"} <= names
