"""Build hook: compile the optional C core (``rhetoric/_core.c``) into the wheel.

The machine's own compiler and Python headers are used (``sysconfig``), so a plain
``pip install .`` builds it with nothing else installed. When there is no compiler, the
compile fails, or ``RHETORIC_NO_CORE=1`` is set, the hook says so on stderr and the
wheel is the pure ``py3-none-any`` one: ``rhetoric`` then runs its pure-Python code,
which is the reference the core is tested against. ``RHETORIC_REQUIRE_CORE=1`` turns
a failed compile into a failed build (CI, release wheels).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("rhetoric") / "_core.c"
# tests/test_core.py also compiles it with -Wextra -Werror: a warning there is most
# likely a bug on hostile input; here one never costs a user the core.
FLAGS = ["-O2", "-Wall", "-fno-strict-aliasing"]


class CoreUnavailable(Exception):
    """Why the core was not built (said on stderr; the pure wheel is built instead)."""


def _compile_command(source: Path, target: Path) -> list[str]:
    """One compile-and-link call with the interpreter's own compiler settings."""
    compiler = os.environ.get("CC") or sysconfig.get_config_var("CC")
    linker = sysconfig.get_config_var("LDSHARED")
    include = sysconfig.get_paths().get("include")
    if not compiler or not linker or not include:
        raise CoreUnavailable("this Python has no C compiler settings (sysconfig CC/LDSHARED)")
    if not (Path(include) / "Python.h").is_file():
        raise CoreUnavailable(f"the Python headers are missing ({include}/Python.h)")
    shared = sysconfig.get_config_var("CCSHARED") or ""
    # LDSHARED is "<compiler> <flags for a loadable module>" (-shared, or -bundle
    # -undefined dynamic_lookup on macOS): keep its flags, use the chosen compiler.
    link_flags = shlex.split(linker)[1:]
    return [
        *shlex.split(compiler),
        *shlex.split(shared),
        *FLAGS,
        f"-I{include}",
        str(source),
        *link_flags,
        "-o",
        str(target),
    ]


def build_core(root: Path, folder: Path) -> Path:
    """Compile the core into ``folder``; CoreUnavailable says why it could not be."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    if not suffix:
        raise CoreUnavailable("this Python names no extension suffix (sysconfig EXT_SUFFIX)")
    target = folder / f"_core{suffix}"
    command = _compile_command(root / SOURCE, target)
    if shutil.which(command[0]) is None:
        raise CoreUnavailable(f"no C compiler found ({command[0]})")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        raise CoreUnavailable(f"the compiler could not run: {error}") from error
    if done.returncode != 0 or not target.is_file():
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise CoreUnavailable(f"the compile failed ({shlex.join(command)}):\n{detail}")
    return target


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._folder: str | None = None
        if self.target_name != "wheel":
            return
        if version == "editable":
            _say("an editable install runs the pure-Python code (no compiled core)")
            return
        if os.environ.get("RHETORIC_NO_CORE", "") not in ("", "0"):
            _say("RHETORIC_NO_CORE=1: building the pure-Python wheel")
            return
        self._folder = tempfile.mkdtemp(prefix="rhetoric-core-")
        try:
            built = build_core(Path(self.root), Path(self._folder))
        except CoreUnavailable as why:
            if os.environ.get("RHETORIC_REQUIRE_CORE") == "1":
                raise RuntimeError(f"RHETORIC_REQUIRE_CORE=1 and {why}") from why
            _say(f"the compiled core was not built, so this wheel is pure Python: {why}")
            return
        build_data["force_include"][str(built)] = f"rhetoric/{built.name}"
        # The wheel now holds a binary for this interpreter and platform: tag it so.
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def _say(message: str) -> None:
    print(f"rhetoric build: {message}", file=sys.stderr, flush=True)
