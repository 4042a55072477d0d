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
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

SNIFF = 8000
UTF8_BOM = b"\xef\xbb\xbf"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 LE/BE; UTF-32 LE starts like UTF-16 LE
# Line breaks in bytes; ASCII, so never inside a multi-byte UTF-8 sequence.
BYTE_BREAKS = re.compile(rb"(\r\n|\r|\n)")


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
        return bad_bytes_notice(high - low, self.bad_lines[low], self.bad_bytes[low])


def bad_bytes_notice(count: int, line: int, byte: int) -> str:
    """The notice for ``count`` lines with invalid UTF-8, the first at ``line``/``byte``."""
    lines = "1 line" if count == 1 else f"{count} lines"
    return f"invalid UTF-8 on {lines} (first: line {line}, byte {byte}): replaced with U+FFFD"


class LineDecoder:
    """Lines of a byte stream as text, one at a time, under the same policy as
    :func:`decode`: ``\r\n``, ``\r`` and ``\n`` end a line (kept at its end), a
    leading UTF-8 BOM is dropped, and a line with invalid UTF-8 is decoded with
    U+FFFD and remembered (line number and file offset of the first bad byte).

    Memory holds one read chunk and one line, however large the file.
    """

    CHUNK = 1 << 16

    def __init__(
        self, head: bytes, rest: BinaryIO, on_wait: Callable[[], None] | None = None
    ) -> None:
        self._head = head
        self._rest = rest
        self._on_wait = on_wait  # called before each read (of an input that may block)
        self.bad: dict[int, int] = {}  # line -> byte offset; the caller prunes it

    def __iter__(self) -> Iterator[str]:
        offset = 0
        for number, raw in enumerate(self._raw_lines(), start=1):
            if number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
                offset = len(UTF8_BOM)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad[number] = offset + exc.start
                line = raw.decode("utf-8", "replace")
            offset += len(raw)
            yield line

    def _raw_lines(self) -> Iterator[bytes]:
        parts: list[bytes] = []  # the beginning of a line that has not ended yet
        chunk = self._head
        while chunk:
            if parts and parts[-1].endswith(b"\r") and not chunk.startswith(b"\n"):
                yield b"".join(parts)  # that \r was a whole line break after all
                parts = []
            start = 0
            for match in BYTE_BREAKS.finditer(chunk):
                if match.group() == b"\r" and match.end() == len(chunk):
                    break  # a \r ending a read may be half of \r\n: wait for the next
                parts.append(chunk[start : match.end()])
                yield b"".join(parts)
                parts = []
                start = match.end()
            if start < len(chunk):
                parts.append(chunk[start:])
            if self._on_wait is not None:
                self._on_wait()
                chunk = _read_some(self._rest, self.CHUNK)
            else:
                chunk = self._rest.read(self.CHUNK)
        if parts:
            yield b"".join(parts)

    def notice(self, first: int, last: int) -> str | None:
        """The notice for a record made of lines ``first..last``; older lines are forgotten."""
        bad = sorted(line for line in self.bad if first <= line <= last)
        result = bad_bytes_notice(len(bad), bad[0], self.bad[bad[0]]) if bad else None
        for line in [line for line in self.bad if line <= last]:
            del self.bad[line]
        return result


def _read_some(handle: BinaryIO, size: int) -> bytes:
    """What one read of ``handle`` returns (``read1``: waits only when nothing is there)."""
    read1 = getattr(handle, "read1", None)
    return bytes(read1(size) if read1 is not None else handle.read(size))


def decode(raw: bytes) -> Decoded:
    """``raw`` as text; see the module docstring for the policy."""
    skip = len(UTF8_BOM) if raw.startswith(UTF8_BOM) else 0
    body = raw[skip:]
    try:
        return Decoded(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Some bytes are bad: decode line by line, as a streamed file is.
    decoder = LineDecoder(raw, io.BytesIO())
    text = "".join(decoder)
    bad_lines = sorted(decoder.bad)
    return Decoded(text, bad_lines, [decoder.bad[line] for line in bad_lines])
