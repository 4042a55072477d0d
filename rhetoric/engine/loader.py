"""Find, read and validate rule and word-class files into plain specifications.

Layout of a rule folder: ``<technique>/<rule-id>.yml`` (one rule per file: the
folder names the technique, the stem is the id) and ``_classes/<class-name>.yml``
(reusable word classes for ``sequence`` templates). Anything else that is not
documentation is rejected, so a rule never goes silently unloaded because of a typo
in its extension.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import regex
import yaml

from ..model import GROUPS, Example, RuleInfo, Severity
from ..suggest import did_you_mean
from ..techniques import TechniqueRegistry
from .errors import RuleLoadError
from .inflect import inflections
from .scopes import SCOPES
from .specs import (
    CueGroup,
    EscalationCondition,
    RuleSet,
    RuleSpec,
    TermContext,
    TermSpec,
    WordClass,
    discover,
)
from .yamlnodes import YamlFile, line_of

_ID = regex.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_CLASS_REF = regex.compile(r"^\{([a-z0-9_]+)\}$")
# In a regex: escapes (``\{``, ``\p{L}``, ``\N{...}``) and sets (``[{}]``) are passed
# over whole; ``{name}`` with a letter in it (a quantifier has none) names a class.
_REGEX_CLASS = regex.compile(
    r"\\(?:[pPN]\{[^}]*\}|.)|\[\^?\]?(?:\\.|[^\]\\])*\]|\{([a-z0-9_-]*[a-z][a-z0-9_-]*)\}",
    regex.DOTALL,
)

KINDS = ("lexicon", "pattern", "sequence", "cooccurrence", "escalation")
COMMON_KEYS = (
    "id", "kind", "severity", "confidence", "status", "message", "why", "instead",
    "references", "examples", "exceptions", "antipatterns", "obfuscation", "masks",
    "community", "tags", "report",
)  # fmt: skip
KIND_KEYS = {
    "lexicon": ("terms", "inflect"),
    "pattern": ("pattern", "group", "against", "ignorecase", "timeout", "literals"),
    "sequence": ("templates", "within"),
    "cooccurrence": ("groups", "min_groups", "window", "within_sentence", "require", "inflect"),
    "escalation": ("all", "within", "effect", "span"),
}
REQUIRED_KEYS = ("kind", "message", "why", "examples")
KIND_REQUIRED = {
    "lexicon": ("terms",),
    "pattern": ("pattern",),
    "sequence": ("templates",),
    "cooccurrence": ("groups",),
    "escalation": ("all",),
}
# What one condition of an escalation rule asks of a hit (see EscalationCondition).
CONDITION_KEYS = (
    "techniques", "rules", "targets", "groups", "min_severity", "min_rules", "min_techniques",
)  # fmt: skip
# The most hits of distinct rules (techniques) one condition may ask for: conditions
# are matched by a search over a comment's hits, kept small.
MAX_DISTINCT = 6
# A rule's ``report``: "escalation-only" hits are cues for escalation rules.
REPORTS = ("always", "escalation-only")
TARGET_KINDS = ("addressee", "person", "group", "institution", "unspecified")
GROUP_KEYS = ("terms", "weight")
TERM_KEYS = ("term", "severity", "confidence", "inflect", "community")
# Only a lexicon rule's own terms may carry these (see TermSpec).
LEXICON_TERM_KEYS = ("message", "requires", "within")
TERM_SCOPES = ("sentence", "clause")
CLASS_KEYS = ("description", "terms", "inflect")
ANTIPATTERN_KEYS = ("pattern", "within")


def load_rule_paths(paths: Iterable[Path | str], techniques: TechniqueRegistry) -> RuleSet:
    """Load every rule and class under ``paths``; raise on the first invalid file."""
    ruleset = RuleSet()
    rule_files: list[Path] = []
    origin: dict[str, Path] = {}
    for raw in paths:
        rules, classes = discover(Path(raw))
        rule_files.extend(rules)
        for class_path in classes:
            word_class = _load_class(YamlFile(class_path))
            if word_class.name in ruleset.classes:
                other = ruleset.classes[word_class.name].path
                raise RuleLoadError(
                    class_path, None, f"word class '{word_class.name}' is also defined in {other}"
                )
            ruleset.classes[word_class.name] = word_class
    _check_class_includes(ruleset)
    for rule_path in rule_files:
        spec = _load_rule(YamlFile(rule_path), techniques, ruleset)
        if spec.info.id in origin:
            raise RuleLoadError(
                rule_path,
                None,
                f"rule id '{spec.info.id}' is also defined in {origin[spec.info.id]}",
            )
        origin[spec.info.id] = rule_path
        ruleset.rules.append(spec)
    _check_cue_rules(ruleset.rules)
    return ruleset


def _check_cue_rules(specs: Sequence[RuleSpec]) -> None:
    """An ``escalation-only`` rule whose hits no escalation condition can take would
    never be reported: a load error, not a silent rule."""
    conditions = [c for spec in specs if spec.kind == "escalation" for c in spec.conditions]
    for spec in specs:
        if spec.report != "escalation-only":
            continue
        info = spec.info
        if not any(
            (not c.techniques or info.technique in c.techniques)
            and (not c.rules or any(info.id.startswith(rule) for rule in c.rules))
            for c in conditions
        ):
            raise RuleLoadError(
                spec.path,
                None,
                f"rule '{info.id}' has 'report: escalation-only' but no escalation rule's "
                "condition can take its hits (name its technique or id in an escalation "
                "rule's 'all'), so it would never be reported",
            )


def _check_class_includes(ruleset: RuleSet) -> None:
    for word_class in ruleset.classes.values():
        for include, line in word_class.includes:
            if include not in ruleset.classes:
                raise RuleLoadError(word_class.path, line, f"unknown word class '{{{include}}}'")
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        state[name] = 1
        for include, line in ruleset.classes[name].includes:
            if state.get(include) == 1:
                raise RuleLoadError(
                    ruleset.classes[name].path,
                    line,
                    f"word class '{name}' includes itself through '{include}'",
                )
            if include not in state:
                visit(include)
        state[name] = 2

    for name in ruleset.classes:
        if name not in state:
            visit(name)


def _load_class(doc: YamlFile) -> WordClass:
    entries = doc.mapping(doc.root, "word class")
    doc.check_keys(entries, CLASS_KEYS, ("terms",), "word class", doc.root)
    name = doc.path.stem
    if not _ID.match(name):
        raise doc.fail(
            None, f"word class name '{name}' must be lowercase letters, digits, '_' or '-'"
        )
    description = (
        doc.string(entries["description"][1], "description") if "description" in entries else ""
    )
    inflect = doc.boolean(entries["inflect"][1], "inflect") if "inflect" in entries else False
    terms: list[TermSpec] = []
    includes: list[tuple[str, int]] = []
    for item in doc.sequence(entries["terms"][1], "terms"):
        if isinstance(item, yaml.ScalarNode):
            ref = _CLASS_REF.match(item.value.strip()) if item.tag.endswith(":str") else None
            if ref:
                includes.append((ref.group(1), line_of(item)))
                continue
        terms.append(_term(doc, item, where="a word class"))
    return WordClass(name, doc.path, description, tuple(terms), tuple(includes), inflect)


def _term(
    doc: YamlFile, node: yaml.Node, ruleset: RuleSet | None = None, where: str = ""
) -> TermSpec:
    """One term: a string, or a mapping with per-term settings; a lexicon's own terms
    (``ruleset`` given) may also carry a message and a context requirement."""
    if isinstance(node, yaml.MappingNode):
        entries = doc.mapping(node, "term")
        if ruleset is None:
            for key in LEXICON_TERM_KEYS:
                if key in entries:
                    raise doc.fail(
                        entries[key][0],
                        f"term key '{key}' is only for the terms of a lexicon rule, not {where}",
                    )
            doc.check_keys(entries, TERM_KEYS, ("term",), "term", node)
        else:
            doc.check_keys(entries, TERM_KEYS + LEXICON_TERM_KEYS, ("term",), "term", node)
        return TermSpec(
            text=_clean_term(doc, entries["term"][1]),
            line=line_of(node),
            severity=_severity(doc, entries["severity"][1]) if "severity" in entries else None,
            confidence=doc.number(entries["confidence"][1], "confidence", 0, 1)
            if "confidence" in entries
            else None,
            inflect=doc.boolean(entries["inflect"][1], "inflect") if "inflect" in entries else None,
            community=_community(doc, entries["community"][1]) if "community" in entries else None,
            **(_term_context(doc, entries, ruleset) if ruleset is not None else {}),
        )
    return TermSpec(text=_clean_term(doc, node), line=line_of(node))


def _term_context(
    doc: YamlFile, entries: dict[str, tuple[yaml.Node, yaml.Node]], ruleset: RuleSet
) -> dict[str, TermContext]:
    """A lexicon term's own ``message``, and the words or ``{class}`` references of
    which one must share its sentence (or clause, ``within``)."""
    found: dict[str, object] = {}
    if "message" in entries:
        found["message"] = doc.string(entries["message"][1], "term message")
    if "requires" in entries:
        node = entries["requires"][1]
        required: list[str] = []
        for value in doc.strings(node, "requires"):
            words = " ".join(value.split())
            ref = _CLASS_REF.match(words)
            if ref:
                if ref.group(1) not in ruleset.classes:
                    hint = did_you_mean(ref.group(1), list(ruleset.classes))
                    raise doc.fail(node, f"unknown word class '{words}' in requires{hint}")
            elif "{" in words or "}" in words:
                raise doc.fail(node, f"requires entry '{words}' must be words or one '{{class}}'")
            elif not words:
                raise doc.fail(node, "requires entries must not be empty")
            required.append(words)
        found["requires"] = tuple(dict.fromkeys(required))
    if "within" in entries:
        if "requires" not in entries:
            raise doc.fail(entries["within"][0], "term 'within' needs 'requires'")
        found["within"] = doc.choice(entries["within"][1], "term within", TERM_SCOPES)
    return {"context": TermContext(**found)} if found else {}  # type: ignore[arg-type]


def _tags(doc: YamlFile, node: yaml.Node) -> tuple[str, ...]:
    """A rule's tags: lowercase words joined by '-', each once."""
    tags = doc.strings(node, "tags")
    for tag in tags:
        if not _ID.match(tag):
            raise doc.fail(node, f"tag '{tag}' must be lowercase words joined by '-'")
    if len(set(tags)) != len(tags):
        raise doc.fail(node, "tags must not repeat")
    return tuple(tags)


