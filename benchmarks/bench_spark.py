"""Spark local[N] against in-process: classify_dataframe rows/s, FP-growth mining, per-series forecasts, start-up.

    python benchmarks/bench_spark.py                        # 200k rows, 1M transactions, 100 series; local[2]
    python benchmarks/bench_spark.py --rows 50000 --transactions 100000 --series 50 --out /tmp/r.json

Needs the spark extra and Java 17+. Times, in this order:
- start-up: ``SparkSession.builder.getOrCreate()`` (JVM start), then the first job on 64 rows (Python workers start
  and each loads the model once);
- scoring: ``classify_dataframe(sdf)`` written to Spark's ``noop`` sink (every column computed, nothing collected)
  against ``fn.classify_frame`` on the same rows in this process;
- mining: ``mine_cooccurrence(sdf, "items")`` (Spark MLlib FP-growth + mlxtend rules) against ``fn.mine_cooccurrence``
  on the same baskets, and that both give the same rules;
- forecasts: ``forecast_volume(sdf_long, ...)`` over ``--series`` daily series against a loop of the in-process
  forecast.
Writes ``benchmarks/results_spark.json``.
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
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
BASE = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "请问怎么退款？", "希望增加夜间配送",
        "等了一个小时还没上菜", "价格有点贵，但是质量不错", "物流很快，包装也很好"]
TAGS = ["系统卡顿", "转账失败", "客服态度差", "扣费不明", "无法登录", "验证码收不到", "到账慢", "网点排队", "利率",
        "销户"]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(BASE), n), rng.integers(0, len(BASE), n)
    return pd.DataFrame({"ticket_id": np.arange(n),
                         "text": [f"{BASE[i]}，{BASE[j]}{k % 97}" for k, (i, j) in enumerate(zip(a, b))]})


def make_baskets(n: int, seed: int = 0) -> list[list[str]]:
    """Baskets of 0-4 tags with planted co-occurrences (转账失败 with 系统卡顿, 验证码收不到 with 无法登录)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        tags = set(rng.choice(TAGS, rng.integers(0, 4), replace=False).tolist())
        if "转账失败" in tags and rng.random() < 0.6:
            tags.add("系统卡顿")
        if "验证码收不到" in tags and rng.random() < 0.5:
            tags.add("无法登录")
        out.append(sorted(tags))
    return out


