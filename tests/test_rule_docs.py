"""The rule pages in docs/rules/ are generated from the rules and kept current; the
rendering shows what a reader needs and stays well-formed when a rule says little."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RuleWriter, only_rules

from rhetoric import Analyzer, Example, RuleInfo, RuleLoadError, Severity, Technique
from rhetoric.outputs.rule_docs import (
    REGENERATE,
    display_source,
    documented_rules,
    first_party_analyzer,
    render_index,
    render_rule_page,
    rule_doc_pages,
    stale_rule_docs,
    write_rule_docs,
)

ROOT = Path(__file__).resolve().parent.parent
TECHNIQUE = Technique("name-calling", "Name calling / labeling", "Attaching a label.")
FULL = RuleInfo(
    id="sample-label",
    technique="name-calling",
    message="'{match}' labels people | instead of answering them.",
    why="Labels make readers dismiss people unheard.",
    severity=Severity.ERROR,
    confidence=0.85,
    status="stable",
    kind="lexicon",
    references=("https://example.org/labels", "A book, page 3"),
    examples=(
        Example("Those [[parasites]] want your money.", flag=True),
        Example("The vet treated intestinal parasites.", flag=False),
    ),
    source="/somewhere/site-packages/rhetoric_plugins/rules/name-calling/sample-label.yml",
    instead="Say what the person did and why it is wrong, without the label.",
)
BARE = RuleInfo(id="bare", technique="name-calling", message="{match}", why="Because.")


@pytest.fixture(scope="module")
def shipped() -> Analyzer:
    return first_party_analyzer()


@pytest.fixture(scope="module")
def pages(shipped: Analyzer) -> dict[str, str]:
    return rule_doc_pages(documented_rules(shipped), shipped.techniques)


def test_the_rule_pages_in_docs_are_current(pages: dict[str, str]) -> None:
    stale = stale_rule_docs(pages, ROOT / "docs" / "rules")
    assert not stale, (
        f"stale rule pages in docs/rules (missing, outdated or orphaned): {', '.join(stale)}; "
        f"reinstall, then run `{REGENERATE}` to regenerate them"
    )


def test_every_loaded_rule_has_a_page_with_a_relative_source(
    shipped: Analyzer, pages: dict[str, str]
) -> None:
    for rule in shipped.all_rules:
        page = pages[f"{rule.technique}/{rule.id}.md"]
        assert f"[{rule.id}]({rule.technique}/{rule.id}.md)" in pages["README.md"]
        assert page.startswith(f"# {rule.id} ({rule.technique})\n")
    yaml_rule = pages["name-calling/insult-label.md"]
    assert "Defined in `rules/name-calling/insult-label.yml`" in yaml_rule
    assert "Defined in `plugin:nicknames`" in pages["name-calling/pejorative-nickname.md"]
    for content in pages.values():
        assert "site-packages" not in content and str(ROOT) not in content


def test_a_page_shows_span_why_instead_and_references() -> None:
    page = render_rule_page(FULL, TECHNIQUE)
    assert page.startswith("# sample-label (name-calling)\n")
    assert "Defined in `rules/name-calling/sample-label.yml`" in page
    status = "Status: **stable** · Severity: **error** · Kind: **lexicon** · Confidence: **0.85**"
    assert f"\n{status}\n" in page
    assert "The flagged text labels people \\| instead of answering them." in page
    assert "Those parasites want your money.\n      ^^^^^^^^^\n" in page
    assert "The vet treated intestinal parasites.\n```" in page
    assert "## Why it matters\n\nLabels make readers dismiss people unheard.\n" in page
    assert "## Instead\n\nSay what the person did and why it is wrong, without the label.\n" in page
    assert page.endswith("## References\n\n- <https://example.org/labels>\n- A book, page 3\n")
    assert render_rule_page(FULL, TECHNIQUE) == page


def test_a_page_without_examples_instead_or_references_is_well_formed() -> None:
    page = render_rule_page(BARE, TECHNIQUE)
    assert page.startswith("# bare (name-calling)\n\n")
    for absent in ("## Examples", "## Instead", "## References", "Defined in", "None", "```"):
        assert absent not in page
    assert "## What it flags\n\nThe flagged text\n\n## Why it matters\n\nBecause.\n" in page
    assert page.endswith("Because.\n") and "\n\n\n" not in page


def test_spans_are_underlined_on_their_own_line_and_fences_outgrow_backticks() -> None:
    rule = RuleInfo(
        id="multi",
        technique="name-calling",
        message="m",
        why="w",
        examples=(Example("first line\nthen [[日本]] and ``` [[x]]", flag=True),),
    )
    page = render_rule_page(rule, TECHNIQUE)
    assert "````text\nfirst line\nthen 日本 and ``` x\n     ^^^^         ^\n````" in page


def test_the_index_lists_rules_by_technique() -> None:
    other = Technique("slur", "Slur", "A derogatory term.")
    index = render_index([FULL, BARE], [other, TECHNIQUE])
    assert index.index("## Name calling / labeling (`name-calling`)") < index.index(
        "## Slur (`slur`)"
    )
    assert "| [bare](name-calling/bare.md) | warning | preview | The flagged text |" in index
    assert "[sample-label](name-calling/sample-label.md) | error | stable |" in index
    assert index.endswith("## Slur (`slur`)\n\nA derogatory term.\n\nNo rules.\n")


def test_sources_are_shown_relative() -> None:
    assert display_source("/a/b/rules/slur/x.yml") == "rules/slur/x.yml"
    assert display_source("rules/slur/x.yml") == "rules/slur/x.yml"
    assert display_source("plugin:nicknames") == "plugin:nicknames"


def test_write_and_stale_agree(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    pages = rule_doc_pages([FULL, BARE], [TECHNIQUE])
    assert stale_rule_docs(pages, folder) == sorted(pages)
    assert write_rule_docs(pages, folder) == sorted(pages)
    assert stale_rule_docs(pages, folder) == [] and write_rule_docs(pages, folder) == []
    (folder / "name-calling" / "bare.md").write_text("edited by hand\n")
    (folder / "slur").mkdir()
    (folder / "slur" / "gone.md").write_text("a rule that was removed\n")
    expected = ["name-calling/bare.md", "slur/gone.md"]
    assert stale_rule_docs(pages, folder) == expected
    assert write_rule_docs(pages, folder) == expected
    assert not (folder / "slur").exists()
    assert (folder / "name-calling" / "bare.md").read_text() == pages["name-calling/bare.md"]


def test_instead_is_read_from_the_rule_file(write_rule: RuleWriter, rules_dir: Path) -> None:
    body = (
        "kind: lexicon\nmessage: m\nwhy: w\ninstead: >\n  Say what\n  they did.\n"
        "terms: [heck]\nexamples:\n  flag: ['[[heck]]']\n  pass: ['hello']\n"
    )
    write_rule("profanity/mild.yml", body)
    assert only_rules(rules_dir).rule("mild").instead == "Say what they did."
    path = write_rule("profanity/mild.yml", body.replace(" >\n  Say what\n  they did.", " [x]"))
    with pytest.raises(RuleLoadError, match=rf"^{path}:4: instead must be a string"):
        only_rules(rules_dir)
