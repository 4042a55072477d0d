"""Web addresses in text, for the rule engine (words inside them are not read).

The pattern is the one :mod:`rhetoric.text.markup` blanks out of Markdown and HTML
(``tests/test_rule_format_gaps.py`` checks they stay equal). It is not imported from
there because that module compiles a dozen regexes on import (about 30 M instructions)
and the engine needs only this one; markup.py can take it from here once the branches
that edit it have merged.
"""

from __future__ import annotations

import regex

URL = regex.compile(r"""\b(?:[a-z][a-z0-9+.-]{1,31}://|www\.|mailto:)[^\s<>"'`)\]]*[^\s<>"'`)\].,;:!?]""",
                    flags=regex.IGNORECASE)  # fmt: skip


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds web addresses (and ``mailto:`` links): words inside them are
    the address's, not the writer's, and the rule engine does not read them."""
    return [match.span() for match in URL.finditer(text)]
