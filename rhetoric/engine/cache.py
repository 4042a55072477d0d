"""A cache of compiled rules, keyed by everything that could change them.

Parsing YAML and compiling a few thousand terms costs tens of milliseconds: too
much for a pre-commit hook that checks one small file. The compiled form is
pickled into the user's cache folder under a key made of the rule files' paths
(the folder names a rule's technique) and contents, the engine's own source, the
module defining the pickled rule metadata and the options that shape compilation,
so any change to any of them simply misses the cache. The cache only ever holds
what this program wrote; a file that fails to load is ignored and rebuilt. Each rule
edit makes a new entry, so the folder keeps only the entries used most recently.

Unpickling runs code chosen by whoever wrote the file, so the cache is trusted
exactly as far as the user's own files are: a cache file is read only when the
current user owns it and nobody else may write to it (the check NLTK makes for
its downloads), and the folder is created private (0700).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..pickling import cache_folder, load_private, store_private
from .specs import discover

# Every edit of a rule writes a new entry (1-2 MB for the built-in rules): the folder
# keeps the entries used most recently and drops the rest when it writes one.
KEEP = 16
_CODE_DIRS = ("engine", "text")
# The value types in the pickle and how they pickle: a new field changes the key.
_CODE_FILES = ("model.py", "document.py", "pickling.py")


def cache_dir() -> Path | None:
    """Where compiled rules are kept, or None when caching is switched off."""
    return cache_folder()


def cache_key(paths: list[Path], options: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(f"{__version__}\0{options!r}\0".encode())
    package = Path(__file__).resolve().parents[1]
    for folder in _CODE_DIRS:
        for source in sorted((package / folder).glob("*.py")):
            digest.update(source.read_bytes())
    for name in _CODE_FILES:
        digest.update((package / name).read_bytes())
    for path in paths:
        # Resolved once, not file by file (40% of the key's time for ~200 files): the
        # files under it are then named by their real paths too, unless a link inside
        # the folder points elsewhere, and then the key names the link (content counts).
        rules, classes = discover(path.resolve())
        for file in sorted(rules + classes):
            digest.update(str(file).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def load(key: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    value = load_private(folder / f"{key}.pickle")
    if value is not None:
        with contextlib.suppress(OSError):  # used now: the last entry pruning would drop
            os.utime(folder / f"{key}.pickle")
    return value


def store(key: str, value: Any) -> None:
    """Write atomically; a cache that cannot be written is not an error."""
    folder = cache_dir()
    if folder is not None and store_private(folder / f"{key}.pickle", value):
        _prune(folder)


def _prune(folder: Path) -> None:
    """Drop all but the ``KEEP`` most recently used entries (loads touch theirs)."""
    try:
        entries = sorted(
            ((entry.stat().st_mtime, entry) for entry in folder.glob("*.pickle")), reverse=True
        )
        for _, entry in entries[KEEP:]:
            entry.unlink(missing_ok=True)
    except OSError:
        return
