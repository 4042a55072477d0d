"""The HTML report and the live page in a real headless Chromium (Playwright driving the
system's browser; nothing is downloaded).

Checks what only a browser can: highlights carry the technique classes and colors,
a ``<script>`` or event handler inside a comment is shown as text and never runs,
hover and keyboard focus show why a span was reported, and the live page renders
what the service answers under the service's Content-Security-Policy. Screenshots
go to ``$RHETORIC_TEST_ARTIFACTS`` (or the test's temporary folder); their paths are
printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run

CHROMIUM = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
CHROMIUM = CHROMIUM or shutil.which("chromium")
# CI sets RHETORIC_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
REQUIRED = os.environ.get("RHETORIC_REQUIRE_BROWSER", "") not in ("", "0")
if CHROMIUM is None:
    reason = "no Chromium: install the Debian package 'chromium' (CI does) to run browser tests"
    if REQUIRED:
        pytest.fail(reason + " (RHETORIC_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
try:
    from playwright import sync_api
except ImportError:
    reason = "playwright is not installed (pip install '.[test]')"
    if REQUIRED:
        pytest.fail(reason + " (RHETORIC_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from rhetoric import Analyzer, AnalyzerConfig, Moderator  # noqa: E402
from rhetoric.outputs.html import LIVE_CSP, PALETTE, highlight, live_page  # noqa: E402
from rhetoric.policy import DEFAULT_POLICY  # noqa: E402
from rhetoric.wire import hit_from_dict, report_to_dict, rule_to_dict  # noqa: E402

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAYLOAD = "<script>window.pwned = 1; document.title = 'pwned'</script> you idiot"
HANDLER = '<img src=x onerror="window.pwned = 2"><b onmouseover="window.pwned = 3">what a moron</b>'
PWNED_ID = '"><script>window.pwned = 4</script>'
# The tooltip is CSS generated content: read what the browser computed for it.
TIP = "el => getComputedStyle(el, '::after').content"


def rgb(hex_color: str) -> str:
    value = hex_color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RHETORIC_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Any, folder: Path, name: str) -> Path:
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    print(f"screenshot: {path}")
    return path


class Watched:
    """A page plus what it reported: uncaught errors and console errors (CSP ones too)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    dump = folder / "comments.jsonl"
    records = [
        {"id": "c1", "text": "Anyone who voted for this is an idiot, and the deep state wins."},
        {"id": "c2", "text": PAYLOAD},
        {"id": PWNED_ID, "text": HANDLER},
        {"id": "c4", "text": "😀😀 such sh1t 👍\r\nfrom these vermin"},
        {"id": "c5", "text": "Thanks for the clear summary."},
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records) + "{broken\n", encoding="utf-8")
    report = folder / "report.html"
    code, _ = run(["check", "--isolated", "--format", "html", "-o", str(report), str(dump)])
    assert code == 2  # the broken record
    return report


def test_report_shows_highlights_with_technique_classes(
    watched: Watched, report_file: Path, artifacts: Path
) -> None:
    page = watched.page
    page.goto(report_file.as_uri())
    assert page.locator("article.record").count() == 6  # five comments and the error
    assert page.locator("article.error-record").inner_text().count("invalid JSON") == 1
    first = page.locator("article.record").nth(0)
    assert first.locator("mark.tech-name-calling").inner_text() == "idiot"
    assert first.locator("mark.tech-conspiracy-framing").inner_text() == "deep state"
    # emoji before a hit do not shift it (offsets are code points)
    emoji = page.locator("article.record").nth(3)
    assert emoji.locator("mark.tech-profanity").inner_text() == "sh1t"
    # colored per technique, as the legend says
    for technique in ("name-calling", "conspiracy-framing", "profanity"):
        mark = page.locator(f"mark.tech-{technique}").first
        background = mark.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background == rgb(PALETTE[technique][0])
        sample = page.locator(f".legend li[data-technique='{technique}'] .sample")
        assert sample.evaluate("el => getComputedStyle(el).backgroundColor") == background
    assert page.locator(".legend [data-count-for='name-calling']").inner_text().startswith("3 hits")
    assert watched.errors == []
    screenshot(page, artifacts, "report.png")


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_script_in_a_comment_is_shown_and_never_runs(
    browser: Any, report_file: Path, bypass_csp: bool
) -> None:
    # Without the page's CSP too: escaping alone must keep the payloads inert.
    context = browser.new_context(bypass_csp=bypass_csp)
    try:
        page = context.new_page()
        page.goto(report_file.as_uri())
        page.locator("article.record").nth(2).locator("p.text").hover()
        page.wait_for_timeout(200)
        state = page.evaluate(
            "() => [window.pwned === undefined, document.title,"
            " document.querySelectorAll('script, img, b, [onerror], [onmouseover]').length]"
        )
        assert state[0], "a comment's script ran"
        assert state[1].startswith("rhetoric report")
        assert state[2] == 0
        texts = page.locator("p.text").all_inner_texts()
        assert PAYLOAD in texts
        assert HANDLER in texts
        assert page.locator("article.record h2").nth(2).inner_text() == PWNED_ID
    finally:
        context.close()


