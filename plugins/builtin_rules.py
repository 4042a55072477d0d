"""Registers the built-in YAML rule pack (``rules/`` in the source tree).

In an installed wheel the pack sits next to this module (``rhetoric_plugins/rules``);
in a source checkout it is the top-level ``rules/`` folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rhetoric import hookimpl


def rules_folder() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the built-in rule pack is missing (looked next to {here})")


@hookimpl
def rhetoric_register_rule_paths(register: Callable[[Path], None]) -> None:
    register(rules_folder())
