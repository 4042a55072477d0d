"""The inventory's pattern rules run only on comments holding one of their declared
literals: that prefilter must never hide a match. Reports with and without the fast
paths agree on text made of the inventory's cue words, joined by odd spacing."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric import Analyzer, AnalyzerConfig, Comment

# A generous regex time budget: on a loaded machine the slow path (every pattern on every
# comment) could otherwise stop a pattern early, and the two reports would differ by
# that error rather than by the prefilter this file tests.
FAST = Analyzer.from_config(AnalyzerConfig(readability=(), preview=True, regex_timeout=30.0))
SLOW = Analyzer.from_config(
    AnalyzerConfig(readability=(), preview=True, fast_paths=False, regex_timeout=30.0)
)

CUES = (
    "if we let them in our cities will descend into chaos unless once until die death",
    "either you are with us or against us if you don't support the troops then you're a",
    "not with us you're against so you're saying by your logic in other words you want",
    "what about but where was the outrage when funny how nobody complained had nothing",
    "to say about look who's talking says the man who coming from a guy who the same people",
    "who now suddenly practice what you preach rules for thee not a single word of truth",
    "a known liar has a long history of lying bought and paid for unfit for office",
    "it's time to the time has come act now the clock is ticking we cannot wait any longer",
    "next thing you know where does it end it's only a matter of time before if we allow",
    "the worst president in history ever of all time most corrupt is it really even honestly",
    "how is it possible why is he still Death to DEATH TO death to all traitors America",
    "studies show experts agree trust the science 97% of scientists every doctor will tell",
    "just like Hitler straight out of the Nazi playbook Gestapo tactics exactly what Hitler did",
    "the only reason is it's all because of blame everything on responsible for all of our",
    "problems troubles woes",
    "deal with it get over it move on period full stop just saying cope suck it up",
    "why aren't we talking about what we should be talking about is instead of nobody is",
    "protect our country defend our constitution sold out America the American people",
    # name-calling patterns of issue 16 (epithets, hating compounds, quoted labels)
    "the bumbling council Corrupt officials Self-styled experts Trump-hating Russophobes",
    'warmongers called him a "traitor" dubbed Morrow \u201cthe Butcher\u201d henchmen gun-toting',
)
WORDS = [word for line in CUES for word in line.split(" ")]
GAPS = [" ", " ", " ", "  ", "\n", ", ", ". ", "? ", "! ", " \n\n", "\t"]


def generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            parts += [rng.choice(WORDS), rng.choice(GAPS)]
        texts.append("".join(parts))
    return texts


def test_generated_cue_text() -> None:
    for i, text in enumerate(generated(1500, seed=3)):
        comment = Comment(str(i), text)
        assert FAST.check(comment) == SLOW.check(comment), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=25))
def test_any_spacing_of_cue_words(pieces: list[tuple[str, str]]) -> None:
    comment = Comment("c", "".join(word + gap for word, gap in pieces))
    assert FAST.check(comment) == SLOW.check(comment)
