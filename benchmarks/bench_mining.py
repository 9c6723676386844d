"""Co-occurrence mining at scale: 1,000,000 tickets over 50 tags, FP-growth and Apriori, max_len 3.

    python benchmarks/bench_mining.py [--rows 1000000] [--tags 50] [--out FILE]
    python -m pytest -m slow benchmarks/bench_mining.py      # the same check as a slow test

Synthetic tickets (seed 0): 1-4 tags each, tag popularity from a Dirichlet(0.5) draw (t0 most popular), plus one
planted association (tag t1 ⇒ t2 added to 60% of t1 tickets) that must be found. Times, per algorithm, building the
sparse one-hot from tag lists + mining + rules with ``mine_cooccurrence(min_support=0.01, min_confidence=0.1,
max_len=3)``. Prints a markdown table and writes ``benchmarks/results_mining.json`` (machine, date, command).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_transactions(rows: int, tags: int, seed: int = 0) -> list[list[str]]:
    import numpy as np

    rng = np.random.default_rng(seed)
    p = np.sort(rng.dirichlet(np.full(tags, 0.5)))[::-1]  # t0 is the most popular tag
    sizes = rng.integers(1, 5, rows)
    flat = rng.choice(tags, size=int(sizes.sum()), p=p)
    names = np.array([f"t{i}" for i in range(tags)], dtype=object)
    out: list[list[str]] = []
    start = 0
    plant = rng.random(rows) < 0.6
    for i, k in enumerate(sizes.tolist()):
        basket = names[flat[start:start + k]].tolist()
        start += k
        if "t1" in basket and plant[i]:
            basket.append("t2")
        out.append(basket)
    return out


def run(rows: int, tags: int) -> dict[str, Any]:
    from feedback_nlp.insights.cooccurrence import mine_cooccurrence

    t0 = time.perf_counter()
    transactions = make_transactions(rows, tags)
    gen = time.perf_counter() - t0
    result: dict[str, Any] = {"rows": rows, "tags": tags, "generate_seconds": gen, "algorithms": {}}
    for algorithm in ("fpgrowth", "apriori"):
        t0 = time.perf_counter()
        rules = mine_cooccurrence(transactions, min_support=0.01, min_confidence=0.1, max_len=3,
                                  algorithm=algorithm)  # type: ignore[arg-type]
        seconds = time.perf_counter() - t0
        planted = rules[(rules["antecedents"] == frozenset({"t1"})) & (rules["consequents"] == frozenset({"t2"}))]
        result["algorithms"][algorithm] = {
            "seconds": seconds, "rules": len(rules),
            "planted_rule_found": len(planted) == 1,
            "planted_confidence": round(float(planted["confidence"].iloc[0]), 3) if len(planted) else None,
            "top_rule": rules["rule"].iloc[0] if len(rules) else None,
        }
    fp, ap = (result["algorithms"][a] for a in ("fpgrowth", "apriori"))
    result["same_rule_count"] = fp["rules"] == ap["rules"]
    return result


@pytest.mark.slow
def test_one_million_tickets_fifty_tags() -> None:
    r = run(1_000_000, 50)
    fp = r["algorithms"]["fpgrowth"]
    assert fp["planted_rule_found"] and r["same_rule_count"]
    assert fp["seconds"] < 60, fp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_mining.json"))
    args = parser.parse_args()
    import mlxtend
    import pandas as pd

    r = run(args.rows, args.tags)
    print("| algorithm | tickets | tags | seconds (one-hot + mine + rules) | rules | planted t1 ⇒ t2 found (conf) |")
    print("|---|---:|---:|---:|---:|---|")
    for name, a in r["algorithms"].items():
        print(f"| {name} | {r['rows']:,} | {r['tags']} | {a['seconds']:.1f} | {a['rules']} | "
              f"{a['planted_rule_found']} ({a['planted_confidence']}) |")
    r.update({
        "benchmark": "mining",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpu_count": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "versions": {"mlxtend": mlxtend.__version__, "pandas": pd.__version__},
    })
    Path(args.out).write_text(json.dumps(r, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
