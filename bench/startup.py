"""Where a cold start's instructions go, stage by stage (callgrind; not timed).

    python bench/startup.py FILE                  # rhetoric check ... FILE, this interpreter
    python bench/startup.py --python VENV/bin/python FILE -- --preview
    python bench/startup.py --objects FILE        # also: the cache entry's objects by type

Runs ``rhetoric check --isolated --input jsonl --format jsonl --jobs 1 -o /dev/null FILE``
(plus any arguments after ``--``) under ``valgrind --tool=callgrind`` in a driver that
starts as the console script does (the collector off for the imports) and marks the
stages with a call callgrind splits its counts at (``os.getppid``, through
``--dump-before=getppid``): the interpreter, the package's imports, the command's,
plugin loading, the cache key, unpickling the compiled rules, each comment, and the
exit. Instruction counts do not depend on the machine's load, so two builds compare
on a busy machine (run the check once without valgrind first to warm the caches).
Needs valgrind; prints the table in Markdown.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The driver valgrind runs: it patches the stages' entry points with marks, then runs
# the console script's own function. Each mark ends one part of the profile.
DRIVER = """
import functools, gc, os, sys
try:  # as the console script starts (stop 38 on): the collector off for the imports
    import rhetoric_start
    PAUSED = gc.isenabled()
    gc.disable()
except ImportError:
    PAUSED = False
LABELS = []
def mark(label):
    LABELS.append(label)
    os.getppid()
mark("interpreter and site")
import rhetoric
mark("import rhetoric (the package)")
import rhetoric.cli as cli
mark("import rhetoric.cli")
try:  # as cli.run imports it (builds before stop 36 have no kept dataclass code)
    from rhetoric.pickling import dataclass_code_kept as kept
except ImportError:
    from contextlib import nullcontext as kept
with kept():
    import rhetoric.commands.check
mark("import rhetoric.commands.check")
from rhetoric import analyzer as an
from rhetoric.engine import cache
def wrap(owner, name, label, before):
    real = getattr(owner, name)
    @functools.wraps(real)
    def marked(*args, **kwargs):
        mark(before)
        try:
            return real(*args, **kwargs)
        finally:
            mark(label)
    setattr(owner, name, marked)
wrap(an.PluginHost, "__init__", "plugins: entry points, imports, registration", "parse, configure")
wrap(cache, "cache_key", "compiled-rules cache key", "setup hooks")
wrap(cache, "load", "compiled-rules cache load (unpickle)", "between")
wrap(an.Analyzer, "analyse", "a comment", "between")
sys.argv = ["rhetoric", *sys.argv[1:]]
import atexit
atexit.register(lambda: (mark("output, end of the run"), sys.stderr.write(
    "".join(f"STAGE {label}\\n" for label in LABELS))))
run = getattr(cli, "run", None)  # builds before stop 35 exit through sys.exit
run(collector_off=True) if PAUSED else run() if run else sys.exit(cli.main())
"""


# What unpickling the newest compiled-rules entry builds, counted by type: the objects
# reachable from it, not descending into classes, modules and functions it names.
OBJECTS = """
import collections, gc, os, pickle, types
from rhetoric.engine import cache
folder = cache.cache_dir()
entry = max(folder.glob("*.pickle"), key=os.path.getmtime)
value = pickle.loads(entry.read_bytes())
shared = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType)
seen, counts, stack = set(), collections.Counter(), [value]
while stack:
    item = stack.pop()
    if id(item) in seen or isinstance(item, shared):
        continue
    seen.add(id(item))
    counts[type(item).__name__] += 1
    stack.extend(gc.get_referents(item))
print(f"| {entry.stat().st_size:,} bytes | {sum(counts.values()):,} objects |")
print("|---|---:|")
for name, count in counts.most_common():
    print(f"| {name} | {count:,} |")
"""


def parts(prefix: str) -> list[int]:
    """Instructions of each dumped part, in order (the last is the exit)."""
    numbered = sorted(
        (int(name.rsplit(".", 1)[1]), name)
        for name in glob.glob(prefix + ".*")
        if name.rsplit(".", 1)[1].isdigit()
    )
    counts = []
    for _, name in [*numbered, (0, prefix)]:
        with open(name, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(("summary:", "totals:")):
                    counts.append(int(line.split()[1]))
                    break
    return counts


def table(labels: list[str], counts: list[int]) -> str:
    merged: dict[str, list[int]] = {}
    for label, count in zip([*labels, "exit (after the atexit handlers)"], counts, strict=False):
        merged.setdefault(label, []).append(count)
    rows = ["| stage | instructions | parts |", "|---|---:|---:|"]
    for label, values in merged.items():
        rows.append(f"| {label} | {sum(values) / 1e6:,.1f} M | {len(values)} |")
    rows.append(f"| **whole process** | **{sum(counts) / 1e6:,.1f} M** | |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a JSONL file of comments")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--objects", action="store_true", help="count the cache entry's objects")
    parser.add_argument("extra", nargs="*", help="more check arguments (after --)")
    args = parser.parse_args()
    if args.objects:
        subprocess.run([args.python, "-c", OBJECTS], check=True)
    if shutil.which("valgrind") is None:
        print("skipped: valgrind is not installed")
        return 0
    command = ["check", "--isolated", "--input", "jsonl", "--format", "jsonl", "--jobs", "1"]
    command += ["-o", os.devnull, *args.extra, str(args.file)]
    with tempfile.TemporaryDirectory(prefix="rhetoric-startup-") as folder:
        driver = Path(folder) / "driver.py"
        driver.write_text(DRIVER, encoding="utf-8")
        prefix = str(Path(folder) / "callgrind.out")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=getppid",
             f"--callgrind-out-file={prefix}", args.python, str(driver), *command],
            capture_output=True, text=True, cwd=folder,
        )  # fmt: skip
        labels = [line[6:] for line in done.stderr.splitlines() if line.startswith("STAGE ")]
        if not labels:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        print(table(labels, parts(prefix)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
