"""Time Aho-Corasick packages on the benchmark comments (run in the benchmark's own venv).

    python ac_peers.py INPUT.json

INPUT.json holds ``texts``, ``lexicons`` (name -> list of lowercase terms), ``runs``
and ``found`` (whether to print the matches); bench/matchers.py writes it. Each
package that is installed (pyahocorasick, ahocorasick-rs) builds one automaton per
lexicon and scans every text lowercased, in overlapping mode (all matches: leftmost-longest misses
matches that overlap a longer one), keeping whole-word matches only, since the
rule engine matches whole tokens. Prints one JSON object: versions, medians of
build and scan times, match counts and, if asked, the whole-word matches themselves
as ``[comment, start, end, term index]`` so the caller can compare them with its own.

Lives outside the project's dependencies: neither package is needed by rhetoric.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

Found = list[tuple[int, int, int, int]]
Scanner = Callable[[list[str]], tuple[Found, int]]


def _pyahocorasick(terms: list[str]) -> Scanner:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for index, term in enumerate(terms):
        automaton.add_word(term, (index, len(term)))
    automaton.make_automaton()

    def spans(lowered: str) -> list[tuple[int, int, int]]:
        return [(i, last + 1 - size, last + 1) for last, (i, size) in automaton.iter(lowered)]

    return _whole_words(spans)


def _ahocorasick_rs(terms: list[str]) -> Scanner:
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)

    def spans(lowered: str) -> list[tuple[int, int, int]]:
        return automaton.find_matches_as_indexes(lowered, overlapping=True)  # type: ignore[no-any-return]

    return _whole_words(spans)


def _whole_words(spans: Callable[[str], list[tuple[int, int, int]]]) -> Scanner:
    """A scanner keeping, of the ``(term index, start, end)`` an automaton finds in
    the lowercased text, those with no letter or digit on either side (the engine
    matches whole tokens; an automaton finds terms inside words too)."""

    def scan(texts: list[str]) -> tuple[Found, int]:
        found: Found = []
        raw = 0
        for number, text in enumerate(texts):
            lowered = text.lower()
            size = len(lowered)
            matches = spans(lowered)
            raw += len(matches)
            for index, start, end in matches:
                if (start == 0 or not lowered[start - 1].isalnum()) and (
                    end == size or not lowered[end].isalnum()
                ):
                    found.append((number, start, end, index))
        return found, raw

    return scan


PACKAGES: dict[str, tuple[str, Callable[[list[str]], Scanner]]] = {
    "pyahocorasick": ("ahocorasick", _pyahocorasick),
    "ahocorasick-rs": ("ahocorasick_rs", _ahocorasick_rs),
}


def _installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    texts: list[str] = spec["texts"]
    lexicons: dict[str, list[str]] = spec["lexicons"]
    runs: int = spec["runs"]
    packages = {name: make for name, (module, make) in PACKAGES.items() if _installed(module)}
    builds: dict[tuple[str, str], list[float]] = {}
    scans: dict[tuple[str, str], list[float]] = {}
    scanners: dict[tuple[str, str], Scanner] = {}
    # Runs go round-robin over every (package, lexicon), so a noisy spell on this
    # shared machine spreads over all of them instead of hitting one.
    for _ in range(runs):
        for name, make in packages.items():
            for label, terms in lexicons.items():
                key = (name, label)
                gc.collect()
                started = time.perf_counter()
                scanners[key] = make(terms)
                builds.setdefault(key, []).append(time.perf_counter() - started)
                gc.collect()
                started = time.perf_counter()
                scanners[key](texts)
                scans.setdefault(key, []).append(time.perf_counter() - started)
    results: dict[str, Any] = {
        "versions": {name: metadata.version(name) for name in packages},
        "missing": [name for name in PACKAGES if name not in packages],
        "results": {},
    }
    for (name, label), scanner in scanners.items():
        found, raw = scanner(texts)
        results["results"].setdefault(name, {})[label] = {
            "build": statistics.median(builds[name, label]),
            "scan": statistics.median(scans[name, label]),
            "raw": raw,
            "matches": len(found),
            "found": found if spec.get("found", True) else [],
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
