"""The optional compiled core (``rhetoric/_core.c``), when this install has it.

The core is built into platform wheels by ``hatch_build.py``; a pure wheel, an
editable install or ``RHETORIC_NO_CORE=1`` runs the pure-Python code instead, which
is the reference the core must equal byte for byte (``tests/test_core.py``). A core
built for another version of this interface is not used.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

API = 7  # what rhetoric/_core.c's CORE_API must be


def load() -> ModuleType | None:
    """The ``rhetoric._core`` module, or None: not built, switched off, or stale."""
    if os.environ.get("RHETORIC_NO_CORE", "") not in ("", "0"):
        return None
    try:
        # By name, not ``from . import _core``: that reads as an import of the package
        # itself, which text/ and engine/ modules (imported by the package) now use.
        _core = importlib.import_module(f"{__package__}._core")
    except ImportError:
        return None
    if getattr(_core, "API", None) != API:
        return None
    return _core


core = load()
