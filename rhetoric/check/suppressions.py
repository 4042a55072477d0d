"""Inline suppression comments in checked files.

Authors silence a finding where it is, the way ``# noqa`` or
``<!-- vale off -->`` work, so the reason sits next to the text::

    <!-- rhetoric-disable name-calling -->  ...  <!-- rhetoric-enable -->
    <!-- rhetoric-ignore-next-line loaded-language -->
    Plain text line  # rhetoric: ignore[name-calling,profanity]

IDs are techniques or rule ids (prefixes allowed, as in ``--select``); no IDs
means every rule. ``rhetoric-enable`` without IDs ends every open
``rhetoric-disable``; with IDs it ends only those IDs.

Directives are honoured only in files (the author's own text), never inside
records of JSONL/CSV comment dumps: a commenter must not be able to silence the
checker by typing a directive into a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from ..model import Hit
from ..text.lines import line_index, line_starts
from ..text.patterns import compiled

ALL = "*"
_IDS = r"(?P<ids>[\w.*-]+(?:[ \t]*,?[ \t]*[\w.*-]+)*)?"
_HTML_DIRECTIVE = compiled(
    r"<!--[ \t]*rhetoric-(?P<kind>disable|enable|ignore-next-line)(?:[ \t]+" + _IDS + r")?[ \t]*-->"
)
_HASH_DIRECTIVE = compiled(r"#[ \t]*rhetoric:[ \t]*ignore(?:\[(?P<ids>[^\]\n]*)\])?")


@dataclass(slots=True)
class Directive:
    """One suppression comment: where it is and which IDs it names."""

    kind: str  # disable | enable | ignore-next-line | ignore
    ids: tuple[str, ...]
    start: int
    end: int
    line: int  # 0-based line of ``start`` in the text
    used: bool = False

    @property
    def source(self) -> str:
        names = ",".join(self.ids)
        if self.kind == "ignore":
            return f"rhetoric: ignore[{names}]" if names else "rhetoric: ignore"
        return f"rhetoric-{self.kind} {names}".rstrip()


@dataclass(slots=True)
class _Region:
    """Lines or offsets a directive silences for some IDs."""

    directive: Directive
    ids: tuple[str, ...]
    start: int  # offsets, end-exclusive
    end: int


@dataclass(slots=True)
class Suppressions:
    """The directives of one text and the regions they silence."""

    directives: list[Directive] = field(default_factory=list)
    regions: list[_Region] = field(default_factory=list)

    def suppresses(self, hit: Hit) -> bool:
        """Whether ``hit`` is silenced; marks the directives that silence it as used."""
        found = False
        for region in self.regions:
            if region.start <= hit.start < region.end and _matches(region.ids, hit):
                region.directive.used = True
                found = True
        return found

    def unused(self) -> list[Directive]:
        """Directives that silenced nothing (``enable`` never counts as unused)."""
        return [d for d in self.directives if not d.used and d.kind != "enable"]

    def spans(self) -> list[tuple[int, int]]:
        """Where the directives themselves are, so they can be masked out."""
        return [(d.start, d.end) for d in self.directives]


def parse(text: str) -> Suppressions:
    """Find every directive in ``text`` and the region each one silences."""
    if "rhetoric" not in text:
        return Suppressions()
    starts = line_starts(text)
    directives = [
        Directive(m["kind"], _ids(m["ids"]), m.start(), m.end(), line_index(text, m.start()))
        for m in _HTML_DIRECTIVE.finditer(text)
    ]
    directives += [
        Directive("ignore", _ids(m["ids"]), m.start(), m.end(), line_index(text, m.start()))
        for m in _HASH_DIRECTIVE.finditer(text)
    ]
    directives.sort(key=lambda d: d.start)
    result = Suppressions(directives)
    open_regions: list[_Region] = []
    for directive in directives:
        ids = directive.ids or (ALL,)
        if directive.kind == "disable":
            open_regions.append(_Region(directive, ids, directive.end, len(text)))
        elif directive.kind == "enable":
            open_regions = _close(open_regions, directive, result.regions)
        else:
            line = directive.line
            if directive.kind == "ignore-next-line":
                line = line_index(text, directive.end) + 1
            if line < len(starts):
                end = starts[line + 1] if line + 1 < len(starts) else len(text)
                result.regions.append(_Region(directive, ids, starts[line], end))
    result.regions.extend(open_regions)
    return result


def _close(open_regions: list[_Region], enable: Directive, closed: list[_Region]) -> list[_Region]:
    """End the open ``disable`` regions that ``enable`` names; return those still open."""
    still_open: list[_Region] = []
    for region in open_regions:
        if not enable.ids:
            ending, remaining = region.ids, ()
        else:
            ending = tuple(i for i in region.ids if i in enable.ids)
            remaining = tuple(i for i in region.ids if i not in enable.ids)
        if ending:
            closed.append(_Region(region.directive, ending, region.start, enable.start))
        if remaining:
            still_open.append(_Region(region.directive, remaining, region.start, region.end))
    return still_open


def _matches(ids: Iterable[str], hit: Hit) -> bool:
    return any(
        i == ALL or key == i or key.startswith(i) for i in ids for key in (hit.rule, hit.technique)
    )


def _ids(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(part for part in regex.split(r"[\s,]+", raw.strip()) if part)
