"""``rhetoric techniques``: the technique vocabulary and its mappings to public taxonomies."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from . import EXIT_OK, build_analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    techniques = list(build_analyzer(args).techniques)
    if args.format == "json":
        json.dump(
            [{"id": t.id, "name": t.name, "definition": t.definition,
              "mappings": {k: list(v) for k, v in t.mappings.items()}} for t in techniques],
            out, indent=2,
        )  # fmt: skip
        out.write("\n")
        return EXIT_OK
    for technique in techniques:
        out.write(f"{technique.id}: {technique.name}\n    {technique.definition}\n")
    return EXIT_OK
