"""GitHub Actions workflow commands: one annotation line per finding.

``::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`` shows
the finding on the pull request's diff without any upload step. Escaping follows
the runner's documented rules (``@actions/core`` ``command.ts``): in the message
``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A``; in property values
``:`` and ``,`` are escaped too (``%3A``, ``%2C``). ``endColumn`` is inclusive.
"""

from __future__ import annotations

from ..model import Severity
from .base import Formatter, Outcome
from .locations import display_path, locate

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


class GithubFormatter(Formatter):
    def write(self, outcome: Outcome) -> None:
        record = outcome.record
        if outcome.report is None:
            properties: dict[str, object] = {"file": display_path(record.source)}
            if record.line:
                properties["line"] = record.line
            properties["title"] = "rhetoric: input error"
            self.out.write(command("error", properties, outcome.error or "unreadable input") + "\n")
            return
        for hit in outcome.report.hits:
            where = locate(record, hit)
            properties = {
                "file": where.path,
                "line": where.line,
                "col": where.column,
                "endLine": where.end_line,
                "endColumn": max(where.end_column - 1, 1),
                "title": f"rhetoric {hit.rule} ({hit.technique})",
            }
            self.out.write(command(LEVELS[hit.severity], properties, hit.message) + "\n")
        for error in outcome.report.errors:
            properties = {"file": display_path(record.source), "title": "rhetoric: detector error"}
            message = f"{error.source}: {error.message}"
            self.out.write(command("warning", properties, message) + "\n")
