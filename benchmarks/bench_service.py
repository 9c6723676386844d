"""Load test of the HTTP service on 127.0.0.1: N concurrent clients, single-text requests, bounded in time and count.

    python benchmarks/bench_service.py                      # workers 1 and 2, 16 clients, 10 s each
    python benchmarks/bench_service.py --workers 2 --duration 5 --clients 16 --out /tmp/r.json

Starts ``python -m feedback_nlp serve`` (the same as ``feedback-nlp serve``) on a free loopback port,
waits for
``/healthz``, warms up, then each client sends ``POST /v1/classify {"text": ...}`` back to back over one keep-alive
connection until ``--duration`` seconds or ``--max-requests`` requests. Reports requests/s, p50/p90/p99/max latency
and errors (any non-200 answer, wrong answer or socket error), and writes ``benchmarks/results_service.json``.

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams (like ``wrk``), so that on a 2-core machine
the load generator takes as little CPU as possible from the server it measures. Never binds anything but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"requests_per_s": 800.0, "p99_ms": 50.0, "errors": 0}


def load_texts(n: int = 2000, seed: int = 0) -> list[str]:
    """Texts from the test fixture plus generated variations (distinct bodies, realistic lengths)."""
    import csv

    with open(ROOT / "tests" / "fixtures" / "reviews_small.csv", encoding="utf-8") as f:
        base = [r["text"] for r in csv.DictReader(f)]
    rng = random.Random(seed)
    extra = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "希望增加夜间配送", "请问怎么退款？",
             "价格有点贵，但是质量不错", "等了一个小时还没上菜", "物流很快，包装也很好"]
    pool = base + extra
    return [f"{rng.choice(pool)}{rng.choice(['', '，', '。'])}{rng.choice(pool)}" for _ in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, extra: list[str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "feedback_nlp", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", *extra]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not answer /healthz within 60 s")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


async def _client(port: int, bodies: list[bytes], stop_at: float, budget: list[int],
                  latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    try:
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            body = bodies[i % len(bodies)]
            i += 1
            request = (b"POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            t0 = time.perf_counter()
            writer.write(request)
            try:
                status, payload = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError) as e:
                errors.append(f"{type(e).__name__}: {e}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"HTTP {status}: {payload[:200]!r}")
            elif b'"sentiment"' not in payload:
                errors.append(f"unexpected answer {payload[:200]!r}")
    finally:
        writer.close()


async def _load(port: int, texts: list[str], clients: int, duration: float, max_requests: int,
                warmup: float) -> dict[str, Any]:
    bodies = [json.dumps({"text": t}, ensure_ascii=False).encode("utf-8") for t in texts]
    for phase_duration, budget in ((warmup, 10**9), (duration, max_requests)):
        latencies: list[float] = []
        errors: list[str] = []
        left = [budget]
        t0 = time.perf_counter()
        stop_at = t0 + phase_duration
        await asyncio.gather(*(_client(port, bodies[k::clients], stop_at, left, latencies, errors)
                               for k in range(clients)))
        elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) if latencies else 0.0

    return {"requests": len(latencies), "seconds": round(elapsed, 2),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
            "errors": len(errors), "error_samples": errors[:5]}


def run_one(workers: int, clients: int, duration: float, max_requests: int, warmup: float,
            extra: list[str]) -> dict[str, Any]:
    port = free_port()
    proc = start_server(port, workers, extra)
    try:
        try:
            import uvloop

            runner: Any = uvloop.run
        except ImportError:
            runner = asyncio.run
        res: dict[str, Any] = runner(_load(port, load_texts(), clients, duration, max_requests, warmup))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    res = {"workers": workers, "clients": clients, **res}
    res["meets_targets"] = (res["requests_per_s"] >= TARGETS["requests_per_s"] and res["p99_ms"] <= TARGETS["p99_ms"]
                            and res["errors"] == TARGETS["errors"])
    return res


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--duration", type=float, default=10.0, help="seconds of measured load per worker count")
    p.add_argument("--max-requests", type=int, default=50_000, help="stop a run after this many requests")
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results_service.json"))
    p.add_argument("server_args", nargs="*", help="extra `serve` options after --, e.g. -- --batch-wait-ms 1")
    args = p.parse_args()
    load_before = os.getloadavg()
    runs = []
    for w in args.workers:
        r = run_one(w, args.clients, args.duration, args.max_requests, args.warmup, args.server_args)
        print(json.dumps(r, ensure_ascii=False), flush=True)
        runs.append(r)
    out = {
        "benchmark": "HTTP service load test, single-text POST /v1/classify on 127.0.0.1",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/bench_service.py", *sys.argv[1:]]),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "note": "client and server share the same cores; loadavg_before > 0.5 means other work was running",
        "targets": TARGETS,
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
