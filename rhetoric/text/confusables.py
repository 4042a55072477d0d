"""Latin lookalike tables used to undo homoglyph obfuscation ("shit" typed with Cyrillic letters).

Two tables with two different safety levels:

* ``FONT_LETTERS``: Latin letters drawn in "fancy font" code points that NFKC leaves alone
  (small capitals, negative circled/squared letters, IPA variants of a/g/i/j), and Latin
  letters with a stroke or hook (``ƒ``, ``ø``, ``ł``), which NFD does not take apart like an
  accent. No word changes meaning by losing the stroke more than by losing an accent, so
  normalization maps them unconditionally, as it strips accents.
* ``CONFUSABLES``: letters of other scripts (Cyrillic, Greek, Armenian, Cherokee) that look
  like Latin letters. They are real letters of living languages, so they are mapped only
  inside a token whose letters are all Latin or lookalikes and that shows a sign of disguise
  (a real Latin letter, a leet sign, mixed scripts, or a lookalike outside the everyday
  Russian and Greek alphabets); see ``may_be_disguised`` and ``latin_reading``.

Where the facts come from: the single-letter Latin prototypes of Unicode Technical Standard
#39's confusables.txt (e.g. U+0430 -> a, U+0455 -> s, U+03BF -> o, U+0585 -> o,
U+13AA -> A), plus a few looser lookalikes that confusables.txt maps to small capitals but
that obfuscators use as plain letters (Cyrillic ve/ka/em/en/te -> b/k/m/h/t, pe -> n,
ghe -> r, soft sign -> b; Greek small eta -> n, nu -> v, upsilon -> u, gamma -> y,
omega -> w). Keys are escaped and commented with their Unicode names so that the table can
be reviewed without being fooled by it. Every value is one lowercase ASCII letter, so
mapping never moves offsets.
"""

from typing import Final

from .obfuscation import LEET_SIGNS, char_class
from .patterns import compiled

# Keys are looked up case-sensitively before case folding (Greek capital eta reads as "h",
# small eta as "n"); lowercase keys also catch text whose case was folded first.
# fmt: off
_CYRILLIC: Final[dict[str, str]] = {
    "\u0410": "a", "\u0430": "a",  # cap. a, a
    "\u0412": "b", "\u0432": "b",  # cap. ve, ve
    "\u042c": "b", "\u044c": "b",  # cap. soft sign, soft sign
    "\u0415": "e", "\u0435": "e",  # cap. ie, ie
    "\u0413": "r", "\u0433": "r",  # cap. ghe, ghe (only the lowercase resembles r)
    "\u041a": "k", "\u043a": "k",  # cap. ka, ka
    "\u041c": "m", "\u043c": "m",  # cap. em, em
    "\u041d": "h", "\u043d": "h",  # cap. en, en
    "\u041e": "o", "\u043e": "o",  # cap. o, o
    "\u043f": "n",  # pe
    "\u0420": "p", "\u0440": "p",  # cap. er, er
    "\u0421": "c", "\u0441": "c",  # cap. es, es
    "\u0422": "t", "\u0442": "t",  # cap. te, te
    "\u0423": "y", "\u0443": "y",  # cap. u, u
    "\u0425": "x", "\u0445": "x",  # cap. ha, ha
    "\u0405": "s", "\u0455": "s",  # cap. dze, dze
    "\u0406": "i", "\u0456": "i",  # cap. byelorussian-ukrainian i, byelorussian-ukrainian i
    "\u0408": "j", "\u0458": "j",  # cap. je, je
    "\u04ba": "h", "\u04bb": "h",  # cap. shha, shha
    "\u0500": "d", "\u0501": "d",  # cap. komi de, komi de
    "\u04c0": "l", "\u04cf": "l",  # palochka, palochka
    "\u051a": "q", "\u051b": "q",  # cap. qa, qa
    "\u051c": "w", "\u051d": "w",  # cap. we, we
    "\u04ae": "y", "\u04af": "y",  # cap. straight u, straight u
    "\u0474": "v", "\u0475": "v",  # cap. izhitsa, izhitsa
}

