"""A self-contained HTML report a manager can open offline: trend, topics, TOP issues, rules, forecast, alerts.

Charts are embedded as base64 PNG and the styles are inline, so the file has no external URL and can be mailed as
is. The frame is classified first (:func:`feedback_nlp.classify_frame`) when its sentiment columns are missing.

>>> import pandas as pd
>>> from feedback_nlp.insights.report import report
>>> df = pd.DataFrame({"text": ["退款一直不到账", "客服态度很好"] * 10})
>>> report(df, "/tmp/反馈报告.html").name  # doctest: +SKIP
'反馈报告.html'
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .spread import Spread

__all__ = ["SECTIONS", "report"]

#: Section ids of the report, in order (each is an ``<section id=...>``; the test checks all are there).
SECTIONS: tuple[str, ...] = (
    "overview", "trend", "topics", "issues", "rules", "forecast", "alerts", "customers", "spread",
)
_TITLES = {
    "overview": "概览 Overview", "trend": "反馈量与情感趋势 Volume & sentiment trend",
    "topics": "话题分布 Topics", "issues": "TOP 问题与原声 Top issues with examples",
    "rules": "问题共现规则 Co-occurrence rules", "forecast": "反馈量预测 Volume forecast",
    "alerts": "预警 Alerts", "customers": "客户分层 Customer value tiers",
    "spread": "负面传播 Spread of negative feedback",
}
_SENTIMENT_COLS = ("sentiment_label", "sentiment_score", "topics")
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;margin:0;
background:#f4f6f8;color:#222}
header{background:#1f4e79;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
main{max-width:1180px;margin:0 auto;padding:16px 24px}
section{background:#fff;border-radius:8px;padding:14px 22px;margin:14px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:4px 0 10px;color:#1f4e79;border-bottom:1px solid #e3e8ee;padding-bottom:6px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:140px;background:#f7f9fb;border-radius:6px;
padding:10px 14px}.card b{display:block;font-size:22px;color:#1f4e79}.card span{font-size:12px;color:#666}
.card.bad b{color:#c0392b}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid #e8ecf0;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f7f9fb;font-weight:600}td.num{text-align:right;white-space:nowrap}
img{max-width:100%;height:auto;display:block;margin:6px auto}
.note{color:#777;font-size:12px}.ex{color:#555;font-size:12px}.row{display:flex;gap:16px;flex-wrap:wrap}
.row>div{flex:1;min-width:320px}.alert{color:#c0392b;font-weight:600}
"""


@dataclass
class _Page:
    title: str
    subtitle: str
    sections: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SECTIONS})

    def add(self, section: str, piece: str) -> None:
        self.sections[section].append(piece)

    def note(self, section: str, text: str) -> None:
        self.add(section, f'<p class="note">{html.escape(text)}</p>')

    def html(self) -> str:
        body = "\n".join(
            f'<section id="{s}"><h2>{html.escape(_TITLES[s])}</h2>\n' + "\n".join(parts or [
                '<p class="note">—</p>']) + "</section>" for s, parts in self.sections.items())
        return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head>\n<body><header>"
                f"<h1>{html.escape(self.title)}</h1><p>{html.escape(self.subtitle)}</p></header>\n<main>{body}"
                f"</main></body></html>\n")


def _img(fig: Any, alt: str) -> str:
    from .plotting import figure_to_base64

    return f'<img alt="{html.escape(alt)}" src="{figure_to_base64(fig)}">'


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "—"
        return f"{v:.2f}"
    return str(v)


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str], num: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{html.escape(_fmt(c))}</td>' if i in num else f"<td>{c}</td>"
        for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _short(text: Any, n: int = 60) -> str:
    s = str(text).replace("\n", " ")
    return html.escape(s if len(s) <= n else s[: n - 1] + "…")


def _auto_freq(times: pd.Series) -> str:
    span = (times.max() - times.min()).days
    return "D" if span <= 92 else ("W" if span <= 2 * 365 else "MS")


