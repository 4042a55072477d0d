"""The acceptance run of the core issue on the seed comments the project was
created from. Reads ../shared (CI has it); skipped where it is absent."""

from __future__ import annotations

import io
import json

import pytest
from conftest import SHARED

from rhetoric.cli import main

SEED = SHARED / "seed" / "comments.txt"
pytestmark = pytest.mark.skipif(
    not SEED.exists(), reason="../shared/seed/comments.txt is not present"
)


def test_seed_comments() -> None:
    out = io.StringIO()
    argv = ["check", "--split", "lines", "--format", "jsonl", "--readability", str(SEED)]
    code = main(argv, out=out)
    assert code == 1
    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    found = {(h["text"], h["technique"]) for r in reports for h in r["hits"]}
    assert ("Killiary", "name-calling") in found
    assert ("f*ck", "profanity") in found
    assert ("smoking crack", "name-calling") in found
    assert ("hectoring bully", "name-calling") in found
    conspiracy = [h for r in reports for h in r["hits"] if h["technique"] == "conspiracy-framing"]
    # Since issue 14 the cue counts only beside its agent ("occupied Iraq with but one goal").
    assert any("with but one goal" in h["text"] for h in conspiracy)
    assert reports[0]["hits"] == [], "the neutral Pentagon news report must be clean"
    for report in reports:
        assert report["readability"]["lexicon_count"] > 0, "readability metrics on request"
