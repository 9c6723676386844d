"""An all-zero series forecasts zeros with a ForecastWarning (issue 14; the fix is issue 15's forecast rewrite)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import feedback_nlp as fn


@pytest.mark.xfail(reason="fixed by the issue 15 forecast rewrite (branch i15); remove this mark once it is merged",
                   strict=False)
@pytest.mark.parametrize("days", [14, 60])
def test_all_zero_series_forecasts_zeros_with_a_warning(days: int) -> None:
    s = pd.Series(0, index=pd.date_range("2024-01-01", periods=days, freq="D"))
    with pytest.warns(fn.ForecastWarning):
        fc = fn.forecast_volume(s, horizon=7)
    assert np.allclose(np.asarray(fc.mean, dtype=float), 0)
    assert np.isfinite(np.asarray(fc.upper, dtype=float)).all() and (np.asarray(fc.lower, dtype=float) >= 0).all()
