"""Line breaks as editors and CI annotations count them: ``\\r\\n``, lone ``\\r`` and
``\\n`` each end one line.

``str.splitlines`` also breaks on form feeds, ``\\x1c``-``\\x1e``, NEL and U+2028/9,
which no editor shows as a new line; counting only ``\\n`` puts every finding of a
classic-Mac (``\\r``) file on line 1. Both would send a reader to the wrong place,
so every line number and column rhetoric prints comes from here.
"""

from __future__ import annotations

import bisect
import functools
import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks (a final break adds no empty line)."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which each line of ``text`` begins (cached: one report asks many times)."""
    return (0, *(match.end() for match in LINE_BREAK.finditer(text)))


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """0-based line and 1-based column (in code points) of ``offset`` in ``text``.

    An offset between the ``\\r`` and ``\\n`` of one break still belongs to the line
    the break ends.
    """
    starts = line_starts(text)
    index = bisect.bisect_right(starts, offset) - 1
    return index, offset - starts[index] + 1