def test_hover_and_focus_show_why(watched: Watched, report_file: Path, artifacts: Path) -> None:
    page = watched.page
    page.goto(report_file.as_uri())
    mark = page.locator("mark.tech-name-calling").first
    assert mark.evaluate(TIP) == "none"
    mark.hover()
    tip = mark.evaluate(TIP)
    assert "'idiot' is an insult" in tip and "Why: Name-calling" in tip
    page.mouse.move(0, 0)
    assert mark.evaluate(TIP) == "none"
    # keyboard only: tab past the filter checkbox to the first highlight
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
    active = page.evaluate_handle("document.activeElement")
    assert active.evaluate("el => el.matches('mark.hit.tech-name-calling')")
    assert "Why: Name-calling" in active.evaluate(TIP)
    screenshot(page, artifacts, "report-focus.png")
    # assistive technology gets the finding that the mark is described by
    described = active.evaluate("el => el.getAttribute('aria-describedby')")
    assert "Why: Name-calling" in page.locator(f"#{described}").inner_text()


def test_filter_hides_comments_without_findings(watched: Watched, report_file: Path) -> None:
    page = watched.page
    page.goto(report_file.as_uri())
    clean = page.locator("article.record.no-findings")
    assert clean.count() == 1 and clean.is_visible()
    page.locator("#only-findings").check()
    assert not clean.is_visible()


# -- the live page, answered in the browser with the real analyzer (no server) ----------


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(Analyzer.from_config(AnalyzerConfig(readability=())), DEFAULT_POLICY)


ORIGIN = "http://rhetoric.test"


class FakeService:
    """Answers the live page's requests inside the browser, as the service would."""

    def __init__(self, moderator: Moderator, csp: str = LIVE_CSP) -> None:
        self.moderator = moderator
        self.csp = csp
        self.requests: list[dict[str, Any]] = []
        self.answer: dict[str, Any] | None = None  # a canned /v1/check answer

    def handle(self, route: Any) -> None:
        request = route.request
        path = request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"content-security-policy": self.csp},
                body=live_page(self.moderator.analyzer.techniques),
            )
        elif path == "/v1/rules":
            rules = [rule_to_dict(r, with_source=False) for r in self.moderator.analyzer.rules]
            route.fulfill(status=200, json={"rules": rules})
        elif path == "/v1/check" and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            self.requests.append({"body": body, "headers": request.headers})
            answer = self.answer
            if answer is None:
                decision = self.moderator.moderate(body["text"])
                answer = {
                    "report": report_to_dict(decision.report),
                    "decision": {
                        "action": decision.action.value,
                        "reasons": list(decision.reasons),
                    },
                }
            route.fulfill(status=200, json=answer)
        else:
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": path}})


def check_text(page: Any, text: str) -> None:
    page.fill("#live-text", text)
    page.click("#live-check")
    page.wait_for_selector("#live-status:has-text('Checked')")


def test_live_page_highlights_what_the_service_answers(
    watched: Watched, moderator: Moderator, artifacts: Path
) -> None:
    service = FakeService(moderator)
    page = watched.page
    page.route(f"{ORIGIN}/**", service.handle)
    page.goto(f"{ORIGIN}/")
    text = (
        "😀 <script>window.pwned = 1</script> you idiot, such sh1t 👍\n"
        '<img src=x onerror="window.pwned=2">'
    )
    check_text(page, text)
    assert service.requests[-1]["body"] == {"text": text}
    record = page.locator("#live-record")
    assert record.locator("mark.tech-name-calling").inner_text() == "idiot"
    assert record.locator("mark.tech-profanity").inner_text() == "sh1t"
    assert record.locator("p.text").inner_text() == text
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == 1 and page.locator("img").count() == 0
    assert page.locator("#live-action").inner_text() in {"allow", "review", "reject"}
    assert page.locator(".legend [data-count-for='profanity']").inner_text() == "1 hit"
    # the why comes from /v1/rules, on hover and on focus
    mark = record.locator("mark.tech-name-calling")
    mark.focus()
    assert "Why: Name-calling" in mark.evaluate(TIP)
    assert watched.errors == []  # the inline script ran under the CSP, nothing was blocked
    screenshot(page, artifacts, "live-fake.png")


