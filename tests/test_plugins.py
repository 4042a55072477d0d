"""The plugin host: loading (entry points, modules, loose files), every hook,
isolation of failing plugins, and loud failures for broken ones."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from rhetoric import (
    Analyzer,
    AnalyzerConfig,
    Document,
    Example,
    Hit,
    PluginLoadError,
    Report,
    RuleInfo,
    Technique,
    hookimpl,
)
from rhetoric.cli import main

NO_READABILITY = AnalyzerConfig(readability=())

SHOUT = RuleInfo(
    id="shouting",
    technique="loaded-language",
    message="'{match}' is shouted",
    why="Writing in capitals raises the emotional temperature of a comment.",
    status="stable",
    references=("https://example.org/shouting",),
    examples=(Example("I am [[ANGRY]]", flag=True), Example("I am calm", flag=False)),
)


class ShoutDetector:
    name = "shout"
    rules = (SHOUT,)

    def detect(self, doc: Document) -> Iterator[Hit]:
        for token in doc.prepared.tokens:
            word = doc.text[token.start : token.end]
            if len(word) >= 4 and word.isupper():
                yield doc.hit(SHOUT, token.start, token.end)


class ShoutPlugin:
    @hookimpl
    def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
        register(ShoutDetector())  # accepts fewer arguments than the spec


THIRD_PARTY_MODULE = """
from rhetoric import Example, RuleInfo, hookimpl

RULE = RuleInfo(
    id="third-party-rule", technique="loaded-language", message="{match}!",
    why="A third-party rule proving that entry-point plugins are loaded.",
    status="stable", references=("https://example.org",),
    examples=(Example("so [[woke]]", flag=True), Example("awake", flag=False)),
)

class Detector:
    name = "third-party"
    rules = (RULE,)
    def detect(self, doc):
        for token in doc.prepared.tokens:
            if token.norm == "woke":
                yield doc.hit(RULE, token.start, token.end)

@hookimpl
def rhetoric_register_detectors(register, config):
    register(Detector())
