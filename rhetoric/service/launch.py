"""From ``rhetoric serve``'s options to a running service, in one or many processes.

:class:`ServeOptions` is everything the command was told, as one frozen value and
without secrets (they come from the environment or from files, read by each
process). A multi-worker server hands it to its workers through the environment,
as JSON, and each worker builds the same service from it: no command-line parsing
in the workers, so the service never imports the command line.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..analyzer import Analyzer
from ..config import AnalyzerConfig, ConfigError, Thresholds
from ..policy import DEFAULT_POLICY, Policy
from .app import Service, create_app
from .settings import ServerOptions, ServiceSettings

OPTIONS_ENV = "RHETORIC_SERVE_OPTIONS"
_PATH_FIELDS = ("policy", "token_file", "coral_secret_file")
_ANALYZER_FIELDS = (
    "rule_paths", "plugins", "plugin_dirs", "disabled_plugins", "select", "ignore", "preview",
    "readability", "allowlist", "options", "regex_timeout", "fast_paths", "plugin_timeout",
    "plugin_strikes", "models",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """Everything ``rhetoric serve`` was told; file paths, never secrets."""

    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)
    server: ServerOptions = field(default_factory=ServerOptions)
    policy: Path | None = None
    token_file: Path | None = None
    coral_secret_file: Path | None = None
    coral_review_status: str = "SYSTEM_WITHHELD"
    max_body_bytes: int = 1 << 20
    max_batch: int = 100
    max_text_chars: int = 100_000
    body_timeout: float = 10.0
    live_page: bool = True

    def to_json(self) -> str:
        """This value as JSON, for a worker's environment."""
        analyzer = self.analyzer
        data = {
            name: _plain(getattr(self, name))
            for name in self.__dataclass_fields__
            if name not in ("analyzer", "server")
        }
        data["server"] = dataclasses.asdict(self.server)
        data["analyzer"] = {name: _plain(getattr(analyzer, name)) for name in _ANALYZER_FIELDS}
        data["analyzer"]["thresholds"] = dataclasses.asdict(analyzer.thresholds)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServeOptions:
        data = json.loads(text)
        raw = data.pop("analyzer")
        analyzer = AnalyzerConfig(
            rule_paths=tuple(Path(p) for p in raw["rule_paths"]),
            plugins=tuple(raw["plugins"]),
            plugin_dirs=tuple(Path(p) for p in raw["plugin_dirs"]),
            disabled_plugins=frozenset(raw["disabled_plugins"]),
            select=tuple(raw["select"]),
            ignore=tuple(raw["ignore"]),
            preview=raw["preview"],
            thresholds=Thresholds(**raw["thresholds"]),
            readability=tuple(raw["readability"]),
            allowlist=frozenset(raw["allowlist"]),
            options=raw["options"],
            regex_timeout=raw["regex_timeout"],
            fast_paths=raw["fast_paths"],
            plugin_timeout=raw["plugin_timeout"],
            plugin_strikes=raw["plugin_strikes"],
            models=tuple(Path(p) for p in raw.get("models", ())),
        )
        server = ServerOptions(**data.pop("server"))
        paths = {name: Path(data[name]) if data[name] else None for name in _PATH_FIELDS}
        return cls(analyzer=analyzer, server=server, **{**data, **paths})


def build_service(options: ServeOptions, analyzer: Analyzer | None = None) -> Service:
    """The service these options describe (secrets read from the environment and
    the secret files now).

    :raises ConfigError: a secret file is unreadable or empty, or a limit is invalid.
    :raises PolicyError: the policy file is invalid.
    """
    token, coral_secrets = ServiceSettings.secrets_from_environment()
    tokens = _secret_file(options.token_file, "token")
    if tokens:
        token = tokens[0]
    coral_secrets = tuple(_secret_file(options.coral_secret_file, "Coral secret")) or coral_secrets
    try:
        settings = ServiceSettings(
            max_body_bytes=options.max_body_bytes,
            max_batch=options.max_batch,
            max_text_chars=options.max_text_chars,
            body_timeout=options.body_timeout,
            token=token,
            coral_secrets=coral_secrets,
            coral_review_status=options.coral_review_status,
            live_page=options.live_page,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    policy_file = options.policy
    policy = Policy.load(policy_file) if policy_file else DEFAULT_POLICY
    loader: Callable[[], Policy] | None = (
        (lambda: Policy.load(policy_file)) if policy_file else None
    )
    return create_app(
        analyzer or Analyzer.from_config(options.analyzer),
        policy=policy,
        settings=settings,
        policy_loader=loader,
    )


def require_server() -> None:
    """Fail early, before anything is built, where the server extra is missing.

    :raises ImportError: saying which extra to install.
    """
    from . import server  # noqa: F401


def serve(options: ServeOptions, service: Service | None) -> None:
    """Serve until interrupted: ``service`` in this process, or as many workers as
    asked, each building its own from ``options`` (``service`` may then be None)."""
    from .server import run

    if options.server.workers > 1:
        os.environ[OPTIONS_ENV] = options.to_json()
        run(None, options.server, factory="rhetoric.service.launch:app_from_environment")
    else:
        run(service, options.server)


def app_from_environment() -> Service:
    """The service a worker process builds from its parent's options."""
    return build_service(ServeOptions.from_json(os.environ[OPTIONS_ENV]))


def _plain(value: object) -> object:
    """``value`` as JSON can hold it: paths as strings, sets sorted, tuples as lists."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _secret_file(path: Path | None, what: str) -> list[str]:
    if path is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what} file {path}: {exc}") from None
    values = [line.strip() for line in lines if line.strip()]
    if not values:
        raise ConfigError(f"{what} file {path} is empty")
    return values
