"""The one error a rule file can cause, always naming the file and line."""

from __future__ import annotations

from pathlib import Path


class RuleLoadError(ValueError):
    """A rule or word-class file is invalid. ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")
