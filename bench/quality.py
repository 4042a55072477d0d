"""Run the standard quality evaluation over ../shared/data and write docs/quality.md.

    python bench/quality.py [--data ../shared/data] [--out docs/quality.md]

Rules and plugins are loaded from this checkout (``rules/``, ``plugins/``), not from
the installed package, so the figures always describe the code next to this file.
The corpora are read where they lie and never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rhetoric import Analyzer, AnalyzerConfig, __version__  # noqa: E402
from rhetoric.quality.evaluation import evaluate, parse_target, read_gold  # noqa: E402


@dataclass(frozen=True)
class Check:
    """One line of the standard set: a file, a mapping, and the target to meet."""

    corpus: str
    mapping: str
    metric: str  # "semeval2021_t5" | "span_overlap.f1" | "document.f1" | "document.precision"
    goal: float | None
    note: str = ""


STANDARD = [
    Check("toxic_spans_semeval2021/dev.jsonl", "slur|profanity|name-calling=toxic",
          "semeval2021_t5", 0.70, "SemEval-2021 T5 toxic spans"),
    Check("toxic_spans_typed/dev.jsonl", "name-calling=Insult", "span_overlap.f1", None),
    Check("toxic_spans_typed/dev.jsonl", "profanity=Profane/Obscene", "span_overlap.f1", None),
    Check("toxic_spans_typed/dev.jsonl", "slur=Identity based Attack", "span_overlap.f1", None),
    Check("semeval2020_t11_ptc/dev_sents.jsonl", "name-calling=Name_Calling,Labeling",
          "span_overlap.f1", 0.40, "also precision >= 0.50"),
    Check("semeval2020_t11_ptc/dev_sents.jsonl", "loaded-language=Loaded_Language",
          "span_overlap.f1", 0.40, "also precision >= 0.50"),
    Check("semeval2021_t6_memes/dev.jsonl", "name-calling=Name calling/Labeling",
          "span_overlap.f1", None),
    Check("semeval2021_t6_memes/dev.jsonl", "loaded-language=Loaded Language",
          "span_overlap.f1", None),
    Check("pan2024_oppositional_en/dev.jsonl", "conspiracy-framing=doc:CONSPIRACY",
          "document.f1", 0.80, "CRITICAL documents are the negatives"),
    Check("prct_youtube/dev.jsonl", "conspiracy-framing=doc:PRCT", "document.f1", 0.80),
    Check("hatexplain/dev.jsonl", "slur|profanity|name-calling=doc:hatespeech,doc:offensive",
          "document.f1", 0.75),
    Check("hatexplain/dev.jsonl", "slur=doc:hatespeech,doc:offensive", "document.precision",
          0.90, "slur hits on posts labeled normal are false alarms"),
]  # fmt: skip


def analyzer() -> Analyzer:
    config = AnalyzerConfig(readability=())
    return Analyzer.from_config(config, plugin_dirs=[ROOT / "plugins"], entry_points=False)


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "quality.md")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"skipped: corpus folder {args.data} is not present", file=sys.stderr)
        return 0
    engine = analyzer()
    rows: list[str] = []
    rule_tables: list[str] = []
    started = time.perf_counter()
    cache: dict[str, tuple[list, list]] = {}
    for check in STANDARD:
        if check.corpus not in cache:
            cache[check.corpus] = read_gold(args.data / check.corpus)
        records, problems = cache[check.corpus]
        known = {s.label for r in records for s in r.spans} | {r.label for r in records if r.label}
        target = parse_target(check.mapping, known)
        result = evaluate(engine, records, [target], problems).results[0].to_dict()
        level, _, measure = check.metric.partition(".")
        value = result[level] if not measure else result[level][measure]
        reached = value is not None and check.goal is not None and value >= check.goal
        met = "-" if check.goal is None else ("yes" if reached else "**no**")
        span = result.get("span_overlap", {})
        doc = result["document"]
        rows.append(
            f"| `{check.corpus}` | `{check.mapping}` | {check.metric} | **{pct(value)}** | "
            f"{pct(check.goal)} | {met} | {pct(doc['precision'])} / {pct(doc['recall'])} / "
            f"{pct(doc['f1'])} | {pct(span.get('precision'))} / {pct(span.get('recall'))} / "
            f"{pct(span.get('f1'))} | {check.note} |"
        )
        rules = sorted(result["rules"].items(), key=lambda kv: -kv[1]["hits"])
        if rules:
            lines = [f"**{check.corpus}**, `{check.mapping}`", "",
                     "| rule | hits | precision |", "|---|---:|---:|"]  # fmt: skip
            lines += [f"| {rule} | {s['hits']} | {pct(s['precision'])} |" for rule, s in rules]
            rule_tables.append("\n".join(lines))
        print(rows[-1], file=sys.stderr)
    elapsed = time.perf_counter() - started
    document = [
        "# Detection quality",
        "",
        f"Produced by `python bench/quality.py` (rhetoric {__version__}, "
        f"{dt.date.today().isoformat()}, {elapsed:.1f} s) over the development splits in "
        "`../shared/data` (see its README for origin and licenses). Scores are percentages. "
        "Span overlap: a predicted span is right when it overlaps a gold span of the mapped "
        "labels; document level: any hit of the mapped techniques vs any gold span or the "
        "document label. The SemEval-2021 T5 score is the mean per-document character F1.",
        "",
        "These are development figures: the project is also measured on held-out data that is "
        "not in `../shared`. Terms were written from the techniques' definitions, permissively "
        "licensed lexicons and the training splits; the dev splits were used to measure and to "
        "drop noisy terms, not to add terms found in their gold spans (the two conspiracy "
        "corpora have no training split: their cues come from general knowledge, pruned on "
        "dev false alarms).",
        "",
        "| corpus | mapping | metric | value | goal | met | doc P / R / F1 | span P / R / F1 "
        "| note |",
        "|---|---|---|---:|---:|---|---|---|---|",
        *rows,
        "",
        "## Per-rule hits and precision",
        "",
        "Precision here is the share of a rule's hits that overlap a gold span of the mapping "
        "(or, for document labels, that fall in a positive document).",
        "",
        "\n\n".join(rule_tables),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(document), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
