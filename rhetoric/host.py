"""The plugin host: loads plugins (entry points, explicit modules, loose files)
and calls hooks one implementation at a time so a failing plugin costs only its
own contribution.

First-party plugins are found through the ``rhetoric`` entry-point group, exactly
like third-party ones; ``disabled`` switches any of them off by name. The
:data:`DEFAULT_PLUGINS` (the technique vocabulary) load even without entry points,
as pytest's built-in plugins do, unless disabled or replaced by a plugin of the
same name (a source checkout's ``plugins/`` folder, say).

A plugin that is too slow is contained by :class:`CallBudget`: Python cannot
stop a call running in a thread, so each call is timed, an over-budget call's
output is dropped, and a plugin that keeps overrunning is no longer called.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, MethodType, ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .entrypoints import EntryPoint, entry_points

ENTRY_POINT_GROUP = "rhetoric"
DEFAULT_PLUGINS = (("techniques", "rhetoric_plugins.techniques"),)


# What pluggy can take a hook implementation from (``_static_hook_attr``).
_HOOKABLE = (FunctionType, MethodType, staticmethod, classmethod)
_ABSENT = object()


class _Manager(pluggy.PluginManager):
    """pluggy's manager, answering at once for a plugin module's plain values.

    Why: ``register`` asks about every name in the module (its imports, constants and
    classes too), each through ``inspect.getattr_static``: some 400 look-ups per start
    for the built-in plugins. A module's own value that is no function or method can
    carry no hook implementation, and pluggy would find that same value.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if type(plugin) is ModuleType:
            value = vars(plugin).get(name, _ABSENT)
            if value is not _ABSENT and not isinstance(value, _HOOKABLE):
                return None
        return super().parse_hookimpl_opts(plugin, name)


class PluginLoadError(RuntimeError):
    """A plugin could not be loaded or registered; the message names it."""


class PluginTooSlow(RuntimeError):
    """A plugin call took longer than its budget, or the plugin was switched off
    for doing so; recorded in the report like any other plugin failure."""


