"""Token templates such as ``{group} {copula} [[{dehumanizing_noun}]]``.

A template is a whitespace-separated list of elements:

- ``{class}``: any term of a word class (terms may be several words); ``{class}?``
  makes it optional; ``{class}{m,n}``: between m and n terms of it in a row
  (n <= 6);
- ``word`` or ``word|other``: literal tokens (normalized like the text);
  ``word?`` is optional; ``_`` joins the words of a phrase inside one slot, so
  ``a|the death_cult|religion_of_hate`` is two slots whose second holds two
  phrases (a slot is split on whitespace: ``death cult`` would be two slots);
- ``*``: any one token; ``*?``: at most one; ``*{m,n}``: between m and n (n <= 6);
- ``{!class}`` and ``!word|other``: one token that does not begin a term of the class
  (is none of the words); ``?`` makes it optional. A negative slot says what must be
  absent, so it can never be a template's first element (the index and the anchors key
  on what must occur). As the last element it reads "not followed by": the end of the
  sentence (or clause, or text) satisfies it too, and it cannot be optional there (an
  optional last slot would rule nothing out);
- ``[[`` ... ``]]``: the part of the match to report (default: all of it);
- ``^`` (first, on its own): the match must begin its sentence (with ``within:
  clause``, its clause).

Matches never cross a sentence break; a rule with ``within: clause`` also stops its
templates at commas, semicolons and colons, and one with ``within: question`` keeps only
matches inside a sentence that ends with a question mark (the engine checks that). The
first element must be a required literal or class, which is how templates are indexed: a
comment only tries the templates whose first element occurs in it. One element is
enough (``{verb}``): a lexicon cannot name a class, nor be anchored.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

import regex

from .._coreload import core
from ..model import thawed
from ..pickling import pickled_by_constructor
from ..text import prepare
from .anchors import commonness

_ANY = regex.compile(r"^\*(?:\{(\d+),(\d+)\}|(\?))?$")
_CLASS = regex.compile(r"^\{([a-z0-9_-]+)\}(?:(\?)|\{(\d+),(\d+)\})?$")
_NOT_CLASS = regex.compile(r"^\{!([a-z0-9_-]+)\}(\?)?$")
MAX_GAP = 6
_MAX_CHOICES = 4096


class TemplateError(ValueError):
    """A template is malformed; the message says how."""


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Element:
    kind: str  # "literal" | "class" | "not" | "any" | "open" | "close"
    words: frozenset[str] = frozenset()
    name: str = ""
    low: int = 1
    high: int = 1
    # Alternatives of a literal slot that span several tokens ("death_cult").
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def starts(self) -> frozenset[str]:
        """The words one of which begins any token run this literal matches."""
        if not self.phrases:
            return self.words
        return self.words.union(phrase[0] for phrase in self.phrases)

    @property
    def needs(self) -> frozenset[str]:
        """Words one of which occurs wherever this literal matches: per phrase its
        rarest-looking word, so the index keys on "cult" rather than "death"."""
        if not self.phrases:
            return self.words
        return self.words.union(
            min(phrase, key=lambda word: commonness(frozenset([word]))) for phrase in self.phrases
        )


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Template:
    source: str
    elements: tuple[Element, ...]
    payload: Hashable
    # For each mandatory literal, the words of which one must occur; and the
    # classes that must occur (filled in by parse_template).
    required_words: tuple[frozenset[str], ...] = ()
    required_classes: frozenset[str] = frozenset()
    # Whether commas and colons end a match too (a rule's ``within: clause``).
    clause: bool = False
    # Whether a match must begin its sentence (or clause): a leading ``^``.
    anchored: bool = False

    @property
    def first(self) -> Element:
        return next(e for e in self.elements if e.kind not in ("open", "close"))

    def possible(self, words: set[str], classes: set[str]) -> bool:
        """Whether every mandatory element occurs somewhere in the comment: most
        templates fail this cheap test and are never tried token by token."""
        # words.isdisjoint(r) is r.isdisjoint(words): one C-level pass, no generator
        return self.required_classes <= classes and not any(
            map(words.isdisjoint, self.required_words)
        )


def _normalize_word(word: str) -> str:
    prepared = prepare(word)
    if len(prepared.tokens) != 1:
        raise TemplateError(f"literal '{word}' must be a single word")
    return prepared.tokens[0].norm


def _literal(item: str) -> Element:
    """A literal slot: ``|``-separated alternatives, each one word or a ``_``-joined
    phrase; an empty alternative is an error (it could only ever be a typo)."""
    optional = item.endswith("?") and len(item) > 1
    body = item[:-1] if optional else item
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for alternative in body.split("|"):
        parts = alternative.split("_")
        if not all(parts):
            raise TemplateError(f"empty alternative in '{item}'")
        normalized = tuple(_normalize_word(part) for part in parts)
        if len(normalized) == 1:
            words.add(normalized[0])
        elif normalized not in phrases:
            phrases.append(normalized)
    # Shorter phrases first: the walk tries them in this order.
    phrases.sort(key=len)
    return Element(
        "literal", words=frozenset(words), low=0 if optional else 1, phrases=tuple(phrases)
    )


def _class(match: regex.Match[str], item: str) -> Element:
    if match.group(3) is None:
        return Element("class", name=match.group(1), low=0 if match.group(2) else 1)
    low, high = int(match.group(3)), int(match.group(4))
    if not (0 <= low <= high <= MAX_GAP and high >= 1):
        raise TemplateError(f"repetition '{item}' must satisfy 0 <= m <= n, 1 <= n <= {MAX_GAP}")
    return Element("class", name=match.group(1), low=low, high=high)


def parse_template(source: str, payload: Hashable, clause: bool = False) -> Template:
    items = source.replace("[[", " [[ ").replace("]]", " ]] ").split()
    anchored = bool(items) and items[0] == "^"
    elements: list[Element] = []
    opened = closed = False
    for item in items[1:] if anchored else items:
        if item.startswith("^"):
            # A literal "^" would otherwise read as no word at all, or "^and" as "and".
            raise TemplateError(f"'^' must be the template's first slot, on its own: '{item}'")
        if item == "[[":
            if opened:
                raise TemplateError("only one [[...]] part may be marked")
            opened = True
            elements.append(Element("open"))
        elif item == "]]":
            if not opened or closed:
                raise TemplateError("']]' without a matching '[['")
            closed = True
            elements.append(Element("close"))
        elif any_match := _ANY.match(item):
            low, high = (0, 1) if any_match.group(3) else (1, 1)
            if any_match.group(1) is not None:
                low, high = int(any_match.group(1)), int(any_match.group(2))
            if not 0 <= low <= high <= MAX_GAP:
                raise TemplateError(f"gap '{item}' must satisfy 0 <= m <= n <= {MAX_GAP}")
            elements.append(Element("any", low=low, high=high))
        elif class_match := _CLASS.match(item):
            elements.append(_class(class_match, item))
        elif not_match := _NOT_CLASS.match(item):
            low = 0 if not_match.group(2) else 1
            elements.append(Element("not", name=not_match.group(1), low=low))
        elif item.startswith("!") and "{" not in item:
            literal = _literal(item[1:])
            if literal.phrases:
                raise TemplateError(f"a negative slot holds single words, not phrases: '{item}'")
            elements.append(Element("not", words=literal.words, low=literal.low))
        elif "{" in item or "}" in item:
            raise TemplateError(f"malformed class reference '{item}'")
        else:
            elements.append(_literal(item))
    if opened and not closed:
        raise TemplateError("'[[' without a matching ']]'")
    real = [e for e in elements if e.kind not in ("open", "close")]
    if not real:
        raise TemplateError("template is empty")
    if real[0].kind == "not":
        raise TemplateError(
            "a negative slot cannot begin a template: it says what is absent, and a "
            "template is found by its first word or {class}"
        )
    if real[0].kind == "any" or real[0].low == 0:
        raise TemplateError("a template must start with a required word or {class}")
    if real[-1].kind == "not" and real[-1].low == 0:
        raise TemplateError(
            "an optional negative slot cannot end a template: the match without it "
            "always stands, so it would rule nothing out (drop the '?')"
        )
    return Template(
        source,
        tuple(elements),
        payload,
        tuple(e.needs for e in elements if e.kind == "literal" and e.low > 0),
        frozenset(e.name for e in elements if e.kind == "class" and e.low > 0),
        clause,
        anchored,
    )


# A keyed template: its rank in the index, its mandatory classes and words.
_Keyed = tuple[int, frozenset[str], tuple[frozenset[str], ...]]

# The first int32 of a choice table (anchors.TABLE_MAGIC's sibling: the core declines
# a table of another byte order).
CHOICE_MAGIC: Final = 0x52480002


def choice_table(
    by_word: Mapping[str, list[_Keyed]], by_class: Mapping[str, list[_Keyed]]
) -> tuple[dict[str, int], dict[str, int], bytes]:
    """The keyed templates as the core's ``template_choice`` walks them: ids for words
    and for class names (one range), and int32s (native order). Why: ``_select`` costs
    a set per key kind and a Python test per keyed template at every comment.

    Layout: ``CHOICE_MAGIC``, N (ids), N + 1 starts (the entries keyed by id ``i``
    are the ints from ``starts[i]`` to ``starts[i + 1]``), then the entries, each
    ``rank, count`` and the positions of its ``count`` options (all needed: each
    mandatory class as an option of its own, each mandatory word option), then the
    options, each ``length`` and its ids ascending (shared when equal).
    """
    word_ids: dict[str, int] = {}
    class_ids: dict[str, int] = {}
    ids = {"": word_ids, "{": class_ids}  # one range of ids for both
    entries: dict[int, list[tuple[int, list[tuple[str, frozenset[str]]]]]] = {}

    def id_of(kind: str, name: str) -> int:
        found = ids[kind].get(name)
        if found is None:
            found = ids[kind][name] = len(word_ids) + len(class_ids)
        return found

    keyed = [("", key, by_word[key]) for key in by_word]
    keyed.extend(("{", key, by_class[key]) for key in by_class)
    for kind, key, templates in keyed:
        for rank, needed_classes, needed_words in templates:
            wanted = [("{", frozenset((name,))) for name in sorted(needed_classes)]
            wanted.extend(("", option) for option in needed_words)
            for option_kind, option in wanted:
                for name in sorted(option):
                    id_of(option_kind, name)
            entries.setdefault(id_of(kind, key), []).append((rank, wanted))
    count = len(word_ids) + len(class_ids)
    pool: dict[tuple[str, frozenset[str]], int] = {}
    options: list[int] = []
    starts: list[int] = []
    laid: list[int] = []  # the entries, option places relative to ``options``
    for key_id in range(count):
        starts.append(len(laid))
        for rank, wanted in entries.get(key_id, ()):
            laid.extend((rank, len(wanted)))
            for option_kind, option in wanted:
                if (option_kind, option) not in pool:
                    pool[option_kind, option] = len(options)
                    options.append(len(option))
                    options.extend(sorted(ids[option_kind][name] for name in option))
                laid.append(-1 - pool[option_kind, option])  # made absolute below
    starts.append(len(laid))
    table = array("i", (CHOICE_MAGIC, count))
    if table.itemsize != 4:  # pragma: no cover - a C int has 32 bits where CPython runs
        return word_ids, class_ids, b""
    first = 2 + count + 1
    table.extend(first + start for start in starts)
    after = first + len(laid)
    table.extend(after - 1 - value if value < 0 else value for value in laid)
    table.extend(options)
    return word_ids, class_ids, table.tobytes()


class TemplateIndex:
    """Templates indexed by their first element."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[Template]] = defaultdict(list)
        self.by_class: dict[str, list[Template]] = defaultdict(list)
        self.templates: list[Template] = []
        self.count = 0
        # Whether a template stops at commas (then the matcher needs clause breaks).
        self.clauses = False
        # Every literal word a template requires: only these decide which are active.
        self.words: frozenset[str] = frozenset()
        # The active index per set of chosen templates: comments make many word
        # combinations but activate few distinct sets, which are built once.
        self._by_choice: dict[frozenset[int], TemplateIndex] = {}
        # Templates by one mandatory element each (see _key): a comment only tests
        # the templates whose key occurs in it. First elements make poor keys: many
        # templates start with "the", "a" or "they", which nearly every comment has.
        # Each entry: the template's rank in ``templates``, and its mandatory classes
        # and words (for ``Template.possible``'s test, made inline in ``_select``).
        self._keyed_by_word: dict[str, list[_Keyed]] = defaultdict(list)
        self._keyed_by_class: dict[str, list[_Keyed]] = defaultdict(list)
        # The keyed templates as the core's ``template_choice`` reads them (freeze()).
        self.word_ids: dict[str, int] = {}
        self.class_ids: dict[str, int] = {}
        self.choice = b""

    def freeze(self) -> None:
        """Lay the keyed templates out for the core (call once every one is added)."""
        self.word_ids, self.class_ids, self.choice = choice_table(
            self._keyed_by_word, self._keyed_by_class
        )

    def active(self, words: Iterable[str], classes: Iterable[str]) -> TemplateIndex:
        """The templates that can match a comment with these words and classes:
        those whose key element occurs, and then all of whose mandatory elements do.
        They keep their order in this index, so trying them gives what trying all does.
        The result is shared: callers only read it."""
        if core is not None and self.choice:
            chosen = core.template_choice(
                self.word_ids, self.class_ids, self.choice, words, classes
            )
            if chosen is not None:
                return self._chosen(chosen)
        return self._select(self.words.intersection(words), frozenset(classes))

    def _select(self, words: frozenset[str], classes: frozenset[str]) -> TemplateIndex:
        """``active`` in Python: the reference of the core's ``template_choice``."""
        # Ranks, not the templates: a set of small ints hashes cheaply, and the chosen
        # templates are then taken in rank order (this index's order) without a pass
        # over all of them.
        chosen: set[int] = set()
        for word in self._keyed_by_word.keys() & words:
            for rank, needed_classes, needed_words in self._keyed_by_word[word]:
                if needed_classes <= classes and not any(map(words.isdisjoint, needed_words)):
                    chosen.add(rank)
        for name in self._keyed_by_class.keys() & classes:
            for rank, needed_classes, needed_words in self._keyed_by_class[name]:
                if needed_classes <= classes and not any(map(words.isdisjoint, needed_words)):
                    chosen.add(rank)
        return self._chosen(frozenset(chosen))

    def _chosen(self, key: frozenset[int]) -> TemplateIndex:
        """The index of the templates of these ranks."""
        # Many word combinations activate the same few template sets: share those.
        index = self._by_choice.get(key)
        if index is None:
            index = TemplateIndex()
            templates = self.templates
            for rank in sorted(key):
                index._index(templates[rank])
            if len(self._by_choice) >= _MAX_CHOICES:  # bound memory on adversarial input
                self._by_choice.clear()
            self._by_choice[key] = index
        return index

    def __getstate__(self) -> dict[str, object]:
        """Pickled (compiled-rules cache) without the memo: it is keyed by object ids."""
        state = dict(self.__dict__)
        state["_by_choice"] = {}
        return state

    def add(self, template: Template, class_words: Mapping[str, frozenset[str]]) -> None:
        """Index ``template``; ``class_words`` holds, per word class, words of which
        one occurs wherever a term of the class does (they pick the key element)."""
        keyed = (len(self.templates), template.required_classes, template.required_words)
        self._index(template)
        self.words = self.words.union(*template.required_words)
        self._by_choice.clear()
        self.choice = b""  # stale until freeze() lays it out again
        # The key: the mandatory element whose words look rarest (engine/anchors.py).
        options: list[tuple[tuple[int, int, int], str, str | frozenset[str]]] = [
            (commonness(words), "", words) for words in template.required_words
        ]
        options.extend(
            (commonness(class_words.get(name, frozenset())), name, name)
            for name in sorted(template.required_classes)
        )
        _, name, key = min(options, key=lambda option: (option[0], option[1]))
        if name:
            self._keyed_by_class[name].append(keyed)
        else:
            for word in key:
                self._keyed_by_word[word].append(keyed)

    def _index(self, template: Template) -> None:
        self.templates.append(template)
        self.clauses = self.clauses or template.clause
        first = template.first
        if first.kind == "literal":
            for word in first.starts:
                self.by_word[word].append(template)
        else:
            self.by_class[first.name].append(template)
        self.count += 1


