"""A documentation page per rule, generated from the rule itself (as ruff's rule pages are).

A rule file already carries everything a reader needs: its message, why it matters,
examples of what it flags and passes, what to write instead and references. Writing
that out as Markdown, instead of by hand, keeps ``docs/rules/`` exact; a test fails
when a page is stale, so the pages can be read and linked without running anything.

Output is deterministic (sorted, no timestamps, no absolute paths: a rule's source is
shown as ``<pack>/<technique>/<rule-id>.yml`` or ``plugin:NAME``), so regenerating
changes only what the rules changed. Run ``rhetoric rules docs [--check] [DIR]``
after reinstalling: it documents the installed analyzer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path, PurePath

import regex

from ..analyzer import Analyzer
from ..config import AnalyzerConfig
from ..engine.compiled import CompiledRules
from ..host import ENTRY_POINT_GROUP
from ..model import Example, RuleInfo
from ..techniques import Technique
from .safety import printable

DEFAULT_FOLDER = "docs/rules"
INDEX = "README.md"
REGENERATE = "rhetoric rules docs"
_DISTRIBUTION = "rhetoric"
_MATCH = regex.compile(r"""['"]?\{match\}['"]?""")
_MARKDOWN = regex.compile(r"([\\`*_\[\]<>|])")
_BACKTICKS = regex.compile(r"`+")


# --- what to document ---------------------------------------------------------------


def first_party_analyzer() -> Analyzer:
    """The default analyzer with previews, minus plugins of other distributions.

    The pages document what this project ships, so a third-party plugin installed
    next to it must not add pages (nor make the docs test fail on that machine).
    """
    foreign = frozenset(
        entry.name
        for entry in entry_points(group=ENTRY_POINT_GROUP)
        if entry.dist is None or entry.dist.metadata["Name"] != _DISTRIBUTION
    )
    return Analyzer.from_config(AnalyzerConfig(preview=True, disabled_plugins=foreign))


def documented_rules(analyzer: Analyzer) -> list[RuleInfo]:
    """Every rule the analyzer loaded, each with a source to show: a plugin rule that
    does not say where it comes from gets ``plugin:<detector name>``."""
    rules = {rule.id: rule for rule in analyzer.all_rules}
    for detector in analyzer.detectors:
        if isinstance(detector, CompiledRules):
            continue
        for rule in detector.rules:
            if not rule.source and rule.id in rules:
                rules[rule.id] = replace(rule, source=f"plugin:{detector.name}")
    return sorted(rules.values(), key=lambda r: (r.technique, r.id))


def display_source(source: str) -> str:
    """Where a rule is defined, as the repository shows it.

    A rule file's path ends in ``<pack>/<technique>/<rule-id>.yml`` wherever the pack
    is installed (``rules/`` in a checkout, ``site-packages/rhetoric_plugins/rules/``
    in an installation), so those three parts name it on every machine.
    """
    if not source or source.startswith("plugin:"):
        return source
    return "/".join(PurePath(source).parts[-3:])


# --- rendering ----------------------------------------------------------------------


def render_rule_page(rule: RuleInfo, technique: Technique) -> str:
    """A rule's page: what it flags, why it matters, examples, what to write instead,
    references."""
    lines = [
        f"# {rule.id} ({rule.technique})",
        "",
        f"Technique: [{_text(technique.name)}](../{INDEX}) (`{rule.technique}`)"
        + (f" · Defined in `{display_source(rule.source)}`" if rule.source else ""),
        "",
        f"Status: **{rule.status}** · Severity: **{rule.severity.value}** · "
        f"Kind: **{rule.kind}** · Confidence: **{rule.confidence:g}**"
        + (" · Tags: " + ", ".join(f"`{tag}`" for tag in rule.tags) if rule.tags else ""),
        "",
        "## What it flags",
        "",
        _text(summary(rule)),
        "",
        "## Why it matters",
        "",
        _text(rule.why),
    ]
    flagged = [example for example in rule.examples if example.flag]
    passed = [example for example in rule.examples if not example.flag]
    if flagged or passed:
        lines += ["", "## Examples"]
    if flagged:
        shown = "\n\n".join(_underlined(example) for example in flagged)
        lines += ["", "Flagged (the reported span is underlined):", "", *_code_block(shown)]
    if passed:
        apart = "\n\n" if any("\n" in example.text for example in passed) else "\n"
        shown = apart.join(_underlined(example) for example in passed)
        lines += ["", "Passed (not reported):", "", *_code_block(shown)]
    if rule.instead:
        lines += ["", "## Instead", "", _text(rule.instead)]
    if rule.references:
        lines += ["", "## References", "", *(f"- {_link(ref)}" for ref in rule.references)]
    return "\n".join(lines) + "\n"


