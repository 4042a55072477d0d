"""``manage.py check`` reports a broken ``settings.RHETORIC`` at start-up: settings
that do not read (E001), and settings that read but describe a moderator that cannot
be built (E002: an unknown technique or rule id, a broken rule file or plugin).

Comment posting survives a broken setting (every comment gets the ``on_error``
action), so without this check the mistake would only show in the logs.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import conf


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        conf.load()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="See the 'Use with Django' section of rhetoric's README.",
                id="rhetoric_django.E001",
            )
        ]
    # The settings read well: now build what they describe (rules, plugins, policy),
    # so an unknown id, a broken rule file or plugin shows here, not at the first comment.
    from rhetoric import PluginLoadError, PolicyError, RuleLoadError
    from rhetoric.config import ConfigError

    from .moderation import build

    try:
        build()
    except (ImproperlyConfigured, PolicyError, ConfigError, RuleLoadError, PluginLoadError) as exc:
        return [
            checks.Error(
                f"rhetoric cannot build its moderator: {exc}",
                hint="Fix the rule files, plugins or ids that settings.RHETORIC names.",
                id="rhetoric_django.E002",
            )
        ]
    return []
