"""Markup awareness: check Markdown and HTML as prose, never their code or markup.

The analyzer works on plain text and reports code-point offsets, and users need
``line:column`` of the file they edit. So instead of converting markup to text
(which moves every offset), :func:`mask` *blanks out* what is not prose -- code
blocks, inline code, URLs, tags and attributes, comments, script/style, front
matter -- with spaces of exactly the same length, keeping every newline. The
masked text has the same length and the same line breaks as the original, so a
hit found in it has the right offsets, lines and columns in the original file.

Markdown block quotes are left in place (``>`` included): they are quoted speech,
which the ``quoting`` plugin recognises and drops.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import regex

from .lines import lines_with_breaks
from .patterns import compiled
from .urls import URL as _URL

Markup = Literal["markdown", "html", "none"]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mdx"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

# --- shared by both languages -------------------------------------------------
_COMMENT = compiled(r"<!--.*?(?:-->|\Z)", flags=regex.DOTALL)
_RAW_ELEMENT = compiled(
    r"<(script|style|pre|code|textarea|svg|math)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    flags=regex.DOTALL | regex.IGNORECASE,
)
_TAG = compiled(
    r"""<(?:[A-Za-z][\w:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?"""
    r"""|/[A-Za-z][\w:-]*\s*|![A-Za-z][^>]*|\?.*?\?|!\[CDATA\[.*?\]\])>""",
    flags=regex.DOTALL,
)
_EMAIL = compiled(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")

# --- Markdown only --------------------------------------------------------------
_FRONT_MATTER = compiled(r"\A(?:---|\+\+\+)[ \t]*\r?\n.*?^(?:---|\+\+\+|\.\.\.)[ \t]*$",
                              flags=regex.DOTALL | regex.MULTILINE)  # fmt: skip
_FENCE_OPEN = compiled(r"^(?P<indent>[ \t]{0,3}(?:>[ \t]?)*)(?P<fence>`{3,}|~{3,})")
# A code span never crosses a blank line (the end of a paragraph).
_INLINE_CODE = compiled(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)",
                             flags=regex.DOTALL)  # fmt: skip
_LINK_DEST = compiled(r"(?<=\]\()\s*<?[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*>?"
                           r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*(?=\))""")  # fmt: skip
_REFERENCE_DEF = compiled(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", flags=regex.MULTILINE)
_AUTOLINK = compiled(r"<(?:[a-z][a-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>",
                          flags=regex.IGNORECASE)  # fmt: skip
_LIST_ITEM = compiled(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_INDENTED = compiled(r"^(?: {4}|\t)")


def markup_for(path: str | Path, requested: str = "auto") -> Markup:
    """Which markup a file holds: ``requested`` unless ``auto``, else by extension."""
    if requested != "auto":
        return requested  # type: ignore[return-value]
    suffix = Path(str(path)).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "none"


def mask(text: str, markup: Markup) -> str:
    """``text`` with everything that is not prose replaced by spaces (newlines kept)."""
    if markup == "markdown":
        spans = markdown_spans(text)
    elif markup == "html":
        spans = html_spans(text)
    else:
        return text
    return blank(text, spans)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace every character inside ``spans`` by a space, except line breaks."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def html_spans(text: str) -> list[tuple[int, int]]:
    """Regions of an HTML document that are not prose."""
    spans = _spans(_COMMENT, text)
    text_ = blank(text, spans)
    spans += _spans(_RAW_ELEMENT, text_)
    text_ = blank(text_, spans)
    spans += _spans(_TAG, text_)
    spans += _spans(_URL, text_)
    spans += _spans(_EMAIL, text_)
    return spans


def markdown_spans(text: str) -> list[tuple[int, int]]:
    """Regions of a Markdown document that are not prose.

    Block structure first (front matter, fenced and indented code), so that
    nothing inside a code block is mistaken for inline markup; then the inline
    constructs on what remains.
    """
    spans: list[tuple[int, int]] = []
    front = _FRONT_MATTER.match(text)
    if front:
        spans.append(front.span())
    spans += _code_blocks(text, front.end() if front else 0)
    masked = blank(text, spans)
    for pattern in (_COMMENT, _INLINE_CODE):
        found = _spans(pattern, masked)
        spans += found
        masked = blank(masked, found)
    for pattern in (_RAW_ELEMENT, _AUTOLINK, _REFERENCE_DEF, _LINK_DEST, _TAG, _URL, _EMAIL):
        found = _spans(pattern, masked)
        spans += found
        masked = blank(masked, found)
    return spans


def _code_blocks(text: str, start: int) -> list[tuple[int, int]]:
    """Fenced code blocks (``` or ~~~) and indented code blocks, as spans."""
    spans: list[tuple[int, int]] = []
    lines = lines_with_breaks(text[start:])
    offset = start
    fence: str | None = None
    fence_start = 0
    previous_blank = True
    in_list = in_code = False
    for line in lines:
        body = line.rstrip("\r\n")
        blank_line = not body.strip()
        if fence is not None:
            stripped = regex.sub(r"^[ \t]{0,3}(?:>[ \t]?)*[ \t]{0,3}", "", body)
            if stripped.startswith(fence) and not stripped[len(fence) :].strip(fence[0] + " \t"):
                spans.append((fence_start, offset + len(body)))
                fence = None
        elif opened := _FENCE_OPEN.match(body):
            fence = opened.group("fence")
            fence_start = offset + len(opened.group("indent"))
            in_code = False
        elif (
            not blank_line
            and _INDENTED.match(body)
            and (in_code or (previous_blank and not in_list))
        ):
            spans.append((offset, offset + len(body)))
            in_code = True  # blank lines inside an indented block do not end it
        elif not blank_line:
            in_code = False
            if _LIST_ITEM.match(body):
                in_list = True
            elif not body[:1].isspace() and previous_blank:
                in_list = False
        previous_blank = blank_line
        offset += len(line)
    if fence is not None:  # an unclosed fence runs to the end of the document
        spans.append((fence_start, len(text)))
    return spans


def _spans(pattern: regex.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]
