"""Broken plugins are contained at every hook: a plugin that raises, returns the
wrong type, returns spans outside the text or runs too long loses only its own
contribution; the failure is in the report under the plugin's name; the other
detectors' hits stand."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rhetoric import (
    Analyzer,
    AnalyzerConfig,
    ConfigError,
    Document,
    Example,
    Hit,
    Report,
    RuleInfo,
    hookimpl,
)

CAPS = RuleInfo(
    id="caps",
    technique="loaded-language",
    message="'{match}' is shouted",
    why="A stand-in for a well-behaved detector, whose hits must survive.",
    status="stable",
    examples=(Example("[[LOUD]]", flag=True), Example("calm", flag=False)),
)
ODD = RuleInfo(
    id="odd",
    technique="profanity",
    message="m",
    why="The rule of the misbehaving detector under test.",
    status="stable",
)
TEXT = "this is LOUD and calm"
LOUD = (8, 12)


class Caps:
    """The healthy detector: every all-capitals word of four letters or more."""

    name = "caps"
    rules = (CAPS,)

    def detect(self, doc: Document) -> Iterator[Hit]:
        for token in doc.prepared.tokens:
            word = doc.text[token.start : token.end]
            if len(word) >= 4 and word.isupper():
                yield doc.hit(CAPS, token.start, token.end)


class Odd:
    """A detector whose output is whatever the test makes ``produce`` return."""

    name = "odd"
    rules = (ODD,)

    def __init__(self, produce: Any, delay: float = 0.0) -> None:
        self.produce = produce
        self.delay = delay
        self.calls = 0

    def detect(self, doc: Document) -> Any:
        self.calls += 1
        time.sleep(self.delay)
        return self.produce(doc)


def analyzer_with(*extra: object, **config: Any) -> Analyzer:
    class Registration:
        @hookimpl
        def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
            register(Caps())
            for detector in extra:
                if hasattr(detector, "detect"):
                    register(detector)

    plugins = [Registration(), *(p for p in extra if not hasattr(p, "detect"))]
    settings = AnalyzerConfig(readability=(), disabled_plugins=frozenset({"builtin-rules"}))
    settings = dataclasses.replace(settings, **config)
    return Analyzer.from_config(settings, plugins=plugins, entry_points=False)


def spans(report: Report) -> list[tuple[int, int, str]]:
    return [(h.start, h.end, h.rule) for h in report.hits]


def problems(report: Report) -> list[tuple[str, str]]:
    return [(e.source, e.message) for e in report.errors]


# --- wrong output at every hook ------------------------------------------------------------


def raw_hit(start: int, end: int, text: str = "x") -> Hit:
    return Hit(start, end, text, "profanity", "odd", ODD.severity, 0.5, "m")


@pytest.mark.parametrize(
    ("produce", "expected"),
    [
        (lambda doc: None, "TypeError: 'NoneType' object is not iterable"),
        (lambda doc: 42, "TypeError: 'int' object is not iterable"),
        (lambda doc: ["a string"], "returned str, not a Hit"),
        (lambda doc: [{"start": 0, "end": 4}], "returned dict, not a Hit"),
        (lambda doc: [raw_hit(-1, 3)], "hit span -1..3 is outside the text"),
        (lambda doc: [raw_hit(5, 3)], "hit span 5..3 is outside the text"),
        (lambda doc: [raw_hit(0, 10_000)], "hit span 0..10000 is outside the text"),
        (lambda doc: [raw_hit(0, 4, "nope")], "hit text 'nope' differs from the text"),
        (lambda doc: [dataclasses.replace(raw_hit(0, 4, "this"), confidence=7.0)], "outside 0..1"),
        (lambda doc: iter([raw_hit(0, 4, "this"), 1 / 0]), "ZeroDivisionError"),
    ],
)
def test_detector_output_that_cannot_be_trusted_is_dropped(produce: Any, expected: str) -> None:
    report = analyzer_with(Odd(produce)).check(TEXT)
    assert spans(report) == [(*LOUD, "caps")]
    [(source, message)] = problems(report)
    assert source == "detector:odd"
    assert expected in message


class BadFilter:
    def __init__(self, result: Any) -> None:
        self.result = result

    @hookimpl
    def rhetoric_filter_hit(self, hit):  # type: ignore[no-untyped-def]
        return self.result(hit) if callable(self.result) else self.result


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("drop it", "returned str, not a Hit, a bool or None"),
        (0, "returned int, not a Hit, a bool or None"),
        (lambda hit: dataclasses.replace(hit, end=999), "outside the text"),
        (lambda hit: dataclasses.replace(hit, text="other"), "differs from the text"),
    ],
)
def test_filter_with_a_wrong_result_leaves_the_hit_alone(result: Any, expected: str) -> None:
    report = analyzer_with(BadFilter(result)).check(TEXT)
    assert spans(report) == [(*LOUD, "caps")]
    [(source, message)] = problems(report)
    assert source.startswith("plugin:") and expected in message


def test_the_same_filter_failure_on_many_hits_is_reported_once() -> None:
    report = analyzer_with(BadFilter("drop it")).check("LOUD LOUDER LOUDEST, calm")
    assert len(report.hits) == 3
    assert len(report.errors) == 1


class BadAdjuster:
    def __init__(self, result: Any) -> None:
        self.result = result

    @hookimpl
    def rhetoric_adjust_report(self, report):  # type: ignore[no-untyped-def]
        return self.result(report)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (lambda report: {"verdict": "clean"}, "returned dict, not a Report or None"),
        (lambda report: "clean", "returned str, not a Report or None"),
        (
            lambda report: dataclasses.replace(report, hits=(raw_hit(3, 1),)),
            "hit span 3..1 is outside the text",
        ),
    ],
)
def test_adjuster_with_a_wrong_result_leaves_the_report_alone(result: Any, expected: str) -> None:
    report = analyzer_with(BadAdjuster(result)).check(TEXT)
    assert spans(report) == [(*LOUD, "caps")]
    [(source, message)] = problems(report)
    assert source.startswith("plugin:") and expected in message


def test_listener_return_values_are_ignored_and_its_failures_recorded() -> None:
    class Listener:
        @hookimpl
        def rhetoric_report_ready(self, report):  # type: ignore[no-untyped-def]
            if report.hits:
                raise RuntimeError("queue down")
            return "ignored"

    analyzer = analyzer_with(Listener())
    assert problems(analyzer.check("calm")) == []
    report = analyzer.check(TEXT)
    assert spans(report) == [(*LOUD, "caps")]
    [(source, message)] = problems(report)
    assert source.startswith("plugin:") and message == "RuntimeError: queue down"


# --- too slow ---------------------------------------------------------------------------------

BUDGET = {"plugin_timeout": 0.02, "plugin_strikes": 2}
SLOW = 0.1


def test_slow_detector_is_dropped_then_switched_off() -> None:
    odd = Odd(lambda doc: [doc.hit(ODD, 0, 4)], delay=SLOW)
    analyzer = analyzer_with(odd, **BUDGET)

    first = analyzer.check(TEXT)
    assert spans(first) == [(*LOUD, "caps")]  # the slow detector's hit is dropped
    [(source, message)] = problems(first)
    assert source == "detector:odd"
    assert "PluginTooSlow: call took" in message and "over its 0.020s budget" in message
    assert "overrun 1 of 2" in message

    second = analyzer.check(TEXT)
    assert "it is switched off from now on" in problems(second)[0][1]

    started = time.perf_counter()
    third = analyzer.check(TEXT)
    assert time.perf_counter() - started < SLOW  # not called any more
    assert odd.calls == 2
    assert spans(third) == [(*LOUD, "caps")]
    assert problems(third) == [
        (
            "detector:odd",
            "PluginTooSlow: not called: switched off after 2 calls over its 0.02s budget; "
            "its results are missing",
        )
    ]


def test_slow_detector_within_a_generous_budget_keeps_its_hits() -> None:
    odd = Odd(lambda doc: [doc.hit(ODD, 0, 4)], delay=0.01)
    for config in ({"plugin_timeout": 5.0}, {"plugin_timeout": None}):
        report = analyzer_with(odd, **config).check(TEXT)
        assert spans(report) == [(0, 4, "odd"), (*LOUD, "caps")]
        assert report.errors == ()


def test_budget_grows_with_the_length_of_the_comment() -> None:
    odd = Odd(lambda doc: [doc.hit(ODD, 0, 4)], delay=0.05)
    analyzer = analyzer_with(odd, plugin_timeout=0.03)
    assert [e.source for e in analyzer.check(TEXT).errors] == ["detector:odd"]  # 0.05 > 0.03
    long_text = TEXT + " " + "x" * 3_000_000  # allows 0.03 s x (1 + 3) = 0.12 s
    assert analyzer.check(long_text).errors == ()


class SlowHooks:
    """Every per-comment hook sleeps; the filter would drop every hit and the
    adjuster would empty the report, if their late results were used."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _slow(self, hook: str) -> None:
        self.calls[hook] = self.calls.get(hook, 0) + 1
        time.sleep(SLOW)

    @hookimpl
    def rhetoric_filter_hit(self, hit):  # type: ignore[no-untyped-def]
        self._slow("filter")
        return False

    @hookimpl
    def rhetoric_adjust_report(self, report):  # type: ignore[no-untyped-def]
        self._slow("adjust")
        return dataclasses.replace(report, hits=())

    @hookimpl
    def rhetoric_report_ready(self, report):  # type: ignore[no-untyped-def]
        self._slow("listener")


