"""Ids that name rules: how ``--select``, ``--ignore``, per-file ignores,
suppression comments and policies pick rules, and how a mistyped id is refused.

An id names a rule when it equals, or is a prefix of, the rule's id or its
technique's id (``insult`` names ``insult-label``; ``name-calling`` names every
rule of that technique). An id that names nothing the analyzer knows is almost
always a typo, and a typo in ``--select`` would silently check nothing, so
:func:`unknown_id_problem` says so, with the nearest known id, for the caller to
refuse it in its own terms (a configuration, usage or policy error).
"""

from __future__ import annotations

from collections.abc import Iterable

from .suggest import did_you_mean

EVERYTHING = "*"  # names every rule (suppression comments without ids)


def match_length(ids: Iterable[str], technique: str, rule: str) -> int:
    """Length of the longest id naming ``technique``/``rule`` (-1: none does); the
    longest, most specific id wins when ``select`` and ``ignore`` both name a rule."""
    best = -1
    for given in ids:
        if given == EVERYTHING or rule.startswith(given) or technique.startswith(given):
            best = max(best, len(given) if given != EVERYTHING else 0)
    return best


def names(ids: Iterable[str], technique: str, rule: str) -> bool:
    """Whether any of ``ids`` names the rule."""
    return match_length(ids, technique, rule) >= 0


def unknown_ids(ids: Iterable[str], known: Iterable[str]) -> list[str]:
    """The ids that name none of ``known`` (technique and rule ids), in order."""
    known = tuple(known)
    return [
        given
        for given in dict.fromkeys(ids)
        if given != EVERYTHING and not any(k.startswith(given) for k in known)
    ]


def unknown_id_problem(ids: Iterable[str], known: Iterable[str]) -> str | None:
    """``unknown technique or rule id 'x' (did you mean 'y'?)`` for the first id that
    names none of ``known``, or None when every id names something."""
    known = sorted(set(known))
    unknown = unknown_ids(ids, known)
    if not unknown:
        return None
    given = unknown[0]
    hint = did_you_mean(given, known) or " (see 'rhetoric rules list --all')"
    more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
    return f"unknown technique or rule id '{given}'{hint}{more}"
