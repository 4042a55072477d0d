"""Time the Python peers on the benchmark comments (run in the benchmark's own venv).

    python python_peers.py COMMENTS.jsonl LIMIT

Prints one JSON object: comments/s for each peer that is installed.
"""

from __future__ import annotations

import json
import sys
import time


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _proselint():  # type: ignore[no-untyped-def]
    """proselint's lint-a-string call: LintFile(...).lint() since 0.16, lint() before."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile

        CheckRegistry().register_many(__register__)  # as its command line does
        return lambda text: LintFile("<comment>", text).lint()
    except ImportError:
        pass
    try:
        from proselint.tools import lint

        return lint
    except ImportError:
        return None


def main() -> None:
    path, limit = sys.argv[1], int(sys.argv[2])
    with open(path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    few = texts[:limit]
    results: dict[str, float] = {}
    proselint = _proselint()
    if proselint is not None:
        proselint("warm up")
        started = time.perf_counter()
        for text in few:
            proselint(text)
        results["proselint"] = rate(len(few), time.perf_counter() - started)
    try:
        from better_profanity import profanity

        profanity.load_censor_words()
        started = time.perf_counter()
        for text in few:
            profanity.contains_profanity(text)
        results["better-profanity"] = rate(len(few), time.perf_counter() - started)
    except ImportError:
        pass
    try:
        from profanity_check import predict_prob

        predict_prob(["warm up"])
        started = time.perf_counter()
        for text in few:
            predict_prob([text])
        results["alt-profanity-check (one at a time)"] = rate(
            len(few), time.perf_counter() - started
        )
        started = time.perf_counter()
        predict_prob(texts)
        results["alt-profanity-check (one batch)"] = rate(len(texts), time.perf_counter() - started)
    except ImportError:
        pass
    print(json.dumps(results))


if __name__ == "__main__":
    main()
