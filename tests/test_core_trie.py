"""The compiled core's exact trie walk (``trie_exact``, and ``trie_scan`` / ``trie_ends``,
which also look up each token's node, in ``rhetoric/_core.c``) against
``TokenTrie._python_scan_exact``, ``scan`` and ``scan_ends`` in ``rhetoric/engine/trie.py``.

The core must return the same matches in the same order, or decline (None) anything
that is not a walk without variants, masks or joined letters; ``scan`` then walks in
Python. With ``RHETORIC_NO_CORE=1`` only the dispatch tests run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhetoric._coreload import core
from rhetoric.engine import trie as trie_module
from rhetoric.engine.trie import EXACT, TokenTrie, TrieMatch
from rhetoric.text import Token
from rhetoric.text.prepared import prepare, prepare_general
from rhetoric.text.wordlists import name_words

REQUIRED = os.environ.get("RHETORIC_REQUIRE_CORE") == "1"
needs_core = pytest.mark.skipif(
    core is None and not REQUIRED, reason="this install has no compiled core"
)

# Words that start and continue entries, names spelled like entries (with the words
# that make them names: given names, titles, "you"), and filler.
WORDS = ["the", "deep", "state", "dick", "cheney", "andy", "mr", "you", "a", "fool", "big"]
WORDS += ["fools", "of", "k", "butt", "coon", "x"]
CASED = st.sampled_from(WORDS).flatmap(
    lambda word: st.sampled_from([word, word.title(), word.upper()])
)
GAPS = st.sampled_from([" ", "  ", ", ", ". ", " - ", "\n", "\n\n", " *", '" ', " 'n' ", "; "])
HOSTILE = st.sampled_from(["\u00a0", "\u200d", "\U0001f600", "\u202e", "e\u0301", "\u05d0"])
TEXT = st.lists(st.tuples(CASED, GAPS | HOSTILE), max_size=14).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)
T = TypeVar("T")
PHRASE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(tuple)
ENTRIES = st.lists(st.tuples(PHRASE, st.sampled_from(["r1", "r2", ("r", 3)])), max_size=25)


def _trie(entries: list[tuple[tuple[str, ...], object]]) -> TokenTrie:
    trie = TokenTrie()
    for tokens, payload in entries:
        trie.add(tokens, payload)  # type: ignore[arg-type]
    return trie


def _walk_inputs(trie: TokenTrie, tokens: tuple[Token, ...]) -> tuple[list, list[int]]:
    children = trie._root.children
    nodes = [children.get(token.norm) for token in tokens]
    return nodes, [i for i, node in enumerate(nodes) if node is not None]


def _same(trie: TokenTrie, text: str) -> list[TrieMatch] | None:
    """The core's matches (None: declined), after checking them against Python's."""
    assert core is not None
    prepared = prepare_general(text)
    nodes, positions = _walk_inputs(trie, prepared.tokens)
    names = name_words()
    found = core.trie_exact(prepared.tokens, nodes, positions, names, prepared.original)
    # joined letters are scan()'s to check before the walk; the walk reads tokens only
    plain = not any(t.variants or t.mask for t in prepared.tokens)
    if not plain:
        assert found is None
        return None
    expected = trie._python_scan_exact(prepared.tokens, nodes, positions, [], prepared.original)
    assert found == expected
    assert all(type(match) is TrieMatch for match in found)
    return found  # type: ignore[no-any-return]


@contextmanager
def _python_walk() -> Iterator[None]:
    """trie.py without the core (its reference path), for the length of a block."""
    saved = trie_module._core
    trie_module._core = None
    try:
        yield
    finally:
        trie_module._core = saved


def _in_python(call: Callable[[], T]) -> T:
    with _python_walk():
        return call()


def _ordered(ends: dict[int, dict[Hashable, set[int]]]) -> list[tuple[int, list[Any]]]:
    """scan_ends' grouping with its order (dict equality ignores order)."""
    return [(first, list(found.items())) for first, found in ends.items()]


