"""The fast paths (regex prefilters, template pruning, cached compilation) never
change a result: reports are identical with them switched off, on the seed
comments and on generated text."""

from __future__ import annotations

import random

import pytest
from conftest import SHARED

from rhetoric import Analyzer, AnalyzerConfig, Comment

FAST = Analyzer.from_config(AnalyzerConfig(preview=True))
SLOW = Analyzer.from_config(AnalyzerConfig(preview=True, fast_paths=False))
SEED = SHARED / "seed" / "comments.txt"

VOCABULARY = (
    "you they those people are is a bunch of idiot moron stupid fool vermin animals",
    "the elites deep state plan to hide secretly agenda f*ck sh1t smoking crack",
    "obviously must be horrific evil radical globalists wake up sheeple it's no",
    "coincidence with but one goal Killiary liberals nothing but parasites",
    ". , ! ? ; \" ' and or not to the of",
)
WORDS = [word for line in VOCABULARY for word in line.split(" ")]


def generated(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def assert_same(texts: list[str]) -> None:
    for i, text in enumerate(texts):
        comment = Comment(str(i), text)
        assert FAST.check(comment) == SLOW.check(comment), text


def test_generated_text() -> None:
    assert_same(generated(1500))


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed/comments.txt is not present")
def test_seed_comments() -> None:
    assert_same([line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()])
