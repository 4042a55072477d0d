"""Markdown and HTML are checked as prose: code, URLs, tags, attributes, comments
and front matter are never flagged, and positions are those of the original file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run
from hypothesis import given
from hypothesis import strategies as st

from rhetoric.text.markup import markup_for, mask

# Every insult below sits somewhere that is not prose, except the ones on the
# lines the tests expect.
MARKDOWN = """\
---
title: Why the idiot lost
author: moron
---
# Notes on the idiot

Some `idiot()` code, a [link](https://moron.example/idiot "idiot") and ![alt](idiot.png).
See <https://idiot.org>, www.moron.com/idiot or idiot@moron.org.

```python
idiot = "moron"
```

~~~
moron
~~~

    moron = 2  # indented code

<span class="moron" title='idiot'>Fine words.</span>
<!-- idiot in a comment -->
<script>var moron = 1;</script>

> They said: what an idiot.

[ref]: https://example.com/moron "moron"

Only a moron would say that, and `idiot` is code.
"""

HTML = """\
<!DOCTYPE html>
<html lang="en">
<head><title>Notes</title>
<style>.moron { color: red }</style>
<script>let idiot = 1;</script></head>
<body class="idiot">
<!-- moron -->
<p data-note="moron">A <a href="https://idiot.example/moron">plain link</a>.</p>
<pre>idiot</pre> <code>moron</code>
<p>Only an <b>idiot</b> says that.</p>
</body>
</html>
"""


def test_markdown_flags_only_prose_with_original_positions(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    code, out = run(["check", "--isolated", str(path)])
    assert code == 1
    message = "'{}' is an insult: it labels a person instead of answering them."
    assert out.splitlines() == [
        f"{path}:5:16  name-calling  insult-label  [warning] {message.format('idiot')}",
        "    # Notes on the »idiot«",
        # a block quote is quoted speech: the quoting plugin keeps it only as info
        f"{path}:24:22  name-calling  insult-label  [info] {message.format('idiot')}",
        "    > They said: what an »idiot«.",
        f"{path}:28:8  name-calling  insult-label  [warning] {message.format('moron')}",
        "    Only a »moron« would say that, and `idiot` i…",
        "3 findings in 1 of 1 file",
    ]


def test_html_flags_only_text_content(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    code, out = run(["check", "--isolated", str(path)])
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:10:15  name-calling  insult-label  [warning] 'idiot'")
    assert lines[1] == "    <p>Only an <b>»idiot«</b> says that.</p>"
    assert lines[-1] == "1 finding in 1 of 1 file"


def test_markup_none_checks_everything(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Some `idiot()` code.\n", encoding="utf-8")
    assert run(["check", "--isolated", str(path)])[0] == 0
    assert run(["check", "--isolated", "--markup", "none", str(path)])[0] == 1


def test_plain_text_is_not_masked(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Some `idiot` here.\n", encoding="utf-8")
    assert run(["check", "--isolated", str(path)])[0] == 1


def test_markdown_block_quote_is_quoted_speech(tmp_path: Path) -> None:
    path = tmp_path / "quote.md"
    path.write_text("Intro with <b>bold</b>.\n\n> You `x` idiot.\n", encoding="utf-8")
    code, out = run(["check", "--isolated", str(path)])
    assert code == 0  # downgraded to info by the quoting plugin: below --fail-on warning
    assert "insult-label  [info]" in out.splitlines()[0]
    assert run(["check", "--isolated", "--disable-plugin", "quoting", str(path)])[0] == 1


@pytest.mark.parametrize(
    ("name", "markup"),
    [("a.md", "markdown"), ("a.MARKDOWN", "markdown"), ("a.html", "html"), ("a.htm", "html"),
     ("a.txt", "none"), ("a.rst", "none")],
)  # fmt: skip
def test_markup_by_extension(name: str, markup: str) -> None:
    assert markup_for(name) == markup


@given(
    st.text(alphabet=st.sampled_from("ab `~<>-!#[]()*:/.\n\t\"'=x")),
    st.sampled_from(["markdown", "html"]),
)
def test_mask_keeps_length_and_line_breaks(text: str, markup: str) -> None:
    masked = mask(text, markup)  # type: ignore[arg-type]
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
    assert all(m == c or m == " " for m, c in zip(masked, text, strict=True))
