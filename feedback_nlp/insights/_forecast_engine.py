"""How :func:`~feedback_nlp.forecast_volume` turns one prepared series into a forecast and a calibrated band.

1. Calendar effects (holidays, events) are estimated by least squares together with trend, weekday and yearly terms
   and taken out of ``log1p(count)``; every candidate then forecasts the adjusted series and the effects are added
   back, so every model knows the calendar.
2. Isolated extreme days (at most 1% of the history, beyond 5 robust standard deviations of a robust STL residual:
   a recording gap, a day the shop was closed) are replaced by the STL fit before fitting, as R's ``tsclean`` does.
3. ``model="auto"`` runs a rolling-origin backtest inside the history: :data:`ORIGINS` origins, ``ceil(h/2)`` apart,
   each forecasting ``h`` steps. The candidates are ranked by MAE; the forecast is the mean, on the log scale, of the
   best :data:`COMBINE` (a combination generalised better than the single best in a nested evaluation on seven real
   series: ``benchmarks/bench_forecast.py``).
4. The band comes from the same backtest's out-of-sample errors: per horizon step, the conformal quantile of the
   absolute log errors of neighbouring steps, widened by :data:`SAFETY`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .forecast_models import MAX_STATE_SEASON, ForecastModel, make_model

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

#: Candidates of ``model="auto"``, in the order ties are broken.
AUTO_CANDIDATES: tuple[str, ...] = ("arima", "ets", "theta", "harmonic", "snaive")
#: Backtest origins inside the history (fewer when the history is short; below two there is no backtest).
ORIGINS = 4
#: How many of the best-ranked candidates ``auto`` combines.
COMBINE = 3
#: Band widening over the backtest's quantile: recent windows understate the spread of later ones (measured on the
#: development series: coverage of a 95% band went from a 0.88 minimum to 0.92 with 1.2).
SAFETY = 1.2
#: Neighbouring horizon steps pooled on each side for a step's error quantile.
POOL = 3
#: Replace at most this share of the history as outliers, and only beyond this many robust standard deviations.
OUTLIER_SHARE, OUTLIER_K = 0.01, 5.0


@dataclass(frozen=True)
class EngineResult:
    """Log-scale forecast and band, what was chosen and why, and the backtest table (None without a backtest)."""

    mu: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    description: str
    backtest: pd.DataFrame | None


def calendar_effects(z: np.ndarray, cal: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares calendar coefficients of ``cal`` (history rows first, then the horizon's) on log counts,
    estimated together with a level, a linear trend, season-``m`` dummies and three yearly Fourier pairs. Returns
    (effect on the history, effect on the horizon)."""
    import numpy as np

    n = len(z)
    t = np.arange(len(cal), dtype=float)
    base = [np.ones(len(cal)), t / max(n, 1)]
    if 1 < m <= 24:
        base.extend((t % m == j).astype(float) for j in range(1, m))
    if n >= 365:
        for j in range(1, 4):
            base.extend([np.sin(2 * np.pi * j * t / 365.25), np.cos(2 * np.pi * j * t / 365.25)])
    x = np.column_stack([*base, cal])
    beta, *_ = np.linalg.lstsq(x[:n], z, rcond=None)
    effect = cal @ beta[-cal.shape[1]:]
    return effect[:n], effect[n:]


def clean_outliers(z: np.ndarray, m: int) -> np.ndarray:
    """``z`` with its most extreme isolated days replaced by a robust STL fit (statsmodels); see the module doc."""
    import numpy as np
    from statsmodels.tsa.seasonal import STL

    period = m if 1 < m <= 24 else 7
    if len(z) < 2 * period + 2 or np.ptp(z) == 0:
        return z
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = STL(z, period=period, robust=True).fit()
    resid = np.asarray(fit.resid)
    dev = np.abs(resid - np.median(resid))
    scale = 1.4826 * float(np.median(dev))
    cap = int(OUTLIER_SHARE * len(z))
    if not scale > 0 or cap < 1:
        return z
    worst = np.argsort(-dev)[:cap]
    worst = worst[dev[worst] > OUTLIER_K * scale]
    if len(worst) == 0:
        return z
    out = z.copy()
    out[worst] = (np.asarray(fit.trend) + np.asarray(fit.seasonal))[worst]
    return out


@dataclass(frozen=True)
class _Setting:
    """What every fit of one series shares."""

    h: int
    m: int
    seasons: tuple[float, ...]
    cal: np.ndarray | None  # calendar regressors on history + horizon rows, or None


def _prepared(z: np.ndarray, end: int, s: _Setting) -> tuple[np.ndarray, np.ndarray]:
    """History ``z[:end]`` adjusted for the calendar and cleaned, and the calendar effect on the next h steps."""
    import numpy as np

    zz = z[:end]
    add = np.zeros(s.h)
    if s.cal is not None:
        rows = s.cal[: end + s.h]
        keep = rows[:end].std(axis=0) > 0
        if keep.any():
            eff_hist, add = calendar_effects(zz, rows[:, keep], s.m)
            zz = zz - eff_hist
    return clean_outliers(zz, s.m), add


def _fit_predict(name: str, zz: np.ndarray, add: np.ndarray, s: _Setting,
                 warm: ForecastModel | None = None) -> tuple[np.ndarray, ForecastModel]:
    model = make_model(name, s.m, s.seasons).fit(zz, warm)
    return model.predict(s.h) + add, model


