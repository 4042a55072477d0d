"""One token-level trie for every lexicon term, word-class term and exception.

All phrase-like entries of all rules compile into a single trie keyed by
normalized tokens, and one left-to-right pass over a comment's tokens finds
every entry at once: the cost per comment grows with the text, not with the
number of rules or terms. Obfuscated tokens take part through their prepared
variants (leet, letter swaps, stretched letters), mask patterns (``f?ck``)
and joined single letters (``f u c k``).

Every reading of an obfuscated word is bounded by what the written text is
(the Scunthorpe problem): a reading of a written word that is itself an English
word or name is refused (``SPLC`` is no ``spic``), a spelled-out candidate inside
a longer word of its run is refused (``S C U N T H O R P E``), and a one-word
entry written as a name is not the word (``Dick Cheney``, ``Kike Hernandez``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from operator import attrgetter
from typing import Any, NamedTuple

from .._coreload import core
from ..pickling import pickled_by_constructor
from ..text import PreparedText, Token
from ..text.obfuscation import case_allows, mask_alternatives
from ..text.variants import grawlix_shapes
from ..text.wordlists import (
    dictionary_form,
    fits_common_word,
    given_names,
    in_english_words,
    innocent_words,
    is_known_word,
    name_words,
    titles,
)

EXACT, VARIANT, MASK, JOINED = "exact", "variant", "mask", "joined"
_NORM = attrgetter("norm")
_VARIANTS = attrgetter("variants")
_MASK = attrgetter("mask")
_TRIPLED = re.compile(r"(.)\1\1")
# Words before a capitalised word that make it a noun, not a name: "you Dick Head".
_ADDRESS = frozenset({"a", "an", "you", "u", "ya", "ur", "your", "such", "what"})


@pickled_by_constructor
@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    payloads: list[Hashable] = field(default_factory=list)


class TrieMatch(NamedTuple):
    """An entry found in the text: tokens ``first..last`` (inclusive), original span.

    A named tuple: a comment yields several (word-class terms mostly), and a tuple is
    several times cheaper to make than a frozen dataclass.
    """

    first: int
    last: int
    start: int
    end: int
    payload: Hashable
    how: str
    form: str


class TokenTrie:
    """Phrases (tuples of normalized tokens) mapped to payloads."""

    def __init__(self) -> None:
        self._root = _Node()
        self._single_by_len: dict[int, dict[str, list[Hashable]]] = defaultdict(dict)
        # One-word terms of each length by first letter and by last letter: a masked
        # word ("f**k", "sh*t") almost always keeps one of them, so its lookup reads a
        # small bucket instead of every term of its length (flat as lexicons grow).
        # Built for a length on the first masked word of that length: few comments have
        # one, and every start-up would otherwise load it from the compiled-rules cache
        # (all lengths at once cost about 0.1 s mid-run, over the engine's tries).
        self._by_edge: dict[int, dict[tuple[int, str], dict[str, int]]] | None = None
        self.size = 0

    def add(self, tokens: tuple[str, ...], payload: Hashable) -> None:
        if not tokens:
            return
        node = self._root
        for token in tokens:
            node = node.children.setdefault(token, _Node())
        node.payloads.append(payload)
        self.size += 1
        if len(tokens) == 1:
            self._single_by_len[len(tokens[0])].setdefault(tokens[0], node.payloads)
            self._by_edge = None

    def entries(self) -> Iterator[tuple[tuple[str, ...], Hashable]]:
        """Every ``(tokens, payload)`` added, depth first (for tools and benchmarks)."""
        stack: list[tuple[tuple[str, ...], _Node]] = [((), self._root)]
        while stack:
            tokens, node = stack.pop()
            for payload in node.payloads:
                yield tokens, payload
            stack.extend(((*tokens, word), child) for word, child in node.children.items())

    def scan(self, prepared: PreparedText) -> list[TrieMatch]:
        """Every entry occurring in the text, by whole tokens."""
        tokens = prepared.tokens
        if _core is not None and not prepared.joined:
            # the compiled walk, preamble included, when no token has other spellings
            exact = _core.trie_scan(self._root, tokens, name_words(), prepared.original)
            if exact is not None:
                return exact  # type: ignore[no-any-return]
        children = self._root.children
        found: list[TrieMatch] = []
        count = len(tokens)
        # Only tokens whose norm starts an entry, or that have other spellings, can
        # start a match: find them with C-level lookups instead of a loop over all.
        nodes = list(map(children.get, map(_NORM, tokens)))
        positions = list(compress(range(count), nodes))
        unusual = [  # a mask is never empty: truthiness tells which tokens have one
            *compress(range(count), map(_VARIANTS, tokens)),
            *compress(range(count), map(_MASK, tokens)),
        ]
        original = prepared.original
        if not unusual and not prepared.joined:
            return self._scan_exact(tokens, nodes, positions, found, original)
        if unusual:
            positions = sorted({*positions, *unusual})
        names = name_words()
        for i in positions:
            token = tokens[i]
            node = nodes[i]
            if node is not None:
                single = not (
                    node.payloads and token.norm in names and _reads_as_name(tokens, i, original)
                )
                if node.children:
                    if node.payloads or _may_continue(node, tokens, i + 1, count):
                        self._extend(
                            tokens, i, node, EXACT, token.norm, found, count, original, single
                        )
                elif single:  # a one-word entry, the common case: no frontier to walk
                    start, end, norm = token.start, token.end, token.norm
                    for payload in node.payloads:
                        found.append(_match((i, i, start, end, payload, EXACT, norm)))
            if token.variants:
                for form in token.variants:
                    node = children.get(form)
                    if node is not None and _reading_allowed(token, form, original):
                        self._extend(tokens, i, node, VARIANT, form, found, count, original)
            if token.mask is not None:
                for term, payloads in self._mask_lookup(token.mask, token.norm):
                    for payload in payloads:
                        found.append(TrieMatch(i, i, token.start, token.end, payload, MASK, term))
        joined = prepared.joined
        for token in joined:
            for form_index, form in enumerate(_forms(token)):
                node = children.get(form)
                if node is None or not node.payloads:
                    continue
                if form_index and not _reading_allowed(token, form, original):
                    continue
                if _inside_longer_word(token, joined, children):
                    break
                for payload in node.payloads:
                    found.append(
                        TrieMatch(
                            token.index, token.index, token.start, token.end, payload, JOINED, form
                        )
                    )
        return found

    def scan_ends(self, prepared: PreparedText) -> dict[int, dict[Hashable, set[int]]]:
        """Per first token of a match, each payload found there and the last tokens
        of its matches: what ``scan`` finds, grouped as the engine reads word-class
        matches (same order). Most comments have no other spellings: their one-word
        entries, most of the matches, are then grouped without a match tuple each."""
        ends: dict[int, dict[Hashable, set[int]]] = {}
        tokens = prepared.tokens
        if not tokens:
            return ends
        if _core is not None and not prepared.joined:
            grouped = _core.trie_ends(self._root, tokens, name_words(), prepared.original)
            if grouped is not None:
                return grouped  # type: ignore[no-any-return]
        nodes = list(map(self._root.children.get, map(_NORM, tokens)))
        if prepared.joined or any(map(_VARIANTS, tokens)) or any(map(_MASK, tokens)):
            matches: Iterable[TrieMatch] = self.scan(prepared)
        else:
            matches = []
            original = prepared.original
            names = name_words()
            last = len(tokens) - 1
            for i in compress(range(len(tokens)), nodes):
                node: _Node = nodes[i]  # type: ignore[assignment]
                token = tokens[i]
                if not node.children:  # as in _scan_exact: a one-word entry
                    if not node.payloads or (
                        token.norm in names and _reads_as_name(tokens, i, original)
                    ):
                        continue
                    by_payload = ends[i] = {}  # positions ascend: i is new here
                    for payload in node.payloads:
                        found = by_payload.get(payload)
                        if found is None:
                            by_payload[payload] = {i}
                        else:
                            found.add(i)
                elif node.payloads or (
                    i < last and tokens[i + 1].glue and tokens[i + 1].norm in node.children
                ):
                    single = not (
                        node.payloads
                        and token.norm in names
                        and _reads_as_name(tokens, i, original)
                    )
                    extended: list[TrieMatch] = []
                    self._extend(
                        tokens, i, node, EXACT, token.norm, extended, len(tokens), original, single
                    )
                    _group(extended, ends)
            return ends
        _group(matches, ends)
        return ends

    def _scan_exact(
        self,
        tokens: tuple[Token, ...],
        nodes: list[_Node | None],
        positions: list[int],
        found: list[TrieMatch],
        original: str,
    ) -> list[TrieMatch]:
        """``scan`` for tokens without other spellings (most comments): only their
        norms can match, so the checks for variants, masks and joined letters go.
        The compiled core walks when it has the trie's types (``trie_setup`` below)."""
        if _core is not None:
            matches = _core.trie_exact(tokens, nodes, positions, name_words(), original)
            if matches is not None:
                found.extend(matches)
                return found
        return self._python_scan_exact(tokens, nodes, positions, found, original)

    def _python_scan_exact(
        self,
        tokens: tuple[Token, ...],
        nodes: list[_Node | None],
        positions: list[int],
        found: list[TrieMatch],
        original: str,
    ) -> list[TrieMatch]:
        """``_scan_exact`` in Python (the reference the core must equal)."""
        count = len(tokens)
        last = count - 1
        names = name_words()
        for i in positions:
            node: _Node = nodes[i]  # type: ignore[assignment]
            token = tokens[i]
            if not node.children:  # a one-word entry, the common case: no frontier
                if token.norm in names and _reads_as_name(tokens, i, original):
                    continue
                start, end, norm = token.start, token.end, token.norm
                for payload in node.payloads:
                    found.append(_match((i, i, start, end, payload, EXACT, norm)))
            elif node.payloads or (
                i < last and tokens[i + 1].glue and tokens[i + 1].norm in node.children
            ):
                single = not (
                    node.payloads and token.norm in names and _reads_as_name(tokens, i, original)
                )
                self._extend(tokens, i, node, EXACT, token.norm, found, count, original, single)
        return found

    def _extend(
        self,
        tokens: tuple[Token, ...],
        i: int,
        node: _Node,
        how: str,
        form: str,
        found: list[TrieMatch],
        count: int,
        original: str,
        single: bool = True,
    ) -> None:
        """Matches from token ``i`` at ``node``: its one-word entries (unless ``single``
        is False: the word is a name here) and every phrase continuing it."""
        start = tokens[i].start
        if single:
            for payload in node.payloads:
                found.append(_match((i, i, start, tokens[i].end, payload, how, form)))
        if not node.children:
            return  # the common case: a one-word entry
        frontier = [(node, how, form)]
        j = i
        while frontier and j + 1 < count and tokens[j + 1].glue:
            following = tokens[j + 1]
            forms = _forms(following)
            next_frontier = []
            for current, current_how, current_form in frontier:
                children = current.children
                if not children:
                    continue
                for form_index, next_form in enumerate(forms):
                    child = children.get(next_form)
                    if child is None or (
                        form_index and not _reading_allowed(following, next_form, original)
                    ):
                        continue
                    next_how = current_how if form_index == 0 else VARIANT
                    joined = f"{current_form} {next_form}"
                    for payload in child.payloads:
                        found.append(
                            _match((i, j + 1, start, following.end, payload, next_how, joined))
                        )
                    if child.children:
                        next_frontier.append((child, next_how, joined))
            frontier = next_frontier
            j += 1

    def _mask_lookup(self, mask: str, norm: str | None = None) -> list[tuple[str, list[Hashable]]]:
        """One-word terms of the mask's shape (``_shape_lookup``), bounded where the shape
        is ambiguous (Scunthorpe). A mask hiding two or more characters whose shape fits an
        everyday word ("s**cks": stacks, shocks) is not clearly any rarer spelling: only its
        readings that are English words stay (not the slur spelling "spicks"; "n***er",
        "f**k", "a**hole", "b**ch" keep theirs). A hidden run of mixed signs (a grawlix,
        "s%#cks") may hide fewer letters than it has signs, so each such length is tried."""
        found = self._shape_lookup(mask, norm)
        if not found or mask.count("?") < 2:
            return found
        shapes = (grawlix_shapes(norm, mask) if norm is not None else []) or [(mask, norm)]
        if not any(fits_common_word(shape) for shape, _ in shapes):
            return found
        # a term listed with its mask ("a**", "b*tch") is read as written; a spelling
        # the dictionary does not know is no likely reading of an ambiguous mask
        return [
            (term, payloads)
            for term, payloads in found
            if not term.isalpha() or dictionary_form(term)
        ]

    def _shape_lookup(self, mask: str, norm: str | None = None) -> list[tuple[str, list[Hashable]]]:
        """One-word terms of the mask's shape. With the written ``norm`` (as long as the
        mask), a sign or letter may also stand for its other readings: ``@`` for a or o,
        ``1`` for i or l, ``v`` for u ("d0gg**5ty1e", "mv7herfvck*r")."""
        by_term = self._single_by_len.get(len(mask))
        if not by_term:
            return []
        size = len(mask)
        if norm is not None and len(norm) == size:
            allowed = [
                letter if letter == "?" else letter + mask_alternatives(char)
                for letter, char in zip(mask, norm, strict=True)
            ]
        else:
            allowed = list(mask)
        first, last = allowed[0] != "?", allowed[-1] != "?"
        candidates: Iterable[str] = by_term
        if first or last:
            index = self._edge_index(size)
            heads = _bucket(index, 0, allowed[0]) if first else None
            tails = _bucket(index, -1, allowed[-1]) if last else None
            if heads is not None and tails is not None:
                bucket = heads if len(heads) <= len(tails) else tails
                other = tails if bucket is heads else heads
                chosen = {word: rank for word, rank in bucket.items() if word in other}
            else:
                chosen = heads if heads is not None else tails  # type: ignore[assignment]
            # In the order the terms were added, as a pass over all of them would give.
            candidates = sorted(chosen, key=chosen.__getitem__)
        known = [(k, letters) for k, letters in enumerate(allowed) if letters != "?"]
        return [
            (term, by_term[term])
            for term in candidates
            if all(term[k] in letters for k, letters in known)
        ]

    def _edge_index(self, size: int) -> dict[tuple[int, str], dict[str, int]]:
        """One-word terms of ``size`` letters by (0, first letter) and (-1, last letter),
        each with its rank among the terms of that length."""
        by_size = self._by_edge
        if by_size is None:
            by_size = self._by_edge = {}
        index = by_size.get(size)
        if index is None:
            index = by_size[size] = {}
            for rank, word in enumerate(self._single_by_len.get(size, ())):
                index.setdefault((0, word[0]), {})[word] = rank
                index.setdefault((-1, word[-1]), {})[word] = rank
        return index


