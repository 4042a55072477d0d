"""``rhetoric.hookspecs.compiled_pattern``: a plugin's module patterns are kept between
runs like the core's (read back, not compiled again). Checked by what happens."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from rhetoric import Analyzer, AnalyzerConfig
from rhetoric.hookspecs import compiled_pattern
from rhetoric.text import patterns

PATTERN = r"plugin-only-(?P<n>\d+)"


def test_a_plugins_module_pattern_is_kept_for_the_next_run(
    pattern_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "kept_patterns_plugin.py").write_text(
        "import regex\nfrom rhetoric.hookspecs import compiled_pattern\n"
        f"NUMBERED = compiled_pattern({PATTERN!r}, flags=regex.IGNORECASE)\n",
        encoding="utf-8",
    )
    Analyzer.from_config(AnalyzerConfig(readability=()), plugin_dirs=[plugins], entry_points=False)
    assert list(pattern_store.glob("*.patterns"))  # written once the plugins were imported
    monkeypatch.setattr(patterns, "_kept", None)  # as a new process starts
    seen: list[str] = []
    real = regex.compile

    def counting(pattern: str, flags: int = 0) -> regex.Pattern[str]:
        seen.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(patterns.regex, "compile", counting)
    again = compiled_pattern(PATTERN, flags=regex.IGNORECASE)
    assert seen == []
    assert again.flags & regex.IGNORECASE
    assert again.search("see PLUGIN-ONLY-42").group("n") == "42"  # type: ignore[union-attr]