def test_slow_hooks_are_dropped_then_switched_off() -> None:
    slow = SlowHooks()
    analyzer = analyzer_with(slow, **BUDGET)
    reports = [analyzer.check(TEXT) for _ in range(3)]
    for report in reports:
        assert spans(report) == [(*LOUD, "caps")]  # neither dropped nor emptied
    # One plugin, one strike count: filter then adjuster overrun, then it is off.
    assert slow.calls == {"filter": 1, "adjust": 1}
    first = [message for _, message in problems(reports[0])]
    assert len(first) == 3 and "overrun 1 of 2" in first[0]
    assert "switched off from now on" in first[1]
    assert "not called" in first[2]
    assert {message for _, message in problems(reports[2])} == {
        "PluginTooSlow: not called: switched off after 2 calls over its 0.02s budget; "
        "its results are missing"
    }


def test_budget_settings_are_validated() -> None:
    with pytest.raises(ConfigError, match="plugin_timeout"):
        AnalyzerConfig(plugin_timeout=0)
    with pytest.raises(ConfigError, match="plugin_strikes"):
        AnalyzerConfig(plugin_strikes=0)


def test_hosts_calling_hooks_themselves_share_the_budget() -> None:
    slow = SlowHooks()
    analyzer = analyzer_with(slow, **BUDGET)
    [(_, result, error)] = analyzer.host.call_each(
        "rhetoric_report_ready", budget=analyzer.plugin_budget, report=None
    )
    assert result is None and "overrun 1 of 2" in str(error)
    report = analyzer.check(TEXT)  # the filter's overrun is the second strike
    assert "switched off from now on" in problems(report)[0][1]
    assert slow.calls == {"listener": 1, "filter": 1}
