"""A self-contained HTML report a manager can open offline: trend, topics, TOP issues, rules, forecast, alerts.

Charts are embedded as base64 PNG and the styles are inline, so the file has no external URL and can be mailed as
is. Everything a person reads is Chinese by default (``lang="en"`` for English): section titles, chart titles and
legends, table headers, label names (:func:`feedback_nlp.classify.labels.display_name`), sentences and alert
reasons. The frame's own classification columns are used when present; only missing ones are computed, with your
``model`` or the default one.

>>> import pandas as pd
>>> from feedback_nlp.insights.report import report
>>> df = pd.DataFrame({"text": ["退款一直不到账", "客服态度很好"] * 10})
>>> report(df, "/tmp/反馈报告.html").name  # doctest: +SKIP
'反馈报告.html'
"""

from __future__ import annotations

import html
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..classify.labels import check_lang, display_name, names_from_meta

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..classify.classifier import FeedbackClassifier
    from .forecast import VolumeForecast
    from .spread import Spread

__all__ = ["SECTIONS", "report"]

#: Section ids of the report, in order (each is an ``<section id=...>``).
SECTIONS: tuple[str, ...] = (
    "overview", "trend", "topics", "issues", "rules", "forecast", "alerts", "customers", "spread",
)
#: Columns a classified frame carries; the report computes only those ``df`` lacks.
CLASSIFICATION_COLUMNS: tuple[str, ...] = ("sentiment_label", "sentiment_score", "topics", "topic_polarities",
                                           "kind", "priority")
_NEEDED = ("sentiment_label", "topics")
_WEEKS = 8  # same-weekday baseline of the alerts

