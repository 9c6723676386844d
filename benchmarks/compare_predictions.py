"""Prove a refactor changed nothing: dump the default model's predictions on 2,000 texts, then compare two dumps.

1,000 reviews and 1,000 service messages are drawn with a fixed seed from ``../shared/data``; for each text the
dump keeps the three probabilities, the score, the label, the topics (name, score, polarity), the kind and the
priority.

    python benchmarks/compare_predictions.py dump before.json      # on the old commit
    python benchmarks/compare_predictions.py dump after.json       # on the new one
    python benchmarks/compare_predictions.py compare before.json after.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def dump(out: Path, data_dir: Path) -> None:
    import pandas as pd

    import feedback_nlp as fn

    reviews = pd.read_csv(data_dir / "reviews_sentiment_train.csv").sample(1000, random_state=0)["text"].tolist()
    service = pd.read_json(data_dir / "service_feedback_labeled.jsonl", lines=True)
    texts = reviews + service.sample(1000, random_state=0)["text"].tolist()
    rows = [{"p": r.sentiment.probabilities, "s": r.sentiment.score, "l": r.sentiment.label,
             "t": [(h.name, h.score, h.polarity) for h in r.topics], "k": r.kind, "pr": str(r.priority)}
            for r in fn.classify_batch(texts)]
    out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {len(rows)} predictions to {out}")


def compare(a_path: Path, b_path: Path) -> int:
    a = json.loads(a_path.read_text(encoding="utf-8"))
    b = json.loads(b_path.read_text(encoding="utf-8"))
    if len(a) != len(b):
        print(f"different lengths: {len(a)} vs {len(b)}")
        return 1
    max_diff, changed = 0.0, 0
    for x, y in zip(a, b):
        max_diff = max([max_diff, abs(x["s"] - y["s"]), *(abs(x["p"][k] - y["p"][k]) for k in x["p"])])
        max_diff = max([max_diff, *(abs(p[1] - q[1]) for p, q in zip(x["t"], y["t"]))])
        names = lambda r: (r["l"], r["k"], r["pr"], [(t[0], t[2]) for t in r["t"]])  # noqa: E731
        changed += names(x) != names(y)
    print(json.dumps({"texts": len(a), "max_abs_probability_difference": max_diff,
                      "texts_with_a_different_label_topic_kind_or_priority": changed}))
    return int(bool(max_diff or changed))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--data-dir", type=Path, default=DATA)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = p.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.data_dir)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
