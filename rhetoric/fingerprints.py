"""Fingerprints that recognise a finding after the file around it has changed.

Baselines and code scanning (SARIF ``partialFingerprints``) both need to tell
"the same finding as before" from "a new one" across commits. Line numbers move
whenever a line is added above, so a fingerprint is built from what the finding
*is*: the rule, the matched text, and the content of its line (whitespace and
case folded, so re-wrapping indentation does not make it new).
"""

from __future__ import annotations

import hashlib

from .model import Hit

VERSION = "rhetoric/v1"


def line_of(text: str, offset: int) -> str:
    """The full line of ``text`` containing ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


def fingerprint(hit: Hit, text: str) -> str:
    """A stable hex digest of rule + hit text + the hit's line content."""
    line = line_of(text, hit.start)
    material = "\x1f".join((hit.rule, _fold(hit.text), _fold(line)))
    # surrogatepass: comment text may hold lone surrogates (from JSON escapes)
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]
