"""The YAML rule engine: load and validate rule files, compile them, match them."""

from .errors import RuleLoadError
from .loader import RuleSet, load_rule_paths

__all__ = ["RuleLoadError", "RuleSet", "load_rule_paths"]