@dataclass(frozen=True, slots=True)
class SequenceMatch:
    first: int
    last: int
    mark_first: int
    mark_last: int
    payload: Hashable


_new_match = thawed(SequenceMatch)  # per template match: no frozen __init__ per field


class SequenceMatcher:
    """Runs templates over one comment's tokens, given where class terms occur."""

    def __init__(
        self,
        forms: list[tuple[str, ...]],
        breaks: list[bool],
        class_ends: dict[int, dict[str, set[int]]],
        clause_breaks: list[bool] | None = None,
    ) -> None:
        self.forms = forms
        self.breaks = breaks
        self.class_ends = class_ends
        self.count = len(forms)
        # Sentence number of each token: a class term spans no break when its first
        # and last tokens are in the same sentence (one comparison, not a loop).
        self.sentence = list(accumulate(map(int, breaks)))
        self._by_sentence = (breaks, self.sentence)
        self._by_clause = self._by_sentence
        if clause_breaks is not None:
            self._by_clause = (clause_breaks, list(accumulate(map(int, clause_breaks))))

    def match(self, template: Template, start: int) -> SequenceMatch | None:
        """The shortest match of ``template`` beginning at token ``start``."""
        self.breaks, self.sentence = self._by_clause if template.clause else self._by_sentence
        if template.anchored and not self.breaks[start]:
            return None
        found = self._first(template.elements, 0, start, None, None, start)
        if found is None:
            return None
        last, mark_first, mark_last = found
        if mark_first is None or mark_last is None or mark_last < mark_first:
            mark_first, mark_last = start, last
        return _new_match(start, last, mark_first, mark_last, template.payload)

    def _can_step(self, pos: int, begin: int) -> bool:
        return pos < self.count and (pos == begin or not self.breaks[pos])

    def _first(
        self,
        elements: tuple[Element, ...],
        k: int,
        pos: int,
        mark_first: int | None,
        mark_last: int | None,
        begin: int,
    ) -> tuple[int, int | None, int | None] | None:
        """The first way (last token, marks) for ``elements[k:]`` to match from ``pos``
        on, trying the choices in order: an optional element skipped first, fewer tokens
        first, shorter phrases first. A plain recursion that stops at the first success
        (a chain of generators cost about twice as much per template tried)."""
        if k == len(elements):
            return (pos - 1, mark_first, mark_last) if pos > begin else None
        element = elements[k]
        kind = element.kind
        if kind == "open":
            return self._first(elements, k + 1, pos, pos, mark_last, begin)
        if kind == "close":
            return self._first(elements, k + 1, pos, mark_first, pos - 1, begin)
        if element.low == 0:
            found = self._first(elements, k + 1, pos, mark_first, mark_last, begin)
            if found is not None:
                return found
        if kind == "literal":
            if self._can_step(pos, begin) and not element.words.isdisjoint(self.forms[pos]):
                found = self._first(elements, k + 1, pos + 1, mark_first, mark_last, begin)
                if found is not None:
                    return found
            for phrase in element.phrases:
                if self._phrase_at(phrase, pos, begin):
                    found = self._first(
                        elements, k + 1, pos + len(phrase), mark_first, mark_last, begin
                    )
                    if found is not None:
                        return found
            return None
        if kind == "class":
            if element.high > 1:
                return self._repeat(elements, k, pos, mark_first, mark_last, begin, 0)
            ends = self.class_ends.get(pos)
            if ends and element.name in ends and self._can_step(pos, begin):
                sentence = self.sentence
                for last in sorted(ends[element.name]):
                    if sentence[last] == sentence[pos]:
                        found = self._first(elements, k + 1, last + 1, mark_first, mark_last, begin)
                        if found is not None:
                            return found
            return None
        if kind == "not":
            if self._can_step(pos, begin):
                if not self._excluded(element, pos):
                    return self._first(elements, k + 1, pos + 1, mark_first, mark_last, begin)
            elif element.low and all(e.kind in ("open", "close") for e in elements[k + 1 :]):
                # the last slot at the end of the sentence: nothing follows, so nothing
                # excluded does ("not followed by")
                return self._first(elements, k + 1, pos, mark_first, mark_last, begin)
            return None
        steps = 0
        cursor = pos
        while steps < element.high:
            if not self._can_step(cursor, begin):
                break
            cursor += 1
            steps += 1
            if steps >= max(element.low, 1):
                found = self._first(elements, k + 1, cursor, mark_first, mark_last, begin)
                if found is not None:
                    return found
        return None

    def _excluded(self, element: Element, pos: int) -> bool:
        """Whether the token at ``pos`` is what a negative slot rules out: one of its
        words in any reading, or the first token of a term of its class."""
        if not element.words.isdisjoint(self.forms[pos]):
            return True
        ends = self.class_ends.get(pos)
        return bool(element.name and ends and element.name in ends)

    def _phrase_at(self, phrase: tuple[str, ...], pos: int, begin: int) -> bool:
        """Whether the phrase's words are the tokens from ``pos`` on, with no break."""
        forms = self.forms
        for offset, word in enumerate(phrase):
            cursor = pos + offset
            if not self._can_step(cursor, begin) or word not in forms[cursor]:
                return False
        return True

    def _repeat(
        self,
        elements: tuple[Element, ...],
        k: int,
        pos: int,
        mark_first: int | None,
        mark_last: int | None,
        begin: int,
        done: int,
    ) -> tuple[int, int | None, int | None] | None:
        """Terms of ``{class}{m,n}`` from ``pos`` on, ``done`` of them already taken:
        fewer terms are tried first, as an optional element is skipped first."""
        element = elements[k]
        ends = self.class_ends.get(pos)
        if not (ends and element.name in ends and self._can_step(pos, begin)):
            return None
        sentence = self.sentence
        for last in sorted(ends[element.name]):
            if sentence[last] != sentence[pos]:
                continue
            if done + 1 >= element.low:
                found = self._first(elements, k + 1, last + 1, mark_first, mark_last, begin)
                if found is not None:
                    return found
            if done + 1 < element.high:
                found = self._repeat(elements, k, last + 1, mark_first, mark_last, begin, done + 1)
                if found is not None:
                    return found
        return None
