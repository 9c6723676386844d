"""Helpers shared by the command modules: the (atomic) table writer, output checks, ``--label-map`` and the
topic-label cell parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["check_outputs", "label_map", "topic_label", "write_table"]


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
