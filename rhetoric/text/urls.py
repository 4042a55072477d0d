"""Web addresses in text: the rule engine does not read the words inside them, and the
markup masking (:mod:`rhetoric.text.markup`) blanks them out of Markdown and HTML.

One pattern for both, in a module of its own, so the engine need not import
``markup`` (a dozen more patterns) for it.
"""

from __future__ import annotations

import regex

from .patterns import compiled

URL = compiled(r"""\b(?:[a-z][a-z0-9+.-]{1,31}://|www\.|mailto:)[^\s<>"'`)\]]*[^\s<>"'`)\].,;:!?]""",
               flags=regex.IGNORECASE)  # fmt: skip


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds web addresses (and ``mailto:`` links): words inside them are
    the address's, not the writer's, and the rule engine does not read them."""
    return [match.span() for match in URL.finditer(text)]
