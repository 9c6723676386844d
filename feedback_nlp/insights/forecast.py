"""Complaint-volume forecasting: how many complaints next month, with an honest band.

The default model (``model="auto"``) is a *dynamic harmonic regression* on ``log1p(count)``: day-of-week dummies
for the weekly cycle, Fourier terms for the yearly cycle (only with two years of history), optional holiday dummies,
and ARIMA errors (order chosen by AICc, differencing by a KPSS test) from statsmodels. It is fitted in two stages
(least squares for the calendar terms, then ARIMA on the residuals) because statsmodels' joint SARIMAX fit with
~20 regressors is 10-50x slower on daily data and often fails to converge. Back-transforming with ``expm1`` and
clipping at 0 means forecasts and bands are never negative; the point forecast is the median.

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
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "BACKTEST_COLUMNS",
    "ForecastWarning",
    "VolumeForecast",
    "backtest_volume",
    "count_volume",
    "forecast_volume",
]

Model = Literal["auto", "harmonic", "ets", "snaive"]
_MODELS = ("auto", "harmonic", "ets", "snaive")
#: Columns of :func:`backtest_volume` output.
BACKTEST_COLUMNS: tuple[str, ...] = (
    "fold", "cutoff", "start", "end", "mae", "snaive_mae", "relative_mae", "mase", "coverage", "seconds", "model",
)
#: Days of history the harmonic model looks at by default: three years follow a drifting level and still hold
#: enough yearly cycles for the Fourier terms.
DEFAULT_HISTORY_DAYS = 3 * 365
_MAX_FOURIER = 10


class ForecastWarning(UserWarning):
    """A forecast fell back to a simpler model or dropped a seasonality (too little history)."""


@dataclass(frozen=True, eq=False)
class VolumeForecast:
    """A forecast of one count series.

    ``mean``, ``lower``, ``upper``: pandas Series on the future dates (never negative; ``mean`` is the median of the
    predictive distribution, which is what minimises absolute error); ``level``: the band's coverage in percent;
    ``model``: which model, with its orders (``"harmonic(log1p; dow, yearly K=6) + ARIMA(2,0,1)"``); ``history``:
    the series the model saw (after filling); ``name``: the series id for multi-series calls.

    >>> fc = VolumeForecast.__doc__ and None  # see forecast_volume() for an example
    """

    mean: pd.Series
    lower: pd.Series
    upper: pd.Series
    level: float
    model: str
    history: pd.Series = field(repr=False)
    name: str | None = None

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

    def plot(self, ax: Axes | None = None, history: int | None = None) -> Axes:
        """History (the last ``history`` points; default 8 x horizon), forecast and band; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(10, 4))
        h = self.history.iloc[-(history or 8 * len(self.mean)):]
        ax.plot(h.index, h.to_numpy(), color="0.3", lw=1, label="history")
        ax.plot(self.mean.index, self.mean.to_numpy(), color="C0", lw=1.5, label="forecast")
        ax.fill_between(self.mean.index, self.lower.to_numpy(), self.upper.to_numpy(), color="C0", alpha=0.25,
                        label=f"{self.level:g}% interval")
        ax.set_title(f"{self.name + ': ' if self.name else ''}{self.model}", fontsize=9)
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


