"""Suggestions for mistyped names in configuration, rules and policies."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(key: object, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``key``, or ``""``."""
    close = difflib.get_close_matches(str(key), list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
