"""Baselines and fingerprints: adopt the checker on an existing archive without fixing it first.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` then
hides the recorded ones, so only *new* findings are shown and fail the run (a
ratchet). Findings are matched by :func:`fingerprint`, not by line number, so
editing elsewhere in a file does not resurrect old findings; each recorded
finding absorbs at most as many hits as it was seen times.

Fingerprints serve code scanning too (SARIF ``partialFingerprints``): both need to
tell "the same finding as before" from "a new one" across commits. Line numbers
move whenever a line is added above, so a fingerprint is built from what the
finding *is*: the rule, the matched text, and the content of its line (whitespace
and case folded, so re-wrapping indentation does not make it new).

Paths are stored relative to the baseline file's folder, so the same baseline
works from any working directory (pre-commit runs from the repository root).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError
from ..model import Hit
from ..text.lines import line_span

FORMAT_VERSION = 1
FINGERPRINT_VERSION = "rhetoric/v1"
_SURROGATES = str.maketrans({code: "\ufffd" for code in range(0xD800, 0xE000)})


def fingerprint(hit: Hit, text: str) -> str:
    """A stable hex digest of rule + hit text + the content of the hit's line."""
    start, end = line_span(text, hit.start)
    material = "\x1f".join((hit.rule, _fold(hit.text), _fold(text[start:end])))
    # surrogatepass: comment text may hold lone surrogates (from JSON escapes)
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def encodable_fingerprint(hit: Hit, text: str) -> str:
    """:func:`fingerprint`, also for text with lone surrogates.

    JSON input can carry them, and a digest of them cannot be UTF-8 encoded; each
    becomes U+FFFD (one code point, so offsets stay put). Text without surrogates,
    which is all text read from files, gets exactly the plain fingerprint.
    """
    try:
        return fingerprint(hit, text)
    except UnicodeEncodeError:
        pass
    clean = dataclasses.replace(hit, text=hit.text.translate(_SURROGATES))
    return fingerprint(clean, text.translate(_SURROGATES))


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One recorded finding: where, which rule, its fingerprint and its text."""

    path: str
    rule: str
    fingerprint: str
    text: str


def relative_to(folder: Path, source: str) -> str:
    """``source`` as a POSIX path relative to ``folder`` (as given for stdin)."""
    if source == "<stdin>":
        return source
    return Path(os.path.relpath(Path(source).resolve(), folder.resolve())).as_posix()


@dataclass(slots=True)
class Baseline:
    """Recorded findings, counted, and consumed as matching hits are seen."""

    folder: Path
    remaining: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read a baseline file; a missing or malformed one is a configuration error."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: baseline file does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read baseline: {exc}") from None
        findings = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(findings, list) or data.get("version") != FORMAT_VERSION:
            raise ConfigError(f"{path}: not a rhetoric baseline (version {FORMAT_VERSION})")
        baseline = cls(path.parent)
        for item in findings:
            try:
                key = (str(item["path"]), str(item["fingerprint"]))
                baseline.remaining[key] += int(item.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"{path}: malformed baseline entry {item!r}") from None
        return baseline

    def absorbs(self, source: str, fingerprint: str) -> bool:
        """Whether a hit is a recorded one (each record absorbs ``count`` hits)."""
        key = (relative_to(self.folder, source), fingerprint)
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            return True
        return False


def write(path: Path, entries: list[tuple[str, str, str, str]]) -> int:
    """Write findings ``(source, rule, fingerprint, text)``; return how many.

    The file is sorted and grouped so that it diffs well in review.
    """
    counts = Counter(
        Entry(relative_to(path.parent, source), rule, digest, text)
        for source, rule, digest, text in entries
    )
    findings = [
        {"path": e.path, "rule": e.rule, "fingerprint": e.fingerprint, "text": e.text, "count": n}
        for e, n in sorted(counts.items())
    ]
    document = {"version": FORMAT_VERSION, "tool": "rhetoric", "findings": findings}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sum(counts.values())
