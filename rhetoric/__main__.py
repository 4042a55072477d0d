"""``python -m rhetoric`` is the ``rhetoric`` command."""

from .cli import run

run()
