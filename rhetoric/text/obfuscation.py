"""The obfuscation classes of ``rhetoric/data/obfuscation.toml``, as tables and regexes.

The classes live in a data file so they can be reviewed and extended without reading the
code that applies them, and ported to compiled code as they are. This module reads the
file once at import, checks it, and derives what the text preparation needs: the leet
table, the letter swaps with their contexts, the mask signs, the gaps of spelled-out
letters, and the character classes that tokenizing and the plain-comment test use (a
new sign in the data file becomes a word character everywhere at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..pickling import parsed_once

DATA_FILE: Final = Path(__file__).resolve().parents[1] / "data" / "obfuscation.toml"


@dataclass(frozen=True, slots=True)
class Swap:
    """A letter written for another (``v`` for ``u``), read only between the neighbours
    English spelling never puts around it; ``lower_only``: an uppercase letter is not
    read (it does not look like the letter it would stand for)."""

    letter: str
    reads: str
    preceded_by: frozenset[str]
    followed_by: frozenset[str]
    lower_only: bool


def _letters(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or not value.isascii() or not value.isalpha():
        raise ValueError(f"{DATA_FILE.name}: {what} must be lowercase ASCII letters: {value!r}")
    if value != value.lower():
        raise ValueError(f"{DATA_FILE.name}: {what} must be lowercase: {value!r}")
    return value


def _parse(raw: bytes) -> dict:
    import tomllib  # only when the file changed since it was kept (parsed_once)

    parsed: dict = tomllib.loads(raw.decode("utf-8"))
    return parsed


def _load() -> dict:
    """The data file's tables, parsed once per content (:func:`~rhetoric.pickling.parsed_once`)."""
    data = parsed_once(DATA_FILE, "obfuscation.kept", _parse, lambda value: type(value) is dict)
    if data.get("version") != 1:
        raise ValueError(f"{DATA_FILE.name}: unknown version {data.get('version')!r}")
    return data


_DATA: Final = _load()

#: Sign or digit -> the letters it may stand for, most likely first.
LEET: Final[dict[str, tuple[str, ...]]] = {}
for _sign, _reads in _DATA["leet"].items():
    if len(_sign) != 1 or not _sign.isascii() or _sign.isalpha() or _sign.isspace():
        raise ValueError(f"{DATA_FILE.name}: a leet sign is one ASCII non-letter: {_sign!r}")
    if _sign in "'\"":
        raise ValueError(f"{DATA_FILE.name}: quotes cannot be leet signs")
    LEET[_sign] = tuple(_letters(_reads, f"leet {_sign!r}"))

SWAPS: Final[tuple[Swap, ...]] = tuple(
    Swap(
        _letters(entry["letter"], "swap letter"),
        _letters(entry["reads"], "swap reading"),
        frozenset(_letters(entry["preceded_by"], "preceded_by")),
        frozenset(_letters(entry["followed_by"], "followed_by")),
        {"any": False, "lower": True}[entry["case"]],
    )
    for entry in _DATA.get("swap", ())
)
SWAP_LETTERS: Final[dict[str, Swap]] = {swap.letter: swap for swap in SWAPS}

MASK_SIGNS: Final[frozenset[str]] = frozenset(_DATA["masks"]["signs"])
if not MASK_SIGNS.isdisjoint(LEET):
    raise ValueError(f"{DATA_FILE.name}: a sign cannot both hide and stand for letters")
#: In a masked word, written letter -> the other letter it may stand for.
MASK_LETTERS: Final[dict[str, str]] = {
    _letters(letter, "mask letter"): _letters(reads, "mask reading")
    for letter, reads in _DATA["masks"]["letters"].items()
}
SPELLED_GAPS: Final[str] = _DATA["spelled"]["gaps"]
#: Most gap chars between two spelled-out letters ("f - u - c - k": three).
SPELLED_LONGEST_GAP: Final[int] = _DATA["spelled"].get("longest_gap", 2)
if not isinstance(SPELLED_LONGEST_GAP, int) or SPELLED_LONGEST_GAP < 1:
    raise ValueError(f"{DATA_FILE.name}: spelled longest_gap must be a positive integer")
