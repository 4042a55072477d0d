"""Compile a loaded :class:`RuleSet` into one detector: the YAML rule engine.

Lexicon terms, word-class terms and exceptions share one :class:`TokenTrie`;
sequence templates are indexed by their first element; pattern rules are
compiled regexes run with a time bound; escalation rules are kept for the analyzer,
which applies them to every detector's hits (:mod:`rhetoric.engine.escalation`).
The result is an ordinary detector (the same protocol plugins implement), so the
runner treats YAML and Python alike.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import NamedTuple

import regex

from ..config import AnalyzerConfig
from ..document import Document
from ..hookspecs import fold_cues
from ..model import DetectorError, Hit, RuleInfo, Target, TargetKind
from ..pickling import pickled_by_constructor
from ..text import PreparedText, prepare
from ..text.tokens import hashtag_words
from ..text.urls import url_spans
from . import syntax
from .anchors import AnchorIndex, Requirement, phrase_anchor, rarest, union_of_rarest
from .errors import RuleLoadError
from .escalation import Escalations
from .inflect import inflections
from .literals import (
    LiteralGroups,
    MatchStarts,
    alternative_sources,
    anchored_literals,
    required_groups,
    required_literals,
    spread,
)
from .scopes import context_met, scoped_spans
from .sequence import (
    SequenceMatcher,
    Template,
    TemplateError,
    TemplateIndex,
    parse_template,
)
from .specs import RuleSet, RuleSpec, TermSpec
from .trie import EXACT, MASK, TokenTrie, TrieMatch

_NORM = attrgetter("norm")
_START = attrgetter("start")
_VARIANTS = attrgetter("variants")
MASK_CONFIDENCE = 0.9  # a masked word could in principle be another word of that shape
_BREAK = re.compile(r"[.!?;]|\n\s*\n")
_CLAUSE = re.compile(r"[,;:]")
_TERMINATOR = re.compile(r"[.!?]")
# Consecutive places a pattern may start beyond which one search replaces a call at
# each (``_matches_from``): a call costs about five times a scan's try at one place.
_LONG_RUN = 16
# Beyond this many places per occurrence of a literal, trying them costs more than the
# scan they replace (measured on the built-in rules: a spread of 121 or 163 chars, for
# "will" or "kill" after a long bounded lead, doubled their cost; 17 or less halved it).
_WIDEST_SPREAD = 20

# The longest subjects on which a pattern's ``match`` and ``search`` calls need no
# timeout (engine/backtrack.py); ``_TIMED``: none.
_Limits = tuple[int, int]
_TIMED: _Limits = (-1, -1)
# What the pattern prefilters found in a comment: its normalized text, the literal
# groups present there, its original text, the patterns whose literals are in that.
_Found = tuple[str, int, str, int]


def _limits(pattern: regex.Pattern[str], timeout: float) -> _Limits:
    """``backtrack.limits`` as plain numbers: the module is needed only to compile
    rules, not to read them from the cache."""
    from .backtrack import limits

    match, search = limits(pattern, timeout)
    return match, search


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _Term:
    rule: int
    term: TermSpec


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _NeedTerm(_Term):
    """A term with ``requires``: ``need`` is what must share its sentence (the
    ``_need_trie`` payload)."""

    need: int = -1


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _Exception:
    rule: int


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class _Cue:
    rule: int
    group: int


class _PatternMatch(NamedTuple):
    begin: int  # in the original text
    finish: int
    matched: str  # what the regex matched, before any snapping
    refused: str | None  # why the match is not reported (None: it is)


class _CueMatch(NamedTuple):
    first: int
    last: int
    start: int
    end: int
    group: int


# Rule terms are mostly plain words: for those, prepare() yields exactly the
# lowercased words, and skipping it cuts loading a 100,000-term lexicon from about
# 2.6 s to 1.6 s (tests/robustness/test_rules_large_lexicon.py).
_PLAIN_TERM = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _phrase_requirement(
    tokens: tuple[str, ...], singles: dict[str, frozenset[str]]
) -> Requirement | None:
    """A phrase needs all its words (None for one word: the anchor is enough)."""
    if len(tokens) == 1:
        return None
    # One shared set per word: phrases repeat the same few words, and the
    # compiled-rules cache stores a shared object once.
    words = tuple(singles.setdefault(token, frozenset((token,))) for token in dict.fromkeys(tokens))
    return Requirement(len(words), words)


def _term_tokens(text: str) -> tuple[str, ...]:
    if _PLAIN_TERM.fullmatch(text):
        return tuple(text.lower().split(" "))
    return tuple(token.norm for token in prepare(text).tokens)


class CompiledRules:
    """The YAML rule engine as a detector named ``rules``."""

    name = "rules"

    def __init__(self, ruleset: RuleSet, config: AnalyzerConfig) -> None:
        self._timeout = config.regex_timeout
        self._fast = config.fast_paths
        self._specs: list[RuleSpec] = [
            spec
            for spec in ruleset.rules
            if (config.preview or spec.info.status == "stable")
            and config.is_selected(spec.info.technique, spec.info.id)
        ]
        self._trie = TokenTrie()
        # Word-class terms have their own trie: only templates use them, and a plain
        # comment whose words rule out every template never scans it.
        self._class_trie = TokenTrie()
        # The words and classes lexicon terms require in their sentence (``requires``),
        # scanned only on comments where such a term matched.
        self._need_trie = TokenTrie()
        needs: dict[tuple[str, ...], int] = {}
        self._template_gate = AnchorIndex()
        self._templates = TemplateIndex()
        self._patterns: list[tuple[int, regex.Pattern[str], tuple[str, ...] | None]] = []
        # Per pattern rule whose matches can only start near its literals: where they
        # can, and the pieces to try there (``_pattern_matches``, on an ASCII subject).
        self._starts: dict[int, _Starts] = {}
        # Per pattern rule, the subjects its calls need no timeout on (engine/backtrack.py).
        self._limits: dict[int, _Limits] = {}
        # What must occur for any rule to fire (see engine/anchors.py).
        anchors = AnchorIndex()
        singles: dict[str, frozenset[str]] = {}
        used_classes: set[str] = set()
        templates: list[Template] = []
        for index, spec in enumerate(self._specs):
            for exception in spec.exceptions:
                self._trie.add(_term_tokens(exception), _Exception(index))
            if spec.kind == "lexicon":
                for term in spec.terms:
                    inflect = spec.inflect if term.inflect is None else term.inflect
                    payload = _Term(index, term)
                    if term.context is not None and term.context.requires:
                        need = self._need(term.context.requires, ruleset, needs)
                        payload = _NeedTerm(index, term, need)
                    for form in inflections(term.text) if inflect else [term.text]:
                        tokens = _term_tokens(form)
                        self._trie.add(tokens, payload)
                        if tokens:
                            anchors.add(
                                [phrase_anchor(tokens)], _phrase_requirement(tokens, singles)
                            )
            elif spec.kind == "cooccurrence":
                group_anchors: list[frozenset[str]] = []
                for group_index, group in enumerate(spec.groups):
                    terms = list(group.terms)
                    for name, _ in group.includes:
                        terms.extend(ruleset.class_terms(name))
                    found: set[str] = set()
                    for term in terms:
                        inflect = spec.inflect or bool(term.inflect)
                        for form in inflections(term.text) if inflect else [term.text]:
                            tokens = _term_tokens(form)
                            self._trie.add(tokens, _Cue(index, group_index))
                            if tokens:
                                found.add(phrase_anchor(tokens))
                    group_anchors.append(frozenset(found))
                # At least min_groups groups, the required ones among them: anchored on
                # the rarest required group, or on enough of the rarest groups.
                needed = Requirement(max(spec.min_groups, len(spec.require)), tuple(group_anchors))
                if spec.require:
                    anchors.add(rarest(group_anchors[g] for g in spec.require), needed)
                else:
                    anchors.add(union_of_rarest(group_anchors, spec.min_groups), needed)
            elif spec.kind == "sequence":
                for source, line in spec.templates:
                    try:
                        template = parse_template(source, index, spec.within == "clause")
                    except TemplateError as exc:
                        raise RuleLoadError(
                            spec.path, line, f"template '{source}': {exc}"
                        ) from None
                    templates.append(template)
                    used_classes.update(e.name for e in template.elements if e.name)  # negative too
            elif spec.kind == "pattern":
                flags = regex.IGNORECASE if spec.ignorecase else 0
                literals = _prefilter(spec, flags) if config.fast_paths else None
                compiled = regex.compile(spec.pattern, flags)
                self._patterns.append((index, compiled, literals))
                timeout = spec.timeout or config.regex_timeout
                self._limits[index] = _limits(compiled, timeout) if self._fast else _TIMED
                plan = _plan_starts(spec, compiled, flags, timeout) if self._fast else None
                if plan is not None:
                    self._starts[index] = plan
        # Per rule with antipatterns, for each antipattern the literals of which a match
        # needs one (None: it always runs). Without fast paths every antipattern runs.
        self._antipattern_literals: dict[int, tuple[tuple[str, ...] | None, ...]] = {
            index: tuple(
                _antipattern_prefilter(antipattern) if config.fast_paths else None
                for antipattern in spec.antipatterns
            )
            for index, spec in enumerate(self._specs)
            if spec.antipatterns
        }
        self._antipattern_limits: dict[int, tuple[_Limits, ...]] = {
            index: tuple(
                _limits(antipattern, config.regex_timeout) if self._fast else _TIMED
                for antipattern in spec.antipatterns
            )
            for index, spec in enumerate(self._specs)
            if spec.antipatterns
        }
        # Escalation rules act on every detector's hits: the analyzer applies them.
        self.escalations = Escalations(self._specs)
        class_anchors: dict[str, frozenset[str]] = {}
        for name in sorted(used_classes):
            found = set()
            for term in ruleset.class_terms(name):
                for form in inflections(term.text) if term.inflect else [term.text]:
                    tokens = _term_tokens(form)
                    self._class_trie.add(tokens, name)  # its payloads: class names
                    if tokens:
                        found.add(phrase_anchor(tokens))
            class_anchors[name] = frozenset(found)
        for template in templates:
            self._templates.add(template, class_anchors)
            options = [*template.required_words]
            options.extend(class_anchors[name] for name in template.required_classes)
            needed, key = Requirement(len(options), tuple(options)), rarest(options)
            anchors.add(key, needed)
            self._template_gate.add(key, needed)
        anchors.freeze()
        self._template_gate.freeze()
        self._templates.freeze()
        self._anchors = anchors
        # Without a pattern rule that has no prefilter, a plain comment without any
        # anchor is skipped whole (``_cannot_fire``).
        self._skip_plain = config.fast_paths and all(
            literals is not None for _, _, literals in self._patterns
        )
        # The prefilters of the pattern rules that match the normalized text, looked
        # for in one pass (bit i: pattern i); those on the original text (few, and
        # case-sensitive) test their literals one by one.
        groups: list[tuple[str, ...]] = [
            literals if literals is not None and not self._specs[rule].on_original else ()
            for rule, _, literals in self._patterns
        ]
        # On an ASCII subject a pattern also needs every group of literals of one of its
        # alternatives (``required_groups``): per pattern, the bit masks of those groups
        # (appended to the same pass), None when it has none.
        self._strict: list[tuple[int, ...] | None] = []
        position: dict[tuple[str, ...], int] = {}
        for index, group in enumerate(groups):
            position.setdefault(group, index)
        for rule, pattern, _ in self._patterns:
            found = None
            if config.fast_paths and not self._specs[rule].on_original:
                found = required_groups(pattern.pattern, pattern.flags & regex.IGNORECASE)
            if found is None:
                self._strict.append(None)
                continue
            masks = []
            for alternative in found:
                mask = 0
                for group in alternative:
                    if group not in position:
                        position[group] = len(groups)
                        groups.append(group)
                    mask |= 1 << position[group]
                masks.append(mask)
            self._strict.append(tuple(masks))
        self._normalized_literals = LiteralGroups(groups)
        # The patterns by how their prefilter is tested, as bits (bit i: pattern i), so
        # a comment walks only the patterns it may match, in their order: those that
        # always run, those with literals on the original text, those whose bit the
        # one pass over the normalized text sets.
        self._always = sum(1 << i for i, (_, _, lit) in enumerate(self._patterns) if lit is None)
        self._on_original = [
            (1 << i, literals)
            for i, (rule, _, literals) in enumerate(self._patterns)
            if literals is not None and self._specs[rule].on_original
        ]
        # Their literals looked for in one pass too (bit j: ``_on_original[j]``): with
        # the core, one walk of the text instead of a substring search per literal.
        self._original_literals = LiteralGroups([literals for _, literals in self._on_original])
        self._on_normalized = sum(
            1 << i
            for i, (rule, _, literals) in enumerate(self._patterns)
            if literals is not None and not self._specs[rule].on_original
        )
        syntax.forget()  # each pattern was parsed once for all the analyses above

    def _need(self, requires: tuple[str, ...], ruleset: RuleSet, needs: dict) -> int:
        """The ``_need_trie`` payload for a term's ``requires`` (shared by the terms
        that require the same), its words and classes added on first use."""
        need = needs.get(requires)
        if need is None:
            need = needs[requires] = len(needs)
            for required in requires:
                if required.startswith("{"):
                    for term in ruleset.class_terms(required[1:-1]):
                        for form in inflections(term.text) if term.inflect else [term.text]:
                            self._need_trie.add(_term_tokens(form), need)
                else:
                    self._need_trie.add(_term_tokens(required), need)
        return need

    def _in_context(
        self,
        prepared: PreparedText,
        breaks: list[bool],
        pending: list[tuple[_NeedTerm, int, int, Hit]],
        urls: list[tuple[list[int], list[int]]],
    ) -> Iterator[tuple[int, Hit]]:
        """The hits of terms with ``requires`` whose sentence (clause) has what they need
        (not inside a web address)."""
        ends = self._need_trie.scan_ends(prepared)
        if urls:
            tokens = prepared.tokens
            for first, found in ends.items():
                start = tokens[first].start
                for lasts in found.values():
                    inside = [k for k in lasts if _overlaps_any(urls, start, tokens[k].end)]
                    lasts.difference_update(inside)
        sentence = list(itertools.accumulate(map(int, breaks)))
        clause: list[int] | None = None
        for payload, first, last, hit in pending:
            part = sentence
            if payload.term.context.within == "clause":  # type: ignore[union-attr]
                if clause is None:
                    clause = list(itertools.accumulate(map(int, _clause_breaks(prepared, breaks))))
                part = clause
            if context_met(ends, payload.need, first, last, part):
                yield payload.rule, hit

    @property
    def rules(self) -> list[RuleInfo]:
        return [spec.info for spec in self._specs]

    def _cannot_fire(self, doc: Document) -> tuple[bool, _Found | None]:
        """Whether the comment is plain, meets no rule's anchor requirement and passes
        no pattern's prefilter: then no rule can match it, and it is never prepared.
        Also what the prefilters found, when they were looked for (``_runnable`` reuses
        it: the one pass costs about 9 µs)."""
        folded = doc.ascii_view
        if folded is None or self._anchors.may_fire(doc.view_words):
            return False, None
        if self._always:
            return False, None
        text = doc.text
        original = self._original_bits(text)
        present = self._normalized_literals.present(folded)
        found = (folded, present, text, original)
        if original:
            return False, found
        for bit in _bits(present & self._on_normalized):
            if self._needs_met(bit, present):
                return False, found
        return doc.is_plain, found

    def _original_bits(self, text: str) -> int:
        """The patterns on the original text that hold one of their literals (bit i:
        pattern i)."""
        present = self._original_literals.present(text)
        found = 0
        for bit, _ in self._on_original:
            if not present:
                break
            if present & 1:
                found |= bit
            present >>= 1
        return found

    def _needs_met(self, bit: int, present: int) -> bool:
        """Whether pattern ``bit`` has every group of literals of one of its alternatives
        in an ASCII subject (``present``: the groups found there)."""
        masks = self._strict[bit]
        return masks is None or any(present & mask == mask for mask in masks)

    def detect(self, doc: Document) -> Iterator[Hit | DetectorError]:
        found: _Found | None = None
        if self._skip_plain:
            cannot, found = self._cannot_fire(doc)
            if cannot:
                return
        prepared = doc.prepared
        matches = self._trie.scan(prepared) if prepared.tokens else []
        exceptions: dict[int, list[tuple[int, int]]] = defaultdict(list)
        class_ends: dict[int, dict[str, set[int]]] = {}
        with_templates = self._templates.count > 0 and bool(prepared.tokens)
        if with_templates and self._fast and doc.is_plain:
            # A plain comment's tokens are its words: no template whose words are
            # missing can match, and without templates class terms are not needed.
            with_templates = self._template_gate.may_fire(doc.view_words)
        if with_templates:
            class_ends = self._class_trie.scan_ends(prepared)  # type: ignore[assignment]
        cues: dict[int, list[_CueMatch]] = defaultdict(list)
        candidates: list[tuple[int, Hit]] = []
        pending: list[tuple[_NeedTerm, int, int, Hit]] = []  # terms that need context
        # Words in web addresses are not read (terms, cues, templates).
        tagged = "#" in prepared.original
        urls = _urls(prepared) if (matches or with_templates or tagged) else _NO_URLS
        self._read(doc, matches, urls, candidates, pending, exceptions, cues)
        breaks: list[bool] | None = None
        if pending:
            breaks = _sentence_breaks(prepared)
            candidates.extend(self._in_context(prepared, breaks, pending, urls))
        if with_templates:
            active = self._active_templates(doc, class_ends)
            if active.count:
                breaks = breaks or _sentence_breaks(prepared)
                candidates.extend(self._sequences(doc, prepared, class_ends, breaks, active, urls))
        if cues:
            breaks = breaks or _sentence_breaks(prepared)
            sentence = list(itertools.accumulate(map(int, breaks)))
            for index, matched in cues.items():
                candidates.extend(
                    (index, h) for h in self._cooccurrences(doc, index, matched, sentence)
                )
        if tagged and prepared.tokens:
            candidates.extend(self._in_hashtags(doc, prepared, candidates, exceptions, urls))
        if self._patterns:
            for bit in _bits(self._runnable(prepared, found)):
                rule, pattern, _ = self._patterns[bit]
                yield from self._run_pattern(doc, rule, pattern, candidates)
        yield from self._apply_exceptions(doc, candidates, exceptions)

    def _read(
        self,
        doc: Document,
        matches: Iterable[TrieMatch],
        urls: list[tuple[list[int], list[int]]],
        candidates: list[tuple[int, Hit]],
        pending: list[tuple[_NeedTerm, int, int, Hit]],
        exceptions: dict[int, list[tuple[int, int]]],
        cues: dict[int, list[_CueMatch]],
    ) -> None:
        """Sort trie matches into term hits (``pending`` for terms that need context),
        exception spans and co-occurrence cues; matches in web addresses are dropped."""
        for match in matches:
            payload = match.payload
            if (
                urls
                and not isinstance(payload, _Exception)
                and _overlaps_any(urls, match.start, match.end)
            ):
                continue
            if isinstance(payload, _Cue):
                cue = _CueMatch(match.first, match.last, match.start, match.end, payload.group)
                cues[payload.rule].append(cue)
            elif isinstance(payload, _Exception):
                exceptions[payload.rule].append((match.start, match.end))
            elif isinstance(payload, _Term):
                spec = self._specs[payload.rule]
                if match.how != EXACT and not spec.obfuscation:
                    continue
                if match.how == MASK and not spec.masks:
                    continue
                term = payload.term
                confidence = (
                    term.confidence if term.confidence is not None else spec.info.confidence
                )
                if match.how == MASK:
                    confidence *= MASK_CONFIDENCE
                hit = doc.hit(
                    spec.info,
                    match.start,
                    match.end,
                    confidence=round(confidence, 4),
                    severity=term.severity,
                    message=None if term.context is None else term.context.message,
                    evidence={
                        "kind": "lexicon",
                        "term": term.text,
                        "form": match.form,
                        "how": match.how,
                    },
                    target=_aimed_at(doc, term.community or spec.community, match.start, match.end),
                )
                if payload.__class__ is _Term:
                    candidates.append((payload.rule, hit))
                else:
                    pending.append((payload, match.first, match.last, hit))  # type: ignore[arg-type]

    def _in_hashtags(
        self,
        doc: Document,
        prepared: PreparedText,
        candidates: list[tuple[int, Hit]],
        exceptions: dict[int, list[tuple[int, int]]],
        urls: list[tuple[list[int], list[int]]],
    ) -> list[tuple[int, Hit]]:
        """Lexicon phrases and templates read across the words of camel-case hashtags
        ("#NoVaccinePassports": "vaccine passports"), on a view of the comment whose
        tags are split into words. Only matches of two or more tokens, one of them a
        tag's word, count (a lone word of a tag stays unread: "#KillTheBill"), and only
        those the comment's own tokens did not already give."""
        split = hashtag_words(prepared.original, prepared.tokens)
        if split is None:
            return []
        tokens, parts = split

        def across_tag(first: int, last: int) -> bool:
            return last > first and any(parts[first : last + 1])

        view = dataclasses.replace(prepared, tokens=tokens, joined=())
        found: list[tuple[int, Hit]] = []
        pending: list[tuple[_NeedTerm, int, int, Hit]] = []
        matches = [m for m in self._trie.scan(view) if across_tag(m.first, m.last)]
        # (co-occurrence cues are not read inside tags: the throwaway dict)
        self._read(doc, matches, urls, found, pending, exceptions, defaultdict(list))
        breaks = _sentence_breaks(view)
        if pending:
            found.extend(self._in_context(view, breaks, pending, urls))
        if self._templates.count:
            class_ends: dict[int, dict[str, set[int]]] = self._class_trie.scan_ends(view)  # type: ignore[assignment]
            active = self._active_templates(doc, class_ends, view)
            if active.count:
                found.extend(
                    self._sequences(doc, view, class_ends, breaks, active, urls, across_tag)
                )
        seen = {(index, hit.start, hit.end) for index, hit in candidates}
        return [(index, hit) for index, hit in found if (index, hit.start, hit.end) not in seen]

    def _runnable(self, prepared: PreparedText, found: _Found | None = None) -> int:
        """The patterns whose prefilter the comment passes (bit i: pattern i); all of
        them without fast paths. ``found``: what ``_cannot_fire`` found, used when it
        looked in this comment's normalized and original texts."""
        if not self._fast:
            return (1 << len(self._patterns)) - 1
        normalized = prepared.normalized
        if found is not None and found[0] == normalized and found[2] == prepared.original:
            _, present, _, original = found
        else:
            present = self._normalized_literals.present(normalized)
            original = self._original_bits(prepared.original)
        candidates = present & self._on_normalized
        if candidates and normalized.isascii():
            for bit in _bits(candidates):
                if not self._needs_met(bit, present):
                    candidates &= ~(1 << bit)
        return self._always | original | candidates

    def _active_templates(
        self,
        doc: Document,
        class_ends: dict[int, dict[str, set[int]]],
        view: PreparedText | None = None,
    ) -> TemplateIndex:
        """The templates worth trying on this comment, or on ``view`` of it (all of them
        without fast paths)."""
        if not self._fast:
            return self._templates
        words: Iterable[str]
        if view is None and doc.is_plain:  # its token norms are exactly these words
            words = doc.view_words
        else:
            tokens = (view or doc.prepared).tokens
            words = map(_NORM, tokens)
            variants = [v for token in tokens if token.variants for v in token.variants]
            if variants:
                words = itertools.chain(words, variants)
        classes = {name for names in class_ends.values() for name in names}
        return self._templates.active(words, classes)

    def _sequences(
        self,
        doc: Document,
        prepared: PreparedText,
        class_ends: dict[int, dict[str, set[int]]],
        breaks: list[bool],
        active: TemplateIndex,
        urls: list[tuple[list[int], list[int]]],
        keep: Callable[[int, int], bool] | None = None,
    ) -> Iterator[tuple[int, Hit]]:
        """Template hits; ``keep`` (first and last token) may refuse a match."""
        tokens = prepared.tokens
        count = len(tokens)
        # Each token's spellings; most tokens have only their norm (then C-level zip).
        spelled = list(compress(range(count), map(_VARIANTS, tokens)))
        forms: list[tuple[str, ...]] = list(zip(map(_NORM, tokens)))
        for i in spelled:
            forms[i] = (tokens[i].norm, *tokens[i].variants)
        text = prepared.original
        clauses = _clause_breaks(prepared, breaks) if active.clauses else None
        matcher = SequenceMatcher(forms, breaks, class_ends, clauses)
        by_word, by_class = active.by_word, active.by_class
        # Only where a template's first element can occur (C-level lookups for norms).
        starts = set(compress(range(count), map(by_word.__contains__, map(_NORM, tokens))))
        starts.update(i for i in spelled if any(v in by_word for v in tokens[i].variants))
        classes = by_class.keys()
        starts.update(i for i, names in class_ends.items() if not classes.isdisjoint(names))
        for i in sorted(starts):
            templates = [t for f in forms[i] for t in by_word.get(f, ())]
            for name in class_ends.get(i, {}):
                templates.extend(by_class.get(name, ()))
            for template in templates:
                match = matcher.match(template, i)
                if match is None:
                    continue
                index = int(template.payload)  # type: ignore[call-overload]
                spec = self._specs[index]
                if spec.within == "question" and not _asks(prepared, breaks, match.last):
                    continue
                if urls and _overlaps_any(urls, tokens[match.first].start, tokens[match.last].end):
                    continue
                if keep is not None and not keep(match.first, match.last):
                    continue
                begin, end = tokens[match.mark_first].start, tokens[match.mark_last].end
                hit = doc.hit(
                    spec.info,
                    begin,
                    end,
                    evidence={
                        "kind": "sequence",
                        "template": template.source,
                        "matched": text[tokens[match.first].start : tokens[match.last].end],
                    },
                    target=_aimed_at(doc, spec.community, begin, end),
                )
                yield index, hit

    def _cooccurrences(
        self, doc: Document, index: int, cues: list[_CueMatch], sentence: list[int]
    ) -> Iterator[Hit]:
        """Windows (sentences, or N tokens) where enough different cue groups occur."""
        spec = self._specs[index]
        cues.sort(key=lambda c: (c.first, c.last))
        if spec.window is None:
            windows: list[list[_CueMatch]] = [
                list(group) for _, group in itertools.groupby(cues, key=lambda c: sentence[c.first])
            ]
        else:
            windows = []
            for i, anchor in enumerate(cues):
                bound = anchor.first + spec.window
                window = []
                for j in range(i, len(cues)):
                    cue = cues[j]
                    if cue.first >= bound:
                        break  # sorted by first token: no later cue fits either
                    if cue.last < bound and (
                        not spec.within_sentence or sentence[cue.last] == sentence[anchor.first]
                    ):
                        window.append(cue)
                windows.append(window)
        for window in windows:
            present = {c.group for c in window}
            if len(present) < spec.min_groups or not present.issuperset(spec.require):
                continue
            remaining = 1.0
            for group in present:
                remaining *= 1.0 - spec.groups[group].weight
            text = doc.text
            yield doc.hit(
                spec.info,
                min(c.start for c in window),
                max(c.end for c in window),
                confidence=round(1.0 - remaining, 4),
                evidence={
                    "kind": "cooccurrence",
                    "cues": {
                        spec.groups[g].name: sorted(
                            {text[c.start : c.end] for c in window if c.group == g}
                        )
                        for g in sorted(present)
                    },
                },
            )

    def _run_pattern(
        self,
        doc: Document,
        index: int,
        pattern: regex.Pattern[str],
        candidates: list[tuple[int, Hit]],
    ) -> Iterator[DetectorError]:
        spec = self._specs[index]
        timeout = spec.timeout or self._timeout
        try:
            starts = self._starts.get(index)
            bounds = self._limits[index]
            matches = self._pattern_matches(doc.prepared, spec, pattern, timeout, starts, bounds)
            for found in matches:
                if found.refused is not None:
                    continue
                hit = doc.hit(
                    spec.info,
                    found.begin,
                    found.finish,
                    evidence={"kind": "pattern", "matched": found.matched},
                )
                candidates.append((index, hit))
        except TimeoutError:
            yield DetectorError(
                f"rule:{spec.info.id}",
                f"pattern timed out after {timeout}s on a text of "
                f"{len(doc.text if spec.on_original else doc.prepared.normalized)} characters; "
                "hits of this rule on this comment may be missing",
            )

    def _pattern_matches(
        self,
        prepared: PreparedText,
        spec: RuleSpec,
        pattern: regex.Pattern[str],
        timeout: float,
        starts: _Starts | None = None,
        bounds: _Limits = _TIMED,
    ) -> Iterator[_PatternMatch]:
        """Every match of a pattern rule as a span of the original text, with why it is
        not reported when it is refused (see ``_word_end``). ``starts``: where matches can
        start in an ASCII subject (then only those places are tried). ``bounds``: the
        subjects on which the pattern's calls cannot take long (then they are untimed)."""
        subject = prepared.original if spec.on_original else prepared.normalized
        original = prepared.original
        size = len(subject)
        match_limit, search_limit = bounds
        searched = None if size <= search_limit else timeout
        if starts is not None and subject.isascii():
            places, pieces, each = starts
            matches = _matches_from(
                pattern, pieces, subject, places(subject.lower()), timeout, (search_limit, each)
            )
        else:
            matches = pattern.finditer(subject, timeout=searched)
        matched_timeout = None if size <= match_limit else timeout
        for found in matches:
            begin, finish = found.span(spec.group or 0)
            if begin < 0 or finish <= begin:
                continue
            matched = found.group(spec.group or 0)
            # A match starting inside a word is refused whatever its end (so the end is
            # not worked out: short patterns without \b match inside many words).
            starts_inside = begin > 0 and subject[begin - 1].isalnum() and subject[begin].isalnum()
            end = (
                finish
                if starts_inside
                else _word_end(pattern, subject, found, finish, matched_timeout)
            )
            if not spec.on_original:
                begin, finish = prepared.to_original(begin, finish if end is None else end)
            elif end is not None:
                finish = end
            if begin >= finish:
                continue
            refused = None
            if starts_inside or (
                begin > 0 and original[begin - 1].isalnum() and original[begin].isalnum()
            ):
                refused = "starts inside a word"
            elif end is None:
                refused = "ends inside a word, on a part of it that the pattern itself spells"
            elif _inside_word(original, begin, finish):
                refused = "ends inside a word of the original text"
            yield _PatternMatch(begin, finish, matched, refused)

    def refusals(self, doc: Document) -> list[tuple[str, int, int, str]]:
        """The pattern matches this comment gets that are deliberately not reported, as
        (rule id, start, end, why): ``rhetoric rules test`` shows them when a rule's own
        flag example is refused, so a rule author learns why a hit is missing."""
        found: list[tuple[str, int, int, str]] = []
        for rule, pattern, _ in self._patterns:
            spec = self._specs[rule]
            timeout = spec.timeout or self._timeout
            starts = self._starts.get(rule)
            bounds = self._limits[rule]
            try:
                for match in self._pattern_matches(
                    doc.prepared, spec, pattern, timeout, starts, bounds
                ):
                    if match.refused is not None:
                        found.append((spec.info.id, match.begin, match.finish, match.refused))
            except TimeoutError:
                continue  # the report of the same comment says so
        return found

    def _apply_exceptions(
        self,
        doc: Document,
        candidates: list[tuple[int, Hit]],
        exceptions: dict[int, list[tuple[int, int]]],
    ) -> Iterator[Hit | DetectorError]:
        # Each rule's antipatterns run once per comment, not once per hit, so the
        # cost stays linear in the text however many hits a long comment has.
        cancelled: dict[int, list[tuple[list[int], list[int]]] | None] = {}
        for index, hit in candidates:
            if any(s <= hit.start and hit.end <= e for s, e in exceptions.get(index, ())):
                continue
            spec = self._specs[index]
            if spec.antipatterns:
                if index not in cancelled:
                    try:
                        cancelled[index] = self._antipattern_spans(
                            doc.prepared,
                            spec,
                            self._antipattern_literals[index],
                            self._antipattern_limits[index],
                        )
                    except TimeoutError:
                        cancelled[index] = None
                        yield DetectorError(f"rule:{spec.info.id}", "antipattern timed out")
                spans = cancelled[index]
                if spans is None or _overlaps_any(spans, hit.start, hit.end):
                    continue
            yield hit

    def _antipattern_spans(
        self,
        prepared: PreparedText,
        spec: RuleSpec,
        literals: tuple[tuple[str, ...] | None, ...],
        bounds: tuple[_Limits, ...],
    ) -> list[tuple[list[int], list[int]]]:
        """Per antipattern, the starts and ends (in the original) of its matches; an
        antipattern whose required literals are all absent is not run (no matches)."""
        found_spans = []
        subject = prepared.normalized
        size = len(subject)
        folded: str | None = None
        scopes = spec.antipattern_scopes
        for k, (antipattern, needed) in enumerate(zip(spec.antipatterns, literals, strict=True)):
            # A segment is no longer than the subject: the subject's length decides.
            timeout = None if size <= bounds[k][1] else self._timeout
            starts: list[int] = []
            ends: list[int] = []
            if needed is not None:
                if folded is None:
                    folded = subject if subject.isascii() else fold_cues(subject)
                if not any(literal in folded for literal in needed):
                    found_spans.append((starts, ends))
                    continue
            if scopes and scopes[k] != "comment":
                for span in scoped_spans(antipattern, subject, scopes[k], timeout):
                    begin, finish = prepared.to_original(*span)
                    starts.append(begin)
                    ends.append(finish)
            else:
                for found in antipattern.finditer(subject, timeout=timeout):
                    begin, finish = prepared.to_original(*found.span())
                    starts.append(begin)
                    ends.append(finish)
            found_spans.append((starts, ends))
        return found_spans


