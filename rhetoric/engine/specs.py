"""The rule model: validated rules and word classes, and where rule files are.

What the YAML loader produces and the compiler, the escalation stage and the
compiled-rules cache consume. Kept apart from the loader so that a start-up served
by the cache (the common case) never imports the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex

from ..model import RuleInfo, Severity
from ..pickling import pickled_by_constructor
from .errors import RuleLoadError

RULE_SUFFIXES = (".yml", ".yaml")
CLASSES_DIR = "_classes"
_DOC_NAMES = ("readme", "license", "licence", "notice", "changelog")
# The largest rule file accepted: a 100,000-term lexicon is about 2 MB.
MAX_FILE_BYTES = 5 * 1024 * 1024


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class TermSpec:
    """One lexicon entry, with optional per-term overrides of the rule defaults."""

    text: str
    line: int
    severity: Severity | None = None
    confidence: float | None = None
    inflect: bool | None = None
    community: str | None = None  # the identity group the term names (a slur's)
    context: TermContext | None = None  # a lexicon term's own message and requirement


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class TermContext:
    """What a lexicon term may add (one object, absent from nearly every term, so the
    compiled-rules cache does not grow by a field per term): the message of its hits
    (None: the rule's), and words, phrases or ``{class}`` references of which one must
    occur, outside the term, in its sentence or clause (``within``)."""

    message: str | None = None
    requires: tuple[str, ...] = ()
    within: str = "sentence"


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class CueGroup:
    """One kind of cue of a co-occurrence rule (an agent, an intent...)."""

    name: str
    terms: tuple[TermSpec, ...]
    includes: tuple[tuple[str, int], ...]
    weight: float


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class EscalationCondition:
    """What one hit must be for an escalation rule: of these techniques, of rules
    starting with these ids, aimed at these kinds of target and groups, at least this
    severe (each optional). ``min_rules`` (``min_techniques``) asks for that many hits
    meeting it, each of a different rule (technique): two hits of one weak cue rule
    are one signal, not two."""

    techniques: frozenset[str] = frozenset()
    rules: tuple[str, ...] = ()
    targets: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    min_severity: Severity | None = None
    min_rules: int = 1
    min_techniques: int = 1


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A validated rule file, ready to compile."""

    info: RuleInfo
    path: Path
    kind: str
    terms: tuple[TermSpec, ...] = ()
    inflect: bool = False
    pattern: str = ""
    pattern_line: int = 0
    group: str | None = None
    on_original: bool = False
    ignorecase: bool = True
    timeout: float | None = None
    literals: tuple[str, ...] = ()
    templates: tuple[tuple[str, int], ...] = ()
    groups: tuple[CueGroup, ...] = ()
    min_groups: int = 2
    window: int | None = None
    within_sentence: bool = False
    require: tuple[int, ...] = ()
    exceptions: tuple[str, ...] = ()
    antipatterns: tuple[regex.Pattern[str], ...] = ()
    # Per antipattern, where it is matched ("comment", "sentence" or "clause": see
    # engine/scopes.py); empty when every one is matched on the whole comment.
    antipattern_scopes: tuple[str, ...] = ()
    obfuscation: bool = True
    masks: bool = True
    # The identity group the rule's hits aim at (one of rhetoric.GROUPS): a slur names
    # its target; terms may name their own.
    community: str | None = None
    conditions: tuple[EscalationCondition, ...] = ()
    # Escalation: "comment" or "sentence"; sequence: "sentence", "clause" or "question"
    # (only inside a sentence that ends with a question mark).
    within: str = "comment"
    effect: str = "combine"
    # Any rule: "escalation-only" keeps its hits out of reports unless an escalation
    # rule raised them or combined them into its finding (weak cues).
    report: str = "always"
    # A combining escalation's finding: "covering" spans every hit it joins; "cues" is
    # reported on its first cue and lists each cue's span (a document-level finding).
    span: str = "covering"


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class WordClass:
    """A named, reusable list of terms for sequence templates."""

    name: str
    path: Path
    description: str
    terms: tuple[TermSpec, ...]
    includes: tuple[tuple[str, int], ...]
    inflect: bool


@dataclass(slots=True)
class RuleSet:
    """Everything loaded from a set of rule folders."""

    rules: list[RuleSpec] = field(default_factory=list)
    classes: dict[str, WordClass] = field(default_factory=dict)
    # Per word class, the regex alternation its ``{name}`` stands for in a regex
    # (built once, however many rules name it).
    alternations: dict[str, str] = field(default_factory=dict)

    def class_terms(self, name: str) -> list[TermSpec]:
        """A class's terms with its includes expanded (cycles were rejected at load)."""
        seen: set[str] = set()
        out: list[TermSpec] = []

        def walk(current: str) -> None:
            if current in seen:
                return
            seen.add(current)
            word_class = self.classes[current]
            for term in word_class.terms:
                inflect = word_class.inflect if term.inflect is None else term.inflect
                out.append(TermSpec(term.text, term.line, term.severity, term.confidence, inflect))
            for include, _ in word_class.includes:
                walk(include)

        walk(name)
        return out


def discover(path: Path) -> tuple[list[Path], list[Path]]:
    """Rule files and class files under ``path`` (a folder or a single rule file)."""
    if path.is_file():
        if path.suffix not in RULE_SUFFIXES:
            raise RuleLoadError(path, None, "not a rule file: rule files end in .yml or .yaml")
        _check_size(path)
        return ([], [path]) if path.parent.name == CLASSES_DIR else ([path], [])
    if not path.is_dir():
        raise RuleLoadError(path, None, "rule path does not exist")
    rules: list[Path] = []
    classes: list[Path] = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path)
        if any(part.startswith(".") for part in rel.parts) or "__pycache__" in rel.parts:
            continue
        if file.stem.lower() in _DOC_NAMES or file.suffix.lower() in (".md", ".txt", ".rst"):
            continue
        if file.suffix not in RULE_SUFFIXES:
            raise RuleLoadError(file, None, "not a rule file: rule files end in .yml or .yaml")
        _check_size(file)
        (classes if file.parent.name == CLASSES_DIR else rules).append(file)
    return rules, classes


def _check_size(file: Path) -> None:
    """Refuse an oversized file here, before the compiled-rules cache hashes it."""
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise too_large(file, size)


def too_large(path: Path, size: int) -> RuleLoadError:
    """The error for a rule file over :data:`MAX_FILE_BYTES` (checked before reading)."""
    return RuleLoadError(
        path,
        None,
        f"file is {size / 1_048_576:.1f} MB; rule files may be at most "
        f"{MAX_FILE_BYTES // 1_048_576} MB (split it into several rules)",
    )