_GREEK: Final[dict[str, str]] = {
    "\u0391": "a", "\u03b1": "a",  # cap. alpha, alpha
    "\u0392": "b", "\u03b2": "b",  # cap. beta, beta
    "\u0395": "e", "\u03b5": "e",  # cap. epsilon, epsilon
    "\u0396": "z",  # cap. zeta
    "\u0397": "h", "\u03b7": "n",  # cap. eta, eta
    "\u0399": "i", "\u03b9": "i",  # cap. iota, iota
    "\u039a": "k", "\u03ba": "k",  # cap. kappa, kappa
    "\u039c": "m",  # cap. mu
    "\u039d": "n", "\u03bd": "v",  # cap. nu, nu
    "\u039f": "o", "\u03bf": "o",  # cap. omicron, omicron
    "\u03a1": "p", "\u03c1": "p",  # cap. rho, rho
    "\u03a4": "t", "\u03c4": "t",  # cap. tau, tau
    "\u03a5": "y", "\u03c5": "u",  # cap. upsilon, upsilon
    "\u03a7": "x", "\u03c7": "x",  # cap. chi, chi
    "\u03b3": "y",  # gamma
    "\u03c9": "w",  # omega
    "\u03f9": "c", "\u03f2": "c",  # cap. lunate sigma symbol, lunate sigma symbol
    "\u037f": "j", "\u03f3": "j",  # cap. yot, yot
}

_ARMENIAN: Final[dict[str, str]] = {
    "\u0555": "o", "\u0585": "o",  # cap. oh, oh
    "\u054d": "u", "\u057d": "u",  # cap. seh, seh
    "\u054f": "s",  # cap. tiwn
    "\u0578": "n",  # vo
    "\u0570": "h",  # ho
    "\u0566": "q",  # za
    "\u0581": "g",  # co
    "\u0575": "j",  # yi
}

# Cherokee capitals; case folding maps the rarely used small forms onto these.
_CHEROKEE: Final[dict[str, str]] = {
    "\u13aa": "a", "\u13f4": "b", "\u13df": "c", "\u13a0": "d", "\u13ac": "e",
    "\u13c0": "g", "\u13bb": "h", "\u13a5": "i", "\u13ab": "j", "\u13e6": "k",
    "\u13de": "l", "\u13b7": "m", "\u13e2": "p", "\u13da": "s", "\u13a2": "t",
    "\u13d9": "v", "\u13b3": "w", "\u13c3": "z",
}

CONFUSABLES: Final[dict[str, str]] = {**_CYRILLIC, **_GREEK, **_ARMENIAN, **_CHEROKEE}

_SMALL_CAPS: Final[dict[str, str]] = {
    "\u1d00": "a", "\u0299": "b", "\u1d04": "c", "\u1d05": "d", "\u1d07": "e",
    "\ua730": "f", "\u0262": "g", "\u029c": "h", "\u026a": "i", "\u1d0a": "j",
    "\u1d0b": "k", "\u029f": "l", "\u1d0d": "m", "\u0274": "n", "\u1d0f": "o",
    "\u1d18": "p", "\u0280": "r", "\ua731": "s", "\u1d1b": "t", "\u1d1c": "u",
    "\u1d20": "v", "\u1d21": "w", "\u028f": "y", "\u1d22": "z",
}

# fmt: on

# Latin letters with a stroke or hook that no normalization takes apart (NFD leaves them
# whole, unlike an accent): folded to their base letter, as accents are stripped.
# fmt: off
_STROKED: Final[dict[str, str]] = {
    "\u0180": "b", "\u0243": "b",  # b with stroke, cap.
    "\u023c": "c", "\u023b": "c",  # c with stroke, cap.
    "\u0111": "d", "\u0110": "d",  # d with stroke, cap.
    "\u0247": "e", "\u0246": "e",  # e with stroke, cap.
    "\u0192": "f", "\u0191": "f",  # f with hook, cap.
    "\u01e5": "g", "\u01e4": "g",  # g with stroke, cap.
    "\u0127": "h", "\u0126": "h",  # h with stroke, cap.
    "\u0268": "i", "\u0197": "i",  # i with stroke, cap.
    "\u0142": "l", "\u0141": "l",  # l with stroke, cap.
    "\u00f8": "o", "\u00d8": "o",  # o with stroke, cap.
    "\u024d": "r", "\u024c": "r",  # r with stroke, cap.
    "\u0167": "t", "\u0166": "t",  # t with stroke, cap.
    "\u0289": "u", "\u0244": "u",  # u bar, cap.
    "\u024f": "y", "\u024e": "y",  # y with stroke, cap.
    "\u01b6": "z", "\u01b5": "z",  # z with stroke, cap.
}
# fmt: on