def _same_from_root(trie: TokenTrie, text: str) -> None:
    """trie_scan and trie_ends equal scan and scan_ends in Python, or decline."""
    assert core is not None
    prepared = prepare(text)
    tokens, names, original = prepared.tokens, name_words(), prepared.original
    found = core.trie_scan(trie._root, tokens, names, original)
    ends = core.trie_ends(trie._root, tokens, names, original)
    if any(t.variants or t.mask for t in tokens):
        assert found is None and ends is None
        return
    assert type(found) is list and type(ends) is dict
    if not prepared.joined:  # joined letters are for scan to check before asking the core
        assert found == _in_python(lambda: trie.scan(prepared))
        assert trie.scan(prepared) == found
        expected = _ordered(_in_python(lambda: trie.scan_ends(prepared)))
        assert _ordered(ends) == expected
        assert _ordered(trie.scan_ends(prepared)) == expected
    assert found == trie._python_scan_exact(tokens, *_walk_inputs(trie, tokens), [], original)


@needs_core
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRIES, TEXT)
def test_core_walk_equals_python(entries, text: str) -> None:  # type: ignore[no-untyped-def]
    _same(_trie(entries), text)
    _same_from_root(_trie(entries), text)


@needs_core
@pytest.mark.parametrize(
    "text",
    [
        "", "the deep state", "The Deep State", "the deep\nstate", "the deep\n\nstate",
        "the, deep state", "Dick Cheney", "dick cheney", "Andy Dick", "Mr. Butts", "Philip K. Dick",
        "you Dick Head", "DICK", "a big fool of the deep state " * 300, "f\u00fcck the deep state",
        "sh1t the deep state", "f u c k the state", "the *deep* state", "Coon Rapids",
    ],
)  # fmt: skip
def test_core_walk_on_listed_cases(text: str) -> None:
    entries = [
        (("the", "deep", "state"), "r1"), (("deep",), "r2"), (("deep", "state"), "r2"),
        (("dick",), "r1"), (("butts",), "r1"), (("coon",), "r1"), (("big", "fool"), "r1"),
        (("big", "fool"), ("r", 3)), (("the",), "r2"), (("fool", "of", "the"), "r1"),
    ]  # fmt: skip
    _same(_trie(entries), text)
    _same_from_root(_trie(entries), text)


@needs_core
def test_core_declines_what_it_does_not_know() -> None:
    assert core is not None
    trie = _trie([(("deep", "state"), "r1"), (("deep",), "r2")])
    prepared = prepare("the deep state")
    tokens = prepared.tokens
    nodes, positions = _walk_inputs(trie, tokens)
    names, original = name_words(), prepared.original
    assert core.trie_exact(tokens, nodes, positions, names, original) is not None
    odd_token = tokens[0]._replace(variants=("tha",))
    odd_glue = tokens[0]._replace(glue=1)
    for arguments in [
        (list(tokens), nodes, positions, names, original),
        (tuple(tuple(t) for t in tokens), nodes, positions, names, original),
        ((odd_token, *tokens[1:]), nodes, positions, names, original),
        ((odd_glue, *tokens[1:]), nodes, positions, names, original),
        (tokens, tuple(nodes), positions, names, original),
        (tokens, nodes[:-1], positions, names, original),
        (tokens, nodes, [*positions, 7], names, original),
        (tokens, nodes, [*positions, -1], names, original),
        (tokens, nodes, [*positions, 2**70], names, original),
        (tokens, nodes, [*positions, "1"], names, original),
        (tokens, nodes, positions, set(names), original),
        (tokens, nodes, positions, names, b"the deep state"),
        (tokens, [None, object(), None], [1], names, original),
    ]:
        assert core.trie_exact(*arguments) is None, arguments
    with pytest.raises(TypeError):
        core.trie_exact(tokens, nodes, positions, names)
    root = trie._root
    for function in (core.trie_scan, core.trie_ends):
        assert function(root, tokens, names, original) is not None
        for arguments in [
            (root.children, tokens, names, original),
            (None, tokens, names, original),
            (root, list(tokens), names, original),
            (root, tuple(tuple(t) for t in tokens), names, original),
            (root, (odd_token, *tokens[1:]), names, original),
            (root, (odd_glue, *tokens[1:]), names, original),
            (root, (tokens[0]._replace(mask="d??p"), *tokens[1:]), names, original),
            (root, tokens, set(names), original),
            (root, tokens, names, b"the deep state"),
        ]:
            assert function(*arguments) is None, arguments
        with pytest.raises(TypeError):
            function(root, tokens, names)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRIES, TEXT)
