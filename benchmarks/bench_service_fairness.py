"""Latency of single-text requests while other clients send big batches (issue 14: big batches must not starve
single requests).

Starts the service on 127.0.0.1 (a random free port, one worker, default model), then for ``--seconds`` runs
``--big-clients`` threads that each send ``--batch`` texts per request in a loop, and one thread that sends single
texts one after another. Prints single-request latency percentiles and the batch throughput. Bounded: every
request has a client timeout, and the server is stopped at the end.

    python benchmarks/bench_service_fairness.py --big-clients 6 --batch 1000 --seconds 30
    # another checkout of the library (e.g. before the fix): PYTHONPATH=/path/to/checkout python benchmarks/...

The server is ``python -m feedback_nlp serve`` of whatever ``feedback_nlp`` the interpreter imports (PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

_PARTS = ["快递三天才到", "客服态度还很差", "房间干净", "前台很热情", "转账一直失败", "系统卡顿", "退款到现在没到账",
          "物流很快", "包装破损", "味道不错", "排队等了一个小时", "App闪退", "工作人员很耐心", "电话打不通"]


def _text(rng: random.Random) -> str:
    return "，".join(rng.choice(_PARTS) for _ in range(rng.randint(2, 5)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(port: int, body: dict[str, object] | bytes, timeout: float) -> tuple[int, float]:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/classify", data=data,
                                 headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            status = int(r.status)
    except urllib.error.HTTPError as e:
        status = int(e.code)
    except (urllib.error.URLError, TimeoutError, OSError):
        status = -1
    return status, time.perf_counter() - t0


async def _in_process(args: argparse.Namespace) -> dict[str, object]:
    """The scheduler alone, without HTTP: big and single submissions to the service's MicroBatcher in one loop."""
    import asyncio

    import feedback_nlp as fn
    from feedback_nlp.scale.service import MicroBatcher

    clf = fn.load("default")
    clf.classify_batch(["预热：快递很快，客服态度很好"])
    batcher = MicroBatcher(clf, max_texts=args.batch_texts, max_wait_s=0.002)
    await batcher.start()
    loop = asyncio.get_running_loop()
    stop = loop.time() + args.seconds
    singles: list[float] = []
    big_texts = 0

    async def big(seed: int) -> None:
        nonlocal big_texts
        rng = random.Random(seed)
        texts = [_text(rng) for _ in range(args.batch)]
        while loop.time() < stop:
            await batcher.submit(texts)
            big_texts += len(texts)

    async def single() -> None:
        rng = random.Random(-1)
        await asyncio.sleep(1.0)
        while loop.time() < stop:
            t0 = time.perf_counter()
            await batcher.submit([_text(rng)])
            singles.append(time.perf_counter() - t0)

    await asyncio.gather(*(big(i) for i in range(args.big_clients)), single())
    await batcher.stop()
    ok = sorted(singles)
    return {"mode": "in-process MicroBatcher", "single_requests": len(ok),
            "single_latency_s": {"p50": round(ok[len(ok) // 2], 3), "p95": round(ok[int(0.95 * len(ok))], 3),
                                 "max": round(ok[-1], 3), "mean": round(statistics.fmean(ok), 3)} if ok else None,
            "big_texts_per_s": round(big_texts / args.seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big-clients", type=int, default=6)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--out", help="also write the result JSON here")
    ap.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (s)")
    ap.add_argument("--batch-texts", type=int, default=256, help="--in-process: the MicroBatcher's max_texts")
    ap.add_argument("--in-process", action="store_true",
                    help="measure the scheduler alone (MicroBatcher with the default model, no HTTP, no client CPU)")
    args = ap.parse_args()
    if args.in_process:
        import asyncio

        import feedback_nlp

        load_before = [round(x, 2) for x in os.getloadavg()]
        res = {"library": str(Path(feedback_nlp.__file__).parent), "batch_texts": args.batch_texts,
               "big_clients": args.big_clients,
               "batch": args.batch, "seconds": args.seconds, **asyncio.run(_in_process(args)),
               "load_average_before": load_before}
        print(json.dumps(res, indent=1))
        if args.out:
            Path(args.out).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
        return

    load_before = [round(x, 2) for x in os.getloadavg()]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "feedback_nlp", "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", "1", "--log-level", "warning"], env=os.environ.copy())
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        else:
            raise SystemExit("the service did not start within 120 s")
        stop = time.time() + args.seconds
        singles: list[tuple[int, float]] = []
        bigs: list[tuple[int, float]] = []

        def big(seed: int) -> None:
            rng = random.Random(seed)  # bodies encoded once: the load generator must not be the bottleneck
            bodies = [json.dumps({"texts": [_text(rng) for _ in range(args.batch)]}, ensure_ascii=False).encode()
                      for _ in range(4)]
            k = 0
            while time.time() < stop:
                bigs.append(_post(port, bodies[k % len(bodies)], args.timeout))
                k += 1

        def single() -> None:
            rng = random.Random(-1)
            time.sleep(1.0)  # let the big clients fill the queue first
            while time.time() < stop:
                singles.append(_post(port, {"text": _text(rng)}, args.timeout))

        threads = [threading.Thread(target=big, args=(i,)) for i in range(args.big_clients)]
        threads.append(threading.Thread(target=single))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = sorted(s for code, s in singles if code == 200)

    def pct(q: float) -> float:
        return ok[min(len(ok) - 1, int(q * len(ok)))] if ok else float("nan")

    big_ok = [s for code, s in bigs if code == 200]
    import feedback_nlp

    result: dict[str, object] = {
        "library": str(Path(feedback_nlp.__file__).parent), "big_clients": args.big_clients, "batch": args.batch,
        "seconds": args.seconds,
        "single_requests": len(singles), "single_ok": len(ok),
        "single_status_other": sorted({code for code, _ in singles if code != 200}),
        "single_latency_s": {"p50": round(pct(0.5), 3), "p95": round(pct(0.95), 3),
                             "max": round(ok[-1], 3) if ok else None,
                             "mean": round(statistics.fmean(ok), 3) if ok else None},
        "big_requests_ok": len(big_ok), "big_status_other": sorted({code for code, _ in bigs if code != 200}),
        "big_texts_per_s": round(len(big_ok) * args.batch / args.seconds, 1),
        "load_average_before": load_before,
    }
    print(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
