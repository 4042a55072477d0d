"""Candidate spellings of one token: leet decoding, letter swaps, de-stretching, doubled
letters and letter pairs, and masks.

Matching is by whole token, so instead of fuzzy matching we enumerate the few spellings an
obfuscated token most plausibly stands for and let the lexicon look each one up. What a
sign or letter may stand for is data (``rhetoric/data/obfuscation.toml``).
"""

from functools import lru_cache
from itertools import islice, product
from typing import Final

import regex

from .obfuscation import (
    DOUBLED_FINAL,
    DOUBLED_INSIDE,
    DOUBLED_NOT_AFTER,
    DOUBLED_PATTERN,
    LEET,
    LEET_SIGNS,
    MASK_SIGNS,
    PAIR_PATTERN,
    PAIRS,
    SWAP_LETTERS,
    SWAP_PATTERN,
    char_class,
)
from .patterns import compiled
from .wordlists import is_known_word

MAX_VARIANTS: Final = 8
# No listed term is anywhere near this long; longer "words" (a pasted hash, a megabyte of
# one letter) get no variants, which keeps the backreference search below cheap.
MAX_WORD: Final = 200
_MAX_DECODINGS: Final = 4
_MAX_STRETCH_RUNS: Final = 3
# A hidden first letter leaves too many readings of a short word ("*uck": buck, duck...).
MIN_LEADING_MASK_WORD: Final = 5

_PRIMARY: Final = str.maketrans({sign: letters[0] for sign, letters in LEET.items()})
_MASK_TO_QUESTION: Final = str.maketrans(dict.fromkeys(MASK_SIGNS, "?"))

_LETTER_RE: Final = compiled(r"\p{L}")
_LEET_RE: Final = compiled(f"[{char_class(''.join(LEET))}]")
_SWAP_RE: Final = compiled(SWAP_PATTERN)
_STRETCH_RE: Final = compiled(r"(\p{L})\1{2,}")
_SIGNS: Final = char_class("".join(LEET) + "".join(sorted(MASK_SIGNS)))
_MASKS: Final = char_class("".join(sorted(MASK_SIGNS)))
# A leet sign (not a digit) next to a mask sign: one more hidden letter of a grawlix.
_GRAWLIX_RE: Final = compiled(
    f"(?<=[{_MASKS}])[{char_class(LEET_SIGNS)}]|[{char_class(LEET_SIGNS)}](?=[{_MASKS}])"
)
_NEEDS_WORK_RE: Final = compiled(
    f"[{_SIGNS}]|(\\p{{L}})\\1{{2,}}|{SWAP_PATTERN}|{DOUBLED_PATTERN}|{PAIR_PATTERN}"
)
_RUN_RE: Final = compiled(r"(\p{L})\1+")
_PAIR_RE: Final = compiled(PAIR_PATTERN)
_MAX_DOUBLED_RUNS: Final = 2
_POSSESSIVE_RE: Final = compiled(r"([a-z]+)'s")


def _decodings(norm: str) -> list[str]:
    """Leet and letter-swap readings of ``norm``, primary first; ambiguous signs and
    swapped letters (read both ways) multiply, up to a cap. A swap's neighbours are read
    leet-decoded ("cvn7": the v follows a letter)."""
    leet = _LEET_RE.search(norm) is not None
    primary = norm.translate(_PRIMARY) if leet else norm
    swaps = [match.start() for match in _SWAP_RE.finditer(primary)]
    if not swaps and not leet:
        return []
    options = [LEET.get(char, (char,)) for char in norm]
    for index in swaps:
        if norm[index] in SWAP_LETTERS:  # a written letter, not a sign that reads as one
            options[index] = (SWAP_LETTERS[norm[index]].reads, norm[index])
    if all(len(choice) == 1 for choice in options):
        return [primary]
    return ["".join(combo) for combo in islice(product(*options), _MAX_DECODINGS)]


def _destretched(word: str) -> list[str]:
    """Runs of 3+ identical letters collapsed to one and to two letters ("fuuuck" -> "fuck",
    "fuuck"); with several runs, every mix of those (first the all-1 and all-2 forms)."""
    runs = list(_STRETCH_RE.finditer(word))[:_MAX_STRETCH_RUNS]
    if not runs:
        return []
    choices = [(1,) * len(runs), (2,) * len(runs)]
    choices += [c for c in product((1, 2), repeat=len(runs)) if c not in choices]
    forms = []
    for lengths in choices:
        parts = []
        pos = 0
        for run, keep in zip(runs, lengths, strict=True):
            parts.append(word[pos : run.start()])
            parts.append(run.group(1) * keep)
            pos = run.end()
        parts.append(word[pos:])
        forms.append("".join(parts))
    return forms


def _undoubled(word: str) -> list[str]:
    """``word`` with its doubled letters (of the ``[doubled]`` classes: exactly two, inside
    and not after a vowel, or at the end) written once: all of them, then each alone
    ("shiitt" -> "shit", "shitt", "shiit"). A cheap disguise whole-token lookup misses."""
    runs = [
        run
        for run in _RUN_RE.finditer(word)
        if run.end() - run.start() == 2
        and (
            (
                run.group(1) in DOUBLED_INSIDE
                and (run.start() == 0 or word[run.start() - 1] not in DOUBLED_NOT_AFTER)
            )
            or (run.end() == len(word) and run.group(1) in DOUBLED_FINAL)
        )
    ][:_MAX_DOUBLED_RUNS]
    if not runs:
        return []
    choices = [runs] if len(runs) == 1 else [runs, *([run] for run in runs)]
    forms = []
    for chosen in choices:
        starts = {run.start() for run in chosen}
        forms.append("".join(char for k, char in enumerate(word) if k not in starts))
    return forms


