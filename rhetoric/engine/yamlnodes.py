"""Typed reading of YAML nodes, so every validation error can name its line.

``yaml.safe_load`` forgets where values came from; rule authors need to know
which line is wrong. We compose the node tree with PyYAML's safe loader (no
arbitrary object construction, ever) and read values from nodes directly.

Rule files come from rule packs, which are semi-trusted: a broken or hostile
file must fail loudly, never hang or exhaust memory. So a file over
:data:`MAX_FILE_BYTES` is refused before it is parsed, and YAML aliases are
refused outright: nothing in a rule needs them, and they are how a few lines
expand into billions of nodes ("billion laughs") for any consumer that walks
the tree as a tree. Nesting depth is bounded by libyaml (1,000 levels).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from ..suggest import did_you_mean
from .errors import RuleLoadError
from .specs import MAX_FILE_BYTES, too_large

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
# libyaml's safe loader when PyYAML was built with it (about ten times faster);
# either way no Python object is ever constructed from a tag.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_text(path: Path) -> str:
    """The file's text, reading at most one byte more than the size limit, so
    neither a huge file nor one that grows while we read can exhaust memory."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RuleLoadError(path, None, f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large(path, max(len(data), _size(path)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleLoadError(path, None, f"not valid UTF-8 ({exc.reason})") from None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _refuse_aliases(path: Path, root: yaml.Node) -> None:
    """Raise if any node is reached twice, which only an alias (``*name``) can do.

    The walk visits each distinct node once, so it is linear in the file's size
    even for an alias bomb.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise RuleLoadError(
                path,
                line_of(node),
                "YAML anchors and aliases (&name, *name) are not allowed in rule files: "
                "write the value out in full",
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class YamlFile:
    """One parsed YAML file: its root node and typed accessors that raise
    :class:`RuleLoadError` with this file's path and the offending line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        loader = _SAFE_LOADER(_read_text(path))
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            raise RuleLoadError(path, line, f"invalid YAML: {exc.problem or exc}") from None
        except yaml.YAMLError as exc:
            raise RuleLoadError(path, None, f"invalid YAML: {exc}") from None
        except RecursionError:  # only the pure-Python loader recurses per level
            raise RuleLoadError(path, None, "invalid YAML: nested too deeply") from None
        finally:
            loader.dispose()
        if root is None:
            raise RuleLoadError(path, None, "file is empty")
        _refuse_aliases(path, root)
        self.root: yaml.Node = root

    def fail(self, node: yaml.Node | None, message: str) -> RuleLoadError:
        return RuleLoadError(self.path, line_of(node) if node is not None else None, message)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """A mapping's entries by key, rejecting non-string and duplicate keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR):
                raise self.fail(
                    key_node,
                    f"{what}: key {key_node.value!r} is not a string "
                    "(YAML reads on/off/yes/no as booleans: quote such keys)",
                )
            if key_node.value in entries:
                raise self.fail(key_node, f"{what}: duplicate key '{key_node.value}'")
            entries[key_node.value] = (key_node, value_node)
        return entries

    def check_keys(
        self,
        entries: dict[str, tuple[yaml.Node, yaml.Node]],
        allowed: Iterable[str],
        required: Iterable[str],
        what: str,
        node: yaml.Node,
    ) -> None:
        """Reject unknown keys (suggesting the likely intended one) and missing ones."""
        allowed = list(allowed)
        for key, (key_node, _) in entries.items():
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                known = ", ".join(sorted(allowed))
                raise self.fail(key_node, f"{what}: unknown key '{key}'{hint}; known keys: {known}")
        for key in required:
            if key not in entries:
                raise self.fail(node, f"{what}: missing required key '{key}'")

    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _STR):
            raise self.fail(node, f"{what} must be a string")
        if not allow_empty and not node.value.strip():
            raise self.fail(node, f"{what} must not be empty")
        return str(node.value)

    def number(self, node: yaml.Node, what: str, low: float, high: float) -> float:
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT)):
            raise self.fail(node, f"{what} must be a number")
        try:
            value = float(node.value)
        except ValueError:
            raise self.fail(node, f"{what} must be a number") from None
        if not low <= value <= high:
            raise self.fail(node, f"{what} must be between {low} and {high} (got {node.value})")
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _BOOL):
            raise self.fail(node, f"{what} must be true or false")
        return node.value.lower() in ("true", "yes", "on")

    def choice(self, node: yaml.Node, what: str, choices: Iterable[str]) -> str:
        value = self.string(node, what)
        options = list(choices)
        if value not in options:
            raise self.fail(node, f"{what} must be one of: {', '.join(options)} (got '{value}')")
        return value

    def sequence(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        if not allow_empty and not node.value:
            raise self.fail(node, f"{what} must not be empty")
        return list(node.value)

    def strings(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> list[str]:
        """A list of strings; a single string is accepted as a one-item list."""
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
            return [self.string(node, what)]
        return [
            self.string(item, f"{what} item")
            for item in self.sequence(node, what, allow_empty=allow_empty)
        ]
