"""Compare the engine's token trie with Aho-Corasick packages; write a section of
docs/performance.md.

    python bench/matchers.py [--data ../shared/data] [--runs 5] [--out docs/performance.md]
                             [--peers-python PY]

Issue 4 asks to compile every lexicon into one Aho-Corasick automaton so that cost
does not grow with the number of rules. The engine already puts every lexicon,
word-class and cue term into one :class:`~rhetoric.engine.trie.TokenTrie` scanned
once over prepared tokens; this script gives the figures to judge the two on the
same 10,000 Civil Comments as bench/performance.py (its corpus and lexicon helpers,
drawn in the same order, so the lexicons are the ones of its scaling rows):

- the trie built the way compiled.py builds lexicon terms, timed on its scan alone
  (texts prepared beforehand) and on ``prepare()`` + scan (the real matching path);
- pyahocorasick and ahocorasick-rs (``--peers-python``: a Python where they are
  installed, never a project dependency; bench/peers/ac_peers.py runs there) over
  the lowercased text in overlapping mode, keeping whole-word matches;
- 1,000 vs 10,000 terms, absent from the comments (pure matcher cost) and present;
- whether trie and automaton find the same (comment, start, end, term) on ASCII
  comments, where token spans are text spans, and why they differ where they do;
- the whole analysis, ``prepare()`` and the built-in packs' trie scan per comment,
  to say what share of a comment's cost matching is.

Medians of ``--runs`` runs, taken round-robin so noise on this shared machine
spreads evenly. The section between ``<!-- matchers:start -->`` and
``<!-- matchers:end -->`` is replaced (or appended); bench/performance.py keeps it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]  # the working tree's rhetoric, and performance.py

from performance import build_corpus, common_arguments, load_texts, vocabulary  # noqa: E402
from sections import write_section  # noqa: E402

from rhetoric import Analyzer, AnalyzerConfig, __version__  # noqa: E402
from rhetoric.engine.compiled import CompiledRules, _term_tokens  # noqa: E402
from rhetoric.engine.trie import EXACT, MASK, TokenTrie, TrieMatch  # noqa: E402
from rhetoric.text import PreparedText, prepare  # noqa: E402

COMMENTS = 10_000
SIZES = (1_000, 10_000)
KINDS = ("absent", "present")
AC_PACKAGES = ("pyahocorasick", "ahocorasick-rs")
SIGNS = "@$!|+*#%"


def timed(action: Callable[..., object], *args: object) -> float:
    """Seconds for one call; a collection first, so garbage of the previous
    measure is not charged to this one."""
    gc.collect()
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def build_trie(terms: Iterable[str]) -> TokenTrie:
    """Lexicon terms into a trie as compiled.py adds them (term text as payload)."""
    trie = TokenTrie()
    for term in terms:
        trie.add(_term_tokens(term), term)
    return trie


def scan_all(trie: TokenTrie, prepared: list[PreparedText]) -> list[list[TrieMatch]]:
    return [trie.scan(p) for p in prepared]


def prepare_and_scan(trie: TokenTrie, texts: list[str]) -> list[list[TrieMatch]]:
    return [trie.scan(prepare(t)) for t in texts]


def prepare_each(texts: list[str]) -> None:
    """``prepare()`` on every text, keeping nothing: as in the engine, where a prepared
    text lives only while its comment is analysed."""
    for text in texts:
        prepare(text)


def check_each(analyzer: Analyzer, texts: list[str]) -> None:
    for text in texts:
        analyzer.check(text)


def builtin_trie(analyzer: Analyzer) -> TokenTrie:
    """One trie with every entry the default analyzer's YAML engine scans for: its
    lexicon, cue and exception trie plus its word-class trie (private attributes: this
    is a benchmark, and the built-in packs are what a real comment pays for)."""
    for detector in analyzer.detectors:
        if isinstance(detector, CompiledRules):
            merged = TokenTrie()
            for trie in (detector._trie, detector._class_trie):
                for tokens, payload in trie.entries():
                    merged.add(tokens, payload)
            return merged
    raise RuntimeError("no YAML rule engine among the detectors")


def run_peers(python: str, texts: list[str], lexicons: dict[str, list[str]], found: bool) -> Any:
    """One run of the Aho-Corasick figures by bench/peers/ac_peers.py in ``python``."""
    with tempfile.TemporaryDirectory(prefix="rhetoric-matchers-") as work:
        spec = Path(work) / "input.json"
        payload = {"texts": texts, "lexicons": lexicons, "runs": 1, "found": found}
        spec.write_text(json.dumps(payload), encoding="utf-8")
        done = subprocess.run(
            [python, str(HERE / "peers" / "ac_peers.py"), str(spec)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout)


def merge_runs(runs: list[Any]) -> Any:
    """The last run's figures and matches, with the median times of all runs."""
    last = runs[-1]
    for name, by in last["results"].items():
        for label, figures in by.items():
            for key in ("build", "scan"):
                figures[key] = statistics.median(r["results"][name][label][key] for r in runs)
    return last


