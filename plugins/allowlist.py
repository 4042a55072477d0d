"""Drops hits whose text is on the configured allowlist (``--allow``, config).

Comparison is by case-folded, whitespace-collapsed text, so an allowed term is
allowed however it is capitalised.
"""

from __future__ import annotations

from rhetoric import AnalyzerConfig, Document, Hit, hookimpl


@hookimpl
def rhetoric_filter_hit(hit: Hit, doc: Document, config: AnalyzerConfig) -> bool | None:
    if not config.allowlist:
        return None
    text = " ".join(hit.text.casefold().split())
    return False if text in config.allowlist else None