_NO_URLS: list[tuple[list[int], list[int]]] = []  # shared: callers only read it


def _urls(prepared: PreparedText) -> list[tuple[list[int], list[int]]]:
    """The web addresses of the text as ``_overlaps_any`` reads spans (``_NO_URLS``
    without one: ":" is one memchr, the longer tests cost about 1 us on a long comment,
    so they run only after it)."""
    folded = prepared.normalized
    if not ((":" in folded and ("://" in folded or "mailto:" in folded)) or "www." in folded):
        return _NO_URLS
    spans = url_spans(prepared.original)
    if not spans:
        return []
    return [([start for start, _ in spans], [end for _, end in spans])]


def _bits(mask: int) -> Iterator[int]:
    """The indexes of the bits set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _overlaps_any(spans: list[tuple[list[int], list[int]]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps a match of any antipattern (each list sorted)."""
    for starts, ends in spans:
        k = bisect.bisect_right(ends, start)
        if k < len(starts) and starts[k] < end:
            return True
    return False


def _prefilter(spec: RuleSpec, flags: int) -> tuple[str, ...] | None:
    """The literals of which one must occur in the subject text for the pattern to
    have a chance: declared by the rule, or read from the regex."""
    if spec.literals:
        literals = spec.literals
    else:
        found = required_literals(spec.pattern, flags & regex.IGNORECASE and re.IGNORECASE)
        if found is None:
            return None
        literals = found
    if spec.on_original:
        # Case-insensitive matching on the original text cannot use a plain test.
        return None if spec.ignorecase else tuple(literals)
    return tuple(literal.casefold() for literal in literals)