# Why trie and automaton disagree on a match, and how the section says it.
CAUSES = {
    "mask": "trie only: masked words read as a term of their shape (d*ck, c***s)",
    "obfuscated": "trie only: leet or stretched variants and joined letters",
    "glue": "trie only: phrases across a dash, quote, line break or several spaces",
    "trie-other": "trie only: other",
    "apostrophe": "Aho-Corasick only: a word inside a token with an apostrophe (Trump's)",
    "sign": "Aho-Corasick only: a word inside a token with a leet or mask sign",
    "ac-other": "Aho-Corasick only: other",
}
SHORT = {
    "glue": "phrases across a dash or line break",
    "trie-other": "unexplained",
    "apostrophe": "words inside tokens with an apostrophe",
    "sign": "words inside tokens with a leet or mask sign",
    "ac-other": "unexplained",
}


def trie_only_cause(text: str, match: TrieMatch) -> str:
    if match.how == MASK:
        return "mask"
    if match.how != EXACT:
        return "obfuscated"
    if text[match.start : match.end].lower() != match.payload:
        return "glue"
    return "trie-other"


def ac_only_cause(text: str, start: int, end: int) -> str:
    around = text[max(0, start - 1) : start] + text[end : end + 1]
    if "'" in around or "`" in around:
        return "apostrophe"
    if any(sign in around for sign in SIGNS):
        return "sign"
    return "ac-other"


def compare(
    texts: list[str],
    tries: dict[str, TokenTrie],
    prepared: list[PreparedText],
    lexicons: dict[str, list[str]],
    peers: Any,
) -> dict[str, Any]:
    """Trie vs automaton on ASCII comments without HTML entities (their normalized
    view is the lowercased text, same offsets), and the two packages on all."""
    ids = [i for i, t in enumerate(texts) if t.isascii() and "&" not in t]
    results = peers["results"] if peers else {}
    out: dict[str, Any] = {"comments": len(ids), "lexicons": {}}
    for label, terms in lexicons.items():
        ours = {
            (i, m.start, m.end, m.payload): m for i in ids for m in tries[label].scan(prepared[i])
        }
        found = {
            name: {(i, s, e, terms[k]) for i, s, e, k in results[name][label]["found"]}
            for name in results
        }
        entry: dict[str, Any] = {"trie": len(ours)}
        if found:
            packages = list(found.values())
            entry["packages_agree"] = all(f == packages[0] for f in packages)
            wanted = set(ids)
            theirs = {key for key in packages[0] if key[0] in wanted}
            entry["ac"] = len(theirs)
            entry["common"] = len(ours.keys() & theirs)
            causes: Counter[str] = Counter()
            for key in ours.keys() - theirs:
                causes[trie_only_cause(texts[key[0]], ours[key])] += 1
            for i, s, e, _ in theirs - ours.keys():
                causes[ac_only_cause(texts[i], s, e)] += 1
            entry["causes"] = dict(causes.most_common())
        out["lexicons"][label] = entry
    return out