"""


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A plugin installed as a third party would be: a module plus a dist-info
    folder whose entry_points.txt names it in the 'rhetoric' group."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "rhetoric_woke.py").write_text(THIRD_PARTY_MODULE, encoding="utf-8")
    dist = site / "rhetoric_woke-1.2.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rhetoric-woke\nVersion: 1.2.3\n")
    (dist / "entry_points.txt").write_text("[rhetoric]\nwoke = rhetoric_woke\n")
    monkeypatch.syspath_prepend(str(site))
    return site


def test_entry_point_plugin_is_loaded_like_first_party(third_party: Path) -> None:
    analyzer = Analyzer.from_config(NO_READABILITY)
    names = {info.name: info for info in analyzer.host.plugins()}
    assert names["woke"].distribution == "rhetoric-woke"
    assert names["woke"].version == "1.2.3"
    assert {"builtin-rules", "nicknames", "quoting", "techniques"} <= set(names)
    report = analyzer.check("They are so woke.")
    assert [(h.rule, h.text) for h in report.hits] == [("third-party-rule", "woke")]


def test_plugins_command_lists_entry_point_plugins(third_party: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import io
    import json

    out = io.StringIO()
    assert main(["plugins", "--format", "json"], out=out) == 0
    listed = {p["name"]: p for p in json.loads(out.getvalue())}
    assert listed["woke"]["module"] == "rhetoric_woke"
    assert "rhetoric_register_detectors" in listed["woke"]["hooks"]


def test_plugins_can_be_disabled_by_name(third_party: Path) -> None:
    config = AnalyzerConfig(readability=(), disabled_plugins=frozenset({"woke", "nicknames"}))
    analyzer = Analyzer.from_config(config)
    assert "woke" not in {p.name for p in analyzer.host.plugins()}
    assert analyzer.check("so woke, Killiary").hits == ()


def test_builtin_rules_are_a_plugin_too() -> None:
    config = AnalyzerConfig(readability=(), disabled_plugins=frozenset({"builtin-rules"}))
    analyzer = Analyzer.from_config(config)
    assert {r.kind for r in analyzer.rules} == {"python"}


@pytest.mark.parametrize("timeout", [1e-12, None])
def test_a_detector_over_its_budget_loses_its_hits_then_is_switched_off(
    timeout: float | None,
) -> None:
    """A plugin detector's call is charged against the time budget (a picosecond here:
    every call overruns): its hits are dropped with an error, and after its strikes it
    is not called any more. Without a budget nothing is charged."""
    config = AnalyzerConfig(readability=(), plugin_timeout=timeout, plugin_strikes=2)
    analyzer = Analyzer.from_config(config, plugins=[ShoutPlugin()], entry_points=False)
    reports = [analyzer.check("this is OUTRAGEOUS") for _ in range(3)]
    shouts = [[h.text for h in r.hits if h.rule == SHOUT.id] for r in reports]
    messages = [[e.message for e in r.errors if e.source == "detector:shout"] for r in reports]
    if timeout is None:
        assert shouts == [["OUTRAGEOUS"]] * 3 and messages == [[], [], []]
        return
    assert shouts == [[], [], []]
    assert "overrun 1 of 2" in messages[0][0] and "switched off from now on" in messages[1][0]
    assert messages[2] == [
        "PluginTooSlow: not called: switched off after 2 calls over its 1e-12s budget; "
        "its results are missing"
    ]


def test_module_and_object_plugins(tmp_path: Path) -> None:
    analyzer = Analyzer.from_config(NO_READABILITY, plugins=[ShoutPlugin()], entry_points=False)
    report = analyzer.check("this is OUTRAGEOUS")
    assert [h.text for h in report.hits] == ["OUTRAGEOUS"]
    assert "shouting" in {r.id for r in analyzer.rules}


def test_loose_plugin_files_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "woke_plugin.py").write_text(THIRD_PARTY_MODULE, encoding="utf-8")
    analyzer = Analyzer.from_config(NO_READABILITY, plugin_dirs=[tmp_path], entry_points=False)
    assert [h.text for h in analyzer.check("woke").hits] == ["woke"]


def test_misspelled_hook_fails_loudly() -> None:
    class Typo:
        @hookimpl
        def rhetoric_filter_hits(self, hit):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(PluginLoadError, match="rhetoric_filter_hits"):
        Analyzer.from_config(NO_READABILITY, plugins=[Typo()], entry_points=False)


def test_plugin_that_fails_to_import_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('nope')\n")
    with pytest.raises(PluginLoadError, match=r"broken\.py.*RuntimeError: nope"):
        Analyzer.from_config(NO_READABILITY, plugin_dirs=[tmp_path], entry_points=False)


def test_failing_setup_hook_names_the_plugin() -> None:
    class BadSetup:
        @hookimpl
        def rhetoric_register_rule_paths(self, register):  # type: ignore[no-untyped-def]
            raise OSError("disk gone")

    with pytest.raises(PluginLoadError, match="failed in rhetoric_register_rule_paths"):
        Analyzer.from_config(NO_READABILITY, plugins=[BadSetup()], entry_points=False)


# --- isolation -----------------------------------------------------------------------


class Boom:
    name = "boom"
    rules = (
        RuleInfo(
            id="boom-rule",
            technique="profanity",
            message="m",
            why="A detector that always fails, to prove isolation works.",
            status="stable",
        ),
    )

    def detect(self, doc: Document) -> Iterator[Hit]:
        raise ZeroDivisionError("detector bug")


class BoomPlugin:
    @hookimpl
    def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
        register(Boom())

    @hookimpl
    def rhetoric_filter_hit(self, hit):  # type: ignore[no-untyped-def]
        raise ValueError("filter bug")

    @hookimpl
    def rhetoric_adjust_report(self, report):  # type: ignore[no-untyped-def]
        raise KeyError("adjust bug")

    @hookimpl
    def rhetoric_report_ready(self, report):  # type: ignore[no-untyped-def]
        raise RuntimeError("listener bug")


def test_failing_plugin_costs_only_its_own_contribution() -> None:
    analyzer = Analyzer.from_config(NO_READABILITY, plugins=[BoomPlugin(), ShoutPlugin()])
    report = analyzer.check("You IDIOT, this is OUTRAGEOUS")
    assert {h.text for h in report.hits} == {"IDIOT", "OUTRAGEOUS"}
    sources = {e.source for e in report.errors}
    assert "detector:boom" in sources
    assert len([s for s in sources if s.startswith("plugin:")]) == 1  # the same plugin, thrice
    messages = " | ".join(e.message for e in report.errors)
    for text in ("detector bug", "filter bug", "adjust bug", "listener bug"):
        assert text in messages


def test_invalid_hits_from_a_plugin_are_dropped_and_reported() -> None:
    undeclared = RuleInfo(
        id="undeclared",
        technique="profanity",
        message="m",
        why="Never declared by the detector that emits it.",
        status="stable",
    )

    class Liar:
        name = "liar"
        rules = (SHOUT,)

        def detect(self, doc: Document) -> Iterator[Hit]:
            yield Hit(0, 999, "x", "loaded-language", "shouting", SHOUT.severity, 0.5, "m")
            yield doc.hit(undeclared, 0, 1)
            yield doc.hit(SHOUT, 0, 4)

    class Plugin:
        @hookimpl
        def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
            register(Liar())

    analyzer = Analyzer.from_config(NO_READABILITY, plugins=[Plugin()], entry_points=False)
    report = analyzer.check("WORD here")
    assert [h.text for h in report.hits] == ["WORD"]
    problems = " | ".join(e.message for e in report.errors)
    assert "outside the text" in problems and "does not declare" in problems


# --- the per-comment hooks ---------------------------------------------------------------


def test_filter_hook_can_drop_and_replace_hits() -> None:
    class Filter:
        @hookimpl
        def rhetoric_filter_hit(self, hit, doc, config):  # type: ignore[no-untyped-def]
            if hit.text == "OUTRAGEOUS":
                return False
            if hit.text == "ANGRY":
                import dataclasses

                return dataclasses.replace(hit, confidence=0.1)
            return None

    analyzer = Analyzer.from_config(
        NO_READABILITY, plugins=[ShoutPlugin(), Filter()], entry_points=False
    )
    report = analyzer.check("ANGRY and OUTRAGEOUS")
    assert [(h.text, h.confidence) for h in report.hits] == [("ANGRY", 0.1)]


def test_adjust_and_report_ready_hooks() -> None:
    seen: list[Report] = []

    class Host:
        @hookimpl
        def rhetoric_adjust_report(self, report, doc):  # type: ignore[no-untyped-def]
            import dataclasses

            return dataclasses.replace(report, scores={**report.scores, "custom": 1.0})

        @hookimpl
        def rhetoric_report_ready(self, report, comment):  # type: ignore[no-untyped-def]
            seen.append(report)

    analyzer = Analyzer.from_config(NO_READABILITY, plugins=[Host()], entry_points=False)
    report = analyzer.check("hello")
    assert report.scores == {"custom": 1.0}
    assert seen == [report]


def test_register_techniques_extends_the_vocabulary(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "glittering-generalities"
    folder.mkdir(parents=True)
    (folder / "virtue-words.yml").write_text(
        textwrap.dedent("""
        kind: lexicon
        status: stable
        message: "'{match}' is a virtue word standing in for an argument"
        why: Glittering generalities attach vague virtue words to an idea instead of reasons.
        references: [https://propaganda.qcri.org/annotations/definitions.html]
        terms: [freedom-loving]
        examples:
          flag: ["All [[freedom-loving]] people agree."]
          pass: ["Freedom Day is a holiday."]
    """)
    )

    class Techniques:
        @hookimpl
        def rhetoric_register_techniques(self, register):  # type: ignore[no-untyped-def]
            register(Technique("glittering-generalities", "Glittering generalities", "Virtues."))

        @hookimpl
        def rhetoric_register_rule_paths(self, register):  # type: ignore[no-untyped-def]
            register(tmp_path / "rules")

    analyzer = Analyzer.from_config(NO_READABILITY, plugins=[Techniques()], entry_points=False)
    assert [h.technique for h in analyzer.check("Every freedom-loving voter knows").hits] == [
        "glittering-generalities"
    ]
    assert "glittering-generalities" in analyzer.techniques


def test_filters_are_chained_each_sees_the_previous_replacement() -> None:
    import dataclasses

    seen: list[float] = []

    class First:
        @hookimpl(tryfirst=True)
        def rhetoric_filter_hit(self, hit):  # type: ignore[no-untyped-def]
            return dataclasses.replace(hit, confidence=0.25)

    class Second:
        @hookimpl(trylast=True)
        def rhetoric_filter_hit(self, hit):  # type: ignore[no-untyped-def]
            seen.append(hit.confidence)
            return None

    analyzer = Analyzer.from_config(
        NO_READABILITY, plugins=[ShoutPlugin(), Second(), First()], entry_points=False
    )
    report = analyzer.check("this is OUTRAGEOUS")
    assert seen == [0.25]
    assert [h.confidence for h in report.hits] == [0.25]


def test_plugins_can_be_disabled_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run

    monkeypatch.setenv("RHETORIC_DISABLE_PLUGINS", " nicknames ,")
    code, out = run(["rules", "list", "--format", "json"])
    assert code == 0 and "pejorative-nickname" not in out


def test_plugin_modules_register_the_hooks_pluggy_itself_finds(tmp_path: Path) -> None:
    """The host answers at once for a module's plain values (classes, constants,
    imports): every plugin module still registers the hooks pluggy's own manager finds,
    a hook under another name (``specname``) and a static method included."""
    import types

    import pluggy

    from rhetoric import hookspecs
    from rhetoric.host import PluginHost

    (tmp_path / "odd_plugin.py").write_text(
        textwrap.dedent(
            """
            import os
            from os import getpid
            from rhetoric import hookimpl
            LIMIT = 3
            class Helper:
                pass
            @hookimpl(specname="rhetoric_report_ready")
            def noticed(report, comment):
                return None
            rhetoric_adjust_report = staticmethod(hookimpl(lambda report, doc: None))
            def rhetoric_not_a_hook():
                return None
            """
        ),
        encoding="utf-8",
    )
    host = PluginHost(plugin_dirs=[tmp_path])
    plain = pluggy.PluginManager(hookspecs.PROJECT)
    plain.add_hookspecs(hookspecs)

    def hooks(manager: pluggy.PluginManager, module: object) -> list[tuple[str, str]]:
        return sorted(
            (caller.name, impl.function.__name__)
            for caller in manager.get_hookcallers(module) or []
            for impl in caller.get_hookimpls()
            if impl.plugin is module
        )

    modules = [p for p in host.manager.get_plugins() if isinstance(p, types.ModuleType)]
    assert len(modules) > 5 and any(m.__name__.endswith("odd_plugin") for m in modules)
    for module in modules:
        plain.register(module)
        assert hooks(host.manager, module) == hooks(plain, module), module.__name__
    odd = next(m for m in modules if m.__name__.endswith("odd_plugin"))
    assert [name for name, _ in hooks(plain, odd)] == [
        "rhetoric_adjust_report",
        "rhetoric_report_ready",
    ]


@pytest.mark.parametrize(
    ("preview", "fast", "called"),
    [(False, True, False), (True, True, True), (False, False, True)],
    ids=["preview-rule-off", "preview-on", "reference-run"],
)
def test_a_detector_without_an_enabled_rule_is_not_called(
    preview: bool, fast: bool, called: bool
) -> None:
    """Its hits would all be dropped: with fast paths it is skipped; the reference run
    (fast paths off) and a run that enables its rule still call it."""
    rule = RuleInfo(
        id="preview-only",
        technique="profanity",
        message="m",
        why="A rule that is still in preview.",
        status="preview",
    )
    calls: list[str] = []

    class Counting:
        name = "counting"
        rules = (rule,)

        def detect(self, doc: Document) -> Iterator[Hit]:
            calls.append(doc.text)
            yield doc.hit(rule, 0, 4)

    class Plugin:
        @hookimpl
        def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
            register(Counting())

    config = AnalyzerConfig(readability=(), preview=preview, fast_paths=fast)
    analyzer = Analyzer.from_config(config, plugins=[Plugin()], entry_points=False)
    report = analyzer.check("darn it")
    assert calls == (["darn it"] if called else [])
    assert [h.rule for h in report.hits] == (["preview-only"] if preview else [])


def test_a_filter_replacement_is_checked_on_the_same_span_too() -> None:
    """A filter's replacement on the hit's own span still has its confidence checked,
    and one on another span its span and text."""
    import dataclasses

    class Filter:
        @hookimpl
        def rhetoric_filter_hit(self, hit, doc, config):  # type: ignore[no-untyped-def]
            if hit.text == "ANGRY":
                return dataclasses.replace(hit, confidence=1.5)
            return dataclasses.replace(hit, end=hit.end + 100)

    analyzer = Analyzer.from_config(
        NO_READABILITY, plugins=[ShoutPlugin(), Filter()], entry_points=False
    )
    report = analyzer.check("ANGRY and OUTRAGEOUS")
    assert [h.text for h in report.hits] == ["ANGRY", "OUTRAGEOUS"]  # kept as they were
    problems = " | ".join(e.message for e in report.errors)
    assert "confidence 1.5 is outside 0..1" in problems and "outside the text" in problems