def _antipattern_prefilter(antipattern: regex.Pattern[str]) -> tuple[str, ...] | None:
    """The literals of which every match of a (case-insensitive) antipattern holds one,
    lowercased as ``fold_cues`` folds the text they are looked for in; two chars are
    enough ("/s"): a test that rarely skips still costs next to nothing."""
    found = required_literals(antipattern.pattern, re.IGNORECASE, min_length=2)
    if found is None or not all(literal.isascii() for literal in found):
        return None  # unknown, or letters whose case-insensitive forms are many
    return tuple(sorted({fold_cues(literal) for literal in found}))


def _sentence_breaks(prepared: PreparedText) -> list[bool]:
    """For each token, whether a sentence break lies between it and the previous one
    (one regex pass over the text, then one bisection per break: breaks are few,
    tokens many)."""
    tokens = prepared.tokens
    count = len(tokens)
    breaks = [False] * count
    if count:
        breaks[0] = True
    starts: list[int] | None = None
    for match in _BREAK.finditer(prepared.original):
        if starts is None:
            starts = list(map(_START, tokens))
        position = match.start()
        following = bisect.bisect_right(starts, position)  # first token after the break
        if 0 < following < count and tokens[following - 1].end <= position:
            breaks[following] = True
    return breaks


def _asks(prepared: PreparedText, breaks: list[bool], last: int) -> bool:
    """Whether the sentence holding token ``last`` ends with a question mark (for
    templates of rules with ``within: question``): the first of ``.!?`` after its
    last token decides, so "Is he really sorry?!" asks and "Really? No." asks only once."""
    tokens = prepared.tokens
    following = last + 1
    while following < len(tokens) and not breaks[following]:
        following += 1
    stop = tokens[following].start if following < len(tokens) else len(prepared.original)
    end = _TERMINATOR.search(prepared.original, tokens[following - 1].end, stop)
    return end is not None and end.group() == "?"


