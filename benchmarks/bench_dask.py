"""Throughput of feedback_nlp.scale.dask.classify_dataframe on a local multi-process Dask cluster, 1 and 2 workers.

    python benchmarks/bench_dask.py                       # 200k rows, workers 1 and 2
    python benchmarks/bench_dask.py --rows 50000 --workers 2 --out /tmp/r.json

Each run starts a ``LocalCluster`` (one thread per worker process, loopback only), warms every worker's model cache
with a small frame, then times ``classify_dataframe(ddf).compute()`` on ``--rows`` rows and checks that no row was lost
or reordered. For reference it also times plain ``fn.classify_frame`` on the same rows in this process. Writes
``benchmarks/results_dask.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # for workers
BASE = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "请问怎么退款？", "希望增加夜间配送",
        "等了一个小时还没上菜", "价格有点贵，但是质量不错", "物流很快，包装也很好"]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(BASE), n), rng.integers(0, len(BASE), n)
    return pd.DataFrame({"text": [f"{BASE[i]}，{BASE[j]}{k % 97}" for k, (i, j) in enumerate(zip(a, b))]})


def run(df: pd.DataFrame, workers: int, partitions_per_worker: int) -> dict[str, Any]:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import feedback_nlp.scale.dask as fnd

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        warm = dd.from_pandas(df.head(64 * workers), npartitions=workers, sort=False)
        fnd.classify_dataframe(warm).compute()  # every worker loads its model once, outside the timing
        ddf = dd.from_pandas(df, npartitions=workers * partitions_per_worker, sort=False)
        t0 = time.perf_counter()
        with warnings.catch_warnings():  # from_pandas puts the rows in the graph; fine on one machine
            warnings.filterwarnings("ignore", message="Sending large graph")
            out = fnd.classify_dataframe(ddf).compute()
        seconds = time.perf_counter() - t0
        loaded = client.run(lambda: len(fnd._cache))
    assert len(out) == len(df) and out.index.equals(df.index), "rows lost or reordered"
    return {"workers": workers, "rows": len(df), "partitions": ddf.npartitions, "seconds": round(seconds, 2),
            "rows_per_s": round(len(df) / seconds), "models_loaded_per_worker": sorted(loaded.values())}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--partitions-per-worker", type=int, default=4)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results_dask.json"))
    args = p.parse_args()
    import feedback_nlp as fn

    df = make_frame(args.rows)
    load_before = os.getloadavg()
    fn.classify_frame(df.head(100))
    t0 = time.perf_counter()
    fn.classify_frame(df)
    local = time.perf_counter() - t0
    baseline = {"engine": "fn.classify_frame, one process", "rows": len(df), "seconds": round(local, 2),
                "rows_per_s": round(len(df) / local)}
    print(json.dumps(baseline), flush=True)
    runs = []
    for w in args.workers:
        r = run(df, w, args.partitions_per_worker)
        print(json.dumps(r), flush=True)
        runs.append(r)
    out = {
        "benchmark": "feedback_nlp.scale.dask.classify_dataframe on a LocalCluster (processes, 1 thread each)",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/bench_dask.py", *sys.argv[1:]]),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "note": "loadavg_before > 0.5 means other work shared the cores",
        "baseline": baseline,
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