def _holiday_frame(index: pd.DatetimeIndex, holidays: Any) -> pd.DataFrame:
    """Holiday regressors on ``index``: ``"CN"`` uses the chinese-calendar package (days off and weekend make-up
    workdays, 调休), anything else is an iterable of dates."""
    import numpy as np
    import pandas as pd

    days = index.normalize()
    if isinstance(holidays, str):
        if holidays.upper() not in ("CN", "CHINA"):
            raise ValueError(f"holidays must be 'CN' or a list of dates; got {holidays!r}")
        try:
            import chinese_calendar
        except ImportError as e:
            raise ImportError("holidays='CN' needs the chinese-calendar package: pip install chinese-calendar") from e
        off, makeup = [], []
        for d in days:
            try:
                is_hol = chinese_calendar.is_holiday(d.date())
            except NotImplementedError as e:  # the package only knows the years it was released for
                raise ValueError(f"chinese-calendar has no data for {d.date()}: upgrade it "
                                 "(pip install -U chinese-calendar) or pass the holiday dates yourself") from e
            weekend = d.day_of_week >= 5
            off.append(is_hol and not weekend)
            makeup.append(weekend and not is_hol)
        return pd.DataFrame({"holiday": np.asarray(off, float), "makeup_workday": np.asarray(makeup, float)},
                            index=index)
    dates = pd.DatetimeIndex(pd.to_datetime(list(holidays))).normalize()
    return pd.DataFrame({"holiday": days.isin(dates).astype(float)}, index=index)


