"""``settings.RHETORIC``: read and validated in one place.

Every key is optional::

    RHETORIC = {
        "policy": BASE_DIR / "moderation.yml",  # a .yml/.yaml/.toml path, a mapping or a Policy
        "config": {"ignore": ["loaded-language"], "allowlist": ["bloody"]},  # AnalyzerConfig
        "plugins": ["mysite.rhetoric_plugin"],  # importable modules loaded as plugins
        "plugin_dirs": [BASE_DIR / "rhetoric_plugins"],
        "remove_rejected": True,  # False: refuse rejected posts (HTTP 400) instead
        "on_error": "review",  # action when the analysis fails: allow, review or reject
        "context": "mysite.moderation.comment_context",  # (comment, request) -> mapping
    }

Mistakes raise :class:`~django.core.exceptions.ImproperlyConfigured` naming the key;
``manage.py check`` reports them at start-up (see :mod:`.checks`) rather than on the
first comment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from rhetoric import DEFAULT_POLICY, Action, AnalyzerConfig, ConfigError, Policy, PolicyError
from rhetoric.config import Thresholds, disabled_plugins
from rhetoric.suggest import did_you_mean

SETTING = "RHETORIC"
_KEYS = ("policy", "config", "plugins", "plugin_dirs", "remove_rejected", "on_error", "context")

ContextHook = Callable[[Any, Any], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Settings:
    """The integration's settings, validated; defaults are what an empty dict gives."""

    policy: Policy = DEFAULT_POLICY
    config: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    plugins: tuple[str, ...] = ()
    plugin_dirs: tuple[Path, ...] = ()
    remove_rejected: bool = True
    on_error: Action = Action.REVIEW
    context: ContextHook | None = None


def load() -> Settings:
    """The current ``settings.RHETORIC`` (read on each call: tests override it)."""
    raw = getattr(settings, SETTING, None)
    if raw is None:
        return Settings()
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"settings.{SETTING} must be a dict")
    for key in raw:
        if key not in _KEYS:
            hint = did_you_mean(key, _KEYS)
            raise ImproperlyConfigured(f"settings.{SETTING}: unknown key {key!r}{hint}")
    remove = raw.get("remove_rejected", True)
    if not isinstance(remove, bool):
        raise ImproperlyConfigured(f"settings.{SETTING}['remove_rejected'] must be True or False")
    try:
        on_error = Action(str(raw.get("on_error", "review")))
    except ValueError:
        raise ImproperlyConfigured(
            f"settings.{SETTING}['on_error'] must be allow, review or reject "
            f"(got {raw.get('on_error')!r})"
        ) from None
    return Settings(
        policy=_policy(raw.get("policy")),
        config=_config(raw.get("config")),
        plugins=_strings(raw.get("plugins"), "plugins"),
        plugin_dirs=tuple(Path(p) for p in _strings(raw.get("plugin_dirs"), "plugin_dirs")),
        remove_rejected=remove,
        on_error=on_error,
        context=_context_hook(raw.get("context")),
    )


def load_lenient() -> Settings:
    """Only the keys that say how to fail (``on_error``, ``remove_rejected``), read even
    when the rest of the setting is broken; invalid values give the defaults."""
    raw = getattr(settings, SETTING, None)
    if not isinstance(raw, Mapping):
        return Settings()
    remove = raw.get("remove_rejected", True)
    try:
        on_error = Action(str(raw.get("on_error", "review")))
    except ValueError:
        on_error = Action.REVIEW
    return Settings(remove_rejected=remove if isinstance(remove, bool) else True, on_error=on_error)


def _policy(value: Any) -> Policy:
    where = f"settings.{SETTING}['policy']"
    try:
        if value is None:
            return DEFAULT_POLICY
        if isinstance(value, Policy):
            return value
        if isinstance(value, str | Path):
            return Policy.load(value)
        if isinstance(value, Mapping):
            return Policy.from_mapping(value, where)
    except PolicyError as exc:
        raise ImproperlyConfigured(f"{where}: {exc}") from None
    raise ImproperlyConfigured(f"{where} must be a file path, a mapping or a rhetoric.Policy")


# How each AnalyzerConfig field is built from what a settings file naturally holds.
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "rule_paths": lambda v: tuple(Path(p) for p in _as_list(v)),
    "disabled_plugins": lambda v: disabled_plugins(_as_list(v)),
    "select": lambda v: tuple(_as_list(v)),
    "ignore": lambda v: tuple(_as_list(v)),
    "readability": lambda v: tuple(_as_list(v)),
    "allowlist": lambda v: frozenset(_as_list(v)),
    "thresholds": lambda v: v if isinstance(v, Thresholds) else Thresholds(**v),
    "options": lambda v: {str(k): dict(o) for k, o in v.items()},
}


def _config(value: Any) -> AnalyzerConfig:
    where = f"settings.{SETTING}['config']"
    if value is None:
        # Same as the CLI: $RHETORIC_DISABLE_PLUGINS switches plugins off here too.
        return AnalyzerConfig(disabled_plugins=disabled_plugins(()))
    if isinstance(value, AnalyzerConfig):
        return value
    if not isinstance(value, Mapping):
        raise ImproperlyConfigured(f"{where} must be a dict of AnalyzerConfig options")
    known = tuple(f.name for f in dataclasses.fields(AnalyzerConfig))
    options: dict[str, Any] = {"disabled_plugins": disabled_plugins(())}
    for key, raw in value.items():
        if key not in known:
            raise ImproperlyConfigured(f"{where}: unknown option {key!r}{did_you_mean(key, known)}")
        try:
            options[key] = _CONVERT.get(key, lambda v: v)(raw)
        except (TypeError, ValueError, AttributeError) as exc:
            raise ImproperlyConfigured(f"{where}['{key}']: {exc}") from None
    try:
        return AnalyzerConfig(**options)
    except (ConfigError, TypeError) as exc:
        raise ImproperlyConfigured(f"{where}: {exc}") from None


def _context_hook(value: Any) -> ContextHook | None:
    if value is None or callable(value):
        return value
    if isinstance(value, str):
        try:
            hook: ContextHook = import_string(value)
        except ImportError as exc:
            raise ImproperlyConfigured(f"settings.{SETTING}['context']: {exc}") from None
        return hook
    raise ImproperlyConfigured(f"settings.{SETTING}['context'] must be a callable or its path")


def _strings(value: Any, key: str) -> tuple[str, ...]:
    try:
        return tuple(str(v) for v in _as_list(value))
    except TypeError:
        raise ImproperlyConfigured(f"settings.{SETTING}['{key}'] must be a list") from None


def _as_list(value: Any) -> list[Any]:
    """A single string or path counts as a one-item list (a common settings slip)."""
    if value is None:
        return []
    if isinstance(value, str | Path):
        return [value]
    if isinstance(value, Mapping) or not hasattr(value, "__iter__"):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return list(value)
