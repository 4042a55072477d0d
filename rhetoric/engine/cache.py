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
import time
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..pickling import PICKLED_FORM, cache_folder, load_private, store_private
from .specs import discover

# Every edit of a rule writes a new entry (1-2 MB for the built-in rules): the folder
# keeps the entries used most recently and drops the rest when it writes one.
KEEP = 16
_CODE_DIRS = ("engine", "text")
# A file changed this recently may change again unseen by its stat data (see _fingerprint).
SETTLE_S = 2
# The value types in the pickle and how they pickle: a new field changes the key.
_CODE_FILES = ("model.py", "document.py", "pickling.py")
# Keys remembered by fingerprint (:func:`cache_key`), beside the entries (not named
# *.pickle: pruning counts those as entries).
_KEYS = "keys.memo"


def cache_dir() -> Path | None:
    """Where compiled rules are kept, or None when caching is switched off."""
    return cache_folder()


def cache_key(paths: list[Path], options: tuple[Any, ...]) -> str:
    """The entry's key: a hash of the inputs' contents (:func:`content_key`).

    Why not always that hash: reading and hashing the engine's sources and ~200 rule
    files was 5% of a cold start. The key is remembered under a fingerprint of the
    same files' paths and ``stat`` data (size, inode, modification and change times,
    as git and make trust them), and read back while none of them changed.
    """
    folder = cache_dir()
    fingerprint = _fingerprint(paths, options) if folder is not None else None
    if fingerprint is None or folder is None:
        return content_key(paths, options)
    remembered = load_private(folder / _KEYS)
    if not isinstance(remembered, dict):
        remembered = {}
    key = remembered.get(fingerprint)
    if isinstance(key, str):
        return key
    key = content_key(paths, options)
    remembered[fingerprint] = key
    kept = dict(list(remembered.items())[-KEEP:])
    store_private(folder / _KEYS, kept)
    return key


def content_key(paths: list[Path], options: tuple[Any, ...]) -> str:
    """A hash of everything that could change the compiled rules: the version, the
    form its instances pickle in (through the core or not), the options, the engine's
    sources and each rule file's path and content."""
    digest = hashlib.sha256(f"{__version__}\0{PICKLED_FORM}\0{options!r}\0".encode())
    for source in _code_files():
        digest.update(source.read_bytes())
    for path in paths:
        # Resolved once, not file by file (40% of the key's time for ~200 files): the
        # files under it are then named by their real paths too, unless a link inside
        # the folder points elsewhere, and then the key names the link (content counts).
        rules, classes = discover(path.resolve())
        for file in sorted(rules + classes):
            digest.update(str(file).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def _code_files() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    files = [source for folder in _CODE_DIRS for source in sorted((package / folder).glob("*.py"))]
    return files + [package / name for name in _CODE_FILES]


class _Unsure(Exception):
    """The ``stat`` data cannot vouch for the content: hash the content instead."""


def _fingerprint(paths: list[Path], options: tuple[Any, ...]) -> str | None:
    """A hash of the names and ``stat`` data of every file :func:`content_key` could
    read (every entry under each rule folder, rule files or not), or None when they
    cannot vouch for the content: a rule folder holding a link to a folder (the walk
    does not follow it), something unreadable, or a file changed in the last
    :data:`SETTLE_S` seconds (a second edit of the same size within the clock's
    granularity would leave the same data, the "racy git" case)."""
    digest = hashlib.sha256(f"{__version__}\0{PICKLED_FORM}\0{options!r}\0".encode())
    newest = [0]
    try:
        for source in _code_files():
            _add(digest, str(source), os.stat(source), newest)
        for path in paths:
            root = os.path.realpath(path)
            if os.path.isdir(root):
                _walk(root, digest, newest)
            else:
                _add(digest, root, os.stat(root), newest)
    except (OSError, _Unsure):
        return None
    if time.time_ns() - newest[0] < SETTLE_S * 1_000_000_000:
        return None
    return digest.hexdigest()


def _walk(folder: str, digest: Any, newest: list[int]) -> None:
    """Add every entry under ``folder`` to ``digest``, in name order."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _add(digest, entry.path, entry.stat(follow_symlinks=False), newest)
            _walk(entry.path, digest, newest)
        elif entry.is_symlink() and entry.is_dir():
            raise _Unsure("a link to a folder")
        else:
            _add(digest, entry.path, entry.stat(), newest)


def _add(digest: Any, path: str, status: os.stat_result, newest: list[int]) -> None:
    newest[0] = max(newest[0], status.st_mtime_ns, status.st_ctime_ns)
    digest.update(
        f"{path}\0{status.st_size} {status.st_ino} {status.st_dev} "
        f"{status.st_mtime_ns} {status.st_ctime_ns}\0".encode()
    )


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
