"""Issue 14, "precision first": conspiracy framing needs a plotter beside its cue, the
messages fit what was found, and the misses the issue lists are found (the installed
package's rules, as a user runs them)."""

from __future__ import annotations

import pytest

from rhetoric import Analyzer, Hit


def _hits(analyzer: Analyzer, text: str, technique: str) -> list[Hit]:
    return [h for h in analyzer.check(text).hits if h.technique == technique]


@pytest.mark.parametrize(
    "text",
    [
        "She trained with but one goal: the Olympic final.",
        "The fossil record makes one wonder how old the valley is.",
        "It's no coincidence that the best bakeries open early.",
        "The concert was orchestrated by a young conductor.",
        "The council controls the budget.",
    ],
)
def test_a_lone_cue_is_not_conspiracy_framing(analyzer: Analyzer, text: str) -> None:
    assert _hits(analyzer, text, "conspiracy-framing") == []


@pytest.mark.parametrize(
    ("text", "technique", "span"),
    [
        ("The Rothschilds control the media.", "conspiracy-framing", "control the media"),
        ("The bankers secretly plan to take our homes.", "conspiracy-framing", "secretly plan"),
        ("We don't want their kind here.", "name-calling", "their kind"),
        ("You must be high as a kite to believe that.", "name-calling", "high as a kite"),
        ("Ha, what are you smoking?", "name-calling", "smoking"),
    ],
)
def test_the_misses_of_the_issue_are_found(
    analyzer: Analyzer, text: str, technique: str, span: str
) -> None:
    assert any(span in h.text for h in _hits(analyzer, text, technique))


def test_the_message_fits_the_phrase(analyzer: Analyzer) -> None:
    """A 'false flag' claim is about a staged event, not about a pandemic."""
    (hit,) = _hits(
        analyzer, "That shooting was a false flag, look at the timing.", "conspiracy-framing"
    )
    assert hit.rule == "staged-events"
    assert "pandemic" not in hit.message
    assert "staged" in hit.message
