"""Sentiment alerts: days (or other periods) whose negative share or volume rises above a baseline — the same
weekday of the previous weeks for daily data (Mondays are compared with Mondays), else the periods just before.

>>> import pandas as pd
>>> days = pd.date_range("2024-05-01", periods=36, freq="D").repeat(30)
>>> labels = (["negative"] * 3 + ["positive"] * 27) * 35 + ["negative"] * 20 + ["positive"] * 10
>>> al = sentiment_alerts(pd.DataFrame({"time": days, "sentiment_label": labels}), "time")
>>> al.loc[al["alert"], ["period", "reason"]].astype(str).values.tolist()
[['2024-06-05', '负面占比 67%，同星期基线 10%']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from ..classify.labels import check_lang
from ._frames import _frame, _positive_int, _times

__all__ = ["ALERT_COLUMNS", "sentiment_alerts"]

#: Columns of :func:`sentiment_alerts` output (``baseline``: ``"weekday"`` or ``"rolling"``).
ALERT_COLUMNS: tuple[str, ...] = (
    "period", "count", "negative", "negative_share", "baseline_count", "baseline_share", "volume_z", "share_z",
    "max_negative_reach", "volume_alert", "share_alert", "reach_alert", "alert", "reason", "baseline",
)
_REASONS = {
    ("share", "weekday"): ("负面占比 {share:.0%}，同星期基线 {base:.0%}",
                           "negative share {share:.0%} vs {base:.0%} same-weekday baseline"),
    ("share", "rolling"): ("负面占比 {share:.0%}，前期基线 {base:.0%}",
                           "negative share {share:.0%} vs {base:.0%} baseline of the previous periods"),
    ("volume", "weekday"): ("反馈量 {n} 条，同星期基线 {base:.1f} 条",
                            "volume {n} vs {base:.1f} same-weekday baseline"),
    ("volume", "rolling"): ("反馈量 {n} 条，前期基线 {base:.1f} 条",
                            "volume {n} vs {base:.1f} baseline of the previous periods"),
    ("reach", ""): ("一条负面帖子的传播量达 {reach:,.0f}（≥ {threshold:,.0f}）",
                    "a negative post reached {reach:,.0f} (>= {threshold:,.0f})"),
}


def _is_daily(freq: str) -> bool:
    import pandas as pd

    try:
        off = pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        return False
    return off == pd.tseries.frequencies.to_offset("D")


def sentiment_alerts(
    df: pd.DataFrame,
    time_col: str,
    freq: str = "D",
    window: int = 14,
    *,
    baseline: Literal["auto", "weekday", "rolling"] = "auto",
    weeks: int = 8,
    min_weeks: int = 4,
    min_periods: int = 7,
    z: float = 3.0,
    min_count: int = 20,
    min_share_jump: float = 0.05,
    sentiment_col: str = "sentiment_label",
    negative: str = "negative",
    only_alerts: bool = False,
    reach_col: str | None = None,
    reach_threshold: float = 500,
    lang: str = "zh",
) -> pd.DataFrame:
    """Early warning: periods whose negative share or volume jumps above their baseline.

    Rows are counted per period (``freq``: ``"D"``, ``"W"``, ``"h"``, ...; empty periods count 0). The baseline
    (never the period itself):

    * ``baseline="weekday"`` (``"auto"`` with daily data): the same weekday of the previous ``weeks`` weeks, used
      once ``min_weeks`` of them exist — feedback volume follows the week (busy Mondays, quiet Sundays), so an
      ordinary Monday is compared with Mondays, not with the weekend;
    * ``baseline="rolling"`` (``"auto"`` otherwise): the ``window`` periods before, once ``min_periods`` exist.

    Rules:

    * **volume alert**: ``count > mean + z * sd`` where ``sd = max(std, sqrt(mean))`` — the Poisson floor keeps a
      flat history from alerting on +1 ticket;
    * **share alert**: ``count >= min_count`` and ``negative_share > p0 + z * se`` with
      ``se = sqrt(p0 * (1 - p0) * (1 / count + 1 / baseline_rows))`` (a one-sided two-proportion z-test against the
      baseline share ``p0`` = negatives / rows of the baseline periods, which is itself an estimate) and
      ``negative_share - p0 >= min_share_jump`` (so a huge volume does not alert on a 0.5-point rise);
    * **reach alert** (only with ``reach_col``, e.g. ``fn.spread(edges, posts).posts`` and ``reach_col="reach"``):
      a negative row of the period reached at least ``reach_threshold`` (reposts, comments and mentions at every
      level); no baseline needed. ``max_negative_reach`` is the largest reach of a negative row in the period
      (NaN without ``reach_col`` or without negatives); missing reach values count as no reach.

    ``volume_z`` / ``share_z`` are the z-scores; ``reason`` says which rule fired against which baseline, in
    ``lang`` (``"zh"`` default, ``"en"``); ``baseline`` names it (``"weekday"`` / ``"rolling"``). Needs a
    ``sentiment_label`` column (run ``fn.classify_frame`` first). Columns :data:`ALERT_COLUMNS`, one row per
    period (``only_alerts``: just the alerting ones).

    >>> import pandas as pd
    >>> posts = pd.DataFrame({"time": pd.date_range("2024-05-01", periods=3, freq="D"),
    ...                       "sentiment_label": ["negative", "negative", "positive"], "reach": [12, 640, 900]})
    >>> sentiment_alerts(posts, "time", window=2, min_periods=1, reach_col="reach", only_alerts=True,
    ...                  lang="en")["reason"].tolist()
    ['a negative post reached 640 (>= 500)']
    """
    import numpy as np
    import pandas as pd

    df = _frame(df, "sentiment_alerts", [time_col, reach_col])
    lang = check_lang(lang)
    if sentiment_col not in df.columns:
        raise KeyError(f"sentiment_alerts() needs a {sentiment_col!r} column: run fn.classify_frame(df) first "
                       "(or pass sentiment_col=)")
    if baseline not in ("auto", "weekday", "rolling"):
        raise ValueError(f"baseline must be 'auto', 'weekday' or 'rolling'; got {baseline!r}")
    window = _positive_int(window, "window", 2)
    min_periods = _positive_int(min_periods, "min_periods", 1)
    if min_periods > window:
        raise ValueError(f"min_periods ({min_periods}) must be <= window ({window})")
    weeks = _positive_int(weeks, "weeks", 2)
    min_weeks = _positive_int(min_weeks, "min_weeks", 1)
    if min_weeks > weeks:
        raise ValueError(f"min_weeks ({min_weeks}) must be <= weeks ({weeks})")
    if not isinstance(z, (int, float)) or isinstance(z, bool) or z <= 0:
        raise ValueError(f"z must be a positive number of standard deviations; got {z!r}")
    if (isinstance(reach_threshold, bool) or not isinstance(reach_threshold, (int, float))
            or not reach_threshold > 0):
        raise ValueError(f"reach_threshold must be a positive number (e.g. 500 reposts); got {reach_threshold!r}")
    if baseline == "weekday" and not _is_daily(freq):
        raise ValueError(f"baseline='weekday' needs daily periods (freq='D'); got freq={freq!r}: use "
                         "baseline='rolling'")
    kind = "weekday" if baseline == "weekday" or (baseline == "auto" and _is_daily(freq)) else "rolling"
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

    def past(s: pd.Series, how: str) -> pd.Series:
        """``how`` ("mean", "std", "sum") of the baseline periods of each period."""
        if kind == "weekday":
            groups = s.groupby(pd.DatetimeIndex(s.index).day_of_week, group_keys=False)
            out: pd.Series = groups.apply(
                lambda x: getattr(x.shift(1).rolling(weeks, min_periods=min_weeks), how)(
                    **({"ddof": 1} if how == "std" else {})))
            return out.reindex(s.index)
        r = s.shift(1).rolling(window, min_periods=min_periods)
        res: pd.Series = getattr(r, how)(**({"ddof": 1} if how == "std" else {}))
        return res

    mean = past(n, "mean")
    sd = np.maximum(past(n, "std").fillna(0.0), np.sqrt(mean))
    base_n = past(n, "sum")
    p0 = past(k, "sum") / base_n
    share = k / n.where(n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        volume_z = (n - mean) / sd.where(sd > 0)
        # two-proportion z-test: the baseline share is itself estimated from base_n rows
        se = np.sqrt(p0 * (1 - p0) * (1 / n.where(n > 0) + 1 / base_n.where(base_n > 0)))
        share_z = (share - p0) / se.where(se > 0)
    # A baseline share of exactly 0 has no spread: any negatives past min_share_jump are then a jump.
    share_z = share_z.where(~((se == 0) & (share - p0 > 0)), np.inf)
    vol_alert = (volume_z > z).fillna(False).astype(bool)
    share_alert = ((n >= min_count) & (share_z > z) & (share - p0 >= min_share_jump)).fillna(False).astype(bool)
    max_reach = pd.Series(np.nan, index=g.index)
    if reach is not None:
        neg_reach = pd.Series(np.where(neg > 0, reach, np.nan), index=frame.index)
        max_reach = neg_reach.resample(freq).max().reindex(g.index)
    reach_alert = (max_reach >= reach_threshold).fillna(False).astype(bool)
    i_lang = 0 if lang == "zh" else 1
    sep = "；" if lang == "zh" else "; "
    reasons = []
    for i in range(len(g)):
        parts: list[str] = []
        if share_alert.iloc[i]:
            parts.append(_REASONS[("share", kind)][i_lang].format(share=share.iloc[i], base=p0.iloc[i]))
        if vol_alert.iloc[i]:
            parts.append(_REASONS[("volume", kind)][i_lang].format(n=int(n.iloc[i]), base=mean.iloc[i]))
        if reach_alert.iloc[i]:
            parts.append(_REASONS[("reach", "")][i_lang].format(reach=max_reach.iloc[i], threshold=reach_threshold))
        reasons.append(sep.join(parts))
    cols: dict[str, Any] = {
        "period": g.index, "count": n.astype("int64").to_numpy(), "negative": k.astype("int64").to_numpy(),
        "negative_share": share.to_numpy(), "baseline_count": mean.to_numpy(), "baseline_share": p0.to_numpy(),
        "volume_z": volume_z.to_numpy(), "share_z": share_z.to_numpy(), "max_negative_reach": max_reach.to_numpy(),
        "volume_alert": vol_alert.to_numpy(), "share_alert": share_alert.to_numpy(),
        "reach_alert": reach_alert.to_numpy(), "alert": (vol_alert | share_alert | reach_alert).to_numpy(),
        "reason": reasons,
        "baseline": kind,
    }
    out = pd.DataFrame(cols, columns=list(ALERT_COLUMNS))
    if only_alerts:
        out = out[out["alert"]].reset_index(drop=True)
    return out
