"""Pickles: value classes that unpickle cheaply, and the cache files (compiled
rules, compiled patterns) this program keeps between runs.

The compiled-rules cache holds some 35,000 slotted dataclass instances (trie nodes,
term and rule specs, template elements). A slotted dataclass pickles its state and
restores it in a generated ``__setstate__`` that calls ``dataclasses.fields`` for
every instance. Reduced to ``(class, field values)`` (:func:`pickled_by_constructor`),
an instance is rebuilt by a constructor instead, and the pickle is smaller. For a
frozen class that constructor is its :func:`thawed` twin: the frozen ``__init__``
stores each field through ``object.__setattr__`` (about 2,000 instructions each).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import collections
import contextlib
import copyreg
import dataclasses
import gc
import marshal
import os
import pickle
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields
from importlib import _bootstrap  # type: ignore[attr-defined]
from pathlib import Path, PosixPath, PurePosixPath, PureWindowsPath, WindowsPath
from re import _compiler as _re_compiler  # type: ignore[attr-defined]
from types import CodeType
from typing import Any, TypeVar

from ._coreload import core

T = TypeVar("T")


def pickled_by_constructor(cls: type[T]) -> type[T]:
    """Give a dataclass a ``__reduce__`` that passes its fields to its constructor.

    Only for dataclasses whose every field is an ``__init__`` argument and whose
    ``__post_init__``, if any, accepts what the instance already holds; the fields
    must not refer back to the instance (a constructor argument cannot).
    """
    items = fields(cls)  # type: ignore[arg-type]
    if not all(item.init for item in items):
        raise TypeError(f"{cls.__qualname__} has fields its constructor does not take")
    names = tuple(item.name for item in items)
    frozen = cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    # A twin has one class's slots: a subclass that inherits slotted fields (its own
    # ``__slots__`` holds only the new ones) is built by its constructor instead.
    own_slots = set(getattr(cls, "__slots__", ()))
    order = _slot_order(cls, names) if _core_build is not None else None
    if order is not None:

        def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return build, (cls, *[getattr(self, name) for name in order])

    elif frozen and not hasattr(cls, "__post_init__") and own_slots == set(names):

        def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return _twin_of(cls), tuple([getattr(self, name) for name in names])

    else:

        def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def _slot_order(cls: type, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The field names in the order of ``cls``'s slot members (the order :func:`build`
    takes values in), or None when ``cls`` is not for :func:`build`: it checks fields
    in ``__post_init__``, has a base class or members other than its fields' slots, or
    the core's build does not fill them as named (tried once, here)."""
    if cls.__bases__ != (object,) or hasattr(cls, "__post_init__"):
        return None
    order = tuple(name for name, value in vars(cls).items() if type(value) is _MemberType)
    if sorted(order) != sorted(names) or set(getattr(cls, "__slots__", ())) != set(names):
        return None
    marks = tuple(object() for _ in order)
    try:
        made = _core_build(cls, *marks)  # type: ignore[misc]
    except TypeError:
        return None
    if any(getattr(made, name) is not mark for name, mark in zip(order, marks, strict=True)):
        return None
    return order


def _python_build(cls: type[T], *values: Any) -> T:
    """:func:`build` without the compiled core (a pickle made by a process that had
    it): the class's :func:`thawed` twin, given the values by name."""
    order = _ORDERS.get(cls)
    if order is None:
        fields_ = tuple(item.name for item in fields(cls))  # type: ignore[arg-type]
        members = (name for name, value in vars(cls).items() if type(value) is _MemberType)
        order = _ORDERS[cls] = tuple(members) if cls.__bases__ == (object,) else fields_
    made: T = _twin_of(cls)(**dict(zip(order, values, strict=True)))
    return made


_MemberType = type(type("_Slotted", (), {"__slots__": ("x",)}).__dict__["x"])
_ORDERS: dict[type, tuple[str, ...]] = {}
# build(cls, *values): a slotted instance made from its slots' values, with no Python
# frame (rhetoric/_core.c), for the ~32,000 instances of the compiled-rules cache. Pickles
# name it here, so that a process without the core reads them through _python_build.
_core_build: Callable[..., Any] | None = getattr(core, "build", None)
build: Callable[..., Any] = _core_build if _core_build is not None else _python_build
if _core_build is not None:
    _core_build.__module__ = __name__
# Part of the compiled-rules cache key: an entry written without the core (its instances
# reduced to their constructors) is not read by a process that has it, and the other
# way round, so each reads the form that is fastest for it.
PICKLED_FORM = "build" if _core_build is not None else "constructors"


_Frozen = TypeVar("_Frozen")
_TWINS: dict[type, Callable[..., Any]] = {}


