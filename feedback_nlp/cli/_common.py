"""Helpers shared by the command modules: the table writer and the topic-label cell parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["topic_label", "write_table"]


def write_table(df: Any, path: Path) -> None:
    """Write ``df`` as .csv, .tsv, .jsonl/.json or .parquet, chosen by the suffix of ``path``."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        df.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif suffix == ".parquet":
        df.to_parquet(path)
    elif suffix in (".csv", ".tsv"):
        df.to_csv(path, index=False, sep="\t" if suffix == ".tsv" else ",")
    else:
        raise ValueError(f"{path}: unknown output type {suffix!r}; use .csv, .tsv, .jsonl or .parquet")


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
