"""Command line: ``feedback-nlp classify | train | evaluate | mine | forecast | serve`` (``--help`` on each).

    feedback-nlp classify "快递三天才到，客服态度还很差" "房间很干净"
    feedback-nlp classify --input tickets.csv --output scored.csv --text-col text
    feedback-nlp train --data my_labels.jsonl --out my_model --holdout 0.2
    feedback-nlp train --task topics --data my_topics.jsonl --out my_model
    feedback-nlp train --backend transformers --base ./bert-base-chinese --data my_labels.csv --out my_bert
    feedback-nlp evaluate --data my_labels.csv --model my_model
    feedback-nlp mine --input tags.csv --min-support 0.01
    feedback-nlp forecast --input volume.csv --time-col date --value-col count --horizon 28 --output fc.csv
    feedback-nlp serve --port 8000 --workers 1      # needs the [service] extra
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._common import add_train_options, check_outputs, label_map, read_topic_labels, write_table

__all__ = ["main"]


def _cmd_classify(args: argparse.Namespace) -> int:
    from ..classify.registry import load
    from ..classify.training import read_table

    check_outputs(args.output)  # before loading and scoring: a typo must not cost the whole run
    clf = load(args.model)
    if args.input:
        df = read_table(args.input, [args.text_col], encoding=args.encoding)
        pre = args.prefix
        out = clf.classify_frame(
            df, text_col=args.text_col, batch_size=args.batch_size, progress=not args.no_progress, errors=args.errors,
            prefix=pre,
        )
        out[pre + "topics"] = [list(t) for t in out[pre + "topics"]]
        out[pre + "respond_within"] = [td.total_seconds() for td in out[pre + "respond_within"]]
        if args.output and Path(args.output).suffix.lower() in (".csv", ".tsv"):
            for col in ("topics", "topic_polarities", "topic_scores"):
                out[pre + col] = [json.dumps(v, ensure_ascii=False) for v in out[pre + col]]
        if args.output:
            write_table(out, Path(args.output))
            print(f"wrote {len(out)} rows to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(out.to_json(orient="records", lines=True, force_ascii=False))
        return 0
    texts = args.texts if args.texts else [line.rstrip("\n") for line in sys.stdin]
    if not texts:
        print("nothing to classify: pass texts, --input FILE, or lines on standard input", file=sys.stderr)
        return 2
    for r in clf.classify_batch(texts, batch_size=args.batch_size, errors=args.errors):
        print(json.dumps(r.to_dict(), ensure_ascii=False))
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from ..classify.modelfiles import check_model_target
    from ..classify.training import (
        check_training_labels,
        evaluate_sentiment,
        map_labels,
        read_table,
        split_holdout,
        train_sentiment,
        training_record,
    )

    if getattr(args, "backend", "linear") == "transformers":
        from .transformer import train_transformer_from_args

        return train_transformer_from_args(args)
    if args.task == "topics":
        return _train_topics(args)
    check_model_target(args.out)
    cols = [args.text_col, args.label_col] + ([args.group_col] if args.group_col else [])
    df = read_table(args.data, cols, encoding=args.encoding)
    df = df.dropna(subset=[args.text_col, args.label_col])
    mapping = label_map(args.label_map)
    df[args.label_col] = map_labels(df[args.label_col].tolist(), mapping)
    check_training_labels(df[args.label_col].tolist())
    params: dict[str, Any] = {"C": args.C, "neutral_threshold": args.neutral_threshold, "random_state": args.seed}
    metrics: dict[str, Any] = {}
    if args.holdout_group_col and args.holdout_group_col not in df.columns:
        raise KeyError(f"--holdout-group-col {args.holdout_group_col!r} is not a column of {args.data}")
    train, test = split_holdout(df, args.holdout, args.seed, args.holdout_group_col)
    if test is not None:
        clf = train_sentiment(train[args.text_col].tolist(), train[args.label_col].tolist(), **params)
        groups = test[args.group_col].tolist() if args.group_col else None
        metrics["holdout"] = evaluate_sentiment(clf, test[args.text_col].tolist(), test[args.label_col].tolist(),
                                                groups)
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    clf = train_sentiment(df[args.text_col].tolist(), df[args.label_col].tolist(), **params)
    clf.meta = {
        "name": Path(args.out).name,
        "version": args.version,
        "description": f"sentiment model trained on {Path(args.data).name}",
        "training": {**training_record(args.data, len(df), ["feedback-nlp", *sys.argv[1:]],
                                      params=clf.sentiment.get_config()),
                     **({"label_map": mapping} if mapping else {})},
        "metrics": metrics,
    }
    clf.save(args.out)
    print(f"saved model to {args.out}; load it with feedback_nlp.load({str(args.out)!r})", file=sys.stderr)
    return 0


def _unlabeled(args: argparse.Namespace, labelled: set[str]) -> list[str] | None:
    """Texts of ``--unlabeled`` for the weak supervision of the topic model (texts of the labelled file left out)."""
    if not args.unlabeled:
        return None
    from ..classify.training import read_table

    u = read_table(args.unlabeled, [args.text_col], encoding=args.encoding).dropna(subset=[args.text_col])
    texts = u[args.text_col].astype(str)
    kept: list[str] = texts[~texts.isin(labelled)].tolist()
    return kept


def _lexicon(path: str | None) -> dict[str, list[Any]] | None:
    """``--lexicon FILE``: a JSON object ``{topic: [[group, regex, polarity or null], ...]}`` whose entries are added
    to the default lexicon's entries for the same topic (custom topics get only theirs). None: the default alone."""
    if not path:
        return None
    from ..classify.lexicon import DEFAULT_LEXICON

    try:
        extra = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(
            f"--lexicon {path}: {err}; give a JSON object {{topic: [[group, regex, polarity], ...]}}") from None
    if not isinstance(extra, dict) or not all(isinstance(v, list) for v in extra.values()):
        raise ValueError(f"--lexicon {path}: give a JSON object {{topic: [[group, regex, polarity], ...]}}")
    merged: dict[str, list[Any]] = {t: [list(e) for e in v] for t, v in DEFAULT_LEXICON.items()}
    for topic, entries in extra.items():
        merged.setdefault(str(topic), []).extend(entries)
    return merged