def test_live_page_segments_like_the_report(
    watched: Watched, moderator: Moderator, artifacts: Path
) -> None:
    """Overlapping hits after astral characters: the script's pieces, classes and data
    attributes are exactly those the Python report renders for the same hits."""
    text = "😀👩‍👩‍👧 the evil deep state lies\n🇫🇷 ok"  # a textarea holds no \r
    start = text.index("evil")
    hits = [
        {"start": start, "end": start + 9, "technique": "loaded-language", "rule": "evil",
         "severity": "warning"},
        {"start": start + 5, "end": start + 15, "technique": "conspiracy-framing",
         "rule": "hidden-agents", "severity": "error"},
        {"start": start + 10, "end": start + 20, "technique": "name-calling", "rule": "liar",
         "severity": "warning"},
        {"start": len(text) - 5, "end": len(text) - 3, "technique": "my-plugin-technique",
         "rule": "flags", "severity": "info"},
    ]  # fmt: skip
    for hit in hits:
        hit.update(text=text[hit["start"] : hit["end"]], confidence=0.5, message="m", evidence={})
    service = FakeService(moderator)
    service.answer = {
        "report": {"id": "live", "hits": hits, "scores": {}, "score": 0.9, "verdict": "flagged",
                   "readability": {}, "errors": [{"source": "x", "message": "<b>note</b>"}]},
        "decision": {"action": "reject", "reasons": ["<i>because</i>"]},
    }  # fmt: skip
    page = watched.page
    page.route(f"{ORIGIN}/**", service.handle)
    page.goto(f"{ORIGIN}/")
    page.fill("#live-text", text)
    page.click("#live-check")
    page.wait_for_selector("#live-record")
    live = page.locator("#live-record p.text").evaluate(
        "el => Array.from(el.querySelectorAll('mark')).map(m => [m.textContent, m.className,"
        " m.dataset.technique, m.dataset.rule, m.dataset.severity])"
    )
    # The same hits through the report's renderer, parsed by the same browser.
    rules = {r.id: r for r in moderator.analyzer.rules}
    python_html = highlight(text, [hit_from_dict(h) for h in hits], "live", rules)
    reference = page.evaluate(
        "html => { const t = document.createElement('template'); t.innerHTML = html;"
        " return Array.from(t.content.querySelectorAll('mark')).map(m => [m.textContent,"
        " m.className, m.dataset.technique, m.dataset.rule, m.dataset.severity]); }",
        python_html,
    )
    assert service.requests[-1]["body"] == {"text": text}
    assert page.locator("#live-record p.text").inner_text() == text
    assert live == reference
    assert [piece[0] for piece in live] == ["evil ", "deep", " ", "state", " lies", "🇫🇷"]
    assert live[1][2] == "conspiracy-framing loaded-language"
    assert "c-other" in live[5][1]  # a plugin's technique gets the neutral color
    assert page.locator(".legend [data-count-for='my-plugin-technique']").inner_text() == "1 hit"
    assert page.locator("#live-record").inner_text().count("<b>note</b>") == 1
    assert page.locator("#live-record").inner_text().count("<i>because</i>") == 1
    assert page.locator("#live-record b, #live-record i").count() == 0
    page.locator("#live-record mark").nth(1).focus()
    screenshot(page, artifacts, "live-overlap.png")


# -- the live page served by `rhetoric serve`'s app ----------------------------------------


@pytest.fixture(scope="module")
def live_server() -> Any:
    pytest.importorskip("rhetoric.service.app", reason="rhetoric.service is not there")
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install '.[server]')")
    from live_server import serve

    return serve


def test_live_page_served_by_the_service(
    watched: Watched, moderator: Moderator, live_server: Any, artifacts: Path
) -> None:
    from rhetoric.service.app import create_app
    from rhetoric.service.settings import ServiceSettings

    app = create_app(moderator=moderator, settings=ServiceSettings(token="s3cret token"))
    with live_server(app) as server:
        page = watched.page
        page.goto(f"{server.url}/")
        text = "Only an idiot trusts the deep state. <script>document.title='pwned'</script>😀"
        page.fill("#live-text", text)
        page.click("#live-check")
        status = page.locator("#live-status.failed")
        status.wait_for()
        assert "bearer token" in status.inner_text()  # the service's 401, shown as text
        watched.errors.clear()  # the browser logs the 401 itself

        page.fill("#live-token", "s3cret token")
        check_text(page, text)
        record = page.locator("#live-record")
        assert record.locator("mark.tech-name-calling").inner_text() == "idiot"
        assert record.locator("mark.tech-conspiracy-framing").inner_text() == "deep state"
        assert record.locator("p.text").inner_text() == text
        assert page.title() == "rhetoric: live check"
        assert page.locator("script").count() == 1
        assert page.locator("#live-action").inner_text() in {"review", "reject"}
        mark = record.locator("mark.tech-conspiracy-framing")
        mark.hover()
        assert "Why: Conspiracy framing" in mark.evaluate(TIP)
        assert watched.errors == []  # no CSP violation under the service's own policy
        screenshot(page, artifacts, "live-service.png")

        # typing alone checks too (debounced)
        page.fill("#live-text", "what a f*ck up")
        page.wait_for_selector("#live-record mark.tech-profanity")