_IPA_VARIANTS: Final[dict[str, str]] = {
    "\u0251": "a",  # alpha
    "\u0261": "g",  # script g
    "\u0131": "i",  # dotless i
    "\u0269": "i",  # iota
    "\u0237": "j",  # dotless j
}

# U+1F150..U+1F169 negative circled and U+1F170..U+1F189 negative squared capitals have no
# compatibility decomposition (the plain circled/squared ones do, NFKC handles those).
_ENCLOSED: Final[dict[str, str]] = {
    chr(base + k): chr(ord("a") + k) for base in (0x1F150, 0x1F170) for k in range(26)
}

FONT_LETTERS: Final[dict[int, str]] = str.maketrans(
    {**_SMALL_CAPS, **_IPA_VARIANTS, **_STROKED, **_ENCLOSED}
)

_SCRIPT_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x13A0, 0x13FF, "cherokee"),
    (0x1F00, 0x1FFF, "greek"),
    (0xAB70, 0xABBF, "cherokee"),
)

_LOOKALIKES: Final = frozenset(CONFUSABLES) | {char.casefold() for char in CONFUSABLES}
# A letter that is neither Latin nor a lookalike: the token is a genuine foreign word.
_FOREIGN_LETTER: Final = compiled(rf"[^\P{{L}}\p{{Latin}}{''.join(sorted(_LOOKALIKES))}]")
# Lookalikes that also belong to the Russian or the Greek alphabet: everyday letters there,
# so a word made only of them is taken as a genuine word and left alone.
_EVERYDAY: Final = frozenset(
    "\u0430\u0432\u0435\u0433\u043a\u043c\u043d\u043e\u043f\u0440\u0441\u0442\u0443\u0445\u044c"
    "\u03b1\u03b2\u03b3\u03b5\u03b7\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03c9"
)
# Signs that a token is Latin in disguise: a real Latin letter, a leet sign, a rare
# lookalike (Macedonian dze, Ukrainian i, Armenian, Cherokee...), or Cyrillic mixed with Greek.
_LEET_CLASS: Final = "0-9" + char_class(LEET_SIGNS)
_DISGUISE_HINT: Final = compiled(
    rf"[\p{{Latin}}{_LEET_CLASS}{''.join(sorted(_LOOKALIKES - _EVERYDAY))}]"
    r"|\p{Cyrillic}.*\p{Greek}|\p{Greek}.*\p{Cyrillic}"
)
_NON_LATIN_LETTER = compiled(r"(?!\p{Latin})\p{L}")
_LATIN_LETTER = compiled(r"\p{Latin}")
_LEET_SIGN = compiled(f"[{_LEET_CLASS}]")


def _script(char: str) -> str:
    """Coarse script of a lookalike, enough to tell one-script words from mixed ones."""
    code = ord(char)
    for low, high, name in _SCRIPT_RANGES:
        if low <= code <= high:
            return name
    return "other"


def may_be_disguised(token: str) -> bool:
    """Cheap filter for tokens worth reading as Latin: non-ASCII, every letter Latin or a
    lookalike, and some hint of disguise (see ``_DISGUISE_HINT``)."""
    return (
        not token.isascii()
        and _FOREIGN_LETTER.search(token) is None
        and _DISGUISE_HINT.search(token) is not None
    )


def is_lookalike(char: str) -> bool:
    """Whether a (case-folded) char is one of the lookalikes."""
    return char in _LOOKALIKES


def latin_reading(token: str, subs: dict[int, str]) -> tuple[str, bool] | None:
    """Read a token with its lookalikes (``subs``: offset in token -> Latin letter) as Latin.

    Returns None when the token has a letter that is neither Latin nor a lookalike: it is a
    genuine word of another script. Otherwise returns ``(latin_text, in_place)``. ``in_place``
    is True when the token shows it is Latin in disguise (it has a real Latin letter, mixes
    lookalikes of several scripts, or holds leet signs). It is False for a token written in
    one other script only (Cyrillic a + dze + dze): it might be a genuine word, so callers
    keep it as it is and offer the Latin reading as a variant.
    """
    chars = list(token)
    scripts = set()
    for offset, latin in subs.items():
        scripts.add(_script(chars[offset]))
        chars[offset] = latin
    text = "".join(chars)
    if _NON_LATIN_LETTER.search(text):
        return None
    in_place = (
        len(scripts) > 1
        or _LATIN_LETTER.search(token) is not None
        or _LEET_SIGN.search(token) is not None
    )
    return text, in_place