def report(
    df: pd.DataFrame,
    path: str | Path,
    text_col: str = "text",
    time_col: str | None = None,
    *,
    title: str = "客户反馈分析报告",
    freq: str | None = None,
    horizon: int = 14,
    top_n: int = 3,
    n_examples: int = 2,
    tag_cols: Sequence[str] = (),
    min_support: float = 0.02,
    min_confidence: float = 0.3,
    alert_window: int = 14,
    batch_size: int = 1024,
    segment_col: str | None = None,
    spread_result: Spread | None = None,
) -> Path:
    """Write a self-contained HTML report of ``df`` (one row per feedback text) to ``path``; returns the path.

    Sections (:data:`SECTIONS`): overview (volume, sentiment shares, kinds), volume and negative-share trend,
    topics (volume and negative share per topic), TOP issues per topic with example texts
    (:func:`~feedback_nlp.insights.terms.top_issues`), co-occurrence rules between topics, sentiment, kind and your
    ``tag_cols`` (e.g. ``("channel",)``; :func:`~feedback_nlp.mine_cooccurrence`), a ``horizon``-day volume
    forecast with its 95% band (:func:`~feedback_nlp.forecast_volume`) and sentiment alerts
    (:func:`~feedback_nlp.insights.alerts.sentiment_alerts`, ``alert_window`` days of baseline). Without ``time_col``
    the time sections say so instead of a chart. ``freq``: trend period (default: daily up to three months of data,
    weekly up to two years, monthly beyond). ``segment_col``: a column of customer segments (e.g. ``segment`` of
    :func:`~feedback_nlp.rfm`, merged on the customer) for a table and chart of sentiment per segment;
    ``spread_result``: a :func:`~feedback_nlp.spread` result for the top spreaders of negative feedback and the
    largest cascades. Without them those two sections say what to pass.

    The frame is classified first when ``sentiment_label``, ``sentiment_score`` or ``topics`` is missing. Empty
    frame → ValueError; missing columns → KeyError; not a DataFrame → TypeError. Chinese chart labels need a CJK
    font (:func:`feedback_nlp.insights.plotting.use_cjk_font`, e.g. ``apt-get install fonts-noto-cjk``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["退款一直不到账", "客服态度很好"] * 10,
    ...                    "time": pd.date_range("2024-05-01", periods=20, freq="D")})
    >>> report(df, "/tmp/report.html", time_col="time").suffix  # doctest: +SKIP
    '.html'
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"report() takes a pandas DataFrame, got {type(df).__name__}")
    if isinstance(tag_cols, str):
        tag_cols = (tag_cols,)
    missing = [c for c in [text_col, time_col, segment_col, *tag_cols] if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"report(): columns {missing} not in the DataFrame (columns: {list(df.columns)})")
    if len(df) == 0:
        raise ValueError("report(): the DataFrame is empty: nothing to report")
    if spread_result is not None and not all(hasattr(spread_result, a) for a in ("spreaders", "cascades")):
        raise TypeError(f"spread_result must be the result of fn.spread(edges, posts), got "
                        f"{type(spread_result).__name__}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a positive int (days); got {horizon!r}")
    out_path = Path(path)
    if out_path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"path should end in .html; got {str(path)!r}")
    times = None
    if time_col is not None:
        from ._frames import _times

        times = _times(df, time_col)

    import matplotlib.pyplot as plt

    from .plotting import use_cjk_font

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one report, not one CJK warning per chart
        font = use_cjk_font()
    if any(c not in df.columns for c in _SENTIMENT_COLS):
        from ..classify.registry import default_classifier

        df = default_classifier().classify_frame(df, text_col=text_col, batch_size=batch_size, errors="neutral")
    df = df.reset_index(drop=True)
    n = len(df)
    period = ""
    if times is not None:
        period = f"{times.min():%Y-%m-%d} – {times.max():%Y-%m-%d} · "
    page = _Page(title, f"{period}{n:,} 条反馈 · generated by feedback_nlp")
    if font is None:
        page.note("overview", "No CJK font installed: Chinese chart labels may show as boxes "
                              "(apt-get install fonts-noto-cjk).")
    neg = df["sentiment_label"] == "negative"
    with plt.rc_context({"figure.max_open_warning": 0}):
        _overview(page, df, neg)
        _trend(page, df, neg, times, freq)
        _topics(page, df, neg)
        _issues(page, df, text_col, top_n, n_examples)
        _rules(page, df, tag_cols, min_support, min_confidence)
        _forecast(page, df, times, horizon)
        _alerts(page, df, times, alert_window)
        _customers(page, df, segment_col)
        _spread(page, spread_result)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    from .._files import atomic_write

    with atomic_write(out_path) as tmp:  # a report opened meanwhile is the old one or the new one, never half
        tmp.write_text(page.html(), encoding="utf-8")
    return out_path


# --------------------------------------------------------------------------- sections
def _overview(page: _Page, df: pd.DataFrame, neg: pd.Series) -> None:
    n = len(df)
    shares = df["sentiment_label"].value_counts(normalize=True)
    cards = [("反馈总量 feedback", f"{n:,}", False),
             ("负面占比 negative", f"{shares.get('negative', 0.0):.0%}", shares.get("negative", 0.0) > 0.3),
             ("中性 neutral", f"{shares.get('neutral', 0.0):.0%}", False),
             ("正面 positive", f"{shares.get('positive', 0.0):.0%}", False)]
    if "kind" in df.columns:
        cards.append(("投诉 complaints", f"{int((df['kind'] == 'complaint').sum()):,}", False))
    if "priority" in df.columns:
        cards.append(("紧急 urgent", f"{int((df['priority'] == 'urgent').sum()):,}", False))
    page.add("overview", '<div class="cards">' + "".join(
        f'<div class="card{" bad" if bad else ""}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v, bad in cards) + "</div>")


def _trend(page: _Page, df: pd.DataFrame, neg: pd.Series, times: pd.Series | None, freq: str | None) -> None:
    import pandas as pd

    from .plotting import trend_chart

    if times is None:
        page.note("trend", "No time column given (pass time_col=) — trend not shown.")
        return
    f = freq or _auto_freq(times)
    frame = pd.DataFrame({"n": 1, "neg": neg.to_numpy(dtype=float)}, index=pd.DatetimeIndex(times.to_numpy()))
    g = frame.resample(f).sum()
    share = g["neg"] / g["n"].where(g["n"] > 0)
    ax = trend_chart(g["n"], share, title=f"反馈量与负面占比（{ {'D': '按日', 'W': '按周', 'MS': '按月'}.get(f, f) }）")
    page.add("trend", _img(ax.figure, "volume and negative share"))


def _topics(page: _Page, df: pd.DataFrame, neg: pd.Series) -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    from ._frames import _cell_list
    from .plotting import bar_chart

    exploded = pd.DataFrame({"topic": df["topics"].map(_cell_list), "neg": neg.to_numpy()}).explode("topic")
    exploded = exploded.dropna(subset=["topic"])
    if len(exploded) == 0:
        page.note("topics", "No topic detected in these texts.")
        return
    stats = exploded.groupby("topic")["neg"].agg(["size", "mean"]).sort_values("size", ascending=False).head(12)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 0.42 * len(stats) + 1.3))
    bar_chart(stats["size"], ax=a1, title="各话题反馈量 volume per topic")
    bar_chart(stats["mean"], ax=a2, title="各话题负面占比 negative share", percent=True, color="#d62728")
    fig.tight_layout()
    page.add("topics", _img(fig, "topics"))


def _issues(page: _Page, df: pd.DataFrame, text_col: str, top_n: int, n_examples: int) -> None:
    from .terms import keywords, top_issues

    top = top_issues(df, text_col=text_col, n=top_n, n_examples=n_examples, top_topics=8)
    if len(top) == 0:
        page.note("issues", "No negative feedback with a recurring issue (or too few texts).")
    else:
        rows = []
        for topic, g in top.groupby("topic", sort=False):
            first = True
            for _, r in g.iterrows():
                label = (f"<b>{html.escape(str(topic))}</b><br><span class='note'>{int(r['topic_count'])} 条 · "
                         f"{r['topic_share']:.0%}</span>") if first else ""
                first = False
                ex = " / ".join(f"“{_short(e, 40)}”" for e in r["examples"])
                rows.append([label, int(r["rank"]), html.escape(str(r["issue"])), int(r["count"]),
                             f"{r['share']:.0%}", f'<span class="ex">{ex}</span>'])
        page.add("issues", '<p class="note">Negative feedback per topic: the terms most texts mention, with the '
                           "most negative examples.</p>")
        page.add("issues", _table(rows, ["话题 topic", "#", "问题 issue", "条数 count", "占话题 share",
                                         "原声 examples"], num=(1, 3, 4)))
    texts = df[text_col][df["sentiment_label"] == "negative"].dropna()
    if len(texts):
        kw = keywords(texts, top_k=15)
        page.add("issues", "<p><b>负面关键词 negative keywords:</b> " + " · ".join(
            f"{html.escape(t)} <span class='note'>({c})</span>" for t, c in zip(kw["term"], kw["doc_count"]))
            + "</p>")


def _rules(page: _Page, df: pd.DataFrame, tag_cols: Sequence[str], min_support: float, min_confidence: float) -> None:
    from .cooccurrence import mine_cooccurrence, transactions_from_frame

    # Problems only: topics, your tag columns and "sentiment=negative"; praise/positive tags would fill the table
    # with trivial rules (kind=praise ⇒ sentiment=positive).
    cols = list(dict.fromkeys(c for c in ("topics", "sentiment_label", *tag_cols) if c in df.columns))
    tx = [[t for t in row if not t.startswith("sentiment=") or t == "sentiment=negative"]
          for row in transactions_from_frame(df, tag_cols=cols)]
    try:
        rules = mine_cooccurrence(tx, min_support=min_support, min_confidence=min_confidence, min_lift=1.05)
    except ValueError as e:
        page.note("rules", f"Rules not mined: {e}")
        return
    has_topic = [any(str(i).startswith("topic=") for i in a | c) for a, c in zip(rules["antecedents"],
                                                                                   rules["consequents"])]
    rules = rules[has_topic].reset_index(drop=True) if len(rules) else rules
    if len(rules) == 0:
        page.note("rules", f"No rule with a topic, support ≥ {min_support:g}, confidence ≥ {min_confidence:g} "
                           "and lift ≥ 1.05.")
        return
    top = rules.head(8)
    rows = [[html.escape(r["rule"]), r["support"], r["confidence"], r["lift"], int(r["count"])]
            for _, r in top.iterrows()]
    table = _table(rows, ["规则 rule", "support", "confidence", "lift", "count"], num=(1, 2, 3, 4))
    page.add("rules", f"{table}<p class='note'>A ⇒ B: confidence = share of tickets with A that also have B; "
                      "lift &gt; 1 = together more often than chance; count = tickets with A and B.</p>")


def _forecast(page: _Page, df: pd.DataFrame, times: pd.Series | None, horizon: int) -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    from .forecast import VolumeForecast, count_volume, forecast_volume

    if times is None:
        page.note("forecast", "No time column given (pass time_col=) — forecast not shown.")
        return
    daily = count_volume(pd.DataFrame({"t": times}), "t", freq="D")
    if len(daily) < 14:
        page.note("forecast", f"Only {len(daily)} days of data: a forecast needs at least 14 (two weekly cycles).")
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fc = forecast_volume(daily, horizon=horizon, level=95)
        except ValueError as e:
            page.note("forecast", f"No forecast: {e}")
            return
    assert isinstance(fc, VolumeForecast)  # a daily Series in, one forecast out
    fig, ax = plt.subplots(figsize=(10, 3.0))
    fc.plot(ax=ax, history=min(len(daily), 8 * horizon))
    ax.set_title(f"未来 {horizon} 天反馈量预测（95% 区间）", fontsize=10)
    fig.autofmt_xdate()
    page.add("forecast", _img(fig, "forecast"))
    page.add("forecast", f"<p>Next {horizon} days ({fc.mean.index[0]:%Y-%m-%d} – {fc.mean.index[-1]:%Y-%m-%d}): "
                         f"<b>{fc.mean.sum():,.0f}</b> feedback expected, daily peak {fc.upper.max():,.0f} at the "
                         f"upper 95% bound. Model: {html.escape(fc.model)}.</p>")
    for w in caught:
        page.note("forecast", str(w.message))


def _alerts(page: _Page, df: pd.DataFrame, times: pd.Series | None, window: int) -> None:
    from .alerts import sentiment_alerts

    if times is None:
        page.note("alerts", "No time column given (pass time_col=) — alerts not computed.")
        return
    data = df.assign(_t=times.to_numpy())
    al = sentiment_alerts(data, "_t", freq="D", window=window, min_periods=min(7, window))
    fired = al[al["alert"]].tail(15)
    page.add("alerts", f"<p class='note'>Rule: a day alerts when its negative share is more than 3 binomial standard "
                       f"errors (and 5 points) above the previous {window} days, with ≥ 20 texts, or its volume is "
                       f"more than 3 SD above their mean (SD at least √mean).</p>")
    if len(fired) == 0:
        page.add("alerts", f"<p>No alert in {len(al)} days.</p>")
        return
    rows = [[f"{r['period']:%Y-%m-%d}", int(r["count"]), f"{r['negative_share']:.0%}",
             "—" if math.isnan(r["baseline_share"]) else f"{r['baseline_share']:.0%}",
             f'<span class="alert">{html.escape(r["reason"])}</span>'] for _, r in fired.iterrows()]
    page.add("alerts", f"<p class='alert'>{int(al['alert'].sum())} alert day(s) in {len(al)} days.</p>")
    page.add("alerts", _table(rows, ["日期 date", "条数 count", "负面占比", "基线 baseline", "原因 reason"],
                              num=(1, 2, 3)))


# --------------------------------------------------------------------------- who matters (RFM, spread)
def _customers(page: _Page, df: pd.DataFrame, segment_col: str | None) -> None:
    import pandas as pd

    from .customers import DEFAULT_SEGMENTS
    from .plotting import bar_chart

    if segment_col is None:
        page.note("customers", "No customer segment column given (pass segment_col=, e.g. the 'segment' column of "
                               "fn.rfm(...) merged on the customer) — customer tiers not shown.")
        return
    seg = df[segment_col].astype("string").fillna("（未知 unknown）")
    labels = df["sentiment_label"]
    counts = pd.crosstab(seg, labels)
    for lab in ("negative", "neutral", "positive"):
        if lab not in counts.columns:
            counts[lab] = 0
    total = counts.sum(axis=1)
    known = [n for names in DEFAULT_SEGMENTS.values() for n in names[1:]]
    order = [s for s in known if s in counts.index] + sorted(s for s in counts.index if s not in known)
    rows = []
    for s in order:
        n = int(total[s])
        sub = df[seg == s]
        complaints = int((sub["kind"] == "complaint").sum()) if "kind" in sub.columns else None
        fast = (f"{sub['priority'].isin(['urgent', 'high']).mean():.0%}" if "priority" in sub.columns else "—")
        rows.append([html.escape(str(s)), n, f"{counts.loc[s, 'negative'] / n:.0%}",
                     f"{counts.loc[s, 'neutral'] / n:.0%}", f"{counts.loc[s, 'positive'] / n:.0%}",
                     "—" if complaints is None else complaints, fast])
    page.add("customers", "<p class='note'>Feedback per customer segment (RFM: recency, frequency, monetary). "
                          "Complaints from the 重要 (high-value) segments are raised one priority level when "
                          "classified with tier_col=.</p>")
    page.add("customers", _table(rows, ["客户分层 segment", "反馈 feedback", "负面 negative", "中性 neutral",
                                        "正面 positive", "投诉 complaints", "紧急/高 urgent+high"],
                                 num=(1, 2, 3, 4, 5, 6)))
    share = (counts["negative"] / total).reindex(order)
    ax = bar_chart(share, title="各客户分层负面占比 negative share per segment", percent=True, color="#d62728")
    page.add("customers", _img(ax.figure, "negative share per segment"))


def _spread(page: _Page, result: Spread | None, top_n: int = 10) -> None:
    import pandas as pd

    if result is None:
        page.note("spread", "No repost / mention graph given (pass spread_result=fn.spread(edges, posts)) — "
                            "spreaders not shown.")
        return
    c, sp = result.cascades, result.spreaders
    alerts = int(c["alert"].sum()) if len(c) else 0
    cards = [("级联 cascades", f"{len(c):,}", False),
             ("最大转发 largest", f"{int(c['reposts'].max()) if len(c) else 0:,}", False),
             ("负面扩散预警 alerts", f"{alerts:,}", alerts > 0)]
    page.add("spread", '<div class="cards">' + "".join(
        f'<div class="card{" bad" if bad else ""}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v, bad in cards) + "</div>")
    if len(sp):
        rows = [[int(r["rank"]), html.escape(str(r["author"])), int(r["negative_posts"]), int(r["negative_reach"]),
                 f"{r['pagerank']:.2%}", int(r["core"]),
                 '<span class="ex">' + " / ".join(f"“{_short(e, 40)}”" for e in r["examples"]) + "</span>"]
                for _, r in sp.head(top_n).iterrows()]
        page.add("spread", "<p class='note'>Key spreaders of negative feedback: negative reach = posts that descend "
                           "from the author's negative posts (reposts, comments, mentions at every level); PageRank "
                           "and k-core in the reposter → author graph.</p>")
        page.add("spread", _table(rows, ["#", "用户 author", "负面帖 negative posts", "负面触达 negative reach",
                                         "PageRank", "k-core", "例 examples"], num=(0, 2, 3, 4, 5)))
    big = c.head(top_n)
    if len(big):
        def td(v: Any) -> str:  # a Timedelta without its fraction of a second: "0 days 01:24:17"
            return "—" if v is None or pd.isna(v) else str(v).split(".")[0]

        rows = [[html.escape(str(r["root"])), html.escape(str(r["author"])), int(r["reposts"]), int(r["depth"]),
                 f"{r['negative_share']:.0%}" if r["negative_share"] == r["negative_share"] else "—",
                 td(r.get("time_to_100")), td(r.get("time_to_500")),
                 '<span class="alert">预警</span>' if r["alert"] else ""] for _, r in big.iterrows()]
        page.add("spread", _table(rows, ["根帖 root", "作者 author", "转发 reposts", "深度 depth", "负面占比",
                                         "到 100 转发", "到 500 转发", ""], num=(2, 3, 4)))
