"""Sentiment benchmark of feedback_nlp against SnowNLP and cnsenti, in one run.

    python benchmarks/bench_sentiment.py [--data-dir ../shared/data] [--quick] [--out FILE] [--no-install]

Run from the repository root. What it measures:

1. Accuracy. ``fit(train, dev, seed, service, questions, service_unlabeled)`` of ``scripts/train_default_model.py``
   (the default recipe with its service heads, always called, never copied) on the 80% split of
   ``split(df, seed=0)``; accuracy overall and per source, Brier and ECE on the 20% held-out
   (via ``evaluate_sentiment``), and 3-class macro-F1 on ``topic_labels_dev.jsonl`` (``sentiment`` field),
   5-fold cross-validated because the recipe's three-way head is fitted on that file.
   The shipped model is trained on all rows, so it is never used for accuracy.
2. Baselines on the same held-out texts: a fixed sample (3,000 texts, seed 0, stratified by source) scored by
   SnowNLP (``sentiments >= 0.5`` -> positive), cnsenti (``sentiment_count``: pos > neg -> positive,
   neg > pos -> negative, a tie (mostly 0 = 0, no lexicon word found) counts as WRONG on the binary held-out;
   the tie rate and the accuracy on decided rows are reported as well) and by our 80% model, like for like.
   On the 3-class dev file a cnsenti tie counts as neutral; SnowNLP never predicts neutral there.
3. Throughput (texts/s) on 2,000 held-out texts: ``fn.load("default").classify_batch(texts, batch_size=1024)``
   (median of 3 timed passes) vs SnowNLP and cnsenti (one timed pass each, they are slow); each after one
   warm-up call on the first 100 texts.
4. Single-text latency of ``clf.classify(text)`` (shipped model) over the same 2,000 texts: p50/p95/p99 in ms.
5. Cold start: wall time of a new process ``python -c "import feedback_nlp as fn; fn.classify('服务很好')"``
   (median of 3; the OS file cache is warm).
6. Size of everything under ``models/`` (MB = 10**6 bytes).
7. Prints one markdown table and writes ``benchmarks/results_sentiment.json`` (``--quick``:
   ``benchmarks/results_sentiment_quick.json``) with all numbers, the machine, date and command.

BLAS/OpenMP threads are set to 1 unless already set in the environment (recorded in the JSON).
``--quick`` fits on a 6,000-row subset of the training split and shrinks every sample: a smoke run only.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# single-threaded BLAS / OpenMP unless the caller set otherwise; must precede the numpy import
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.classify.training import evaluate_sentiment  # noqa: E402

BASELINE_PINS = {"snownlp": "snownlp==0.12.3", "cnsenti": "cnsenti==0.0.7"}
SOURCES = ("hotel", "waimai", "shopping")
COLD_CMD = "import feedback_nlp as fn; fn.classify('服务很好')"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ setup
def train_script() -> Any:
    """``scripts/train_default_model.py`` as a module (by path, so no other ``scripts`` package can shadow it)."""
    path = REPO / "scripts" / "train_default_model.py"
    spec = importlib.util.spec_from_file_location("_bench_train_default_model", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def ensure_baseline(name: str, install: bool) -> tuple[Any | None, str | None]:
    """Import a baseline, pip-installing its pinned version first if missing. Returns (module, error)."""
    try:
        return importlib.import_module(name), None
    except ImportError as e:
        first = f"{type(e).__name__}: {e}"
    if not install:
        return None, f"not installed ({first}) and --no-install given"
    log(f"{name} missing; pip install {BASELINE_PINS[name]}")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", BASELINE_PINS[name]], capture_output=True, text=True
    )
    if r.returncode != 0:
        return None, f"pip install {BASELINE_PINS[name]} failed: {(r.stderr or r.stdout).strip()[-500:]}"
    importlib.invalidate_caches()
    try:
        return importlib.import_module(name), None
    except Exception as e:
        return None, f"installed but import failed: {type(e).__name__}: {e}"


def pkg_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        r = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return r.stdout.strip()

    return {"commit": git("rev-parse", "HEAD") or None, "dirty_paths": git("status", "--porcelain").splitlines()}


# ------------------------------------------------------------------ baselines
class Baseline:
    """A baseline scorer: ``label(text)`` -> "positive" | "negative" | "tie" (tie: no decision)."""

    def __init__(self, name: str, label: Callable[[str], str]) -> None:
        self.name = name
        self.label = label
        self.errors = 0

    def labels(self, texts: list[str]) -> list[str]:
        out = []
        for t in texts:
            try:
                out.append(self.label(t))
            except Exception:
                self.errors += 1
                out.append("error")
        return out


def make_snownlp(mod: Any) -> Baseline:
    def label(t: str) -> str:
        return "positive" if mod.SnowNLP(t).sentiments >= 0.5 else "negative"

    return Baseline("SnowNLP", label)


def make_cnsenti(mod: Any) -> Baseline:
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass
    senti = mod.Sentiment()

    def label(t: str) -> str:
        c = senti.sentiment_count(t)
        if c["pos"] > c["neg"]:
            return "positive"
        if c["neg"] > c["pos"]:
            return "negative"
        return "tie"

    return Baseline("cnsenti", label)


def binary_report(pred: list[str], truth: list[str], groups: list[str]) -> dict[str, Any]:
    p, y, g = np.asarray(pred, dtype=object), np.asarray(truth, dtype=object), np.asarray(groups, dtype=object)
    ok = p == y
    decided = (p == "positive") | (p == "negative")
    out: dict[str, Any] = {
        "n": len(y),
        "accuracy": float(ok.mean()),
        "accuracy_by_group": {s: float(ok[g == s].mean()) for s in sorted(set(g.tolist()))},
        "tie_rate": float((p == "tie").mean()),
        "error_count": int((p == "error").sum()),
    }
    if decided.any() and not decided.all():
        out["accuracy_on_decided"] = float(ok[decided].mean())
    return out


def macro_f1_3class(pred: list[str], truth: list[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    labels3 = ["negative", "neutral", "positive"]
    pred = ["neutral" if q == "tie" else q for q in pred]
    return {
        "n": len(truth),
        "accuracy_3class": float(accuracy_score(truth, pred)),
        "macro_f1_3class": float(f1_score(truth, pred, labels=labels3, average="macro", zero_division=0)),
    }


def timed_pass(fn_: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn_()
    return time.perf_counter() - t0


# ------------------------------------------------------------------ main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--quick", action="store_true", help="small samples and a 6,000-row fit: smoke run only")
    ap.add_argument("--out", default=None, help="JSON path (default benchmarks/results_sentiment[_quick].json)")
    ap.add_argument("--no-install", action="store_true", help="do not pip-install missing baselines")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t_start = time.perf_counter()
    repo_state = git_state()  # at start: the library may be edited while this runs
    seed = args.seed
    n_acc = 300 if args.quick else 3000  # like-for-like accuracy sample
    n_speed = 200 if args.quick else 2000  # throughput / latency texts
    n_dev_baseline = 200 if args.quick else None  # None: all dev rows
    out_path = (
        Path(args.out)
        if args.out
        else REPO / "benchmarks" / ("results_sentiment_quick.json" if args.quick else "results_sentiment.json")
    )

    # ---- setup
    baselines: dict[str, Baseline | None] = {}
    baseline_errors: dict[str, str] = {}
    for mod_name, maker in (("snownlp", make_snownlp), ("cnsenti", make_cnsenti)):
        mod, err = ensure_baseline(mod_name, install=not args.no_install)
        b = None
        if mod is not None:
            try:
                b = maker(mod)
                b.label("服务很好")  # loads dictionaries / models; must work offline
            except Exception as e:
                b, err = None, f"does not work: {type(e).__name__}: {e}"
        baselines[mod_name] = b
        if err:
            baseline_errors[mod_name] = err
            print(f"WARNING: baseline {mod_name} unavailable: {err}", file=sys.stderr)
    snow, cns = baselines["snownlp"], baselines["cnsenti"]

    tdm = train_script()
    log(f"loading data from {args.data_dir}")
    df, dev = tdm.load_data(args.data_dir)
    train, test = tdm.split(df, seed=seed)
    if args.quick:
        from sklearn.model_selection import train_test_split

        strata = train["source"].astype(str) + "/" + train["label"].astype(str)
        train = train_test_split(train, train_size=6000, random_state=seed, stratify=strata)[0]

    # ---- 1. accuracy of the 80% model
    log(f"fit(train) on {len(train)} rows ...")
    t0 = time.perf_counter()
    service, questions = tdm.load_service(args.data_dir)
    service_unlabeled = tdm.load_service_unlabeled(args.data_dir)
    clf80 = tdm.fit(train, dev, seed, service, questions, service_unlabeled)
    fit_s = time.perf_counter() - t0
    log(f"fit took {fit_s:.1f} s; evaluating on {len(test)} held-out rows")
    held = evaluate_sentiment(clf80, test["text"].tolist(), test["label"].tolist(), test["source"].tolist())
    # The 3-class head is fitted on dev (+ service): its dev figure is 5-fold cross-validated (head refitted per fold).
    dev_eval = tdm.cross_validate_three_way(clf80, dev, seed=seed, service=service, questions=questions)

    # ---- 2. like-for-like sample
    from sklearn.model_selection import train_test_split

    sample = train_test_split(test, train_size=n_acc, random_state=seed, stratify=test["source"])[0]
    s_texts, s_src = sample["text"].tolist(), sample["source"].tolist()
    s_truth = ["positive" if int(v) == 1 else "negative" for v in sample["label"]]
    p_ours = clf80.sentiment.positive_probability(s_texts)
    ours_sample = binary_report(["positive" if p >= 0.5 else "negative" for p in p_ours], s_truth, s_src)
    sample_reports: dict[str, Any] = {"feedback_nlp": ours_sample}
    dev_baselines: dict[str, Any] = {}
    dev_texts, dev_truth = dev["text"].tolist(), dev["sentiment"].tolist()
    if n_dev_baseline is not None:
        dev_texts, dev_truth = dev_texts[:n_dev_baseline], dev_truth[:n_dev_baseline]
    for key, b in (("snownlp", snow), ("cnsenti", cns)):
        if b is None:
            continue
        log(f"{b.name}: scoring {len(s_texts)} sample texts and {len(dev_texts)} dev texts")
        t0 = time.perf_counter()
        sample_reports[key] = binary_report(b.labels(s_texts), s_truth, s_src)
        sample_reports[key]["seconds"] = round(time.perf_counter() - t0, 2)
        dev_baselines[key] = macro_f1_3class(b.labels(dev_texts), dev_truth)
        dev_baselines[key]["tie_counts_as"] = "neutral" if key == "cnsenti" else "n/a (never neutral)"

    # ---- 3. throughput, shipped model
    speed = test.sample(n=n_speed, random_state=seed)
    sp_texts = speed["text"].tolist()
    warm = sp_texts[:100]
    shipped = fn.load("default")
    throughput: dict[str, Any] = {"n_texts": len(sp_texts), "mean_chars": float(np.mean([len(t) for t in sp_texts]))}
    shipped.classify_batch(warm, batch_size=1024)
    runs = [timed_pass(lambda: shipped.classify_batch(sp_texts, batch_size=1024)) for _ in range(3)]
    throughput["feedback_nlp"] = {
        "texts_per_s": len(sp_texts) / float(np.median(runs)),
        "seconds_runs": [round(r, 4) for r in runs],
        "timed_passes": 3,
        "call": "fn.load('default').classify_batch(texts, batch_size=1024)",
    }
    for key, b in (("snownlp", snow), ("cnsenti", cns)):
        if b is None:
            continue
        log(f"{b.name}: throughput on {len(sp_texts)} texts")
        b.labels(warm)
        s = timed_pass(lambda: b.labels(sp_texts))  # noqa: B023
        throughput[key] = {"texts_per_s": len(sp_texts) / s, "seconds_runs": [round(s, 3)], "timed_passes": 1}
    for key in ("snownlp", "cnsenti"):
        if key in throughput:
            throughput[f"ratio_ours_over_{key}"] = (
                throughput["feedback_nlp"]["texts_per_s"] / throughput[key]["texts_per_s"]
            )

    # ---- 4. single-text latency, shipped model
    log(f"latency: {len(sp_texts)} single classify calls")
    for t in warm[:20]:
        shipped.classify(t)
    lat = np.empty(len(sp_texts))
    for i, t in enumerate(sp_texts):
        t0 = time.perf_counter()
        shipped.classify(t)
        lat[i] = time.perf_counter() - t0
    lat_ms = lat * 1000
    latency = {
        "n": len(sp_texts),
        "p50_ms": float(np.percentile(lat_ms, 50)),
        "p95_ms": float(np.percentile(lat_ms, 95)),
        "p99_ms": float(np.percentile(lat_ms, 99)),
        "mean_ms": float(lat_ms.mean()),
        "max_ms": float(lat_ms.max()),
        "call": "fn.load('default').classify(text)",
    }

    # ---- 5. cold start
    log("cold start x3")
    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", COLD_CMD], cwd=REPO, capture_output=True, text=True)
        cold.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"cold-start command failed:\n{r.stderr}")
    cold_start = {
        "command": f'python -c "{COLD_CMD}"',
        "seconds_runs": [round(c, 3) for c in cold],
        "median_s": float(np.median(cold)),
        "cwd": "repo root",
    }

    # ---- 6. size of models/
    files = [p for p in (REPO / "models").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    size_bytes = sum(p.stat().st_size for p in files)
    by_dir: dict[str, int] = {}
    for p in files:
        top = p.relative_to(REPO / "models").parts[0]
        by_dir[top] = by_dir.get(top, 0) + p.stat().st_size
    models_size = {
        "total_mb": size_bytes / 1e6,
        "bytes": size_bytes,
        "n_files": len(files),
        "by_entry_mb": {k: round(v / 1e6, 3) for k, v in sorted(by_dir.items())},
    }

    total_s = time.perf_counter() - t_start

    # ---- 7. results
    results: dict[str, Any] = {
        "benchmark": "sentiment",
        "quick": args.quick,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join([os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]]),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        },
        "versions": {
            "feedback_nlp": fn.__version__,
            **{k: pkg_version(k) for k in ("numpy", "scipy", "scikit-learn", "pandas", "snownlp", "cnsenti", "jieba")},
        },
        "repo": repo_state,
        "data": {
            "data_dir": str(Path(args.data_dir).resolve()),
            "rows_after_dev_removal": len(df),
            "train_rows": len(train),
            "heldout_rows": len(test),
            "heldout_by_source": {str(k): int(v) for k, v in test["source"].value_counts().sort_index().items()},
            "dev_rows": len(dev),
            "split": f"scripts/train_default_model.py split(df, seed={seed}) (80/20 stratified by source/label)",
        },
        "accuracy": {
            "model": "fit(train) from scripts/train_default_model.py on the 80% split (NOT the shipped model)",
            "fit_seconds": round(fit_s, 1),
            "heldout": held,
            "dev_3class": dev_eval,
        },
        "comparison_sample": {
            "how": f"{n_acc} held-out texts, train_test_split(train_size={n_acc}, random_state={seed}, "
            "stratify=source); ours: P(positive) >= 0.5 of the 80% model; SnowNLP: sentiments >= 0.5; cnsenti: "
            "sentiment_count pos > neg positive, neg > pos negative, tie counts as wrong",
            "by_source_n": {str(k): int(v) for k, v in sample["source"].value_counts().sort_index().items()},
            **sample_reports,
        },
        "dev_3class_baselines": {"n": len(dev_texts), **dev_baselines},
        "throughput": throughput,
        "latency": latency,
        "cold_start": cold_start,
        "models_size": models_size,
        "baseline_errors": baseline_errors,
        "total_seconds": round(total_s, 1),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(render_table(results))
    print(f"\nwrote {os.path.relpath(out_path, Path.cwd())}; total {total_s:.0f} s")


def render_table(r: dict[str, Any]) -> str:
    def f(x: Any, nd: int = 3) -> str:
        return "—" if x is None else f"{x:.{nd}f}"

    acc, cs, th = r["accuracy"], r["comparison_sample"], r["throughput"]
    held, dev3 = acc["heldout"], acc["dev_3class"]
    n_s = cs["feedback_nlp"]["n"]
    keys = ("feedback_nlp", "snownlp", "cnsenti")
    err = r["baseline_errors"]

    def cell(key: str, get: Callable[[dict[str, Any]], Any], nd: int = 3) -> str:
        if key in cs:
            return f(get(cs[key]), nd)
        return "failed" if key in err else "—"

    rows: list[list[str]] = []
    rows.append([f"accuracy, full held-out (n={held['n']})", f(held["accuracy"]), "—", "—"])
    rows.append(["  same, by the sign of Sentiment.score", f(held.get("accuracy_final_score")), "—", "—"])
    for s in SOURCES:
        if s in held.get("accuracy_by_group", {}):
            n_g = r["data"]["heldout_by_source"].get(s)
            rows.append([f"  {s} (n={n_g})", f(held["accuracy_by_group"][s]), "—", "—"])
    rows.append(["Brier / ECE, full held-out", f"{f(held['brier'])} / {f(held['ece'])}", "—", "—"])
    rows.append([f"accuracy, sample (n={n_s})", *[cell(k, lambda d: d["accuracy"]) for k in keys]])
    for s in SOURCES:
        n_g = cs["by_source_n"].get(s)
        rows.append([f"  {s} (n={n_g})", *[cell(k, lambda d, s=s: d["accuracy_by_group"].get(s)) for k in keys]])
    if "cnsenti" in cs:
        rows.append(
            [
                "cnsenti ties (0 = 0 etc.) / acc. on decided",
                "—",
                "—",
                f"{cs['cnsenti']['tie_rate']:.1%} / {f(cs['cnsenti'].get('accuracy_on_decided'))}",
            ]
        )
    db = r["dev_3class_baselines"]
    rows.append(
        [
            f"dev 3-class macro-F1 (n={dev3['n']}; baselines n={db['n']})",
            f(dev3.get("macro_f1_3class")),
            f(db["snownlp"]["macro_f1_3class"]) + " (no neutral)" if "snownlp" in db else "—",
            f(db["cnsenti"]["macro_f1_3class"]) + " (tie=neutral)" if "cnsenti" in db else "—",
        ]
    )
    rows.append(
        [
            f"throughput, texts/s (n={th['n_texts']})",
            *[f(th[k]["texts_per_s"], 0) if k in th else ("failed" if k in err else "—") for k in keys],
        ]
    )
    rows.append(
        [
            "throughput ratio ours / baseline",
            "—",
            *[
                f"{th[f'ratio_ours_over_{k}']:.0f}x" if f"ratio_ours_over_{k}" in th else "—"
                for k in ("snownlp", "cnsenti")
            ],
        ]
    )
    lat = r["latency"]
    rows.append(
        [
            f"classify() latency p50/p95/p99 ms (n={lat['n']})",
            f"{lat['p50_ms']:.2f} / {lat['p95_ms']:.2f} / {lat['p99_ms']:.2f}",
            "—",
            "—",
        ]
    )
    rows.append(["cold start, import + first classify (s, median of 3)", f(r["cold_start"]["median_s"], 2), "—", "—"])
    rows.append(["models/ size (MB)", f(r["models_size"]["total_mb"], 1), "—", "—"])
    header = [
        "metric",
        "feedback_nlp",
        f"SnowNLP {r['versions'].get('snownlp') or ''}".strip(),
        f"cnsenti {r['versions'].get('cnsenti') or ''}".strip(),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * 3) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    m = r["machine"]
    lines.append("")
    lines.append(
        f"{'QUICK (smoke) run; ' if r['quick'] else ''}{m['platform']}, {m['cpu_count']} CPUs, "
        f"Python {m['python']}, OMP/OPENBLAS/MKL threads = {m['env']['OMP_NUM_THREADS']}/"
        f"{m['env']['OPENBLAS_NUM_THREADS']}/{m['env']['MKL_NUM_THREADS']}; {r['date']}"
    )
    if err:
        for k, v in err.items():
            lines.append(f"baseline {k} failed: {v}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
