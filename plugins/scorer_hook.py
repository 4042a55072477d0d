"""The ``scorer`` entry point: the trained scorer (:mod:`rhetoric_plugins.scorer`),
imported only when a model is configured.

Why: the scorer's module (its feature code, model classes and the neural tagger's
inference) cost about 34 M instructions to import, 3% of ``rhetoric check`` on one
small file, and without a model (``--model``, ``models = [...]``) it registers
nothing. Disable it by its name, ``scorer``, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rhetoric import AnalyzerConfig, hookimpl


@hookimpl
def rhetoric_register_detectors(register: Callable[[Any], None], config: AnalyzerConfig) -> None:
    if not config.models:
        return
    from rhetoric_plugins import scorer

    scorer.rhetoric_register_detectors(register=register, config=config)
