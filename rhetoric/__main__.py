"""``python -m rhetoric`` is the ``rhetoric`` command (the collector paused as
``rhetoric_start`` pauses it, here from after the package's own ``__init__``)."""

import gc

_collector_off = gc.isenabled()
gc.disable()

from .cli import run  # noqa: E402  (after the pause, which is the point)

run(collector_off=_collector_off)
