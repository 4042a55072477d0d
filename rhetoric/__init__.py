"""rhetoric: find rhetoric and propaganda techniques in user comments.

The public API is exactly what ``__all__`` lists, plus the hook specifications in
:mod:`rhetoric.hookspecs`. Everything else is internal and may change.

    >>> from rhetoric import Analyzer
    >>> analyzer = Analyzer.from_config()
    >>> report = analyzer.check("Those parasites on the council want your money.")
"""

from typing import TYPE_CHECKING, Any

from .__about__ import __version__
from .pickling import dataclass_code_kept

# The package's dataclasses compile their generated methods once, not at every start.
with dataclass_code_kept():
    from .analyzer import Analysis, Analyzer, Detection, Screen
    from .config import AnalyzerConfig, ConfigError, Thresholds
    from .document import Detector, Document
    from .engine.errors import RuleLoadError
    from .hookspecs import hookimpl, only_when
    from .host import PluginLoadError
    from .model import (
        GROUPS,
        Comment,
        DetectorError,
        Example,
        Hit,
        Report,
        RuleInfo,
        Severity,
        Target,
        TargetKind,
        Verdict,
        replace_hit,
    )
    from .scoring import rescored
    from .techniques import Technique
    from .text import PreparedText, Token, prepare

if TYPE_CHECKING:
    from .moderation import Moderator
    from .policy import (
        DEFAULT_POLICY,
        Action,
        Condition,
        Decision,
        Policy,
        PolicyError,
        PolicyRule,
    )

# Imported on first use (PEP 562): a check never moderates, and importing the policy
# language and the moderator cost about 2% of a cold start.
_POLICY_NAMES = ("DEFAULT_POLICY", "Action", "Condition", "Decision", "Policy", "PolicyError")
_LAZY = {"Moderator": "moderation", "PolicyRule": "policy"}
_LAZY.update(dict.fromkeys(_POLICY_NAMES, "policy"))


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_POLICY",
    "GROUPS",
    "Action",
    "Analysis",
    "Analyzer",
    "AnalyzerConfig",
    "Comment",
    "Condition",
    "ConfigError",
    "Decision",
    "Detection",
    "Detector",
    "DetectorError",
    "Document",
    "Example",
    "Hit",
    "Moderator",
    "PluginLoadError",
    "Policy",
    "PolicyError",
    "PolicyRule",
    "PreparedText",
    "Report",
    "RuleInfo",
    "RuleLoadError",
    "Screen",
    "Severity",
    "Target",
    "TargetKind",
    "Technique",
    "Thresholds",
    "Token",
    "Verdict",
    "__version__",
    "hookimpl",
    "only_when",
    "prepare",
    "replace_hit",
    "rescored",
]
