"""Does the small transformer help the default model as a second opinion? Writes ``benchmarks/results_ensemble.json``.

    python benchmarks/bench_ensemble.py --model /root/small-zh-bert/model --data-dir ../shared/data

The default recipe (``scripts/train_default_model.py``) is refitted on the 80% split and both models score the
12,022 held-out rows. Reported: each model alone, the plain mean of the two ``P(positive)``, and a weighted mean
whose weight (0, 0.05, ..., 1 on the linear model) is chosen on one random half of the held-out rows and scored on
the other half, both ways (so no figure is tuned on the rows it is scored on).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from feedback_nlp.backends.transformer import TransformerSentiment  # noqa: E402
from feedback_nlp.classify.training import train_sentiment  # noqa: E402
from scripts.train_default_model import load_data, split  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="a transformer sentiment model directory")
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results_ensemble.json"))
    args = ap.parse_args(argv)

    df, _ = load_data(args.data_dir)
    train, test = split(df, 0)
    y = test["label"].to_numpy().astype(int)
    texts = test["text"].tolist()
    t0 = time.perf_counter()
    p_lr = train_sentiment(train["text"].tolist(), train["label"].tolist(), random_state=0
                           ).sentiment.positive_probability(texts)
    p_tf = TransformerSentiment.load(args.model).positive_probability(texts)

    def acc(p: np.ndarray, rows: np.ndarray | slice = slice(None)) -> float:
        return float(((p[rows] >= 0.5) == y[rows]).mean())

    weights = np.round(np.linspace(0, 1, 21), 2)
    halves = np.array_split(np.random.default_rng(0).permutation(len(y)), 2)
    crossfit = []
    for fit_rows, score_rows in ((halves[0], halves[1]), (halves[1], halves[0])):
        w = float(weights[int(np.argmax([acc(w * p_lr + (1 - w) * p_tf, fit_rows) for w in weights]))])
        crossfit.append({"weight_on_linear": w, "accuracy_on_other_half": acc(w * p_lr + (1 - w) * p_tf, score_rows)})
    result = {
        "benchmark": "ensemble", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "machine": platform.platform(), "held_out_rows": len(y), "seconds": round(time.perf_counter() - t0, 1),
        "accuracy": {"linear_default_recipe": acc(p_lr), "transformer": acc(p_tf), "mean_of_probabilities":
                     acc((p_lr + p_tf) / 2),
                     "crossfit_weighted_mean": float(np.mean([c["accuracy_on_other_half"] for c in crossfit]))},
        "crossfit": crossfit,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result["accuracy"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
