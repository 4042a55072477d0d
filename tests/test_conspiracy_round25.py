"""Issue 14, round 25: conspiracy-framing recall without giving up precision.

The new stable rules find population-replacement and pandemic plots stated with a plotter,
a people replaced or a countdown, and the joined hashtag forms of the lexicon phrases;
their innocent look-alikes (news about the theories, history, jobs, sport, fiction) stay
quiet. Every sentence here was written for this test (the installed package's rules, as a
user runs them).
"""

from __future__ import annotations

import pytest

from rhetoric import Analyzer, AnalyzerConfig


def _rules(analyzer: Analyzer, text: str) -> list[str]:
    return [h.rule for h in analyzer.check(text).hits if h.technique == "conspiracy-framing"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Mark my words, they will replace you within a generation.", "replacing-people"),
        ("The banks want to replace the working class with cheaper hands.", "replacement-agents"),
        ("Look at the border. It is left wide open on purpose.", "migration-by-design"),
        ("Our children will be strangers in their own land.", "stranger-at-home"),
        ("Mark my words, Sweden will be majority Muslim by 2060.", "demographic-takeover"),
        ("Ask yourself who really runs the world.", "hidden-rulers"),
        ("Teachers are told to push the replacement agenda.", "agenda-labels"),
        ("These vaccines are a genocide, nothing less.", "medical-crimes"),
        ("Share before they delete it #GreatReset", "globalist-projects"),
        ("Another one gone #ClotShot", "pandemic-narratives"),
        ("Europe has fallen to the stealth jihad.", "replacement-narrative"),
    ],
)
def test_round25_cues_are_found(analyzer: Analyzer, text: str, rule: str) -> None:
    """Found by default, and by the new rule itself (another rule may report the same span)."""
    assert _rules(analyzer, text)
    alone = Analyzer.from_config(AnalyzerConfig(readability=(), select=(rule,)))
    assert _rules(alone, text) == [rule]


@pytest.mark.parametrize(
    "text",
    [
        # jobs, sport and parts: replacement that is not of a people
        "Robots will replace people on the assembly line.",
        "The coach will replace you as captain next season.",
        "We replaced the battery last week.",
        # news and history about the theories and about real events
        "The census office projects that no group will be a majority by 2045.",
        "Kurdish minorities in their own countries face pressure.",
        "The court heard evidence of genocide in Bosnia.",
        "When Iraq was invaded, millions fled.",
        "The settlers invaded native lands and broke every treaty.",
        "The colonists profited from enslaving Africans for two centuries.",
        "The president's legislative agenda stalled in the senate.",
        "Immigration rose last year, the statistics office said.",
        # fiction and ordinary talk
        "In the novel, the queen really runs the kingdom from her garden.",
        "He broke the vase on purpose, his sister said.",
        "The vaccine clinic opens at nine on Mondays.",
    ],
)
def test_round25_look_alikes_stay_quiet(analyzer: Analyzer, text: str) -> None:
    assert _rules(analyzer, text) == []


def test_previews_wait_for_evidence() -> None:
    """Rules never seen firing on any corpus stay previews: default settings skip them."""
    text = "The media are hiding it, and they want you scared."
    default = Analyzer.from_config(AnalyzerConfig(readability=()))
    preview = Analyzer.from_config(AnalyzerConfig(readability=(), preview=True))
    assert "media-concealment" not in _rules(default, text)
    assert {"media-concealment", "manipulation-goals"} <= set(_rules(preview, text))
