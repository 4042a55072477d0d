"""Bytes of an input file to text, under one stated policy.

- A file whose first :data:`SNIFF` bytes hold a NUL byte (git's rule) or a
  UTF-16/UTF-32 byte-order mark is *binary*: it is not read as text at all, and
  the caller reports it once ("binary file (NUL bytes): skipped").
- A UTF-8 byte-order mark at the start is dropped, so offsets and columns count
  from the first real character.
- Invalid UTF-8 never stops a file: each bad sequence becomes U+FFFD (one code
  point, so offsets stay exact on the decoded text) and the lines where it
  happened are remembered, so the records built from those lines can say so.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

SNIFF = 8000
UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 LE/BE; UTF-32 LE starts like UTF-16 LE
_BREAKS = re.compile(rb"(\r\n|\r|\n)")  # ASCII: never inside a multi-byte UTF-8 sequence


def binary_problem(head: bytes) -> str | None:
    """Why the input starting with ``head`` is not text, or None when it may be."""
    if head.startswith((b"\x00\x00\xfe\xff", *_WIDE_BOMS)):
        return "binary file (UTF-16/UTF-32 text; convert it to UTF-8): skipped"
    if b"\x00" in head[:SNIFF]:
        return "binary file (NUL bytes): skipped"
    return None


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded with replacement, and where the bytes were bad.

    ``bad_lines`` are 1-based line numbers (``\\r\\n``, ``\\r`` and ``\\n`` end a
    line), ascending; ``bad_bytes`` the file offset of the first bad byte on each.
    """

    text: str
    bad_lines: list[int] = field(default_factory=list)
    bad_bytes: list[int] = field(default_factory=list)

    def notice(self, first: int, last: int) -> str | None:
        """What to tell the reader of a record made from lines ``first..last``."""
        low = bisect.bisect_left(self.bad_lines, first)
        high = bisect.bisect_right(self.bad_lines, last)
        if low == high:
            return None
        count = high - low
        where = f"line {self.bad_lines[low]}, byte {self.bad_bytes[low]}"
        lines = "1 line" if count == 1 else f"{count} lines"
        return f"invalid UTF-8 on {lines} (first: {where}): replaced with U+FFFD"


def decode(raw: bytes) -> Decoded:
    """``raw`` as text; see the module docstring for the policy."""
    skip = len(UTF8_BOM) if raw.startswith(UTF8_BOM) else 0
    body = raw[skip:]
    try:
        return Decoded(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    pieces: list[str] = []
    bad_lines: list[int] = []
    bad_bytes: list[int] = []
    offset = skip
    chunks = _BREAKS.split(body)  # content, break, content, break, ..., content
    for index in range(0, len(chunks), 2):
        content = chunks[index]
        line_break = chunks[index + 1] if index + 1 < len(chunks) else b""
        try:
            pieces.append(content.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad_lines.append(index // 2 + 1)
            bad_bytes.append(offset + exc.start)
            pieces.append(content.decode("utf-8", "replace"))
        pieces.append(line_break.decode("ascii"))
        offset += len(content) + len(line_break)
    return Decoded("".join(pieces), bad_lines, bad_bytes)
