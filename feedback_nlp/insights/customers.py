"""Customer value (RFM): recency, frequency and monetary value per customer, 1–5 scores and the 8-segment grid.

One row per customer from a table of transactions (one row per purchase / payment / order):

* ``recency_days``: days from the customer's last transaction to ``now``; ``frequency``: number of transactions
  (rows); ``monetary``: sum of the amounts.
* ``r_score`` / ``f_score`` / ``m_score``: 1 (worst) to ``bins`` (best) by quantile — a recent, frequent, big
  spender scores ``bins`` on all three. Method (mid-rank quantiles): each value gets the mid-distribution
  percentile ``p = (rank - 0.5) / n`` with ``rank`` the *average* rank of its ties, and the score is
  ``floor(p * bins) + 1``. Without ties this is an equal-count split (``pd.qcut``); tied values always share one
  score (``qcut`` fails on repeated edges, and rank-first-then-qcut gives equal values different scores by row
  order); a single customer lands in the middle score and two customers split below / above it. Recency is
  scored on its negative, so fewer days is better.
* ``rfm_code``: ``H`` (high) or ``L`` (low) for R, F and M — a score above the middle one,
  ``score > (bins + 1) / 2`` (4 and 5 with ``bins=5``), is high — and ``segment``, its name in the usual grid:

  ====  ==============  ===================================
  RFM   segment         ``lang="en"``
  ====  ==============  ===================================
  HHH   重要价值客户    important value customer
  LHH   重要保持客户    important retention customer
  HLH   重要发展客户    important development customer
  LLH   重要挽留客户    important win-back customer
  HHL   一般价值客户    general value customer
  LHL   一般保持客户    general retention customer
  HLL   一般发展客户    general development customer
  LLL   一般挽留客户    general win-back customer
  ====  ==============  ===================================

  The grid is data (:data:`DEFAULT_SEGMENTS`): pass ``segments={"HHH": "私行客户", ...}`` (all eight codes) to
  use your own names.
* ``tier``: the customer tier the segment maps to (:data:`SEGMENT_TIERS`: the four 重要 segments, i.e. high
  monetary value, are ``"vip"``; the others none). ``classify_frame(df, tier_col=...)`` accepts either this
  ``tier`` column or the default ``segment`` names directly (``PriorityRules.tier_raises`` lists them with one
  step), so a complaint from a 重要价值客户 is answered one priority level faster (normal 24 h → high 4 h).

>>> import pandas as pd
>>> tx = pd.DataFrame({"客户": ["张", "张", "李", "李", "王", "赵"],
...                    "日期": ["2024-05-30", "2024-05-02", "2024-01-05", "2024-01-20", "2024-05-28", "2024-02-01"],
...                    "金额": [1800.0, 2600.0, 3000.0, 900.0, 35.0, 80.0]})
>>> r = rfm(tx, "客户", "日期", "金额", now="2024-06-01", bins=2)
>>> r[["客户", "rfm_score", "segment", "tier"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['张', '222', '重要价值客户', 'vip'], ['李', '122', '重要保持客户', 'vip'],
 ['王', '211', '一般发展客户', None], ['赵', '111', '一般挽留客户', None]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ._frames import _datetimes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["DEFAULT_SEGMENTS", "RFM_COLUMNS", "SEGMENT_TIERS", "rfm", "rfm_codes"]

#: The usual 8-segment RFM grid: ``rfm_code`` (H/L for recency, frequency, monetary) -> (id, 中文, English).
DEFAULT_SEGMENTS: Mapping[str, tuple[str, str, str]] = {
    "HHH": ("important_value", "重要价值客户", "important value customer"),
    "LHH": ("important_retention", "重要保持客户", "important retention customer"),
    "HLH": ("important_development", "重要发展客户", "important development customer"),
    "LLH": ("important_winback", "重要挽留客户", "important win-back customer"),
    "HHL": ("general_value", "一般价值客户", "general value customer"),
    "LHL": ("general_retention", "一般保持客户", "general retention customer"),
    "HLL": ("general_development", "一般发展客户", "general development customer"),
    "LLL": ("general_winback", "一般挽留客户", "general win-back customer"),
}

#: Segment -> customer tier accepted by ``classify_frame(tier_col=...)`` (``"vip"`` raises priority one step).
#: Keys: the ids, Chinese and English names of the four high-monetary (重要) segments.
SEGMENT_TIERS: Mapping[str, str] = {
    name: "vip" for code, names in DEFAULT_SEGMENTS.items() if code.endswith("H") for name in names
}

#: Columns of :func:`rfm` output after your customer column.
RFM_COLUMNS: tuple[str, ...] = (
    "last_time", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_score",
    "rfm_code", "segment", "tier",
)


def rfm_codes() -> tuple[str, ...]:
    """The eight ``rfm_code`` values a custom ``segments`` mapping must name.

    >>> rfm_codes()[:2]
    ('HHH', 'HHL')
    """
    return tuple(a + b + c for a in "HL" for b in "HL" for c in "HL")


def _mid_rank_scores(values: Any, bins: int) -> Any:
    """1..bins from mid-distribution percentiles (see the module docstring); ties share a score."""
    import numpy as np
    import pandas as pd

    s = pd.Series(np.asarray(values, dtype=float))
    n = len(s)
    twice_rank = np.rint(2 * s.rank(method="average").to_numpy()).astype(np.int64)  # integer: 2 * average rank
    scores = (twice_rank - 1) * bins // (2 * n) + 1  # exact integer arithmetic for floor(p * bins) + 1
    return np.clip(scores, 1, bins).astype(np.int64)


def _segment_names(segments: Any, lang: str) -> dict[str, str]:
    if isinstance(segments, str):
        if segments != "default":
            raise ValueError(f"segments must be 'default' or a mapping of the 8 RFM codes to names; got {segments!r}")
        col = 1 if lang == "zh" else 2
        return {code: names[col] for code, names in DEFAULT_SEGMENTS.items()}
    if not isinstance(segments, Mapping):
        raise TypeError(f"segments must be 'default' or a mapping such as {{'HHH': '私行客户', ...}}; got "
                        f"{type(segments).__name__}")
    codes = rfm_codes()
    unknown = [k for k in segments if k not in codes]
    missing = [c for c in codes if c not in segments]
    if unknown or missing:
        raise ValueError(f"segments must map each of the 8 RFM codes {list(codes)} (H/L for recency, frequency, "
                         f"monetary) to a name; unknown keys {unknown}, missing {missing}")
    out = {}
    for code in codes:
        name = segments[code]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"segments[{code!r}] must be a non-empty str; got {name!r}")
        out[code] = name
    return out


def _parse_now(now: Any, times: pd.Series, now_given: bool) -> pd.Timestamp:
    import pandas as pd

    try:
        ts = pd.Timestamp(now)
    except (ValueError, TypeError) as e:
        raise ValueError(f"now must be a date/time (e.g. '2024-06-01' or a Timestamp); got {now!r}") from e
    if pd.isna(ts):
        raise ValueError("now is missing (NaT); pass a date or leave now=None")
    tz = getattr(times.dt, "tz", None)
    if (ts.tzinfo is None) != (tz is None):
        raise ValueError(f"now ({ts}) and the transaction times ({'tz-aware' if tz else 'tz-naive'}) must both be "
                         "tz-aware or both naive; e.g. pass now=pd.Timestamp('2024-06-01', tz='Asia/Shanghai')")
    return ts


def rfm(
    transactions: pd.DataFrame,
    customer_col: str,
    time_col: str,
    amount_col: str,
    now: Any = None,
    bins: int = 5,
    segments: str | Mapping[str, str] = "default",
    lang: Literal["zh", "en"] = "zh",
    tiers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """RFM table: one row per customer, most valuable first (see the module docstring for the method).

    ``now``: the reference date for recency (default: the latest transaction, so the result does not depend on
    when you run it). ``bins``: number of score levels (2–10; 5 is the usual). ``segments``: ``"default"`` (the
    8-segment grid, Chinese names, ``lang="en"`` for English) or your own mapping of the 8 codes
    (:func:`rfm_codes`) to names. ``tiers``: segment name -> tier for the ``tier`` column (default
    :data:`SEGMENT_TIERS`); names it does not list get ``None``.

    Columns: your ``customer_col``, then :data:`RFM_COLUMNS`. Sorted by ``r_score + f_score + m_score`` then
    monetary, descending; ties in order of first appearance.

    Bad input: not a DataFrame → TypeError; missing columns → KeyError; no rows, a missing customer / time /
    amount, an unparseable time, a negative amount (refunds: net them into their orders or drop them first), or a
    transaction after ``now`` (or, with ``now=None``, after today) → ValueError naming the rows; a non-numeric
    amount column → TypeError.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"id": [1, 1, 2], "t": ["2024-05-01", "2024-05-20", "2024-02-01"], "amt": [80, 120, 5]})
    >>> rfm(tx, "id", "t", "amt", bins=2, lang="en")[["id", "frequency", "monetary", "segment"]].values.tolist()
    [[1, 2, 200.0, 'important value customer'], [2, 1, 5.0, 'general win-back customer']]
    """
    import numpy as np
    import pandas as pd

    if not isinstance(transactions, pd.DataFrame):
        raise TypeError(f"rfm() takes a pandas DataFrame of transactions, got {type(transactions).__name__}")
    missing = [c for c in (customer_col, time_col, amount_col) if c not in transactions.columns]
    if missing:
        raise KeyError(f"rfm(): columns {missing} not in the DataFrame (columns: {list(transactions.columns)}); "
                       "pass customer_col=, time_col=, amount_col=")
    if len({customer_col, time_col, amount_col}) < 3:
        raise ValueError("rfm(): customer_col, time_col and amount_col must be three different columns")
    if isinstance(bins, bool) or not isinstance(bins, int) or not 2 <= bins <= 10:
        raise ValueError(f"bins must be an int from 2 to 10 (5 is the usual); got {bins!r}")
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en'; got {lang!r}")
    names = _segment_names(segments, lang)
    tier_map = SEGMENT_TIERS if tiers is None else tiers
    if not isinstance(tier_map, Mapping):
        raise TypeError(f"tiers must be a mapping of segment name -> tier (e.g. {{'私行客户': 'svip'}}); got "
                        f"{type(tier_map).__name__}")
    if len(transactions) == 0:
        raise ValueError("rfm(): no transactions (empty DataFrame)")

    cust = transactions[customer_col]
    bad = np.flatnonzero(cust.isna().to_numpy())
    if bad.size:
        raise ValueError(f"rfm(): {bad.size} rows have no customer ({customer_col!r} missing at rows "
                         f"{bad[:5].tolist()}); drop or fill them")
    times = _datetimes(transactions[time_col], f"rfm(): column {time_col!r}")
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        raise ValueError(f"rfm(): {bad.size} rows have no time ({time_col!r} missing at rows {bad[:5].tolist()})")
    amt_raw = transactions[amount_col]
    if pd.api.types.is_bool_dtype(amt_raw) or not pd.api.types.is_numeric_dtype(amt_raw):
        raise TypeError(f"rfm(): column {amount_col!r} must be numeric (dtype {amt_raw.dtype}); convert it, e.g. "
                        f"pd.to_numeric(df[{amount_col!r}], errors='coerce')")
    amount = amt_raw.to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(amount))
    if bad.size:
        raise ValueError(f"rfm(): {bad.size} rows have no amount ({amount_col!r} missing at rows "
                         f"{bad[:5].tolist()})")
    bad = np.flatnonzero(amount < 0)
    if bad.size:
        raise ValueError(f"rfm(): {bad.size} negative amounts in {amount_col!r} (rows {bad[:5].tolist()}): refunds "
                         "or reversals? Net them into their orders or drop them before rfm()")
    if not np.isfinite(amount).all():
        raise ValueError(f"rfm(): column {amount_col!r} has infinite amounts")

    if now is None:
        ref = _parse_now(pd.Timestamp.now(tz=getattr(times.dt, "tz", None)), times, False)
        late = np.flatnonzero((times > ref + pd.Timedelta(days=1)).to_numpy())
        if late.size:
            raise ValueError(f"rfm(): {late.size} transactions are in the future (after today, e.g. row {late[0]}: "
                             f"{times.iloc[late[0]]}); fix the dates, or pass now= a later reference date")
        ref = times.max()
    else:
        ref = _parse_now(now, times, True)
        late = np.flatnonzero((times > ref).to_numpy())
        if late.size:
            raise ValueError(f"rfm(): {late.size} transactions are after now={ref} (e.g. row {late[0]}: "
                             f"{times.iloc[late[0]]}); pass a later now= or drop them")

    frame = pd.DataFrame({"c": cust.to_numpy(), "t": times.to_numpy(), "a": amount})
    g = frame.groupby("c", sort=False)  # first-appearance order: ids of mixed types need no sorting
    last = g["t"].max()
    out = pd.DataFrame({
        customer_col: last.index.to_numpy(),
        "last_time": last.to_numpy(),
        "recency_days": (ref - last).dt.total_seconds().to_numpy(dtype=float) / 86400.0,
        "frequency": g.size().to_numpy(dtype=np.int64),
        "monetary": g["a"].sum().to_numpy(dtype=float),
    })
    out["r_score"] = _mid_rank_scores(-out["recency_days"].to_numpy(), bins)
    out["f_score"] = _mid_rank_scores(out["frequency"].to_numpy(), bins)
    out["m_score"] = _mid_rank_scores(out["monetary"].to_numpy(), bins)
    out["rfm_score"] = (out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str))
    high = {c: np.where(2 * out[f"{c}_score"].to_numpy() > bins + 1, "H", "L") for c in "rfm"}
    out["rfm_code"] = [a + b + c for a, b, c in zip(high["r"], high["f"], high["m"])]
    out["segment"] = out["rfm_code"].map(names)
    out["tier"] = pd.Series([tier_map.get(s) for s in out["segment"]], index=out.index, dtype=object)
    total = out["r_score"] + out["f_score"] + out["m_score"]
    order = np.lexsort((np.arange(len(out)), -out["monetary"].to_numpy(), -total.to_numpy()))
    return out.iloc[order].reset_index(drop=True)
