"""Load and soak benchmark of `rhetoric serve` on loopback.

    python bench/service_load.py                       # 10,000 requests x 16 clients per endpoint
    python bench/service_load.py --soak 50000          # and a mixed soak (hostile requests too)
    python bench/service_load.py --smoke               # quick load + 2,000-request soak for CI

The server runs as its own process (`rhetoric serve --no-access-log`), so client and
server do not share an interpreter; on a 2-core machine they share the cores, which
is stated with the figures. Comments are real Civil Comments texts from
../shared/data (never copied into the project). The HTTP floor is GET /healthz,
measured in the same run: the cost of the server and client without any analysis.
Figures go into marked sections of docs/performance.md (load) and
docs/reliability.md (soak). Every request loop is bounded in count and time and
talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from performance import build_corpus, load_texts  # noqa: E402

SECRET = "bench-secret"
HOST = "127.0.0.1"
DEADLINE_S = 900  # no phase may run longer than this, whatever happens


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    expect: int | tuple[int, ...]


@dataclass
class PhaseResult:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    statuses: Counter[int] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def server_process(workers: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    command = [sys.executable, "-m", "rhetoric", "serve", "--port", str(port)]
    command += ["--no-access-log", "--workers", str(workers)]
    env = {**os.environ, "RHETORIC_CORAL_SECRET": SECRET}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"server did not start: {process.communicate()[1].decode()}")
        time.sleep(0.1)
    try:
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_phase(
    name: str,
    port: int,
    requests: list[Request],
    clients: int,
    on_progress: Callable[[int], None] | None = None,
) -> PhaseResult:
    """Send every request once over ``clients`` keep-alive connections."""
    work: queue.Queue[tuple[int, Request]] = queue.Queue()
    for item in enumerate(requests):
        work.put(item)
    latencies: list[float] = [0.0] * len(requests)
    statuses: Counter[int] = Counter()
    unexpected: list[str] = []
    lock = threading.Lock()
    done = 0
    stop_at = time.monotonic() + DEADLINE_S

    def client() -> None:
        nonlocal done
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop_at:
            try:
                index, request = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                connection.request(request.method, request.path, request.body, request.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                status = -1
                with lock:
                    unexpected.append(f"{request.path}: {type(exc).__name__}: {exc}")
            latencies[index] = time.perf_counter() - started
            expected = request.expect if isinstance(request.expect, tuple) else (request.expect,)
            with lock:
                statuses[status] += 1
                if status not in expected and status != -1:
                    unexpected.append(f"{request.path}: {status}, expected {request.expect}")
                done += 1
                if on_progress and done % 1000 == 0:
                    on_progress(done)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return PhaseResult(name, done, seconds, latencies[:done], statuses, unexpected)


def json_request(path: str, data: object, expect: int | tuple[int, ...] = 200) -> Request:
    body = json.dumps(data).encode()
    return Request("POST", path, body, {"content-type": "application/json"}, expect)


def coral_request(text: str, expect: int | tuple[int, ...] = (200, 204)) -> Request:
    body = json.dumps(
        {
            "action": "NEW",
            "comment": {"body": text, "parentID": None},
            "author": {"id": "u1", "role": "COMMENTER"},
            "story": {"id": "s1", "url": "https://news.example/a"},
            "site": {"id": "site"},
            "tenantID": "t",
            "tenantDomain": "news.example",
        }
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-coral-signature": signature}
    return Request("POST", "/v1/coral", body, headers, expect)


def hostile_requests(texts: list[str], rng: random.Random) -> list[Request]:
    """One of each kind of bad request the soak mixes in, with the status it must get."""
    text = rng.choice(texts)
    bad_signature = coral_request(text)
    return [
        Request("POST", "/v1/check", b'{"text": ', {"content-type": "application/json"}, 400),
        Request("POST", "/v1/check", b"text=x", {"content-type": "text/plain"}, 415),
        Request("POST", "/v1/check", b"\xff\xfe", {"content-type": "application/json"}, 400),
        json_request("/v1/check", {"txt": text}, 422),
        json_request("/v1/check", {"comments": [{"text": text}] * 101}, 422),
        json_request("/v1/check", {"text": "x" * (1 << 20)}, 413),
        json_request("/v1/check", {"text": "\U0001f600\u200d" * 500 + "f u c k"}, 200),
        Request("GET", "/v1/check", None, {}, 405),
        Request("GET", "/nowhere", None, {}, 404),
        Request(
            "POST",
            "/v1/coral",
            bad_signature.body,
            {**bad_signature.headers, "x-coral-signature": "sha256=" + "0" * 64},
            400,
        ),
        Request("GET", "/healthz", None, {}, 200),
        Request("GET", "/v1/rules", None, {}, 200),
    ]


def soak_requests(texts: list[str], count: int, rng: random.Random) -> list[Request]:
    requests: list[Request] = []
    corpus = build_corpus(texts, count, rng)
    for i, text in enumerate(corpus):
        roll = i % 20
        if roll < 12:
            requests.append(json_request("/v1/check", {"id": str(i), "text": text}))
        elif roll < 15:
            requests.append(coral_request(text))
        elif roll < 16:
            batch = [{"id": f"{i}-{j}", "text": t} for j, t in enumerate(rng.sample(texts, 10))]
            requests.append(json_request("/v1/check", {"comments": batch}))
        else:
            requests.append(rng.choice(hostile_requests(texts, rng)))
    return requests


def load(args: argparse.Namespace, texts: list[str]) -> list[PhaseResult]:
    rng = random.Random(7)
    corpus = build_corpus(texts, args.requests, rng)
    health = [Request("GET", "/healthz", None, {}, 200)] * args.requests
    check = [json_request("/v1/check", {"id": str(i), "text": t}) for i, t in enumerate(corpus)]
    coral = [coral_request(t) for t in corpus]
    results = []
    with server_process(args.workers) as (port, _):
        run_phase("warm-up", port, check[: min(500, len(check))], args.clients)
        for name, requests in (
            ("GET /healthz", health),
            ("POST /v1/check", check),
            ("POST /v1/coral", coral),
        ):
            result = run_phase(name, port, requests, args.clients)
            print(
                f"{name}: {result.rate:,.0f} req/s, p50 {result.percentile(0.5):.1f} ms, "
                f"p99 {result.percentile(0.99):.1f} ms, statuses {dict(result.statuses)}",
                file=sys.stderr,
            )
            results.append(result)
    return results


def soak(args: argparse.Namespace, texts: list[str]) -> dict[str, object]:
    rng = random.Random(11)
    requests = soak_requests(texts, args.soak, rng)
    warm = min(5000, len(requests) // 5)
    samples: list[tuple[int, float]] = []
    with server_process(args.workers) as (port, process):
        run_phase("soak warm-up", port, requests[:warm], args.clients)
        baseline = rss_mb(process.pid)

        def progress(done: int) -> None:
            samples.append((done, rss_mb(process.pid)))

        result = run_phase("soak", port, requests[warm:], args.clients, progress)
        final = rss_mb(process.pid)
        alive = process.poll() is None
    peak = max([final, *(mb for _, mb in samples)])
    summary = {
        "requests": warm + result.requests,
        "seconds": result.seconds,
        "rate": result.rate,
        "statuses": dict(sorted(result.statuses.items())),
        "unexpected": result.unexpected[:20],
        "unexpected_count": len(result.unexpected),
        "rss_after_warmup_mb": baseline,
        "rss_final_mb": final,
        "rss_peak_mb": peak,
        "growth_mb": peak - baseline,
        "p99_ms": result.percentile(0.99),
        "alive": alive,
        "bound_mb": args.growth_bound,
    }
    print(json.dumps(summary, indent=1), file=sys.stderr)
    return summary


def render_load(results: list[PhaseResult], args: argparse.Namespace) -> str:
    floor = results[0].rate
    lines = [
        f"Produced by `python bench/service_load.py` ({time.strftime('%Y-%m-%d')}): "
        f"`rhetoric serve --workers {args.workers} --no-access-log` in its own process, "
        f"{args.requests:,} requests per endpoint from {args.clients} concurrent keep-alive "
        "clients (Python threads) on 127.0.0.1, real Civil Comments texts. Client and server "
        "share the machine's 2 cores, so these are lower bounds for a server with cores of its "
        "own. GET /healthz (no analysis) is the HTTP floor measured in the same run.",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | vs HTTP floor | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        errors = sum(n for s, n in r.statuses.items() if not 200 <= s < 300)
        lines.append(
            f"| {r.name} | {r.rate:,.0f} | {r.percentile(0.5):.1f} | {r.percentile(0.99):.1f} "
            f"| {r.rate / floor:.2f}x | {errors} |"
        )
    coral = next(r for r in results if r.name == "POST /v1/coral")
    met = "met" if coral.percentile(0.99) < 500 else "**not met**"
    lines += [
        "",
        f"Coral's budget (answer well within 500 ms at p99): {met} "
        f"({coral.percentile(0.99):.1f} ms).",
    ]
    return "\n".join(lines)


def render_soak(summary: dict[str, object], args: argparse.Namespace) -> str:
    statuses = ", ".join(f"{k}: {v:,}" for k, v in summary["statuses"].items())  # type: ignore[attr-defined]
    verdict = "passed" if soak_passed(summary) else "**failed**"
    return "\n".join(
        [
            f"Produced by `python bench/service_load.py --soak {args.soak}` "
            f"({time.strftime('%Y-%m-%d')}): {summary['requests']:,} requests from {args.clients} "
            "clients on 127.0.0.1 against one `rhetoric serve` process: 60% one comment, "
            "15% signed Coral requests, 5% batches of 10, 20% hostile requests (malformed and "
            "non-UTF-8 JSON, wrong content type, unknown fields, 101-comment batches, 1 MB bodies, "
            "emoji/ZWJ floods, bad signatures, wrong methods and paths), each checked against the "
            "status it must get.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| result | {verdict} |",
            f"| requests after warm-up | {summary['requests'] - min(5000, args.soak // 5):,} in "  # type: ignore[operator]
            f"{summary['seconds']:.0f} s ({summary['rate']:,.0f}/s) |",
            f"| statuses | {statuses} |",
            f"| unexpected statuses or connection errors | {summary['unexpected_count']} |",
            f"| server RSS after warm-up / peak / end | {summary['rss_after_warmup_mb']:.1f} / "
            f"{summary['rss_peak_mb']:.1f} / {summary['rss_final_mb']:.1f} MB |",
            f"| growth after warm-up (bound {args.growth_bound:.0f} MB) | "
            f"{summary['growth_mb']:.1f} MB |",
            f"| p99 latency | {summary['p99_ms']:.1f} ms |",
            f"| server alive at the end | {'yes' if summary['alive'] else 'no'} |",
        ]
    )


def soak_passed(summary: dict[str, object]) -> bool:
    return (
        summary["unexpected_count"] == 0
        and bool(summary["alive"])
        and float(summary["growth_mb"]) <= float(summary["bound_mb"])  # type: ignore[arg-type]
    )


def replace_section(path: Path, name: str, title: str, body: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n## {title}\n\n{body}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--soak", type=int, default=0, metavar="N", help="also soak with N requests"
    )
    parser.add_argument("--growth-bound", type=float, default=30.0, metavar="MB")
    parser.add_argument("--smoke", action="store_true", help="a quick run; writes no docs")
    parser.add_argument("--performance-doc", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--reliability-doc", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args()
    civil, _ = load_texts(args.data)
    if not civil:
        print(f"skipped: no corpora under {args.data} (../shared/data is not here)")
        return 0
    if args.smoke:
        args.requests, args.soak = 300, 2000
    results = load(args, civil)
    summary = soak(args, civil) if args.soak else None
    failed = any(r.unexpected for r in results) or (
        summary is not None and not soak_passed(summary)
    )
    if not args.smoke:
        replace_section(
            args.performance_doc,
            "service-load",
            "HTTP service under load",
            render_load(results, args),
        )
        if summary is not None:
            replace_section(
                args.reliability_doc,
                "service-soak",
                "Service soak test",
                render_soak(summary, args),
            )
    for r in results:
        for problem in r.unexpected[:10]:
            print(f"unexpected: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
