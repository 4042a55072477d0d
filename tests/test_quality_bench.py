"""bench/quality.py regenerates docs/quality.md but keeps what others wrote into it:
every section between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from conftest import load_bench

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    return load_bench("quality")


def test_marked_sections_survive_regeneration(tmp_path: Path) -> None:
    page = tmp_path / "quality.md"
    kept = "<!-- keep:start -->\n## Trained model\n\nHand-written | figures\n<!-- keep:end -->"
    other = "<!-- scorer:start -->\nmore\n<!-- scorer:end -->"
    page.write_text(f"# Detection quality\n\nold generated table\n\n{kept}\n\n{other}\n")
    carried = _bench().kept_sections(page)
    assert kept in carried and other in carried
    assert "old generated table" not in carried


def test_no_file_no_sections(tmp_path: Path) -> None:
    assert _bench().kept_sections(tmp_path / "missing.md") == ""


def test_every_inventory_technique_has_a_row() -> None:
    bench = _bench()
    from rhetoric import Analyzer, AnalyzerConfig

    engine = Analyzer.from_config(
        AnalyzerConfig(readability=()), plugin_dirs=[ROOT / "plugins"], entry_points=False
    )
    labels = {
        bench.PTC_DEV: {
            label for t in engine.techniques for label in t.mappings.get("semeval2020_t11", ())
        },
        bench.MEMES_DEV: set(),
    }
    rows = {check.mapping.split("=")[0] for check in bench.inventory_checks(engine, labels)}
    with_ptc_label = {
        t for t in bench.INVENTORY if engine.techniques.get(t).mappings.get("semeval2020_t11")
    }
    assert rows == with_ptc_label


def test_stable_is_earned_on_training_hits_only() -> None:
    """The bar reads the pooled training splits: enough hits, precise enough; dev (never
    passed in) cannot promote or demote a rule."""
    bench = _bench()
    pooled = bench.pooled({"hits": 2, "correct": 2}, None, {"hits": 2, "correct": 0})
    assert pooled == {"hits": 4, "correct": 2, "precision": 0.5}
    assert bench.earns_stable(pooled)
    assert not bench.earns_stable(bench.pooled({"hits": 2, "correct": 2}))  # too few hits
    assert not bench.earns_stable(bench.pooled({"hits": 10, "correct": 4}))  # imprecise
    assert not bench.earns_stable(bench.pooled())


def test_semeval2023_view_counts_labels_and_micro_f1() -> None:
    """The rehearsal of the held-out measurement: default settings, one row per
    SemEval-2023 label, hits judged against the technique's PTC labels, micro F1 over
    every PTC gold span."""
    bench = _bench()
    from rhetoric import Analyzer, AnalyzerConfig
    from rhetoric.quality.evaluation import GoldRecord, GoldSpan

    engine = Analyzer.from_config(
        AnalyzerConfig(readability=()), plugin_dirs=[ROOT / "plugins"], entry_points=False
    )
    text = "The American people deserve better. Nobody asked them."
    records = [
        GoldRecord("1", text, (GoldSpan(0, 19, "Flag-Waving"), GoldSpan(36, 54, "Doubt")), None)
    ]
    labels = {bench.PTC_DEV: {"Flag-Waving", "Doubt"}}
    figures, summary = bench.semeval2023_view(
        engine, bench.PTC_DEV, lambda corpus: (records, []), labels
    )
    assert figures["Flag_Waving"] == (["flag-waving"], 1, 1.0, True)
    assert "labels with hits from stable rules: **1**" in summary[0]
    assert "F1 66.7" in summary[1]  # 1 of 1 hit right, 1 of 2 gold spans found


def test_semeval2023_table_sets_sentences_beside_paragraphs() -> None:
    """One row per SemEval-2023 label with both units' hits and precision, and both
    units' summaries, each named by its corpus."""
    bench = _bench()
    from rhetoric import Analyzer, AnalyzerConfig
    from rhetoric.quality.evaluation import GoldRecord, GoldSpan

    engine = Analyzer.from_config(
        AnalyzerConfig(readability=()), plugin_dirs=[ROOT / "plugins"], entry_points=False
    )
    sentence = GoldRecord("s", "The American people deserve better.", (), None)
    paragraph = GoldRecord(
        "p", "The American people deserve better.", (GoldSpan(0, 19, "Flag-Waving"),), None
    )
    gold = {bench.PTC_DEV: [sentence], bench.PTC_DEV_PARAGRAPHS: [paragraph]}
    labels = {corpus: {"Flag-Waving"} for corpus in gold}
    rows, summary = bench.semeval2023_table(engine, lambda corpus: (gold[corpus], []), labels)
    flag = next(row for row in rows if row.startswith("| Flag_Waving |"))
    assert "| flag-waving | 1 | 0.0 | - | 1 | 100.0 | - |" in flag
    assert summary[0].startswith("**Sentences**") and bench.PTC_DEV in summary[0]
    assert any(line.startswith("**Paragraphs**") for line in summary)
