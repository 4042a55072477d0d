"""Output formats for ``rhetoric check``: each writes records as they arrive.

A format's module is imported when the format is used (``FORMATTERS[name]`` or the
class by name), so a check that prints text never loads the XML, SARIF or HTML code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Any

from .base import Formatter, Outcome

# format name -> (module in this package, formatter class)
_FORMATS: dict[str, tuple[str, str]] = {
    "text": ("text", "TextFormatter"),
    "json": ("json", "JsonFormatter"),
    "jsonl": ("json", "JsonlFormatter"),
    "sarif": ("sarif", "SarifFormatter"),
    "html": ("html", "HtmlFormatter"),
    "github": ("github", "GithubFormatter"),
    "junit": ("junit", "JunitFormatter"),
}
_MODULE_OF = {cls: module for module, cls in _FORMATS.values()}


class _Formatters(Mapping[str, type[Formatter]]):
    """Format name -> formatter class, the class's module imported on lookup."""

    def __getitem__(self, name: str) -> type[Formatter]:
        module, cls = _FORMATS[name]
        found: type[Formatter] = getattr(import_module(f".{module}", __name__), cls)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


FORMATTERS: Mapping[str, type[Formatter]] = _Formatters()


def __getattr__(name: str) -> Any:
    """The formatter classes by name (``from rhetoric.outputs import SarifFormatter``)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = [
    "FORMATTERS",
    "Formatter",
    "GithubFormatter",
    "JsonFormatter",
    "JsonlFormatter",
    "JunitFormatter",
    "Outcome",
    "SarifFormatter",
    "TextFormatter",
]