def _paired(word: str) -> str | None:
    """``word`` with its letter pairs read as one letter ("vvhore" -> "whore"), or None."""
    if _PAIR_RE.search(word) is None:
        return None
    return _PAIR_RE.sub(lambda match: PAIRS[match.group()][0], word)


def spellings(norm: str) -> tuple[str, ...]:
    """Variants of a token with letters: leet decodings each followed by their de-stretched
    forms (or the de-stretched forms of ``norm`` itself when nothing is leet), then the
    forms with doubled letters once and letter pairs read; deduplicated, never ``norm``,
    at most ``MAX_VARIANTS``."""
    decoded = _decodings(norm)
    forms: list[str] = []
    for word in decoded or [norm]:
        if decoded:
            forms.append(word)
        stretched = _destretched(word)
        forms.extend(stretched)
        forms.extend(_undoubled(stretched[0] if stretched else word))
        paired = _paired(word)
        if paired is not None:
            forms.append(paired)
            forms.extend(_undoubled(paired))
    seen = {norm}
    out = []
    for form in forms:
        if form not in seen:
            seen.add(form)
            out.append(form)
            if len(out) == MAX_VARIANTS:
                break
    return tuple(out)


def mask_of(norm: str) -> str | None:
    """``f*ck`` -> ``f?ck``: the token with each mask sign as ``?`` (leet-decoded otherwise).

    Only when a letter (leet-decoded) precedes the first mask sign and the mask hides one
    character or at most half of the token (rounded up, so "a**" qualifies but "f***" does
    not): more than that is too ambiguous to guess a word from. A leet sign touching a
    mask sign (not first in the word) is part of a grawlix and hides a letter too:
    "f#@%" is no "f?o?" (fool), "n@*gers" is "n??gers".
    """
    if not any(char in MASK_SIGNS for char in norm):
        return None
    if _GRAWLIX_RE.search(norm) is not None:
        norm = norm[0] + _GRAWLIX_RE.sub("*", norm[1:]) if len(norm) > 1 else norm
    masked = sum(1 for char in norm if char in MASK_SIGNS)
    decoded = norm.translate(_PRIMARY)
    first = next(i for i, char in enumerate(norm) if char in MASK_SIGNS)
    if first == 0:
        # Tokens keep a leading star only when it hides the first letter ("*ucking").
        if norm[0] != "*" or len(norm) < MIN_LEADING_MASK_WORD or norm[-1] == "*":
            return None
    elif _LETTER_RE.search(decoded, 0, first) is None:
        return None
    if masked != 1 and masked * 2 > len(norm) + 1:
        return None
    return decoded.translate(_MASK_TO_QUESTION)


# At most this many shapes of a mask whose hidden runs mix signs (lengths multiply).
_MAX_SHAPES: Final = 8


def grawlix_shapes(norm: str, mask: str) -> list[tuple[str, str]]:
    """Every ``(mask, norm)`` a mask stands for when a hidden run mixes signs ("s%#cks"):
    a grawlix is typed for effect, not one sign a letter, so its run may hide fewer
    letters than it has signs ("s?cks" and "s??cks"). Empty when every run repeats one
    sign (``n***er`` counts its letters) or the two differ in length."""
    if len(norm) != len(mask):
        return []
    runs = [
        (run.start(), run.end())
        for run in regex.finditer(r"\?{2,}", mask)
        if len(set(norm[run.start() : run.end()])) > 1
    ]
    if not runs:
        return []
    shapes = [(mask, norm)]
    for start, end in reversed(runs):  # from the right: earlier offsets stay valid
        shorter = []
        for shape_mask, shape_norm in shapes:
            for keep in range(1, end - start):
                shorter.append(
                    (
                        shape_mask[:start] + "?" * keep + shape_mask[end:],
                        shape_norm[:start] + norm[start:end][:keep] + shape_norm[end:],
                    )
                )
        shapes.extend(shorter)
    return shapes[:_MAX_SHAPES]


def _known_possessive(norm: str) -> bool:
    """Whether ``norm`` is the possessive of a word English knows, written plainly ("jaap's",
    "hawaii's"): the engine refuses a letter-class reading of the bare word, and its
    possessive ("jap's" is a listed term) must be read no differently."""
    found = _POSSESSIVE_RE.fullmatch(norm)
    return found is not None and _STRETCH_RE.search(norm) is None and is_known_word(found.group(1))


@lru_cache(maxsize=16384)
def analyze(norm: str) -> tuple[tuple[str, ...], str | None]:
    """``(variants, mask)`` for a token's normalized text; cached since words repeat."""
    if len(norm) > MAX_WORD or _NEEDS_WORK_RE.search(norm) is None:
        return (), None
    if "'" in norm and _known_possessive(norm):
        return (), None
    if _LETTER_RE.search(norm) is None:
        return (), None
    if norm[0] == "*" and norm[-1] != "*":
        # "*libtards" may also be a plain word behind a stray star: read it both ways.
        rest = norm[1:]
        variants = (rest, *spellings(rest))[:MAX_VARIANTS]
        return variants, mask_of(norm)
    return spellings(norm), mask_of(norm)
