"""Measure whom findings aim at (targets) and threats on the development data.

    python bench/targets.py [--data ../shared/data] [--out docs/quality.md] [--halves] [--by-rule]

- HateXplain (``targets``: the communities annotators say a hateful or offensive post
  attacks): among those posts where rhetoric names a group, how often it is one of the
  annotators' communities (goal >= 70%); among the posts annotators say target a
  community, how often rhetoric names one (goal >= 50%).
- Toxic spans typed: document-level precision/recall/F1 of ``threat`` findings (hits
  above ``info``: the filters keep quoted or denied threats as ``info``) against
  posts with a ``Threat`` span (goal F1 >= 0.50 with precision >= 0.60), and span
  overlap of ``slur``/``name-calling`` hits aimed at a group against ``Identity based
  Attack`` spans (goal F1 >= 0.35). The goals are judged on the dev split; the train
  split is shown beside it, because dev holds only nine threat posts and one post
  more or less moves the threat F1 by several points.

With ``--halves`` the train figures are also given for the two halves of train (by
the crc32 of each post's id, as the rounds since stop 31 split it), so that a form
chosen on one half can be confirmed on the other; that table is printed only, never
written to ``--out``.

With ``--by-rule`` it also prints, for each rule, what it contributes on train, half by
half: the posts it flags as threats (typed ``Threat`` or not) and its hits aimed at a
group (inside an ``Identity based Attack`` span or not), so a rule or a new template is
judged on both halves without a probe script of one's own; printed only, never written.

Rules and plugins come from this checkout. The corpora are read where they lie and
never copied. With ``--out`` the table replaces the section between
``<!-- targets:start -->`` and ``<!-- targets:end -->`` of that file.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rhetoric import Analyzer, AnalyzerConfig, Comment, Hit, Severity, TargetKind  # noqa: E402

START, END = "<!-- targets:start -->", "<!-- targets:end -->"


def read(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def hits_of(analyzer: Analyzer, records: list[dict[str, object]]) -> list[tuple[Hit, ...]]:
    return [analyzer.check(Comment(str(r["id"]), str(r["text"]))).hits for r in records]


def hatexplain(analyzer: Analyzer, data: Path) -> dict[str, float]:
    records = [r for r in read(data / "hatexplain/dev.jsonl") if r["label"] != "normal"]
    named = agreed = wanted = found = 0
    for record, hits in zip(records, hits_of(analyzer, records), strict=True):
        communities = set(record.get("targets") or ())  # type: ignore[arg-type]
        ours = {
            h.target.group for h in hits
            if h.target is not None and h.target.kind is TargetKind.GROUP and h.target.group
        }  # fmt: skip
        if ours:
            named += 1
            agreed += bool(ours & communities)
        if communities - {"None", "Other"}:
            wanted += 1
            found += bool(ours)
    return {
        "posts": len(records),
        "named": named,
        "agreement": agreed / named if named else 0.0,
        "annotated": wanted,
        "coverage": found / wanted if wanted else 0.0,
    }


def half_of(record_id: str) -> str:
    """The train half a post belongs to: "A" or "B", by the crc32 of its id."""
    return "AB"[zlib.crc32(record_id.encode()) % 2]


def is_threat_finding(hit: Hit) -> bool:
    # what a moderator sees: a threat the quoting or negation filters kept as ``info``
    # (a quoted chant, a denial) is not a finding
    return hit.technique == "threat" and hit.severity is not Severity.INFO


def is_group_attack(hit: Hit) -> bool:
    return (
        hit.technique in ("slur", "name-calling")
        and hit.target is not None
        and hit.target.kind is TargetKind.GROUP
    )


def toxic_typed(
    analyzer: Analyzer,
    data: Path,
    split: str = "dev",
    keep: Callable[[dict[str, object]], bool] | None = None,
) -> dict[str, float]:
    path = data / f"toxic_spans_typed/{split}.jsonl"
    if not path.exists():
        return {}
    records = [r for r in read(path) if keep is None or keep(r)]
    tp = fp = fn = 0
    span_hits = span_right = gold_spans = gold_found = 0
    for record, hits in zip(records, hits_of(analyzer, records), strict=True):
        spans = record["spans"]  # type: ignore[assignment]
        threat_gold = any(s["label"] == "Threat" for s in spans)  # type: ignore[union-attr,index]
        threat_ours = any(map(is_threat_finding, hits))
        tp += threat_gold and threat_ours
        fp += threat_ours and not threat_gold
        fn += threat_gold and not threat_ours
        identity = [(s["start"], s["end"]) for s in spans  # type: ignore[union-attr,index]
                    if s["label"] == "Identity based Attack"]  # type: ignore[index]  # fmt: skip
        aimed = list(filter(is_group_attack, hits))
        span_hits += len(aimed)
        span_right += sum(any(h.start < e and s < h.end for s, e in identity) for h in aimed)
        gold_spans += len(identity)
        gold_found += sum(any(h.start < e and s < h.end for h in aimed) for s, e in identity)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    span_p = span_right / span_hits if span_hits else 0.0
    span_r = gold_found / gold_spans if gold_spans else 0.0
    return {
        "threat_p": precision, "threat_r": recall,
        "threat_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "threat_docs": tp + fn, "threat_flagged": tp + fp,
        "identity_p": span_p, "identity_r": span_r,
        "identity_f1": 2 * span_p * span_r / (span_p + span_r) if span_p + span_r else 0.0,
    }  # fmt: skip


def pct(value: float) -> str:
    return f"{100 * value:.1f}"


def threat_cell(tx: dict[str, float]) -> str:
    if not tx:
        return "-"
    return (f"{pct(tx['threat_p'])} / {pct(tx['threat_r'])} / {pct(tx['threat_f1'])} "
            f"({tx['threat_docs']} threat posts, {tx['threat_flagged']} flagged)")  # fmt: skip


def identity_cell(tx: dict[str, float]) -> str:
    if not tx:
        return "-"
    return f"{pct(tx['identity_p'])} / {pct(tx['identity_r'])} / {pct(tx['identity_f1'])}"


def table(hx: dict[str, float], tx: dict[str, float], train: dict[str, float]) -> str:
    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    rows = [
        ("HateXplain: a named group is one of the annotators' communities",
         f"{pct(hx['agreement'])} ({hx['named']} posts name one)", "-", ">= 70",
         met(hx["agreement"] >= 0.70)),
        ("HateXplain: posts targeting a community where rhetoric names a group",
         f"{pct(hx['coverage'])} (of {hx['annotated']})", "-", ">= 50",
         met(hx["coverage"] >= 0.50)),
        ("Toxic spans typed: threat documents P / R / F1", threat_cell(tx), threat_cell(train),
         "F1 >= 50, P >= 60", met(tx["threat_f1"] >= 0.5 and tx["threat_p"] >= 0.6)),
        ("Toxic spans typed: Identity based Attack spans, slur + name-calling aimed at a group, "
         "P / R / F1", identity_cell(tx), identity_cell(train), "F1 >= 35",
         met(tx["identity_f1"] >= 0.35)),
    ]  # fmt: skip
    lines = [
        START,
        "## Targets and threats",
        "",
        "Produced by `python bench/targets.py` on the development splits (hateful and "
        "offensive HateXplain posts; toxic spans typed dev), with toxic spans typed train "
        "beside them (HateXplain has no train split here). Goals are judged on dev. "
        "Percentages.",
        "",
        "| measure | dev | train | goal | met |",
        "|---|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows),
        END,
    ]
    return "\n".join(lines) + "\n"


def halves_table(analyzer: Analyzer, data: Path) -> str:
    """The train figures of each half, one row a half."""
    rows = []
    for half in "AB":
        tx = toxic_typed(analyzer, data, "train", lambda r, h=half: half_of(str(r["id"])) == h)
        if tx:
            rows.append(f"| {half} | {threat_cell(tx)} | {identity_cell(tx)} |")
    if not rows:
        return ""
    head = ["| train half | threat documents P / R / F1 | Identity based Attack spans P / R / F1 |",
            "|---|---|---|"]  # fmt: skip
    return "\n".join(head + rows) + "\n"


def rule_table(analyzer: Analyzer, data: Path) -> str:
    """Per rule, on train, half by half: threat posts flagged (typed Threat / not) and
    group-aimed hits (in an Identity based Attack span / not)."""
    path = data / "toxic_spans_typed/train.jsonl"
    if not path.exists():
        return ""
    records = read(path)
    counts: dict[str, dict[str, int]] = {}
    for record, hits in zip(records, hits_of(analyzer, records), strict=True):
        half = half_of(str(record["id"]))
        spans = record["spans"]  # type: ignore[assignment]
        threat_gold = any(s["label"] == "Threat" for s in spans)  # type: ignore[union-attr,index]
        identity = [(s["start"], s["end"]) for s in spans  # type: ignore[union-attr,index]
                    if s["label"] == "Identity based Attack"]  # type: ignore[index]  # fmt: skip
        # a post counts once per rule, however many of its hits the rule has
        for rule in {h.rule for h in hits if is_threat_finding(h)}:
            row = counts.setdefault(rule, {})
            key = f"threat {half} {'+' if threat_gold else '-'}"
            row[key] = row.get(key, 0) + 1
        for hit in filter(is_group_attack, hits):
            inside = any(hit.start < e and s < hit.end for s, e in identity)
            row = counts.setdefault(hit.rule, {})
            key = f"group {half} {'+' if inside else '-'}"
            row[key] = row.get(key, 0) + 1
    if not counts:
        return ""

    def cell(row: dict[str, int], what: str, half: str) -> str:
        right, wrong = row.get(f"{what} {half} +", 0), row.get(f"{what} {half} -", 0)
        return f"{right} / {wrong}" if right or wrong else "-"

    lines = [
        "| rule (train) | threat posts A: typed Threat / other | B | "
        "group hits A: in an Identity span / outside | B |",
        "|---|---|---|---|---|",
    ]
    for rule in sorted(counts):
        row = counts[rule]
        cells = [cell(row, what, half) for what in ("threat", "group") for half in "AB"]
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--halves", action="store_true", help="also print the train figures of each half"
    )
    parser.add_argument(
        "--by-rule",
        action="store_true",
        help="also print each rule's threat posts and group hits on each train half",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"skipped: corpus folder {args.data} is not present", file=sys.stderr)
        return 0
    analyzer = Analyzer.from_config(
        AnalyzerConfig(), plugin_dirs=[ROOT / "plugins"], entry_points=False
    )
    section = table(
        hatexplain(analyzer, args.data),
        toxic_typed(analyzer, args.data),
        toxic_typed(analyzer, args.data, "train"),
    )
    print(section)
    if args.halves:
        print(halves_table(analyzer, args.data))
    if args.by_rule:
        print(rule_table(analyzer, args.data))
    if args.out is not None:
        text = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if START in text and END in text:
            head, rest = text.split(START, 1)
            text = head + section.rstrip("\n") + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + section
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
