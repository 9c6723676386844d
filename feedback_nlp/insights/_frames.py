"""Input checks and cell helpers shared by the analyses (private)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._validation import check_str_list

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# --------------------------------------------------------------------------- input checks
def _texts(texts: Any, name: str = "texts") -> list[str]:
    """The texts of an analysis as a list of str: missing rows carry no words and are left out; none left raises."""
    out = check_str_list(texts, None, name, missing="drop")
    if not out:
        raise ValueError(f"{name} is empty (or all missing): nothing to analyse")
    return out


def _frame(df: Any, fn_name: str, columns: Sequence[str | None], what: str | None = None,
           allow_empty: bool = False) -> pd.DataFrame:
    """``df`` checked: a DataFrame with ``columns`` (``None`` entries skipped), not empty unless ``allow_empty``;
    ``what`` names it in the errors when a function takes several frames ("edges", "posts")."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        if what is None:
            raise TypeError(f"{fn_name}() takes a pandas DataFrame, got {type(df).__name__}")
        raise TypeError(f"{fn_name}(): {what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"{fn_name}(): columns {missing} not in {what or 'the DataFrame'} "
                       f"(columns: {list(df.columns)})")
    if len(df) == 0 and not allow_empty:
        raise ValueError(f"{fn_name}(): {what or 'the DataFrame'} is empty")
    return df


def _datetimes(values: pd.Series, where: str) -> pd.Series:
    """``values`` as datetimes (kept as they are when they already are); values that are not dates raise a
    ValueError naming ``where`` (e.g. ``"rfm(): column 't'"``)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    try:
        return pd.to_datetime(values, errors="raise", format="mixed")
    except (ValueError, TypeError, OverflowError) as e:
        raise ValueError(f"{where} has values that are not dates/times ({e}); convert it with pd.to_datetime "
                         "first") from e


def _positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}")
    return value


def _times(df: pd.DataFrame, time_col: str) -> pd.Series:
    from .forecast import parse_times

    times = parse_times(df, time_col)
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    return times


def _cell_list(value: Any) -> list[Any]:
    """Tags of one cell: a list/tuple/set/array as is, one scalar as one tag, missing or "" as none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        v = value.tolist()
        return v if isinstance(v, list) else [v]
    if isinstance(value, float) and math.isnan(value):
        return []
    if type(value).__name__ in ("NAType", "NaTType"):
        return []
    return [value]