# tuple.__new__ skips the named tuple's Python-level __new__: scans make many matches
_match = partial(tuple.__new__, TrieMatch)


def _group(matches: Iterable[TrieMatch], ends: dict[int, dict[Hashable, set[int]]]) -> None:
    """Add ``matches`` to ``ends`` (see ``TokenTrie.scan_ends``), in their order."""
    for match in matches:
        by_payload = ends.get(match.first)
        if by_payload is None:
            by_payload = ends[match.first] = {}
        found = by_payload.get(match.payload)
        if found is None:
            by_payload[match.payload] = {match.last}
        else:
            found.add(match.last)


def _may_continue(node: _Node, tokens: tuple[Token, ...], j: int, count: int) -> bool:
    """Whether a phrase at ``node`` can go on with token ``j``: most comments have
    many "the" or "a" that start some phrase, and few that continue one."""
    if j >= count:
        return False
    following = tokens[j]
    if not following.glue:
        return False
    return following.norm in node.children or bool(following.variants)


def _forms(token: Token) -> tuple[str, ...]:
    return (token.norm, *token.variants) if token.variants else (token.norm,)


def _bucket(
    index: dict[tuple[int, str], dict[str, int]], edge: int, letters: str
) -> dict[str, int]:
    """Terms of the index's length with one of ``letters`` at ``edge``, with their ranks."""
    if len(letters) == 1:
        return index.get((edge, letters), {})
    merged: dict[str, int] = {}
    for letter in letters:
        merged.update(index.get((edge, letter), {}))
    return merged