def _community(doc: YamlFile, node: yaml.Node) -> str:
    """An identity group's name, one of ``rhetoric.GROUPS`` (HateXplain's names)."""
    value = doc.string(node, "community")
    if value not in GROUPS:
        hint = did_you_mean(value, GROUPS) or f" (one of: {', '.join(GROUPS)})"
        raise doc.fail(node, f"unknown community '{value}'{hint}")
    return value


def _clean_term(doc: YamlFile, node: yaml.Node) -> str:
    text = " ".join(doc.string(node, "term").split())
    if "{" in text or "}" in text:
        raise doc.fail(
            node, f"term '{text}' contains braces: class references belong in sequence templates"
        )
    return text


def _severity(doc: YamlFile, node: yaml.Node) -> Severity:
    return Severity(doc.choice(node, "severity", [s.value for s in Severity]))


def _examples(doc: YamlFile, node: yaml.Node) -> tuple[Example, ...]:
    entries = doc.mapping(node, "examples")
    doc.check_keys(entries, ("flag", "pass"), ("flag", "pass"), "examples", node)
    examples: list[Example] = []
    for item in doc.sequence(entries["flag"][1], "examples.flag"):
        example = Example(doc.string(item, "flag example"), flag=True)
        if not example.parse()[1]:
            raise doc.fail(item, "flag example must mark the expected span with [[...]]")
        examples.append(example)
    for item in doc.sequence(entries["pass"][1], "examples.pass"):
        example = Example(doc.string(item, "pass example"), flag=False)
        if example.parse()[1]:
            raise doc.fail(item, "pass example must not contain [[...]] markers")
        examples.append(example)
    return tuple(examples)


