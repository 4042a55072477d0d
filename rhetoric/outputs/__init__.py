"""Output formats for ``rhetoric check``: each writes records as they arrive."""

from .base import Formatter, Outcome
from .json import JsonFormatter, JsonlFormatter
from .text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
    "jsonl": JsonlFormatter,
}

__all__ = ["FORMATTERS", "Formatter", "JsonFormatter", "JsonlFormatter", "Outcome", "TextFormatter"]
