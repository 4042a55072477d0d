"""Output formats for ``rhetoric check``: each writes records as they arrive."""

from .base import Formatter, Outcome
from .github import GithubFormatter
from .html import HtmlFormatter
from .json import JsonFormatter, JsonlFormatter
from .junit import JunitFormatter
from .sarif import SarifFormatter
from .text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
    "jsonl": JsonlFormatter,
    "sarif": SarifFormatter,
    "html": HtmlFormatter,
    "github": GithubFormatter,
    "junit": JunitFormatter,
}

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