# --------------------------------------------------------------------------- models
def _snaive(z: np.ndarray, h: int, m: int, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seasonal naive on the log1p scale with the textbook sqrt(k+1) widening (Hyndman & Athanasopoulos §5.5)."""
    import numpy as np
    from scipy.stats import norm

    m = max(1, min(m, len(z)))
    steps = np.arange(h)
    mu = z[-m:][steps % m]
    resid = z[m:] - z[:-m]
    sigma = float(np.sqrt(np.mean(resid**2))) if len(resid) >= 2 else float(np.std(z)) or 0.5
    width = norm.ppf(0.5 + level / 200) * sigma * np.sqrt(steps // m + 1)
    return mu, mu - width, mu + width


def _design(t: np.ndarray, seasons: Sequence[float], ks: Sequence[int]) -> np.ndarray:
    import numpy as np

    cols = [np.ones(len(t))]
    for p, k in zip(seasons, ks):
        if k == 0:  # integer period: one dummy per position, the first as the baseline
            ip = round(p)
            pos = t % ip
            cols.extend((pos == j).astype(float) for j in range(1, ip))
        else:
            for j in range(1, k + 1):
                cols.append(np.sin(2 * np.pi * j * t / p))
                cols.append(np.cos(2 * np.pi * j * t / p))
    return np.column_stack(cols)


def _one_blas_thread() -> Any:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _aicc_ols(x: np.ndarray, z: np.ndarray) -> float:
    import numpy as np

    beta, *_ = np.linalg.lstsq(x, z, rcond=None)
    n, k = x.shape
    rss = float(np.sum((z - x @ beta) ** 2))
    return float(n * math.log(max(rss, 1e-12) / n) + 2 * k + 2 * k * (k + 1) / max(n - k - 1, 1))


def _harmonic(
    z: np.ndarray, h: int, seasons: Sequence[float], level: float, extra: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    import numpy as np
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, InterpolationWarning
    from statsmodels.tsa.statespace.sarimax import SARIMAX
    from statsmodels.tsa.stattools import kpss

    n = len(z)
    t = np.arange(n + h, dtype=float)
    # Short integer periods (weekly on daily data) get dummies; long or fractional ones Fourier terms with K chosen
    # by AICc of the least-squares stage.
    ks: list[int] = []
    desc: list[str] = []
    for p in seasons:
        if abs(p - round(p)) < 1e-9 and p <= 24:
            ks.append(0)
            desc.append(f"dummies({round(p)})")
        else:
            best_k, best = 1, math.inf
            for k in range(1, min(_MAX_FOURIER, int(p // 2)) + 1):
                x = _design(t[:n], [*seasons[: len(ks)], p], [*ks, k])
                if extra is not None:
                    x = np.column_stack([x, extra[:n]])
                score = _aicc_ols(x, z)
                if score < best:
                    best_k, best = k, score
            ks.append(best_k)
            desc.append(f"fourier({p:g}, K={best_k})")
    x_all = _design(t, seasons, ks)
    if extra is not None:
        x_all = np.column_stack([x_all, extra])
        desc.append(f"{extra.shape[1]} holiday term{'s' if extra.shape[1] > 1 else ''}")
    x, xf = x_all[:n], x_all[n:]
    beta, *_ = np.linalg.lstsq(x, z, rcond=None)
    resid = z - x @ beta

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InterpolationWarning)  # p-value outside the table: fine for a yes/no
        warnings.simplefilter("ignore", FutureWarning)  # statsmodels 0.15 announces a result object
        res = kpss(resid, regression="c", nlags="auto")
    pvalue = float(getattr(res, "pvalue", None) or res[1])
    d = 1 if pvalue < 0.05 else 0
    best_fit: Any = None
    best_order, best_aicc = (0, d, 0), math.inf

    def try_order(order: tuple[int, int, int]) -> bool:
        """Fit one ARIMA on the residuals; True when it beats the best so far by AICc."""
        nonlocal best_fit, best_order, best_aicc
        if n < 3 * (order[0] + order[2] + 2):
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                fit = SARIMAX(resid, order=order, trend="n", concentrate_scale=True).fit(disp=False)
            except (np.linalg.LinAlgError, ValueError):
                return False
        if np.isfinite(fit.aicc) and fit.aicc < best_aicc:
            best_fit, best_order, best_aicc = fit, order, float(fit.aicc)
            return True
        return False

    # A short search in the spirit of auto.arima: four small orders, then (2,d,2) only when (2,d,1) wins.
    # One BLAS thread: the Kalman filter's matrices are tiny and threads only contend (3-10x slower on 2 cores).
    with _one_blas_thread():
        for order in [(1, d, 0), (0, d, 1), (1, d, 1), (2, d, 1)]:
            try_order(order)
        if best_order == (2, d, 1):
            try_order((2, d, 2))
    if best_fit is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            best_fit = SARIMAX(resid, order=(0, d, 0), trend="n", concentrate_scale=True).fit(disp=False)
    fc = best_fit.get_forecast(h)
    mu = np.asarray(fc.predicted_mean) + xf @ beta
    ci = np.asarray(fc.conf_int(alpha=1 - level / 100)) + (xf @ beta)[:, None]
    name = f"harmonic(log1p; {', '.join(desc) or 'level only'}) + ARIMA{best_order}"
    return mu, ci[:, 0], ci[:, 1], name


def _ets(z: np.ndarray, h: int, m: int, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = "add" if m > 1 and len(z) >= 2 * m else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(pd.Series(z), error="add", trend="add", damped_trend=True, seasonal=seasonal,
                       seasonal_periods=m if seasonal else None).fit(disp=False)
        pred = fit.get_prediction(start=len(z), end=len(z) + h - 1).summary_frame(alpha=1 - level / 100)
    return (pred["mean"].to_numpy(), pred["pi_lower"].to_numpy(), pred["pi_upper"].to_numpy(),
            f"ETS(A,Ad,{'A' if seasonal else 'N'}; log1p, m={m if seasonal else 1})")


# --------------------------------------------------------------------------- public API
def _as_series_dict(data: Any, id_col: str | None, time_col: str | None, value_col: str | None) -> dict[str, Any]:
    import pandas as pd

    if isinstance(data, pd.Series):
        return {"": data}
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"forecast a pandas Series with a DatetimeIndex or a DataFrame of series; got "
                        f"{type(data).__name__}")
    if id_col is None and isinstance(data.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return {str(c): data[c] for c in data.columns}  # wide: one column per series
    id_col = id_col or ("unique_id" if "unique_id" in data.columns else None)
    time_col = time_col or ("ds" if "ds" in data.columns else None)
    value_col = value_col or ("y" if "y" in data.columns else "count" if "count" in data.columns else None)
    if id_col is None or time_col is None or value_col is None or \
            not {id_col, time_col, value_col} <= set(data.columns):
        raise TypeError("a DataFrame must be wide (DatetimeIndex, one column per series) or long with id, time and "
                        f"value columns: pass id_col=, time_col=, value_col= (columns: {list(data.columns)})")
    out = {}
    for key, g in data.groupby(id_col, sort=True):
        out[str(key)] = pd.Series(g[value_col].to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(g[time_col])))
    return out


def forecast_volume(
    series: pd.Series | pd.DataFrame,
    horizon: int,
    freq: str | None = None,
    season_length: float | Sequence[float] | None = None,
    level: float = 95,
    model: Model = "auto",
    holidays: str | Iterable[Any] | None = None,
    *,
    history: int | None = None,
    nan: Literal["raise", "zero", "interpolate"] = "raise",
    id_col: str | None = None,
    time_col: str | None = None,
    value_col: str | None = None,
) -> VolumeForecast | dict[str, VolumeForecast]:
    """Forecast counts ``horizon`` periods ahead with a ``level``% prediction interval.

    ``series``: a Series of counts on a DatetimeIndex → one :class:`VolumeForecast`. A DataFrame of several series
    (wide: DatetimeIndex and one column per series, as ``count_volume(..., by=...)`` gives; or long: ``id_col``,
    ``time_col``, ``value_col``, by default ``unique_id``/``ds``/``y``) → a dict ``{id: VolumeForecast}``; for one
    long table use ``pd.concat([f.to_frame() for f in result.values()])``.

    ``freq``: inferred from the index when None. ``season_length``: seasonal periods in steps (default from freq:
    daily 7 and 365.25, hourly 24 and 168, weekly 52.18, monthly 12). ``model``: ``"auto"`` (harmonic regression
    with ARIMA errors, falling back to seasonal naive on short series), ``"harmonic"``, ``"ets"`` (damped additive
    ETS, one season) or ``"snaive"``. ``holidays``: ``"CN"`` for Chinese public holidays and make-up workdays
    (needs ``pip install chinese-calendar``), or an iterable of holiday dates covering history and horizon.
    ``history``: most recent periods to fit on (default: 3 years of data; None uses that default, 0 all).

    Input rules: a non-datetime index → TypeError; negative counts → ValueError; missing periods are counted as 0
    (no row = no tickets); NaN values raise ValueError unless ``nan="zero"`` or ``nan="interpolate"``. A seasonal
    period is modelled once the history holds one full cycle of it (fewer: left out, with a :class:`ForecastWarning`
    when you asked for it); fewer than two cycles of the shortest period → seasonal naive with a warning; fewer
    points than one cycle → ValueError.

    >>> import pandas as pd, feedback_nlp as fn
    >>> s = pd.Series([120, 130, 125, 118, 101, 40, 35] * 8, index=pd.date_range("2024-09-02", periods=56))
    >>> fc = fn.forecast_volume(s, horizon=14)
    >>> (fc.lower >= 0).all() and len(fc.mean) == 14 and str(fc.mean.index[0].date())
    '2024-10-28'
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a positive int (periods ahead); got {horizon!r}")
    if not isinstance(level, (int, float)) or not 0 < level < 100:
        raise ValueError(f"level must be a percentage in (0, 100), e.g. 95; got {level!r}")
    if model not in _MODELS:
        raise ValueError(f"model must be one of {_MODELS}; got {model!r}")
    import pandas as pd

    if isinstance(series, pd.DataFrame):
        return {key: _forecast_one(s, horizon, freq, season_length, level, model, holidays, history, nan, key)
                for key, s in _as_series_dict(series, id_col, time_col, value_col).items()}
    if not isinstance(series, pd.Series):
        raise TypeError(f"forecast_volume() takes a pandas Series with a DatetimeIndex (or a DataFrame of series); "
                        f"got {type(series).__name__}")
    return _forecast_one(series, horizon, freq, season_length, level, model, holidays, history, nan, None)


def _forecast_one(
    series: pd.Series, horizon: int, freq: Any, season_length: Any, level: float, model: str, holidays: Any,
    history: int | None, nan: str, name: str | None,
) -> VolumeForecast:
    import numpy as np
    import pandas as pd

    y, freq = _prepare(series, freq, nan)
    asked = season_length is not None
    if season_length is None:
        seasons: tuple[float, ...] = _seasons_for(freq)
    elif isinstance(season_length, (int, float)):
        seasons = (float(season_length),) if season_length > 1 else ()
    else:
        seasons = tuple(float(p) for p in season_length if p > 1)
    seasons = tuple(sorted(seasons))
    if history is None:
        try:
            steps_per_day = 86_400 * 10**9 / pd.tseries.frequencies.to_offset(freq).nanos
        except ValueError:  # weeks, months: no fixed length, so convert via the seasonal period or use all
            steps_per_day = seasons[-1] / 365.25 if seasons else 0.0
        history = int(DEFAULT_HISTORY_DAYS * steps_per_day)
        if seasons:  # but never fewer than three of the longest cycle when the data has them
            history = max(history, math.ceil(3 * seasons[-1]))
    fit_y = y.iloc[-history:] if history else y
    n = len(fit_y)
    m = round(seasons[0]) if seasons else 1
    future = pd.date_range(y.index[-1], periods=horizon + 1, freq=freq)[1:]
    z = np.log1p(fit_y.to_numpy())

    if n < m:
        raise ValueError(f"{n} points are fewer than one season ({m}): cannot forecast even with seasonal naive; "
                         "pass season_length=1 for a naive forecast or collect more history")
    # A period is modelled once one full cycle is seen (Fourier K is chosen by AICc, so short histories get few
    # terms); below two cycles of the shortest period only seasonal naive is left.
    kept = tuple(p for p in seasons if n >= p)
    if model in ("auto", "harmonic", "ets") and seasons and n < 2 * seasons[0]:
        warnings.warn(f"{n} points are fewer than two seasons ({2 * m}): using seasonal naive", ForecastWarning,
                      stacklevel=3)
        model = "snaive"
    elif asked and kept != seasons and model != "snaive":
        warnings.warn(f"seasonal periods {[p for p in seasons if p not in kept]} have less than one cycle of "
                      "history and are left out", ForecastWarning, stacklevel=3)
    if model == "snaive" or n < 4:
        mu, lo, hi = _snaive(z, horizon, m, level)
        desc = f"seasonal naive(m={m}; log1p)"
    elif model == "ets":
        mu, lo, hi, desc = _ets(z, horizon, m if kept else 1, level)
    else:
        extra = None
        if holidays is not None:
            idx = fit_y.index.append(future)
            extra = _holiday_frame(pd.DatetimeIndex(idx), holidays).to_numpy()
            extra = extra[:, extra[:n].std(axis=0) > 0] if n else extra
            if extra.shape[1] == 0:
                extra = None
        mu, lo, hi, desc = _harmonic(z, horizon, kept, level, extra)
    # Back to counts: expm1 of the log1p scale, clipped at 0 (never a negative forecast or band).
    mean = np.clip(np.expm1(mu), 0, None)
    lower = np.clip(np.expm1(lo), 0, None)
    upper = np.maximum(np.clip(np.expm1(hi), 0, None), mean)
    return VolumeForecast(
        mean=pd.Series(mean, index=future, name="mean"),
        lower=pd.Series(np.minimum(lower, mean), index=future, name="lower"),
        upper=pd.Series(upper, index=future, name="upper"),
        level=float(level),
        model=desc,
        history=y,
        name=name,
    )


def backtest_volume(
    series: pd.Series,
    horizon: int,
    folds: int = 4,
    step: int | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Rolling-origin backtest: refit on data up to each cutoff and score the next ``horizon`` periods.

    The last fold ends at the end of the series; cutoffs are ``step`` periods apart (default ``horizon``: folds do
    not overlap). ``kwargs`` go to :func:`forecast_volume` (``model``, ``level``, ``holidays``...).

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
        assert isinstance(fc, VolumeForecast)
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
