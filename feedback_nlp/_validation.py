"""Input checks shared by every public entry point: clear, typed errors at the boundary."""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Mapping, Set
from typing import Any, Literal

__all__ = ["ErrorPolicy", "MissingPolicy", "check_str_list", "check_text", "check_texts", "replace_surrogates"]

ErrorPolicy = Literal["raise", "neutral"]
#: What :func:`check_str_list` does with a missing row (None, NaN, pandas.NA).
MissingPolicy = Literal["raise", "drop"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate (not encodable as UTF-8) replaced by U+FFFD.

    >>> replace_surrogates("好\\ud800") == "好\\ufffd"
    True
    """
    return text if text.isascii() or not _SURROGATE.search(text) else _SURROGATE.sub("\ufffd", text)


def check_text(text: Any) -> str:
    """Return ``text`` if it is a ``str``; raise a TypeError that says what to pass otherwise."""
    if isinstance(text, str):
        return replace_surrogates(text)
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("classify() takes str, got bytes: decode it first, e.g. data.decode('utf-8') or 'gb18030'")
    if isinstance(text, (list, tuple)):
        raise TypeError("classify() takes one str; use classify_batch() for a list of texts")
    raise TypeError(f"classify() takes a str, got {type(text).__name__}")


def _is_missing(v: Any) -> bool:
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isnan(float(v))


def check_texts(texts: Any, errors: ErrorPolicy = "raise") -> tuple[list[str], list[int]]:
    """Validate a batch: returns (texts, indexes of missing rows replaced by "").

    Accepts lists, tuples, numpy arrays, pandas Series and other iterables of str. Missing values (None, NaN,
    pandas.NA) raise a ValueError naming the row unless ``errors="neutral"``; other non-str values raise TypeError.
    """
    if errors not in ("raise", "neutral"):
        raise ValueError("errors must be 'raise' or 'neutral'")
    if isinstance(texts, (str, bytes)):
        raise TypeError("classify_batch() takes a list of texts; use classify() for one str")
    if isinstance(texts, (Mapping, Set)) or type(texts).__name__ == "DataFrame":
        kind = "DataFrame (iterating it gives column names)" if type(texts).__name__ == "DataFrame" else (
            "dict (iterating it gives keys)" if isinstance(texts, Mapping) else "set (it has no order)")
        raise TypeError(f"classify_batch() takes a list/tuple/array/Series of str, got a {kind}: pass e.g. "
                        "list(d.values()), sorted(s) or df['text']")
    if not isinstance(texts, Iterable):
        raise TypeError(f"classify_batch() takes a list/tuple/array/Series of str, got {type(texts).__name__}")
    items = texts.tolist() if hasattr(texts, "tolist") else list(texts)
    out: list[str] = []
    missing: list[int] = []
    for i, v in enumerate(items):
        if isinstance(v, str):
            out.append(replace_surrogates(v))
        elif _is_missing(v):
            if errors == "raise":
                raise ValueError(
                    f"row {i} is missing (None/NaN); drop or fill it, or pass errors='neutral' to score it neutral"
                )
            missing.append(i)
            out.append("")
        elif isinstance(v, (bytes, bytearray)):
            raise TypeError(f"row {i} is bytes: decode the texts first (e.g. .decode('utf-8'))")
        else:
            raise TypeError(f"row {i} is {type(v).__name__}, not str")
    return out, missing


def check_str_list(texts: Any, func: str | None, arg: str = "texts", missing: MissingPolicy = "raise") -> list[str]:
    """The strict check of a batch of texts: a list / tuple / array / Series (any iterable) of ``str``.

    Returns the texts as a list. A single ``str`` / ``bytes``, a DataFrame, a non-iterable or a non-str row raise
    a TypeError naming the function ``func`` (``None``: none), the argument ``arg`` and the row. Missing rows
    (None, NaN, pandas.NA) raise the same TypeError, or are left out with ``missing="drop"``.

    >>> check_str_list(("服务很好", "太慢了"), "fit")
    ['服务很好', '太慢了']
    >>> check_str_list("服务很好", "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit(): texts must be a list of str, not a single str; wrap one text in a list: [text]
    """
    where = f"{func}(): " if func else ""
    if isinstance(texts, (str, bytes, bytearray)):
        raise TypeError(f"{where}{arg} must be a list of str, not a single {type(texts).__name__}; wrap one text "
                        "in a list: [text]")
    pd = sys.modules.get("pandas")  # not imported: then texts cannot be a pandas DataFrame
    if pd is not None and isinstance(texts, pd.DataFrame):
        raise TypeError(f"{where}{arg} must be a list/Series of str; pass one column, e.g. df['text']")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{where}{arg} must be a list/tuple/array/Series of str, got {type(texts).__name__}")
    items = texts.tolist() if hasattr(texts, "tolist") else list(texts)
    out: list[str] = []
    for i, v in enumerate(items):
        if isinstance(v, str):
            out.append(v)
        elif _is_missing(v):
            if missing == "raise":
                raise TypeError(f"{where}{arg}[{i}] (row {i}) is missing ({v!r}), not str; drop or fill it")
        elif isinstance(v, (bytes, bytearray)):
            raise TypeError(f"{where}{arg}[{i}] (row {i}) is bytes: decode the texts first (e.g. .decode('utf-8'))")
        else:
            raise TypeError(f"{where}{arg}[{i}] (row {i}) is {type(v).__name__}, not str")
    return out
