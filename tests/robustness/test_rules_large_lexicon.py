"""A 100,000-term lexicon loads and runs within stated bounds.

Measured on the development machine (see docs/security.md and the report for
issue 7): about 1.6 s to load and compile without the cache, about 0.1 ms per
60-word comment. The bounds asserted here are hang guards, generous enough for
a slow CI runner, not benchmarks.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from rhetoric import Analyzer, AnalyzerConfig

TERMS = 100_000
LOAD_BOUND_S = 30.0
PER_COMMENT_BOUND_MS = 50.0
HEADER = """\
kind: lexicon
status: stable
message: "'{match}'"
why: A very large word list, to prove that loading and matching scale.
examples:
  flag: ["[[zzzz]]"]
  pass: ["hello"]
terms:
"""


def words(rng: random.Random, count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxy"  # no 'z': filler text never uses it
    return ["".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(count)]


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A rule folder holding one rule of 100,000 distinct one- to three-word terms,
    each containing a 'z' so that filler text cannot match one by chance."""
    rng = random.Random(7)
    terms: set[str] = set()
    while len(terms) < TERMS:
        phrase = words(rng, rng.randint(1, 3))
        phrase[0] = "z" + phrase[0]
        terms.add(" ".join(phrase))
    ordered = sorted(terms)
    folder = tmp_path_factory.mktemp("big") / "rules"
    path = folder / "profanity" / "big-lexicon.yml"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "".join(f"  - {term}\n" for term in ordered), encoding="utf-8")
    return folder, ordered


def test_large_lexicon_loads_and_runs_within_bounds(
    lexicon: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, terms = lexicon
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")  # measure the real load, not a cache hit
    started = time.perf_counter()
    analyzer = Analyzer.from_config(
        AnalyzerConfig(rule_paths=(folder,), readability=()), entry_points=False
    )
    load_seconds = time.perf_counter() - started
    assert load_seconds < LOAD_BOUND_S

    rng = random.Random(11)
    comments = []
    for index in range(200):
        chosen = terms[index * 401]
        filler = " ".join(words(rng, 60))
        comments.append((f"{filler} {chosen.upper()} and more {filler[:40]}", chosen))
    started = time.perf_counter()
    reports = [analyzer.check(text) for text, _ in comments]
    per_comment_ms = (time.perf_counter() - started) / len(comments) * 1000
    assert per_comment_ms < PER_COMMENT_BOUND_MS

    for (text, term), report in zip(comments, reports, strict=True):
        start = text.index(term.upper())
        assert [(h.start, h.end, h.rule) for h in report.hits] == [
            (start, start + len(term), "big-lexicon")
        ]
        assert report.errors == ()


def test_terms_match_whatever_their_letter_case_or_punctuation(tmp_path: Path) -> None:
    """Plain-word terms are tokenized by a fast path; it must agree with the full
    text preparation that terms with other characters still go through."""
    path = tmp_path / "rules" / "profanity" / "mixed.yml"
    path.parent.mkdir(parents=True)
    body = HEADER.replace("[[zzzz]]", "[[Brain Dead]]") + "".join(
        f"  - {term}\n" for term in ("SHEEPLE", "Brain Dead", "sheep-like", "zoo keeper")
    )
    path.write_text(body, encoding="utf-8")
    analyzer = Analyzer.from_config(
        AnalyzerConfig(rule_paths=(tmp_path / "rules",), readability=()), entry_points=False
    )
    text = "Sheeple, brain  dead and SHEEP-LIKE; the Zoo Keeper knows."
    assert [h.text for h in analyzer.check(text).hits] == [
        "Sheeple",
        "brain  dead",
        "SHEEP-LIKE",
        "Zoo Keeper",
    ]
