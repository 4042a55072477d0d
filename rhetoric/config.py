"""Analyzer configuration: one immutable value, validated when it is built.

Every knob the runner and the built-in plugins read lives here, so a host can
build it in code and the CLI can build it from flags; file-based configuration
maps onto the same fields.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .selection import match_length

DISABLE_ENV = "RHETORIC_DISABLE_PLUGINS"


def disabled_plugins(names: Iterable[str], *, builtin_rules: bool = True) -> frozenset[str]:
    """Plugins to leave out: ``names``, those listed in ``$RHETORIC_DISABLE_PLUGINS``
    (comma-separated), and ``builtin-rules`` when the built-in pack is not wanted."""
    disabled = {name for name in names if name}
    disabled.update(i.strip() for i in os.environ.get(DISABLE_ENV, "").split(",") if i.strip())
    if not builtin_rules:
        disabled.add("builtin-rules")
    return frozenset(disabled)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs for the verdict: warning-or-worse hits scoring >= ``flagged``
    make a comment flagged; an overall score >= ``borderline`` makes it borderline
    (info-only findings never go further); below is clean."""

    borderline: float = 0.4
    flagged: float = 0.7

    def __post_init__(self) -> None:
        if not 0.0 <= self.borderline <= self.flagged <= 1.0:
            raise ConfigError(
                "thresholds must satisfy 0 <= borderline <= flagged <= 1 "
                f"(got borderline={self.borderline}, flagged={self.flagged})"
            )


@dataclass(frozen=True, slots=True)
class AnalyzerConfig:
    """What an analyzer loads and how it judges: the whole recipe of an analyzer, so
    ``Analyzer.from_config(config)`` builds the same one in any process.

    - ``rule_paths``: extra YAML rule folders, on top of those plugins register.
    - ``plugins``: importable modules to load as plugins, beside the entry points.
    - ``plugin_dirs``: folders whose ``*.py`` files are loaded as plugins.
    - ``disabled_plugins``: plugin names not to load (``builtin-rules`` drops the
      built-in rule pack, ``techniques`` the built-in vocabulary).
    - ``select`` / ``ignore``: technique ids or rule ids (prefixes allowed) to keep
      or drop; empty ``select`` keeps everything.
    - ``preview``: also run rules whose status is ``preview``.
    - ``readability``: textstat metric names to compute (none by default: textstat
      costs far more per comment than detection; ``rhetoric.text.readability.DEFAULT_METRICS``
      is a sensible set).
    - ``allowlist``: terms that are never reported (compared case-insensitively,
      whitespace collapsed); applied by the analyzer itself after the filter hooks.
    - ``options``: per-plugin settings, ``{plugin_name: {key: value}}``.
    - ``fast_paths``: skip work that cannot produce a hit (regex prefilters, template
      pruning); switched off only to prove that the results are the same.
    - ``plugin_timeout``: seconds one plugin call (a detector on a comment, a hook
      on a hit or report) may take, plus as much again per million characters of
      comment; a slower call's output is dropped and recorded in the report's
      errors. ``None`` switches the budget off. Python cannot stop a running
      call, so this bounds the damage, not the wait: see docs/security.md.
    - ``plugin_strikes``: after this many calls over budget a plugin is not called
      again for the rest of the analyzer's life (each report then says so).
    - ``models``: trained model files (``rhetoric train``) for the ``scorer`` plugin;
      none by default, and then the plugin registers nothing.
    """

    rule_paths: tuple[Path, ...] = ()
    plugins: tuple[str, ...] = ()
    plugin_dirs: tuple[Path, ...] = ()
    disabled_plugins: frozenset[str] = frozenset()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preview: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    readability: tuple[str, ...] = ()
    allowlist: frozenset[str] = frozenset()
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    regex_timeout: float = 0.25
    fast_paths: bool = True
    plugin_timeout: float | None = 1.0
    plugin_strikes: int = 3
    models: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if self.regex_timeout <= 0:
            raise ConfigError("regex_timeout must be a positive number of seconds")
        if self.plugin_timeout is not None and not self.plugin_timeout > 0:
            raise ConfigError("plugin_timeout must be a positive number of seconds or None")
        if self.plugin_strikes < 1:
            raise ConfigError("plugin_strikes must be at least 1")

    def plugin_options(self, name: str) -> Mapping[str, Any]:
        """The options given to plugin ``name`` (empty when none)."""
        return self.options.get(name, {})

    def is_selected(self, technique: str, rule_id: str) -> bool:
        """Whether a rule passes ``select``/``ignore`` (the longest naming id wins)."""
        chosen = match_length(self.select, technique, rule_id) if self.select else 0
        dropped = match_length(self.ignore, technique, rule_id)
        if dropped < 0:
            return chosen >= 0
        return chosen > dropped