def _titled(word: str) -> bool:
    """Capitalised as a name is: "Dick", "Cheney's", an initial "K"; not "DICK"."""
    return word[:1].isupper() and (len(word) == 1 or not word.isupper())


def _reads_as_name(tokens: tuple[Token, ...], i: int, original: str) -> bool:
    """Whether token ``i``, whose norm is a name spelled like a lexicon word
    (``name_words``), is that name here: written capitalised, and followed by a
    capitalised word ("Dick Cheney's memoir", "Kike Hernandez"; not after "a", "you"...),
    or preceded by a given name, a title, an initial or a capitalised word inside the
    sentence ("Andy Dick", "Mr. Butts", "Philip K. Dick", "the anthropologist Carleton
    Coon").
    Lowercase and all-capital words never are."""
    token = tokens[i]
    if not _titled(original[token.start : token.end]):
        return False
    if i + 1 < len(tokens) and tokens[i + 1].glue:
        following = tokens[i + 1]
        addressed = i > 0 and token.glue and tokens[i - 1].norm in _ADDRESS
        if not addressed and _titled(original[following.start : following.end]):
            return True
    if i > 0:
        previous = tokens[i - 1]
        if not _titled(original[previous.start : previous.end]):
            return False
        if token.glue:
            # a given name or title, or any capitalised word that does not open the sentence
            return (
                previous.norm in given_names()
                or previous.norm in titles()
                or (i > 1 and previous.glue)
            )
        gap = original[previous.end : token.start]  # "K. Dick", "Mr. Butts"
        if gap.strip(" .") == "" and "." in gap:
            return len(previous.norm) == 1 or previous.norm in titles()
    return False


