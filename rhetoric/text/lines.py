"""Line breaks as editors and CI annotations count them: ``\\r\\n``, lone ``\\r`` and
``\\n`` each end one line.

``str.splitlines`` also breaks on form feeds, ``\\x1c``-``\\x1e``, NEL and U+2028/9,
which no editor shows as a new line; counting only ``\\n`` puts every finding of a
classic-Mac (``\\r``) file on line 1 and makes "the next line" of a suppression
comment the wrong one. Both would send a reader to the wrong place, so every line
rhetoric counts (positions, excerpts, suppressions, fingerprints, markup blocks,
``--split lines``) comes from :func:`line_starts`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which each line of ``text`` begins (cached: one report asks many times).

    A final break adds no line after it that :func:`split_lines` would show, but
    its start is listed, so "the line after the last one" is always addressable.
    """
    return (0, *(match.end() for match in LINE_BREAK.finditer(text)))


def line_index(text: str, offset: int) -> int:
    """0-based number of the line holding ``offset``.

    An offset between the ``\\r`` and ``\\n`` of one break still belongs to the line
    the break ends.
    """
    return bisect.bisect_right(line_starts(text), offset) - 1


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """0-based line and 1-based column (in code points) of ``offset`` in ``text``."""
    index = line_index(text, offset)
    return index, offset - line_starts(text)[index] + 1


def line_bounds(text: str, index: int) -> tuple[int, int, int]:
    """``(start, end, next_start)`` of line ``index``: ``text[start:end]`` is the line
    without its break, ``next_start`` where the following line begins."""
    starts = line_starts(text)
    start = starts[index]
    if index + 1 < len(starts):
        following = starts[index + 1]
        end = following - (2 if text.startswith("\r\n", following - 2) else 1)
        return start, end, following
    return start, len(text), len(text)


def line_span(text: str, offset: int) -> tuple[int, int]:
    """Start and end (break excluded) of the line holding ``offset``."""
    start, end, _ = line_bounds(text, line_index(text, offset))
    return start, end


def lines_with_breaks(text: str) -> list[str]:
    """The lines of ``text``, each with its break (``"".join`` gives ``text`` back)."""
    starts = line_starts(text)
    lines = [text[a:b] for a, b in itertools.pairwise(starts)]
    if starts[-1] < len(text):
        lines.append(text[starts[-1] :])
    return lines


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks (a final break adds no empty line)."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines
