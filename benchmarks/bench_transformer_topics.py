"""The transformer topic head on the dev topic labels; writes ``benchmarks/results_transformer_topics.json``.

    python benchmarks/bench_transformer_topics.py --base /root/small-zh-bert/mlm --data-dir ../shared/data \\
        --max-seconds 540 --threads 2

* Data and split exactly as the default topic model's benchmark (``benchmarks/bench_topics.py``):
  ``topic_labels_dev.jsonl``, ``split_dev(test_size=0.3, seed)`` of ``scripts/train_default_topics.py``
  (imported). :class:`feedback_nlp.backends.transformer_topics.TransformerTopics` is fine-tuned from ``--base`` on
  the 70%
  (of which ``--val-fraction`` is its validation split: early stopping and per-topic thresholds); nothing else is
  used (no lexicon, no weak supervision, no unlabelled reviews).
* Reported on the held-out 30%: per-topic F1 / precision / recall with bootstrap 95% CIs and polarity accuracy on
  detected service_attitude / efficiency (gold has the topic too), both with ``bench_topics.py``'s own functions
  (imported), next to the default TopicModel's figures read from ``benchmarks/results_topics.json``.
* Speed of ``predict_hits`` on the held-out texts at ``--threads`` torch threads.
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
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_topics import f1_ci, polarity_accuracy  # noqa: E402
from train_default_topics import load_dev, split_dev  # noqa: E402

from feedback_nlp.backends.transformer_topics import TransformerTopics  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="/root/small-zh-bert/mlm", help="checkpoint to fine-tune (local directory)")
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results_transformer_topics.json"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=float, default=20)
    ap.add_argument("--max-seconds", type=float, default=540, help="wall-time cap of the training loop")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--val-fraction", type=float, default=0.15)
    ap.add_argument("--patience", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save", default=None, help="also save the fitted topic component to this directory")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    rows = load_dev(args.data_dir)
    train, test = split_dev(rows, 0.3, args.seed)
    t0 = time.perf_counter()
    model = TransformerTopics(max_length=args.max_length, num_threads=args.threads).fit(
        [r["text"] for r in train], [r["topics"] for r in train], base=args.base, epochs=args.epochs,
        batch_size=args.batch_size, lr=args.lr, seed=args.seed, val_fraction=args.val_fraction,
        early_stopping_patience=args.patience, max_seconds=args.max_seconds, progress=True)
    fit_s = time.perf_counter() - t0
    texts = [r["text"] for r in test]
    t0 = time.perf_counter()
    hits = model.predict_hits(texts)
    predict_s = time.perf_counter() - t0
    names = [tuple(h.name for h in hs) for hs in hits]
    import numpy as np

    heldout = {t: f1_ci(np.array([t in r["topics"] for r in test]), np.array([t in n for n in names]))
               for t in model.topics_}
    summary = model.evaluate(texts, [r["topics"] for r in test])
    default_path = ROOT / "benchmarks" / "results_topics.json"
    default = json.loads(default_path.read_text(encoding="utf-8")) if default_path.exists() else {}
    result: dict[str, Any] = {
        "benchmark": "transformer topic head",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "threads": args.threads,
                    "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                    "load_average_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
                    "platform": platform.platform()},
        "data": {"dev_rows": len(rows), "train_rows": len(train), "heldout_rows": len(test),
                 "split": f"scripts/train_default_topics.py split_dev(test_size=0.3, seed={args.seed})"},
        "fit_seconds": round(fit_s, 1),
        "training": model.training_,
        "validation": {k: v for k, v in model.metrics_.items() if k != "history"},
        "history": model.metrics_.get("history", []),
        "heldout": {"topics": heldout, "polarity": polarity_accuracy(test, hits),
                    "micro_f1": summary["micro_f1"], "macro_f1": summary["macro_f1"],
                    "polarity_head_accuracy_on_gold_topics": {"accuracy": summary["polarity_accuracy"],
                                                              "n": summary["polarity_n"]}},
        "speed": {"predict_hits_texts_per_s": round(len(texts) / predict_s, 1), "texts": len(texts),
                  "threads": args.threads},
        "default_topic_model": {"heldout": default.get("heldout", {}), "source": str(default_path.name),
                                "date": default.get("date")},
    }
    if args.save:
        model.save(args.save)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result["heldout"], indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