def _clause_breaks(prepared: PreparedText, breaks: list[bool]) -> list[bool]:
    """The sentence breaks, plus a break before each token that follows a comma or a
    colon (for templates of rules with ``within: clause``)."""
    tokens = prepared.tokens
    text = prepared.original
    clauses = list(breaks)
    for i in range(1, len(tokens)):
        if not clauses[i] and _CLAUSE.search(text, tokens[i - 1].end, tokens[i].start):
            clauses[i] = True
    return clauses


def _aimed_at(doc: Document, community: str | None, start: int, end: int) -> Target | None:
    """The target of a hit of a rule or term that names an identity group (a slur
    names the group it attacks): the hit's own words; None for any other rule."""
    if community is None:
        return None
    return Target(TargetKind.GROUP, start, end, doc.text[start:end], community)


# Where a pattern's matches can start, the pieces to try there, and for each piece the
# subjects on which its ``match`` needs no timeout.
_Starts = tuple[MatchStarts, tuple[regex.Pattern[str], ...], tuple[int, ...]]


def _plan_starts(
    spec: RuleSpec, compiled: regex.Pattern[str], flags: int, timeout: float
) -> _Starts | None:
    """Where a pattern rule's matches can start, and what to try there: one piece per
    alternative of its main alternation (``alternative_sources``) when each is anchored
    (a place then tries only the alternatives whose literals are near, not all of them:
    a big alternation costs a few µs per place), else the pattern itself when it is;
    None (the whole-text search) otherwise, or when the places would be too many."""
    sources = alternative_sources(compiled)
    if sources is not None:
        try:
            pieces = [regex.compile(source, flags) for source in sources]
        except regex.error:
            pieces = []
        found = [anchored_literals(piece) for piece in pieces]
        if (
            pieces
            and all(f is not None and spread(f.values()) <= _WIDEST_SPREAD for f in found)
            and (spec.group is None or all(spec.group in piece.groupindex for piece in pieces))
        ):
            each = tuple(_limits(piece, timeout)[0] for piece in pieces)
            return MatchStarts(found), tuple(pieces), each  # type: ignore[arg-type]
    anchored = anchored_literals(compiled)
    if anchored is not None and spread(anchored.values()) <= _WIDEST_SPREAD:
        return MatchStarts([anchored]), (compiled,), (_limits(compiled, timeout)[0],)
    return None