def _reading_allowed(token: Token, form: str, original: str) -> bool:
    """Whether the reading ``form`` of ``token`` may match. Readings of words written
    with signs, digits or tripled letters are; a reading of a plain written word (a
    letter swap: "dlck") is not when that word is an English word or name, or when the
    writer's case rules the swap out ("SPLC")."""
    norm = token.norm
    if not (norm.isascii() and norm.isalpha()) or _TRIPLED.search(norm) is not None:
        return True
    if not case_allows(original[token.start : token.end], norm, form):
        return False
    return not is_known_word(norm)


def _inside_longer_word(token: Token, joined: tuple[Token, ...], children: dict) -> bool:
    """Whether a spelled-out candidate lies inside a longer candidate of its run that is an
    innocent look-alike, or an English word or name at least two letters longer, and no
    entry itself ("c u n t" in "S C U N T H O R P E"). One more letter of the dictionary is
    not enough: a stray letter or "a", "I" beside spelled-out letters is as likely as a
    longer word ("m o r o n i" is no "Moroni")."""
    for other in joined:
        if (
            other.start <= token.start
            and token.end <= other.end
            and (other.start, other.end) != (token.start, token.end)
        ):
            word = other.norm
            if not (word.isascii() and word.isalpha()):
                continue
            if word in innocent_words() or (
                len(word) >= len(token.norm) + 2 and in_english_words(word)
            ):
                node = children.get(word)
                if node is None or not node.payloads:
                    return True
    return False


def _exact_core() -> Any:
    """The compiled core with the exact walk set up, or None (then Python walks)."""
    if core is None or not hasattr(core, "trie_setup"):
        return None
    core.trie_setup(_Node, Token, TrieMatch, EXACT, _reads_as_name)
    return core


_core: Any = _exact_core()
