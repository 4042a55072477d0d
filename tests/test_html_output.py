"""``--format html`` and the live page, without a browser: the page is parsed back
with the standard library's HTML parser (which unescapes as a browser does), so
these tests see what a browser would build, not just strings in the output."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.check.inputs import InputRecord
from rhetoric.model import Comment, Hit, Report, RuleInfo, Severity, Verdict
from rhetoric.outputs import FORMATTERS, Outcome
from rhetoric.outputs.html import (
    LIVE_SCRIPT,
    LIVE_SCRIPT_HASH,
    STYLESHEET,
    HtmlFormatter,
    live_page,
    segments,
)

# The vocabulary the live page shows (the techniques plugin registers it).
TECHNIQUES = list(Analyzer.from_config(AnalyzerConfig()).techniques)
VOID = {"meta", "input", "br", "img", "link", "hr", "wbr", "source", "area", "base", "col"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    found.append(child)
                found.extend(child.find_all(tag, cls))
        return found


class TreeBuilder(HTMLParser):
    """A small DOM: enough to find elements, their attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        raise AssertionError(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(document: str) -> Node:
    builder = TreeBuilder()
    builder.feed(document)
    builder.close()
    assert builder.declarations == ["DOCTYPE html"]
    assert [n.tag for n in builder.stack] == ["#document"], "unclosed elements"
    return builder.root


def cards(root: Node) -> list[Node]:
    return root.find_all("article", "record")


def write_jsonl(path: Path, records: list[dict[str, object] | str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(record if isinstance(record, str) else json.dumps(record))
            out.write("\n")
    return path


SCRIPT_TEXT = "<script>window.pwned = 1; document.title = 'pwned'</script> you idiot"
IMG_TEXT = '<img src=x onerror="window.pwned=2"> what a moron, \'quoted\' & "double"'
ID_PAYLOAD = "\"><script>window.pwned=3</script><b onmouseover='window.pwned=4'>x"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "hostile.jsonl",
        [
            {"id": "plain", "text": "Only an idiot would vote for this hectoring bully."},
            {"id": "script", "text": SCRIPT_TEXT},
            {"id": ID_PAYLOAD, "text": IMG_TEXT},
            {"id": "emoji", "text": "😀😀 you idiot 👩‍👩‍👧\r\nsuch sh1t"},
            {"id": "empty", "text": ""},
            "{not json",
            {"id": "clean", "text": "Thanks for the clear summary."},
        ],
    )


def test_html_is_a_registered_format() -> None:
    assert FORMATTERS["html"] is HtmlFormatter


def test_every_record_appears_with_its_highlights_and_errors(hostile: Path) -> None:
    code, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    assert code == 2  # the record that is not JSON
    root = parse(out)
    records = cards(root)
    assert len(records) == 7
    titles = [card.find_all("h2")[0].text for card in records]
    assert titles[:5] == ["plain", "script", ID_PAYLOAD, "emoji", "empty"]
    assert titles[6] == "clean"
    error = records[5]
    assert "error-record" in error.classes
    assert error.find_all("p", "error-message")[0].text.startswith("Error: invalid JSON")
    assert f"{hostile.name}:6" in error.text

    plain = records[0]
    marks = plain.find_all("mark")
    assert [m.text for m in marks] == ["idiot", "bully"]
    assert all("tech-name-calling" in m.classes for m in marks)
    assert marks[0].attrs["data-rule"] == "insult-label"
    assert marks[0].attrs["data-technique"] == "name-calling"
    assert marks[0].attrs["data-severity"] == "warning"
    assert marks[0].attrs["tabindex"] == "0"
    # the message and the rule's why travel with the mark, for hover and focus...
    tip = marks[0].attrs["data-tip"] or ""
    assert "'idiot' is an insult" in tip
    assert "Why: Name-calling attaches a contemptuous label" in tip
    # ...and the mark points assistive technology at the finding that explains it
    described = marks[0].attrs["aria-describedby"]
    finding = next(li for li in plain.find_all("li") if li.attrs.get("id") == described)
    assert "Why: Name-calling" in finding.text
    assert "no-findings" in records[6].classes
    assert not records[6].find_all("mark")


def test_comment_text_ids_and_messages_come_out_inert(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    root = parse(out)
    # nothing from the comments became an element or an attribute
    assert not root.find_all("script")
    assert not root.find_all("img")
    assert not root.find_all("b")
    assert not any(name.startswith("on") for node in root.find_all() for name in node.attrs), (
        "an event handler attribute"
    )
    assert "<script>window" not in out
    assert 'onerror="window' not in out
    # the text reads back exactly as written, payloads included
    records = cards(root)
    texts = [card.find_all("p", "text")[0].text for card in records if card.find_all("p", "text")]
    assert SCRIPT_TEXT in texts
    assert IMG_TEXT in texts
    assert records[2].find_all("h2")[0].text == ID_PAYLOAD
    # and no script could run anyway: the page forbids every script
    csp = next(m for m in root.find_all("meta") if m.attrs.get("http-equiv"))
    assert "default-src 'none'" in (csp.attrs["content"] or "")
    assert "script-src" not in (csp.attrs["content"] or "")


def test_report_is_self_contained(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    root = parse(out)
    assert not root.find_all("link")
    assert not [n for n in root.find_all() if "src" in n.attrs or "href" in n.attrs]
    assert "url(" not in STYLESHEET and "@import" not in STYLESHEET
    assert len(root.find_all("style")) == 1
    assert root.find_all("style")[0].text == STYLESHEET


def test_emoji_and_crlf_keep_spans_exact(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    emoji = cards(parse(out))[3]
    assert emoji.find_all("p", "text")[0].text == "😀😀 you idiot 👩‍👩‍👧\r\nsuch sh1t"
    marks = emoji.find_all("mark")
    assert [(m.text, m.attrs["data-technique"]) for m in marks] == [
        ("idiot", "name-calling"),
        ("sh1t", "profanity"),
    ]
    assert "tech-profanity" in marks[1].classes
    # line:column as the other outputs count them: \r\n is one line break
    findings = [li.text for li in emoji.find_all("ol", "findings")[0].find_all("li")]
    assert "line 4:8 (offsets 7–12)" in findings[0]
    assert "line 5:6 (offsets 25–29)" in findings[1]


def test_empty_text_is_shown_as_empty(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    empty = cards(parse(out))[4]
    text = empty.find_all("p", "text")[0]
    assert "empty" in text.classes
    assert text.text == ""


def test_counts_and_legend(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    root = parse(out)
    stats = {node.attrs["data-stat"]: int(node.text) for node in root.find_all("dd") if node.attrs}
    assert stats == {
        "records": 7, "comments": 6, "with findings": 4, "findings": 6,
        "clean": 2, "borderline": 0, "flagged": 4, "errors": 1,
    }  # fmt: skip
    legend = root.find_all("section", "legend")[0]
    counts = {n.attrs["data-count-for"]: n.text for n in legend.find_all("span", "count")}
    assert counts == {
        "name-calling": "5 hits in 4 comments",
        "loaded-language": "0 hits in 0 comments",
        "conspiracy-framing": "0 hits in 0 comments",
        "slur": "0 hits in 0 comments",
        "profanity": "1 hit in 1 comment",
    } | {t: "0 hits in 0 comments" for t in list(counts)[5:]}
    # the legend sample is drawn with the class the highlights use
    samples = {
        li.attrs["data-technique"]: li.find_all("span", "sample") for li in legend.find_all("li")
    }
    assert "c-profanity" in samples["profanity"][0].classes


def test_counts_add_up_to_the_marks(hostile: Path) -> None:
    _, out = run(["check", "--isolated", "--format", "html", str(hostile)])
    root = parse(out)
    findings = sum(len(card.find_all("ol", "findings")[0].find_all("li"))
                   for card in cards(root) if card.find_all("ol", "findings"))  # fmt: skip
    assert findings == 6 == len(root.find_all("mark"))  # no overlaps in this input


# -- overlapping hits, through the formatter with hits made by hand ---------------------


def hit(
    text: str, start: int, end: int, technique: str, rule: str, severity: str = "warning"
) -> Hit:
    return Hit(start, end, text[start:end], technique, rule, Severity(severity), 0.8,
               f"{rule} says {text[start:end]!r}")  # fmt: skip


def render(text: str, hits: list[Hit], rules: dict[str, RuleInfo] | None = None) -> Node:
    out = io.StringIO()
    formatter = HtmlFormatter(out)
    formatter.rules = rules or {}
    comment = Comment("c1", text)
    report = Report("c1", tuple(hits), {}, 0.9, Verdict.FLAGGED)
    formatter.write(Outcome(InputRecord("dump.jsonl", 1, comment=comment), report))
    formatter.close()
    return parse(out.getvalue())


def test_overlapping_hits_are_cut_at_every_boundary() -> None:
    text = "the evil deep state lies"
    hits = [
        hit(text, 4, 13, "loaded-language", "evil-words"),  # "evil deep"
        hit(text, 9, 19, "conspiracy-framing", "hidden-agents", "error"),  # "deep state"
        hit(text, 14, 24, "name-calling", "liar"),  # "state lies"
    ]
    rules = {
        "hidden-agents": RuleInfo("hidden-agents", "conspiracy-framing", "m", "Secret <b>why</b>")
    }
    root = render(text, hits, rules)
    paragraph = root.find_all("p", "text")[0]
    assert paragraph.text == text
    marks = paragraph.find_all("mark")
    assert [m.text for m in marks] == ["evil ", "deep", " ", "state", " lies"]
    assert [m.attrs["data-technique"] for m in marks] == [
        "loaded-language",
        "conspiracy-framing loaded-language",  # the error-level hit colors the piece
        "conspiracy-framing",
        "conspiracy-framing name-calling",
        "name-calling",
    ]
    deep = marks[1]
    assert {"tech-loaded-language", "tech-conspiracy-framing", "overlap"} <= set(deep.classes)
    assert "c-conspiracy-framing" in deep.classes and "c2-loaded-language" in deep.classes
    assert deep.attrs["data-severity"] == "error"
    assert deep.attrs["data-rule"] == "hidden-agents evil-words"
    assert deep.attrs["aria-describedby"] == "r1-h1 r1-h0"
    assert "Why: Secret <b>why</b>" in (deep.attrs["data-tip"] or "")
    assert not root.find_all("b")
    # every hit is listed in full, whatever covers it in the text
    findings = root.find_all("ol", "findings")[0].find_all("li")
    assert [li.find_all("span", "sample")[0].text for li in findings] == [
        "evil deep", "deep state", "state lies",
    ]  # fmt: skip


def test_nested_and_identical_spans() -> None:
    text = "you utter idiot"
    hits = [
        hit(text, 4, 15, "loaded-language", "utter"),
        hit(text, 10, 15, "name-calling", "insult-label"),
        hit(text, 10, 15, "profanity", "fake", "info"),
    ]
    marks = render(text, hits).find_all("mark")
    assert [m.text for m in marks] == ["utter ", "idiot"]
    assert marks[1].attrs["data-technique"] == "name-calling loaded-language profanity"


def test_astral_characters_inside_and_before_hits() -> None:
    text = "😀 a😀b 🇫🇷 end"
    marks = render(
        text, [hit(text, 2, 5, "profanity", "p"), hit(text, 6, 8, "slur", "s")]
    ).find_all("mark")
    assert [m.text for m in marks] == ["a😀b", "🇫🇷"]


def test_segments() -> None:
    assert [(s.start, s.end, s.hits) for s in segments(10, [(2, 5), (4, 8), (4, 8), (9, 9)])] == [
        (0, 2, ()), (2, 4, (0,)), (4, 5, (0, 1, 2)), (5, 8, (1, 2)), (8, 10, ()),
    ]  # fmt: skip
    assert [(s.start, s.end, s.hits) for s in segments(4, [(-3, 2), (3, 99)])] == [
        (0, 2, (0,)), (2, 3, ()), (3, 4, (1,)),
    ]  # fmt: skip
    assert segments(0, []) == []


def test_control_characters_and_lone_surrogates_are_made_visible(tmp_path: Path) -> None:
    dump = tmp_path / "c.jsonl"
    dump.write_text('{"id": "a\\u001b[2J", "text": "\\u001b[2J you idiot \\ud800 \\u0000"}\n')
    code, out = run(["check", "--isolated", "--format", "html", str(dump)])
    assert code == 1
    out.encode("utf-8")  # no lone surrogate left
    assert "\x1b" not in out and "\x00" not in out
    card = cards(parse(out))[0]
    assert card.find_all("p", "text")[0].text == "\u241b[2J you idiot \ufffd \u2400"
    assert [m.text for m in card.find_all("mark")] == ["idiot"]


def test_long_text_with_many_hits_renders_every_hit() -> None:
    """Rendering speed is measured in bench/, not here (a timed test fails on a loaded
    machine); this checks that 20,000 hits in one long text all become marks."""
    text = "you idiot, " * 20_000
    hits = [
        hit(text, i * 11 + 4, i * 11 + 9, "name-calling", "insult-label") for i in range(20_000)
    ]
    root = render(text, hits)
    assert len(root.find_all("mark")) == 20_000
    assert root.find_all("p", "text")[0].text == text


# -- the live page ------------------------------------------------------------------------


def test_live_page_has_exactly_one_script_and_its_hash() -> None:
    page = live_page(TECHNIQUES)
    root = parse(page)
    scripts = root.find_all("script")
    assert len(scripts) == 1
    assert scripts[0].text == LIVE_SCRIPT
    assert not scripts[0].attrs  # inline, no src
    digest = base64.b64encode(hashlib.sha256(LIVE_SCRIPT.encode("utf-8")).digest()).decode()
    assert f"sha256-{digest}" == LIVE_SCRIPT_HASH
    csp = next(m for m in root.find_all("meta") if m.attrs.get("http-equiv"))
    assert f"script-src '{LIVE_SCRIPT_HASH}'" in (csp.attrs["content"] or "")
    assert "</script" not in LIVE_SCRIPT.lower() and "<!--" not in LIVE_SCRIPT
    assert LIVE_SCRIPT.isascii()  # the hash does not depend on the page's encoding
    assert root.find_all("style")[0].text == STYLESHEET  # the report's stylesheet
    assert not [n for n in root.find_all() if "src" in n.attrs or "href" in n.attrs]


def test_live_page_script_never_parses_markup() -> None:
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setTimeout(\""):  # fmt: skip
        assert sink not in LIVE_SCRIPT
    assert "textContent" in LIVE_SCRIPT
    assert "Array.from(text)" in LIVE_SCRIPT  # code points, not UTF-16 units
    assert re.search(r'fetch\("v1/check"', LIVE_SCRIPT)
    assert re.search(r'fetch\("v1/rules"', LIVE_SCRIPT)


def test_live_page_has_the_form_and_legend() -> None:
    root = parse(live_page(TECHNIQUES))
    assert root.find_all("textarea")[0].attrs["id"] == "live-text"
    assert root.find_all("button")[0].attrs["type"] == "submit"
    legend = root.find_all("section", "legend")[0]
    assert [li.attrs["data-technique"] for li in legend.find_all("li")][:5] == [
        "name-calling", "loaded-language", "conspiracy-framing", "slur", "profanity",
    ]  # fmt: skip
    assert {n.text for n in legend.find_all("span", "count")} == {"0 hits"}
