"""Speed of ``fn.spread`` on a 100,000-edge synthetic repost forest and a 100,000-edge cyclic mention graph, and of
``fn.rfm`` on 1,000,000 transactions.

    python benchmarks/bench_spread.py [--edges 100000] [--repeat 3] [--out FILE]
    python -m pytest -m slow benchmarks/bench_spread.py      # a smaller run as a slow test (no timing assertion)

All data are **synthetic** (seed 0) — no real repost dataset can be read offline here:

* forest: ``synthetic_cascades(n_posts=edges + 500, n_roots=500, n_users=20_000)`` — preferential attachment,
  see :func:`feedback_nlp.insights.spread.synthetic_cascades`;
* mention graph: ``edges`` random post → post edges among ``edges // 5`` posts (self-loops and duplicates removed
  first), so it is full of cycles — the case that must not hang;
* RFM: 1,000,000 transactions of 100,000 customers (Zipf-like activity, log-normal amounts, 2 years).

Times are the median of ``--repeat`` runs, wall clock and CPU time of the process. Prints a markdown table and writes
``benchmarks/results_spread.json`` (machine, date, command).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Median wall-clock and median CPU seconds of ``repeat`` calls (CPU time is less affected when other work
    shares the cores), and the last result."""
    wall, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def mention_graph(n_edges: int, seed: int = 0) -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_posts = max(10, n_edges // 5)
    src = rng.integers(0, n_posts, int(n_edges * 1.1))
    tgt = rng.integers(0, n_posts, int(n_edges * 1.1))
    e = pd.DataFrame({"source": src, "target": tgt})
    e = e[e["source"] != e["target"]].drop_duplicates().head(n_edges).reset_index(drop=True)
    posts = pd.DataFrame({
        "post_id": np.arange(n_posts), "author": rng.integers(0, max(2, n_posts // 10), n_posts),
        "time": pd.Timestamp("2024-05-01") + pd.to_timedelta(np.sort(rng.integers(0, 7 * 86400, n_posts)), "s"),
        "sentiment_label": np.where(rng.random(n_posts) < 0.3, "negative", "neutral"),
    })
    return e, posts


def transactions(rows: int, customers: int, seed: int = 0) -> Any:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, customers + 1) ** 0.7
    return pd.DataFrame({
        "customer": rng.choice(customers, size=rows, p=w / w.sum()),
        "time": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, rows), "s"),
        "amount": np.round(rng.lognormal(5.0, 1.2, rows), 2),
    })


def run(n_edges: int, repeat: int, rfm_rows: int) -> dict[str, Any]:
    from feedback_nlp.insights.customers import rfm
    from feedback_nlp.insights.spread import spread, synthetic_cascades

    result: dict[str, Any] = {"edges": n_edges, "repeat": repeat}
    t0 = time.perf_counter()
    edges, posts = synthetic_cascades(n_posts=n_edges + 500, n_roots=500, n_users=20_000, seed=0)
    result["forest_generate_seconds"] = time.perf_counter() - t0
    sec, cpu, sp = _timed(lambda: spread(edges, posts), repeat)
    c = sp.cascades
    result["forest"] = {
        "posts": len(posts), "edges": len(edges), "seconds": sec, "cpu_seconds": cpu, "cascades": len(c),
        "largest_cascade": int(c["size"].max()), "max_depth": int(c["depth"].max()),
        "cascades_with_500_reposts": int((c["reposts"] >= 500).sum()), "alerts": int(c["alert"].sum()),
        "top_spreader_negative_reach": int(sp.spreaders["negative_reach"].iloc[0]),
    }
    me, mp = mention_graph(n_edges)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # random directions: many edges point back in time
        sec, cpu, sm = _timed(lambda: spread(me, mp, min_size=1), repeat)
    result["mention_graph"] = {
        "posts": len(mp), "edges": len(me), "seconds": sec, "cpu_seconds": cpu, "unrooted_posts": sm.unrooted_posts,
        "every_post_in_one_cascade": int(sm.cascades["size"].sum()) == len(mp),
    }
    tx = transactions(rfm_rows, max(10, rfm_rows // 10))
    sec, cpu, r = _timed(lambda: rfm(tx, "customer", "time", "amount"), repeat)
    result["rfm"] = {"transactions": len(tx), "customers": len(r), "seconds": sec, "cpu_seconds": cpu,
                     "segments": r["segment"].value_counts().to_dict()}
    return result


@pytest.mark.slow
def test_spread_and_rfm_run_at_scale() -> None:
    r = run(20_000, 1, 100_000)
    assert r["forest"]["edges"] == 20_000 and r["mention_graph"]["every_post_in_one_cascade"]
    assert r["rfm"]["customers"] > 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--rfm-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_spread.json"))
    args = parser.parse_args()
    import networkx
    import pandas as pd

    r = run(args.edges, args.repeat, args.rfm_rows)
    f, m, q = r["forest"], r["mention_graph"], r["rfm"]
    print("| input (synthetic) | size | wall s (median) | CPU s (median) | result |")
    print("|---|---|---:|---:|---|")
    print(f"| repost forest, `spread` | {f['posts']:,} posts, {f['edges']:,} edges | {f['seconds']:.2f} | "
          f"{f['cpu_seconds']:.2f} | "
          f"{f['cascades']} cascades, largest {f['largest_cascade']:,}, depth ≤ {f['max_depth']}, "
          f"{f['cascades_with_500_reposts']} with ≥ 500 reposts |")
    print(f"| cyclic mention graph, `spread` | {m['posts']:,} posts, {m['edges']:,} edges | {m['seconds']:.2f} | "
          f"{m['cpu_seconds']:.2f} | "
          f"{m['unrooted_posts']:,} posts only on cycles; every post in one cascade: "
          f"{m['every_post_in_one_cascade']} |")
    print(f"| transactions, `rfm` | {q['transactions']:,} rows, {q['customers']:,} customers | {q['seconds']:.2f} | "
          f"{q['cpu_seconds']:.2f} | "
          f"8 segments |")
    r.update({
        "benchmark": "spread",
        "synthetic": True,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "versions": {"networkx": networkx.__version__, "pandas": pd.__version__},
    })
    out = Path(args.out)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(r, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, out)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
