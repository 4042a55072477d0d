"""Module-level ``regex`` patterns, compiled once and kept between runs.

The ``regex`` module parses and compiles a pattern in Python: the sixty-odd patterns
the text layer and the first-party plugins compile when they are imported cost
about 190 M instructions, an eighth of a cold start (``rhetoric check`` on one small
file), while unpickling a compiled pattern is some seventy times cheaper. So
:func:`compiled` serves them from a small pickle kept beside the compiled-rules
cache, keyed by the exact ``(pattern, flags)``, and compiles only what it lacks;
:func:`keep` writes the file again once a run had to compile something.

The file is read and written as the compiled-rules cache is (``rhetoric.pickling``):
the same folder and switch (``RHETORIC_CACHE_DIR``, ``RHETORIC_NO_CACHE``), read
only when the current user owns it and nobody else may write to it, and any
failure just means compiling as before. Its name carries the versions of Python
and ``regex``, whose compiled form it holds. It is used while the package is still
being imported, so it imports nothing of the package but ``rhetoric.pickling``.
"""

from __future__ import annotations

import sys

import regex

from ..pickling import cache_folder, load_private, store_private

# Beyond this many kept patterns (edits of the sources leave old ones behind), the
# file is written again with only the patterns of the run that writes it.
MAX_KEPT = 400
_NAME = "regex-{py}-{version}.patterns".format(
    py="{}.{}".format(*sys.version_info[:2]), version=getattr(regex, "__version__", "0")
)

_kept: dict[tuple[str, int], regex.Pattern[str]] | None = None
_used: dict[tuple[str, int], regex.Pattern[str]] = {}
_missed = False


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags)``, from the kept file when it holds it."""
    global _kept, _missed
    if _kept is None:
        _kept = _read()
    key = (pattern, flags)
    found = _kept.get(key)
    if found is None:
        found = regex.compile(pattern, flags)
        _missed = True
    _used[key] = found
    return found


def keep() -> None:
    """Write the kept file when this run compiled a pattern it lacked (the analyzer
    calls it once its plugins are imported); a file that cannot be written is no
    error."""
    global _missed, _kept
    folder = cache_folder()
    if not _missed or folder is None:
        return
    _missed = False
    merged = {**(_kept or {}), **_used}
    if len(merged) > MAX_KEPT:
        merged = dict(_used)
    _kept = merged
    store_private(folder / _NAME, merged)


def _read() -> dict[tuple[str, int], regex.Pattern[str]]:
    folder = cache_folder()
    kept = load_private(folder / _NAME) if folder is not None else None
    if not isinstance(kept, dict):
        return {}
    return {
        key: value
        for key, value in kept.items()
        if isinstance(value, regex.Pattern) and isinstance(key, tuple) and value.pattern == key[0]
    }