def test_scan_equals_the_python_walk(entries, text: str) -> None:  # type: ignore[no-untyped-def]
    """What the engine calls gives the reference's matches on either path."""
    trie = _trie(entries)
    prepared = prepare(text)
    expected = trie.scan(prepared)
    assert expected == _in_python(lambda: trie.scan(prepared))
    ends = _in_python(lambda: trie.scan_ends(prepared))
    assert _ordered(trie.scan_ends(prepared)) == _ordered(ends)
    if not prepared.joined and not any(t.variants or t.mask for t in prepared.tokens):
        nodes, positions = _walk_inputs(trie, prepared.tokens)
        python = trie._python_scan_exact(prepared.tokens, nodes, positions, [], prepared.original)
        assert expected == python


@needs_core
def test_core_walk_leaves_reference_counts_unchanged() -> None:
    assert core is not None
    payload = ("rule", 1)
    trie = _trie([(("deep", "state"), payload), (("deep",), payload), (("dick",), payload)])
    prepared = prepare("Andy Dick and the deep state, deep\nstate. " * 5)
    nodes, positions = _walk_inputs(trie, prepared.tokens)
    names = name_words()
    norm = prepared.tokens[1].norm
    watched = (payload, prepared.tokens, norm, EXACT, nodes[positions[0]])
    before = [sys.getrefcount(value) for value in watched]
    root = trie._root
    for _ in range(2_000):
        core.trie_exact(prepared.tokens, nodes, positions, names, prepared.original)
        core.trie_exact(prepared.tokens, nodes, [*positions, 999], names, prepared.original)
        core.trie_scan(root, prepared.tokens, names, prepared.original)
        core.trie_ends(root, prepared.tokens, names, prepared.original)
        core.trie_ends(root, prepared.tokens, set(names), prepared.original)
    assert [sys.getrefcount(value) for value in watched] == before


@pytest.fixture
def trie_setup():  # type: ignore[no-untyped-def]
    """The core's setup function; trie.py's own arguments are handed back afterwards."""
    if core is None:
        pytest.skip("this install has no compiled core")
    yield core.trie_setup
    trie_module._exact_core()


@pytest.mark.parametrize(
    "arguments",
    [
        (1, Token, TrieMatch, EXACT, len),
        (trie_module._Node, tuple, TrieMatch, EXACT, len),
        (trie_module._Node, Token, dict, EXACT, len),
        (trie_module._Node, Token, TrieMatch, b"exact", len),
        (trie_module._Node, Token, TrieMatch, EXACT, None),
    ],
)
def test_setup_refuses_bad_arguments(trie_setup, arguments) -> None:  # type: ignore[no-untyped-def]
    """A refused setup raises and leaves the walk to Python."""
    assert core is not None
    with pytest.raises(ValueError, match="trie_setup"):
        trie_setup(*arguments)
    prepared = prepare("the deep state")
    trie = _trie([(("deep", "state"), "r1")])
    nodes, positions = _walk_inputs(trie, prepared.tokens)
    assert core.trie_exact(prepared.tokens, nodes, positions, name_words(), "x") is None
    assert core.trie_ends(trie._root, prepared.tokens, name_words(), "x") is None
    assert [m.form for m in trie.scan(prepared)] == ["deep state"]


def test_name_check_that_raises_is_an_error_not_a_crash(trie_setup) -> None:  # type: ignore[no-untyped-def]
    def broken(tokens, index, original):  # type: ignore[no-untyped-def]
        raise LookupError("broken name check")

    assert core is not None
    trie_setup(trie_module._Node, Token, TrieMatch, EXACT, broken)
    prepared = prepare("Andy Dick")
    trie = _trie([(("dick",), "r1")])
    nodes, positions = _walk_inputs(trie, prepared.tokens)
    with pytest.raises(LookupError, match="broken"):
        core.trie_exact(prepared.tokens, nodes, positions, name_words(), prepared.original)
    for function in (core.trie_scan, core.trie_ends):
        with pytest.raises(LookupError, match="broken"):
            function(trie._root, prepared.tokens, name_words(), prepared.original)