class _TwinType(type):
    """The type of :func:`thawed` twins. A twin exists only in the process that made
    it, so pickle names it by the frozen class it stands for (``copyreg`` below), and
    an instance pickled through its twin unpickles as one call of the twin."""

    stands_for: type


def _twin_of(cls: type[_Frozen]) -> Callable[..., _Frozen]:
    """The :func:`thawed` twin of ``cls``, made once per process."""
    make = _TWINS.get(cls)
    if make is None:
        make = _TWINS[cls] = thawed(cls)
    return make


copyreg.pickle(_TwinType, lambda twin: (_twin_of, (twin.stands_for,)))


# What a default_factory parameter's default is: "not given" (dataclasses' own marker).
_FACTORY = type("_Factory", (), {"__repr__": lambda self: "<factory>"})()


def thawed(cls: type[_Frozen]) -> Callable[..., _Frozen]:
    """A constructor for the frozen, slotted dataclass ``cls`` that takes what ``cls``
    takes and returns an equal ``cls`` instance, without the frozen ``__init__``'s
    ``object.__setattr__`` per field (about 2,000 instructions each): a twin class of
    the same slots, not frozen, whose ``__init__`` stores the fields and then makes the
    instance a ``cls`` by assigning ``__class__`` (CPython allows it between classes of
    one layout). For the value types built once or more per comment, and for
    unpickling the compiled rules' frozen specs (some 19,000 per start).

    The twin is not itself a dataclass: ``@dataclass`` costs about 0.7 M instructions
    per class, and its ``__init__`` would call a ``__post_init__`` for ``__class__``,
    a second Python call per instance. Its one ``__init__`` is generated as
    ``dataclasses`` generates methods, and compiled once across runs inside
    :func:`dataclass_code_kept`.
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} checks its fields in __post_init__: build it directly")
    scope: dict[str, Any] = {"__builtins__": {}, "__cls": cls, "__factory": _FACTORY}
    params, body = [], []
    for item in fields(cls):  # type: ignore[arg-type]
        name = item.name
        if not item.init or name == "self" or name.startswith("__"):
            raise TypeError(f"{cls.__name__}: field {name!r} cannot be a parameter")
        if item.default_factory is not dataclasses.MISSING:
            scope[f"__make_{name}"] = item.default_factory
            params.append(f"{name}=__factory")
            body.append(f"    self.{name} = __make_{name}() if {name} is __factory else {name}")
            continue
        if item.default is not dataclasses.MISSING:
            scope[f"__default_{name}"] = item.default
            params.append(f"{name}=__default_{name}")
        else:
            params.append(name)
        body.append(f"    self.{name} = {name}")
    source = "\n".join(
        [f"def __init__(self, {', '.join(params)}):", *body, "    self.__class__ = __cls\n"]
    )
    # dataclasses' exec while dataclass_code_kept is active: compiled once across runs
    run = vars(dataclasses).get("exec", exec)
    run(source, scope)
    slots = cls.__slots__  # type: ignore[attr-defined]
    namespace = {"__slots__": slots, "__init__": scope["__init__"], "__module__": __name__}
    twin = _TwinType(f"_Open{cls.__name__}", (), namespace)
    twin.stands_for = cls
    return twin


# --- the pickles this program keeps between runs ------------------------------------

ENV_DIR = "RHETORIC_CACHE_DIR"
ENV_OFF = "RHETORIC_NO_CACHE"


def cache_folder() -> Path | None:
    """Where compiled rules and patterns are kept, or None when caching is off."""
    if os.environ.get(ENV_OFF):
        return None
    if configured := os.environ.get(ENV_DIR):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rhetoric"


def trusted(status: os.stat_result) -> bool:
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


def load_private(path: Path) -> Any | None:
    """The value pickled in ``path``, or None when it is missing, unreadable or not
    trusted (:func:`trusted`): unpickling runs code chosen by whoever wrote the file.

    The cyclic collector is paused meanwhile: a compiled-rules entry is some 80,000
    new objects, and each collection their creation triggers walks all of them again
    (a fifth of the load's instructions); nothing in the file is garbage.
    """
    enabled = gc.isenabled()
    try:
        with path.open("rb") as handle:
            if not trusted(os.fstat(handle.fileno())):
                return None
            gc.disable()
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()


def store_private(path: Path, value: Any, dump: Callable[[Any, Any], None] | None = None) -> bool:
    """Pickle ``value`` into ``path`` atomically, in a private folder and file (0700,
    0600); False when it cannot be written, which is never an error. ``dump(value,
    handle)`` writes another format instead."""
    import tempfile  # only when something is written

    if dump is None:
        dump = _pickle_dump
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            dump(value, handle)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, ValueError):
        Path(temporary).unlink(missing_ok=True)
        return False
    return True


def parsed_once(
    path: Path, kept_name: str, parse: Callable[[bytes], T], valid: Callable[[Any], bool]
) -> T:
    """``parse(path's bytes)``, through :func:`made_once`. Why: the package's TOML data
    files are parsed at every start, and ``tomllib`` is pure Python: importing it cost
    about 9 M instructions of a cold start (1.5%), and parsing them more."""
    return made_once(path.read_bytes(), kept_name, parse, valid)


def made_once(
    data: bytes, kept_name: str, make: Callable[[bytes], T], valid: Callable[[Any], bool]
) -> T:
    """``make(data)``, kept in the private cache folder as ``kept_name`` under the SHA-256
    of ``data`` and read back while it is unchanged: what start-up derives from a data
    file (parsed tables, word-list candidates) is worked out once per content.
    ``valid(value)`` vets what the kept file holds (besides :func:`load_private`'s trust
    rules); anything else means making it again."""
    import hashlib

    digest = hashlib.sha256(kept_name.encode() + b"\0" + data).hexdigest()
    folder = cache_folder()
    kept = load_private(folder / kept_name) if folder is not None else None
    if type(kept) is tuple and len(kept) == 2 and kept[0] == digest and valid(kept[1]):
        value: T = kept[1]
        return value
    value = make(data)
    if folder is not None:
        store_private(folder / kept_name, (digest, value))
    return value


def _pickle_dump(value: Any, handle: Any) -> None:
    _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)


class _Pickler(pickle.Pickler):
    """Paths pickled as one string. Why: a path pickles as its parts, and
    ``PosixPath(*parts)`` parses each part again: about 23,000 instructions for each of
    the ~200 rule paths in the compiled rules, twice what ``PosixPath(text)`` costs."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PATHS:
            return kind, (str(obj),)
        return NotImplemented


_PATHS = frozenset({PurePosixPath, PureWindowsPath, PosixPath, WindowsPath})


# --- dataclasses' generated methods, compiled once ------------------------------------

# The compiled code objects by their exact source; marshal's format changes with the
# interpreter, so the file is per interpreter build.
_CODE_NAME = f"code-{sys.implementation.cache_tag}-{sys.hexversion:x}.marshal"
MAX_KEPT_CODE = 2000
# namedtuple's ``eval`` texts are kept under this prefix (a ``lambda`` expression, not
# statements: the compile mode differs).
_EVAL = "eval\0"
_codes: dict[str, CodeType] | None = None  # read once per process
_codes_read = 0  # how many of them came from the file


@contextlib.contextmanager
def dataclass_code_kept() -> Iterator[None]:
    """Within this block, dataclasses compile no generated method twice across runs.

    Why: ``@dataclass`` writes each class's ``__init__``, ``__eq__``, ``__hash__`` and
    the rest as source text and ``exec``s it; for the package's ~80 dataclasses the
    parser and compiler were a fifth of a cold start's instructions. The code objects
    are kept in the private cache folder (:func:`load_private`'s trust rules), looked
    up by the exact text ``dataclasses`` generated and compiled as ``exec`` would, so a
    class is the same either way. ``collections.namedtuple`` ``eval``s a ``lambda``
    text for each class the same way, and is served from the same file. Nothing is
    kept when caching is off; the outermost block writes the file, and only when it
    compiled something new. The standard library's ``re`` patterns compiled in the
    block are kept too (:class:`_StdlibPatterns`).
    """
    folder = cache_folder()
    if folder is None or "exec" in vars(dataclasses):  # off, or an enclosing block
        yield
        return
    codes = _read_codes(folder)

    def exec_kept(source: Any, scope: Any = None, names: Any = None, /) -> None:
        if type(source) is str:
            code = codes.get(source)
            if code is None:  # as ``exec`` compiles it from dataclasses (no __future__)
                code = codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            source = code
        exec(source, scope, names)

    def eval_kept(source: Any, scope: Any = None, names: Any = None, /) -> Any:
        if type(source) is str:
            key = _EVAL + source
            code = codes.get(key)
            if code is None:  # as ``eval`` compiles it from collections (no __future__)
                code = codes[key] = compile(source, "<string>", "eval", dont_inherit=True)
            source = code
        return eval(source, scope, names)

    dataclasses.exec = exec_kept  # type: ignore[attr-defined]
    collections.eval = eval_kept  # type: ignore[attr-defined]
    global _stdlib_patterns
    real_compile = _re_compiler.compile
    if _stdlib_patterns is None or _stdlib_patterns.folder != folder:  # read once
        _stdlib_patterns = _StdlibPatterns(folder, real_compile)
    _re_compiler.compile = _stdlib_patterns
    try:
        yield
    finally:
        vars(dataclasses).pop("exec", None)
        vars(collections).pop("eval", None)
        kept_patterns, _re_compiler.compile = _re_compiler.compile, real_compile
        _keep_codes(folder, codes)
        kept_patterns.keep()


def _read_marshalled(path: Path) -> Any:
    """What the user's own marshal file ``path`` holds (:func:`trusted`), or None."""
    try:
        with path.open("rb") as handle:
            trusty = trusted(os.fstat(handle.fileno()))
            # loads, not load: marshal.load reads a file a few bytes at a time
            return marshal.loads(handle.read()) if trusty else None
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _read_codes(folder: Path) -> dict[str, CodeType]:
    global _codes, _codes_read
    if _codes is None:
        _codes = {}
        kept = _read_marshalled(folder / _CODE_NAME)
        if isinstance(kept, dict):
            _codes = {k: v for k, v in kept.items() if type(k) is str and type(v) is CodeType}
        _codes_read = len(_codes)
    return _codes


def _keep_codes(folder: Path, codes: dict[str, CodeType]) -> None:
    global _codes_read
    if len(codes) == _codes_read:
        return
    if len(codes) > MAX_KEPT_CODE:  # classes made on the fly: start over with the newest
        for source in list(codes)[: len(codes) - MAX_KEPT_CODE]:
            del codes[source]
    if store_private(folder / _CODE_NAME, dict(codes), marshal.dump):
        _codes_read = len(codes)


# --- the standard library's re patterns, compiled once ---------------------------------

_stdlib_patterns: _StdlibPatterns | None = None  # read once per process
_PATTERNS_NAME = f"re-{sys.implementation.cache_tag}-{sys.hexversion:x}.marshal"
_SRE_ERRORS = (RuntimeError, TypeError, ValueError, OverflowError, IndexError)


class _StdlibPatterns:
    """``re._compiler.compile`` within :func:`dataclass_code_kept`: a pattern string
    compiled in an earlier run is rebuilt from the arguments its compile passed to
    ``_sre.compile`` (the C constructor; it validates the code it is given), kept in the
    private cache folder. Why: the standard library and the package compile some 75
    ``re`` patterns at every start (json, tomllib, yaml, the modules' own), and ``re``'s
    parser and compiler are Python: about 40 M instructions, 6% of a cold start. Only
    what module code compiles while it is imported is kept (:func:`_importing`). The
    file is per interpreter build (the code format is ``_sre``'s)."""

    def __init__(self, folder: Path, real: Callable[..., Any]) -> None:
        self.folder, self.real = folder, real
        kept = _read_marshalled(folder / _PATTERNS_NAME)
        self.kept: dict[tuple[Any, int], tuple[Any, ...]] = {}
        if isinstance(kept, dict):
            self.kept = {
                key: args
                for key, args in kept.items()
                if type(key) is tuple and len(key) == 2 and type(args) is tuple
                and len(args) == 6 and args[0] == key[0] and type(args[0]) is type(key[0])
            }  # fmt: skip
        self.read = len(self.kept)

    def __call__(self, pattern: Any, flags: int = 0) -> Any:
        kind = type(pattern)
        if (kind is not str and kind is not bytes) or type(flags) is not int or flags & re.DEBUG:
            return self.real(pattern, flags)
        key = (pattern, flags)
        args = self.kept.get(key)
        if args is not None:
            with contextlib.suppress(*_SRE_ERRORS):
                return _sre.compile(*args)
        if not _importing():  # a comment's own pattern (a word list's mask): not kept
            return self.real(pattern, flags)
        seen: list[tuple[Any, ...]] = []
        _re_compiler._sre = _Recorded(seen)
        try:
            compiled = self.real(pattern, flags)
        finally:
            _re_compiler._sre = _sre
        if len(seen) == 1:
            self.kept[key] = seen[0]
        return compiled

    def keep(self) -> None:
        """Write the file when this run compiled a pattern it lacked."""
        if len(self.kept) == self.read:
            return
        if len(self.kept) > MAX_KEPT_CODE:  # patterns made on the fly: keep the newest
            self.kept = dict(list(self.kept.items())[-MAX_KEPT_CODE:])
        if store_private(self.folder / _PATTERNS_NAME, dict(self.kept), marshal.dump):
            self.read = len(self.kept)


def _importing() -> bool:
    """Whether a module's code is running (importlib runs it through this frame)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _RUN_MODULE_CODE:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


_RUN_MODULE_CODE = getattr(_bootstrap, "_call_with_frames_removed", _importing).__code__


class _Recorded:
    """``_sre`` for one compile: records the arguments of its ``compile`` call."""

    def __init__(self, seen: list[tuple[Any, ...]]) -> None:
        self.seen = seen

    def __getattr__(self, name: str) -> Any:
        return getattr(_sre, name)

    def compile(self, *args: Any) -> Any:
        # the code's opcodes are int subclasses (named constants): kept as plain ints
        pattern, flags, code, *rest = args
        self.seen.append((pattern, flags, [int(item) for item in code], *rest))
        return _sre.compile(*args)
