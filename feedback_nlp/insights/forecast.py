"""Complaint-volume forecasting: how many complaints next month, with a band that keeps its promise.

``model="auto"`` (the default) decides per series, from that series' own history: a rolling-origin backtest inside
the history ranks the candidates of :mod:`feedback_nlp.insights.forecast_models` (seasonal ARIMA, ETS, Theta, a
harmonic regression with ARIMA errors, seasonal naive; all statsmodels) and the forecast is the mean of the best
three on the log scale. The 95% band is calibrated on that backtest's out-of-sample errors. Holidays of any market
and your own events (:mod:`feedback_nlp.insights.calendars`) enter every candidate. All models work on
``log1p(count)``; forecasts and bands are back-transformed and never negative. How it works in detail:
:mod:`feedback_nlp.insights._forecast_engine`; how well: ``benchmarks/RESULTS.md``. (statsforecast was not used:
its current release pins pandas < 3 and would downgrade the pandas 3 this package supports.)

One series (a pandas Series on a DatetimeIndex) gives a :class:`VolumeForecast`; a long DataFrame of many series
(one per topic, branch or channel) gives a long DataFrame (:func:`forecast_volumes`).

>>> import pandas as pd, feedback_nlp as fn
>>> days = pd.date_range("2024-01-01", periods=70, freq="D")
>>> counts = pd.Series([80, 85, 82, 78, 70, 20, 22] * 10, index=days)  # 工作日多，周末少
>>> fc = fn.forecast_volume(counts, horizon=7)
>>> [round(v) for v in fc.mean]
[80, 85, 82, 78, 70, 20, 22]
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "BACKTEST_COLUMNS",
    "ForecastWarning",
    "MODELS",
    "VolumeForecast",
    "backtest_volume",
    "count_volume",
    "forecast_volume",
    "forecast_volumes",
]

Model = Literal["auto", "arima", "ets", "theta", "harmonic", "snaive"]
#: Values of ``model=``: ``"auto"`` (choose per series by backtest) or one candidate by name.
MODELS: tuple[str, ...] = ("auto", "arima", "ets", "theta", "harmonic", "snaive")
#: Columns of :func:`backtest_volume` output.
BACKTEST_COLUMNS: tuple[str, ...] = (
    "fold", "cutoff", "start", "end", "mae", "snaive_mae", "relative_mae", "mase", "coverage", "seconds", "model",
)
#: Days of history the models look at by default: three years follow a drifting level and still hold enough
#: yearly cycles.
DEFAULT_HISTORY_DAYS = 3 * 365
#: Days of history for sub-daily data (hourly...): eight weekly cycles; three years of hours would make the
#: backtest of five candidates take minutes.
DEFAULT_SUBDAILY_HISTORY_DAYS = 56
_LABELS = {
    "zh": {"history": "历史", "forecast": "预测", "band": "{level:g}% 预测区间"},
    "en": {"history": "history", "forecast": "forecast", "band": "{level:g}% interval"},
}


class ForecastWarning(UserWarning):
    """A forecast fell back to a simpler model, dropped a seasonality (too little history) or had nothing to learn
    (an all-zero history)."""


@dataclass(frozen=True, eq=False)
class VolumeForecast:
    """A forecast of one count series.

    ``mean``, ``lower``, ``upper``: pandas Series on the future dates (never negative; ``mean`` is the median of the
    predictive distribution, which is what minimises absolute error); ``level``: the band's coverage in percent;
    ``model``: what was fitted and why (on the Philadelphia 311 series: ``"combo(mean of log1p: ARIMA(1,0,1)(0,1,1)7,
    Theta(m=7), ETS(A,Ad,A; m=7)) — best 3 of 5 by backtest 4×28 MAE 23.1 vs seasonal naive 28.3"``); ``history``:
    the series the model saw
    (after filling); ``name``: the series id; ``backtest``: the internal backtest, one row per candidate
    (``candidate, mae, relative_mae, rank, chosen``), None when the history was too short for one.

    >>> import pandas as pd, feedback_nlp as fn
    >>> s = pd.Series([5, 6, 5, 7, 6, 2, 1] * 8, index=pd.date_range("2024-03-04", periods=56))
    >>> fc = fn.forecast_volume(s, 7, model="snaive")
    >>> fc.model.split(" — ")[0], list(fc.backtest.columns)
    ('seasonal naive(m=7)', ['candidate', 'mae', 'relative_mae', 'rank', 'chosen'])
    """

    mean: pd.Series
    lower: pd.Series
    upper: pd.Series
    level: float
    model: str
    history: pd.Series = field(repr=False)
    name: str | None = None
    backtest: pd.DataFrame | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per future date: columns ``date``, ``mean``, ``lower``, ``upper`` (plus ``id`` when named).

        >>> import pandas as pd, feedback_nlp as fn
        >>> s = pd.Series([5, 6, 5, 7, 6, 2, 1] * 4, index=pd.date_range("2024-03-04", periods=28))
        >>> list(fn.forecast_volume(s, 3, model="snaive").to_frame().columns)
        ['date', 'mean', 'lower', 'upper']
        """
        import pandas as pd

        out = pd.DataFrame({"date": self.mean.index, "mean": self.mean.to_numpy(),
                            "lower": self.lower.to_numpy(), "upper": self.upper.to_numpy()})
        if self.name is not None:
            out.insert(0, "id", self.name)
        return out

    def plot(self, ax: Axes | None = None, history: int | None = None, lang: str = "zh") -> Axes:
        """History (the last ``history`` points; default 8 x horizon), forecast and band; returns the Axes.
        Legend in Chinese (``lang="zh"``, a CJK font is configured) or English (``lang="en"``)."""
        import matplotlib.pyplot as plt

        if lang not in _LABELS:
            raise ValueError(f"lang must be 'zh' or 'en'; got {lang!r}")
        labels = _LABELS[lang]
        if lang == "zh":
            from .plotting import use_cjk_font

            use_cjk_font()
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 4))
        h = self.history.iloc[-(history or 8 * len(self.mean)):]
        ax.plot(h.index, h.to_numpy(), color="0.3", lw=1, label=labels["history"])
        ax.plot(self.mean.index, self.mean.to_numpy(), color="C0", lw=1.5, label=labels["forecast"])
        ax.fill_between(self.mean.index, self.lower.to_numpy(), self.upper.to_numpy(), color="C0", alpha=0.25,
                        label=labels["band"].format(level=self.level))
        ax.set_title(f"{self.name + ': ' if self.name else ''}{self.model.split(' — ')[0]}", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left")
        return ax


# --------------------------------------------------------------------------- counting
def parse_times(df: pd.DataFrame, time_col: str) -> pd.Series:
    """``df[time_col]`` as datetimes; unparseable or missing values raise a ValueError that says what to do."""
    import pandas as pd

    try:
        times = pd.to_datetime(df[time_col])
    except (ValueError, TypeError) as e:
        raise ValueError(f"column {time_col!r} is not parseable as dates: {e}") from e
    if times.isna().any():
        raise ValueError(f"{int(times.isna().sum())} rows have no {time_col!r}; drop them first: "
                         f"df.dropna(subset=[{time_col!r}])")
    return times


def count_volume(
    df: pd.DataFrame,
    time_col: str,
    freq: str = "D",
    by: str | Sequence[str] | None = None,
    wide: bool = True,
    start: Any = None,
    end: Any = None,
) -> pd.Series | pd.DataFrame:
    """Records (one row per ticket) → counts per period, zero-filled, on a DatetimeIndex.

    ``freq``: pandas frequency (``"D"``, ``"W"``, ``"MS"``, ``"h"``); periods are labelled as
    :meth:`pandas.Series.resample` does (``"W"`` by the Sunday that ends the week). ``by``: a column (or columns)
    to count per group, e.g. topic or channel: ``wide=True`` gives one column per group (ready for
    :func:`forecast_volume`), ``wide=False`` a long frame with columns ``[time_col, *by, "count"]``. ``start`` /
    ``end`` extend the zero-filled range (e.g. to the end of the reporting month). A ``by`` column of lists
    (``classify_frame``'s ``topics``) counts each ticket once per label, like :func:`~feedback_nlp.heatmap`
    (tickets without a label are not counted there). Rows with a missing time raise
    ValueError (drop them first if that is what you want).

    >>> import pandas as pd, feedback_nlp as fn
    >>> t = pd.DataFrame({"time": ["2024-05-01 09:00", "2024-05-01 18:30", "2024-05-03 10:00"],
    ...                   "topic": ["效率", "效率", "服务态度"]})
    >>> fn.count_volume(t, "time").tolist()
    [2, 0, 1]
    >>> fn.count_volume(t, "time", by="topic")["效率"].tolist()
    [2, 0, 0]
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"count_volume() takes a pandas DataFrame of records, got {type(df).__name__}")
    groups = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in [time_col, *groups] if c not in df.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the DataFrame (columns: {list(df.columns)})")
    times = parse_times(df, time_col)
    data = pd.DataFrame({"_t": times.to_numpy(), **{g: df[g].to_numpy() for g in groups}})
    for g in groups:  # multi-label cells (topics): one count per label, as heatmap() does; no label, no count
        if data[g].map(lambda v: isinstance(v, (list, tuple, set, frozenset))).any():
            data = data.assign(**{g: data[g].map(
                lambda v: list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v])}).explode(g)
            data = data.dropna(subset=[g])
    if not groups:
        counts = pd.Series(1, index=pd.DatetimeIndex(data["_t"])).resample(freq).sum()
        counts = _extend(counts, freq, start, end).astype("int64")
        counts.index.name = time_col
        result: pd.Series = counts.rename("count")
        return result
    table = data.groupby([pd.Grouper(key="_t", freq=freq), *groups], dropna=False).size().unstack(groups,
                                                                                              fill_value=0)
    if len(table):
        full = pd.date_range(table.index.min(), table.index.max(), freq=freq)
        table = table.reindex(full, fill_value=0)
    table = _extend(table, freq, start, end).astype("int64")
    table.index.name = time_col
    if wide:
        table.columns.name = by if isinstance(by, str) else None
        wide_out: pd.DataFrame = table
        return wide_out
    long = table.stack(list(range(table.columns.nlevels))).rename("count").reset_index()
    long_out: pd.DataFrame = long.rename(columns={"level_0": time_col})
    return long_out


def _extend(obj: Any, freq: str, start: Any, end: Any) -> Any:
    """Zero-fill ``obj`` out to ``start`` / ``end`` (labels from date_range, so keep to the freq's anchor)."""
    import pandas as pd

    if start is None and end is None:
        return obj
    idx = obj.index
    lo = pd.Timestamp(start) if start is not None else idx.min()
    hi = pd.Timestamp(end) if end is not None else idx.max()
    if len(idx):
        lo, hi = min(lo, idx.min()), max(hi, idx.max())
    return obj.reindex(pd.date_range(lo, hi, freq=freq).union(idx), fill_value=0)


# --------------------------------------------------------------------------- input checks
def _seasons_for(freq: Any) -> tuple[float, ...]:
    """Seasonal periods (in steps) users expect for a pandas frequency."""
    from pandas.tseries.frequencies import to_offset

    off = to_offset(freq)
    name = off.rule_code.upper()
    try:
        nanos = off.nanos  # only fixed frequencies (D, h, min) have it
    except (ValueError, AttributeError):
        nanos = None
    if nanos is not None:
        day = 86_400 * 10**9
        if nanos == day:
            return (7.0, 365.25)
        if nanos < day and day % nanos == 0:
            per_day = day // nanos
            return (float(per_day), float(per_day * 7))
        if nanos > day and nanos % day == 0:
            return (365.25 / (nanos // day),)
        return ()
    if name.startswith("W"):
        return (365.25 / 7,)
    if name.startswith(("B",)) and "M" not in name and "Q" not in name and "Y" not in name:
        return (5.0, 260.0)
    if "M" in name and not name.startswith("Q"):
        return (12.0,)
    if name.startswith(("Q", "BQ")):
        return (4.0,)
    return ()


def _prepare(series: pd.Series, freq: Any, nan: str) -> tuple[pd.Series, Any]:
    """Validate one series and fill it onto a regular index. Returns (series as float, freq)."""
    import numpy as np
    import pandas as pd

    if isinstance(series.index, pd.PeriodIndex):
        series = series.to_timestamp()
    if not isinstance(series.index, pd.DatetimeIndex):
        raise TypeError(f"the series needs a DatetimeIndex, got {type(series.index).__name__}: "
                        "series.index = pd.to_datetime(series.index), or build it with count_volume()")
    if len(series) == 0:
        raise ValueError("the series is empty: nothing to forecast")
    if not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)):
        raise TypeError(f"counts must be numeric, got dtype {series.dtype}")
    if series.index.has_duplicates:
        raise ValueError("the index has duplicate timestamps: aggregate first, e.g. series.groupby(level=0).sum() "
                         "or count_volume()")
    series = series.sort_index().astype(float)
    values = series.to_numpy()
    if np.isinf(values).any():
        raise ValueError("the series has infinite values")
    if (values[~np.isnan(values)] < 0).any():
        raise ValueError("counts must be >= 0; found negative values (e.g. on "
                         f"{series.index[np.nan_to_num(values, nan=0) < 0][0].date()})")
    index = pd.DatetimeIndex(series.index)
    if freq is None:
        freq = index.freq
        if freq is None and len(series) >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas 3 announces an offset return type (Pandas4Warning)
                inferred = pd.infer_freq(index)
            freq = pd.tseries.frequencies.to_offset(inferred) if inferred is not None else None
        if freq is None:
            if len(series) < 2:
                raise ValueError("cannot tell the frequency of a one-point series: pass freq= (e.g. 'D')")
            step = pd.Series(series.index[1:] - series.index[:-1]).min()
            freq = pd.tseries.frequencies.to_offset(step)
    full = pd.date_range(series.index[0], series.index[-1], freq=freq)
    if not series.index.isin(full).all():
        raise ValueError(f"the timestamps do not sit on a regular {freq} grid: pass freq= or aggregate with "
                         "count_volume()")
    # A period with no row had no tickets: zero, as count_volume() would give.
    series = series.reindex(full, fill_value=0.0)
    if series.isna().any():
        if nan == "raise":
            raise ValueError(f"the series has {int(series.isna().sum())} NaN values (unknown counts); pass "
                             "nan='zero' to treat them as no tickets or nan='interpolate' to fill them linearly")
        if nan == "zero":
            series = series.fillna(0.0)
        elif nan == "interpolate":
            series = series.interpolate(limit_direction="both")
        else:
            raise ValueError(f"nan must be 'raise', 'zero' or 'interpolate'; got {nan!r}")
    return series, full.freq



# --------------------------------------------------------------------------- forecasting one series
@dataclass(frozen=True)
class ForecastSpec:
    """The settings of one forecast call, shared by every series it forecasts (see :func:`forecast_volume`)."""

    horizon: int
    freq: Any = None
    season_length: float | tuple[float, ...] | None = None
    level: float = 95
    model: str = "auto"
    holidays: Any = None
    events: Any = None
    history: int | None = None
    nan: str = "raise"

    def __post_init__(self) -> None:
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) or self.horizon < 1:
            raise ValueError(f"horizon must be a positive int (periods ahead); got {self.horizon!r}")
        if isinstance(self.level, bool) or not isinstance(self.level, (int, float)) or not 0 < self.level < 100:
            raise ValueError(f"level must be a percentage in (0, 100), e.g. 95; got {self.level!r}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}; got {self.model!r}")
        if self.nan not in ("raise", "zero", "interpolate"):
            raise ValueError(f"nan must be 'raise', 'zero' or 'interpolate'; got {self.nan!r}")
        if self.history is not None and (isinstance(self.history, bool) or not isinstance(self.history, int)
                                         or self.history < 0):
            raise ValueError(f"history must be None, 0 (all) or a positive number of periods; got {self.history!r}")


def _seasons(spec: ForecastSpec, freq: Any) -> tuple[float, ...]:
    sl = spec.season_length
    if sl is None:
        return tuple(sorted(_seasons_for(freq)))
    if isinstance(sl, (int, float)):
        return (float(sl),) if sl > 1 else ()
    return tuple(sorted(float(p) for p in sl if p > 1))


def _history_length(spec: ForecastSpec, freq: Any, seasons: tuple[float, ...]) -> int:
    import pandas as pd

    if spec.history is not None:
        return spec.history
    try:
        steps_per_day = 86_400 * 10**9 / pd.tseries.frequencies.to_offset(freq).nanos
    except ValueError:  # weeks, months: no fixed length, so convert via the seasonal period or use all
        steps_per_day = seasons[-1] / 365.25 if seasons else 0.0
    days = DEFAULT_SUBDAILY_HISTORY_DAYS if steps_per_day > 1 else DEFAULT_HISTORY_DAYS
    history = int(days * steps_per_day)
    if seasons:  # but never fewer than three of the longest cycle when the data has them
        history = max(history, math.ceil(3 * seasons[-1]))
    return history


def _calendar(spec: ForecastSpec, index: pd.DatetimeIndex, n: int) -> np.ndarray | None:
    """Calendar regressors on history (first ``n`` rows) and horizon; an event never seen in the history is
    dropped with a warning (its effect cannot be learnt)."""
    if spec.holidays is None and spec.events is None:
        return None
    from .calendars import calendar_frame

    frame = calendar_frame(index, spec.holidays, spec.events)
    unseen = [c for c in frame.columns if c.startswith("event:") and frame[c].iloc[:n].nunique() < 2]
    if unseen:
        warnings.warn(f"{', '.join(unseen)} never happen in the history: their effect cannot be learnt and they are "
                      "left out (give past dates of the same event too)", ForecastWarning, stacklevel=4)
    cal = frame.drop(columns=unseen).to_numpy(dtype=float)
    return cal if cal.shape[1] else None


def _forecast_one(series: pd.Series, spec: ForecastSpec, name: str | None = None) -> VolumeForecast:
    import numpy as np
    import pandas as pd

    from . import _forecast_engine as engine

    y, freq = _prepare(series, spec.freq, spec.nan)
    seasons = _seasons(spec, freq)
    history = _history_length(spec, freq, seasons)
    fit_y = y.iloc[-history:] if history else y
    n, h = len(fit_y), spec.horizon
    m = round(seasons[0]) if seasons else 1
    future = pd.date_range(y.index[-1], periods=h + 1, freq=freq)[1:]
    if n < m:
        raise ValueError(f"{n} points are fewer than one season ({m}): cannot forecast even with seasonal naive; "
                         "pass season_length=1 for a naive forecast or collect more history")

    def result(mu: np.ndarray, lo: np.ndarray, hi: np.ndarray, model: str, table: Any = None) -> VolumeForecast:
        # Back to counts: expm1 of the log1p scale, clipped at 0 (never a negative forecast or band).
        mean = np.clip(np.expm1(mu), 0, None)
        lower = np.minimum(np.clip(np.expm1(lo), 0, None), mean)
        upper = np.maximum(np.clip(np.expm1(hi), 0, None), mean)
        return VolumeForecast(mean=pd.Series(mean, index=future, name="mean"),
                              lower=pd.Series(lower, index=future, name="lower"),
                              upper=pd.Series(upper, index=future, name="upper"),
                              level=float(spec.level), model=model, history=y, name=name, backtest=table)

    if not (fit_y.to_numpy() > 0).any():
        warnings.warn("the history is all zeros: forecasting zeros (nothing to learn from)", ForecastWarning,
                      stacklevel=3)
        zeros = np.zeros(h)
        return result(zeros, zeros, zeros, "zeros — the history is all zeros")
    # A period is modelled once one full cycle is seen; below two cycles of the shortest period only seasonal
    # naive is left.
    kept = tuple(p for p in seasons if n >= p)
    model = spec.model
    if model != "snaive" and seasons and n < 2 * seasons[0]:
        warnings.warn(f"{n} points are fewer than two seasons ({2 * m}): using seasonal naive", ForecastWarning,
                      stacklevel=3)
        model = "snaive"
    elif spec.season_length is not None and kept != seasons and model != "snaive":
        warnings.warn(f"seasonal periods {[p for p in seasons if p not in kept]} have less than one cycle of "
                      "history and are left out", ForecastWarning, stacklevel=3)
    names = engine.AUTO_CANDIDATES if model == "auto" else (model,)
    cal = _calendar(spec, pd.DatetimeIndex(fit_y.index.append(future)), n) if model != "snaive" else None
    out = engine.run(np.log1p(fit_y.to_numpy()), names, h, m, kept, float(spec.level), cal, choose=model == "auto")
    return result(out.mu, out.lo, out.hi, out.description, out.backtest)


# --------------------------------------------------------------------------- public API
@overload
def forecast_volume(series: pd.Series, horizon: int, freq: str | None = ...,
                    season_length: float | Sequence[float] | None = ..., level: float = ..., model: Model = ...,
                    holidays: str | Iterable[Any] | None = ..., *, events: Any = ..., history: int | None = ...,
                    nan: Literal["raise", "zero", "interpolate"] = ..., id_col: None = ..., time_col: None = ...,
                    value_col: None = ..., n_jobs: int | None = ...) -> VolumeForecast: ...


@overload
def forecast_volume(series: pd.DataFrame, horizon: int, freq: str | None = ...,
                    season_length: float | Sequence[float] | None = ..., level: float = ..., model: Model = ...,
                    holidays: str | Iterable[Any] | None = ..., *, events: Any = ..., history: int | None = ...,
                    nan: Literal["raise", "zero", "interpolate"] = ..., id_col: str | None = ...,
                    time_col: str | None = ..., value_col: str | None = ...,
                    n_jobs: int | None = ...) -> pd.DataFrame: ...


def forecast_volume(
    series: pd.Series | pd.DataFrame,
    horizon: int,
    freq: str | None = None,
    season_length: float | Sequence[float] | None = None,
    level: float = 95,
    model: Model = "auto",
    holidays: str | Iterable[Any] | None = None,
    *,
    events: Any = None,
    history: int | None = None,
    nan: Literal["raise", "zero", "interpolate"] = "raise",
    id_col: str | None = None,
    time_col: str | None = None,
    value_col: str | None = None,
    n_jobs: int | None = None,
) -> VolumeForecast | pd.DataFrame:
    """Forecast counts ``horizon`` periods ahead with a ``level``% prediction interval.

    ``series``: a Series of counts on a DatetimeIndex → one :class:`VolumeForecast`. A DataFrame of many series →
    a long DataFrame, as :func:`forecast_volumes` (which takes the same arguments) documents.

    ``model``: ``"auto"`` chooses per series by a backtest inside its history and combines the best three (see the
    module doc); or one of ``"arima"`` (seasonal ARIMA), ``"ets"``, ``"theta"``, ``"harmonic"`` (harmonic regression
    with ARIMA errors), ``"snaive"``. Every model's band is calibrated on its own backtest errors when the history
    allows a backtest (about ``2.5 × horizon`` + 28 points), else it comes from the spread of seasonal differences.
    ``freq``: inferred from the index when None. ``season_length``: seasonal periods in steps (default from freq:
    daily 7 and 365.25, hourly 24 and 168, weekly 52.18, monthly 12).
    ``holidays``: a country or subdivision code (``"CN"`` with 调休 make-up working days via chinese-calendar;
    ``"HK"``, ``"TW"``, ``"SG"``, ``"US-PA"``, ``"GB"``... via the holidays package) or your own holiday dates;
    holidays, the working day before and after each run of days off, and make-up working days become calendar
    effects. ``events``: your own dates (a list, ``{name: dates}``, or a DataFrame with ``date``, ``name``,
    ``lower_window``, ``upper_window``); they must cover the horizon too (next year's 双11). Details:
    :func:`~feedback_nlp.insights.calendars.calendar_frame`.
    ``history``: most recent periods to fit on (default: 3 years of data, 8 weeks for hourly or finer data, and at
    least three of the longest cycle; None uses that default, 0 all).

    Input rules: a non-datetime index → TypeError; negative counts → ValueError; missing periods are counted as 0
    (no row = no tickets); NaN values raise ValueError unless ``nan="zero"`` or ``nan="interpolate"``. A seasonal
    period is modelled once the history holds one full cycle of it (fewer: left out, with a :class:`ForecastWarning`
    when you asked for it); fewer than two cycles of the shortest period → seasonal naive with a warning; fewer
    points than one cycle → ValueError. An all-zero history forecasts zeros with a :class:`ForecastWarning`.

    >>> import pandas as pd, feedback_nlp as fn
    >>> s = pd.Series([120, 130, 125, 118, 101, 40, 35] * 8, index=pd.date_range("2024-09-02", periods=56))
    >>> fc = fn.forecast_volume(s, horizon=14)
    >>> (fc.lower >= 0).all() and len(fc.mean) == 14 and str(fc.mean.index[0].date())
    '2024-10-28'
    """
    import pandas as pd

    if isinstance(series, pd.DataFrame):
        return forecast_volumes(series, horizon, freq=freq, season_length=season_length, level=level, model=model,
                                holidays=holidays, events=events, history=history, nan=nan, id_col=id_col,
                                time_col=time_col, value_col=value_col, n_jobs=n_jobs)
    spec = ForecastSpec(horizon, freq, _season_arg(season_length), level, model, holidays, events, history, nan)
    if not isinstance(series, pd.Series):
        raise TypeError(f"forecast_volume() takes a pandas Series with a DatetimeIndex (or a DataFrame of series); "
                        f"got {type(series).__name__}")
    return _forecast_one(series, spec)


def _season_arg(season_length: float | Sequence[float] | None) -> float | tuple[float, ...] | None:
    if season_length is None or isinstance(season_length, (int, float)):
        return season_length
    return tuple(float(p) for p in season_length)


def _long_series(data: pd.DataFrame, id_col: str | None, time_col: str | None,
                 value_col: str | None) -> tuple[dict[Any, pd.Series], str, str]:
    """``{id: series}`` from a long (id, time, value) or wide (DatetimeIndex, one column per series) frame, and the
    id and time column names of the output."""
    import pandas as pd

    if id_col is None and isinstance(data.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return {c: data[c] for c in data.columns}, "unique_id", "ds"
    id_col = id_col or ("unique_id" if "unique_id" in data.columns else None)
    time_col = time_col or ("ds" if "ds" in data.columns else None)
    value_col = value_col or ("y" if "y" in data.columns else "count" if "count" in data.columns else None)
    if id_col is None or time_col is None or value_col is None or \
            not {id_col, time_col, value_col} <= set(data.columns):
        raise TypeError("a DataFrame must be long with id, time and value columns (pass id_col=, time_col=, "
                        "value_col=; defaults unique_id / ds / y) or wide (DatetimeIndex, one column per series); "
                        f"columns: {list(data.columns)}")
    if data[id_col].isna().any():
        raise ValueError(f"{int(data[id_col].isna().sum())} rows have no {id_col!r}; drop or fill them first")
    times = parse_times(data, time_col).to_numpy()
    values = data[value_col].to_numpy()
    groups = data[id_col].reset_index(drop=True).groupby(data[id_col].to_numpy(), sort=True).indices
    out = {key: pd.Series(values[pos], index=pd.DatetimeIndex(times[pos])) for key, pos in groups.items()}
    return out, id_col, time_col


def _frame_one(key: Any, series: pd.Series, spec: ForecastSpec, id_col: str, time_col: str) -> pd.DataFrame:
    import pandas as pd

    try:
        fc = _forecast_one(series, spec, name=str(key))
    except (ValueError, TypeError) as e:
        raise type(e)(f"series {key!r}: {e}") from e
    lvl = f"{spec.level:g}"
    return pd.DataFrame({id_col: key, time_col: fc.mean.index, "mean": fc.mean.to_numpy(),
                         f"lo-{lvl}": fc.lower.to_numpy(), f"hi-{lvl}": fc.upper.to_numpy(), "model": fc.model})


def forecast_volumes(
    data: pd.DataFrame,
    horizon: int,
    *,
    id_col: str | None = None,
    time_col: str | None = None,
    value_col: str | None = None,
    n_jobs: int | None = None,
    freq: str | None = None,
    season_length: float | Sequence[float] | None = None,
    level: float = 95,
    model: Model = "auto",
    holidays: str | Iterable[Any] | None = None,
    events: Any = None,
    history: int | None = None,
    nan: Literal["raise", "zero", "interpolate"] = "raise",
) -> pd.DataFrame:
    """Forecast many series in one call (per topic, branch or channel), in parallel; a long DataFrame out.

    ``data``: long, one row per series and period, with columns ``id_col``, ``time_col``, ``value_col`` (defaults
    ``unique_id``, ``ds``, ``y``, statsforecast's names; ``count`` is also found), e.g.
    ``count_volume(tickets, "created_at", by="topic", wide=False)``; or wide (a DatetimeIndex and one column per
    series, ``count_volume(..., by="topic")``). Each series is forecast as :func:`forecast_volume` would (same
    arguments), ``n_jobs`` at a time with joblib (None: one, unless inside ``joblib.parallel_config``; -1: all
    cores). A series that cannot be forecast raises, naming the series.

    Output, one row per series and future period, sorted by id: ``id_col`` (``unique_id`` for wide input),
    ``time_col`` (``ds``), ``mean``, ``lo-95``, ``hi-95`` (the band at ``level``; ``lo-80``... for another level)
    and ``model`` (what was fitted and why).

    >>> import pandas as pd, feedback_nlp as fn
    >>> week = [30, 32, 31, 29, 28, 9, 8]
    >>> long = pd.DataFrame({"topic": ["效率"] * 56 + ["服务态度"] * 56,
    ...                      "date": list(pd.date_range("2024-03-04", periods=56)) * 2,
    ...                      "count": week * 8 + [v // 3 for v in week] * 8})
    >>> out = fn.forecast_volumes(long, 7, id_col="topic", time_col="date", value_col="count")
    >>> list(out.columns), len(out)
    (['topic', 'date', 'mean', 'lo-95', 'hi-95', 'model'], 14)
    """
    import pandas as pd
    from joblib import Parallel, delayed

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"forecast_volumes() takes a pandas DataFrame (long: id, time, value columns); got "
                        f"{type(data).__name__}; for one Series use forecast_volume()")
    spec = ForecastSpec(horizon, freq, _season_arg(season_length), level, model, holidays, events, history, nan)
    series, id_out, time_out = _long_series(data, id_col, time_col, value_col)
    if not series:
        raise ValueError("the DataFrame has no series to forecast (no rows)")
    jobs = [delayed(_frame_one)(key, s, spec, id_out, time_out) for key, s in series.items()]
    frames: list[pd.DataFrame] = list(Parallel(n_jobs=n_jobs)(jobs)) if len(jobs) > 1 else \
        [_frame_one(k, s, spec, id_out, time_out) for k, s in series.items()]
    return pd.concat(frames, ignore_index=True)


def backtest_volume(
    series: pd.Series,
    horizon: int,
    folds: int = 4,
    step: int | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Rolling-origin backtest: refit on data up to each cutoff and score the next ``horizon`` periods.

    The last fold ends at the end of the series; cutoffs are ``step`` periods apart (default ``horizon``: folds do
    not overlap). ``kwargs`` go to :func:`forecast_volume` (``model``, ``level``, ``holidays``, ``events``...).
    With ``model="auto"`` this is a nested evaluation: each fold chooses its models by a backtest inside its own
    training part only.

    Columns :data:`BACKTEST_COLUMNS`: ``mae``; ``snaive_mae`` (seasonal naive from the same cutoff);
    ``relative_mae`` = mae / snaive_mae (below 1 beats seasonal naive); ``mase`` = mae / in-sample one-season
    naive MAE of the training part (Hyndman & Koehler 2006); ``coverage`` (share of actuals inside the interval);
    ``seconds`` (fit + forecast); ``model``.

    >>> import pandas as pd, feedback_nlp as fn
    >>> s = pd.Series([80, 85, 82, 78, 70, 20, 22] * 12, index=pd.date_range("2024-01-01", periods=84))
    >>> bt = fn.backtest_volume(s, horizon=7, folds=2, model="snaive")
    >>> bt["mae"].round(6).tolist()
    [0.0, 0.0]
    """
    import numpy as np
    import pandas as pd

    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 1:
        raise ValueError(f"folds must be a positive int; got {folds!r}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a positive int; got {horizon!r}")
    step = horizon if step is None else step
    if not isinstance(series, pd.Series):
        raise TypeError(f"backtest_volume() takes one pandas Series with a DatetimeIndex; got {type(series).__name__}")
    y, freq = _prepare(series, kwargs.pop("freq", None), kwargs.get("nan", "raise"))
    kwargs.pop("nan", None)
    need = horizon + (folds - 1) * step
    if len(y) <= need + 1:
        raise ValueError(f"{len(y)} points are too few for {folds} folds of {horizon} (need more than {need + 1})")
    seasons = kwargs.get("season_length")
    if seasons is None:
        short = _seasons_for(freq)
        m = round(min(short)) if short else 1
    else:
        m = round(seasons if isinstance(seasons, (int, float)) else min(seasons))
    rows = []
    for f in range(folds):
        cut = len(y) - need + f * step
        train, test = y.iloc[:cut], y.iloc[cut:cut + horizon].to_numpy()
        t0 = time.perf_counter()
        fc = forecast_volume(train, horizon, freq=freq, nan="raise", **kwargs)
        seconds = time.perf_counter() - t0
        tr = train.to_numpy()
        mm = max(1, min(m, len(tr)))
        snaive = tr[-mm:][np.arange(horizon) % mm]
        mae = float(np.mean(np.abs(test - fc.mean.to_numpy())))
        sn_mae = float(np.mean(np.abs(test - snaive)))
        scale = float(np.mean(np.abs(tr[mm:] - tr[:-mm]))) if len(tr) > mm else math.nan
        rows.append({
            "fold": f, "cutoff": train.index[-1], "start": y.index[cut], "end": y.index[cut + horizon - 1],
            "mae": mae, "snaive_mae": sn_mae, "relative_mae": mae / sn_mae if sn_mae > 0 else math.nan,
            "mase": mae / scale if scale > 0 else math.nan,
            "coverage": float(np.mean((test >= fc.lower.to_numpy()) & (test <= fc.upper.to_numpy()))),
            "seconds": seconds, "model": fc.model,
        })
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))
