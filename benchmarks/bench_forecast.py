"""Volume-forecast benchmark: nested rolling-origin backtests of every candidate, ``auto`` and the single best, on
seven real daily series.

    python benchmarks/bench_forecast.py [--data-dir ../shared/data] [--out FILE] [--variants auto best ets ...]
                                        [--holidays]

Run from the repository root. Series: the six of ``volume/`` (see its README) and ``volume_philly311_dumping.csv``.
Each is backtested with ``backtest_volume`` (4 folds of 28 days, not overlapping, the last ending at the end of the
data; default arguments otherwise). ``auto`` chooses inside each fold's training part only (nested), so its numbers
are out of sample. Variants: ``auto`` (mean of the best three of the internal backtest, the default), ``best`` (the
single best of the same backtest), and each candidate alone (``arima``, ``ets``, ``theta``, ``harmonic``,
``snaive``), each with its band calibrated on its own internal backtest. ``--holidays`` adds ``auto`` with each
series' public-holiday calendar (not a default argument, reported apart).

Per series and variant: MAE / seasonal-naive MAE summed over folds (target <= 0.85 each, mean <= 0.78), mean 95%
interval coverage (target 0.88-0.99), median fit+forecast seconds per fold. Then the default forecast is timed once
on each whole series (three years of history; target: median <= 10 s), wall clock and CPU. Prints markdown tables
and writes ``benchmarks/results_forecast.json``. BLAS/OpenMP threads are set to 1 unless already set; the load
average is recorded because other processes share the machine.
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

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("auto", "best", "arima", "ets", "theta", "harmonic", "snaive")
#: Public-holiday calendar of each series' market, for the --holidays rows only.
CALENDARS = {
    "dublin_fire_incidents": "IE", "favorita_transactions": "EC", "helpdesk_tickets": "IT",
    "london_takeaway_orders": "GB-ENG", "toronto_intake_calls": "CA-ON", "uihc_ed_arrivals": "US-IA",
    "volume_philly311_dumping": "US-PA",
}


def load_series(data_dir: Path) -> dict[str, Any]:
    import pandas as pd

    files = [*sorted((data_dir / "volume").glob("*.csv")), data_dir / "volume_philly311_dumping.csv"]
    return {p.stem: pd.read_csv(p, parse_dates=["date"]).set_index("date")["count"] for p in files if p.exists()}


def run_variant(series: Any, variant: str, holidays: str | None = None) -> Any:
    from feedback_nlp.insights import _forecast_engine as engine
    from feedback_nlp.insights.forecast import backtest_volume

    combine = engine.COMBINE
    try:
        if variant == "best":
            engine.COMBINE = 1
        model = "auto" if variant in ("auto", "best") else variant
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return backtest_volume(series, 28, folds=4, model=model, holidays=holidays)
    finally:
        engine.COMBINE = combine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results_forecast.json"))
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--holidays", action="store_true", help="also run auto with each series' holiday calendar")
    args = parser.parse_args()

    import pandas as pd
    import statsmodels

    import feedback_nlp
    from feedback_nlp.insights.forecast import forecast_volume

    all_series = load_series(Path(args.data_dir))
    if len(all_series) < 7:
        print(f"data not found under {args.data_dir} (need volume/*.csv and volume_philly311_dumping.csv)",
              file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    first = next(iter(all_series.values()))
    forecast_volume(first.iloc[:-200], 28)  # warm-up (imports, first-call costs), not timed
    warmup = time.perf_counter() - t0

    runs = [(v, None) for v in args.variants]
    if args.holidays:
        runs.append(("auto", "holidays"))
    rows = []
    for name, s in all_series.items():
        for variant, cal in runs:
            label = variant if cal is None else "auto + holidays"
            bt = run_variant(s, variant, CALENDARS[name] if cal else None)
            rows.append({
                "series": name, "points": len(s), "variant": label, "holidays": CALENDARS[name] if cal else None,
                "relative_mae": float(bt["mae"].sum() / bt["snaive_mae"].sum()),
                "coverage_95": float(bt["coverage"].mean()), "median_seconds": float(bt["seconds"].median()),
                "max_seconds": float(bt["seconds"].max()), "fitted_last_fold": bt["model"].iloc[-1],
                "folds": bt.drop(columns=["model"]).astype(str).to_dict("records"),
                "load_average": os.getloadavg()[0],
            })
            r = rows[-1]
            print(f"done {name} {label}: rel {r['relative_mae']:.3f} cov {r['coverage_95']:.3f} "
                  f"median {r['median_seconds']:.1f} s (load {r['load_average']:.1f})", file=sys.stderr, flush=True)

    # Fit time of the default forecast on each whole series (three years of history), wall clock and CPU: the wall
    # clock depends on what else runs on the machine (recorded as the load average), the CPU time much less.
    timing = []
    for name, s in all_series.items():
        w0, c0 = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = forecast_volume(s, 28)
        timing.append({"series": name, "wall_seconds": time.perf_counter() - w0,
                       "cpu_seconds": time.process_time() - c0, "load_average": os.getloadavg()[0],
                       "model": fc.model})
        print(f"timed {name}: {timing[-1]['wall_seconds']:.1f} s wall, {timing[-1]['cpu_seconds']:.1f} s CPU",
              file=sys.stderr, flush=True)
    print("\n| series | fit + forecast, wall s | CPU s | load average | model |\n|---|---:|---:|---:|---|")
    for t in timing:
        print(f"| {t['series']} | {t['wall_seconds']:.1f} | {t['cpu_seconds']:.1f} | {t['load_average']:.1f} "
              f"| {t['model']} |")
    print(f"| **median** | **{statistics.median(t['wall_seconds'] for t in timing):.1f}** | "
          f"**{statistics.median(t['cpu_seconds'] for t in timing):.1f}** | | |")

    labels = list(dict.fromkeys(r["variant"] for r in rows))
    names = list(all_series)
    print("\nMAE / seasonal-naive MAE (4 x 28 days; lower is better), 95% coverage in brackets\n")
    print("| series | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    cell = {(r["series"], r["variant"]): r for r in rows}
    for n in names:
        print(f"| {n} | " + " | ".join(f"{cell[n, v]['relative_mae']:.3f} ({cell[n, v]['coverage_95']:.2f})"
                                       for v in labels) + " |")
    summary = {}
    for v in labels:
        rel = [cell[n, v]["relative_mae"] for n in names]
        cov = [cell[n, v]["coverage_95"] for n in names]
        secs = [cell[n, v]["median_seconds"] for n in names]
        summary[v] = {"mean_relative_mae": statistics.mean(rel), "max_relative_mae": max(rel),
                      "min_coverage": min(cov), "max_coverage": max(cov), "median_seconds": statistics.median(secs)}
    print("| **mean** | " + " | ".join(f"**{summary[v]['mean_relative_mae']:.3f}**" for v in labels) + " |")
    print("| max | " + " | ".join(f"{summary[v]['max_relative_mae']:.3f}" for v in labels) + " |")
    print("| coverage min–max | " + " | ".join(f"{summary[v]['min_coverage']:.2f}–{summary[v]['max_coverage']:.2f}"
                                              for v in labels) + " |")
    print("| median s per fit | " + " | ".join(f"{summary[v]['median_seconds']:.1f}" for v in labels) + " |")
    auto = summary.get("auto")
    targets: dict[str, bool] = {"median_fit_seconds<=10": statistics.median(t["wall_seconds"] for t in timing) <= 10}
    if auto is not None:
        targets.update({
            "each_relative_mae<=0.85": auto["max_relative_mae"] <= 0.85,
            "mean_relative_mae<=0.78": auto["mean_relative_mae"] <= 0.78,
            "coverage_in_[0.88,0.99]": 0.88 <= auto["min_coverage"] and auto["max_coverage"] <= 0.99,
        })
    print(f"\nwarm-up forecast: {warmup:.2f} s (not counted); auto targets met: {targets}")
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
        "folds": 4, "horizon": 28, "warmup_seconds": warmup, "summary": summary, "targets_met": targets,
        "timing": timing, "rows": rows,
    }
    tmp = Path(args.out).with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
