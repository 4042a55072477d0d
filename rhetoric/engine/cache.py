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
import pickle
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from .specs import discover

ENV_DIR = "RHETORIC_CACHE_DIR"
ENV_OFF = "RHETORIC_NO_CACHE"
# Every edit of a rule writes a new entry (1-2 MB for the built-in rules): the folder
# keeps the entries used most recently and drops the rest when it writes one.
KEEP = 16
_CODE_DIRS = ("engine", "text")
# The value types in the pickle and how they pickle: a new field changes the key.
_CODE_FILES = ("model.py", "document.py", "pickling.py")


def cache_dir() -> Path | None:
    """Where compiled rules are kept, or None when caching is switched off."""
    if os.environ.get(ENV_OFF):
        return None
    if configured := os.environ.get(ENV_DIR):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rhetoric"


def cache_key(paths: list[Path], options: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(f"{__version__}\0{options!r}\0".encode())
    package = Path(__file__).resolve().parents[1]
    for folder in _CODE_DIRS:
        for source in sorted((package / folder).glob("*.py")):
            digest.update(source.read_bytes())
    for name in _CODE_FILES:
        digest.update((package / name).read_bytes())
    for path in paths:
        rules, classes = discover(path)
        for file in sorted(rules + classes):
            digest.update(str(file.resolve()).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def load(key: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{key}.pickle").open("rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    with contextlib.suppress(OSError):  # used now: the last entry pruning would drop
        os.utime(folder / f"{key}.pickle")
    return value


def _trusted(status: os.stat_result) -> bool:
    """Whether a cache file is the current user's and writable by nobody else.

    Checked on the open handle, so the file cannot be swapped after the check.
    Where there are no user ids (Windows) the folder's place in the user's
    profile is the protection.
    """
    getuid = getattr(os, "geteuid", None)
    if getuid is None:
        return True
    others_can_write = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return status.st_uid == getuid() and not others_can_write


def store(key: str, value: Any) -> None:
    """Write atomically; a cache that cannot be written is not an error."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        Path(temporary).unlink(missing_ok=True)
        return
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
