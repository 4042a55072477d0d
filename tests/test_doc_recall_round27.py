"""Issue 14, round 27: document-level recall on abusive posts and on conspiracy messages.

New stable rules find a respelled group name used as a slur, class contempt, the expulsion
or pathologising of a whole group, and the pandemic-era claims of a planned or concealed
event and of a "they" scheming against the reader; their innocent look-alikes (a word's
other sense, history, policy criticism without a plotter, idioms, self-description) stay
quiet. Every sentence here was written for this test (the installed package's rules, as a
user runs them).
"""

from __future__ import annotations

import pytest

from rhetoric import Analyzer, AnalyzerConfig


def _rules(analyzer: Analyzer, text: str, technique: str) -> list[str]:
    return [h.rule for h in analyzer.check(text).hits if h.technique == technique]


@pytest.mark.parametrize(
    ("text", "technique", "rule"),
    [
        ("Send the muzzys home, all of them.", "slur", "variant-slurs"),
        ("The landlord jewed us on the deposit.", "slur", "variant-slurs"),
        ("Those n ggers are at it again.", "slur", "variant-slurs"),
        ("Keep those ghetto rats off our street.", "name-calling", "classist-labels"),
        ("What would you know, trailer trash?", "name-calling", "classist-labels"),
        ("Kick all the muslims out of Europe.", "slur", "identity-attack"),
        ("Lesbians are mentally ill, plain and simple.", "slur", "identity-attack"),
        ("Monkeypox was planned long before it appeared.", "conspiracy-framing", "plot-claims"),
        ("A deliberate cover-up hides the injuries.", "conspiracy-framing", "plot-claims"),
        ("They will scare you into the next booster.", "conspiracy-framing", "plot-claims"),
        ("They want you to own nothing, and smile.", "conspiracy-framing", "control-schemes"),
        (
            "The heatwave panic is a staged distraction from the bank failures.",
            "conspiracy-framing",
            "control-schemes",
        ),
        ("They knew all along what the jab does.", "conspiracy-framing", "control-schemes"),
    ],
)
def test_round27_cues_are_found(analyzer: Analyzer, text: str, technique: str, rule: str) -> None:
    """Found by default, and by the new rule itself (another rule may report the same span)."""
    assert rule in _rules(analyzer, text, technique)
    alone = Analyzer.from_config(AnalyzerConfig(readability=(), select=(rule,)))
    assert _rules(alone, text, technique) == [rule]


@pytest.mark.parametrize(
    ("text", "technique"),
    [
        # the other sense of a word, and history
        ("After the night flight I felt muzzy all morning.", "slur"),
        ("The Yid Army sang through the whole second half.", "slur"),
        ("The Jewish media watchdog published its report.", "slur"),
        ("Her grandfather survived the Warsaw ghetto.", "name-calling"),
        ("She grew up in the ghetto and became a surgeon.", "name-calling"),
        # a policy, goods, or a denial: not an attack on a group
        ("Send the parcels back if they arrive damaged.", "slur"),
        ("Gay people are not mentally ill, the association says.", "slur"),
        # criticism without a hidden plotter
        ("The mandates were a mistake and the rollout was rushed.", "conspiracy-framing"),
        ("The concert was planned for June and moved to July.", "conspiracy-framing"),
        ("The virus was not engineered, the inquiry concluded.", "conspiracy-framing"),
        ("Music is a welcome distraction from revision.", "conspiracy-framing"),
        ("Losing the first set was never part of the plan.", "conspiracy-framing"),
        ("The debate is just a distraction from the budget vote.", "conspiracy-framing"),
        ("It was all part of the plan to renovate the park.", "conspiracy-framing"),
        ("Lockdowns were planned for the region from Monday.", "conspiracy-framing"),
        # an idiom and self-description
        ("Honestly I am a slut for a good crime novel.", "profanity"),
        ("lol i'm such a hoe for pumpkin season", "profanity"),
    ],
)
def test_round27_look_alikes_stay_quiet(analyzer: Analyzer, text: str, technique: str) -> None:
    assert _rules(analyzer, text, technique) == []
