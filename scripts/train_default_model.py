"""Train the shipped default model ``models/feedback-zh-default`` from ``../shared/data``.

    python scripts/train_default_model.py --data-dir ../shared/data --out models/feedback-zh-default --seed 0

Steps: read the labelled reviews with ``datasets``; drop the ids of ``topic_labels_dev.jsonl`` (kept for the
3-class check and for the topic work); hold out 20% stratified by (source, label) and measure; then refit the same
recipe on all the remaining rows and save it with the held-out figures in its model card.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.training import evaluate_sentiment, read_table, train_sentiment  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="../shared/data")
    ap.add_argument("--out", default="models/feedback-zh-default")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--holdout-only", action="store_true", help="measure on the 20%% split, do not refit/save")
    args = ap.parse_args()
    from sklearn.model_selection import train_test_split

    data = Path(args.data_dir)
    df = read_table(data / "reviews_sentiment_train.csv", ["id", "source", "text", "label"])
    dev = read_table(data / "topic_labels_dev.jsonl", ["id", "text", "sentiment"])
    df = df[~df["id"].isin(set(dev["id"]))].reset_index(drop=True)
    strata = df["source"].astype(str) + "/" + df["label"].astype(str)
    train, test = train_test_split(df, test_size=0.2, random_state=args.seed, stratify=strata)
    t0 = time.time()
    clf = train_sentiment(train["text"].tolist(), train["label"].tolist(), random_state=args.seed)
    fit_s = time.time() - t0
    held = evaluate_sentiment(clf, test["text"].tolist(), test["label"].tolist(), test["source"].tolist())
    three = evaluate_sentiment(clf, dev["text"].tolist(), dev["sentiment"].tolist(), dev["source"].tolist())
    metrics = {"holdout_20pct": held, "topic_labels_dev_3class": three, "fit_seconds_80pct": round(fit_s, 1)}
    print(json.dumps(metrics, indent=2, ensure_ascii=False))
    if args.holdout_only:
        return
    final = train_sentiment(df["text"].tolist(), df["label"].tolist(), random_state=args.seed)
    final.meta = {
        "name": Path(args.out).name,
        "version": fn.__version__,
        "description": "Default Chinese feedback sentiment model: calibrated logistic regression over hashed "
        "character 1-4-gram TF-IDF, neutral band |score| < 0.3.",
        "training": {
            "data": "reviews_sentiment_train.csv (hotel, waimai, online_shopping_10_cats) minus the ids of "
            "topic_labels_dev.jsonl",
            "rows": int(len(df)),
            "command": f"python scripts/train_default_model.py --data-dir {args.data_dir} --out {args.out} "
            f"--seed {args.seed}",
            "params": final.sentiment.get_config(),
            "date": date.today().isoformat(),
            "python": platform.python_version(),
        },
        "metrics": metrics,
    }
    out = Path(args.out)
    if (out / "README.md").exists():
        (out / "README.md").unlink()
    final.save(out)
    print(f"saved {out}")


if __name__ == "__main__":
    main()
