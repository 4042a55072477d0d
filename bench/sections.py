"""One marked section of a Markdown file, written by a benchmark.

Several benchmarks own a part of the same document (docs/performance.md holds the
whole-process table, the matchers, the service and the scale figures). Each writes
only between its ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers, so that a
run of one never disturbs the figures of another.
"""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, name: str, section: str) -> None:
    """Replace the section ``name`` of ``path``, or append it: the rest is not ours."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{section}\n{end}"
    text = path.read_text("utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + block + "\n"
    path.write_text(text, encoding="utf-8")
