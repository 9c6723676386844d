"""Helpers shared by the command modules: the (atomic) table writer, output checks, ``--label-map`` and the
topic-label cell parser."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["TRAIN_OPTIONS", "add_train_options", "check_outputs", "label_map", "read_topic_labels", "topic_label",
           "write_table"]


def write_table(df: Any, path: Path) -> None:
    """Write ``df`` as .csv, .tsv, .jsonl/.json or .parquet, chosen by the suffix of ``path``, atomically (a temporary
    file in the same directory, then ``os.replace``: an interrupted write leaves the old file and no partial one)."""
    from .._files import write_table as _write

    _write(df, path)


def check_outputs(*paths: str | Path | None) -> None:
    """Check every output path before any work (missing directory, a directory, read-only: a clear error now)."""
    from .._files import check_output_path

    for path in paths:
        if path:
            check_output_path(path)


def label_map(value: str | None) -> dict[str, Any] | None:
    """``--label-map``: a JSON object (inline, or a file holding one) mapping your labels to positive / negative /
    neutral.

    >>> label_map('{"赞": "positive", "踩": "negative"}')
    {'赞': 'positive', '踩': 'negative'}
    """
    if not value:
        return None
    text = value
    if not value.lstrip().startswith("{") and Path(value).is_file():
        text = Path(value).read_text(encoding="utf-8")
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError:
        mapping = None
    if not isinstance(mapping, dict):
        raise ValueError(f"--label-map {value!r}: give a JSON object like '{{\"赞\": \"positive\", \"踩\": "
                         "\"negative\"}' (or a file holding one)")
    return mapping


def topic_label(value: Any) -> Any:
    """A topics cell from a file: a dict (JSONL; keys with null polarity dropped), a JSON string or a list."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return {}
        if value[0] in "{[":
            value = json.loads(value)
        else:
            value = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    if hasattr(value, "tolist"):
        value = value.tolist()
    return value


def read_topic_labels(args: argparse.Namespace, read: Callable[..., Any]) -> tuple[Any, list[Any]]:
    """``(frame, labels)`` of ``train --task topics``: rows with a text, labels parsed by :func:`topic_label` from
    ``--label-col`` (``topics`` when left at its default). ``read`` is the table reader (path, columns, encoding)."""
    label_col = "topics" if args.label_col == "label" else args.label_col
    df = read(args.data, [args.text_col, label_col], encoding=args.encoding)
    df = df.dropna(subset=[args.text_col]).reset_index(drop=True)
    return df, [topic_label(v) for v in df[label_col]]


#: Options every ``train`` parser has, whatever the backend: flag -> add_argument keywords.
TRAIN_OPTIONS: dict[str, dict[str, Any]] = {
    "--task": {"default": "sentiment", "choices": ["sentiment", "topics"],
               "help": "sentiment: a new model; topics: a topic component added to a model (see --base)"},
    "--text-col": {"default": "text"},
    "--label-col": {"default": "label", "help": "sentiment: 1/0 or positive/negative(/neutral); topics (default "
                                                "column 'topics'): {\"topic\": \"negative\", ...} dicts, JSON strings "
                                                "or comma-separated names"},
    "--label-map": {"help": "sentiment: JSON object (or a file holding one) mapping your labels, e.g. "
                            "'{\"赞\": \"positive\", \"踩\": \"negative\", \"一般\": \"neutral\"}'"},
    "--group-col": {"help": "column to break held-out accuracy down by (e.g. source)"},
    "--holdout": {"type": float, "default": 0.0, "help": "fraction held out to report metrics (e.g. 0.2)"},
    "--seed": {"type": int, "default": 0},
    "--version": {"default": "0.1.0", "help": "version written to the model card"},
    "--encoding": {"default": "utf-8"},
}


def add_train_options(parser: argparse.ArgumentParser) -> None:
    """Add :data:`TRAIN_OPTIONS` to a ``train`` parser."""
    for flag, kw in TRAIN_OPTIONS.items():
        parser.add_argument(flag, **kw)
