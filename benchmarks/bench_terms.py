"""Phrase discovery and emerging terms (issue 16): speed, and how often growth is found / invented.

    python benchmarks/bench_terms.py [--seeds 20] [--data-dir ../shared/data] [--out FILE]

* ``discover_phrases`` time on 2,000 and 20,000 hand-written bank tickets (tests/bank_tickets.py), and on the
  unlabeled service messages of ``--data-dir`` when present (count and time only: no phrase from that file is
  printed or stored).
* ``emerging_terms(period="Q")`` with no ``user_words`` on ``--seeds`` corpora of 2,000 tickets where 刷脸支付
  triples each quarter (is 刷脸支付 or 刷脸 in the top 5?) and on as many where no issue grows (is anything
  reported significant? BH at alpha 0.05 should do so in about 5% of corpora at most).

Prints a markdown table and writes ``benchmarks/results_terms.json`` (machine, date, command).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results_terms.json"))
    args = ap.parse_args(argv)

    from feedback_nlp.insights.terms import emerging_terms
    from feedback_nlp.text.phrases import discover_phrases
    from feedback_nlp.text.tokenize import jieba_tokenizer
    from tests.bank_tickets import make_bank_tickets

    jieba_tokenizer()  # dictionary load is not part of the timings
    rows: dict[str, Any] = {}
    for n in (2_000, 20_000):
        texts = make_bank_tickets(n, seed=1)["text"]
        found, secs = _timed(discover_phrases, texts)
        rows[f"phrases_{n}"] = {"texts": n, "seconds": round(secs, 2), "phrases": len(found),
                                "top": found["phrase"].head(6).tolist()}
    shared = Path(args.data_dir) / "service_feedback_unlabeled.csv"
    if shared.exists():
        import pandas as pd

        texts = pd.read_csv(shared)["text"]
        found, secs = _timed(discover_phrases, texts)
        rows["phrases_service_feedback_unlabeled"] = {"texts": int(texts.notna().sum()), "seconds": round(secs, 2),
                                                      "phrases": len(found)}
    hits = false_alarms = 0
    secs_total = 0.0
    seeds = range(10, 10 + args.seeds)
    for seed in seeds:
        em, secs = _timed(emerging_terms, make_bank_tickets(2000, seed=seed), "created_at", period="Q")
        secs_total += secs
        hits += bool({"刷脸支付", "刷脸"} & set(em["term"].head(5)))
        flat = emerging_terms(make_bank_tickets(2000, seed=seed, grow=None), "created_at", period="Q")
        false_alarms += len(flat) > 0
    rows["emerging"] = {"corpora": args.seeds, "growing_found_top5": hits, "flat_with_any_significant": false_alarms,
                        "seconds_per_corpus": round(secs_total / args.seeds, 2)}
    result = {"machine": f"{os.cpu_count()} cores, {platform.machine()}", "date": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "command": "python benchmarks/bench_terms.py " + " ".join(argv or sys.argv[1:]),
        "results": rows}
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("| what | result |\n|---|---|")
    for key, value in rows.items():
        print(f"| {key} | {json.dumps(value, ensure_ascii=False)} |")
    return result


if __name__ == "__main__":
    main()
