"""Properties of hits on arbitrary and adversarial text (hypothesis):

- every hit's span lies inside the original text and ``hit.text`` is exactly
  the original characters there;
- a lexicon hit's span covers the characters that matched: checked alone, the
  span's text is found again, whole, by the same rule;
- obfuscated spellings of listed terms are found wherever they are put.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig

ANALYZER = Analyzer.from_config(
    AnalyzerConfig(readability=(), disabled_plugins=frozenset({"quoting"}))
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHARACTERS = list("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:!?'\"*#@$-_()[]<>&\n\t")
SPECIALS = [
    "\u200b",
    "\u00ad",
    "\u0301",
    "ﬁ",
    "𝐟",
    "ｆ",
    "а",
    "о",
    "ѕ",
    "😀",
    "你",
    "&amp;",
    "&#102;",
]
PHRASES = [" idiot ", " f*ck ", " deep state ", " they are vermin "]
PIECES = st.sampled_from([*CHARACTERS, *SPECIALS, *PHRASES])
NOISE = st.lists(PIECES, max_size=40).map("".join)
TERMS = ["idiot", "moron", "fuck", "shit", "bullshit", "scumbag"]
LEET = {"i": "1", "o": "0", "s": "$", "a": "@", "e": "3", "t": "7"}
CYRILLIC = {"a": "а", "o": "о", "e": "е", "i": "і", "c": "с", "s": "ѕ", "p": "р"}


@st.composite
def obfuscated(draw: st.DrawFn) -> tuple[str, str]:
    """(term, an obfuscated spelling of it)."""
    term = draw(st.sampled_from(TERMS))
    how = draw(
        st.sampled_from(
            [
                "plain",
                "upper",
                "mask",
                "leet",
                "stretch",
                "spaced",
                "dotted",
                "zero-width",
                "cyrillic",
                "fullwidth",
            ]
        )
    )
    inner = draw(st.integers(1, len(term) - 2))
    if how == "upper":
        return term, term.upper()
    if how == "mask":
        return term, term[:inner] + draw(st.sampled_from("*#")) + term[inner + 1 :]
    if how == "leet":
        return term, "".join(
            LEET.get(c, c) if i == inner or c in "io" else c for i, c in enumerate(term)
        )
    if how == "stretch":
        return term, term[:inner] + term[inner] * draw(st.integers(3, 8)) + term[inner + 1 :]
    if how == "spaced":
        return term, " ".join(term)
    if how == "dotted":
        return term, ".".join(term)
    if how == "zero-width":
        return term, term[:inner] + "\u200b" + term[inner:]
    if how == "cyrillic":
        return term, "".join(CYRILLIC.get(c, c) for c in term)
    if how == "fullwidth":
        return term, "".join(chr(ord(c) + 0xFEE0) for c in term)
    return term, term


@SETTINGS
@given(NOISE)
def test_hits_lie_inside_the_text_on_any_input(text: str) -> None:
    analysis = ANALYZER.analyse(text)
    for hit in (*analysis.raw_hits, *analysis.report.hits):
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.text == text[hit.start : hit.end]
    for technique in {h.technique for h in analysis.report.hits}:
        spans = [(h.start, h.end) for h in analysis.report.hits if h.technique == technique]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "merged hits overlap"


@SETTINGS
@given(NOISE, obfuscated(), NOISE)
def test_obfuscated_terms_are_found_and_spans_cover_them(
    before: str, term_and_spelling: tuple[str, str], after: str
) -> None:
    _, spelling = term_and_spelling
    text = f"{before} {spelling} {after}"
    start = len(before) + 1
    end = start + len(spelling)
    analysis = ANALYZER.analyse(text)
    for hit in analysis.raw_hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.text == text[hit.start : hit.end]
    covering = [h for h in analysis.raw_hits if h.start <= start + 1 and end - 1 <= h.end]
    assert covering, f"{spelling!r} not found in {text!r}"
    for hit in analysis.raw_hits:
        if hit.evidence.get("kind") != "lexicon":
            continue
        alone = ANALYZER.analyse(hit.text).raw_hits
        assert any(h.rule == hit.rule and (h.start, h.end) == (0, len(hit.text)) for h in alone), (
            f"span {hit.text!r} of {hit.rule} does not cover what matched in {text!r}"
        )
