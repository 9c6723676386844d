"""Chinese-ready matplotlib: find an installed CJK font once, plus the small charts the HTML report uses.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so labels such as 退款 come out as empty boxes.
:func:`use_cjk_font` looks for a CJK font (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei,
PingFang...), registers it with matplotlib even when matplotlib's font cache predates its installation, and puts it
first in ``font.sans-serif``. Install one with ``apt-get install fonts-noto-cjk`` (Debian/Ubuntu) or
``fonts-wqy-microhei``; macOS and Windows ship one.

>>> import feedback_nlp.insights.plotting as fp
>>> fp.use_cjk_font() in (None,) + fp.CJK_FONTS
True
"""

from __future__ import annotations

import base64
import io
import re
import threading
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "find_cjk_font",
    "CJKFontWarning",
    "bar_chart",
    "date_axis",
    "figure_to_base64",
    "forecast_chart",
    "trend_chart",
    "use_cjk_font",
]

#: Font families with Chinese glyphs, in order of preference.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Sarasa Gothic SC", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback", "Arial Unicode MS",
)
#: File names of CJK fonts to register when matplotlib's cached font list does not know them yet.
_FONT_FILES = re.compile(r"(notosanscjk|notosans.?sc|sourcehansans|wqy|wenquanyi|sarasa|msyh|simhei|pingfang|"
                         r"droidsansfallback|hiragino)", re.IGNORECASE)
INSTALL_HINT = ("no CJK font found, so Chinese text in charts would show as empty boxes. Install one: "
                "`apt-get install fonts-noto-cjk` (Debian/Ubuntu, or fonts-wqy-microhei), "
                "`dnf install google-noto-sans-cjk-fonts` (Fedora), or put a .ttf/.otf/.ttc font such as "
                "NotoSansSC-Regular.otf in ~/.fonts; then call use_cjk_font(refresh=True)")

_lock = threading.Lock()
_chosen: dict[str, str | None] = {}
_warned: dict[str, bool] = {"font": False}


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs is installed: charts will show empty boxes for Chinese text."""


def _find_font() -> str | None:
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in have:
            return name
    # matplotlib caches its font list: fonts installed after the cache was built are unknown until registered.
    for path in font_manager.findSystemFonts():
        if _FONT_FILES.search(path.replace("-", "").replace("_", "").replace(" ", "")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
                continue
    have = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in have:
            return name
    return None


def find_cjk_font(refresh: bool = False) -> str | None:
    """The installed CJK font :func:`use_cjk_font` would use (searched once per process), without changing
    matplotlib's settings; None when there is none. For charts that set the font per text element.
    """
    with _lock:
        if refresh or "font" not in _chosen:
            _chosen["font"] = _find_font()
            _chosen.pop("applied", None)
        return _chosen["font"]


def use_cjk_font(required: bool = False, refresh: bool = False) -> str | None:
    """Configure matplotlib (once per process, thread-safe) to draw Chinese text; returns the font family used.

    Puts the first installed font of :data:`CJK_FONTS` in front of ``font.sans-serif``, selects the sans-serif
    family and turns off the Unicode minus sign (most CJK fonts lack it). When none is installed it warns
    (:class:`CJKFontWarning`, once per process; matplotlib's per-glyph "missing from font" warnings are then
    silenced) with what to install and returns None, or raises RuntimeError with ``required=True``.
    ``refresh=True`` searches again (after installing a font).

    >>> import matplotlib.pyplot as plt
    >>> name = use_cjk_font()
    >>> name is None or plt.rcParams["font.sans-serif"][0] == name
    True
    """
    name = find_cjk_font(refresh)
    with _lock:
        if name is not None:
            import matplotlib as mpl

            families = list(mpl.rcParams["font.sans-serif"])
            if not families or families[0] != name:
                mpl.rcParams["font.sans-serif"] = [name, *[f for f in families if f != name]]
            mpl.rcParams["font.family"] = ["sans-serif"]
            mpl.rcParams["axes.unicode_minus"] = False
            _chosen["applied"] = name
    if name is None:
        if required:
            raise RuntimeError(INSTALL_HINT)
        with _lock:
            first = not _warned["font"]
            _warned["font"] = True
        # One warning per process, not one per chart, and not matplotlib's ~20 per chart either (the filter is set
        # again on every call: a caller's catch_warnings() block may have dropped it).
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        if first:
            warnings.warn(INSTALL_HINT, CJKFontWarning, stacklevel=2)
    return name


def figure_to_base64(fig: Figure, dpi: int = 96) -> str:
    """PNG of ``fig`` as a ``data:`` URI (for self-contained HTML); closes the figure.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.plot([1, 2])
    >>> figure_to_base64(fig).startswith("data:image/png;base64,")
    True
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


_WORDS: dict[str, tuple[str, str]] = {
    "volume": ("反馈量", "volume"), "negative_share": ("负面占比", "negative share"),
    "trend_title": ("反馈量与负面占比", "Volume and negative share"), "history": ("历史", "history"),
    "forecast": ("预测", "forecast"), "interval": ("{level:g}% 预测区间", "{level:g}% interval"),
}


