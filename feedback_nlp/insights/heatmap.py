"""Heatmap of feedback counts or negative share over two categorical columns (multi-label cells counted per label)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

from ..classify.labels import check_lang, display_name
from ._frames import _cell_list, _frame

__all__ = ["heatmap"]


# --------------------------------------------------------------------------- heatmap
def heatmap(
    df: pd.DataFrame,
    rows: str,
    cols: str,
    value: str | None = None,
    normalize: Literal["index", "columns", "all"] | None = "index",
    *,
    aggfunc: str = "mean",
    ax: Axes | None = None,
    annot: bool = True,
    fmt: str | None = None,
    cmap: str = "Reds",
    title: str | None = None,
    lang: str = "zh",
    names: Mapping[str, Any] | None = None,
) -> Axes:
    """A ``rows`` x ``cols`` heatmap (e.g. business line x channel complaint shares) as a matplotlib Axes.

    ``value=None`` counts rows (``normalize``: ``"index"`` = share within each row, ``"columns"`` within each
    column, ``"all"`` of the total, None = raw counts); with ``value`` each cell is ``aggfunc`` of that column
    (``"mean"`` of a 0/1 column is a rate; ``normalize`` is then ignored). Cells holding lists/tuples (``topics``)
    count once per element. The table itself: ``pd.crosstab``. Chinese labels use :func:`use_cjk_font`.

    Label values (``efficiency``, ``complaint``, ``negative``...) are shown by their display names and the title
    says what the cells are in ``lang`` (``"zh"`` default, ``"en"``); ``names``: your own display names
    (:func:`feedback_nlp.classify.labels.display_name`).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"业务线": ["信用卡", "信用卡", "贷款"], "渠道": ["APP", "电话", "APP"]})
    >>> heatmap(df, "业务线", "渠道").get_title()
    '业务线 × 渠道（行内占比）'
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from .plotting import use_cjk_font

    df = _frame(df, "heatmap", [rows, cols, value])
    zh = check_lang(lang) == "zh"
    if normalize not in ("index", "columns", "all", None):
        raise ValueError(f"normalize must be 'index', 'columns', 'all' or None; got {normalize!r}")
    data = df[[c for c in dict.fromkeys([rows, cols, value]) if c is not None]]
    for c in (rows, cols):
        if data[c].map(lambda v: isinstance(v, (list, tuple, set, frozenset))).any():
            data = data.assign(**{c: data[c].map(_cell_list)}).explode(c)
    data = data.dropna(subset=[rows, cols])
    if len(data) == 0:
        raise ValueError(f"heatmap(): no rows with both {rows!r} and {cols!r}")
    if value is None:
        table = pd.crosstab(data[rows], data[cols], normalize=normalize if normalize is not None else False)
        what = {"index": ("行内占比", "share of row"), "columns": ("列内占比", "share of column"),
                "all": ("占总数", "share of total"), None: ("条数", "count")}[normalize][0 if zh else 1]
        fmt = fmt or (".0%" if normalize else "d")
    else:
        if not pd.api.types.is_numeric_dtype(data[value]):
            raise TypeError(f"column {value!r} must be numeric for heatmap(value=...)")
        table = pd.crosstab(data[rows], data[cols], values=data[value], aggfunc=aggfunc)
        agg = {"mean": ("均值", "mean"), "sum": ("合计", "sum"), "median": ("中位数", "median")}.get(
            aggfunc, (aggfunc, aggfunc))[0 if zh else 1]
        what = f"{value}{agg}" if zh else f"{agg} of {value}"
        fmt = fmt or ".2f"
    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 0.9 * table.shape[1], 1.0 + 0.5 * table.shape[0]))
    grid = table.to_numpy(dtype=float)
    im = ax.imshow(grid, cmap=cmap, aspect="auto")
    ax.set_xticks(range(table.shape[1]), [display_name(c, lang, names=names) for c in table.columns], rotation=30,
                  ha="right")
    ax.set_yticks(range(table.shape[0]), [display_name(r, lang, names=names) for r in table.index])
    if annot:
        finite = grid[np.isfinite(grid)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                v = grid[i, j]
                if np.isfinite(v):
                    txt = format(round(v), fmt) if fmt == "d" else format(v, fmt)
                    ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                            color="white" if v > mid else "black")
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xlabel(str(cols))
    ax.set_ylabel(str(rows))
    ax.set_title(title if title is not None else (f"{rows} × {cols}（{what}）" if zh else f"{rows} × {cols} ({what})"))
    return ax
