"""A 100,000-term lexicon loads, matches exactly, and costs no more work per comment
than a small one; loading grows linearly with the number of terms.

Work is counted, not timed (a wall-time bound fails on a loaded machine and passes a
slow algorithm on a fast one): the Python and built-in function calls made, read
with ``sys.setprofile``. A regex alternation built from the terms, a per-term scan
of each comment or a quadratic step while compiling would each multiply the count.
Speed itself is measured in ``bench/performance.py`` (1k -> 10k terms), never here.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rhetoric import Analyzer, AnalyzerConfig

TERMS = 100_000
# Calls per comment with 100,000 terms against 1,000 (the same comments, each with one
# term of its lexicon): the lexicon's size must not show (the target for
# 1k -> 10k terms is 1.3x time).
MATCHING_RATIO_BOUND = 1.3
# Calls to load and compile 10,000 terms against 1,000: linear is at most 10x (less,
# with the fixed cost of building an analyzer); quadratic would be about 100x.
LOADING_RATIO_BOUND = 12.0
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


def write_lexicon(folder: Path, count: int) -> list[str]:
    """A rule folder holding one rule of ``count`` distinct one- to three-word terms,
    each containing a 'z' so that filler text cannot match one by chance."""
    rng = random.Random(7)
    terms: set[str] = set()
    while len(terms) < count:
        phrase = words(rng, rng.randint(1, 3))
        phrase[0] = "z" + phrase[0]
        terms.add(" ".join(phrase))
    ordered = sorted(terms)
    path = folder / "profanity" / "big-lexicon.yml"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "".join(f"  - {term}\n" for term in ordered), encoding="utf-8")
    return ordered


@pytest.fixture(scope="module")
def lexicons(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, list[str]]]:
    made = {}
    for count in (1_000, 10_000, TERMS):
        folder = tmp_path_factory.mktemp(f"lexicon-{count}") / "rules"
        made[count] = folder, write_lexicon(folder, count)
    return made


@pytest.fixture(scope="module")
def large(lexicons: dict[int, tuple[Path, list[str]]]) -> Analyzer:
    """The 100,000-term analyzer, loaded once and for real (not from the cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RHETORIC_NO_CACHE", "1")
        return load(lexicons[TERMS][0])


def load(folder: Path) -> Analyzer:
    return Analyzer.from_config(
        AnalyzerConfig(rule_paths=(folder,), readability=()), entry_points=False
    )


def calls(action: Callable[[], Any]) -> tuple[Any, int]:
    """``action()``'s result and the function calls (Python and built-in) it made."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event == "call" or event == "c_call":
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = action()
    finally:
        sys.setprofile(previous)
    return result, count


def comments(terms: list[str]) -> list[tuple[str, str]]:
    """200 comments of 60 filler words (the same for every lexicon), each holding
    one of ``terms`` in capitals."""
    rng = random.Random(11)
    step = len(terms) // 200
    made = []
    for index in range(200):
        chosen = terms[index * step]
        filler = " ".join(words(rng, 60))
        made.append((f"{filler} {chosen.upper()} and more {filler[:40]}", chosen))
    return made


def test_large_lexicon_loads_and_finds_exactly_its_terms(
    lexicons: dict[int, tuple[Path, list[str]]], large: Analyzer
) -> None:
    for text, term in comments(lexicons[TERMS][1]):
        report = large.check(text)
        start = text.index(term.upper())
        assert [(h.start, h.end, h.rule) for h in report.hits] == [
            (start, start + len(term), "big-lexicon")
        ]
        assert report.errors == ()


def test_matching_work_does_not_grow_with_the_lexicon(
    lexicons: dict[int, tuple[Path, list[str]]], large: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    counted = {}
    for size, analyzer in ((1_000, load(lexicons[1_000][0])), (TERMS, large)):
        texts = [text for text, _ in comments(lexicons[size][1])]
        # Counted on a second pass: first-use set-up and the text layer's word caches
        # (which the first lexicon's pass would warm for the second) are not matching.
        for text in texts:
            analyzer.check(text)
        reports, counted[size] = calls(lambda a=analyzer, t=texts: [a.check(x) for x in t])
        assert all(len(report.hits) == 1 for report in reports)
    assert counted[TERMS] <= counted[1_000] * MATCHING_RATIO_BOUND, counted


def test_loading_work_grows_linearly_with_the_lexicon(
    lexicons: dict[int, tuple[Path, list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RHETORIC_NO_CACHE", "1")
    load(lexicons[1_000][0])  # imports and one-time set-up are not the lexicon's cost
    counted = {size: calls(lambda s=size: load(lexicons[s][0]))[1] for size in (1_000, 10_000)}
    assert counted[10_000] <= counted[1_000] * LOADING_RATIO_BOUND, counted


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
