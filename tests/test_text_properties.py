"""Properties of ``prepare`` on adversarial text: spans stay exact whatever the input."""

import itertools
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rhetoric.text import PreparedText, prepare

# Pieces an obfuscating commenter (or a broken client) may produce, mixed at random.
# fmt: off
_ATOMS = [
    *"abcdefghijklmnopqrstuvwxyzFUCKSHIT",
    "fuck", "shit", "idiot", "ass", "Scunthorpe", "deep", "state", "don't",
    # letter swaps, grawlixes and stroked letters (rhetoric/data/obfuscation.toml)
    "dlck", "fvck", "1v57", "SPLC", "G*@k", "f#@%", "mv7herfvck*r", "\u0192", "\u00f8", "\u0141",
    *" \t\n\r.,;:!?()[]-_'\"`/", "  ", "\r\n", "...",
    *"0123456789", *"@$!|+", *"*#%^",
    "\u0430", "\u0435", "\u043e", "\u0440", "\u0441", "\u0443", "\u0445", "\u0456", "\u0458",
    "\u0455", "\u04bb", "\u0501", "\u04cf", "\u051b", "\u051d", "\u0410", "\u041d",
    "\u03bd", "\u03bf", "\u03b1", "\u03b9", "\u03ba", "\u03c4", "\u03c1", "\u0397", "\u03b7",
    "\u043f\u0440\u0438\u0432\u0435\u0442", "\u0441\u043e\u0440",
    "\u0301", "\u0308", "\u0336", "\u0489", "\u093f", "\u094d", "\u064e", "\ufe0f",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e",
    "\ufb01", "\ufb02", "\u00df", "\u0130", "\u2474", "\u249c", "\u2488", "\u00bd",
    "\U0001d41f", "\U0001d42e", "\uff46", "\uff35", "\u1d0b", "\ua730", "\u24d5",
    "\U0001f150", "\U0001f135", "\u2019", "\u201c", "\u02bc", "\u00a0", "\u3000",
    "&amp;", "&#102;", "&#x66;", "&nbsp;", "&lt;", "&bogus;", "&#8203;", "&#769;", "&#0;",
    "&#xD800;", "&#x1D41F;", "&NotEqualTilde;", "&", "&#", ";",
    "\U0001f600", "\U0001f4a9", "\U0001f1fa\U0001f1f8", "\u4f60\u597d", "\u2028",
    "\ud800", "\udfff",
]
# fmt: on

texts = st.lists(
    st.one_of(st.sampled_from(_ATOMS), st.characters(exclude_categories=())),
    max_size=40,
).map("".join)

# RHETORIC_TEXT_EXAMPLES=20000 for a deeper search than the default CI budget.
_SETTINGS = settings(
    max_examples=int(os.environ.get("RHETORIC_TEXT_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _all_tokens(prepared: PreparedText) -> tuple:
    return (*prepared.tokens, *prepared.joined)


@_SETTINGS
@given(texts)
@example("f*ck &#102;uck fu\u200bck \u0455\u04bb\u0456t f u c k")
@example("\u0301\u200b")
@example("a\u200b&#769;")
def test_spans_are_inside_the_original(text: str) -> None:
    prepared = prepare(text)
    assert prepared.original == text
    for token in _all_tokens(prepared):
        assert 0 <= token.start < token.end <= len(text)
        assert token.norm
        assert token.norm not in token.variants
        assert len(set(token.variants)) == len(token.variants) <= 8


@_SETTINGS
@given(texts)
def test_tokens_sorted_and_disjoint(text: str) -> None:
    tokens = prepare(text).tokens
    for position, token in enumerate(tokens):
        assert token.index == position
    for left, right in itertools.pairwise(tokens):
        assert left.end <= right.start
    if tokens:
        assert tokens[0].glue is False
    for candidate in prepare(text).joined:
        assert 0 <= candidate.index < len(tokens)
        assert candidate.start == tokens[candidate.index].start


@_SETTINGS
@given(texts, st.data())
def test_to_original_is_bounded_and_monotonic(text: str, data: st.DataObject) -> None:
    prepared = prepare(text)
    size = len(prepared.normalized)
    cuts = sorted(data.draw(st.lists(st.integers(0, size), min_size=4, max_size=4)))
    first = prepared.to_original(cuts[0], cuts[2])
    second = prepared.to_original(cuts[1], cuts[3])
    for start, end in (first, second):
        assert 0 <= start <= end <= len(text)
    assert first[0] <= second[0]
    assert first[1] <= second[1]
    previous_end = 0
    for index in range(size):
        start, end = prepared.to_original(index, index + 1)
        assert start < end
        assert start >= previous_end or (start, end) == prepared.to_original(index - 1, index)
        previous_end = end
        assert prepared.normalized_index(start) <= index
        assert prepared.normalized_index(end) > index


@_SETTINGS
@given(texts)
@example("**stupid** &#102;uck \u0441\u043e\u0440 !!x!y *a** 'b'")
@example("!!\u093fa")
def test_token_span_reprepares_to_same_norm(text: str) -> None:
    prepared = prepare(text)
    for token in prepared.tokens:
        again = prepare(text[token.start : token.end]).tokens
        assert [t.norm for t in again] == [token.norm]
        assert again[0].variants == token.variants
        assert again[0].mask == token.mask


@_SETTINGS
@given(texts)
def test_whole_span_covers_every_kept_char(text: str) -> None:
    prepared = prepare(text)
    size = len(prepared.normalized)
    start, end = prepared.to_original(0, size)
    for index in range(size):
        char_start, char_end = prepared.to_original(index, index + 1)
        assert start <= char_start < char_end <= end
    # Whatever lies outside produced nothing, and produces nothing on its own either.
    assert prepare(text[:start]).normalized == ""
    assert prepare(text[end:]).normalized == ""


@_SETTINGS
@given(texts)
@example("!!\u093fa")
def test_token_norm_is_the_normalized_slice(text: str) -> None:
    prepared = prepare(text)
    for token in prepared.tokens:
        begin = prepared.normalized_index(token.start)
        assert prepared.normalized[begin : begin + len(token.norm)] == token.norm
        assert prepared.to_original(begin, begin + len(token.norm)) == (token.start, token.end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_ascii_without_entities_is_lowercased_in_place(text: str) -> None:
    prepared = prepare(text)
    if "&" not in text:
        assert prepared.normalized == text.lower().replace("`", "'")
    assert len(prepared.normalized) <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=60))
def test_never_raises_on_any_string(text: str) -> None:
    prepared = prepare(text)
    for token in _all_tokens(prepared):
        assert 0 <= token.start < token.end <= len(text)


def test_fold_chars_is_the_fold_table_translate() -> None:
    """``fold_chars`` looks up only the non-ASCII runs: the same text as translating
    every char through the fold table, and every ASCII char folds to itself lowered
    (the backtick to an apostrophe), one char, never irregular."""
    from rhetoric.text.normalize import _CHAR_FOLDS, _fold_ascii, fold_chars, fold_unit

    for char in map(chr, range(128)):
        assert fold_unit(char)[0] == _fold_ascii(char)
    chars = "aZ`' -1\u00e9\u00c9\u2014\u2026\u0130\ufb01\u0301\U0001f600\u4e2d"
    alphabet = st.sampled_from(list(chars))

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet, max_size=20))
    def same(text: str) -> None:
        assert fold_chars(text) == text.translate(_CHAR_FOLDS)

    same()
