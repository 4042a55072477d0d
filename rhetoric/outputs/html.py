"""``--format html``: one self-contained page showing every comment with its hits
highlighted, and the live page ``rhetoric serve`` sends to moderators.

Choices that matter:

- **Everything from the input is escaped.** Comment text, ids, sources, messages
  and rule documentation only reach the page through :func:`_text` and
  :func:`_attr` (:func:`html.escape` with quotes, after replacing what HTML cannot
  carry: control characters and lone surrogates). Markup is never assembled from
  input in any other way. As a second wall the report carries a
  Content-Security-Policy that allows no script at all: it needs none.
- **Overlapping hits.** The text is cut at every hit boundary; each piece is one
  ``<mark>`` naming every hit that covers it (``data-rule``, ``data-technique``,
  highest ``data-severity``) and colored by the most severe, then shortest, of
  them, with a second color band when techniques overlap. Each hit is also listed
  in full under its comment, so none is hidden by another.
- **Hover and keyboard.** Marks are focusable (``tabindex="0"``); the message and
  why of their hits show in a CSS tooltip on hover and on focus (no script), and
  ``aria-describedby`` points assistive technology at the same list entries.
- **Offsets are code points**, as in every rhetoric output: Python slices agree;
  the live page's script converts with ``Array.from`` (see :mod:`.html_live`).
- The report is written at the end (like ``json``): summary and legend come first.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import TextIO

from ..__about__ import __version__
from ..check.inputs import InputRecord
from ..model import Hit, RuleInfo
from ..techniques import Technique
from .base import Formatter, Outcome
from .html_live import LIVE_SCRIPT
from .locations import display_path
from .safety import html_showable

# technique -> (background, line color, underline style). The underline style differs
# per technique so the colors are never the only cue (color-blind readers).
PALETTE: dict[str, tuple[str, str, str]] = {
    "name-calling": ("#ffd8a8", "#d9480f", "solid"),
    "loaded-language": ("#fff3a3", "#a87b00", "dashed"),
    "conspiracy-framing": ("#e5dbff", "#6741d9", "dotted"),
    "slur": ("#ffc9c9", "#c92a2a", "double"),
    "profanity": ("#c5f6fa", "#0b7285", "wavy"),
    "other": ("#e9ecef", "#495057", "solid"),
}


def _palette_css() -> str:
    rules = []
    for name, (background, line, style) in PALETTE.items():
        rules.append(f".c-{name}{{--bg:{background};--line:{line};--deco:{style}}}")
        rules.append(f".c2-{name}{{--bg2:{background}}}")
    return "\n".join(rules)


# One stylesheet for the report and the live page, so both look and read the same.
STYLESHEET = (
    """
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--rule:#d0d7de;--paper:#fff;--wash:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:var(--wash);color:var(--ink);
 font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 4rem;display:flex;flex-direction:column;
 gap:1rem}
h1{font-size:1.5rem;margin:0}h2{font-size:1.1rem;margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.panel,.record{background:var(--paper);border:1px solid var(--rule);border-radius:8px;
 padding:.9rem 1rem}
.meta{color:var(--muted);font-size:.9rem}
.summary dl{display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;margin:.5rem 0 0}
.summary dt{color:var(--muted);font-size:.85rem}.summary dd{margin:0;font-weight:600}
.summary div{display:flex;flex-direction:column}
.legend ul{list-style:none;margin:.5rem 0 0;padding:0;display:grid;gap:.35rem}
.legend li{display:grid;grid-template-columns:6.5rem 1fr auto;gap:.2rem .8rem;align-items:baseline}
.legend .def{grid-column:2/4;color:var(--muted);font-size:.85rem}
.legend .count{font-variant-numeric:tabular-nums;white-space:nowrap}
.sample{background:var(--bg);text-decoration:underline var(--deco) var(--line) 2px;
 text-underline-offset:3px;padding:0 .35em;border-radius:3px;text-align:center}
.record header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.3rem .8rem;
 margin-bottom:.5rem}
.record h2{font-size:1rem;overflow-wrap:anywhere;unicode-bidi:isolate}
.badge{display:inline-block;border-radius:999px;padding:0 .6em;font-size:.8rem;font-weight:600;
 border:1px solid currentcolor}