def render_index(rules: Sequence[RuleInfo], techniques: Iterable[Technique]) -> str:
    """The index of the pages: per technique (sorted by id) its definition and a table
    of its rules."""
    by_technique: dict[str, list[RuleInfo]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        by_technique.setdefault(rule.technique, []).append(rule)
    lines = [
        "# Rules",
        "",
        "Every rule of the built-in analyzer (YAML rules and first-party plugins, previews "
        "included), by technique. Generated from the rules themselves by "
        f"`{REGENERATE}`: edit the rule, not these pages.",
    ]
    for technique in sorted(techniques, key=lambda t: t.id):
        lines += ["", f"## {_text(technique.name)} (`{technique.id}`)", ""]
        lines += [_text(technique.definition), ""]
        members = by_technique.get(technique.id, [])
        if not members:
            lines.append("No rules.")
            continue
        lines += ["| Rule | Severity | Status | Summary |", "|---|---|---|---|"]
        lines += [
            f"| [{rule.id}]({rule.technique}/{rule.id}.md) | {rule.severity.value} | "
            f"{rule.status} | {_text(summary(rule))} |"
            for rule in members
        ]
    return "\n".join(lines) + "\n"


def rule_doc_pages(rules: Iterable[RuleInfo], techniques: Iterable[Technique]) -> dict[str, str]:
    """Every page, by path relative to the docs folder (``<technique>/<rule-id>.md`` and
    the index), sorted."""
    known = {technique.id: technique for technique in techniques}
    rules = list(rules)
    pages = {INDEX: render_index(rules, known.values())}
    for rule in rules:
        if rule.technique not in known:
            raise ValueError(f"rule '{rule.id}' has unknown technique '{rule.technique}'")
        pages[f"{rule.technique}/{rule.id}.md"] = render_rule_page(rule, known[rule.technique])
    return dict(sorted(pages.items()))


def summary(rule: RuleInfo) -> str:
    """The rule's message said of any match: ``'{match}' is a slur.`` becomes
    ``The flagged text is a slur.``"""
    text = _MATCH.sub("the flagged text", " ".join(rule.message.split()))
    return text[:1].upper() + text[1:]


def _text(text: str) -> str:
    """Prose as Markdown shows it literally (rule text may hold ``f*ck`` or ``|``)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _link(reference: str) -> str:
    if regex.match(r"^https?://[^\s<>]+$", reference):
        return f"<{reference}>"
    return _text(reference)


def _code_block(body: str) -> list[str]:
    """``body`` fenced by more backticks than it holds in a row."""
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", body, fence]


def _underlined(example: Example) -> str:
    """The example's text, each line that holds a marked span followed by carets under
    the span, as a compiler points at an error. Control characters are shown escaped
    and wide characters count two columns, so the carets line up."""
    text, spans = example.parse()
    marked = [False] * len(text)
    for start, end in spans:
        for index in range(start, end):
            marked[index] = True
    out: list[str] = []
    shown: list[str] = []
    carets: list[str] = []

    def flush() -> None:
        out.append("".join(shown).rstrip())
        if "^" in carets:
            out.append("".join(carets).rstrip())
        shown.clear()
        carets.clear()

    for char, underline in zip(text, marked, strict=True):
        if char == "\n":
            flush()
            continue
        glyph = " " if char == "\t" else printable(char)
        shown.append(glyph)
        carets.append(("^" if underline else " ") * _width(glyph))
    flush()
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(
        0
        if unicodedata.combining(char)
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


# --- files --------------------------------------------------------------------------


def stale_rule_docs(pages: Mapping[str, str], folder: Path | str) -> list[str]:
    """Pages that are missing, differ from ``pages`` or belong to no rule (sorted
    relative paths); empty when the folder is current."""
    folder = Path(folder)
    stale = [path for path, content in pages.items() if _read(folder / path) != content]
    return sorted(stale + _orphans(pages, folder))


def write_rule_docs(pages: Mapping[str, str], folder: Path | str) -> list[str]:
    """Bring ``folder`` up to date: write missing or changed pages, delete pages of
    rules that no longer exist (and folders left empty). Returns what changed."""
    folder = Path(folder)
    changed: list[str] = []
    for path, content in pages.items():
        target = folder / path
        if _read(target) != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8", newline="\n")
            changed.append(path)
    for path in _orphans(pages, folder):
        target = folder / path
        target.unlink()
        if target.parent != folder and not any(target.parent.iterdir()):
            target.parent.rmdir()
        changed.append(path)
    return sorted(changed)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _orphans(pages: Mapping[str, str], folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    found = (path.relative_to(folder).as_posix() for path in folder.rglob("*.md"))
    return sorted(path for path in found if path not in pages)
