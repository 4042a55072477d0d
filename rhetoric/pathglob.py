"""Glob patterns for ``per-file-ignores`` and ``exclude``, as users know them from
``.gitignore`` and ruff: ``*`` stays within one folder, ``**`` spans folders, and
a pattern without a ``/`` matches a file name in any folder.

``fnmatch`` lets ``*`` cross ``/`` and ``PurePath.full_match`` needs Python 3.13,
hence this small translation to a regular expression.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(glob: str) -> re.Pattern[str]:
    pattern = glob.strip("/") if "/" in glob.strip("/") else f"**/{glob.strip('/')}"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 1)) > i:
            out.append("[" + pattern[i + 1 : close].replace("!", "^", 1) + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    # A pattern naming a folder also covers everything below it.
    return re.compile("".join(out) + "(?:/.*)?")


def matches(glob: str, relative_path: str) -> bool:
    """Whether ``relative_path`` (POSIX separators, no leading ``./``) matches ``glob``."""
    return _compile(glob).fullmatch(relative_path) is not None
