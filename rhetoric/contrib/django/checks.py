"""``manage.py check`` reports a broken ``settings.RHETORIC`` at start-up.

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
    return []