def _matches_from(
    pattern: regex.Pattern[str],
    pieces: tuple[regex.Pattern[str], ...],
    subject: str,
    starts: dict[int, int],
    timeout: float,
    limits: tuple[int, tuple[int, ...]],
) -> Iterator[regex.Match[str]]:
    """What ``pattern.finditer(subject)`` yields when no match can start elsewhere than
    at ``starts`` (each with the bits of the ``pieces`` that may match there): the first
    match at one of them, then the first at one of them at or after its end, and so on.

    Why it is the same: a search tries each start in turn and takes the first that
    matches, the next search starting where the last match ended; trying only the starts
    a match can have skips only tries that fail. At a start, the first piece that
    matches gives the pattern's match there (``alternative_sources``); only pieces whose
    literals are near can. ``match(subject, start)`` sees the whole subject, so
    lookbehinds and ``\\b`` read the chars before ``start`` and lookaheads those after
    the match, exactly as the search's try at ``start`` does (``^`` still means the
    subject's start). Where more than ``_LONG_RUN`` starts follow one another, one search
    of the pattern from the first of them replaces the calls (a scan costs a fraction of
    a call per start): it returns the first match at or after that start, which is the
    next one whatever starts it passes. Matches are never empty (``anchored_literals``
    refuses such patterns), so each ends after its start and no start is tried twice.
    ``limits``: the longest subjects on which the search, and a ``match`` of each piece,
    cannot take long (then they run without ``timeout``, see engine/backtrack.py).
    """
    after = 0
    size = len(subject)
    search_limit, match_limits = limits
    order = sorted(starts)
    count = len(order)
    for i, start in enumerate(order):
        if start < after:
            continue
        if i + _LONG_RUN < count and order[i + _LONG_RUN] == start + _LONG_RUN:
            found = pattern.search(
                subject, start, timeout=None if size <= search_limit else timeout
            )
            if found is None:
                return
        else:
            for k in _bits(starts[start]):
                untimed = size <= match_limits[k]
                found = pieces[k].match(subject, start, timeout=None if untimed else timeout)
                if found is not None:
                    break
            else:
                continue
        yield found
        after = found.end()


