"""Run one of the rule engine's per-comment gates over a file of comments, for counting
its instructions with callgrind (the gates are Python functions, which callgrind does
not name).

    python bench/engine_gates.py FILE GATE [--repeat N]

GATE is ``none`` (load and prepare the facts only), ``detect`` (the whole engine on
fresh comments, their facts and preparation included: no plugin and no time budget,
so a loaded machine cannot change what runs), ``cannot_fire`` (the whole gate),
``may_fire`` (the anchor requirements), ``present`` (the one pass over the literals of
the pattern rules), ``original`` (the tests of the literals on the original text) or
``runnable`` (the patterns a comment may match, on comments that can fire) or
``active`` (the templates a comment tries, on the comments whose words let a
template match, their word classes found beforehand: per call = (I(repeat 3) -
I(repeat 1)) / (2 * calls), as its set-up is not in ``none``). The
comments' cheap facts (ASCII view, words, plainness) are computed before the gate
runs, so the gate's own cost is the difference between ``GATE`` and ``none``:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/engine_gates.py \
        /tmp/bench-2000.jsonl cannot_fire --repeat 5

Per call = (I(GATE) - I(none)) / (comments * repeat). Internals are reached on
purpose: this measures them, it does not use them.

``timeouts`` is not a gate: it runs the engine (``detect``) over the comments with
the calls that need no timeout untimed, then with every regex call timed, alternately
(``--repeat`` rounds), and prints the CPU time of each round (``time.thread_time``,
user and system: a timed call's clock reads are system calls) and the minimums.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from rhetoric import Analyzer, Comment
from rhetoric.config import AnalyzerConfig
from rhetoric.document import Document
from rhetoric.engine.compiled import CompiledRules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument(
        "gate",
        choices=[
            "none",
            "detect",
            "cannot_fire",
            "may_fire",
            "present",
            "original",
            "runnable",
            "active",
            "timeouts",
        ],
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--preview", action="store_true")
    args = parser.parse_args()
    analyzer = Analyzer.from_config(AnalyzerConfig(preview=args.preview))
    engine = next(d for d in analyzer.detectors if isinstance(d, CompiledRules))
    with open(args.file, encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    docs = [Document(Comment(str(i), text)) for i, text in enumerate(texts)]
    for doc in docs:
        doc.view_words  # noqa: B018  # the facts every gate reads, computed before it
        doc.is_plain  # noqa: B018
    engine._cannot_fire(docs[0])  # builds the automata on first use
    if args.gate == "timeouts":
        _timeouts(engine, docs, args.repeat)
        return
    gate = _gate(engine, args.gate, docs)
    for _ in range(args.repeat):
        gate()


def _gate(engine: Any, name: str, docs: list[Document]) -> Callable[[], None]:
    if name == "none":
        return lambda: None
    if name == "detect":
        texts = [doc.text for doc in docs]

        def detect() -> None:
            for i, text in enumerate(texts):
                for _ in engine.detect(Document(Comment(str(i), text))):
                    pass

        return detect
    if name == "cannot_fire":
        return lambda: [engine._cannot_fire(doc) for doc in docs] and None
    if name == "may_fire":
        words = [doc.view_words for doc in docs]
        return lambda: [engine._anchors.may_fire(w) for w in words] and None
    if name == "present":
        views = [doc.ascii_view for doc in docs if doc.ascii_view is not None]
        groups = engine._normalized_literals
        return lambda: [groups.present(view) for view in views] and None
    if name == "original":
        test = getattr(engine, "_original_bits", None) or getattr(engine, "_original_present", None)
        if test is None:  # before round 11: one substring test per literal
            groups = [literals for _, literals in engine._on_original]
            return lambda: [[any(x in d.text for x in g) for g in groups] for d in docs] and None
        return lambda: [test(doc.text) for doc in docs] and None
    if name == "active":
        tried = [
            doc
            for doc in docs
            if doc.prepared.tokens
            and (not doc.is_plain or engine._template_gate.may_fire(doc.view_words))
        ]
        ends = [engine._class_trie.scan_ends(doc.prepared) for doc in tried]
        print(f"{len(tried)} comments try templates")
        pairs = list(zip(tried, ends, strict=True))
        return lambda: [engine._active_templates(doc, found) for doc, found in pairs] and None
    prepared = [doc.prepared for doc in docs if not engine._cannot_fire(doc)[0]]
    return lambda: [engine._runnable(p) for p in prepared] and None


def _timeouts(engine: Any, docs: list[Document], rounds: int) -> None:
    untimed = (engine._limits, engine._antipattern_limits, engine._starts)
    timed = (
        dict.fromkeys(engine._limits, (-1, -1)),
        {k: tuple((-1, -1) for _ in v) for k, v in engine._antipattern_limits.items()},
        {k: (p[0], p[1], tuple(-1 for _ in p[2])) for k, p in engine._starts.items()},
    )
    for doc in docs:
        doc.prepared  # noqa: B018  # prepared once, outside the rounds
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, state in (("untimed where bounded", untimed), ("all timed", timed)):
            engine._limits, engine._antipattern_limits, engine._starts = state
            start = time.thread_time()
            for doc in docs:
                for _ in engine.detect(doc):
                    pass
            spent = time.thread_time() - start
            best[name] = min(best.get(name, spent), spent)
            print(f"{name}: {spent * 1000:.1f} ms")
    for name, spent in best.items():
        print(f"minimum, {name}: {spent * 1000:.1f} ms")


if __name__ == "__main__":
    main()