def origins(n: int, h: int, m: int) -> list[int]:
    """Backtest origins (history lengths), latest first: up to :data:`ORIGINS`, ``ceil(h/2)`` apart, each leaving
    at least 28 points and two seasons (one for a season too long for state-space models) to fit on; an empty list
    when fewer than two fit."""
    step = max(1, math.ceil(h / 2))
    need = max(2 * m + 2 if m <= MAX_STATE_SEASON else m, 28)
    out = [n - h - j * step for j in range(ORIGINS)]
    out = [o for o in out if o >= need]
    return out if len(out) >= 2 else []


def _band(errors: np.ndarray, level: float) -> np.ndarray:
    """Per-step half-width on the log scale from an (origins x h) array of out-of-sample log errors."""
    import numpy as np

    h = errors.shape[1]
    q = np.empty(h)
    for k in range(h):
        e = np.abs(errors[:, max(0, k - POOL): k + POOL + 1]).ravel()
        rank = min(1.0, math.ceil((len(e) + 1) * level / 100) / len(e))  # split-conformal finite-sample rank
        q[k] = float(np.quantile(e, rank, method="higher"))
    out: np.ndarray = SAFETY * q
    return out


def _fallback_band(z: np.ndarray, h: int, m: int, level: float) -> np.ndarray:
    """Without a backtest: the spread of in-sample seasonal differences, widened by sqrt(cycles ahead + 1)
    (the seasonal naive band of Hyndman & Athanasopoulos §5.5)."""
    import numpy as np
    from scipy.stats import norm

    m = max(1, min(m, len(z) - 1)) if len(z) > 1 else 1
    resid = z[m:] - z[:-m]
    sigma = float(np.sqrt(np.mean(resid**2))) if len(resid) >= 2 else 0.5
    out: np.ndarray = norm.ppf(0.5 + level / 200) * max(sigma, 1e-9) * np.sqrt(np.arange(h) // m + 1)
    return out


def _combine(preds: list[np.ndarray]) -> np.ndarray:
    import numpy as np

    out: np.ndarray = np.mean(np.vstack(preds), axis=0)
    return out


def run(z: np.ndarray, names: tuple[str, ...], h: int, m: int, seasons: tuple[float, ...], level: float,
        cal: np.ndarray | None, choose: bool) -> EngineResult:
    """Backtest ``names`` inside ``z`` (log1p counts), choose (``choose=True``: the best :data:`COMBINE`, else all
    of ``names``), fit on all of ``z`` and forecast ``h`` steps with a calibrated band."""
    import numpy as np
    import pandas as pd

    s = _Setting(h, m, seasons, cal)
    ends = origins(len(z), h, m)
    expm1 = np.expm1
    if not ends:
        chosen = names[:1]
        zz, add = _prepared(z, len(z), s)
        preds, models = zip(*(_fit_predict(nm, zz, add, s) for nm in chosen))
        mu = _combine(list(preds))
        half = _fallback_band(zz, h, m, level)
        why = "too short for a backtest; band from seasonal differences"
        return EngineResult(mu, mu - half, mu + half, f"{models[0].describe()} — {why}", None)

    ends = sorted(ends)  # earliest first: each fit starts from the previous origin's estimates
    bt_preds: dict[str, list[np.ndarray]] = {nm: [] for nm in names}
    last: dict[str, ForecastModel] = {}
    actual = np.vstack([z[o:o + h] for o in ends])
    for o in ends:
        zz, add = _prepared(z, o, s)
        for nm in names:
            pred, last[nm] = _fit_predict(nm, zz, add, s, last.get(nm))
            bt_preds[nm].append(pred)
    counts = expm1(actual)
    mae = {nm: float(np.mean(np.abs(np.clip(expm1(np.vstack(p)), 0, None) - counts))) for nm, p in bt_preds.items()}
    ranked = sorted(names, key=lambda nm: (mae[nm], names.index(nm)))
    chosen = tuple(ranked[:COMBINE]) if choose else names
    combo_bt = np.vstack([_combine([bt_preds[nm][i] for nm in chosen]) for i in range(len(ends))])
    # The band is calibrated on the backtest errors against the series with its isolated outliers (at most 1% of
    # days, see clean_outliers) smoothed: with four origins the 95% quantile is the largest error, and one recent
    # one-day spike would otherwise set the width of the whole band.
    typical = clean_outliers(z, m)
    half = _band(np.vstack([typical[o:o + h] for o in ends]) - combo_bt, level)

    zz, add = _prepared(z, len(z), s)
    preds, models = zip(*(_fit_predict(nm, zz, add, s, last.get(nm)) for nm in chosen))
    mu = _combine(list(preds))
    combo_mae = float(np.mean(np.abs(np.clip(expm1(combo_bt), 0, None) - counts)))
    snaive = mae.get("snaive")
    table = pd.DataFrame({
        "candidate": list(names), "mae": [mae[nm] for nm in names],
        "relative_mae": [mae[nm] / snaive if snaive else math.nan for nm in names],
        "rank": [ranked.index(nm) + 1 for nm in names], "chosen": [nm in chosen for nm in names],
    })
    what = models[0].describe() if len(models) == 1 else \
        f"combo(mean of log1p: {', '.join(md.describe() for md in models)})"
    why = f"backtest {len(ends)}×{h} MAE {combo_mae:.3g}"
    if snaive and "snaive" not in chosen:
        why += f" vs seasonal naive {snaive:.3g}"
    if choose:
        why = f"best {len(chosen)} of {len(names)} by " + why
    return EngineResult(mu, mu - half, mu + half, f"{what} — {why}", table)