def main() -> int:
    parser = common_arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--peers-python",
        default=None,
        help="python with pyahocorasick and ahocorasick-rs installed (else trie only)",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"skipped: corpus folder {args.data} is not present", file=sys.stderr)
        return 0
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731

    # Corpus and lexicons drawn exactly as bench/performance.py draws them.
    rng = random.Random(2026)
    civil, every = load_texts(args.data)
    texts = build_corpus(civil, COMMENTS, rng)
    build_corpus(every, 100_000, rng)  # its whole-process corpus: keeps the draws in step
    present = {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)}
    sample = set(texts)
    pools = {"absent": [t for t in every if t not in sample], "present": texts}
    lexicons = {
        f"{kind}-{size}": vocabulary(pools[kind], size, rng, present if kind == "absent" else None)
        for kind in KINDS
        for size in SIZES
    }
    size_bytes = sum(len(t.encode("utf-8")) for t in texts)

    python = args.peers_python if args.peers_python and Path(args.peers_python).exists() else None
    if python is None:
        log(f"skipped Aho-Corasick: no --peers-python ({args.peers_python or 'not given'})")
    peer_runs: list[Any] = []
    cache = tempfile.mkdtemp(prefix="rhetoric-matchers-cache-")
    os.environ["RHETORIC_CACHE_DIR"] = cache  # never write the user's compiled-rules cache
    try:
        analyzer = Analyzer.from_config(AnalyzerConfig())
        builtin = builtin_trie(analyzer)
        prepared = [prepare(t) for t in texts]
        # A masked token ("f?ck") is looked up differently (TokenTrie._mask_lookup):
        # the comments that have one are also timed apart from the others.
        masked = [p for p in prepared if any(t.mask for t in p.tokens)]
        unmasked = [p for p in prepared if not any(t.mask for t in p.tokens)]
        times: dict[str, list[float]] = defaultdict(list)
        tries: dict[str, TokenTrie] = {}
        # Each run times the Aho-Corasick child, then the trie: load from the other
        # benchmarks on this machine then weighs on both alike.
        for run in range(args.runs):
            log(f"run {run + 1} of {args.runs}")
            if python is not None:
                peer_runs.append(run_peers(python, texts, lexicons, run == args.runs - 1))
            for label, terms in lexicons.items():
                gc.collect()
                started = time.perf_counter()
                tries[label] = build_trie(terms)
                times[f"build {label}"].append(time.perf_counter() - started)
                times[f"scan {label}"].append(timed(scan_all, tries[label], prepared))
                times[f"prepare+scan {label}"].append(timed(prepare_and_scan, tries[label], texts))
                if label.startswith("absent"):
                    times[f"scan masked {label}"].append(timed(scan_all, tries[label], masked))
                    times[f"scan unmasked {label}"].append(timed(scan_all, tries[label], unmasked))
            times["prepare"].append(timed(prepare_each, texts))
            times["builtin scan"].append(timed(scan_all, builtin, prepared))
            times["analysis"].append(timed(check_each, analyzer, texts))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    peers = merge_runs(peer_runs) if peer_runs else None
    if peers and peers["missing"]:
        log(f"not installed in {python}: {', '.join(peers['missing'])}")
    medians = {key: statistics.median(values) for key, values in times.items()}
    matches = {label: sum(map(len, scan_all(trie, prepared))) for label, trie in tries.items()}
    agreement = compare(texts, tries, prepared, lexicons, peers)
    results = {
        "comments": len(texts),
        "bytes": size_bytes,
        "runs": args.runs,
        "trie": {
            "medians": medians,
            "matches": matches,
            "builtin_entries": builtin.size,
            "masked_comments": len(masked),
        },
        "peers": None
        if peers is None
        else {
            "versions": peers["versions"],
            "results": {
                name: {
                    label: {k: v for k, v in r.items() if k != "found"} for label, r in by.items()
                }
                for name, by in peers["results"].items()
            },
        },
        "agreement": agreement,
    }
    print(json.dumps(results, indent=2))
    section = render(results, " ".join(["python bench/matchers.py", *sys.argv[1:]]))
    write_section(args.out, "matchers", section)
    log(f"wrote the matchers section of {args.out}")
    return 0


