"""How often each word lies inside a gold span of a labeled corpus: the share used to
choose terms learned from a training split (issue 14).

    python tools/term_precision.py ../shared/data/toxic_spans_semeval2021/train.jsonl toxic \\
        pig thief parasites ...

Prints, per word, its occurrences (whole words, case-folded) and the share of them that
overlap a span of LABEL. Read training splits only: a development split chosen from
would measure nothing afterwards.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rhetoric.quality.evaluation import read_gold

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def shares(path: Path, label: str, words: set[str]) -> dict[str, tuple[int, int]]:
    """word -> (occurrences, occurrences inside a ``label`` span)."""
    records, _ = read_gold(path)
    counts = {w: (0, 0) for w in words}
    for record in records:
        spans = [(s.start, s.end) for s in record.spans if s.label == label]
        for match in WORD.finditer(record.text):
            word = match.group(0).casefold()
            if word in counts:
                inside = any(match.start() < e and s < match.end() for s, e in spans)
                seen, hit = counts[word]
                counts[word] = (seen + 1, hit + inside)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("label")
    parser.add_argument("words", nargs="+")
    args = parser.parse_args()
    counts = shares(args.gold, args.label, {w.casefold() for w in args.words})
    for word, (seen, inside) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        share = f"{inside / seen:.2f}" if seen else "-"
        print(f"{word}\t{seen}\t{share}")


if __name__ == "__main__":
    main()