def _word_end(
    pattern: regex.Pattern[str],
    subject: str,
    found: regex.Match[str],
    finish: int,
    timeout: float | None,
) -> int | None:
    """Where a pattern hit ending at ``finish`` of the subject should end: ``finish``
    itself unless it falls inside a word; then the end of that word, when the pattern
    does not depend on the cut word's fragment (it also matches with the fragment
    removed, so the fragment is only the tail of an open-ended part such as
    ``[^.]{0,80}`` that ran out of budget, or a lazy ``\\w+?``) or when it accepts the
    whole word; None (refused) when the pattern's own letters stop inside a word, as
    ``stupid ass`` does in "stupid assessment": snapping would then report a word the
    rule never named.

    Why: such hits used to be dropped without a word, so rules with a bounded tail lost
    their hits on long sentences.
    """
    size = len(subject)
    if finish >= size or not (subject[finish - 1].isalnum() and subject[finish].isalnum()):
        return finish
    if found.end() != finish:
        return None  # a reported group that stops inside a word the match goes on in
    start = found.start()
    word_start = finish - 1
    while word_start > start and subject[word_start - 1].isalnum():
        word_start -= 1
    word_end = finish + 1
    while word_end < size and subject[word_end].isalnum():
        word_end += 1
    previous_end = word_start
    while previous_end > start and not subject[previous_end - 1].isalnum():
        previous_end -= 1
    for end in dict.fromkeys((word_start, previous_end)):
        if end > start and pattern.fullmatch(subject, start, end, timeout=timeout) is not None:
            return word_end
    if pattern.fullmatch(subject, start, word_end, timeout=timeout) is not None:
        return word_end
    return None


def _inside_word(text: str, begin: int, finish: int) -> bool:
    """Whether a span starts or ends in the middle of a word of the original text."""
    if begin > 0 and text[begin - 1].isalnum() and text[begin].isalnum():
        return True
    return finish < len(text) and text[finish - 1].isalnum() and text[finish].isalnum()
