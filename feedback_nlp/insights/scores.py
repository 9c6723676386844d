"""Survey scores and group comparisons: NPS, CSAT and the corrected Welch t-test of :func:`underperformers`.

>>> nps([10, 9, 8, 3])
25.0
>>> csat([5, 4, 2, 1], scale=5)
50.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

from ._frames import _frame, _positive_int

__all__ = ["UNDERPERFORMER_COLUMNS", "csat", "nps", "underperformers"]

#: Columns of :func:`underperformers` output.
UNDERPERFORMER_COLUMNS: tuple[str, ...] = (
    "group", "n", "mean", "rest_mean", "diff", "t", "p_value", "p_adjusted", "underperforming",
)


# --------------------------------------------------------------------------- scores
def _scores(scores: Any, name: str, lo: float, hi: float) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if isinstance(scores, (str, bytes)) or not isinstance(scores, Iterable):
        raise TypeError(f"{name}() takes a list/array/Series of numbers, got {type(scores).__name__}")
    if isinstance(scores, pd.DataFrame):
        raise TypeError(f"{name}() takes one column of scores, e.g. df['score'], not a DataFrame")
    items = scores.tolist() if hasattr(scores, "tolist") else list(scores)
    if len(items) == 0:
        raise ValueError(f"{name}(): no scores given")
    vals = []
    for i, v in enumerate(items):
        if v is None or v is pd.NA:
            vals.append(math.nan)
        elif isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name}(): score {i} is {type(v).__name__} ({v!r}), not a number; convert first, "
                            "e.g. pd.to_numeric(s, errors='coerce')")
        else:
            vals.append(float(v))
    arr = np.asarray(vals, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError(f"{name}(): all {len(items)} scores are missing (NaN/None)")
    bad = arr[(arr < lo) | (arr > hi) | (arr != np.round(arr))]
    if bad.size:
        raise ValueError(f"{name}(): scores must be whole numbers from {lo:g} to {hi:g}; got {bad[:5].tolist()} "
                         f"({bad.size} bad)")
    result: np.ndarray = arr
    return result


def nps(scores: Any) -> float:
    """Net Promoter Score in percent: promoters (9–10) minus detractors (0–6), over all answers, from -100 to 100.

    Missing answers (NaN/None) are skipped; scores must be whole numbers 0–10 (ValueError otherwise; all missing
    → ValueError; non-numbers → TypeError).

    >>> nps([10, 9, 9, 7, 3])  # 3 推荐者, 1 贬损者, 5 人
    40.0
    """
    arr = _scores(scores, "nps", 0, 10)
    return float(100.0 * ((arr >= 9).mean() - (arr <= 6).mean()))


def csat(scores: Any, scale: int = 5) -> float:
    """Customer satisfaction in percent: the share of the top two boxes (4–5 on a 1–5 scale, 6–7 on 1–7, ...).

    ``scale``: highest score (answers run 1..scale). Missing answers are skipped; out-of-range or fractional scores
    raise ValueError, all missing raises ValueError.

    >>> csat([5, 4, 3, 1])
    50.0
    """
    scale = _positive_int(scale, "scale", 3)
    arr = _scores(scores, "csat", 1, scale)
    return float(100.0 * (arr >= scale - 1).mean())


def underperformers(
    df: pd.DataFrame,
    group_col: str,
    score_col: str,
    alpha: float = 0.05,
    *,
    method: str = "fdr_bh",
    min_n: int = 5,
    alternative: Literal["less", "two-sided"] = "less",
) -> pd.DataFrame:
    """Units (stores, agents, branches) whose mean score is significantly below the rest.

    For each group with at least ``min_n`` scores: Welch's t-test (unequal variances, scipy) of its scores
    against all other rows, one-sided ``alternative="less"`` by default; p-values are corrected for testing many
    groups with statsmodels ``multipletests(method=...)`` (``"fdr_bh"`` Benjamini–Hochberg by default,
    ``"holm"``, ``"bonferroni"``...). ``underperforming`` is ``p_adjusted < alpha`` and ``diff < 0``.
    Smaller groups are listed with NaN p-values and never flagged.

    Columns :data:`UNDERPERFORMER_COLUMNS`, sorted by ``p_adjusted`` then ``diff``. NaN scores are dropped;
    non-numeric scores → TypeError; fewer than two groups or all-NaN scores → ValueError.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"门店": ["A"] * 20 + ["B"] * 20 + ["C"] * 20,
    ...                    "score": [5, 4] * 10 + [4, 5] * 10 + [2, 1, 3, 2] * 5})
    >>> underperformers(df, "门店", "score").query("underperforming")["group"].tolist()
    ['C']
    """
    import numpy as np
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    df = _frame(df, "underperformers", [group_col, score_col])
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), e.g. 0.05; got {alpha!r}")
    if alternative not in ("less", "two-sided"):
        raise ValueError(f"alternative must be 'less' or 'two-sided'; got {alternative!r}")
    min_n = _positive_int(min_n, "min_n", 2)
    col = df[score_col]
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        raise TypeError(f"column {score_col!r} must hold numbers (dtype {col.dtype}); convert it first, e.g. "
                        f"pd.to_numeric(df[{score_col!r}], errors='coerce')")
    data = pd.DataFrame({"g": df[group_col].to_numpy(), "s": col.to_numpy(dtype=float)}).dropna()
    if len(data) == 0:
        raise ValueError(f"column {score_col!r} has no scores (all NaN) or {group_col!r} no groups")
    groups = list(dict.fromkeys(data["g"]))
    if len(groups) < 2:
        raise ValueError(f"underperformers() needs at least two groups in {group_col!r}; found {groups}")
    s = data["s"].to_numpy()
    gv = data["g"].to_numpy()
    rows = []
    for grp in groups:
        mask = gv == grp
        x, rest = s[mask], s[~mask]
        t = p = math.nan
        if mask.sum() >= min_n and rest.size >= 2:
            with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # near-constant groups: handled below
                res = stats.ttest_ind(x, rest, equal_var=False, alternative=alternative)
            t, p = float(res.statistic), float(res.pvalue)
            if math.isnan(p):  # both sides constant: equal means -> no evidence, different means -> certain
                below = x.mean() < rest.mean() if alternative == "less" else x.mean() != rest.mean()
                p = 0.0 if below else 1.0
        rows.append({"group": grp, "n": int(mask.sum()), "mean": float(x.mean()), "rest_mean": float(rest.mean()),
                     "diff": float(x.mean() - rest.mean()), "t": t, "p_value": p})
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna().to_numpy()
    adj = np.full(len(out), np.nan)
    if tested.any():
        adj[tested] = multipletests(out.loc[tested, "p_value"].to_numpy(), alpha=alpha, method=method)[1]
    out["p_adjusted"] = adj
    out["underperforming"] = (out["p_adjusted"] < alpha) & (out["diff"] < 0)
    out = out.sort_values(["p_adjusted", "diff"], kind="mergesort", na_position="last")
    result: pd.DataFrame = out[list(UNDERPERFORMER_COLUMNS)].reset_index(drop=True)
    return result


