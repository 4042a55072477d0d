"""The YAML rule engine: load and validate rule files, compile them, match them.

The YAML loader is imported on first use: a start-up served by the compiled-rules
cache never needs it (or the YAML parser).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import RuleLoadError
from .specs import RuleSet

if TYPE_CHECKING:
    from .loader import load_rule_paths

__all__ = ["RuleLoadError", "RuleSet", "load_rule_paths"]


def __getattr__(name: str) -> Any:
    if name == "load_rule_paths":
        from .loader import load_rule_paths

        return load_rule_paths
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
