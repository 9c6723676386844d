"""Sentiment alerts: periods whose negative share or volume rises above a rolling baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from ._frames import _frame, _positive_int, _times

__all__ = ["ALERT_COLUMNS", "sentiment_alerts"]

#: Columns of :func:`sentiment_alerts` output.
ALERT_COLUMNS: tuple[str, ...] = (
    "period", "count", "negative", "negative_share", "baseline_count", "baseline_share", "volume_z", "share_z",
    "max_negative_reach", "volume_alert", "share_alert", "reach_alert", "alert", "reason",
)


# --------------------------------------------------------------------------- alerts
def sentiment_alerts(
    df: pd.DataFrame,
    time_col: str,
    freq: str = "D",
    window: int = 14,
    *,
    min_periods: int = 7,
    z: float = 3.0,
    min_count: int = 20,
    min_share_jump: float = 0.05,
    sentiment_col: str = "sentiment_label",
    negative: str = "negative",
    only_alerts: bool = False,
    reach_col: str | None = None,
    reach_threshold: float = 500,
) -> pd.DataFrame:
    """Early warning: periods whose negative share or volume jumps above a rolling baseline.

    Rows are counted per period (``freq``: ``"D"``, ``"W"``, ``"h"``, ...; empty periods count 0). The baseline of
    a period is the ``window`` periods before it (never itself), used once at least ``min_periods`` exist:

    * **volume alert**: ``count > mean + z * sd`` where ``sd = max(std, sqrt(mean))`` — the Poisson floor keeps a
      flat history from alerting on +1 ticket;
    * **share alert**: ``count >= min_count`` and ``negative_share > p0 + z * sqrt(p0 * (1 - p0) / count)`` (a
      one-sided binomial z-test against the baseline share ``p0`` = negatives / rows of the window) and
      ``negative_share - p0 >= min_share_jump`` (so a huge volume does not alert on a 0.5-point rise);
    * **reach alert** (only with ``reach_col``, e.g. ``fn.spread(edges, posts).posts`` and ``reach_col="reach"``):
      a negative row of the period reached at least ``reach_threshold`` (reposts, comments and mentions at every
      level); no baseline needed. ``max_negative_reach`` is the largest reach of a negative row in the period
      (NaN without ``reach_col`` or without negatives); missing reach values count as no reach.

    ``volume_z`` / ``share_z`` are the z-scores; ``reason`` says which rule fired. Needs a ``sentiment_label``
    column (run ``fn.classify_frame`` first). Columns :data:`ALERT_COLUMNS`, one row per period (``only_alerts``:
    just the alerting ones).

    >>> import pandas as pd
    >>> days = pd.date_range("2024-05-01", periods=20, freq="D").repeat(30)
    >>> labels = (["negative"] * 3 + ["positive"] * 27) * 19 + ["negative"] * 20 + ["positive"] * 10
    >>> al = sentiment_alerts(pd.DataFrame({"time": days, "sentiment_label": labels}), "time")
    >>> al.loc[al["alert"], ["period", "reason"]].astype(str).values.tolist()
    [['2024-05-20', 'negative share 67% vs 10% baseline']]
    >>> posts = pd.DataFrame({"time": pd.date_range("2024-05-01", periods=3, freq="D"),
    ...                       "sentiment_label": ["negative", "negative", "positive"], "reach": [12, 640, 900]})
    >>> sentiment_alerts(posts, "time", window=2, min_periods=1, reach_col="reach", only_alerts=True)["reason"].tolist()
    ['a negative post reached 640 (>= 500)']
    """
    import numpy as np
    import pandas as pd

    df = _frame(df, "sentiment_alerts", [time_col, reach_col])
    if sentiment_col not in df.columns:
        raise KeyError(f"sentiment_alerts() needs a {sentiment_col!r} column: run fn.classify_frame(df) first "
                       "(or pass sentiment_col=)")
    window = _positive_int(window, "window", 2)
    min_periods = _positive_int(min_periods, "min_periods", 1)
    if min_periods > window:
        raise ValueError(f"min_periods ({min_periods}) must be <= window ({window})")
    if not isinstance(z, (int, float)) or isinstance(z, bool) or z <= 0:
        raise ValueError(f"z must be a positive number of standard deviations; got {z!r}")
    if (isinstance(reach_threshold, bool) or not isinstance(reach_threshold, (int, float))
            or not reach_threshold > 0):
        raise ValueError(f"reach_threshold must be a positive number (e.g. 500 reposts); got {reach_threshold!r}")
    times = _times(df, time_col)
    neg = (df[sentiment_col] == negative).to_numpy(dtype=float)
    reach = None
    if reach_col is not None:
        raw = df[reach_col]
        if pd.api.types.is_bool_dtype(raw) or not pd.api.types.is_numeric_dtype(raw):
            raise TypeError(f"sentiment_alerts(): {reach_col!r} must be numeric (dtype {raw.dtype}), e.g. the "
                            "'reach' column of fn.spread(...).posts")
        reach = raw.to_numpy(dtype=float)
        if (reach < 0).any():
            raise ValueError(f"sentiment_alerts(): {reach_col!r} has negative values; reach counts posts (>= 0)")
    frame = pd.DataFrame({"n": 1, "k": neg}, index=pd.DatetimeIndex(times.to_numpy()))
    try:
        g = frame.resample(freq).sum()
    except (ValueError, TypeError) as e:
        raise ValueError(f"freq must be a pandas frequency such as 'D', 'W' or 'h'; got {freq!r}") from e
    n = g["n"].astype(float)
    k = g["k"].astype(float)
    base_n = n.shift(1).rolling(window, min_periods=min_periods)
    mean = base_n.mean()
    sd = np.maximum(base_n.std(ddof=1).fillna(0.0), np.sqrt(mean))
    p0 = k.shift(1).rolling(window, min_periods=min_periods).sum() / n.shift(1).rolling(
        window, min_periods=min_periods).sum()
    share = k / n.where(n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        volume_z = (n - mean) / sd.where(sd > 0)
        se = np.sqrt(p0 * (1 - p0) / n.where(n > 0))
        share_z = (share - p0) / se.where(se > 0)
    # A baseline share of exactly 0 has no spread: any negatives past min_share_jump are then a jump.
    share_z = share_z.where(~((se == 0) & (share - p0 > 0)), np.inf)
    max_reach = pd.Series(np.nan, index=g.index)
    if reach is not None:
        neg_reach = pd.Series(np.where(neg > 0, reach, np.nan), index=frame.index)
        max_reach = neg_reach.resample(freq).max().reindex(g.index)
    reach_alert = (max_reach >= reach_threshold).fillna(False).astype(bool)
    vol_alert = (volume_z > z).fillna(False).astype(bool)
    share_alert = ((n >= min_count) & (share_z > z) & (share - p0 >= min_share_jump)).fillna(False).astype(bool)
    reasons = []
    for i in range(len(g)):
        parts = []
        if share_alert.iloc[i]:
            parts.append(f"negative share {share.iloc[i]:.0%} vs {p0.iloc[i]:.0%} baseline")
        if vol_alert.iloc[i]:
            parts.append(f"volume {int(n.iloc[i])} vs {mean.iloc[i]:.1f} baseline")
        if reach_alert.iloc[i]:
            parts.append(f"a negative post reached {max_reach.iloc[i]:,.0f} (>= {reach_threshold:,.0f})")
        reasons.append("; ".join(parts))
    out = pd.DataFrame({
        "period": g.index, "count": n.astype("int64").to_numpy(), "negative": k.astype("int64").to_numpy(),
        "negative_share": share.to_numpy(), "baseline_count": mean.to_numpy(), "baseline_share": p0.to_numpy(),
        "volume_z": volume_z.to_numpy(), "share_z": share_z.to_numpy(), "max_negative_reach": max_reach.to_numpy(),
        "volume_alert": vol_alert.to_numpy(), "share_alert": share_alert.to_numpy(),
        "reach_alert": reach_alert.to_numpy(), "alert": (vol_alert | share_alert | reach_alert).to_numpy(),
        "reason": reasons,
    }, columns=list(ALERT_COLUMNS))
    if only_alerts:
        out = out[out["alert"]].reset_index(drop=True)
    return out