def _train_topics(args: argparse.Namespace) -> int:
    from ..classify.modelfiles import check_model_target
    from ..classify.registry import load
    from ..classify.topics import TopicModel
    from ..classify.training import read_table, training_record

    check_model_target(args.out)
    df, labels = read_topic_labels(args, read_table)
    out = Path(args.out)
    base = args.base or (str(out) if (out / "meta.json").exists() else "default")
    clf = load(base)
    unl_texts = _unlabeled(args, set(df[args.text_col].astype(str)))
    model = TopicModel(lexicon=_lexicon(args.lexicon), random_state=args.seed).fit(
        df[args.text_col].tolist(), labels, unlabeled_texts=unl_texts)
    clf.topics = model
    clf.meta = {**clf.meta, "name": out.name, "version": args.version}
    clf.meta.setdefault("training", {})
    clf.meta["training"] = {**clf.meta["training"], "topics": training_record(
        args.data, len(df), ["feedback-nlp", *sys.argv[1:]], topics=model.topics_,
        unlabeled=str(args.unlabeled) if args.unlabeled else None, unlabeled_rows=len(unl_texts or []),
        lexicon=str(args.lexicon) if args.lexicon else "default", weak_clauses=model.n_weak_clauses_,
        sentiment_from=base)}
    clf.save(out)
    print(f"saved model with topics {model.topics_} to {out}; load it with feedback_nlp.load({str(out)!r})",
          file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from ..classify.registry import load
    from ..classify.training import evaluate_sentiment, map_labels, read_table

    cols = [args.text_col, args.label_col] + ([args.group_col] if args.group_col else [])
    df = read_table(args.data, cols, encoding=args.encoding)
    n_missing = int(df[[args.text_col, args.label_col]].isna().any(axis=1).sum())
    if n_missing:
        print(f"skipping {n_missing} rows with a missing text or label", file=sys.stderr)
        df = df.dropna(subset=[args.text_col, args.label_col])
    groups = df[args.group_col].tolist() if args.group_col else None
    labels = map_labels(df[args.label_col].tolist(), label_map(args.label_map))
    m = evaluate_sentiment(load(args.model), df[args.text_col].tolist(), labels, groups)
    print(json.dumps(m, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="feedback-nlp", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__

    p.add_argument("--version", action="version", version=f"feedback-nlp {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("classify", help="classify texts (arguments, stdin lines, or a CSV/JSONL/Parquet file)")
    c.add_argument("texts", nargs="*", help="texts to classify; one JSON line is printed per text")
    c.add_argument("--input", "-i", help="file with a text column (.csv .tsv .jsonl .parquet)")
    c.add_argument("--output", "-o", help="output file (.csv .tsv .jsonl .parquet); JSON lines on stdout if absent")
    c.add_argument("--text-col", default="text")
    c.add_argument("--model", "-m", default="default", help="shipped model name or model directory")
    c.add_argument("--batch-size", type=int, default=1024)
    c.add_argument("--errors", choices=["raise", "neutral"], default="raise",
                   help="missing texts: stop with an error naming the row (raise) or score them neutral")
    c.add_argument("--encoding", default="utf-8", help="input file encoding (e.g. gb18030)")
    c.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    c.add_argument("--prefix", default="", help="put this in front of the added column names (e.g. pred_) when the "
                   "input already has columns such as kind or topics; without it such a file is refused")
    c.set_defaults(func=_cmd_classify)

    t = sub.add_parser("train", help="train a model on a labelled file and save it to a directory")
    t.add_argument("--data", required=True, help="labelled file (.csv .tsv .jsonl .parquet)")
    t.add_argument("--out", required=True, help="model directory to write")
    add_train_options(t)  # --task --text-col --label-col --group-col --holdout --seed --version --encoding
    t.add_argument("--base", help="topics: the model whose sentiment part is kept (default: --out if it is a "
                                  "model directory, else the shipped default)")
    t.add_argument("--unlabeled", help="topics: a file of texts without topic labels (same --text-col) for the "
                                       "weak supervision, e.g. all your reviews (recommended: thousands)")
    t.add_argument("--lexicon", help='topics: JSON file {"topic": [["group", "regex", "negative"|"positive"|null], '
                                     '...]} of phrases added to the default lexicon (your own topics and domain words)')
    t.add_argument("--holdout-group-col",
                   help="hold out whole groups of this column (e.g. a template or customer id), so near-duplicate "
                        "rows never sit on both sides of the split")
    t.add_argument("--C", type=float, default=8.0, help="inverse regularisation strength")
    t.add_argument("--neutral-threshold", type=float, default=0.3, help="|score| below this is neutral")
    from .transformer import add_transformer_arguments

    add_transformer_arguments(t)  # --backend transformers --base ... (the [transformers] extra)
    t.set_defaults(func=_cmd_train)

    e = sub.add_parser("evaluate", help="metrics of a model on a labelled file")
    e.add_argument("--data", required=True)
    e.add_argument("--model", "-m", default="default")
    e.add_argument("--text-col", default="text")
    e.add_argument("--label-col", default="label")
    e.add_argument("--group-col", help="column to break accuracy down by")
    e.add_argument("--label-map", help="JSON object (or a file) mapping your labels to positive / negative / neutral")
    e.add_argument("--encoding", default="utf-8")
    e.set_defaults(func=_cmd_evaluate)

    from .insights import add_forecast_parser, add_mine_parser, add_report_parser

    add_mine_parser(sub)
    add_forecast_parser(sub)
    add_report_parser(sub)

    from .serve import add_serve_parser

    add_serve_parser(sub)
    return p


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds like an error: half-written temporary files are removed


def main(argv: Sequence[str] | None = None) -> int:
    import signal
    import threading

    args = build_parser().parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return int(args.func(args))
    except (OSError, KeyError, ValueError, TypeError, ImportError) as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"feedback-nlp {args.command}: error: {message}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
