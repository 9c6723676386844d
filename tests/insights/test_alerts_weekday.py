"""Weekday-aware alerts and multi-label counting (issue 16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from feedback_nlp.insights.alerts import ALERT_COLUMNS, sentiment_alerts
from feedback_nlp.insights.forecast import count_volume


def _weekly(days: int = 84, spike: str | None = None, seed: int = 0) -> pd.DataFrame:
    """Busy Mondays carrying the weekend's problems (3x volume, 25% negative), 10% negative on other days;
    ``spike``: one day with three times its usual volume."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2024-01-01", periods=days, freq="D"):
        monday = day.day_of_week == 0
        n = int(rng.poisson(150 if monday else 50))
        if spike is not None and day == pd.Timestamp(spike):
            n *= 3
        rows += [{"time": day + pd.Timedelta(hours=10), "sentiment_label": "negative" if rng.random() <
                  (0.25 if monday else 0.1) else "positive"} for _ in range(n)]
    return pd.DataFrame(rows)


def test_ordinary_mondays_do_not_alert_with_the_weekday_baseline() -> None:
    df = _weekly()
    rolling = sentiment_alerts(df, "time", baseline="rolling")
    weekday = sentiment_alerts(df, "time")
    assert list(weekday.columns) == list(ALERT_COLUMNS)
    assert (weekday["baseline"] == "weekday").all()
    assert rolling.loc[rolling["alert"], "period"].dt.day_of_week.eq(0).sum() >= 5
    assert not weekday.loc[weekday["alert"], "period"].dt.day_of_week.eq(0).any(), weekday[weekday["alert"]]
    assert weekday["alert"].sum() <= 2  # chance alone, over 84 days


def test_a_real_spike_still_alerts_and_the_reason_names_the_baseline() -> None:
    al = sentiment_alerts(_weekly(spike="2024-03-13"), "time", only_alerts=True).set_index("period")
    assert al.loc["2024-03-13", "volume_alert"]
    assert "同星期基线" in al.loc["2024-03-13", "reason"]
    en = sentiment_alerts(_weekly(spike="2024-03-13"), "time", only_alerts=True, lang="en").set_index("period")
    assert "same-weekday baseline" in en.loc["2024-03-13", "reason"]
    weekly = sentiment_alerts(_weekly(), "time", freq="W", window=4, min_periods=2)
    assert (weekly["baseline"] == "rolling").all()


def test_bad_baseline_arguments() -> None:
    df = _weekly(days=21)
    with pytest.raises(ValueError, match="baseline"):
        sentiment_alerts(df, "time", baseline="season")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="daily"):
        sentiment_alerts(df, "time", freq="W", baseline="weekday")
    with pytest.raises(ValueError, match="min_weeks"):
        sentiment_alerts(df, "time", weeks=2, min_weeks=3)
    with pytest.raises(ValueError, match="lang"):
        sentiment_alerts(df, "time", lang="de")


def test_count_volume_explodes_topic_lists_like_heatmap() -> None:
    df = pd.DataFrame({"time": ["2024-05-01", "2024-05-01", "2024-05-02", "2024-05-02"],
                       "topics": [("efficiency", "product_defect"), ("efficiency",), (), ["service_attitude"]]})
    wide = count_volume(df, "time", by="topics")
    assert sorted(wide.columns) == ["efficiency", "product_defect", "service_attitude"]
    assert wide["efficiency"].tolist() == [2, 0]
    assert wide.to_numpy().sum() == 4  # one count per topic of each ticket; the ticket without a topic has none
    long = count_volume(df, "time", by="topics", wide=False)
    assert int(long["count"].sum()) == 4
