"""``rhetoric plugins``: the plugins loaded, where from, and the hooks they implement."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from . import EXIT_OK, build_analyzer


def run(args: argparse.Namespace, out: TextIO) -> int:
    infos = build_analyzer(args).host.plugins()
    if args.format == "json":
        json.dump([i.to_dict() for i in infos], out, indent=2)
        out.write("\n")
        return EXIT_OK
    for info in infos:
        dist = f"{info.distribution} {info.version}" if info.distribution else "-"
        out.write(f"{info.name:16} {dist:20} {info.origin}\n    hooks: {', '.join(info.hooks)}\n")
    return EXIT_OK
