"""Masked words ("f**k", "b*tch") are looked up through an index of one-word terms by
length and edge letters; whatever the lexicon, they must find exactly the terms a
letter-by-letter comparison with every term of that length finds, in lexicon order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rhetoric.engine.trie import MASK, TokenTrie
from rhetoric.text import prepare
from rhetoric.text.wordlists import fits_common_word

WORDS = st.text(alphabet="abcfkstu", min_size=3, max_size=6)


def brute_force(lexicon: list[str], mask: str) -> list[str]:
    """Every term of the mask's shape, once per time it was added (one payload each)."""
    return [
        term
        for term in dict.fromkeys(lexicon)
        if len(term) == len(mask) and all(m in ("?", t) for m, t in zip(mask, term, strict=True))
        for _ in range(lexicon.count(term))
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=60), WORDS, st.data())
def test_masked_lookup_equals_comparing_every_term(
    lexicon: list[str], word: str, data: st.DataObject
) -> None:
    hidden = data.draw(st.sets(st.integers(1, len(word) - 2), min_size=1))
    masked = "".join("*" if i in hidden else c for i, c in enumerate(word))
    prepared = prepare(masked)
    trie = TokenTrie()
    for term in lexicon:
        trie.add((term,), term)
    found = [m.form for m in trie.scan(prepared) if m.how == MASK]
    tokens = [t for t in prepared.tokens if t.mask is not None]
    expected = brute_force(lexicon, tokens[0].mask) if tokens else []
    if tokens and tokens[0].mask.count("?") >= 2 and fits_common_word(tokens[0].mask):
        # a shape of an everyday word bounds the readings (test_mask_ambiguity.py)
        assert found == [term for term in expected if term in found]
    else:
        assert found == expected


def test_a_mask_keeping_no_edge_letter_still_finds_its_terms() -> None:
    trie = TokenTrie()
    for term in ("stuck", "struck", "truck", "stack"):
        trie.add((term,), term)
    assert trie._mask_lookup("?tuc?") == [("stuck", ["stuck"])]
    assert [term for term, _ in trie._mask_lookup("s?uck")] == ["stuck"]
    assert [term for term, _ in trie._mask_lookup("st??k")] == ["stuck", "stack"]
