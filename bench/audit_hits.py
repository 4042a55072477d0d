"""List every hit of the selected rules on corpora, one block per hit, for a hand audit.

Some techniques (appeal to time, consequential oversimplification, obfuscation) have no
label in any corpus of ``../shared/data``, so their precision cannot be scored: a person
reads each hit and judges it against the technique's definition. This prints what that
person needs (the rule, the matched span, the record's labels that overlap it, the whole
record) and, with ``--verdicts``, tallies a judgement file (one ``id<TAB>start<TAB>rule
<TAB>right|wrong<TAB>reason`` line a hit). It prints corpus text to the terminal only:
keep its output and the verdict files out of the repository (several licenses forbid
redistribution).

    python bench/audit_hits.py --select appeal-to-time \\
        semeval2020_t11_ptc/train_sents.jsonl toxic_spans_semeval2021/train.jsonl
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rhetoric import Analyzer, AnalyzerConfig, Comment
from rhetoric.quality.evaluation import read_gold

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class AuditHit:
    """One hit to judge: where it is, what matched and which gold labels overlap it."""

    corpus: str
    record_id: str
    start: int
    end: int
    rule: str
    match: str
    overlapping: tuple[str, ...]
    text: str

    @property
    def key(self) -> tuple[str, int, str]:
        """What a verdict line names: record, offset and rule (stable across runs)."""
        return (self.record_id, self.start, self.rule)


def analyzer(select: tuple[str, ...], rules: Path = ROOT / "rules") -> Analyzer:
    """The checkout's rules (not the installed pack; or another rule folder, to audit
    an older version), previews included, so a rule can be audited while it is edited
    without reinstalling."""
    config = AnalyzerConfig(
        readability=(),
        preview=True,
        select=select,
        disabled_plugins=frozenset({"builtin-rules"}),
        rule_paths=(rules,),
    )
    return Analyzer.from_config(config)


def audit_hits(engine: Analyzer, corpus: str) -> Iterator[AuditHit]:
    """Every hit ``engine`` reports on the records of ``corpus`` (a path under DATA)."""
    records, problems = read_gold(DATA / corpus)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    comments = [Comment(r.id, r.text) for r in records]
    for record, report in zip(records, engine.check_many(comments), strict=True):
        for hit in report.hits:
            labels = tuple(
                sorted({s.label for s in record.spans if s.start < hit.end and hit.start < s.end})
            )
            yield AuditHit(
                corpus,
                record.id,
                hit.start,
                hit.end,
                hit.rule,
                record.text[hit.start : hit.end],
                labels,
                record.text,
            )


def read_verdicts(path: Path) -> dict[tuple[str, int, str], tuple[bool, str]]:
    """A verdict file: ``id, start, rule, right|wrong, reason`` separated by tabs."""
    verdicts: dict[tuple[str, int, str], tuple[bool, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        record_id, start, rule, verdict, *reason = line.split("\t")
        verdicts[(record_id, int(start), rule)] = (verdict == "right", " ".join(reason))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    """Print the hits (or, with ``--verdicts``, the tally per rule and what is unjudged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", help="JSONL files under ../shared/data")
    parser.add_argument("--select", action="append", default=[], help="technique or rule id")
    parser.add_argument("--verdicts", type=Path, help="tally this judgement file")
    parser.add_argument("--rules", type=Path, default=ROOT / "rules", help="rule folder")
    args = parser.parse_args(argv)
    engine = analyzer(tuple(args.select), args.rules)
    hits = [hit for corpus in args.corpora for hit in audit_hits(engine, corpus)]
    if args.verdicts is None:
        for hit in hits:
            labels = ",".join(hit.overlapping) or "-"
            print(f"{hit.record_id}\t{hit.start}\t{hit.rule}\t[{hit.match}]\t{labels}")
            print("    " + " ".join(hit.text.split()))
        return 0
    verdicts = read_verdicts(args.verdicts)
    tally: dict[str, Counter[str]] = {}
    for hit in hits:
        counts = tally.setdefault(hit.rule, Counter())
        verdict = verdicts.get(hit.key)
        if verdict is None:
            counts["unjudged"] += 1
            print(f"unjudged: {hit.record_id}\t{hit.start}\t{hit.rule}\t[{hit.match}]")
            continue
        right, reason = verdict
        counts["hits"] += 1
        counts["right" if right else f"wrong: {reason}"] += 1
        counts[f"corpus {hit.corpus.split('/')[0]}"] += 1
    for rule, counts in sorted(tally.items()):
        hits_n, right_n = counts["hits"], counts["right"]
        precision = f"{100 * right_n / hits_n:.1f}" if hits_n else "-"
        print(f"{rule}: {hits_n} judged, {right_n} right, precision {precision}")
        for name, count in sorted(counts.items()):
            if name.startswith(("wrong", "corpus", "unjudged")):
                print(f"    {name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
