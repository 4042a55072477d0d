"""One module per ``rhetoric`` command, each ``run(args, out) -> exit code``;
:mod:`rhetoric.cli` holds only the parser and the dispatch.

What every command shares lives here: the exit codes, the error a user can fix,
and the one way to build an analyzer from the analyzer flags.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..analyzer import Analyzer
from ..config import AnalyzerConfig, disabled_plugins
from ..selection import unknown_id_problem

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# What finished commands leave for the process exit to drop, when the console script
# ends the process without freeing it (:func:`rhetoric.cli.run`); None (in-process
# callers, tests) keeps nothing.
retained: list[object] | None = None


def retain(value: object) -> None:
    """Keep ``value`` alive until the process ends, when the console script runs."""
    if retained is not None:
        retained.append(value)


# Whether collector_paused has the collector off now (forked children read it), whether
# its fork hook is registered (once per process), and whether the console script's pause
# was handed over to the next collector_paused (adopt_paused_collector).
_paused = False
_hooked = False
_adopted = False


def _enable_in_child() -> None:
    global _paused
    if _paused:  # a worker forked mid-start checks comments for a long time
        _paused = False
        gc.enable()


def _hook_fork() -> None:
    global _hooked
    if not _hooked and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_enable_in_child)
        _hooked = True


def adopt_paused_collector() -> None:
    """Make the collector the console script switched off before the package's imports
    (``rhetoric_start``) the next :func:`collector_paused` block's own, so that the
    block's end (or its ``resume``) switches it on again, as if the block had paused it.
    """
    global _paused, _adopted
    if not gc.isenabled():
        _hook_fork()
        _paused = _adopted = True


@contextlib.contextmanager
def collector_paused() -> Iterator[Callable[[], None]]:
    """The cyclic collector off until the block ends or it calls the ``resume`` given.

    Why: a check builds its analyzer (plugins, some 100,000 unpickled objects) and
    then freezes it out of the collector's sight (``gc.freeze``); every collection
    before that walks objects that live until the exit anyway, about 3% of a cold
    start. A process forked meanwhile (``--jobs``) gets its collector back at once.
    """
    global _paused, _adopted
    adopted, _adopted = _adopted, False
    if not gc.isenabled() and not adopted:  # someone else's choice: leave it alone
        yield lambda: None
        return
    _hook_fork()

    def resume() -> None:
        global _paused
        if _paused:
            _paused = False
            gc.enable()

    gc.disable()
    _paused = True
    try:
        yield resume
    finally:
        resume()


class UsageError(Exception):
    """A command-line mistake the user can fix; printed without a traceback."""


def analyzer_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The analyzer flags as :class:`~rhetoric.check.options.CheckOptions` fields, for
    the commands that merge them with the configuration file (``check``, ``eval``)."""
    return {
        "rules": tuple(Path(p) for p in args.rules),
        "builtin_rules": not args.no_builtin_rules,
        "select": tuple(args.select),
        "ignore": tuple(args.ignore),
        "preview": args.preview,
        "plugins": tuple(args.plugin),
        "plugin_dirs": tuple(Path(p) for p in args.plugins_dir),
        "disable_plugins": tuple(args.disable_plugin),
        "allow": tuple(args.allow),
        "models": tuple(Path(p) for p in args.models),
        "plugin_timeout": args.plugin_timeout,
    }


def analyzer_config(args: argparse.Namespace, **overrides: object) -> AnalyzerConfig:
    """The analyzer the analyzer flags (``--rules``, ``--select``, ``--model``...) ask for."""
    from ..check.options import plugin_timeout  # deferred: this module serves every command

    values: dict[str, object] = {
        "rule_paths": tuple(Path(p) for p in args.rules),
        "plugins": tuple(args.plugin),
        "plugin_dirs": tuple(Path(p) for p in args.plugins_dir),
        "disabled_plugins": disabled_plugins(
            args.disable_plugin, builtin_rules=not args.no_builtin_rules
        ),
        "select": tuple(args.select),
        "ignore": tuple(args.ignore),
        "preview": args.preview,
        "allowlist": frozenset(term.casefold() for term in args.allow),
        "models": tuple(Path(p) for p in args.models),
        "plugin_timeout": plugin_timeout(getattr(args, "plugin_timeout", None), None),
    }
    values.update(overrides)
    return AnalyzerConfig(**values)  # type: ignore[arg-type]


def build_analyzer(args: argparse.Namespace, **overrides: object) -> Analyzer:
    """The analyzer for these flags; ``--select``/``--ignore`` ids that name no
    technique or rule are refused (a typo there would silently check nothing)."""
    config = analyzer_config(args, **overrides)
    analyzer = Analyzer.from_config(config)
    check_selection(analyzer, [("--select", config.select), ("--ignore", config.ignore)])
    return analyzer


def check_selection(analyzer: Analyzer, given: list[tuple[str, tuple[str, ...]]]) -> None:
    """Refuse ids naming nothing ``analyzer`` knows; ``given`` is (where, ids) pairs.

    :raises UsageError: ``--select: unknown technique or rule id 'x' (did you mean 'y'?)``.
    """
    known = analyzer.known_ids()
    for where, ids in given:
        problem = unknown_id_problem(ids, known)
        if problem is not None:
            raise UsageError(f"{where}: {problem}")