def _word(key: str, lang: str, **kw: Any) -> str:
    from ..classify.labels import check_lang

    text = _WORDS[key][0 if check_lang(lang) == "zh" else 1]
    return text.format(**kw) if kw else text


def date_axis(ax: Axes, index: Any) -> None:
    """Numeric date ticks (``05-14``, ``2024-05``): matplotlib's default names months in English."""
    import matplotlib.dates as mdates
    import pandas as pd

    if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
        return
    span = (index.max() - index.min()).days
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=10))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(
        mdates.DateFormatter("%m-%d" if span <= 120 else "%Y-%m"))  # type: ignore[no-untyped-call]


def trend_chart(
    counts: pd.Series, negative_share: pd.Series | None = None, ax: Axes | None = None, title: str | None = None,
    lang: str = "zh",
) -> Axes:
    """Bars of volume per period and, on a right axis, the negative share as a line (axis at most 100%). Legend and
    axis names in ``lang`` (``"zh"`` default, ``"en"``); dates as numbers.

    >>> import pandas as pd
    >>> idx = pd.date_range("2024-05-01", periods=3)
    >>> trend_chart(pd.Series([10, 12, 30], index=idx), pd.Series([0.1, 0.2, 0.5], index=idx)).get_title()
    '反馈量与负面占比'
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    x = counts.index
    width = _bar_width(x)
    ax.bar(x, counts.to_numpy(), width=width, color="#9ecae1", label=_word("volume", lang))
    ax.set_ylabel(_word("volume", lang))
    ax.set_title(title if title is not None else _word("trend_title", lang))
    handles, labels = ax.get_legend_handles_labels()
    if negative_share is not None:
        ax2 = ax.twinx()
        ax2.plot(negative_share.index, negative_share.to_numpy(), color="#d62728", lw=1.8, marker="o", ms=3,
                 label=_word("negative_share", lang))
        ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
        top = float(negative_share.max(skipna=True) or 0)
        ax2.set_ylim(0, min(1.0, max(0.05, top * 1.25)))  # a share never passes 100%
        ax2.set_ylabel(_word("negative_share", lang))
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    # above the plot, on the right: inside it the legend hides the line of a high negative share
    ax.legend(handles, labels, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=8, frameon=False)
    date_axis(ax, x)
    ax.figure.autofmt_xdate()
    return ax


def _bar_width(index: Any) -> Any:
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex) and len(index) > 1:
        step = (index[1:] - index[:-1]).min()
        return step * 0.8
    return 0.8


def bar_chart(
    values: pd.Series, ax: Axes | None = None, title: str = "", xlabel: str = "", percent: bool = False,
    color: str = "#3182bd",
) -> Axes:
    """Horizontal bars, largest on top, with the value written at the end of each bar (``percent``: a share axis
    that stops at 100%).

    >>> import pandas as pd
    >>> bar_chart(pd.Series({"退款": 12, "物流": 7}), title="话题").get_title()
    '话题'
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    values = values.sort_values(ascending=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(values) + 1.0))
    labels = [str(i) for i in values.index]
    ax.barh(labels, values.to_numpy(), color=color)
    top = float(values.max()) if len(values) else 1.0
    for i, v in enumerate(values.to_numpy()):
        ax.text(v + top * 0.01, i, f"{v:.0%}" if percent else f"{v:,.0f}", va="center", fontsize=8)
    ax.set_xlim(0, (min(1.0, top * 1.15) if percent else top * 1.15) if top > 0 else 1)
    if percent:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def forecast_chart(
    forecast: Any, ax: Axes | None = None, history: int | None = None, title: str | None = None, lang: str = "zh",
) -> Axes:
    """History, forecast and prediction band of a :class:`~feedback_nlp.insights.forecast.VolumeForecast`, with the
    legend in ``lang`` (``"zh"`` default: 历史 / 预测 / 95% 预测区间) and numeric dates.

    >>> import pandas as pd, feedback_nlp as fn
    >>> s = pd.Series([5, 7, 6, 9, 8, 4, 3] * 4, index=pd.date_range("2024-05-01", periods=28))
    >>> ax = forecast_chart(fn.forecast_volume(s, 7, model="snaive"))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['历史', '预测', '95% 预测区间']
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.0))
    h = forecast.history.iloc[-(history or 8 * len(forecast.mean)):]
    ax.plot(h.index, h.to_numpy(), color="0.3", lw=1, label=_word("history", lang))
    ax.plot(forecast.mean.index, forecast.mean.to_numpy(), color="C0", lw=1.5, label=_word("forecast", lang))
    ax.fill_between(forecast.mean.index, forecast.lower.to_numpy(), forecast.upper.to_numpy(), color="C0",
                    alpha=0.25, label=_word("interval", lang, level=forecast.level))
    if title is not None:
        ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    date_axis(ax, h.index.append(forecast.mean.index))
    ax.figure.autofmt_xdate()
    return ax
