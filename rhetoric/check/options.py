"""What decides how ``rhetoric check`` treats a path: the command's flags
(:class:`CheckOptions`), the project's configuration file (:class:`ProjectFile`:
``[tool.rhetoric]`` in ``pyproject.toml``, ``.rhetoric.toml`` or ``.rhetoric.yaml``),
its globs, and the one merge of the two (:func:`path_options`).

A repository keeps its choices next to its text, so every contributor, editor
plugin and CI job checks the same way without repeating flags. The file that
applies to a checked file is the nearest one found walking up from the file's
folder (from the working directory for standard input); in one folder
``.rhetoric.toml`` wins over ``.rhetoric.yaml``/``.rhetoric.yml``, which win
over a ``pyproject.toml`` that has a ``[tool.rhetoric]`` table. Nothing is
merged across files: the nearest file is the whole configuration, as in ruff.

Every key is validated: an unknown key or a wrong type is an error naming the
file, because a silently ignored setting is worse than none.

Globs (``per-file-ignores``, ``exclude``) work as users know them from
``.gitignore`` and ruff: ``*`` stays within one folder, ``**`` spans folders, and a
pattern without a ``/`` matches a file name in any folder. (``fnmatch`` lets ``*``
cross ``/`` and ``PurePath.full_match`` needs Python 3.13, hence a small
translation to a regular expression.)
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ..config import AnalyzerConfig, ConfigError, Thresholds, disabled_plugins
from ..model import Severity
from ..suggest import did_you_mean
from .inputs import STDIN

CONFIG_NAMES = (".rhetoric.toml", ".rhetoric.yaml", ".rhetoric.yml", "pyproject.toml")
FAIL_ON = ("info", "warning", "error", "never")
MARKUP = ("auto", "markdown", "html", "none")


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """The settings of one configuration file; ``path`` is None for "no file".

    Paths (``rules``, ``plugins.dirs``, ``models``) are already resolved against the
    file's folder; ``per_file_ignores`` and ``exclude`` globs are matched relative to it.
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
    models: tuple[Path, ...] = ()
    plugin_timeout: float | None = None

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


def _is_seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


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
    "models": (_strings, "a list of model file paths (rhetoric train)"),
    "plugin-timeout": (_is_seconds, "a number of seconds, 0 for no time budget"),
}
_PLUGIN_KEYS = ("enable", "disable", "dirs")


def find_project_file(start: Path) -> Path | None:
    """The nearest configuration file at or above the folder ``start``."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    import tomllib  # only where a configuration file is met: not at every start

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # an unrelated broken pyproject.toml is not ours to report
    return isinstance(data.get("tool"), dict) and "rhetoric" in data["tool"]


def project_file_for(target: Path, explicit: Path | None = None) -> ProjectFile:
    """The configuration for a checked file (or folder, for standard input).

    Nothing is cached here: files change between runs of a long-lived host;
    a run caches per folder (:class:`rhetoric.check.session.CheckSession`).
    """
    if explicit is not None:
        return load_project_file(explicit.resolve())
    found = find_project_file(target if target.is_dir() else target.parent)
    return load_project_file(found) if found is not None else ProjectFile()


def load_project_file(path: Path) -> ProjectFile:
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
        import tomllib

        try:
            data: Any = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("rhetoric", {})
    else:
        import yaml  # only here: most runs read TOML or no configuration at all

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from None
        data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} must be a table of settings")
    return data


def _validate(path: Path, data: dict[str, Any]) -> ProjectFile:
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

    return ProjectFile(
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
        models=tuple(root / p for p in data.get("models", [])),
        plugin_timeout=data.get("plugin-timeout"),
    )


def _hint(key: str, known: Mapping[str, object] | tuple[str, ...]) -> str:
    return did_you_mean(key, known) or f" (known: {', '.join(known)})"


# --- the flags, and their one merge with the project file -----------------------

DEFAULT_FAIL_ON = "warning"


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The flags of one ``rhetoric check`` run, as given (``None``: not given, the
    project file or the default decides)."""

    paths: tuple[str, ...]
    input_format: Literal["auto", "text", "jsonl", "csv"] = "auto"
    split: Literal["document", "lines", "paragraphs"] = "document"
    id_field: str = "id"
    text_field: str = "text"
    output_format: str = "text"
    output: Path | None = None
    resume: bool = False
    jobs: int = 0
    progress: bool | None = None
    fail_on: str | None = None
    readability: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    rules: tuple[Path, ...] = ()
    builtin_rules: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    preview: bool = False
    plugins: tuple[str, ...] = ()
    plugin_dirs: tuple[Path, ...] = ()
    disable_plugins: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    models: tuple[Path, ...] = ()
    config: Path | None = None
    isolated: bool = False
    markup: str | None = None
    report_unused_suppressions: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    since: str | None = None
    plugin_timeout: float | None = None


# Seconds a plugin call may take (0: no budget), over the project file and the default;
# ``--plugin-timeout`` wins over it.
PLUGIN_TIMEOUT_ENV = "RHETORIC_PLUGIN_TIMEOUT"
DEFAULT_PLUGIN_TIMEOUT = AnalyzerConfig.__dataclass_fields__["plugin_timeout"].default


