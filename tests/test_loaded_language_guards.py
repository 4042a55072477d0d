"""Guards of the loaded-language pack measured on news (round ll-26).

Plain evaluations ('very bad') and crime names in reports ('rape gangs') are not
loaded language on their own; the charged forms around them must still be found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rhetoric import Analyzer, AnalyzerConfig

RULES = Path(__file__).resolve().parents[1] / "rules"
ANALYZER = Analyzer.from_config(
    AnalyzerConfig(
        rule_paths=(RULES,),
        disabled_plugins=frozenset({"builtin-rules"}),
        select=("loaded-language",),
        readability=(),
    )
)


def _spans(text: str) -> list[str]:
    return [h.text for h in ANALYZER.check(text).hits]


@pytest.mark.parametrize(
    "text",
    [
        "The harvest was very bad this year.",
        "Traffic on the bridge is really bad at noon.",
        "Police charged five men over the rape gangs case in the town.",
    ],
)
def test_plain_reporting_is_quiet(text: str) -> None:
    assert _spans(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("The new fee is utterly insane.", "utterly insane"),
        ("It was a very ugly campaign.", "very ugly"),
        ("The mob went on a killing spree downtown.", "killing spree"),
    ],
)
def test_charged_forms_still_found(text: str, span: str) -> None:
    assert span in _spans(text)