def _compile_regex(
    doc: YamlFile, node: yaml.Node, what: str, flags: int, ruleset: RuleSet
) -> regex.Pattern[str]:
    source = _expand_classes(doc, node, doc.string(node, what), what, ruleset)
    try:
        return regex.compile(source, flags)
    except regex.error as exc:
        raise doc.fail(node, f"{what} is not a valid regular expression: {exc}") from None


def _expand_classes(
    doc: YamlFile, node: yaml.Node, source: str, what: str, ruleset: RuleSet
) -> str:
    """``source`` with each ``{class}`` replaced by a word-bounded alternation of the
    class's terms, so a list shared by several rules' regexes is kept in one place.

    The result is plain regex syntax: the prefilters read its literals as they read a
    hand-written alternation's (a class with very short terms makes the regex always
    run, as such an alternation would)."""

    def replace(match: regex.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in ruleset.classes:
            hint = did_you_mean(name, list(ruleset.classes))
            raise doc.fail(node, f"unknown word class '{{{name}}}' in {what}{hint}")
        if name not in ruleset.alternations:
            ruleset.alternations[name] = _alternation(ruleset, name)
        return ruleset.alternations[name]

    return _REGEX_CLASS.sub(replace, source)


def _alternation(ruleset: RuleSet, name: str) -> str:
    """The class's terms (and their inflections where it inflects) as one group:
    escaped, any whitespace between words, longest first so that "smash bros" is
    preferred to "smash", and bounded by non-word characters on both sides."""
    forms: set[tuple[str, ...]] = set()
    for term in ruleset.class_terms(name):
        for form in inflections(term.text) if term.inflect else [term.text]:
            forms.add(tuple(form.split()))
    ordered = sorted(forms, key=lambda words: (-len(" ".join(words)), words))
    body = "|".join(r"\s+".join(regex.escape(word) for word in words) for words in ordered)
    return rf"(?<!\w)(?:{body})(?!\w)"


def _antipatterns(
    doc: YamlFile, entries: dict[str, tuple[yaml.Node, yaml.Node]], ruleset: RuleSet
) -> dict[str, tuple[object, ...]]:
    """A rule's antipatterns, each a regex or ``{pattern: ..., within: clause}``: matched
    on each clause (or sentence) alone, so it cancels only the hits of that part."""
    if "antipatterns" not in entries:
        return {}
    compiled: list[regex.Pattern[str]] = []
    scopes: list[str] = []
    for item in doc.sequence(entries["antipatterns"][1], "antipatterns"):
        within = "comment"
        if isinstance(item, yaml.MappingNode):
            fields = doc.mapping(item, "antipattern")
            doc.check_keys(fields, ANTIPATTERN_KEYS, ("pattern",), "antipattern", item)
            if "within" in fields:
                within = doc.choice(fields["within"][1], "antipattern within", SCOPES)
            item = fields["pattern"][1]
        compiled.append(_compile_regex(doc, item, "antipattern", regex.IGNORECASE, ruleset))
        scopes.append(within)
    found: dict[str, tuple[object, ...]] = {"antipatterns": tuple(compiled)}
    if any(scope != "comment" for scope in scopes):
        found["antipattern_scopes"] = tuple(scopes)
    return found


def _technique(
    doc: YamlFile, entries: dict[str, tuple[yaml.Node, yaml.Node]], techniques: TechniqueRegistry
) -> str:
    """The technique a rule file's folder names.

    A ``technique`` key could only repeat the folder or contradict it, so it is
    refused rather than checked: one place says it.
    """
    folder = doc.path.parent.name
    if "technique" in entries:
        raise doc.fail(
            entries["technique"][0],
            f"remove the 'technique' key: the folder '{folder}/' names the technique",
        )
    if folder not in techniques:
        raise doc.fail(
            None,
            f"folder '{folder}' is not a known technique{did_you_mean(folder, techniques.ids())}:"
            f" rule files live in <technique>/<rule-id>.yml; known techniques:"
            f" {', '.join(techniques.ids()) or 'none'}",
        )
    return folder


def _load_rule(doc: YamlFile, techniques: TechniqueRegistry, ruleset: RuleSet) -> RuleSpec:
    entries = doc.mapping(doc.root, "rule")
    technique = _technique(doc, entries, techniques)
    kind_node = entries.get("kind", (None, None))[1]
    kind = doc.choice(kind_node, "kind", KINDS) if kind_node is not None else None
    allowed: Sequence[str] = COMMON_KEYS + (
        KIND_KEYS[kind] if kind else sum(KIND_KEYS.values(), ())
    )
    doc.check_keys(
        entries, allowed, REQUIRED_KEYS + (KIND_REQUIRED[kind] if kind else ()), "rule", doc.root
    )
    assert kind is not None  # guaranteed by the required-key check above

    rule_id = doc.path.stem
    if not _ID.match(rule_id):
        raise doc.fail(
            None, f"rule id '{rule_id}' (the file name) must be lowercase words joined by '-'"
        )
    if "id" in entries:
        declared = doc.string(entries["id"][1], "id")
        if declared != rule_id:
            raise doc.fail(
                entries["id"][1], f"id '{declared}' must equal the file name '{rule_id}'"
            )

    def opt(key: str, read, default):  # type: ignore[no-untyped-def]
        return read(entries[key][1]) if key in entries else default

    info = RuleInfo(
        id=rule_id,
        technique=technique,
        message=doc.string(entries["message"][1], "message"),
        why=" ".join(doc.string(entries["why"][1], "why").split()),
        instead=" ".join(opt("instead", lambda n: doc.string(n, "instead"), "").split()),
        severity=opt("severity", lambda n: _severity(doc, n), Severity.WARNING),
        confidence=opt("confidence", lambda n: doc.number(n, "confidence", 0, 1), 0.7),
        status=opt("status", lambda n: doc.choice(n, "status", ("preview", "stable")), "preview"),
        kind=kind,
        references=tuple(opt("references", lambda n: doc.strings(n, "references"), [])),
        examples=_examples(doc, entries["examples"][1]),
        source=str(doc.path),
        tags=opt("tags", lambda n: _tags(doc, n), ()),
    )
    report = opt("report", lambda n: doc.choice(n, "report", REPORTS), "always")
    if kind == "escalation" and report != "always":
        raise doc.fail(
            entries["report"][1],
            "an escalation rule cannot be 'report: escalation-only' (it is what reports cues)",
        )
    common = {
        "info": info,
        "path": doc.path,
        "kind": kind,
        "exceptions": tuple(
            " ".join(e.split())
            for e in opt("exceptions", lambda n: doc.strings(n, "exceptions"), [])
        ),
        **_antipatterns(doc, entries, ruleset),
        "obfuscation": opt("obfuscation", lambda n: doc.boolean(n, "obfuscation"), True),
        "masks": opt("masks", lambda n: doc.boolean(n, "masks"), True),
        "community": opt("community", lambda n: _community(doc, n), None),
        "report": report,
    }
    if kind == "lexicon":
        terms = tuple(
            _term(doc, item, ruleset) for item in doc.sequence(entries["terms"][1], "terms")
        )
        return RuleSpec(
            **common,
            terms=terms,
            inflect=opt("inflect", lambda n: doc.boolean(n, "inflect"), False),
        )
    if kind == "pattern":
        ignorecase = opt("ignorecase", lambda n: doc.boolean(n, "ignorecase"), True)
        pattern_node = entries["pattern"][1]
        compiled = _compile_regex(
            doc, pattern_node, "pattern", regex.IGNORECASE if ignorecase else 0, ruleset
        )
        group = opt("group", lambda n: doc.string(n, "group"), None)
        if group is not None and group not in compiled.groupindex:
            raise doc.fail(entries["group"][1], f"pattern has no group named '{group}'")
        if group is None and "hit" in compiled.groupindex:
            group = "hit"
        against = opt(
            "against", lambda n: doc.choice(n, "against", ("normalized", "original")), "normalized"
        )
        return RuleSpec(
            **common,
            pattern=compiled.pattern,
            pattern_line=line_of(pattern_node),
            group=group,
            on_original=against == "original",
            ignorecase=ignorecase,
            timeout=opt("timeout", lambda n: doc.number(n, "timeout", 0.001, 10), None),
            literals=tuple(opt("literals", lambda n: doc.strings(n, "literals"), [])),
        )
    if kind == "cooccurrence":
        return _cooccurrence(doc, entries, common, ruleset, info.confidence)
    if kind == "escalation":
        return _escalation(doc, entries, common, techniques)
    templates = []
    for item in doc.sequence(entries["templates"][1], "templates"):
        text = doc.string(item, "template")
        # Not gaps (``*{0,3}``) nor repetitions (``{class}{1,2}``).
        for ref in regex.findall(r"(?<![*}])\{!?([^}]*)\}", text):
            if ref not in ruleset.classes:
                hint = did_you_mean(ref, list(ruleset.classes))
                raise doc.fail(item, f"unknown word class '{{{ref}}}' in template{hint}")
        templates.append((text, line_of(item)))
    within = "sentence"
    if "within" in entries:
        within = doc.choice(entries["within"][1], "within", ("sentence", "clause", "question"))
    return RuleSpec(**common, templates=tuple(templates), within=within)


def _escalation(
    doc: YamlFile,
    entries: dict[str, tuple[yaml.Node, yaml.Node]],
    common: dict[str, object],
    techniques: TechniqueRegistry,
) -> RuleSpec:
    """An escalation rule: conditions that distinct hits of one comment (or one of its
    sentences) must meet together, and what follows when they do."""
    conditions = [
        _condition(doc, item, techniques) for item in doc.sequence(entries["all"][1], "all")
    ]
    within = "comment"
    if "within" in entries:
        within = doc.choice(entries["within"][1], "within", ("comment", "sentence"))
    effect = "combine"
    if "effect" in entries:
        effect = doc.choice(entries["effect"][1], "effect", ("combine", "raise"))
    span = "covering"
    if "span" in entries:
        span = doc.choice(entries["span"][1], "span", ("covering", "cues"))
        if effect != "combine":
            raise doc.fail(entries["span"][0], "'span' is only for 'effect: combine'")
    return RuleSpec(
        **common,  # type: ignore[arg-type]
        conditions=tuple(conditions),
        within=within,
        effect=effect,
        span=span,
    )


def _condition(
    doc: YamlFile, item: yaml.Node, techniques: TechniqueRegistry
) -> EscalationCondition:
    fields = doc.mapping(item, "condition")
    doc.check_keys(fields, CONDITION_KEYS, (), "condition", item)

    def strings(key: str, known: Sequence[str] | None, what: str) -> tuple[str, ...]:
        if key not in fields:
            return ()
        node = fields[key][1]
        values = doc.strings(node, key)
        for value in values:
            if known is not None and value not in known:
                hint = did_you_mean(value, known) or f" (one of: {', '.join(known)})"
                raise doc.fail(node, f"unknown {what} '{value}'{hint}")
        return tuple(values)

    def count(key: str) -> int:
        if key not in fields:
            return 1
        node = fields[key][1]
        value = doc.number(node, key, 1, MAX_DISTINCT)
        if value != int(value):
            raise doc.fail(node, f"{key} must be a whole number (got {node.value})")
        return int(value)

    min_rules, min_techniques = count("min_rules"), count("min_techniques")
    if min_rules > 1 and min_techniques > 1:
        raise doc.fail(item, "a condition may count distinct rules or techniques, not both")
    severity = fields.get("min_severity")
    return EscalationCondition(
        techniques=frozenset(strings("techniques", techniques.ids(), "technique")),
        rules=strings("rules", None, "rule"),
        targets=frozenset(strings("targets", TARGET_KINDS, "target kind")),
        groups=frozenset(strings("groups", GROUPS, "group")),
        min_severity=_severity(doc, severity[1]) if severity is not None else None,
        min_rules=min_rules,
        min_techniques=min_techniques,
    )


def _cooccurrence(
    doc: YamlFile,
    entries: dict[str, tuple[yaml.Node, yaml.Node]],
    common: dict[str, object],
    ruleset: RuleSet,
    default_weight: float,
) -> RuleSpec:
    groups_node = entries["groups"][1]
    groups: list[CueGroup] = []
    for name, (_, node) in doc.mapping(groups_node, "groups").items():
        group_entries = doc.mapping(node, f"group '{name}'")
        doc.check_keys(group_entries, GROUP_KEYS, ("terms",), f"group '{name}'", node)
        terms: list[TermSpec] = []
        includes: list[tuple[str, int]] = []
        for item in doc.sequence(group_entries["terms"][1], f"group '{name}' terms"):
            ref = (
                _CLASS_REF.match(item.value.strip()) if isinstance(item, yaml.ScalarNode) else None
            )
            if ref:
                if ref.group(1) not in ruleset.classes:
                    raise doc.fail(item, f"unknown word class '{{{ref.group(1)}}}'")
                includes.append((ref.group(1), line_of(item)))
            else:
                terms.append(_term(doc, item, where="a co-occurrence group"))
        weight = (
            doc.number(group_entries["weight"][1], "weight", 0, 1)
            if "weight" in group_entries
            else default_weight
        )
        groups.append(CueGroup(name, tuple(terms), tuple(includes), weight))
    if len(groups) < 2:
        raise doc.fail(groups_node, "a co-occurrence rule needs at least two cue groups")
    min_groups = 2
    if "min_groups" in entries:
        min_groups = int(doc.number(entries["min_groups"][1], "min_groups", 1, len(groups)))
    window: int | None = None
    if "window" in entries:
        node = entries["window"][1]
        if isinstance(node, yaml.ScalarNode) and node.value == "sentence":
            window = None
        else:
            window = int(doc.number(node, "window (tokens, or 'sentence')", 2, 200))
    inflect = doc.boolean(entries["inflect"][1], "inflect") if "inflect" in entries else False
    within_sentence = False
    if "within_sentence" in entries:
        within_sentence = doc.boolean(entries["within_sentence"][1], "within_sentence")
    names = [group.name for group in groups]
    require: list[int] = []
    if "require" in entries:
        node = entries["require"][1]
        for name in doc.strings(node, "require"):
            if name not in names:
                raise doc.fail(
                    node, f"require names unknown group '{name}' (groups: {', '.join(names)})"
                )
            require.append(names.index(name))
    return RuleSpec(
        **common,  # type: ignore[arg-type]
        groups=tuple(groups),
        min_groups=min_groups,
        window=window,
        within_sentence=within_sentence,
        require=tuple(require),
        inflect=inflect,
    )
