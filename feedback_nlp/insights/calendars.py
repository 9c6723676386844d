"""Calendar regressors for volume forecasts: public holidays of any market, their neighbours, and your own events.

``holidays=`` takes a country or subdivision code of the `holidays <https://pypi.org/project/holidays/>`_ package
(``"HK"``, ``"TW"``, ``"SG"``, ``"US-PA"``, ``"GB"``...) or your own dates. Mainland China (``"CN"``) uses the
chinese-calendar package instead, because it also knows the weekend days that are worked (调休 make-up working days),
which count as working days. ``events=`` takes dates of your own (双11, 618, an outage, a launch) with optional
windows around them. Install both calendars with ``pip install 'feedback_nlp[holidays]'``.

>>> import pandas as pd
>>> days = pd.date_range("2024-09-28", "2024-10-08")
>>> cal = calendar_frame(days, holidays="CN", events={"国庆大促": ["2024-10-01"]})
>>> list(cal.columns)
['holiday', 'eve', 'after', 'makeup_workday', 'holiday:National Day', 'event:国庆大促']
>>> cal.loc["2024-09-29":"2024-10-01", ["makeup_workday", "eve", "holiday"]].astype(int).to_numpy().tolist()
[[1, 0, 0], [0, 1, 0], [0, 0, 1]]
>>> int(cal.loc["2024-10-08", "after"])  # the first working day after the Golden Week
1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["CALENDAR_COLUMNS", "calendar_frame", "holiday_dates"]

#: Holiday columns of :func:`calendar_frame` (``makeup_workday`` only where a calendar has them: CN).
CALENDAR_COLUMNS: tuple[str, ...] = ("holiday", "eve", "after", "makeup_workday")
_CN = ("CN", "CHINA")


def holiday_dates(code: str, years: range) -> tuple[dict[Any, str], set[Any]]:
    """``({date: holiday name}, {make-up working days})`` for a country / subdivision code over ``years``.

    >>> off, worked = holiday_dates("CN", range(2024, 2025))
    >>> off[__import__("datetime").date(2024, 10, 1)], len(worked) > 0
    ('National Day', True)
    """
    import pandas as pd

    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"holidays must be a country code such as 'CN', 'US-PA' or 'HK', or a list of dates; "
                         f"got {code!r}")
    code = code.strip()
    if code.upper() in _CN:
        try:
            import chinese_calendar
        except ImportError as e:
            raise ImportError("holidays='CN' needs the chinese-calendar package (it knows the make-up working days, "
                              "调休): pip install 'feedback_nlp[holidays]'") from e
        off: dict[Any, str] = {}
        worked: set[Any] = set()
        for d in pd.date_range(f"{years.start}-01-01", f"{years.stop - 1}-12-31").date:
            try:
                is_off, name = chinese_calendar.get_holiday_detail(d)
            except NotImplementedError as e:  # the package only knows the years it was released for
                raise ValueError(f"chinese-calendar has no data for {d}: upgrade it (pip install -U "
                                 "chinese-calendar) or pass the holiday dates yourself") from e
            if is_off and name is not None:
                off[d] = str(name)
            elif not is_off and d.weekday() >= 5:
                worked.add(d)
        return off, worked
    try:
        import holidays as holidays_pkg
    except ImportError as e:
        raise ImportError(f"holidays={code!r} needs the holidays package: pip install 'feedback_nlp[holidays]'") from e
    country, _, subdiv = code.replace(":", "-").partition("-")
    try:
        cal = holidays_pkg.country_holidays(country.upper(), subdiv=subdiv.upper() or None, years=list(years))
    except NotImplementedError as e:
        raise ValueError(f"unknown holiday calendar {code!r}: use an ISO country code such as 'US', 'GB', 'HK', "
                         "'TW', 'SG', optionally with a subdivision ('US-PA', 'GB-SCT')") from e
    return {d: str(n) for d, n in cal.items()}, set()


def _holiday_columns(days: pd.DatetimeIndex, holidays: Any) -> dict[str, np.ndarray]:
    import numpy as np
    import pandas as pd

    names: dict[str, list[Any]] = {}
    if isinstance(holidays, str):
        off, worked = holiday_dates(holidays, range(days.min().year - 1, days.max().year + 2))
        off_days = pd.DatetimeIndex(sorted(off))
        worked_days = pd.DatetimeIndex(sorted(worked))
        for d, name in off.items():
            names.setdefault(name, []).append(d)
    else:
        try:
            off_days = pd.DatetimeIndex(pd.to_datetime(list(holidays))).normalize()
        except (TypeError, ValueError) as e:
            raise ValueError(f"holidays must be a country code or an iterable of dates: {e}") from e
        worked_days = pd.DatetimeIndex([])
    # Rest days (holidays, and weekends not worked) on a padded daily grid. A holiday block is a run of rest days
    # holding a holiday; its eve is the working day before the run, its "after" the working day after it.
    grid = pd.date_range(days.min() - pd.Timedelta(days=15), days.max() + pd.Timedelta(days=15), freq="D")
    hol = np.asarray(grid.isin(off_days))
    rest = hol | ((np.asarray(grid.day_of_week) >= 5) & ~np.asarray(grid.isin(worked_days)))
    run_id = np.cumsum(np.r_[True, rest[1:] != rest[:-1]])
    in_block = pd.Series(hol).groupby(run_id).transform("any").to_numpy(dtype=bool) & rest
    eve = np.r_[in_block[1:] & ~rest[:-1], False]
    after = np.r_[False, in_block[:-1] & ~rest[1:]]
    pos = grid.get_indexer(days)
    cols = {"holiday": hol[pos], "eve": eve[pos], "after": after[pos]}
    if len(worked_days):
        cols["makeup_workday"] = np.asarray(grid.isin(worked_days))[pos]
    # Each named holiday may differ from the average one (Christmas closes a shop, Labour Day does not).
    for name, dates in sorted(names.items()):
        col = np.asarray(days.isin(pd.DatetimeIndex(dates)))
        if col.any():
            cols[f"holiday:{name}"] = col
    return {k: v.astype(float) for k, v in cols.items()}


def _events_table(events: Any) -> pd.DataFrame:
    """User events → a table with columns name, date, lower_window (<= 0), upper_window (>= 0)."""
    import pandas as pd

    if isinstance(events, pd.DataFrame):
        cols = {str(c).lower(): c for c in events.columns}
        date_col = cols.get("date", cols.get("ds"))
        if date_col is None:
            raise ValueError(f"events needs a 'date' column (columns: {list(events.columns)})")
        name_col = cols.get("name", cols.get("event", cols.get("holiday")))
        tab = pd.DataFrame({
            "name": events[name_col].astype(str).to_numpy() if name_col is not None else "event",
            "date": pd.to_datetime(events[date_col].to_numpy()),
            "lower_window": events[cols["lower_window"]].to_numpy() if "lower_window" in cols else 0,
            "upper_window": events[cols["upper_window"]].to_numpy() if "upper_window" in cols else 0,
        })
    elif isinstance(events, Mapping):
        rows = [(str(k), d) for k, ds in events.items()
                for d in ([ds] if isinstance(ds, (str, pd.Timestamp)) else list(ds))]
        dates: Any = [r[1] for r in rows]
        tab = pd.DataFrame({"name": [r[0] for r in rows], "date": pd.to_datetime(dates),
                            "lower_window": 0, "upper_window": 0})
    elif isinstance(events, (str, bytes)):
        raise ValueError("events must be dates (a list, a {name: dates} dict or a DataFrame), not one string")
    else:
        tab = pd.DataFrame({"name": "event", "date": pd.to_datetime(list(events)), "lower_window": 0,
                            "upper_window": 0})
    lw = pd.to_numeric(tab["lower_window"], errors="coerce")
    uw = pd.to_numeric(tab["upper_window"], errors="coerce")
    if tab["date"].isna().any() or lw.isna().any() or uw.isna().any() or (lw > 0).any() or (uw < 0).any():
        raise ValueError("events: every date must parse, lower_window must be <= 0 and upper_window >= 0 "
                         "(e.g. lower_window=-3 for the three days before)")
    return tab.assign(date=tab["date"].dt.normalize(), lower_window=lw.astype(int), upper_window=uw.astype(int))


def calendar_frame(index: Any, holidays: Any = None, events: Any = None) -> pd.DataFrame:
    """0/1 calendar regressors on ``index`` (matched by calendar day), one column each.

    ``holidays``: a country / subdivision code (``"CN"``, ``"US-PA"``, ``"HK"``...) or an iterable of dates. Columns
    ``holiday`` (a public holiday, including the observed day when it falls on a weekend), ``eve`` (the working day
    before a run of days off that holds a holiday, e.g. the Friday before a Monday holiday), ``after`` (the working
    day after it), for CN ``makeup_workday`` (a weekend day that is worked, 调休), and for a code one
    ``holiday:<name>`` column per holiday on ``index`` (its own effect on top of the average holiday's).
    ``events``: a list of dates, a ``{name: dates}`` dict, or a DataFrame with ``date`` and optional ``name``,
    ``lower_window``, ``upper_window`` (days before / after, Prophet's names): one column ``event:<name>`` per name,
    and ``event:<name>-1`` / ``event:<name>+1``... for the days of its window.

    >>> import pandas as pd
    >>> ev = pd.DataFrame({"name": ["双11"], "date": ["2024-11-11"], "lower_window": [-1], "upper_window": [0]})
    >>> calendar_frame(pd.date_range("2024-11-09", periods=4), events=ev).sum().to_dict()
    {'event:双11-1': 1.0, 'event:双11': 1.0}
    """
    import numpy as np
    import pandas as pd

    days = pd.DatetimeIndex(index).normalize()
    cols: dict[str, np.ndarray] = {}
    if len(days) == 0:
        return pd.DataFrame(index=index)
    if holidays is not None:
        cols.update(_holiday_columns(days, holidays))
    if events is not None:
        tab = _events_table(events)
        for name, date, lower, upper in zip(tab["name"], tab["date"], tab["lower_window"], tab["upper_window"]):
            for k in range(int(lower), int(upper) + 1):
                key = f"event:{name}" + (f"{k:+d}" if k else "")
                hit = (days == pd.Timestamp(date) + pd.Timedelta(days=k)).astype(float)
                cols[key] = np.maximum(cols.get(key, np.zeros(len(days))), hit)
    return pd.DataFrame(cols, index=index)