.verdict-clean,.action-allow{color:#1a7f37}.verdict-borderline,.action-review{color:#9a6700}
.verdict-flagged,.action-reject,.verdict-error{color:#cf222e}
.text{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:isolate;line-height:1.9;
 background:var(--wash);border-radius:6px;padding:.6rem .75rem;margin:0;font-size:1rem}
.text.empty::before{content:"(empty text)";color:var(--muted);font-style:italic}
mark.hit{position:relative;color:inherit;background:var(--bg);border-radius:2px;
 text-decoration:underline var(--deco) var(--line) 2px;text-underline-offset:4px;
 text-decoration-skip-ink:none;cursor:help}
mark.hit.overlap{background:linear-gradient(to bottom,var(--bg) 0 55%,var(--bg2) 55% 100%)}
mark.hit:focus{outline:2px solid #0969da;outline-offset:1px}
mark.hit:hover::after,mark.hit:focus::after{content:attr(data-tip);position:absolute;left:0;
 top:calc(100% + 6px);z-index:10;width:max-content;max-width:min(46ch,80vw);
 white-space:pre-line;background:var(--ink);color:#fff;padding:.45em .65em;border-radius:6px;
 font-size:.85rem;font-weight:400;line-height:1.4;text-decoration:none;
 box-shadow:0 4px 14px rgba(0,0,0,.25);pointer-events:none}
body:has(mark.hit:hover) mark.hit:focus:not(:hover)::after{display:none}
.records{display:flex;flex-direction:column;gap:.75rem}
.findings{margin:.6rem 0 0;padding-left:1.4rem;font-size:.92rem}
.findings li{margin:.3rem 0}
.findings .msg{margin:0}.findings .why{margin:0;color:var(--muted)}
.sev-error{color:#cf222e}.sev-warning{color:#9a6700}.sev-info{color:var(--muted)}
.problems{margin:.6rem 0 0;padding-left:1.4rem;color:#9a6700;font-size:.9rem}
.error-message{color:#cf222e;margin:0;overflow-wrap:anywhere}
.filters{font-size:.9rem}
body:has(#only-findings:checked) .record.no-findings{display:none}
.live form{display:flex;flex-direction:column;gap:.5rem}
.live textarea{width:100%;min-height:9rem;font:inherit;padding:.5rem;border:1px solid var(--rule);
 border-radius:6px;resize:vertical}
.live .controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.live button{font:inherit;font-weight:600;padding:.35rem 1.1rem;border-radius:6px;
 border:1px solid #1f883d;background:#1f883d;color:#fff;cursor:pointer}
.live input[type=password]{font:inherit;padding:.2rem .4rem;border:1px solid var(--rule);
 border-radius:6px}
.status{min-height:1.5em;margin:0;color:var(--muted)}.status.failed{color:#cf222e}
"""
    + _palette_css()
    + "\n"
)

_ID_SAFE = re.compile(r"[^a-z0-9-]+")


def _text(value: object) -> str:
    """``value`` as HTML text content: escaped, with unshowable characters replaced."""
    return escape(html_showable(str(value)), quote=True)


def _attr(value: object) -> str:
    """``value`` for a double-quoted attribute (newlines kept, as ``&#10;``)."""
    return _text(value).replace("\n", "&#10;").replace("\r", "&#13;")


def technique_class(technique: str) -> str:
    """A class-name-safe form of a technique id (ids are lowercase words joined by '-')."""
    return _ID_SAFE.sub("-", technique.lower()).strip("-") or "other"


def color_class(technique: str) -> str:
    """The palette entry a technique is drawn with (``other`` for plugin techniques)."""
    name = technique_class(technique)
    return name if name in PALETTE else "other"


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece ``[start, end)`` of the text and the indices of the hits covering it."""

    start: int
    end: int
    hits: tuple[int, ...]


def segments(length: int, spans: Sequence[tuple[int, int]]) -> list[Segment]:
    """Cut ``[0, length)`` at every span boundary; each piece lists the spans over it.

    Spans may overlap or nest in any way; empty or out-of-range parts are ignored.
    A sweep over the boundaries keeps this linear in the number of pieces and of
    open spans, which matters for a long document with many hits.
    """
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    bounds = {0, length}
    for index, (start, end) in enumerate(spans):
        start, end = max(0, start), min(length, end)
        if start >= end:
            continue
        starts.setdefault(start, []).append(index)
        ends.setdefault(end, []).append(index)
        bounds.update((start, end))
    points = sorted(bounds)
    open_spans: set[int] = set()
    pieces: list[Segment] = []
    for left, right in pairwise(points):
        open_spans.difference_update(ends.get(left, ()))
        open_spans.update(starts.get(left, ()))
        pieces.append(Segment(left, right, tuple(sorted(open_spans))))
    return pieces


def _priority(hit: Hit) -> tuple[int, int, int, str]:
    """Which of several covering hits colors a piece: most severe, then shortest."""
    return (-hit.severity.rank, hit.end - hit.start, hit.start, hit.technique)


def _tip(hit: Hit, rules: dict[str, RuleInfo]) -> str:
    rule = rules.get(hit.rule)
    why = rule.why if rule is not None and rule.why else ""
    head = f"{hit.technique} · {hit.rule} ({hit.severity.value}, {hit.confidence:.2f})"
    if hit.target is not None:
        head += f" · aimed at {hit.target.kind.value}" + (
            f" ({hit.target.group})" if hit.target.group else ""
        )
    return "\n".join(part for part in (head, hit.message, f"Why: {why}" if why else "") if part)


def _mark(
    text: str, covering: list[tuple[int, Hit]], prefix: str, rules: dict[str, RuleInfo]
) -> str:
    ordered = sorted(covering, key=lambda item: _priority(item[1]))
    techniques = list(dict.fromkeys(hit.technique for _, hit in ordered))
    classes = ["hit", *(f"tech-{technique_class(t)}" for t in techniques)]
    classes.append(f"c-{color_class(techniques[0])}")
    if len(techniques) > 1:
        classes += [f"c2-{color_class(techniques[1])}", "overlap"]
    severity = max((hit.severity for _, hit in ordered), key=lambda s: s.rank)
    rule_ids = list(dict.fromkeys(hit.rule for _, hit in ordered))
    tip = "\n\n".join(_tip(hit, rules) for _, hit in ordered)
    described = " ".join(f"{prefix}-h{index}" for index, _ in ordered)
    return (
        f'<mark class="{" ".join(classes)}" tabindex="0"'
        f' data-technique="{_attr(" ".join(techniques))}"'
        f' data-rule="{_attr(" ".join(rule_ids))}"'
        f' data-severity="{_attr(severity.value)}"'
        f' data-tip="{_attr(tip)}" aria-describedby="{described}">{_text(text)}</mark>'
    )


def highlight(text: str, hits: Sequence[Hit], prefix: str, rules: dict[str, RuleInfo]) -> str:
    """``text`` as HTML, every hit's span in ``<mark>`` elements (see the module doc)."""
    out = []
    for piece in segments(len(text), [(hit.start, hit.end) for hit in hits]):
        chunk = text[piece.start : piece.end]
        if piece.hits:
            out.append(_mark(chunk, [(i, hits[i]) for i in piece.hits], prefix, rules))
        else:
            out.append(_text(chunk))
    return "".join(out)


def legend(
    techniques: Iterable[Technique | str], counts: dict[str, tuple[int, int]] | None = None
) -> str:
    """The legend: sample, name, definition and count per technique.

    ``counts`` maps techniques to (hits, comments); without it (the live page, which
    checks one text) only hits are counted, starting at zero.
    """
    items = []
    for entry in techniques:
        technique = entry if isinstance(entry, Technique) else None
        tech_id = technique.id if technique else str(entry)
        name = technique.name if technique else tech_id
        hits, comments = (counts or {}).get(tech_id, (0, 0))
        count = f"{hits} {'hit' if hits == 1 else 'hits'}"
        if counts is not None:
            count += f" in {comments} {'comment' if comments == 1 else 'comments'}"
        definition = f'<span class="def">{_text(technique.definition)}</span>' if technique else ""
        items.append(
            f'<li data-technique="{_attr(tech_id)}">'
            f'<span class="sample c-{color_class(tech_id)}" aria-hidden="true">abc</span>'
            f"<span><strong>{_text(name)}</strong> <code>{_text(tech_id)}</code></span>"
            f'<span class="count" data-count-for="{_attr(tech_id)}">{count}</span>'
            f"{definition}</li>"
        )
    return (
        '<section class="panel legend" aria-labelledby="legend-title">'
        '<h2 id="legend-title">Techniques</h2>'
        f"<ul>{''.join(items)}</ul></section>"
    )


def _findings(
    hits: Sequence[Hit], prefix: str, rules: dict[str, RuleInfo], record: InputRecord
) -> str:
    """Every hit in full (overlapped ones included), with line:column for long files."""
    if not hits:
        return ""
    items = []
    for index, hit in enumerate(hits):
        rule = rules.get(hit.rule)
        line, column = record.position(hit.start)
        why = f'<p class="why">Why: {_text(rule.why)}</p>' if rule is not None and rule.why else ""
        items.append(
            f'<li id="{prefix}-h{index}" data-rule="{_attr(hit.rule)}"'
            f' data-technique="{_attr(hit.technique)}">'
            f'<span class="sample c-{color_class(hit.technique)}">{_text(hit.text)}</span> '
            f"<code>{_text(hit.technique)}</code> · <code>{_text(hit.rule)}</code> · "
            f'<span class="sev-{_attr(hit.severity.value)}">{_text(hit.severity.value)}</span>'
            f' · <span class="meta">{hit.confidence:.2f} · line {line}:{column}'
            f" (offsets {hit.start}\u2013{hit.end})</span>{_target(hit)}"
            f'<p class="msg">{_text(hit.message)}</p>{_cues(hit, record)}{why}</li>'
        )
    return f'<ol class="findings">{"".join(items)}</ol>'


def _cues(hit: Hit, record: InputRecord) -> str:
    """A document-level finding's cues (``evidence["cue_spans"]``), each where it is: the
    finding's own span is only its first cue."""
    cues = hit.evidence.get("cue_spans")
    if not cues or hit.evidence.get("scope") != "document":
        return ""
    items = []
    for cue in cues:
        line, column = record.position(cue["start"])
        items.append(
            f'<li><span class="sample c-{color_class(cue["technique"])}">{_text(cue["text"])}'
            f"</span> <code>{_text(cue['rule'])}</code>"
            f' <span class="meta">line {line}:{column}</span></li>'
        )
    return f'<ul class="cues">{"".join(items)}</ul>'


def _target(hit: Hit) -> str:
    """Whom the hit aims at, next to it: ``aimed at: group (Jewish) «the Jews»``."""
    target = hit.target
    if target is None:
        return ""
    what = target.kind.value + (f" ({target.group})" if target.group else "")
    words = f" \u00ab{_text(target.text)}\u00bb" if target.text else ""
    return (
        f' · <span class="target" data-target="{_attr(target.kind.value)}">'
        f"aimed at: {_text(what)}{words}</span>"
    )


class HtmlFormatter(Formatter):
    """Collects rendered records; ``close`` writes the page with summary and legend."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.cards: list[str] = []
        self.hit_counts: Counter[str] = Counter()
        self.comment_counts: Counter[str] = Counter()
        self.verdicts: Counter[str] = Counter()
        self.errors = 0
        self.with_findings = 0

    def write(self, outcome: Outcome) -> None:
        record = outcome.record
        prefix = f"r{len(self.cards) + 1}"
        where = display_path(record.source) + (f":{record.line}" if record.line else "")
        if outcome.report is None:
            self.errors += 1
            self.cards.append(
                f'<article class="record error-record" id="{prefix}"'
                f' aria-labelledby="{prefix}-id"><header>'
                f'<h2 id="{prefix}-id">{_text(record.record_id or where)}</h2>'
                '<span class="badge verdict-error">error</span>'
                + (f'<span class="meta">{_text(where)}</span>' if record.record_id else "")
                + "</header>"
                f'<p class="error-message">Error: {_text(outcome.error or "unknown error")}</p>'
                "</article>"
            )
            return
        assert record.comment is not None
        report, text = outcome.report, record.comment.text
        self.verdicts[report.verdict.value] += 1
        for hit in report.hits:
            self.hit_counts[hit.technique] += 1
        for technique in {hit.technique for hit in report.hits}:
            self.comment_counts[technique] += 1
        findings = len(report.hits)
        self.with_findings += bool(findings)
        problems = "".join(
            f"<li>{_text(error.source)}: {_text(error.message)}</li>" for error in report.errors
        )
        self.cards.append(
            f'<article class="record{"" if findings else " no-findings"}" id="{prefix}"'
            f' data-verdict="{_attr(report.verdict.value)}" aria-labelledby="{prefix}-id">'
            f'<header><h2 id="{prefix}-id">{_text(report.id)}</h2>'
            f'<span class="badge verdict-{_attr(report.verdict.value)}">'
            f"{_text(report.verdict.value)}</span>"
            f'<span class="meta">score {report.score:.2f} · {findings} '
            f"finding{'' if findings == 1 else 's'} · {_text(where)}</span></header>"
            f'<p class="text{"" if text else " empty"}">'
            f"{highlight(text, report.hits, prefix, self.rules)}</p>"
            f"{_findings(report.hits, prefix, self.rules, record)}"
            + (f'<ul class="problems">{problems}</ul>' if problems else "")
            + "</article>"
        )

    def legend_techniques(self) -> list[Technique | str]:
        """The analyzers' techniques (always, in their order), then other techniques
        that were found (``suppression``)."""
        known: list[Technique | str] = list(self.techniques.values())
        known += sorted(t for t in self.hit_counts if t not in self.techniques)
        return known

    def close(self) -> None:
        counts = {t: (self.hit_counts[t], self.comment_counts[t]) for t in self.hit_counts}
        records = len(self.cards)
        stats = [
            ("records", records),
            ("comments", records - self.errors),
            ("with findings", self.with_findings),
            ("findings", sum(self.hit_counts.values())),
            *((verdict, self.verdicts[verdict]) for verdict in ("clean", "borderline", "flagged")),
            ("errors", self.errors),
        ]
        summary = "".join(
            f'<div><dt>{_text(name)}</dt><dd data-stat="{_attr(name)}">{value}</dd></div>'
            for name, value in stats
        )
        self.out.write(
            page(
                f"rhetoric report: {sum(self.hit_counts.values())} findings in {records} records",
                '<header class="panel summary" aria-labelledby="title">'
                '<h1 id="title">rhetoric report</h1>'
                f'<p class="meta">rhetoric {_text(__version__)}; offsets are code points. '
                "Hover over or tab to a highlight to see why it was reported.</p>"
                f"<dl>{summary}</dl></header>"
                + legend(self.legend_techniques(), counts)
                + '<p class="panel filters"><label><input type="checkbox" id="only-findings">'
                " Show only comments with findings</label></p>"
                + '<section aria-label="Comments" class="records">'
                + "".join(self.cards)
                + "</section>",
                csp=REPORT_CSP,
            )
        )


# The report needs no script, no network and no outside file: forbid them all, so
# even a rendering mistake could not run anything a comment carried.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

LIVE_SCRIPT_HASH = (
    "sha256-" + base64.b64encode(hashlib.sha256(LIVE_SCRIPT.encode()).digest()).decode()
)
LIVE_CSP = (
    f"default-src 'none'; script-src '{LIVE_SCRIPT_HASH}'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'"
)


def page(title: str, body: str, *, csp: str, main_class: str = "", script: str = "") -> str:
    """A whole HTML document around ``body`` (already HTML) with the shared stylesheet."""
    klass = f' class="{main_class}"' if main_class else ""
    palette = " ".join(PALETTE)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_attr(csp)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{STYLESHEET}</style>\n</head>\n"
        f'<body><main{klass} data-palette="{palette}">\n{body}\n</main>'
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def live_page(techniques: Iterable[Technique]) -> str:
    """The page where a moderator pastes text and sees it highlighted, as the report does.

    Its one inline script is :data:`LIVE_SCRIPT` (hash: :data:`LIVE_SCRIPT_HASH`), so a
    server can allow exactly that script in its Content-Security-Policy.
    """
    body = (
        '<header class="panel"><h1>rhetoric: live check</h1>'
        '<p class="meta">Paste a comment and check it. Highlights show what was found; '
        "hover over or tab to one to see why.</p>"
        '<form id="live-form" autocomplete="off">'
        '<label for="live-text"><strong>Comment</strong></label>'
        '<textarea id="live-text" name="text" spellcheck="false"></textarea>'
        '<div class="controls"><button type="submit" id="live-check">Check</button>'
        '<label><input type="checkbox" id="live-auto" checked> check as I type</label>'
        '<label>Token <input type="password" id="live-token"'
        ' placeholder="only if the server needs one"></label></div></form>'
        '<p id="live-status" class="status" role="status" aria-live="polite"></p></header>'
        '<section id="live-result" aria-label="Result"></section>' + legend(list(techniques))
    )
    return page("rhetoric: live check", body, csp=LIVE_CSP, main_class="live", script=LIVE_SCRIPT)


__all__ = [
    "LIVE_CSP",
    "LIVE_SCRIPT",
    "LIVE_SCRIPT_HASH",
    "PALETTE",
    "REPORT_CSP",
    "STYLESHEET",
    "HtmlFormatter",
    "highlight",
    "live_page",
    "segments",
]
