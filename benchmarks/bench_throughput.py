"""Throughput of ``classify_batch`` (sentiment, topics, kind, priority) on reviews and service messages.

    python benchmarks/bench_throughput.py [--data-dir ../shared/data] [--model models/feedback-zh-default]
                                          [--code .] [--n 10000] [--passes 5] [--out FILE]

``--code``: the repository whose ``feedback_nlp`` is imported (a second checkout measures an older version on the
same machine, back to back); ``--model``: the model directory. Texts: the first ``--n`` reviews of
``reviews_sentiment_train.csv`` and all labelled + unlabelled service messages (cut to ``--n``). Reported: the
median and the best texts/s over ``--passes`` passes with ``batch_size=1024``, after one warm-up batch, with
BLAS/OpenMP threads at 1 unless already set. The issue-13 target is 3,000 review texts/s with topics on the
development machine (2 cores). Prints one JSON object (also written to ``--out`` when given).
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

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--model", default=str(REPO / "models" / "feedback-zh-default"))
    ap.add_argument("--code", default=str(REPO))
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve()))
    import numpy as np
    import pandas as pd

    import feedback_nlp as fn

    data = Path(args.data_dir)
    reviews = pd.read_csv(data / "reviews_sentiment_train.csv", usecols=["text"], dtype=str,
                          nrows=args.n + 100)["text"].dropna().tolist()[: args.n]
    with open(data / "service_feedback_labeled.jsonl", encoding="utf-8") as f:
        service = [json.loads(line)["text"] for line in f if line.strip()]
    service += pd.read_csv(data / "service_feedback_unlabeled.csv", dtype=str)["text"].dropna().tolist()
    service = service[: args.n]
    clf = fn.load(args.model)
    out: dict[str, object] = {
        "benchmark": "bench_throughput",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "omp_threads": os.environ.get("OMP_NUM_THREADS"), "load_1min_before": os.getloadavg()[0]},
        "code": str(Path(fn.__file__).resolve().parents[1]),
        "model": args.model,
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
    }
    for name, texts in (("reviews", reviews), ("service_messages", service)):
        clf.classify_batch(texts[:200])
        runs = []
        for _ in range(args.passes):
            t0 = time.perf_counter()
            clf.classify_batch(texts, batch_size=1024)
            runs.append(time.perf_counter() - t0)
        out[name] = {"n_texts": len(texts), "mean_chars": float(np.mean([len(t) for t in texts])),
                     "texts_per_s_median": len(texts) / float(np.median(runs)),
                     "texts_per_s_best": len(texts) / min(runs), "seconds_runs": [round(r, 3) for r in runs]}
    text = json.dumps(out, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