def render(results: dict[str, Any], command: str) -> str:
    count, size, runs = results["comments"], results["bytes"], results["runs"]
    trie = results["trie"]
    medians = trie["medians"]
    peers = results["peers"]
    rows: list[tuple[str, str, list[float], list[float], list[int]]] = []
    # (matcher, lexicon kind, build seconds 1k/10k, scan seconds 1k/10k, matches 1k/10k)
    for kind in KINDS:
        labels = [f"{kind}-{n}" for n in SIZES]
        builds = [medians[f"build {label}"] for label in labels]
        counts = [trie["matches"][label] for label in labels]
        rows.append(
            (
                "rhetoric TokenTrie: scan of prepared tokens",
                kind,
                builds,
                [medians[f"scan {label}"] for label in labels],
                counts,
            )
        )
        rows.append(
            (
                "rhetoric TokenTrie: `prepare()` + scan",
                kind,
                builds,
                [medians[f"prepare+scan {label}"] for label in labels],
                counts,
            )
        )
        if peers:
            for name in AC_PACKAGES:
                if name not in peers["results"]:
                    continue
                figures = [peers["results"][name][label] for label in labels]
                rows.append(
                    (
                        f"{name} {peers['versions'][name]}: lower + find + word check",
                        kind,
                        [f["build"] for f in figures],
                        [f["scan"] for f in figures],
                        [f["matches"] for f in figures],
                    )
                )
    lines = [
        "## Lexicon matching: token trie vs Aho-Corasick (issue 4)",
        "",
        f"Produced by `{command}` (rhetoric {__version__}, {dt.date.today().isoformat()}, "
        f"medians of {runs} runs taken round-robin, on the shared 2-core machine). The same "
        f"{count:,} Civil Comments as above ({size / count:.0f} bytes on average) and the same "
        "generated lexicons as the scaling rows (four in five single words, the rest two-word "
        "phrases): *absent* terms never occur in the comments, so their time is the matcher's "
        "own cost; *present* terms are words of the comments. The trie is built with the "
        "engine's `_term_tokens`. Aho-Corasick runs in overlapping (all matches) mode over "
        "`text.lower()` and keeps a match only when the chars on either side are not letters "
        "or digits (the engine matches whole tokens); its time includes the lowercasing and "
        "that check, in Python, as the trie's includes building its match tuples.",
        "",
        "| matcher | terms | build 1k / 10k | comments/s, 1k terms | comments/s, 10k terms "
        "| MB/s, 10k terms | time 1k -> 10k | whole-word matches 1k / 10k |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, kind, builds, scans, counts in rows:
        lines.append(
            f"| {name} | {kind} | {builds[0] * 1000:.1f} / {builds[1] * 1000:.1f} ms "
            f"| {count / scans[0]:,.0f} | {count / scans[1]:,.0f} | {size / scans[1] / 1e6:.1f} "
            f"| x{scans[1] / scans[0]:.2f} | {counts[0]:,} / {counts[1]:,} |"
        )
    lines += ["", *agreement_lines(results), "", *context_lines(results), ""]
    lines += conclusion(results)
    return "\n".join(lines)


def agreement_lines(results: dict[str, Any]) -> list[str]:
    agreement = results["agreement"]
    if results["peers"] is None:
        return ["Agreement: not measured (no Aho-Corasick package)."]
    agree = all(e.get("packages_agree", True) for e in agreement["lexicons"].values())
    lines = [
        f"Agreement, as sets of (comment, start, end, term), on the {agreement['comments']:,} "
        "ASCII comments without HTML entities (there the normalized text is the lowercased "
        "text, so token spans are text spans). The two packages find "
        + ("exactly the same matches" if agree else "**different** matches")
        + " on every comment; trie vs Aho-Corasick:",
        "",
    ]
    for label, entry in agreement["lexicons"].items():
        kind, size = label.split("-")
        causes = "; ".join(f"{n:,} {CAUSES[cause]}" for cause, n in entry["causes"].items())
        lines.append(
            f"- {kind}, {int(size):,} terms: {entry['common']:,} found by both, "
            f"{entry['trie'] - entry['common']:,} by the trie only, "
            f"{entry['ac'] - entry['common']:,} by Aho-Corasick only"
            + (f" ({causes})" if causes else "")
        )
    return lines


def context_lines(results: dict[str, Any]) -> list[str]:
    count = results["comments"]
    medians = results["trie"]["medians"]
    analysis = medians["analysis"] / count * 1e6
    prep = medians["prepare"] / count * 1e6
    scan = medians["builtin scan"] / count * 1e6
    return [
        f"For scale, same run: the whole analysis (`Analyzer.check`, built-in packs) takes "
        f"{analysis:.0f} µs per comment; `prepare()` alone {prep:.0f} µs and a scan by the "
        f"built-in packs' trie ({results['trie']['builtin_entries']:,} entries) "
        f"{scan:.1f} µs, i.e. {prep / analysis:.0%} and {scan / analysis:.0%} of it, as upper "
        "bounds (the engine prepares and scans only comments whose anchor words leave a "
        "rule able to fire)."
    ]


def conclusion(results: dict[str, Any]) -> list[str]:
    """Plain sentences computed from the figures, so a rerun cannot contradict them."""
    count = results["comments"]
    trie = results["trie"]
    medians = trie["medians"]
    small, big = (f"absent-{n}" for n in SIZES)

    def grows(key: str) -> float:
        return medians[f"{key} {big}"] / medians[f"{key} {small}"]

    whole, plain, masked = grows("scan"), grows("scan unmasked"), grows("scan masked")
    share = trie["masked_comments"] / count
    sentences = [
        f"From {SIZES[0]:,} to {SIZES[1]:,} absent terms the trie's scan grows x{whole:.2f}: "
        + ("it stays flat" if plain <= 1.3 else "it grows")
        + f" (x{plain:.2f}) on the comments without a masked token, where each token costs "
        f"a dict lookup, and x{masked:.2f} on the {share:.1%} with one: a masked token "
        "(`f?ck`) is compared only with the single-word terms of its length that share its "
        "first or last letter (`TokenTrie._mask_lookup`), so that cost "
        + ("stays close to flat too." if masked <= 1.3 else "still grows with the lexicon.")
    ]
    peers = results["peers"]
    if peers and peers["results"]:
        by_name = peers["results"]
        growth = ", ".join(
            f"{name} x{by[big]['scan'] / by[small]['scan']:.2f}" for name, by in by_name.items()
        )
        raw = next(iter(by_name.values()))
        sentences[0] += (
            f" The Aho-Corasick scans are not flat either ({growth}); with more terms they "
            f"also meet more of them inside longer words ({raw[small]['raw']:,} -> "
            f"{raw[big]['raw']:,} raw hits, {raw[big]['matches']:,} of them whole words)."
        )
        present = f"present-{SIZES[1]}"
        ours = medians[f"scan {present}"] / count
        ours_absent = medians[f"scan {big}"] / count
        speeds = "; ".join(
            f"{name} {_times(ours, by[present]['scan'] / count)} with present terms "
            f"({by[present]['scan'] / count * 1e6:.1f} vs {ours * 1e6:.1f} µs per comment) and "
            f"{_times(ours_absent, by[big]['scan'] / count)} with absent ones"
            for name, by in by_name.items()
        )
        fastest = min(by[present]["scan"] for by in by_name.values()) / count
        saved = max(0.0, ours - fastest)
        analysis = medians["analysis"] / count
        faster = all(by[present]["scan"] / count < ours for by in by_name.values())
        sentences.append(
            f"On raw matching with {SIZES[1]:,} terms "
            + ("the packages are faster: " if faster else "the packages compare so: ")
            + f"{speeds}; the gap, {saved * 1e6:.1f} µs, is {saved / analysis:.0%} of a "
            f"comment's {analysis * 1e6:.0f} µs analysis, and with the built-in packs the "
            f"whole scan is {medians['builtin scan'] / medians['analysis']:.0%} of it, the "
            "most any faster matcher could save."
        )
    causes = results["agreement"]["lexicons"].get(f"present-{SIZES[1]}", {}).get("causes", {})
    obfuscated = causes.get("mask", 0) + causes.get("obfuscated", 0)
    spans = {cause: n for cause, n in causes.items() if cause not in ("mask", "obfuscated")}
    top = max(spans, key=spans.__getitem__) if spans else None
    sentences.append(
        "The project keeps the trie: it matches prepared tokens, so obfuscated variants, "
        "masks and joined letters take part in the same pass"
        + (
            f" (here {obfuscated:,} matches of masked or obfuscated words, which "
            "Aho-Corasick cannot see)"
            if obfuscated
            else ""
        )
        + ", its spans are whole tokens"
        + (
            f" (a word check on Aho-Corasick matches still leaves {sum(spans.values()):,} "
            f"other differences, {spans[top]:,} of them {SHORT[top]})"
            if top
            else ""
        )
        + ", and it needs no extra dependency."
    )
    return [" ".join(sentences)]


def _times(ours: float, theirs: float) -> str:
    if theirs <= ours:
        return f"{ours / theirs:.1f}x faster than the trie"
    return f"{theirs / ours:.1f}x slower than the trie"


if __name__ == "__main__":
    sys.exit(main())
