"""Does a fine-tuned pretrained encoder read service messages better than the default? Writes
``benchmarks/results_service_encoder.json``.

    python benchmarks/bench_service_encoder.py --base <local checkpoint dir> --data-dir ../shared/data

``--base``: any local Hugging Face encoder checkpoint (BERT-style, with its tokenizer); nothing is downloaded. The
3-class sentiment of the 1,100 labelled service messages is fine-tuned with the library's own
:class:`~feedback_nlp.backends.transformer.TransformerSentiment` (balanced class weights, early stopping on a 10%
validation part, temperature) in the folds of ``bench_service_messages.py`` (``service_folds``, 5, seed 0), so
the out-of-fold figures compare with that benchmark's. With ``--with-default`` (needs the shipped model and the
review data) the default model's nested out-of-fold sentiment (``bench_service_messages.cross_validate``) is
scored too, and the mean of the two models' probabilities, with the weight on the default (0, 0.1, ..., 1) chosen
on one random half of the messages and scored on the other, both ways (no figure is tuned on the rows it scores).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from feedback_nlp._files import atomic_write  # noqa: E402
from feedback_nlp.backends.transformer import TransformerSentiment  # noqa: E402
from feedback_nlp.classify.results import SENTIMENT_LABELS  # noqa: E402

LABELS: list[str] = list(SENTIMENT_LABELS)  # negative, neutral, positive: the column order of predict_proba


def scores(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and per-class F1 of ``proba.argmax`` against class indexes ``y``."""
    from sklearn.metrics import accuracy_score, f1_score

    pred = proba.argmax(axis=1)
    per_class = f1_score(y, pred, labels=range(len(LABELS)), average=None, zero_division=0)
    return {"accuracy": float(accuracy_score(y, pred)),
            "macro_f1": float(f1_score(y, pred, labels=range(len(LABELS)), average="macro", zero_division=0)),
            **{f"{name}_f1": float(v) for name, v in zip(LABELS, per_class)}}


def out_of_fold(texts: list[str], labels: list[str], folds: np.ndarray, base: str, **fit: Any) -> np.ndarray:
    """Out-of-fold (n, 3) probabilities of a :class:`TransformerSentiment` fine-tuned from ``base`` per fold;
    ``fit``: ``max_length`` / ``num_threads`` for the model, the rest for :meth:`TransformerSentiment.fit`."""
    model_args = {k: fit.pop(k) for k in ("max_length", "num_threads") if k in fit}
    out = np.zeros((len(texts), len(LABELS)))
    for k in sorted(set(folds.tolist())):
        t0 = time.perf_counter()
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        model = TransformerSentiment(**model_args).fit([texts[i] for i in train], [labels[i] for i in train],
                                                       base=base, seed=int(k), **fit)
        out[test] = model.predict_proba([texts[i] for i in test])
        print(f"fold {k}: {len(train)} train / {len(test)} test, {time.perf_counter() - t0:.0f}s", flush=True)
    return out


def crossfit_mean(y: np.ndarray, p_default: np.ndarray, p_encoder: np.ndarray, seed: int = 0) -> list[dict[str, Any]]:
    """The weighted mean of two models' probabilities, the weight on ``p_default`` chosen by accuracy on one
    random half of the rows and scored on the other, both ways."""
    weights = np.round(np.linspace(0, 1, 11), 2)
    halves = np.array_split(np.random.default_rng(seed).permutation(len(y)), 2)

    def mix(w: float, rows: np.ndarray) -> np.ndarray:
        mixed: np.ndarray = w * p_default[rows] + (1 - w) * p_encoder[rows]
        return mixed

    out = []
    for fit_rows, score_rows in ((halves[0], halves[1]), (halves[1], halves[0])):
        best = float(weights[int(np.argmax([scores(y[fit_rows], mix(w, fit_rows))["accuracy"] for w in weights]))])
        out.append({"weight_on_default": best, "rows": len(score_rows),
                    **scores(y[score_rows], mix(best, score_rows))})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="a local Hugging Face encoder checkpoint directory")
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--epochs", type=float, default=4)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=160)
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    ap.add_argument("--with-default", action="store_true",
                    help="also score the shipped default (nested CV) and the mean of the two models")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results_service_encoder.json"))
    args = ap.parse_args(argv)

    import bench_service_messages as bench

    tdm = bench.script("train_default_model")
    rows, questions = tdm.load_service(args.data_dir)
    folds = tdm.service_folds(rows, 5, 0)
    texts = [str(r["text"]) for r in rows]
    labels = [str(r["sentiment"]) for r in rows]
    y = np.asarray([LABELS.index(v) for v in labels])
    t0 = time.perf_counter()
    p_enc = out_of_fold(texts, labels, folds, args.base, max_length=args.max_length, num_threads=args.threads,
                        epochs=args.epochs, lr=args.lr, batch_size=args.batch_size)
    sources = np.asarray([str(r["source"]) for r in rows])
    result: dict[str, Any] = {
        "benchmark": "service_encoder", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "machine": platform.platform(), "base": args.base, "rows": len(rows), "folds": 5,
        "fine_tune": {"epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size,
                      "max_length": args.max_length, "class_weight": "balanced", "val_fraction": 0.1},
        "encoder": scores(y, p_enc),
        "encoder_by_source": {s: scores(y[sources == s], p_enc[sources == s]) for s in sorted(set(sources))},
    }
    if args.with_default:
        import feedback_nlp as fn

        tdt = bench.script("train_default_topics")
        shipped = fn.load(REPO / "models" / "feedback-zh-default")
        _, dev = tdm.load_data(args.data_dir)
        cv = bench.cross_validate(shipped, rows, folds, dev, tdt.load_dev(args.data_dir), questions, tdm, tdt)
        p_def = np.asarray([[c.sentiment.probabilities[v] for v in LABELS] for c in cv])
        result["default"] = scores(y, p_def)
        result["plain_mean"] = scores(y, (p_def + p_enc) / 2)
        result["crossfit_mean"] = crossfit_mean(y, p_def, p_enc)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    with atomic_write(args.out) as tmp:  # written whole, then renamed over the old file
        tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "encoder_by_source"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
