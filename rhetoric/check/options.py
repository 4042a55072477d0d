"""Project configuration files: ``[tool.rhetoric]`` in ``pyproject.toml``,
``.rhetoric.toml`` or ``.rhetoric.yaml``.

A repository keeps its choices next to its text, so every contributor, editor
plugin and CI job checks the same way without repeating flags. The file that
applies to a checked file is the nearest one found walking up from the file's
folder (from the working directory for standard input); in one folder
``.rhetoric.toml`` wins over ``.rhetoric.yaml``/``.rhetoric.yml``, which win
over a ``pyproject.toml`` that has a ``[tool.rhetoric]`` table. Nothing is
merged across files: the nearest file is the whole configuration, as in ruff.

Every key is validated: an unknown key or a wrong type is an error naming the
file, because a silently ignored setting is worse than none.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config import ConfigError
from .suggest import did_you_mean

CONFIG_NAMES = (".rhetoric.toml", ".rhetoric.yaml", ".rhetoric.yml", "pyproject.toml")
FAIL_ON = ("info", "warning", "error", "never")
MARKUP = ("auto", "markdown", "html", "none")


@dataclass(frozen=True, slots=True)
class FileConfig:
    """The settings of one configuration file; ``path`` is None for "no file".

    Paths (``rules``, ``plugins.dirs``) are already resolved against the file's
    folder; ``per_file_ignores`` and ``exclude`` globs are matched relative to it.
    """

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    preview: bool | None = None
    rules: tuple[Path, ...] = ()
    plugins: tuple[str, ...] = ()
    plugin_dirs: tuple[Path, ...] = ()
    disable_plugins: tuple[str, ...] = ()
    plugin_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    allowlist: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    markup: str | None = None
    report_unused_suppressions: bool | None = None

    @property
    def root(self) -> Path:
        """The folder that relative paths and globs in the file refer to."""
        return self.path.parent if self.path is not None else Path.cwd()


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


# key -> (check, what the check expects)
_KEYS: dict[str, tuple[Any, str]] = {
    "select": (_strings, "a list of strings"),
    "ignore": (_strings, "a list of strings"),
    "fail-on": (_is_str, "one of " + ", ".join(FAIL_ON)),
    "preview": (_is_bool, "true or false"),
    "rules": (_strings, "a list of folder paths"),
    "plugins": (_is_table, "a table with 'enable', 'disable' and 'dirs'"),
    "plugin-options": (_is_table, "a table of tables: plugin name -> settings"),
    "allowlist": (_strings, "a list of strings"),
    "per-file-ignores": (_is_table, "a table: glob -> list of technique or rule ids"),
    "exclude": (_strings, "a list of globs"),
    "markup": (_is_str, "one of " + ", ".join(MARKUP)),
    "report-unused-suppressions": (_is_bool, "true or false"),
}
_PLUGIN_KEYS = ("enable", "disable", "dirs")


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above the folder ``start``."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # an unrelated broken pyproject.toml is not ours to report
    return isinstance(data.get("tool"), dict) and "rhetoric" in data["tool"]


def config_for(target: Path, explicit: Path | None = None) -> FileConfig:
    """The configuration for a checked file (or folder, for standard input).

    Nothing is cached here: files change between runs of a long-lived host;
    a run caches per folder (:class:`rhetoric.checkrun.CheckSession`).
    """
    if explicit is not None:
        return load_config(explicit.resolve())
    found = find_config(target if target.is_dir() else target.parent)
    return load_config(found) if found is not None else FileConfig()


def load_config(path: Path) -> FileConfig:
    """Read and validate one configuration file.

    :raises ConfigError: unreadable, malformed, unknown key or wrong type; the
        message starts with the file's path.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    table = _table(path, raw)
    return _validate(path, table)


def _table(path: Path, raw: str) -> dict[str, Any]:
    where = "[tool.rhetoric]" if path.name == "pyproject.toml" else "the file"
    if path.suffix == ".toml":
        try:
            data: Any = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("rhetoric", {})
    else:
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from None
        data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} must be a table of settings")
    return data


def _validate(path: Path, data: dict[str, Any]) -> FileConfig:
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(f"{path}: unknown key '{key}'{_hint(str(key), _KEYS)}")
        check, expected = _KEYS[key]
        if not check(value):
            raise ConfigError(f"{path}: '{key}' must be {expected}")
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"{path}: 'fail-on' must be one of {', '.join(FAIL_ON)}")
    markup = data.get("markup")
    if markup is not None and markup not in MARKUP:
        raise ConfigError(f"{path}: 'markup' must be one of {', '.join(MARKUP)}")
    root = path.parent
    plugins = data.get("plugins", {})
    for key, value in plugins.items():
        if key not in _PLUGIN_KEYS:
            raise ConfigError(f"{path}: unknown key 'plugins.{key}'{_hint(key, _PLUGIN_KEYS)}")
        if not _strings(value):
            raise ConfigError(f"{path}: 'plugins.{key}' must be a list of strings")
    options = data.get("plugin-options", {})
    for name, settings in options.items():
        if not isinstance(settings, dict):
            raise ConfigError(f"{path}: 'plugin-options.{name}' must be a table")
    ignores = data.get("per-file-ignores", {})
    for glob, ids in ignores.items():
        if not _strings(ids):
            raise ConfigError(f"{path}: 'per-file-ignores.\"{glob}\"' must be a list of ids")

    def tuple_or_none(key: str) -> tuple[str, ...] | None:
        return tuple(data[key]) if key in data else None

    return FileConfig(
        path=path,
        select=tuple_or_none("select"),
        ignore=tuple_or_none("ignore"),
        fail_on=fail_on,
        preview=data.get("preview"),
        rules=tuple(root / p for p in data.get("rules", [])),
        plugins=tuple(plugins.get("enable", [])),
        plugin_dirs=tuple(root / p for p in plugins.get("dirs", [])),
        disable_plugins=tuple(plugins.get("disable", [])),
        plugin_options={name: dict(settings) for name, settings in options.items()},
        allowlist=tuple(data.get("allowlist", [])),
        per_file_ignores=tuple((glob, tuple(ids)) for glob, ids in ignores.items()),
        exclude=tuple(data.get("exclude", [])),
        markup=markup,
        report_unused_suppressions=data.get("report-unused-suppressions"),
    )


def _hint(key: str, known: Mapping[str, object] | tuple[str, ...]) -> str:
    return did_you_mean(key, known) or f" (known: {', '.join(known)})"
