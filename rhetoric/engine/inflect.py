"""English inflection for lexicon terms, so rule authors write a term once.

Deliberately simple and over-generating: an extra form that nobody writes costs
nothing, because matching is by whole token against real text.
"""

from __future__ import annotations

_VOWELS = set("aeiou")


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def verb_forms(word: str) -> list[str]:
    """Third person, past and gerund: slaughter -> slaughters, slaughtered, slaughtering."""
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return [word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    if word.endswith("ee"):
        return [word + "s", word + "d", word + "ing"]
    if word.endswith("e"):
        return [word + "s", word + "d", word[:-1] + "ing"]
    if (
        3 <= len(word) <= 4
        and word[-1] not in _VOWELS | set("wxy")
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    ):
        return [word + "s", word + word[-1] + "ed", word + word[-1] + "ing"]
    return [plural(word), word + "ed", word + "ing"]


def inflections(phrase: str) -> list[str]:
    """The phrase itself plus forms with its last word inflected (no duplicates)."""
    words = phrase.split(" ")
    head, last = words[:-1], words[-1]
    if not last.isalpha():
        return [phrase]
    forms = [phrase]
    for form in [plural(last), *verb_forms(last)]:
        candidate = " ".join([*head, form])
        if candidate not in forms:
            forms.append(candidate)
    return forms