# Every string a reader sees, (Chinese, English).
_MSG: dict[str, tuple[str, str]] = {
    "title": ("客户反馈分析报告", "Customer feedback report"),
    "overview": ("概览", "Overview"),
    "trend": ("反馈量与情感趋势", "Volume and sentiment trend"),
    "topics": ("话题分布", "Topics"),
    "issues": ("热点问题与原声", "Top issues with examples"),
    "rules": ("问题共现规则", "Co-occurrence rules"),
    "forecast": ("反馈量预测", "Volume forecast"),
    "alerts": ("预警", "Alerts"),
    "customers": ("客户分层", "Customer value tiers"),
    "spread": ("负面传播", "Spread of negative feedback"),
    "subtitle": ("{period}共 {n:,} 条反馈", "{period}{n:,} feedback texts"),
    "no_font": ("未安装中文字体：图中的中文可能显示为方框（apt-get install fonts-noto-cjk）。",
                "No CJK font installed: Chinese chart labels may show as boxes (apt-get install fonts-noto-cjk)."),
    "card_total": ("反馈总量", "feedback"),
    "card_negative": ("负面占比", "negative"),
    "card_neutral": ("中性占比", "neutral"),
    "card_positive": ("正面占比", "positive"),
    "card_complaints": ("投诉", "complaints"),
    "card_urgent": ("紧急", "urgent"),
    "no_time": ("未指定时间列，不显示此部分。", "No time column given (pass time_col=): not shown."),
    "trend_title": ("反馈量与负面占比（{freq}）", "Volume and negative share ({freq})"),
    "freq_D": ("按日", "daily"), "freq_W": ("按周", "weekly"), "freq_MS": ("按月", "monthly"),
    "volume": ("反馈量", "volume"), "negative_share": ("负面占比", "negative share"),
    "no_topic": ("这些文本中未识别出话题。", "No topic detected in these texts."),
    "topic_volume": ("各话题反馈量", "Volume per topic"),
    "topic_negative": ("各话题负面占比", "Negative share per topic"),
    "no_issue": ("没有反复出现的负面问题（或文本太少）。",
                 "No negative feedback with a recurring issue (or too few texts)."),
    "issues_note": ("每个话题的负面反馈中被最多文本提到的问题，附最负面的原声。",
                    "Negative feedback per topic: the terms most texts mention, with the most negative examples."),
    "h_topic": ("话题", "topic"), "h_rank": ("排名", "rank"), "h_issue": ("问题", "issue"),
    "h_count": ("条数", "count"), "h_share": ("占话题", "share of topic"), "h_examples": ("原声", "examples"),
    "topic_stats": ("{count} 条 · {share:.0%}", "{count} texts · {share:.0%}"),
    "neg_keywords": ("负面关键词", "Negative keywords"),
    "rules_failed": ("未挖掘规则：{error}", "Rules not mined: {error}"),
    "no_rules": ("没有含话题、支持度 ≥ {support:g}、置信度 ≥ {confidence:g}、提升度 ≥ 1.05 的规则。",
                 "No rule with a topic, support ≥ {support:g}, confidence ≥ {confidence:g} and lift ≥ 1.05."),
    "h_rule": ("规则", "rule"), "h_support": ("支持度", "support"), "h_confidence": ("置信度", "confidence"),
    "h_lift": ("提升度", "lift"),
    "rules_note": ("A ⇒ B：置信度 = 含 A 的反馈中同时含 B 的比例；提升度 &gt; 1 表示比随机更常一起出现；"
                   "条数 = 同时含 A 和 B 的反馈数。",
                   "A ⇒ B: confidence = share of tickets with A that also have B; lift &gt; 1 = together more often "
                   "than chance; count = tickets with A and B."),
    "short_history": ("只有 {days} 天数据：预测至少需要 14 天（两个星期周期）。",
                      "Only {days} days of data: a forecast needs at least 14 (two weekly cycles)."),
    "no_forecast": ("无法预测：{error}", "No forecast: {error}"),
    "forecast_title": ("未来 {horizon} 天反馈量预测（95% 区间）",
                       "Volume forecast, next {horizon} days (95% interval)"),
    "forecast_text": ("未来 {horizon} 天（{start} – {end}）：预计 <b>{total:,.0f}</b> 条反馈，95% 区间上限的单日峰值为 "
                      "{peak:,.0f} 条。模型：{model}。",
                      "Next {horizon} days ({start} – {end}): <b>{total:,.0f}</b> feedback expected, daily peak "
                      "{peak:,.0f} at the upper 95% bound. Model: {model}."),
    "forecast_simplified": ("历史数据较短，预测模型已自动简化。", "Short history: the forecast model was simplified."),
    "model_harmonic": ("谐波回归（星期与年度季节性）加自回归误差",
                       "harmonic regression (weekly and yearly seasons) + ARMA errors"),
    "model_ets": ("指数平滑", "exponential smoothing"),
    "model_snaive": ("季节性朴素法（重复上周）", "seasonal naive (last week repeated)"),
    "model_simple": ("简化模型（历史较短）", "a simplified model (short history)"),
    "alerts_rule": ("规则：某天的负面占比比基线高出 3 个二项标准误（且至少 5 个百分点、当天 ≥ 20 条），"
                    "或反馈量比基线均值高出 "
                    "3 个标准差（标准差至少取 √均值），即预警。基线：{baseline}。",
                    "Rule: a day alerts when its negative share is more than 3 binomial standard errors (and 5 points) "
                    "above the baseline, with ≥ 20 texts, or its volume is more than 3 SD above the baseline mean "
                    "(SD at least √mean). Baseline: {baseline}."),
    "baseline_weekday": ("前 {weeks} 周的同一星期几", "the same weekday of the previous {weeks} weeks"),
    "baseline_rolling": ("前 {window} 天", "the previous {window} days"),
    "no_alert": ("{days} 天内没有预警。", "No alert in {days} days."),
    "n_alerts": ("{days} 天内有 {n} 天预警。", "{n} alert day(s) in {days} days."),
    "h_date": ("日期", "date"), "h_negative_share": ("负面占比", "negative share"),
    "h_baseline": ("基线", "baseline"),
    "h_reason": ("原因", "reason"),
    "no_segment": ("未指定客户分层列（传入 segment_col=，例如按客户合并的 fn.rfm 结果中的 segment 列），"
                   "不显示客户分层。",
                   "No customer segment column given (pass segment_col=, e.g. the 'segment' column of fn.rfm(...) "
                   "merged on the customer): customer tiers not shown."),
    "unknown_segment": ("（未知）", "(unknown)"),
    "segment_note": ("按客户分层（最近消费、消费频率、消费金额）统计的反馈。"
                     "用 tier_col= 分类时，重要价值客户的投诉优先级提高一级。",
                     "Feedback per customer segment (RFM: recency, frequency, monetary). Complaints from the 重要 "
                     "(high-value) segments are raised one priority level when classified with tier_col=."),
    "h_segment": ("客户分层", "segment"), "h_feedback": ("反馈", "feedback"), "h_negative": ("负面", "negative"),
    "h_neutral": ("中性", "neutral"), "h_positive": ("正面", "positive"), "h_complaints": ("投诉", "complaints"),
    "h_fast": ("紧急/高", "urgent + high"),
    "segment_chart": ("各客户分层负面占比", "Negative share per segment"),
    "no_spread": ("未提供转发/提及网络（传入 spread_result=fn.spread(edges, posts)），不显示传播者。",
                  "No repost / mention graph given (pass spread_result=fn.spread(edges, posts)): spreaders not "
                  "shown."),
    "card_cascades": ("传播链", "cascades"), "card_largest": ("最大转发", "largest"),
    "card_spread_alerts": ("负面扩散预警", "alerts"),
    "spreaders_note": ("负面传播的关键人物：负面触达 = 由其负面帖子派生的所有帖子（各层转发、评论、提及）；"
                       "中心度与核心层级在“转发者 → 作者”网络上计算（PageRank 与 k-core）。",
                       "Key spreaders of negative feedback: negative reach = posts that descend from the author's "
                       "negative posts (reposts, comments, mentions at every level); PageRank and k-core in the "
                       "reposter → author graph."),
    "h_author": ("用户", "author"), "h_negative_posts": ("负面帖", "negative posts"),
    "h_negative_reach": ("负面触达", "negative reach"), "h_pagerank": ("中心度", "PageRank"),
    "h_core": ("核心层级", "k-core"), "h_example": ("例", "examples"), "h_root": ("根帖", "root"),
    "h_reposts": ("转发", "reposts"), "h_depth": ("深度", "depth"), "h_to100": ("到 100 转发", "to 100 reposts"),
    "h_to500": ("到 500 转发", "to 500 reposts"), "alert_mark": ("预警", "alert"),
}

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
th{background:#f7f9fb;font-weight:600;white-space:nowrap}td.num{text-align:right;white-space:nowrap}
img{max-width:100%;height:auto;display:block;margin:6px auto}
.note{color:#777;font-size:12px}.ex{color:#555;font-size:12px}.row{display:flex;gap:16px;flex-wrap:wrap}
.row>div{flex:1;min-width:320px}.iss{white-space:nowrap}.alert{color:#c0392b;font-weight:600}
"""


@dataclass
class _Page:
    title: str
    subtitle: str
    lang: str
    sections: dict[str, list[str]] = field(default_factory=dict)

    def t(self, key: str, **kw: Any) -> str:
        text = _MSG[key][0 if self.lang == "zh" else 1]
        return text.format(**kw) if kw else text

    def add(self, section: str, piece: str) -> None:
        if section in self.sections:
            self.sections[section].append(piece)

    def note(self, section: str, text: str) -> None:
        self.add(section, f'<p class="note">{html.escape(text)}</p>')

    def html(self) -> str:
        body = "\n".join(
            f'<section id="{s}"><h2>{html.escape(self.t(s))}</h2>\n' + "\n".join(parts or [
                '<p class="note">—</p>']) + "</section>" for s, parts in self.sections.items())
        return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if self.lang == "zh" else "en"}"><head><meta charset="utf-8">'
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


def _classifier(model: Any) -> FeedbackClassifier:
    from ..classify.classifier import FeedbackClassifier
    from ..classify.registry import default_classifier, load

    if model is None:
        return default_classifier()
    if isinstance(model, FeedbackClassifier):
        return model
    if isinstance(model, (str, os.PathLike)):
        return load(model if isinstance(model, str) else Path(os.fspath(model)))
    raise TypeError(f"model must be a FeedbackClassifier, a model directory or a shipped model name; got "
                    f"{type(model).__name__}")


def _classified(df: pd.DataFrame, text_col: str, model: Any, batch_size: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``df`` with the classification columns it lacks (its own are kept as they are), and the model's names."""
    missing = [c for c in CLASSIFICATION_COLUMNS if c not in df.columns]
    clf = None
    if any(c in missing for c in _NEEDED) or (model is not None and missing):
        clf = _classifier(model)
        scored = clf.classify_frame(df[[text_col]], text_col=text_col, batch_size=batch_size, errors="neutral")
        df = df.assign(**{c: scored[c].to_numpy() for c in missing})
    elif model is not None:
        clf = _classifier(model)
    names = names_from_meta(getattr(clf, "meta", None)) if clf is not None else {}
    return df, names


def _check_sections(sections: Iterable[str] | None) -> list[str]:
    if sections is None:
        return list(SECTIONS)
    if isinstance(sections, str):
        sections = [sections]
    chosen = list(dict.fromkeys(sections))
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown or not chosen:
        raise ValueError(f"sections must be some of {SECTIONS}; got {chosen!r}")
    return [s for s in SECTIONS if s in chosen]


def report(
    df: pd.DataFrame,
    path: str | Path,
    text_col: str = "text",
    time_col: str | None = None,
    *,
    model: Any = None,
    user_words: Iterable[str] | None = None,
    stopwords: Iterable[str] | None = None,
    lang: str = "zh",
    sections: Iterable[str] | None = None,
    title: str | None = None,
    names: Mapping[str, Any] | None = None,
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

    Sections (:data:`SECTIONS`, or the ones named in ``sections``; by default customers and spread only when
    ``segment_col`` / ``spread_result`` is given): overview (volume, sentiment shares, kinds),
    volume and negative-share trend, topics (volume and negative share per topic), TOP issues per topic with example
    texts (:func:`~feedback_nlp.insights.terms.top_issues`, phrases found in your corpus kept whole), co-occurrence
    rules between topics, sentiment and your ``tag_cols`` (e.g. ``("channel",)``), a ``horizon``-day volume forecast
    with its 95% band and sentiment alerts against a same-weekday baseline
    (:func:`~feedback_nlp.insights.alerts.sentiment_alerts`). Without ``time_col`` the time sections say so instead
    of a chart. ``freq``: trend period (default: daily up to three months of data, weekly up to two years, monthly
    beyond). ``segment_col``: a column of customer segments (e.g. ``segment`` of :func:`~feedback_nlp.rfm`, merged
    on the customer) for a table and chart of sentiment per segment; ``spread_result``: a
    :func:`~feedback_nlp.spread` result for the top spreaders of negative feedback and the largest cascades.
    Without them those two sections say what to pass.

    Classification: the columns ``df`` already has (``sentiment_label``, ``sentiment_score``, ``topics``,
    ``topic_polarities``, ``kind``, ``priority``) are used as they are — what you scored is never re-scored; the
    missing ones come from ``model`` (a :class:`~feedback_nlp.FeedbackClassifier`, a model directory or a shipped
    model name; default model when None). ``lang``: ``"zh"`` (default) or ``"en"`` for every word of the page;
    label names come from :func:`~feedback_nlp.classify.labels.display_name`, a custom model's ``meta.json``
    ``display_names`` and ``names`` (yours win). ``user_words``: domain words for the tokenizer; ``stopwords``:
    extra words to leave out of issues and keywords. The file is written atomically.

    Empty frame → ValueError; missing columns → KeyError; not a DataFrame → TypeError. Chinese chart labels need a
    CJK font (:func:`feedback_nlp.insights.plotting.use_cjk_font`, e.g. ``apt-get install fonts-noto-cjk``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["退款一直不到账", "客服态度很好"] * 10,
    ...                    "time": pd.date_range("2024-05-01", periods=20, freq="D")})
    >>> report(df, "/tmp/report.html", time_col="time", lang="en").suffix  # doctest: +SKIP
    '.html'
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"report() takes a pandas DataFrame, got {type(df).__name__}")
    lang = check_lang(lang)
    chosen = _check_sections(sections)
    if sections is None:  # by default, the sections of who matters only when their data are given
        chosen = [s for s in chosen if (s != "customers" or segment_col is not None)
                  and (s != "spread" or spread_result is not None)]
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
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    out_path = Path(path)
    if out_path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"path should end in .html; got {str(path)!r}")
    times = None
    if time_col is not None:
        from ._frames import _times

        times = _times(df, time_col)

    import matplotlib.pyplot as plt

    from ..text.tokenize import _add_words
    from .plotting import use_cjk_font

    _add_words(user_words)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the note below says it once, in the page's language
        font = use_cjk_font()
    df, model_names = _classified(df, text_col, model, batch_size)
    all_names = {**model_names, **(dict(names) if names else {})}
    df = df.reset_index(drop=True)
    n = len(df)
    page = _Page(title or _MSG["title"][0 if lang == "zh" else 1], "", lang, {s: [] for s in chosen})
    period = f"{times.min():%Y-%m-%d} – {times.max():%Y-%m-%d} · " if times is not None else ""
    page.subtitle = page.t("subtitle", period=period, n=n)
    if font is None:
        page.add(chosen[0], f'<p class="note font">{html.escape(page.t("no_font"))}</p>')
    neg = df["sentiment_label"] == "negative"
    ctx = _Ctx(page, df, neg, times, all_names)
    steps = {
        "overview": lambda: _overview(ctx),
        "trend": lambda: _trend(ctx, freq),
        "topics": lambda: _topics(ctx),
        "issues": lambda: _issues(ctx, text_col, top_n, n_examples, stopwords),
        "rules": lambda: _rules(ctx, tag_cols, min_support, min_confidence),
        "forecast": lambda: _forecast(ctx, horizon),
        "alerts": lambda: _alerts(ctx, alert_window),
        "customers": lambda: _customers(ctx, segment_col),
        "spread": lambda: _spread(ctx, spread_result),
    }
    with plt.rc_context({"figure.max_open_warning": 0}):
        for s in chosen:
            steps[s]()
    from .._files import atomic_write

    with atomic_write(out_path) as tmp:  # a report opened meanwhile is the old one or the new one, never half
        tmp.write_text(page.html(), encoding="utf-8")
    return out_path


@dataclass
class _Ctx:
    page: _Page
    df: pd.DataFrame
    neg: pd.Series
    times: pd.Series | None
    names: dict[str, Any]

    @property
    def lang(self) -> str:
        return self.page.lang

    def label(self, value: Any, fld: str) -> str:
        return display_name(value, self.lang, field=fld, names=self.names)


# --------------------------------------------------------------------------- sections
def _overview(c: _Ctx) -> None:
    p, df = c.page, c.df
    shares = df["sentiment_label"].value_counts(normalize=True)
    cards = [(p.t("card_total"), f"{len(df):,}", False),
             (p.t("card_negative"), f"{shares.get('negative', 0.0):.0%}", shares.get("negative", 0.0) > 0.3),
             (p.t("card_neutral"), f"{shares.get('neutral', 0.0):.0%}", False),
             (p.t("card_positive"), f"{shares.get('positive', 0.0):.0%}", False)]
    if "kind" in df.columns:
        cards.append((p.t("card_complaints"), f"{int((df['kind'] == 'complaint').sum()):,}", False))
    if "priority" in df.columns:
        cards.append((p.t("card_urgent"), f"{int((df['priority'] == 'urgent').sum()):,}", False))
    p.add("overview", '<div class="cards">' + "".join(
        f'<div class="card{" bad" if bad else ""}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v, bad in cards) + "</div>")


def _trend(c: _Ctx, freq: str | None) -> None:
    import pandas as pd

    from .plotting import trend_chart

    p = c.page
    if c.times is None:
        p.note("trend", p.t("no_time"))
        return
    f = freq or _auto_freq(c.times)
    frame = pd.DataFrame({"n": 1, "neg": c.neg.to_numpy(dtype=float)}, index=pd.DatetimeIndex(c.times.to_numpy()))
    g = frame.resample(f).sum()
    share = g["neg"] / g["n"].where(g["n"] > 0)
    label = p.t(f"freq_{f}") if f"freq_{f}" in _MSG else f
    ax = trend_chart(g["n"], share, title=p.t("trend_title", freq=label), lang=c.lang)
    p.add("trend", _img(ax.figure, p.t("trend")))


def _topics(c: _Ctx) -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    from ._frames import _cell_list
    from .plotting import bar_chart

    p = c.page
    exploded = pd.DataFrame({"topic": c.df["topics"].map(_cell_list), "neg": c.neg.to_numpy()}).explode("topic")
    exploded = exploded.dropna(subset=["topic"])
    if len(exploded) == 0:
        p.note("topics", p.t("no_topic"))
        return
    stats = exploded.groupby("topic")["neg"].agg(["size", "mean"]).sort_values("size", ascending=False).head(12)
    stats.index = [c.label(t, "topic") for t in stats.index]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 0.42 * len(stats) + 1.3))
    bar_chart(stats["size"], ax=a1, title=p.t("topic_volume"))
    bar_chart(stats["mean"], ax=a2, title=p.t("topic_negative"), percent=True, color="#d62728")
    fig.tight_layout()
    p.add("topics", _img(fig, p.t("topics")))


def _issues(c: _Ctx, text_col: str, top_n: int, n_examples: int, stopwords: Iterable[str] | None) -> None:
    from ..text.phrases import discover_phrases
    from .terms import keywords, top_issues

    p, df = c.page, c.df
    corpus = [t for t in df[text_col].tolist() if isinstance(t, str) and t.strip()]
    phrases = list(discover_phrases(corpus, min_count=max(3, round(0.002 * min(len(corpus), 20_000))),
                                    extra_stop_words=stopwords)["phrase"]) if corpus else []
    top = top_issues(df, text_col=text_col, n=top_n, n_examples=n_examples, top_topics=8,
                     extra_stop_words=stopwords, phrases=phrases)
    if len(top) == 0:
        p.note("issues", p.t("no_issue"))
    else:
        rows = []
        for topic, g in top.groupby("topic", sort=False):
            first = True
            for _, r in g.iterrows():
                stats = p.t("topic_stats", count=int(r["topic_count"]), share=r["topic_share"])
                label = (f"<b>{html.escape(c.label(topic, 'topic'))}</b><br><span class='note'>{stats}</span>"
                         if first else "")
                first = False
                ex = " / ".join(f"“{_short(e, 40)}”" for e in r["examples"])
                rows.append([label, int(r["rank"]), f'<span class="ud iss">{html.escape(str(r["issue"]))}</span>',
                             int(r["count"]), f"{r['share']:.0%}", f'<span class="ex ud">{ex}</span>'])
        p.add("issues", f'<p class="note">{p.t("issues_note")}</p>')
        p.add("issues", _table(rows, [p.t(h) for h in ("h_topic", "h_rank", "h_issue", "h_count", "h_share",
                                                         "h_examples")], num=(1, 3, 4)))
    texts = df[text_col][df["sentiment_label"] == "negative"].dropna()
    if len(texts):
        kw = keywords(texts, top_k=15, extra_stop_words=stopwords, phrases=phrases)
        colon = "：" if c.lang == "zh" else ": "
        p.add("issues", f"<p><b>{p.t('neg_keywords')}</b>{colon}<span class='ud'>" + " · ".join(
            f"{html.escape(t)} <span class='note'>({k})</span>" for t, k in zip(kw["term"], kw["doc_count"]))
            + "</span></p>")


def _rules(c: _Ctx, tag_cols: Sequence[str], min_support: float, min_confidence: float) -> None:
    from .cooccurrence import mine_cooccurrence, transactions_from_frame

    p, df = c.page, c.df
    # Problems only: topics, your tag columns and "sentiment=negative"; praise/positive tags would fill the table
    # with trivial rules (kind=praise ⇒ sentiment=positive).
    cols = list(dict.fromkeys(x for x in ("topics", "sentiment_label", *tag_cols) if x in df.columns))
    tx = [[t for t in row if not t.startswith("sentiment=") or t == "sentiment=negative"]
          for row in transactions_from_frame(df, tag_cols=cols)]
    try:
        rules = mine_cooccurrence(tx, min_support=min_support, min_confidence=min_confidence, min_lift=1.05,
                                  lang=c.lang, names=c.names)
    except ValueError as e:
        p.note("rules", p.t("rules_failed", error=e))
        return
    has_topic = [any(str(i).startswith("topic=") for i in a | b) for a, b in zip(rules["antecedents"],
                                                                               rules["consequents"])]
    rules = rules[has_topic].reset_index(drop=True) if len(rules) else rules
    if len(rules) == 0:
        p.note("rules", p.t("no_rules", support=min_support, confidence=min_confidence))
        return
    rows = [[f'<span class="rule">{html.escape(r["rule"])}</span>', r["support"], r["confidence"], r["lift"],
             int(r["count"])]
            for _, r in rules.head(8).iterrows()]
    table = _table(rows, [p.t(h) for h in ("h_rule", "h_support", "h_confidence", "h_lift", "h_count")],
                   num=(1, 2, 3, 4))
    p.add("rules", f"{table}<p class='note'>{p.t('rules_note')}</p>")


_MODEL_NAMES = {"arima": ("季节性自回归滑动平均", "seasonal ARIMA"), "ets": ("指数平滑", "exponential smoothing"),
                "theta": ("θ 法", "Theta method"), "harmonic": ("谐波回归", "harmonic regression"),
                "snaive": ("季节性朴素法（重复上周）", "seasonal naive (last week repeated)")}


def _model_name(p: _Page, fc: VolumeForecast) -> str:
    """What was fitted, in the report's language: the candidates the backtest chose (``fc.backtest``)."""
    i = 0 if p.lang == "zh" else 1
    table = fc.backtest
    chosen = [] if table is None else [str(n) for n in table.loc[table["chosen"], "candidate"]]
    names = [_MODEL_NAMES[n][i] for n in chosen if n in _MODEL_NAMES]
    if not names:
        key = next((k for k in _MODEL_NAMES if fc.model.lower().startswith(k)), None)
        return _MODEL_NAMES[key][i] if key else (p.t("model_simple"))
    if len(names) == 1:
        return names[0] + ("（按回测误差选出）" if i == 0 else " (chosen by backtest)")
    return ("、".join(names) + "三者的平均（按回测误差选出）") if i == 0 and len(names) == 3 else \
        ("、".join(names) + "的平均（按回测误差选出）") if i == 0 else \
        f"mean of {', '.join(names)} (chosen by backtest)"


def _forecast(c: _Ctx, horizon: int) -> None:
    import pandas as pd

    from .forecast import VolumeForecast, count_volume, forecast_volume
    from .plotting import forecast_chart

    p = c.page
    if c.times is None:
        p.note("forecast", p.t("no_time"))
        return
    daily = count_volume(pd.DataFrame({"t": c.times}), "t", freq="D")
    if len(daily) < 14:
        p.note("forecast", p.t("short_history", days=len(daily)))
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fc = forecast_volume(daily, horizon=horizon, level=95)
        except ValueError as e:
            p.note("forecast", p.t("no_forecast", error=e))
            return
    assert isinstance(fc, VolumeForecast)  # one Series in, one forecast out
    ax = forecast_chart(fc, history=min(len(daily), 8 * horizon), title=p.t("forecast_title", horizon=horizon),
                        lang=c.lang)
    p.add("forecast", _img(ax.figure, p.t("forecast")))
    p.add("forecast", "<p>" + p.t("forecast_text", horizon=horizon, start=f"{fc.mean.index[0]:%Y-%m-%d}",
                                  end=f"{fc.mean.index[-1]:%Y-%m-%d}", total=float(fc.mean.sum()),
                                  peak=float(fc.upper.max()), model=html.escape(_model_name(p, fc))) + "</p>")
    if caught:
        p.note("forecast", p.t("forecast_simplified") if c.lang == "zh" else
               " ".join(str(w.message) for w in caught))


def _alerts(c: _Ctx, window: int) -> None:
    from .alerts import sentiment_alerts

    p = c.page
    if c.times is None:
        p.note("alerts", p.t("no_time"))
        return
    data = c.df.assign(_t=c.times.to_numpy())
    al = sentiment_alerts(data, "_t", freq="D", window=window, min_periods=min(7, window), weeks=_WEEKS,
                          min_weeks=_WEEKS // 2, lang=c.lang)
    weekday = bool(len(al)) and str(al["baseline"].iloc[-1]) == "weekday"
    base = p.t("baseline_weekday", weeks=_WEEKS) if weekday else p.t("baseline_rolling", window=window)
    p.add("alerts", f"<p class='note'>{p.t('alerts_rule', baseline=base)}</p>")
    fired = al[al["alert"]].tail(15)
    if len(fired) == 0:
        p.add("alerts", f"<p>{p.t('no_alert', days=len(al))}</p>")
        return
    rows = [[f"{r['period']:%Y-%m-%d}", int(r["count"]), f"{r['negative_share']:.0%}",
             "—" if math.isnan(r["baseline_share"]) else f"{r['baseline_share']:.0%}",
             f'<span class="alert">{html.escape(r["reason"])}</span>'] for _, r in fired.iterrows()]
    p.add("alerts", f"<p class='alert'>{p.t('n_alerts', n=int(al['alert'].sum()), days=len(al))}</p>")
    p.add("alerts", _table(rows, [p.t(h) for h in ("h_date", "h_count", "h_negative_share", "h_baseline",
                                                    "h_reason")], num=(1, 2, 3)))


# --------------------------------------------------------------------------- who matters (RFM, spread)
def _customers(c: _Ctx, segment_col: str | None) -> None:
    import pandas as pd

    from .customers import DEFAULT_SEGMENTS
    from .plotting import bar_chart

    p, df = c.page, c.df
    if segment_col is None:
        p.note("customers", p.t("no_segment"))
        return
    seg = df[segment_col].astype("string").fillna(p.t("unknown_segment"))
    counts = pd.crosstab(seg, df["sentiment_label"])
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
    p.add("customers", f"<p class='note'>{html.escape(p.t('segment_note'))}</p>")
    p.add("customers", _table(rows, [p.t(h) for h in ("h_segment", "h_feedback", "h_negative", "h_neutral",
                                                       "h_positive", "h_complaints", "h_fast")],
                              num=(1, 2, 3, 4, 5, 6)))
    share = (counts["negative"] / total).reindex(order)
    ax = bar_chart(share, title=p.t("segment_chart"), percent=True, color="#d62728")
    p.add("customers", _img(ax.figure, p.t("segment_chart")))


def _duration(v: Any) -> str:
    """A Timedelta as hours:minutes:seconds ("25:04:17"): no English "days" in a Chinese page."""
    import pandas as pd

    if v is None or pd.isna(v):
        return "—"
    secs = int(pd.Timedelta(v).total_seconds())
    return f"{secs // 3600}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


def _spread(c: _Ctx, result: Spread | None, top_n: int = 10) -> None:
    p = c.page
    if result is None:
        p.note("spread", p.t("no_spread"))
        return
    casc, sp = result.cascades, result.spreaders
    alerts = int(casc["alert"].sum()) if len(casc) else 0
    cards = [(p.t("card_cascades"), f"{len(casc):,}", False),
             (p.t("card_largest"), f"{int(casc['reposts'].max()) if len(casc) else 0:,}", False),
             (p.t("card_spread_alerts"), f"{alerts:,}", alerts > 0)]
    p.add("spread", '<div class="cards">' + "".join(
        f'<div class="card{" bad" if bad else ""}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>'
        for k, v, bad in cards) + "</div>")
    if len(sp):
        rows = [[int(r["rank"]), html.escape(str(r["author"])), int(r["negative_posts"]), int(r["negative_reach"]),
                 f"{r['pagerank']:.2%}", int(r["core"]),
                 '<span class="ex ud">' + " / ".join(f"“{_short(e, 40)}”" for e in r["examples"]) + "</span>"]
                for _, r in sp.head(top_n).iterrows()]
        p.add("spread", f"<p class='note'>{html.escape(p.t('spreaders_note'))}</p>")
        p.add("spread", _table(rows, ["#", *(p.t(h) for h in ("h_author", "h_negative_posts", "h_negative_reach",
                                                               "h_pagerank", "h_core", "h_example"))],
                               num=(0, 2, 3, 4, 5)))
    big = casc.head(top_n)
    if len(big):
        rows = [[html.escape(str(r["root"])), html.escape(str(r["author"])), int(r["reposts"]), int(r["depth"]),
                 f"{r['negative_share']:.0%}" if r["negative_share"] == r["negative_share"] else "—",
                 _duration(r.get("time_to_100")), _duration(r.get("time_to_500")),
                 f'<span class="alert">{p.t("alert_mark")}</span>' if r["alert"] else ""]
                for _, r in big.iterrows()]
        p.add("spread", _table(rows, [*(p.t(h) for h in ("h_root", "h_author", "h_reposts", "h_depth",
                                                          "h_negative_share", "h_to100", "h_to500")), ""],
                               num=(2, 3, 4)))
