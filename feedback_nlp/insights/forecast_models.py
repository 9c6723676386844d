"""The candidate models behind :func:`~feedback_nlp.forecast_volume`: small fit / predict classes, statsforecast-style.

Every model works on ``log1p(count)`` (the caller transforms and back-transforms), is built from its settings only
(``__init__`` stores them), learns in :meth:`fit` (state in attributes ending in ``_``) and returns point forecasts
from :meth:`predict`. Intervals are not the models' business: :mod:`feedback_nlp.insights.forecast` calibrates them
on out-of-sample errors. The estimators are statsmodels' (ETS, SARIMAX, Theta, least squares + ARIMA errors).

>>> import numpy as np
>>> z = np.log1p(np.tile([80, 85, 82, 78, 70, 20, 22], 10).astype(float))
>>> [round(float(v)) for v in np.expm1(SeasonalNaive(7).fit(z).predict(3))]
[80, 85, 82]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = [
    "CANDIDATES",
    "ETS",
    "ForecastModel",
    "Harmonic",
    "SeasonalARIMA",
    "SeasonalNaive",
    "Theta",
    "make_model",
]

#: Longest seasonal period modelled by ETS / SARIMA / Theta states; longer ones (weekly data's 52) are left to the
#: harmonic model's Fourier terms (a 52-state ETS or SARIMA fits slowly and poorly on three years of data).
MAX_STATE_SEASON = 24
_MAX_FOURIER = 10


class ForecastModel(Protocol):
    """What a candidate offers: ``fit(z)`` on log1p counts, ``predict(h)``, and a short ``describe()``. ``warm``: the
    same model fitted on a slightly shorter history (a backtest's previous origin), whose estimates a model may use
    as starting values."""

    name: str

    def fit(self, z: np.ndarray, warm: Any = None) -> ForecastModel: ...

    def predict(self, h: int) -> np.ndarray: ...

    def describe(self) -> str: ...


@contextmanager
def _quiet() -> Iterator[None]:
    """statsmodels' convergence / start-value chatter and one BLAS thread (tiny matrices: threads only contend)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            yield
            return
        with threadpool_limits(limits=1, user_api="blas"):
            yield


def _state_season(m: int, n: int) -> int:
    """The seasonal period a state-space model can take: ``m`` when short and seen twice, else 1 (none)."""
    return m if 1 < m <= MAX_STATE_SEASON and n >= 2 * m + 2 else 1


class SeasonalNaive:
    """Repeat the last season (``season`` steps). The benchmark every other model must beat."""

    name = "snaive"

    def __init__(self, season: int = 7) -> None:
        self.season = season

    def fit(self, z: np.ndarray, warm: Any = None) -> SeasonalNaive:
        self.m_ = max(1, min(self.season, len(z)))
        self.last_ = z[-self.m_:].copy()
        return self

    def predict(self, h: int) -> np.ndarray:
        import numpy as np

        out: np.ndarray = self.last_[np.arange(h) % self.m_]
        return out

    def describe(self) -> str:
        return f"seasonal naive(m={self.m_})"


def _design(t: np.ndarray, seasons: Sequence[float], ks: Sequence[int]) -> np.ndarray:
    """Intercept, then per period: one dummy per position (``k == 0``) or ``k`` Fourier pairs."""
    import numpy as np

    cols = [np.ones(len(t))]
    for p, k in zip(seasons, ks):
        if k == 0:
            ip = round(p)
            pos = t % ip
            cols.extend((pos == j).astype(float) for j in range(1, ip))
        else:
            for j in range(1, k + 1):
                cols.append(np.sin(2 * np.pi * j * t / p))
                cols.append(np.cos(2 * np.pi * j * t / p))
    return np.column_stack(cols)


def _aicc_ols(x: np.ndarray, z: np.ndarray) -> float:
    import numpy as np

    beta, *_ = np.linalg.lstsq(x, z, rcond=None)
    n, k = x.shape
    rss = float(np.sum((z - x @ beta) ** 2))
    return float(n * math.log(max(rss, 1e-12) / n) + 2 * k + 2 * k * (k + 1) / max(n - k - 1, 1))


class Harmonic:
    """Dynamic harmonic regression: seasonal dummies (short integer periods) or Fourier terms (long or fractional
    ones, K by AICc) by least squares, then ARIMA errors (order by AICc among a few, differencing by KPSS).

    Fitted in two stages because statsmodels' joint SARIMAX fit with ~20 regressors is 10-50x slower on daily data
    and often fails to converge.
    """

    name = "harmonic"
    order_: tuple[int, int, int]
    arima_: Any

    def __init__(self, seasons: Sequence[float] = (7.0, 365.25)) -> None:
        self.seasons = tuple(seasons)

    def fit(self, z: np.ndarray, warm: Any = None) -> Harmonic:
        import numpy as np
        from statsmodels.tsa.statespace.sarimax import SARIMAX
        from statsmodels.tsa.stattools import kpss

        n = len(z)
        seasons = tuple(p for p in sorted(self.seasons) if n >= p)
        t = np.arange(n, dtype=float)
        ks: list[int] = []
        desc: list[str] = []
        for p in seasons:
            if abs(p - round(p)) < 1e-9 and p <= MAX_STATE_SEASON:
                ks.append(0)
                desc.append(f"dummies({round(p)})")
                continue
            best_k, best = 1, math.inf
            for k in range(1, min(_MAX_FOURIER, int(p // 2)) + 1):
                score = _aicc_ols(_design(t, [*seasons[: len(ks)], p], [*ks, k]), z)
                if score < best:
                    best_k, best = k, score
            ks.append(best_k)
            desc.append(f"fourier({p:g}, K={best_k})")
        x = _design(t, seasons, ks)
        beta, *_ = np.linalg.lstsq(x, z, rcond=None)
        resid = z - x @ beta
        with _quiet():
            res = kpss(resid, regression="c", nlags="auto")
        d = 1 if float(res[1]) < 0.05 else 0
        best_fit: Any = None
        best_order, best_aicc = (0, d, 0), math.inf

        def try_order(order: tuple[int, int, int]) -> None:
            nonlocal best_fit, best_order, best_aicc
            if n < 3 * (order[0] + order[2] + 2):
                return
            try:
                fit = SARIMAX(resid, order=order, trend="n", concentrate_scale=True).fit(disp=False)
            except (np.linalg.LinAlgError, ValueError):
                return
            if np.isfinite(fit.aicc) and fit.aicc < best_aicc:
                best_fit, best_order, best_aicc = fit, order, float(fit.aicc)

        # A short search in the spirit of auto.arima: four small orders, then (2,d,2) only when (2,d,1) wins. A warm
        # start (the same model on a slightly shorter history) keeps its order and starts from its estimates.
        with _quiet():
            if isinstance(warm, Harmonic) and warm.order_[1] == d and warm.arima_ is not None:
                try:
                    best_fit = SARIMAX(resid, order=warm.order_, trend="n", concentrate_scale=True).fit(
                        start_params=warm.arima_.params, disp=False)
                    best_order = warm.order_
                except (np.linalg.LinAlgError, ValueError):
                    best_fit = None
            if best_fit is None:
                for order in [(1, d, 0), (0, d, 1), (1, d, 1), (2, d, 1)]:
                    try_order(order)
                if best_order == (2, d, 1):
                    try_order((2, d, 2))
            if best_fit is None:
                best_fit = SARIMAX(resid, order=(0, d, 0), trend="n", concentrate_scale=True).fit(disp=False)
        self.seasons_, self.ks_, self.beta_, self.arima_, self.order_ = seasons, ks, beta, best_fit, best_order
        self.n_, self.desc_ = n, desc
        return self

    def predict(self, h: int) -> np.ndarray:
        import numpy as np

        tf = np.arange(self.n_, self.n_ + h, dtype=float)
        out: np.ndarray = np.asarray(self.arima_.forecast(h)) + _design(tf, self.seasons_, self.ks_) @ self.beta_
        return out

    def describe(self) -> str:
        return f"harmonic({', '.join(self.desc_) or 'level only'}) + ARIMA{self.order_}"


class ETS:
    """Exponential smoothing, additive errors, damped additive trend, additive season when seen twice
    (statsmodels ``ETSModel``)."""

    name = "ets"

    def __init__(self, season: int = 7) -> None:
        self.season = season

    def fit(self, z: np.ndarray, warm: Any = None) -> ETS:
        import pandas as pd
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        self.m_ = _state_season(self.season, len(z))
        seasonal = "add" if self.m_ > 1 else None
        trend = "add" if len(z) >= 10 else None
        with _quiet():
            self.res_ = ETSModel(pd.Series(z), error="add", trend=trend, damped_trend=trend is not None,
                                 seasonal=seasonal, seasonal_periods=self.m_ if seasonal else None).fit(disp=False)
        self.trend_ = trend is not None
        return self

    def predict(self, h: int) -> np.ndarray:
        import numpy as np

        out: np.ndarray = np.asarray(self.res_.forecast(h), dtype=float)
        return out

    def describe(self) -> str:
        return f"ETS(A,{'Ad' if self.trend_ else 'N'},{'A' if self.m_ > 1 else 'N'}; m={self.m_})"


class SeasonalARIMA:
    """Seasonal ARIMA(1,0,1)(0,1,1)m (statsmodels SARIMAX): the seasonal difference follows the weekly pattern as it
    drifts, the seasonal MA term smooths it; ARIMA(1,1,1) when there is no short season."""

    name = "arima"
    order_: tuple[int, int, int]
    sorder_: tuple[int, int, int, int]
    res_: Any

    def __init__(self, season: int = 7) -> None:
        self.season = season

    def fit(self, z: np.ndarray, warm: Any = None) -> SeasonalARIMA:
        import numpy as np
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        self.m_ = _state_season(self.season, len(z))
        self.order_ = (1, 0, 1) if self.m_ > 1 else (1, 1, 1)
        self.sorder_ = (0, 1, 1, self.m_) if self.m_ > 1 else (0, 0, 0, 0)
        # Starting from a fit on a slightly shorter history converges 2-3x faster (the seasonal MA is often near -1,
        # where the optimiser creeps).
        start = None
        if isinstance(warm, SeasonalARIMA) and (warm.order_, warm.sorder_) == (self.order_, self.sorder_):
            start = warm.res_.params
        with _quiet():
            try:
                self.res_ = SARIMAX(z, order=self.order_, seasonal_order=self.sorder_, trend="n",
                                    concentrate_scale=True).fit(start_params=start, disp=False)
            except (np.linalg.LinAlgError, ValueError):  # a degenerate series: plain seasonal difference
                self.order_ = (0, 0, 0)
                self.res_ = SARIMAX(z, order=self.order_, seasonal_order=self.sorder_, trend="n",
                                    concentrate_scale=True).fit(disp=False)
        return self

    def predict(self, h: int) -> np.ndarray:
        import numpy as np

        out: np.ndarray = np.asarray(self.res_.forecast(h), dtype=float)
        return out

    def describe(self) -> str:
        s = f"({self.sorder_[0]},{self.sorder_[1]},{self.sorder_[2]}){self.m_}" if self.m_ > 1 else ""
        return f"ARIMA{self.order_}{s}".replace(" ", "")


class Theta:
    """The Theta method (Assimakopoulos & Nikolopoulos 2000; statsmodels ``ThetaModel``) after removing the
    additive season (the series is on the log scale)."""

    name = "theta"

    def __init__(self, season: int = 7) -> None:
        self.season = season

    def fit(self, z: np.ndarray, warm: Any = None) -> Theta:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        self.m_ = _state_season(self.season, len(z))
        with _quiet():
            self.res_ = ThetaModel(z, period=self.m_, deseasonalize=self.m_ > 1, method="additive").fit()
        return self

    def predict(self, h: int) -> np.ndarray:
        import numpy as np

        out: np.ndarray = np.asarray(self.res_.forecast(h), dtype=float)
        return out

    def describe(self) -> str:
        return f"Theta(m={self.m_})"


#: Candidate factories by name, called with (shortest integer season, all seasons in steps).
CANDIDATES: dict[str, Callable[[int, tuple[float, ...]], ForecastModel]] = {
    "harmonic": lambda m, seasons: Harmonic(seasons),
    "ets": lambda m, seasons: ETS(m),
    "arima": lambda m, seasons: SeasonalARIMA(m),
    "theta": lambda m, seasons: Theta(m),
    "snaive": lambda m, seasons: SeasonalNaive(m),
}


def make_model(name: str, season: int, seasons: tuple[float, ...]) -> ForecastModel:
    """A fresh, unfitted candidate by name (one of :data:`CANDIDATES`)."""
    try:
        factory = CANDIDATES[name]
    except KeyError:
        raise ValueError(f"unknown forecast model {name!r}; choose one of {sorted(CANDIDATES)}") from None
    return factory(season, seasons)
