"""``feedback-nlp train --backend transformers``: fine-tune a local (or, online, hub) checkpoint on a labelled file.

    feedback-nlp train --backend transformers --base ./bert-base-chinese --task sentiment \\
        --data labels.csv --out my_model --epochs 3 --batch-size 32 --lr 5e-5 --seed 0
    feedback-nlp train --backend transformers --base ./bert-base-chinese --task topics \\
        --data my_topics.jsonl --out my_model --label-col topics --epochs 3 --batch-size 32 --lr 5e-5 --seed 0
    python -m feedback_nlp.cli.transformer --base ./bert-base-chinese --data labels.csv --out my_model

The output directory is self-contained (safetensors weights, tokenizer, ``transformer_sentiment.json`` /
``transformer_topics.json``, ``meta.json``, ``README.md`` model card) and ``metrics.json`` (validation metrics,
training history, and held-out metrics with ``--holdout``; the topic component's under ``"topics"``) is written
next to the model. With ``--holdout`` the saved model is the one trained without the held-out rows (a
transformer is not refitted on everything: too costly).

``--task topics`` trains a :class:`~feedback_nlp.backends.transformer_topics.TransformerTopics` on topic labels (a
``{topic: polarity}`` dict, a JSON string or comma-separated names per row; default column ``topics``) and
writes a complete model: its sentiment part is the model already in ``--out`` when there is one, else the shipped
default model's; ``meta.json`` and the model card say which (``training.topics.sentiment_from``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from ._common import add_train_options, read_topic_labels

__all__ = ["add_transformer_arguments", "build_parser", "main", "train_transformer_from_args"]


def add_transformer_arguments(parser: argparse.ArgumentParser, with_base: bool = False) -> None:
    """Add the transformer options to a ``train`` parser that already has :data:`._common.TRAIN_OPTIONS` (and
    ``--base``, whose help it shares with the linear topic training when ``with_base`` is False)."""
    opts: list[tuple[str, dict[str, Any]]] = [
        ("--backend", {"default": "linear", "choices": ["linear", "transformers"],
                       "help": "linear: the default char n-gram model; transformers: fine-tune --base"}),
        ("--epochs", {"type": float, "default": 3.0, "help": "transformers: passes over the data"}),
        ("--max-steps", {"type": int, "default": None, "help": "transformers: cap on optimiser steps"}),
        ("--batch-size", {"type": int, "default": 32, "help": "transformers: training batch size"}),
        ("--lr", {"type": float, "default": 5e-5, "help": "transformers: peak learning rate (AdamW, linear decay)"}),
        ("--max-length", {"type": int, "default": 128, "help": "transformers: tokens per text (head + tail kept)"}),
        ("--val-fraction", {"type": float, "default": None, "help": "transformers: validation split for early "
                                                                    "stopping and calibration / topic thresholds "
                                                                    "(default 0.1 for sentiment, 0.2 for topics)"}),
        ("--patience", {"type": int, "default": 2, "help": "transformers: evaluations without improvement before "
                                                           "stopping (negative: never stop early)"}),
        ("--eval-steps", {"type": int, "default": None, "help": "transformers: evaluate every N steps "
                                                                "(default: each epoch)"}),
        ("--device", {"default": None, "help": "transformers: cpu, cuda, cuda:1 ... (default: cuda if present)"}),
        ("--no-progress", {"action": "store_true", "help": "hide progress bars"}),
    ]
    if with_base:
        opts.append(("--base", {"help": "transformers: base checkpoint (local directory; a hub id only when online)"}))
    for flag, kw in opts:
        parser.add_argument(flag, **kw)


def build_parser() -> argparse.ArgumentParser:
    """The standalone parser of ``python -m feedback_nlp.cli.transformer`` (backend fixed to transformers)."""
    p = argparse.ArgumentParser(prog="python -m feedback_nlp.cli.transformer", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="labelled file (.csv .tsv .jsonl .parquet) or a datasets hub id")
    p.add_argument("--out", required=True, help="model directory to write")
    add_train_options(p)
    add_transformer_arguments(p, with_base=True)
    p.set_defaults(backend="transformers")
    return p


def _read(args: argparse.Namespace, cols: list[str]) -> Any:
    from ..backends.transformer import _offline
    from ..classify.training import read_table

    path = Path(args.data)
    if path.exists() or _offline():
        return read_table(path, cols, encoding=args.encoding)
    import datasets  # a hub id the user asked for explicitly (only when online)

    df = datasets.load_dataset(str(args.data), split="train").to_pandas()
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{args.data} has no column(s) {missing}; its columns are {list(df.columns)}")
    return df


def train_transformer_from_args(args: argparse.Namespace) -> int:
    """Run ``train --backend transformers`` from parsed arguments; returns the exit code."""
    from ..backends.transformer import train_transformer_classifier
    from ..classify.modelfiles import check_model_target
    from ..classify.training import (
        check_training_labels,
        evaluate_sentiment,
        map_labels,
        split_holdout,
        training_record,
    )
    from ._common import label_map

    if getattr(args, "task", "sentiment") == "topics":
        return _train_topics_from_args(args)
    if not args.base:
        raise ValueError("--backend transformers needs --base: a local checkpoint directory (or a hub id online)")
    check_model_target(args.out)
    group_col = getattr(args, "group_col", None)
    cols = [args.text_col, args.label_col] + ([group_col] if group_col else [])
    df = _read(args, cols).dropna(subset=[args.text_col, args.label_col]).reset_index(drop=True)
    df[args.label_col] = map_labels(df[args.label_col].tolist(), label_map(getattr(args, "label_map", None)))
    check_training_labels(df[args.label_col].tolist())
    metrics: dict[str, Any] = {}
    holdout = float(getattr(args, "holdout", 0.0) or 0.0)
    train, test = split_holdout(df, holdout, args.seed)
    patience = None if args.patience is not None and args.patience < 0 else args.patience
    clf = train_transformer_classifier(
        train[args.text_col].tolist(), train[args.label_col].tolist(), base=args.base,
        model_params={"max_length": args.max_length, "device": args.device},
        epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
        val_fraction=0.1 if args.val_fraction is None else args.val_fraction, early_stopping_patience=patience,
        progress=not args.no_progress, eval_steps=args.eval_steps,
    )
    model: Any = clf.sentiment
    metrics["validation"] = {k: v for k, v in model.metrics_.items() if k != "history"}
    if test is not None:
        groups = test[group_col].tolist() if group_col else None
        metrics["holdout"] = evaluate_sentiment(clf, test[args.text_col].tolist(), test[args.label_col].tolist(),
                                                groups)
    print(json.dumps(metrics, ensure_ascii=False, indent=2))
    out = Path(args.out)
    command = _command(args)
    clf.meta = {
        **clf.meta,
        "name": out.name,
        "version": getattr(args, "version", "0.1.0"),
        "training": {**model.training_, **training_record(args.data, len(train), command, holdout=holdout)},
        "metrics": metrics,
    }
    clf.save(out, extra_files={"metrics.json": json.dumps({**metrics, "history": model.metrics_.get("history", [])},
                                                          ensure_ascii=False, indent=2)})
    print(f"saved model to {out}; load it with feedback_nlp.load({str(out)!r})", file=sys.stderr)
    return 0


def _train_topics_from_args(args: argparse.Namespace) -> int:
    """``train --backend transformers --task topics``: a TransformerTopics component in a complete model."""
    from ..backends.transformer_topics import TransformerTopics
    from ..classify.modelfiles import check_model_target
    from ..classify.registry import DEFAULT_MODEL, models_dir
    from ..classify.training import split_holdout, training_record

    if not args.base:
        raise ValueError("--backend transformers needs --base: a local checkpoint directory (or a hub id online)")
    check_model_target(args.out)
    df, labels = read_topic_labels(args, lambda path, cols, encoding: _read(args, cols))
    texts = df[args.text_col].astype(str).tolist()
    holdout = float(getattr(args, "holdout", 0.0) or 0.0)
    train, test = split_holdout(df, holdout, args.seed)
    tr_idx = train.index.tolist()
    te_idx = [] if test is None else test.index.tolist()
    out = Path(args.out)
    # The sentiment part: the model already in --out, else the shipped default (read before training: fail early;
    # only the sentiment component is read: the topic component is replaced).
    if (out / "meta.json").exists():
        clf, sentiment_from = _sentiment_part(out, args.device), f"{out} (the model that was already there)"
    else:
        clf = _sentiment_part(models_dir() / DEFAULT_MODEL, args.device)
        sentiment_from = f"shipped default model {DEFAULT_MODEL} {clf.meta.get('version', '')}".rstrip()
    patience = None if args.patience is not None and args.patience < 0 else args.patience
    model = TransformerTopics(max_length=args.max_length, device=args.device).fit(
        [texts[i] for i in tr_idx], [labels[i] for i in tr_idx], base=args.base, epochs=args.epochs,
        max_steps=args.max_steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
        val_fraction=0.2 if args.val_fraction is None else args.val_fraction, early_stopping_patience=patience,
        progress=not args.no_progress, eval_steps=args.eval_steps)
    metrics: dict[str, Any] = {"validation": {k: v for k, v in model.metrics_.items() if k != "history"}}
    if te_idx:
        metrics["holdout"] = model.evaluate([texts[i] for i in te_idx], [labels[i] for i in te_idx])
    print(json.dumps(metrics, ensure_ascii=False, indent=2))
    clf.topics = cast(Any, model)
    description = str(clf.meta.get("description", "")).rstrip(". ")
    clf.meta = {
        **clf.meta,
        "name": out.name,
        "version": getattr(args, "version", "0.1.0"),
        "description": (f"{description}; " if description else "") + f"topics: transformer topic head fine-tuned "
                       f"from {args.base}; sentiment from {sentiment_from}",
        "training": {**clf.meta.get("training", {}), "topics": {
            **model.training_, **training_record(args.data, len(tr_idx), _command(args), holdout=holdout,
                                                 topics=list(model.topics_), sentiment_from=sentiment_from)}},
        "metrics": {**clf.meta.get("metrics", {}), "topics": metrics},
    }
    path = out / "metrics.json"
    try:
        previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        previous = {}
    previous = previous if isinstance(previous, dict) else {}
    previous["topics"] = {**metrics, "history": model.metrics_.get("history", [])}
    clf.save(out, extra_files={"metrics.json": json.dumps(previous, ensure_ascii=False, indent=2)})
    print(f"saved model with topics {list(model.topics_)} (sentiment from {sentiment_from}) to {out}; load it with "
          f"feedback_nlp.load({str(out)!r})", file=sys.stderr)
    return 0


def _sentiment_part(directory: Path, device: str | None) -> Any:
    """A FeedbackClassifier with the sentiment component and ``meta.json`` of a model directory (no topics)."""
    from ..classify.classifier import FeedbackClassifier, component_backends
    from ..classify.components import component_class

    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    backend = component_backends(directory, meta)["sentiment"]
    return FeedbackClassifier(component_class("sentiment", backend).load(directory, device=device), meta)


def _command(args: argparse.Namespace) -> list[str]:
    return ["feedback-nlp", "train", "--backend", "transformers",
            *_argv_tail(getattr(args, "argv", None) or sys.argv[1:])]


def _argv_tail(argv: Sequence[str]) -> list[str]:
    """The command line minus ``train`` and ``--backend X`` (they are written first)."""
    out: list[str] = []
    skip = False
    for i, a in enumerate(argv):
        if skip:
            skip = False
        elif a == "--backend":
            skip = True
        elif not (a == "train" and i == 0) and not a.startswith("--backend="):
            out.append(a)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    try:
        return train_transformer_from_args(args)
    except (FileNotFoundError, KeyError, ValueError, TypeError, ImportError) as e:
        print(f"feedback-nlp train: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
