"""Volume-forecast benchmark: rolling-origin backtests of ``forecast_volume`` against seasonal naive.

    python benchmarks/bench_forecast.py [--data-dir ../shared/data] [--out FILE]

Run from the repository root. Series: ``volume_philly311_dumping.csv`` (daily, 2016-2025) as given, its last two years
only, and its weekly sums (full weeks). Each is backtested with ``backtest_volume`` (4 folds, not overlapping, the
last ending at the end of the data; horizon 28 days, 8 weeks for the weekly series) for ``model="auto"`` and
``model="snaive"``. Per row: MAE / seasonal-naive MAE summed over folds (target <= 0.85), mean MASE, mean 95%
interval coverage (target 0.85-0.995), median fit+forecast seconds per series (target <= 10 s; a warm-up forecast
runs first and is not timed). Prints a markdown table and writes ``benchmarks/results_forecast.json``.
BLAS/OpenMP threads are set to 1 unless already set (recorded in the JSON).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_forecast.json"))
    args = parser.parse_args()

    import pandas as pd
    import statsmodels

    import feedback_nlp
    from feedback_nlp.insights.forecast import backtest_volume, forecast_volume

    path = Path(args.data_dir) / "volume_philly311_dumping.csv"
    if not path.exists():
        print(f"data not found: {path}", file=sys.stderr)
        return 2
    s = pd.read_csv(path, parse_dates=["date"]).set_index("date")["count"]
    weekly = s.resample("W").sum().iloc[1:-1]  # drop the partial first and last weeks
    cases = [("daily, 2016-2025", s, 28), ("daily, last 2 years", s.iloc[-730:], 28), ("weekly sums", weekly, 8)]

    t0 = time.perf_counter()
    forecast_volume(s.iloc[:-200], 28)  # warm-up (imports, first-call costs), not timed
    warmup = time.perf_counter() - t0

    rows = []
    for name, series, horizon in cases:
        for model in ("auto", "snaive"):
            bt = backtest_volume(series, horizon, folds=4, model=model)
            rows.append({
                "series": name, "points": len(series), "horizon": horizon, "model": model,
                "relative_mae": float(bt["mae"].sum() / bt["snaive_mae"].sum()),
                "mae": float(bt["mae"].mean()), "snaive_mae": float(bt["snaive_mae"].mean()),
                "mase": float(bt["mase"].mean()), "coverage_95": float(bt["coverage"].mean()),
                "median_seconds": float(bt["seconds"].median()), "max_seconds": float(bt["seconds"].max()),
                "fitted": bt["model"].iloc[-1], "folds": bt.drop(columns=["model"]).astype(str).to_dict("records"),
            })
            r = rows[-1]
            print(f"done {name} {model}: rel {r['relative_mae']:.3f} cov {r['coverage_95']:.3f}", file=sys.stderr)

    print("\n| series | model | points | h | MAE / snaive MAE | MAE | MASE | 95% coverage | median s "
          "| fitted (last fold) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['series']} | {r['model']} | {r['points']} | {r['horizon']} | {r['relative_mae']:.3f} | "
              f"{r['mae']:.1f} | {r['mase']:.2f} | {r['coverage_95']:.3f} | {r['median_seconds']:.2f} "
              f"| {r['fitted']} |")
    auto = [r for r in rows if r["model"] == "auto"]
    targets = {
        "relative_mae<=0.85": all(r["relative_mae"] <= 0.85 for r in auto),
        "coverage_in_[0.85,0.995]": all(0.85 <= r["coverage_95"] <= 0.995 for r in auto),
        "median_seconds<=10": all(r["median_seconds"] <= 10 for r in auto),
    }
    print(f"\nwarm-up forecast: {warmup:.2f} s (not counted); targets met: {targets}")
    result = {
        "benchmark": "forecast",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv),
        "machine": {
            "platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "env": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        },
        "versions": {"feedback_nlp": feedback_nlp.__version__, "pandas": pd.__version__,
                     "statsmodels": statsmodels.__version__},
        "data": str(path.name), "folds": 4, "warmup_seconds": warmup, "targets_met": targets, "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
