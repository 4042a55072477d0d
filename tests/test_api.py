"""The public Python API as a host embeds it: one analyzer, many callers."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

from conftest import lexicon_rule

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


def test_reload_rereads_rules_and_keeps_plugins(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rhetoric import Example, RuleInfo, hookimpl

    folder = tmp_path / "rules" / "profanity"
    folder.mkdir(parents=True)
    rule = folder / "mild.yml"
    rule.write_text(lexicon_rule("heck"))
    shout = RuleInfo(
        id="shout", technique="loaded-language", message="m", status="stable",
        why="Capitals raise the temperature of a comment.",
        examples=(Example("[[LOUD]]", flag=True), Example("quiet", flag=False)),
    )  # fmt: skip

    class Detector:
        name = "shout"
        rules = (shout,)

        def detect(self, doc):  # type: ignore[no-untyped-def]
            for token in doc.prepared.tokens:
                if doc.text[token.start : token.end] == "LOUD":
                    yield doc.hit(shout, token.start, token.end)

    class Plugin:
        @hookimpl
        def rhetoric_register_detectors(self, register):  # type: ignore[no-untyped-def]
            register(Detector())

    config = AnalyzerConfig(rule_paths=(tmp_path / "rules",))
    analyzer = Analyzer.from_config(config, plugins=[Plugin()], entry_points=False)
    assert [h.text for h in analyzer.check("heck darn LOUD").hits] == ["heck", "LOUD"]
    rule.write_text(lexicon_rule("heck", "darn"))
    fresh = analyzer.reload()
    assert [h.text for h in fresh.check("heck darn LOUD").hits] == ["heck", "darn", "LOUD"]
    assert [h.text for h in analyzer.check("heck darn LOUD").hits] == ["heck", "LOUD"]


def test_replace_hit_is_dataclasses_replace() -> None:
    """The public copy helper plugins use gives what dataclasses.replace gives."""
    hit = Analyzer.from_config(AnalyzerConfig()).check("what a moron").hits[0]
    changes = {"confidence": 0.25, "message": "changed", "target": None}
    assert rhetoric.replace_hit(hit, **changes) == dataclasses.replace(hit, **changes)
    assert rhetoric.replace_hit(hit) == hit


def test_filter_hits_treats_outside_hits_as_detect_treats_its_own() -> None:
    """A host's or a model's hit on a quoted word is downgraded exactly as the rules' hit
    on it is; an allowlisted word is dropped."""
    text = 'He called me an "idiot" and I laughed.'
    analyzer = Analyzer.from_config(AnalyzerConfig())
    detection = analyzer.detect(Comment("c", text))
    (own,) = [h for h in detection.hits if h.rule == "insult-label"]
    assert own.evidence.get("quoted") is True
    start = text.index("idiot")
    outside = rhetoric.replace_hit(
        own, rule="host-model", confidence=0.85, severity=rhetoric.Severity.WARNING,
        evidence={"kind": "model"}, start=start, end=start + 5,
    )  # fmt: skip
    assert detection.doc is not None
    (kept,) = analyzer.filter_hits([outside], detection.doc)
    assert kept.evidence.get("quoted") is True
    assert (kept.severity, kept.confidence) == (own.severity, own.confidence)
    allowing = Analyzer.from_config(AnalyzerConfig(allowlist=("idiot",)))
    assert allowing.filter_hits([outside], detection.doc) == []
