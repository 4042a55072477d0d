"""JUnit XML: the lowest common denominator of CI test reports (GitLab, Jenkins,
Azure). Each input record is a test case; each finding a ``<failure>``, each
unreadable record an ``<error>``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .base import Formatter, Outcome
from .locations import display_path, locate
from .safety import xml_safe


class JunitFormatter(Formatter):
    def __init__(self, out) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out)
        self.cases: list[ET.Element] = []
        self.failures = self.errors = 0

    def write(self, outcome: Outcome) -> None:
        record = outcome.record
        name = record.record_id or (record.comment.id if record.comment else record.source)
        case = ET.Element(
            "testcase", classname=xml_safe(display_path(record.source)), name=xml_safe(name)
        )
        if outcome.report is None:
            self.errors += 1
            ET.SubElement(case, "error", message=xml_safe(outcome.error or "unreadable input"))
        elif outcome.report.hits:
            self.failures += 1
            lines = []
            for hit in outcome.report.hits:
                where = locate(record, hit)
                lines.append(
                    f"{where.path}:{where.line}:{where.column} {hit.rule} "
                    f"({hit.technique}, {hit.severity.value}): {hit.message}"
                )
            failure = ET.SubElement(
                case, "failure", type="rhetoric", message=f"{len(lines)} finding(s)"
            )
            failure.text = xml_safe("\n".join(lines))
        self.cases.append(case)

    def close(self) -> None:
        counts = {"tests": str(len(self.cases)), "failures": str(self.failures),
                  "errors": str(self.errors)}  # fmt: skip
        suites = ET.Element("testsuites", name="rhetoric", **counts)
        suite = ET.SubElement(suites, "testsuite", name="rhetoric", **counts)
        suite.extend(self.cases)
        ET.indent(suites)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(suites, encoding="unicode") + "\n")
