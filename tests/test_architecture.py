"""The layout holds: no import cycles in the package, the core never reaches into the
rooms built on it, and first-party plugins use only the public API, as a third
party would."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rhetoric"
PLUGINS = ROOT / "plugins"
# The rooms built on the core; the core modules (rhetoric/*.py) must not import them.
# rhetoric.distributed (batch runs over archives, on Dask) is a room with a top-level name,
# as rhetoric.cli is: it is built on the file linter's readers and writers.
ROOMS = ("rhetoric.check", "rhetoric.commands", "rhetoric.service", "rhetoric.contrib",
         "rhetoric.outputs", "rhetoric.quality", "rhetoric.cli",
         "rhetoric.distributed")  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> Iterator[tuple[str, bool]]:
    """(imported module, is it inside a function) for every import of ``path`` that
    runs (``if TYPE_CHECKING:`` blocks never do). ``from package import module``
    imports the module; ``from module import name`` the module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node: ast.AST, nested: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for statement in child.orelse:
                    yield from walk(statement, nested)
                continue
            if isinstance(child, ast.Import):
                yield from ((alias.name, nested) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    target = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    target = child.module or ""
                for alias in child.names:
                    submodule = f"{target}.{alias.name}"
                    yield (submodule if submodule in MODULES else target), nested
            functions = (ast.FunctionDef, ast.AsyncFunctionDef)
            yield from walk(child, nested or isinstance(child, functions))

    yield from walk(tree, False)


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {target for target, _ in imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_in_the_package() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


CORE = [p for p in sorted(PACKAGE.glob("*.py"))
        if p.name not in ("cli.py", "__main__.py", "distributed.py")]  # fmt: skip


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_does_not_import_the_rooms_built_on_it(path: Path) -> None:
    assert {target for target, _ in imports(path) if target.startswith(ROOMS)} == set()


@pytest.mark.parametrize("path", sorted(PLUGINS.glob("*.py")), ids=lambda p: p.name)
def test_first_party_plugins_use_only_the_public_api(path: Path) -> None:
    ours = {t for t, _ in imports(path) if t == "rhetoric" or t.startswith("rhetoric.")}
    public = {"rhetoric", "rhetoric.hookspecs"}
    assert {t for t in ours if t not in public and t.rpartition(".")[0] not in public} == set()