class CallBudget:
    """Per-call time budget with strikes, shared by every thread using one analyzer.

    ``seconds`` is allowed per call plus as much again per million characters of
    comment (a plugin may be linear in the text). The strike counts are the only
    state that changes after an analyzer is built, hence the lock.
    """

    def __init__(self, seconds: float | None, strikes: int) -> None:
        self.seconds = seconds
        self.strikes = strikes
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def allowed(self, text_length: int) -> float | None:
        if self.seconds is None:
            return None
        return self.seconds * (1 + text_length / 1_000_000)

    def refusal(self, source: str) -> PluginTooSlow | None:
        """Why ``source`` must not be called any more, or None while it may be."""
        if not self._counts or self._counts.get(source, 0) < self.strikes:
            return None
        return PluginTooSlow(
            f"not called: switched off after {self.strikes} calls over its "
            f"{self.seconds}s budget; its results are missing"
        )

    @property
    def struck(self) -> bool:
        """Whether any call has overrun yet (until then no plugin can be refused)."""
        return bool(self._counts)

    def charge(self, source: str, elapsed: float, text_length: int) -> PluginTooSlow | None:
        """Record a finished call; an error when it overran (its output is void)."""
        limit = self.allowed(text_length)
        if limit is None or elapsed <= limit:
            return None
        with self._lock:
            count = self._counts[source] = self._counts.get(source, 0) + 1
        outcome = (
            "it is switched off from now on"
            if count >= self.strikes
            else f"overrun {count} of {self.strikes} before it is switched off"
        )
        return PluginTooSlow(
            f"call took {elapsed:.3f}s, over its {limit:.3f}s budget; its result is "
            f"dropped ({outcome})"
        )


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What ``rhetoric plugins`` shows about one loaded plugin."""

    name: str
    module: str
    origin: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "origin": self.origin,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
        }


# (plugin name, function, argument names, budget source name, only_when cues or None,
# only_when hits or 0)
_Call = tuple[str, Any, tuple[str, ...], str, "tuple[str, ...] | None", int]


class PluginHost:
    """A pluggy manager with rhetoric's hook specs and its loading rules."""

    def __init__(
        self,
        *,
        entry_point_plugins: bool = True,
        disabled: Iterable[str] = (),
        modules: Sequence[str] = (),
        plugin_dirs: Sequence[Path | str] = (),
        plugins: Sequence[object] = (),
    ) -> None:
        self.manager = _Manager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self._disabled = frozenset(disabled)
        # The entry point each entry-point plugin came from: its distribution's name and
        # version are read only when plugins are listed, a cost no check needs.
        self._entries: dict[str, EntryPoint] = {}
        # Per hook name, its implementations with what each call needs (budget source
        # name, declared cues), worked out on first call, not on every one: plugins are
        # all registered by the end of __init__ and never change afterwards.
        self._calls: dict[str, list[_Call]] = {}
        if entry_point_plugins:
            self._load_entry_points()
        for module_name in modules:
            self._register(self._import(module_name), module_name)
        for directory in plugin_dirs:
            for file in sorted(Path(directory).glob("[!_]*.py")):
                self._register(self._import_file(file), file.stem)
        for index, plugin in enumerate(plugins):
            name = getattr(plugin, "__name__", None) or f"plugin-{index}"
            self._register(plugin, name)
        for name, module_name in DEFAULT_PLUGINS:
            if name in self._disabled or self.manager.get_plugin(name) is not None:
                continue
            module = self._import(module_name)
            if not self.manager.is_registered(module):
                self._register(module, name)
        try:
            self.manager.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.manager.get_name(exc.plugin) or repr(exc.plugin)
            raise PluginLoadError(f"plugin '{name}' implements an unknown hook: {exc}") from None

    def _load_entry_points(self) -> None:
        seen: set[str] = set()
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            if entry.name in self._disabled or entry.name in seen:
                continue
            seen.add(entry.name)
            try:
                plugin = entry.load()
            except Exception as exc:
                raise PluginLoadError(
                    f"plugin '{entry.name}' ({entry.value}) failed to load: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
            self._entries[entry.name] = entry
            self._register(plugin, entry.name)

    def _import(self, module_name: str) -> ModuleType:
        try:
            return importlib.import_module(module_name)
        except Exception as exc:
            raise PluginLoadError(
                f"plugin module '{module_name}' failed to import: {type(exc).__name__}: {exc}"
            ) from None

    def _import_file(self, file: Path) -> ModuleType:
        import importlib.util  # only for loose plugin files, not at every start

        module_name = f"rhetoric_local_plugin_{file.stem}"
        spec = importlib.util.spec_from_file_location(module_name, file)
        if spec is None or spec.loader is None:
            raise PluginLoadError(f"plugin file '{file}' cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(module_name, None)
            raise PluginLoadError(
                f"plugin file '{file}' failed to import: {type(exc).__name__}: {exc}"
            ) from None
        return module

    def _register(self, plugin: object, name: str) -> None:
        if name in self._disabled:
            return
        if self.manager.get_plugin(name) is not None:
            raise PluginLoadError(f"two plugins are named '{name}'")
        try:
            self.manager.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginLoadError(f"plugin '{name}' is invalid: {exc}") from None
        own = [
            (caller.name, impl)
            for caller in self.manager.get_hookcallers(plugin) or ()
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin
        ]
        wrappers = sorted(hook for hook, impl in own if impl.wrapper or impl.hookwrapper)
        if wrappers:
            self.manager.unregister(plugin)
            raise PluginLoadError(
                f"plugin '{name}' implements {', '.join(wrappers)} as a wrapper "
                "(wrapper=True or hookwrapper=True), which rhetoric cannot honour: each "
                "implementation is called on its own, isolated and chained (see "
                "rhetoric.hookspecs); implement the hook without the wrapper option"
            )
        counted = sorted(
            hook
            for hook, impl in own
            if hook not in hookspecs.REPORT_HOOKS and hookspecs.min_hits_of(impl.function)
        )
        if counted:
            self.manager.unregister(plugin)
            raise PluginLoadError(
                f"plugin '{name}' declares only_when(hits=...) on {', '.join(counted)}, "
                "which receives no report to count hits in: it is honoured on "
                f"{' and '.join(sorted(hookspecs.REPORT_HOOKS))} only"
            )

    # --- calling hooks ----------------------------------------------------------

    def call_setup(self, hook_name: str, **kwargs: Any) -> None:
        """Call a set-up hook on every plugin; a failure is fatal and names the plugin."""
        for name, function, argnames in self.implementations(hook_name):
            try:
                function(**{a: kwargs[a] for a in argnames})
            except Exception as exc:
                raise PluginLoadError(
                    f"plugin '{name}' failed in {hook_name}: {type(exc).__name__}: {exc}"
                ) from exc

    def call_each(
        self,
        hook_name: str,
        *,
        budget: CallBudget | None = None,
        text_length: int = 0,
        arguments: dict[str, Any] | None = None,
        cue_text: str | None = None,
        count_hits: bool = False,
        **kwargs: Any,
    ) -> Iterator[tuple[str, Any, BaseException | None]]:
        """Call every implementation in pluggy's order, isolating failures.

        Yields ``(plugin_name, result, error)``; at most one of result/error is set.
        For chained hooks pass ``arguments`` (instead of keywords) and update it
        between yields: each implementation is called with its current values.
        With a ``budget``, a call that overran yields :class:`PluginTooSlow` instead
        of its result, and a plugin switched off by the budget is not called.
        With ``cue_text`` (the comment folded by ``hookspecs.fold_cues``), an
        implementation that declared ``only_when`` cues absent from it is skipped.
        With ``count_hits`` (report hooks), one that declared ``only_when(hits=N)``
        is skipped when the report it would receive has fewer than N hits.
        """
        calls = self._calls.get(hook_name)
        if calls is None:
            calls = self._calls[hook_name] = [
                (
                    name,
                    function,
                    argnames,
                    f"plugin:{name}",
                    hookspecs.cues_of(function),
                    hookspecs.min_hits_of(function),
                )
                for name, function, argnames in self.implementations(hook_name)
            ]
        values = kwargs if arguments is None else arguments
        # The limit depends only on the text: computed once, not once per plugin call.
        limit = budget.allowed(text_length) if budget is not None else None
        for name, function, argnames, source, cues, hits in calls:
            if budget is not None and (refusal := budget.refusal(source)):
                yield name, None, refusal
                continue
            if (
                cue_text is not None
                and cues is not None
                and not any(cue in cue_text for cue in cues)
            ):
                continue  # its cues are absent: it would leave everything as it is
            if count_hits and hits and len(values["report"].hits) < hits:
                continue  # too few hits for it to act on
            started = time.perf_counter()
            try:
                result = function(**{a: values[a] for a in argnames})
            except Exception as exc:
                result, error = None, exc
            else:
                error = None
            if limit is not None and budget is not None:
                elapsed = time.perf_counter() - started
                if elapsed > limit and (overrun := budget.charge(source, elapsed, text_length)):
                    result, error = None, overrun
            yield name, result, error

    def min_hits(self, hook_name: str) -> int:
        """The fewest hits a report needs for any implementation of a report hook to
        be called (``only_when(hits=N)``; 0 when some implementation takes every
        report, or there is none)."""
        floors = [hookspecs.min_hits_of(f) for _, f, _ in self.implementations(hook_name)]
        return min(floors, default=0)

    def has_implementations(self, hook_name: str) -> bool:
        return bool(getattr(self.manager.hook, hook_name).get_hookimpls())

    def implementations(self, hook_name: str) -> list[tuple[str, Any, tuple[str, ...]]]:
        """``(plugin_name, function, argnames)`` of a hook's implementations, in the
        order pluggy would call them (``tryfirst``/``trylast`` honoured; wrappers are
        refused at registration)."""
        caller = getattr(self.manager.hook, hook_name)
        return [
            (impl.plugin_name, impl.function, tuple(impl.argnames))
            for impl in reversed(caller.get_hookimpls())
        ]

    # --- introspection ----------------------------------------------------------

    def plugins(self) -> list[PluginInfo]:
        infos = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:
                continue
            module = getattr(plugin, "__name__", type(plugin).__module__)
            origin = getattr(plugin, "__file__", None) or "<object>"
            entry = self._entries.get(name)
            found = entry.dist if entry is not None else None
            dist = found.metadata["Name"] if found is not None else None
            version = found.version if found is not None else None
            hooks = tuple(sorted(h.name for h in self.manager.get_hookcallers(plugin) or ()))
            infos.append(PluginInfo(name, module, str(origin), dist, version, hooks))
        return sorted(infos, key=lambda p: p.name)

    def names(self) -> Mapping[str, object]:
        return dict(self.manager.list_name_plugin())