#: Letters read once when written twice anywhere in a word ("fuuck", "shiit").
DOUBLED_INSIDE: Final[str] = _letters(_DATA["doubled"]["inside"], "doubled inside")
#: Letters read once when written twice at the end of a word ("fuckk", "shitt").
DOUBLED_FINAL: Final[str] = _letters(_DATA["doubled"]["final"], "doubled final")
#: Letters after which a double inside a word is never read ("Hawaii", "bazaar").
DOUBLED_NOT_AFTER: Final[str] = _letters(_DATA["doubled"]["not_after"], "doubled not_after")
#: Letter pairs written for one letter ("vv" for "w") -> (reading, letters it never follows).
PAIRS: Final[dict[str, tuple[str, str]]] = {
    _letters(entry["letters"], "pair"): (
        _letters(entry["reads"], "pair reading"),
        _letters(entry["not_after"], "pair not_after"),
    )
    for entry in _DATA.get("pair", ())
}
for _pair, (_reads, _) in PAIRS.items():
    if len(_pair) < 2 or len(_reads) != 1:
        raise ValueError(f"{DATA_FILE.name}: a pair is two or more letters read as one")


def char_class(chars: str) -> str:
    """The inside of a regex character class matching exactly ``chars``."""
    return "".join(re.escape(char) for char in chars)


#: Leet signs that are not digits, in table order ("@$!|+").
LEET_SIGNS: Final = "".join(sign for sign in LEET if not sign.isdigit())
#: Every sign a word token may carry besides letters, digits and apostrophes.
TOKEN_SIGNS: Final = LEET_SIGNS + "".join(sorted(MASK_SIGNS))
#: A written char that may hide a letter: a leet sign or digit, or a mask sign.
SIGN_CLASS: Final = "0-9" + char_class(TOKEN_SIGNS)
#: A letter of a swap class standing where English does not put it ("fvck", "dlck"). The
#: letter comes first and its neighbours are looked at from it: a pattern that opens
#: with a lookbehind is tried at every position, this one only at the letter (4x faster).
SWAP_PATTERN: Final = (
    "|".join(
        f"{re.escape(swap.letter)}(?<=[{''.join(sorted(swap.preceded_by))}]"
        f"{re.escape(swap.letter)})(?=[{''.join(sorted(swap.followed_by))}])"
        for swap in SWAPS
    )
    or r"(?!)"
)
#: A doubled letter where English does not double it: a cheap test that a word may need
#: reading with it once ("fuuck", "fuckk"); ``variants`` finds the exact runs.
DOUBLED_PATTERN: Final = "|".join(
    [
        *(f"{letter * 2}(?<![{char_class(DOUBLED_NOT_AFTER)}]..)" for letter in DOUBLED_INSIDE),
        *(f"{letter * 2}$" for letter in DOUBLED_FINAL),
    ]
)
#: Any of the letter pairs where it is read (not after the letters English puts before it).
PAIR_PATTERN: Final = (
    "|".join(
        f"(?<![{char_class(not_after)}]){re.escape(pair)}"
        for pair, (_, not_after) in sorted(PAIRS.items(), key=lambda kv: -len(kv[0]))
    )
    or r"(?!)"
)
#: The gap between spelled-out letters: one to ``SPELLED_LONGEST_GAP`` gap chars.
SPELLED_GAP_PATTERN: Final = f"[{char_class(SPELLED_GAPS)}]{{1,{SPELLED_LONGEST_GAP}}}"


def mask_alternatives(char: str) -> str:
    """Letters a written char of a masked word may stand for besides its primary reading."""
    reads = LEET.get(char)
    if reads is not None:
        return "".join(reads[1:])
    return MASK_LETTERS.get(char, "")


def case_allows(written: str, norm: str, form: str) -> bool:
    """Whether ``form``, a same-length reading of ``norm``, reads no letter that the writer
    typed in a case its swap class does not read (``SPLC`` is not ``spic``). ``written`` is
    the original text of the token; without one char per char nothing is refused."""
    if len(written) != len(norm) or len(form) != len(norm):
        return True
    for index, (was, now) in enumerate(zip(norm, form, strict=True)):
        if was != now:
            swap = SWAP_LETTERS.get(was)
            if swap is not None and swap.lower_only and written[index].isupper():
                return False
    return True