def plugin_timeout(given: float | None, project: float | None) -> float | None:
    """The plugin time budget of a run: ``given`` (the flag), else
    ``$RHETORIC_PLUGIN_TIMEOUT``, else the project file's ``plugin-timeout``, else the
    default; 0 means none (:attr:`AnalyzerConfig.plugin_timeout` ``None``).

    Why a switch: the budget is wall time, so on a loaded machine an overrun can drop
    a plugin's findings from one run and not the next. Runs that must be repeatable
    (byte-identity checks, CI) switch it off.

    :raises ConfigError: the variable is not a number of seconds.
    """
    if given is None:
        raw = os.environ.get(PLUGIN_TIMEOUT_ENV, "").strip()
        if raw:
            try:
                given = float(raw)
            except ValueError:
                given = math.nan
            if not _is_seconds(given):
                raise ConfigError(
                    f"${PLUGIN_TIMEOUT_ENV} must be a number of seconds, 0 for no time "
                    f"budget (got {raw!r})"
                )
    if given is None:
        given = project
    if given is None:
        return DEFAULT_PLUGIN_TIMEOUT  # type: ignore[no-any-return]
    if not _is_seconds(given):
        raise ConfigError(f"the plugin timeout must be a number of seconds >= 0 (got {given})")
    return float(given) or None


@dataclass(frozen=True, slots=True)
class PathOptions:
    """What applies to one checked path: its project file merged with the flags."""

    project: ProjectFile
    analyzer_config: AnalyzerConfig
    fail_on: Severity | None
    markup: str
    report_unused: bool
    ignored_ids: tuple[str, ...]
    excluded: bool

    @property
    def analyzer_key(self) -> str:
        """Equal for paths that can share one analyzer."""
        config = self.analyzer_config
        return json.dumps(
            [
                [str(p) for p in config.rule_paths], sorted(config.disabled_plugins),
                config.select, config.ignore, config.preview, sorted(config.allowlist),
                config.options, config.readability, config.thresholds.borderline,
                config.thresholds.flagged, config.plugins, [str(p) for p in config.plugin_dirs],
                [str(p) for p in config.models], config.plugin_timeout,
            ],
            default=str, sort_keys=True,
        )  # fmt: skip


def path_options(options: CheckOptions, project: ProjectFile, source: str) -> PathOptions:
    """The project file for ``source`` merged with the flags: the one place they meet.

    Flags win: ``--select``, ``--ignore``, ``--fail-on``, ``--markup`` replace the
    file's value when given; ``--preview`` and ``--report-unused-suppressions``
    switch on; ``--rules``, ``--plugin``, ``--plugins-dir``, ``--disable-plugin``,
    ``--allow`` and ``--model`` add to it.
    """
    target = Path.cwd() if source == STDIN else Path(source)
    disabled = disabled_plugins(
        (*project.disable_plugins, *options.disable_plugins), builtin_rules=options.builtin_rules
    )
    analyzer_config = AnalyzerConfig(
        rule_paths=(*project.rules, *options.rules),
        plugins=(*project.plugins, *options.plugins),
        plugin_dirs=(*project.plugin_dirs, *options.plugin_dirs),
        disabled_plugins=disabled,
        select=options.select or (project.select or ()),
        ignore=options.ignore or (project.ignore or ()),
        preview=bool(options.preview or project.preview),
        thresholds=options.thresholds,
        readability=options.readability,
        allowlist=frozenset(t.casefold() for t in (*project.allowlist, *options.allow)),
        options=project.plugin_options,
        models=tuple(dict.fromkeys((*project.models, *options.models))),
        plugin_timeout=plugin_timeout(options.plugin_timeout, project.plugin_timeout),
    )
    fail_on = options.fail_on or project.fail_on or DEFAULT_FAIL_ON
    relative = _relative(project.root, target) if source != STDIN else None
    return PathOptions(
        project=project,
        analyzer_config=analyzer_config,
        fail_on=None if fail_on == "never" else Severity(fail_on),
        markup=options.markup or project.markup or "auto",
        report_unused=options.report_unused_suppressions
        or bool(project.report_unused_suppressions),
        ignored_ids=tuple(
            i for glob, ids in project.per_file_ignores
            if relative is not None and glob_matches(glob, relative) for i in ids
        ),
        excluded=relative is not None and any(glob_matches(g, relative) for g in project.exclude),
    )  # fmt: skip


def _relative(root: Path, target: Path) -> str | None:
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


# --- globs ---------------------------------------------------------------------


@lru_cache(maxsize=256)
def _compile(glob: str) -> re.Pattern[str]:
    pattern = glob.strip("/") if "/" in glob.strip("/") else f"**/{glob.strip('/')}"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 1)) > i:
            out.append("[" + pattern[i + 1 : close].replace("!", "^", 1) + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    # A pattern naming a folder also covers everything below it.
    return re.compile("".join(out) + "(?:/.*)?")


def glob_matches(glob: str, relative_path: str) -> bool:
    """Whether ``relative_path`` (POSIX separators, no leading ``./``) matches ``glob``."""
    return _compile(glob).fullmatch(relative_path) is not None