def make_series(k: int, days: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2023-01-02", periods=days, freq="D")
    week = np.array([1.0, 1.1, 1.05, 1.0, 0.9, 0.5, 0.45])
    frames = [pd.DataFrame({"series": f"branch{i:04d}", "day": idx,
                            "tickets": rng.poisson(rng.uniform(5, 200) * week[idx.dayofweek])}) for i in range(k)]
    return pd.concat(frames, ignore_index=True)


def timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--transactions", type=int, default=1_000_000)
    p.add_argument("--series", type=int, default=100)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--cores", type=int, default=2, help="local[N]")
    p.add_argument("--partitions", type=int, default=8, help="partitions of the scored DataFrame")
    p.add_argument("--repeat", type=int, default=2, help="timed runs of each Spark step (the best is reported)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results_spark.json"))
    args = p.parse_args()
    warnings.filterwarnings("ignore", category=FutureWarning)  # pyspark 4 on pandas 3: "not yet fully supported"
    os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")  # the same in the Python workers
    import feedback_nlp as fn
    from feedback_nlp.scale import spark as fns

    load_before = os.getloadavg()
    results: dict[str, Any] = {}

    from pyspark.sql import SparkSession

    spark, t_start = timed(lambda: SparkSession.builder.master(f"local[{args.cores}]").appName("bench_spark")
                           .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8")
                           .config("spark.driver.host", "127.0.0.1").config("spark.driver.memory", "4g")
                           .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = make_frame(args.rows)
    warm = spark.createDataFrame(df.head(64)).repartition(args.cores)
    _, t_first = timed(lambda: fns.classify_dataframe(warm).write.format("noop").mode("overwrite").save())
    results["startup"] = {"session_s": round(t_start, 2), "first_job_64_rows_s": round(t_first, 2),
                          "note": "first job: Python workers start and each loads the model once"}
    print(json.dumps(results["startup"]), flush=True)

    # ---- scoring
    fn.classify_frame(df.head(100))
    _, t_local = timed(lambda: fn.classify_frame(df))
    sdf = spark.createDataFrame(df).repartition(args.partitions).persist()
    sdf.count()
    spark_times = []
    for _ in range(args.repeat):
        _, t = timed(lambda: fns.classify_dataframe(sdf).write.format("noop").mode("overwrite").save())
        spark_times.append(round(t, 2))
    scored = fns.classify_dataframe(sdf)
    n_out, n_ids = scored.count(), scored.select("ticket_id").distinct().count()
    assert n_out == n_ids == len(df), "rows lost or duplicated"
    results["scoring"] = {"rows": len(df), "partitions": args.partitions,
                          "in_process_s": round(t_local, 2), "in_process_rows_per_s": round(len(df) / t_local),
                          "spark_s": spark_times, "spark_rows_per_s": round(len(df) / min(spark_times))}
    print(json.dumps(results["scoring"]), flush=True)
    sdf.unpersist()

    # ---- mining
    baskets = make_baskets(args.transactions)
    tsdf = spark.createDataFrame(pd.DataFrame({"items": baskets})).persist()
    tsdf.count()
    kw = {"min_support": 0.01, "min_confidence": 0.2}
    local_rules, t_mine_local = timed(lambda: fn.mine_cooccurrence(baskets, **kw))
    mine_times = []
    for _ in range(args.repeat):
        spark_rules, t = timed(lambda: fns.mine_cooccurrence(tsdf, "items", **kw))
        mine_times.append(round(t, 2))
    same = len(local_rules) == len(spark_rules) and local_rules["rule"].tolist() == spark_rules["rule"].tolist() \
        and bool(np.allclose(local_rules["lift"], spark_rules["lift"]))
    results["mining"] = {"transactions": len(baskets), **kw, "rules": len(local_rules), "same_rules": same,
                         "in_process_s": round(t_mine_local, 2), "spark_s": mine_times}
    print(json.dumps(results["mining"]), flush=True)
    tsdf.unpersist()

    # ---- forecasts
    long = make_series(args.series, args.days)
    lsdf = spark.createDataFrame(long).persist()
    lsdf.count()
    opts = {"model": "harmonic"}

    def local_loop() -> int:
        k = 0
        for _, g in long.groupby("series", sort=False):
            fn.forecast_volume(pd.Series(g["tickets"].to_numpy(), index=pd.DatetimeIndex(g["day"])), 28, **opts)
            k += 1
        return k

    _, t_fc_local = timed(local_loop)
    fc_times = []
    for _ in range(args.repeat):
        _, t = timed(lambda: fns.forecast_volume(lsdf, "series", "day", "tickets", 28, **opts)
                     .write.format("noop").mode("overwrite").save())
        fc_times.append(round(t, 2))
    results["forecast"] = {"series": args.series, "days": args.days, "horizon": 28, **opts,
                           "in_process_loop_s": round(t_fc_local, 2), "spark_s": fc_times,
                           "in_process_series_per_s": round(args.series / t_fc_local, 2),
                           "spark_series_per_s": round(args.series / min(fc_times), 2)}
    print(json.dumps(results["forecast"]), flush=True)
    spark.stop()

    import pyspark

    out = {
        "benchmark": f"feedback_nlp.scale.spark on local[{args.cores}] against in-process",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/bench_spark.py", *sys.argv[1:]]),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "pyspark": pyspark.__version__, "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "note": "loadavg_before > 0.5 means other work shared the cores",
        **results,
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
