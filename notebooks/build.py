"""Write (and execute) the example notebooks from the cell lists in this file: the notebooks are generated, never
edited by hand.

    python notebooks/build.py                 # write and execute all notebooks (outputs stored in the .ipynb)
    python notebooks/build.py 02 03           # only the notebooks whose name contains "02" or "03"
    python notebooks/build.py --no-execute    # write the cells only (fast; tests/test_notebooks.py checks sync)

One function per notebook, registered with ``@notebook("NN_name")``, returns its cells in order: ``md("...")`` for
text, ``code("...")`` for code. To add a cell, add it to the list of its notebook and run this script; to add a
notebook, add a function. tests/test_notebooks.py checks that the committed .ipynb files hold exactly these cells
(fast) and re-executes them (slow pass of the CI). Charts are in Chinese: label names come from
``fn.display_name`` and the library's charts default to ``lang="zh"``.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TIMEOUT_S = 300  # per cell

#: A cell: ("markdown" | "code", source).
Cell = tuple[str, str]
#: Notebook name (file stem) -> the function returning its cells, in file-name order.
NOTEBOOKS: dict[str, Callable[[], list[Cell]]] = {}


def notebook(name: str) -> Callable[[Callable[[], list[Cell]]], Callable[[], list[Cell]]]:
    """Register the decorated function as the cells of ``notebooks/<name>.ipynb``."""

    def register(fn: Callable[[], list[Cell]]) -> Callable[[], list[Cell]]:
        NOTEBOOKS[name] = fn
        return fn

    return register


def md(source: str) -> Cell:
    return ("markdown", textwrap.dedent(source).strip("\n"))


def code(source: str) -> Cell:
    return ("code", textwrap.dedent(source).strip("\n"))


SETUP = code("""\
import warnings

import matplotlib.pyplot as plt
import pandas as pd

import feedback_nlp as fn
from feedback_nlp.insights.plotting import use_cjk_font
from _data import make_tickets  # example tickets generated in notebooks/_data.py (no download)

print("CJK font:", use_cjk_font())  # once per session: Chinese labels instead of empty boxes
plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (9, 3.8), "grid.alpha": 0.3})
pd.set_option("display.max_colwidth", 60)
""")


@notebook('01_quickstart')
def nb_quickstart() -> list[Cell]:
    return [
        md("""\
# 01 · Quickstart: sentiment, topics, kind and priority of Chinese feedback

`feedback_nlp` scores Chinese customer feedback offline with the model shipped in the package: sentiment
(negative / neutral / positive, score in [-1, 1]), issue topics with a polarity per topic, the kind of feedback
(complaint / praise / suggestion / inquiry) and a response priority. This notebook classifies single texts, then a
DataFrame of two years of example tickets (bank, e-commerce, restaurant) and charts sentiment and topics by source,
channel and over time.
"""),
        SETUP,
        md("""\
## One text
"""),
        code("""\
r = fn.classify("快递三天才到，客服态度还很差")
print(r.sentiment.label, round(r.sentiment.score, 3), {k: round(v, 3) for k, v in r.sentiment.probabilities.items()})
print(r.topics)
print(r.kind, r.priority.value, r.respond_within)
"""),
        md("""\
Topics carry their own polarity: the staff can be praised while the wait is the complaint. Negation is
handled before scoring (一点也不差 is praise).
"""),
        code("""\
texts = ["服务员很热情，但是上菜太慢", "一点也不差", "不算太差", "请问信用卡怎么申请提额？", "建议APP增加夜间模式",
         "转账失败钱被扣了，再不处理我就去投诉"]
pd.DataFrame([{"text": x.text, "sentiment": x.sentiment.label, "score": round(x.sentiment.score, 2),
               "topics": {t.name: t.polarity for t in x.topics}, "kind": x.kind, "priority": x.priority.value}
              for x in fn.classify_batch(texts)])
"""),
        md("""\
## A DataFrame of tickets

`make_tickets()` generates realistic example tickets: creation time, source (银行 / 电商 / 餐饮), business line,
channel, customer tier (VIP raises the priority), satisfaction scores and the agent's tags. Replace it with your
own `pd.read_csv(...)`.
"""),
        code("""\
tickets = make_tickets()  # ~17,600 tickets, 2023-01-01 .. 2024-12-30
print(len(tickets), "tickets")
tickets.head(3)
"""),
        code("""\
%%time
scored = fn.classify_frame(tickets, text_col="text", tier_col="tier")  # a copy with the model's columns added
scored["topic_zh"] = scored["topics"].map(lambda ts: tuple(fn.display_name(t) for t in ts))  # 效率, 产品缺陷...
new_cols = [c for c in scored.columns if c not in tickets.columns]
print(new_cols)
"""),
        code("""\
scored[["text", "sentiment_label", "sentiment_score", "topic_polarities", "kind", "priority"]].head(8)
"""),
        md("""\
## Sentiment by source and channel
"""),
        code("""\
LABELS = {s: fn.display_name(s) for s in ("negative", "neutral", "positive")}  # 负面 / 中性 / 正面
COLORS = ["#d62728", "#bbbbbb", "#2ca02c"]


def sentiment_share(by):
    t = pd.crosstab(scored[by], scored["sentiment_label"], normalize="index")[list(LABELS)] * 100
    return t.rename(columns=LABELS).sort_values("负面")


fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for ax, (col, title) in zip(axes, [("source", "来源"), ("channel", "渠道")]):
    sentiment_share(col).plot.barh(stacked=True, color=COLORS, ax=ax, legend=False, width=0.75)
    ax.set_title(f"情感分布（按{title}，%）")
    ax.set_xlabel("占比 %")
    ax.set_ylabel("")
    ax.set_xlim(0, 100)
    ax.grid(axis="x")
fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncols=3, bbox_to_anchor=(0.5, 0))
fig.tight_layout(rect=(0, 0.08, 1, 1))
"""),
        md("""\
Complaint rate per business line × channel (share of each row's tickets that are negative):
"""),
        code("""\
scored["负面"] = (scored["sentiment_label"] == "negative").astype(float)
ax = fn.heatmap(scored, rows="business_line", cols="channel", value="负面", fmt=".0%",
                title="负面占比：业务线 × 渠道")
ax.set_xlabel("渠道")
ax.set_ylabel("业务线")
ax.figure.set_size_inches(9, 4.5)
ax.figure.tight_layout()
"""),
        md("""\
## Topics

The default model detects three issue topics (efficiency, product defect, service attitude); `topic_polarities` says
whether each mention is a complaint or praise.
"""),
        code("""\
topic_rows = scored[["source", "topic_polarities"]].copy()
topic_rows["pair"] = topic_rows["topic_polarities"].map(lambda d: list(d.items()))
topic_rows = topic_rows.explode("pair").dropna(subset=["pair"])
topic_rows["主题"] = topic_rows["pair"].map(lambda p: fn.display_name(p[0]))
topic_rows["极性"] = topic_rows["pair"].map(lambda p: LABELS[p[1]])
t = pd.crosstab([topic_rows["source"], topic_rows["主题"]], topic_rows["极性"])[["负面", "中性", "正面"]]
ax = t.plot.barh(stacked=True, color=COLORS, figsize=(9, 4.2), width=0.75)
ax.set_title("各来源的主题提及次数与极性")
ax.set_xlabel("提及次数")
ax.set_ylabel("来源, 主题")
ax.invert_yaxis()
ax.grid(axis="x")
ax.figure.tight_layout()
"""),
        md("""\
## Over time

Weekly negative share per source, and weekly complaint volume per topic. The mobile-banking outage of
September 2024 and the 双十一 logistics peak stand out.
"""),
        code("""\
from feedback_nlp.insights.plotting import date_axis

weekly = (scored.set_index("created_at").groupby("source")["负面"].resample("W").mean().unstack(0) * 100)
weekly = weekly.iloc[1:-1]  # drop the partial first and last weeks
ax = weekly.plot(figsize=(10, 3.6), lw=1.4, grid=True, x_compat=True)
date_axis(ax, weekly.index)  # numeric dates (2024-03), not English month names
ax.set_title("每周负面占比（%）")
ax.set_ylabel("%")
ax.set_xlabel("")
ax.legend(title="来源", loc="upper left", bbox_to_anchor=(1.0, 1.0))
ax.figure.tight_layout()
"""),
        code("""\
complaints = scored[scored["kind"] == "complaint"]
# a list column counts each ticket once per topic (as fn.heatmap does)
volume = fn.count_volume(complaints, time_col="created_at", freq="W", by="topic_zh").iloc[1:-1]  # whole weeks
ax = volume.plot(figsize=(10, 3.6), lw=1.4, grid=True, x_compat=True)
date_axis(ax, volume.index)
ax.set_title("每周投诉量（按主题）")
ax.set_ylabel("工单数")
ax.set_xlabel("")
ax.legend(title="主题", loc="upper left", bbox_to_anchor=(1.0, 1.0))
ax.figure.tight_layout()
"""),
        md("""\
## Who to answer first

`priority` and `respond_within` come from documented rules over cue phrases and the sentiment (VIP tickets are
raised one level). The urgent queue of the last day:
"""),
        code("""\
last_day = scored[scored["date"] == scored["date"].max()]
print(scored["priority"].value_counts().to_dict())
last_day.loc[last_day["priority"].isin(["urgent", "high"]),
             ["created_at", "channel", "tier", "text", "priority", "respond_within"]].head(8)
"""),
    ]


@notebook('02_root_causes')
def nb_root_causes() -> list[Cell]:
    return [
        md("""\
# 02 · Root causes: which problems come together

Tickets rarely have one problem: a slow app leads to a failed transfer, which leads to a call nobody answers, which
leads to an escalation. This notebook classifies the tickets, turns each into a set of tags (agent tags, model
topics, channel), mines association rules `A ⇒ B` with FP-growth, links them into chains and draws them.
Co-occurrence is not causation: read the chains as hypotheses to check with the teams.
"""),
        SETUP,
        code("""\
scored = fn.classify_frame(make_tickets(), tier_col="tier")
scored["主题"] = scored["topics"].map(lambda ts: tuple(fn.display_name(t) for t in ts))
bank = scored[scored["source"] == "银行"]
print(len(bank), "bank tickets")
bank[["text", "tags", "主题", "kind"]].head(5)
"""),
        md("""\
## Tickets → transactions

One tag list per ticket. `sep=";"` splits the agent's tag string; the prefix keeps equal values of different
columns apart (`问题=…`, `主题=…`, `渠道=…`).
"""),
        code("""\
tx = fn.transactions_from_frame(bank, tag_cols=("tags", "主题", "channel"), sep=";",
                                 prefix={"tags": "问题", "主题": "主题", "channel": "渠道"})
tx[:4]
"""),
        md("""\
## Association rules

`support`: share of tickets with all the tags; `confidence`: P(B | A); `lift` > 1: A and B occur together more
often than by chance.
"""),
        code("""\
%%time
rules = fn.mine_cooccurrence(tx, min_support=0.01, min_confidence=0.3, min_lift=1.2)
print(len(rules), "rules")
rules[["rule", "support", "confidence", "lift", "count"]].head(12).round(3)
"""),
        md("""\
Only the agent's issue tags, one tag on each side: the most readable rules.
"""),
        code("""\
issue_tx = fn.transactions_from_frame(bank, tag_cols=("tags",), sep=";", prefix=False)
issue_rules = fn.mine_cooccurrence(issue_tx, min_support=0.005, min_confidence=0.2, max_len=2)
issue_rules[["rule", "support", "confidence", "lift", "count"]].head(10).round(3)
"""),
        md("""\
## Chains `A ⇒ B ⇒ C`

Rules linked where one rule's consequent is the next one's antecedent. `confidence` is the product of the link
confidences; `min_lift` the weakest link.
"""),
        code("""\
chains = fn.rule_chains(issue_rules, max_rules=3, min_confidence=0.3)
chains[["path", "n_rules", "confidence", "min_lift"]].head(8).round(3)
"""),
        code("""\
fn.rule_chains(issue_rules, start="系统卡顿", min_confidence=0.2)[["path", "confidence", "min_lift"]].round(3)
"""),
        md("""\
## Rule network and heatmap
"""),
        code("""\
fig, ax = plt.subplots(figsize=(8, 7))
fn.plot_rules(issue_rules, kind="network", top=12, ax=ax)
fig.tight_layout()
"""),
        code("""\
fig, ax = plt.subplots(figsize=(9, 5.5))
one_to_one = rules[(rules["antecedents"].map(len) == 1) & (rules["consequents"].map(len) == 1)]
fn.plot_rules(one_to_one, kind="heatmap", top=30, ax=ax)
fig.tight_layout()
"""),
        md("""\
## Where the problems land: tags per business line and channel

`fn.heatmap` counts list cells once per element; `normalize="index"` gives shares within each row.
"""),
        code("""\
cmp = scored[scored["tags"] != ""].copy()
cmp["问题"] = cmp["tags"].str.split(";").map(lambda t: t[0])  # the first (root) issue of the ticket
fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1.25, 1]})
fn.heatmap(cmp[cmp["source"] == "银行"], rows="问题", cols="channel", fmt=".0%", ax=axes[0],
           title="银行：首要问题 × 渠道（行内占比）")
fn.heatmap(scored, rows="business_line", cols="kind", normalize="index", fmt=".0%", cmap="Blues", ax=axes[1],
           title="业务线 × 反馈类型（行内占比）")
axes[0].set_xlabel("渠道")
axes[1].set_xlabel("反馈类型")
axes[1].set_ylabel("业务线")
fig.tight_layout()
"""),
        md("""\
## TOP issues per topic, with example texts

`fn.top_issues` (the `[analytics]` extra, jieba) lists the key terms of each topic's negative mentions. Phrases
such as 转账失败 or 手机银行 are found in the tickets themselves (n-gram PMI + branching entropy,
`feedback_nlp.text.phrases.discover_phrases`), so no user dictionary is needed; greetings and ticket formulas
(您好, 投诉, 反映, 留言) are shipped stop words.
"""),
        code("""\
from feedback_nlp.text.phrases import discover_phrases

print(discover_phrases(bank["text"])[["phrase", "count", "pmi", "left_entropy", "right_entropy"]].head(8).round(2))
top = fn.top_issues(bank, topic_col="主题", n=4, n_examples=1)
top.assign(example=top["examples"].map(lambda e: e[0]))[["topic", "topic_count", "rank", "issue", "count",
                                                           "share", "example"]].round(2)
"""),
    ]


@notebook('03_forecasting')
def nb_forecasting() -> list[Cell]:
    return [
        md("""\
# 03 · Forecasting complaint volumes

Daily complaint counts per topic → forecasts 4 weeks ahead with 95% prediction intervals, a rolling-origin
backtest against the seasonal-naive baseline, and the early-warning alerts on negative share.
"""),
        SETUP,
        code("""\
scored = fn.classify_frame(make_tickets(), tier_col="tier")
complaints = scored[scored["kind"] == "complaint"].copy()
complaints["主题"] = complaints["topics"].map(lambda ts: [fn.display_name(t) for t in ts])
by_topic = fn.count_volume(complaints, time_col="created_at", freq="D", by="主题")  # one count per topic
total = fn.count_volume(complaints, time_col="created_at", freq="D")
by_topic.tail()
"""),
        md("""\
## Forecast per topic, 28 days, 95% interval

`forecast_volume` on one series returns a `VolumeForecast`. The default `model="auto"` backtests five candidates
(seasonal ARIMA, ETS, Theta, harmonic regression with ARIMA errors, seasonal naive) inside each topic's own history
and averages the best three; `f.model` says which and why, `f.backtest` holds the scores. The band is calibrated on
that backtest's out-of-sample errors. Add `holidays="CN"` (with 调休 make-up working days) or `events=` for your own
dates.
"""),
        code("""\
%%time
from feedback_nlp.insights.plotting import forecast_chart

fcs = {name: fn.forecast_volume(by_topic[name], horizon=28, level=95) for name in by_topic.columns}
for name, f in fcs.items():
    print(f"{name}: {f.model}")
"""),
        code("""\
fig, axes = plt.subplots(len(fcs), 1, figsize=(10, 2.6 * len(fcs)), sharex=True)
for ax, (name, f) in zip(axes, fcs.items()):
    forecast_chart(f, ax=ax, history=120)  # 历史 / 预测 / 95% 预测区间
    ax.set_title(f"{name}：每日投诉量与 28 天预测（95% 区间）")
    ax.set_ylabel("工单数")
fig.tight_layout()
"""),
        code("""\
# One long table for all topics; fn.forecast_volumes(long_df, id_col=..., time_col=..., value_col=..., n_jobs=-1)
# returns the same in one parallel call (id, date, mean, lo-95, hi-95, model).
table = pd.concat([f.to_frame().assign(id=name) for name, f in fcs.items()])
table.groupby("id")[["mean", "lower", "upper"]].sum().round(0).rename_axis("主题（未来 28 天合计）")
"""),
        md("""\
## Backtest: would this model have worked?

Four folds of 28 days each, refitting at every cutoff. `relative_mae` < 1 beats the seasonal-naive baseline (same
weekday last week); `coverage` should be near 0.95.
"""),
        code("""\
%%time
bt = fn.backtest_volume(total, horizon=28, folds=6)
bt[["fold", "cutoff", "mae", "snaive_mae", "relative_mae", "mase", "coverage"]].round(
    dict.fromkeys(["mae", "snaive_mae", "relative_mae", "mase", "coverage"], 3))
"""),
        code("""\
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
labels = bt["start"].dt.strftime("%m-%d") + "起"
x = range(len(bt))
axes[0].bar([i - 0.2 for i in x], bt["mae"], width=0.4, label="本模型")
axes[0].bar([i + 0.2 for i in x], bt["snaive_mae"], width=0.4, label="季节朴素法（上周同日）")
axes[0].set_xticks(list(x), labels)
axes[0].set_title("回测：每折 28 天的平均绝对误差（MAE）")
axes[0].set_ylabel("MAE（工单/天）")
axes[0].legend()
axes[0].grid(axis="y")
axes[1].bar(list(x), bt["coverage"] * 100, color="#8c8c8c")
axes[1].axhline(95, color="#d62728", ls="--", label="名义 95%")
axes[1].set_xticks(list(x), labels)
axes[1].set_ylim(0, 105)
axes[1].set_title("预测区间覆盖率（%）")
axes[1].legend(loc="lower right", framealpha=1)
fig.tight_layout()
"""),
        md("""\
The last fold drawn against what actually happened:
"""),
        code("""\
cutoff = bt["cutoff"].iloc[-1]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    f = fn.forecast_volume(total[total.index <= cutoff], horizon=28, level=95)
ax = forecast_chart(f, history=90)
actual = total[total.index > cutoff]
ax.plot(actual.index, actual.to_numpy(), "k.", ms=6, label="实际")
ax.set_title(f"最后一折：{cutoff:%Y-%m-%d} 之后的预测与实际")
ax.set_ylabel("工单数")
ax.legend(loc="upper left", ncols=2)
ax.grid(alpha=0.3)
ax.figure.set_size_inches(10, 3.8)
ax.figure.tight_layout()
"""),
        md("""\
## Early warning: jumps in negative share or volume

`fn.sentiment_alerts` compares every day with the same weekday of the 8 weeks before it (Mondays with Mondays:
a busy Monday is not an alert), with a two-proportion z-test on the negative share and a Poisson-floored z-score on
volume; the reason says which baseline was used. The September 2024 mobile-banking outage is caught on its first day.
"""),
        code("""\
alerts = fn.sentiment_alerts(scored[scored["source"] == "银行"], time_col="created_at", freq="D")
alerts[alerts["alert"]][["period", "count", "negative_share", "baseline_share", "reason"]].round(
    {"negative_share": 3, "baseline_share": 3}).head(10)
"""),
        code("""\
daily_neg = alerts.set_index("period")
fig, ax = plt.subplots(figsize=(10, 3.4))
ax.plot(daily_neg.index, daily_neg["count"], lw=0.8, label="银行每日工单")
hit = daily_neg[daily_neg["alert"]]
ax.scatter(hit.index, hit["count"], color="#d62728", zorder=3, label="预警")
ax.set_title("银行：每日工单量与预警")
ax.set_ylabel("工单数")
ax.legend(loc="upper left")
ax.grid(alpha=0.3)
fig.tight_layout()
"""),
    ]


@notebook('04_retraining')
def nb_retraining() -> list[Cell]:
    return [
        md("""\
# 04 · Retraining on your own labelled data

The default model was trained on generic reviews. Banking jargon (额度被降, 风控, 二类户, 征信查询) reads neutral
or even positive to it. This notebook writes a tiny labelled file (240 rows) to a temporary folder, trains a model
with the command line and with the Python API, evaluates it on phrases it never saw, saves it, loads it back with
`fn.load` and compares it with the default model.
"""),
        code("""\
import warnings

import matplotlib.pyplot as plt
import pandas as pd

import feedback_nlp as fn
from _data import make_labelled_reviews  # example tickets generated in notebooks/_data.py (no download)

from feedback_nlp.insights.plotting import use_cjk_font

print("CJK font:", use_cjk_font())  # once per session: Chinese labels instead of empty boxes
plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (9, 3.8), "grid.alpha": 0.3})
pd.set_option("display.max_colwidth", 60)
"""),
        code("""\
import subprocess
import sys
import tempfile
from pathlib import Path

from feedback_nlp.classify.training import evaluate_sentiment, train_sentiment

work = Path(tempfile.mkdtemp(prefix="feedback_nlp_retrain_"))
labelled = make_labelled_reviews(n=240, seed=0)
# hold out whole phrases (not just rows) so the test measures generalisation, not memory
test_phrases = set(labelled["phrase_id"].drop_duplicates().sample(frac=0.25, random_state=1))
train = labelled[~labelled["phrase_id"].isin(test_phrases)]
test = labelled[labelled["phrase_id"].isin(test_phrases)].drop_duplicates("text")
train[["text", "label", "channel"]].to_csv(work / "my_labels.csv", index=False)
print(len(train), "training rows,", len(test), "held-out rows;", work)
print((work / "my_labels.csv").read_text(encoding="utf-8").splitlines()[:6])
"""),
        md("""\
## Train with the command line

`feedback-nlp train` reads CSV / TSV / JSONL / Parquet with `text` and `label` (1/0 or positive/negative) columns,
prints held-out metrics and writes a model directory with a model card.
"""),
        code("""\
cmd = [sys.executable, "-m", "feedback_nlp", "train", "--data", str(work / "my_labels.csv"),
       "--out", str(work / "cli_model"), "--holdout", "0.2", "--group-col", "channel", "--seed", "0"]
done = subprocess.run(cmd, capture_output=True, text=True, check=True)
print(done.stdout[-1500:] or done.stderr[-1500:])
print(sorted(p.name for p in (work / "cli_model").iterdir()))
"""),
        md("""\
The CLI's `--holdout 0.2` draws random rows, and this small file repeats each phrase with small variations:
the held-out rows share phrases with the training rows, so its perfect score measures memory. Hold out whole
phrases (or whole weeks, or whole branches) to measure what you will see in production, as below.

## The same with the Python API, then evaluate on held-out phrases
"""),
        code("""\
%%time
clf = train_sentiment(train["text"].tolist(), train["label"].tolist(), min_df=1, calibration_folds=3,
                      meta={"name": "bank-jargon", "version": "0.1.0", "description": "notebook example"})
clf.save(work / "bank_model")
mine = fn.load(work / "bank_model")  # exactly what was saved
default = fn.load("default")
same = [a.sentiment.score for a in mine.classify_batch(test["text"].tolist())] == \\
       [a.sentiment.score for a in clf.classify_batch(test["text"].tolist())]
print("saved and loaded model give identical scores:", same)
"""),
        code("""\
metrics = {name: evaluate_sentiment(m, test["text"].tolist(), test["label"].tolist())
           for name, m in [("默认模型", default), ("重新训练", mine)]}
pd.DataFrame(metrics).loc[["n", "accuracy", "accuracy_final_score", "roc_auc", "brier"]].round(3)
"""),
        md("""\
Side by side on the held-out phrases, and on generic feedback the small model never saw:
"""),
        code("""\
generic = pd.DataFrame({"text": ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "菜太咸了",
                                 "物流很快，包装也好", "等了一个小时还没上菜"], "label": [0, 1, 1, 0, 1, 0]})
rows = []
for part, frame in [("held-out jargon", test), ("generic", generic)]:
    for text, label in zip(frame["text"], frame["label"]):
        d, m = default.score_sentiment(text), mine.score_sentiment(text)
        rows.append({"set": part, "text": text, "truth": "正面" if label else "负面",
                     "默认模型": f"{d.label} {d.score:+.2f}", "重新训练": f"{m.label} {m.score:+.2f}"})
pd.DataFrame(rows)
"""),
        code("""\
acc = {}
for part, frame in [("银行术语（未见过的短语）", test), ("通用反馈", generic)]:
    for name, m in [("默认模型", default), ("重新训练", mine)]:
        s = [x.sentiment.score for x in m.classify_batch(frame["text"].tolist())]
        acc.setdefault(part, {})[name] = 100 * sum((v > 0) == bool(y) for v, y in zip(s, frame["label"])) / len(s)
ax = pd.DataFrame(acc).T.plot.bar(rot=0, figsize=(8, 3.6), color=["#8c8c8c", "#1f77b4"], width=0.7)
ax.set_title("准确率（按情感得分的符号，%）")
ax.set_ylim(0, 118)
ax.set_ylabel("%")
ax.grid(axis="y")
for c in ax.containers:
    ax.bar_label(c, fmt="%.0f", fontsize=9)
ax.legend(loc="upper left", ncols=2)
ax.figure.tight_layout()
"""),
        md("""\
**Reading the result.** A model trained on 180 rows learns your jargon but forgets what it never saw; the
default model knows generic feedback but not your domain. In practice, label a few hundred to a few thousand texts
*of your own feedback* (including generic complaints, and at least 20 neutral rows to get a learned neutral class),
train with `feedback-nlp train --holdout 0.2 --group-col source`, and compare with `feedback-nlp evaluate` on the
same held-out file before switching models.
"""),
        code("""\
import shutil

shutil.rmtree(work)  # the temporary folder
"""),
    ]


@notebook('05_customers_and_spread')
def nb_customers_and_spread() -> list[Cell]:
    return [
        md("""\
# 05 · Who matters: customer value (RFM) and the spread of negative feedback

Two questions a complaint desk asks before it answers: *is this one of our most valuable customers?* and *is this
complaint spreading?*

1. `fn.rfm` scores every customer on recency, frequency and monetary value and names a segment of the usual RFM
   grid (重要价值客户, 重要保持客户, …); `fn.classify_frame(tier_col="segment")` then answers complaints from the
   high-value (重要) segments one priority level faster.
2. `fn.spread` finds the key spreaders of negative posts in a repost / comment / mention graph and measures every
   cascade (size, depth, negative share, time to 100 / 500 reposts); `fn.sentiment_alerts(reach_col=...)` alerts
   when a negative post passes a reach threshold.

**All data here are synthetic**: the tickets come from `_data.py`, the transactions are drawn in this notebook,
and the repost graph comes from `synthetic_cascades` (preferential attachment) because no real repost dataset can
be read offline. The figures show what the tools do, not how real customers behave.
"""),
        code("""\
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import feedback_nlp as fn
from feedback_nlp.insights.spread import synthetic_cascades
from _data import make_tickets  # example tickets generated in notebooks/_data.py (no download)

from feedback_nlp.insights.plotting import bar_chart, use_cjk_font

print("CJK font:", use_cjk_font())
plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (9, 3.8), "grid.alpha": 0.3})
pd.set_option("display.max_colwidth", 50)
"""),
        md("""\
## 1 · Customer value: RFM

Synthetic bank customers: 2,000 customers, one year of card payments (a few very active customers, many occasional
ones; log-normal amounts). Scores are 1–5 mid-rank quantiles (ties share a score); 4–5 counts as *high*.
"""),
        code("""\
rng = np.random.default_rng(0)
n_customers, n_tx = 2000, 40_000
activity = 1.0 / np.arange(1, n_customers + 1) ** 0.8
transactions = pd.DataFrame({
    "customer_id": [f"C{i:05d}" for i in rng.choice(n_customers, size=n_tx, p=activity / activity.sum())],
    "paid_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, n_tx), "s"),
    "amount": np.round(rng.lognormal(5.5, 1.1, n_tx), 2),
})
value = fn.rfm(transactions, "customer_id", "paid_at", "amount", now="2025-01-01")
value.head(8)
"""),
        code("""\
summary = value.groupby("segment").agg(customers=("customer_id", "size"),
                                      mean_monetary=("monetary", "mean"),
                                      mean_frequency=("frequency", "mean"),
                                      mean_recency_days=("recency_days", "mean"),
                                      tier=("tier", "first"))
summary.sort_values("mean_monetary", ascending=False).round(1)
"""),
        code("""\
fig, ax = plt.subplots(figsize=(8, 3.6))
bar_chart(value["segment"].value_counts(), ax=ax, title="各分层客户数")
fig.tight_layout()
"""),
        md("""\
## 2 · High-value customers are answered faster

Each ticket gets a customer; `classify_frame(tier_col="segment")` raises the priority of the four 重要 segments by
one level (`PriorityRules.tier_raises`), capped at `high` — urgent stays for safety, legal and large-loss cases.
"""),
        code("""\
tickets = make_tickets(start="2024-10-01", n_days=92, per_day=24, seed=5)
tickets = tickets[tickets["source"] == "银行"].reset_index(drop=True)
tickets["customer_id"] = rng.choice(value["customer_id"], size=len(tickets))
tickets = tickets.merge(value[["customer_id", "segment", "tier"]].rename(columns={"tier": "value_tier"}),
                        on="customer_id", how="left")
plain = fn.classify_frame(tickets)
scored = fn.classify_frame(tickets, tier_col="segment")
moved = scored["priority"] != plain["priority"]
print(f"{len(scored):,} tickets; {int(moved.sum())} moved up one priority level")
pd.crosstab(scored["segment"], [plain["priority"].rename("before"), scored["priority"].rename("after")])
"""),
        code("""\
scored.loc[moved & (plain["kind"] == "complaint"), ["segment", "text"]].assign(
    before=plain.loc[moved, "priority"], after=scored.loc[moved, "priority"]).head(5)
"""),
        code("""\
by_segment = pd.crosstab(scored["segment"], scored["sentiment_label"], normalize="index")
by_segment.round(2)
"""),
        md("""\
## 3 · Key spreaders of negative feedback

A synthetic repost forest: 20,000 posts in 200 cascades (Zipf-weighted cascade sizes, preferential attachment
inside each cascade). `source` is the repost, `target` the post it reposts.
"""),
        code("""\
edges, posts = synthetic_cascades(n_posts=20_000, n_roots=200, n_users=3000, seed=0)
sp = fn.spread(edges, posts)
sp.spreaders.head(8)[["rank", "author", "negative_posts", "negative_reach", "pagerank", "core", "examples"]]
"""),
        code("""\
sp.cascades.head(8)
"""),
        code("""\
fig, ax = plt.subplots(figsize=(8, 3.6))
sizes = sp.cascades["reposts"].sort_values(ascending=False).reset_index(drop=True)
ax.loglog(np.arange(1, len(sizes) + 1), sizes.clip(lower=1), marker=".", linestyle="none")
ax.set(xlabel="级联排名（按规模）", ylabel="转发数", title="级联规模（合成数据，双对数坐标）")
ax.grid(True, which="both")
"""),
        md("""\
Alerts: a day alerts when a negative post reached at least 500 reposts (`reach_col`), next to the usual
share / volume rules.
"""),
        code("""\
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    alerts = fn.sentiment_alerts(sp.posts, "time", freq="D", window=3, min_periods=2, reach_col="reach",
                                 reach_threshold=500)
alerts.loc[alerts["alert"], ["period", "count", "negative_share", "max_negative_reach", "reason"]]
"""),
        md("""\
## 4 · In the HTML report

`fn.report(..., segment_col="segment", spread_result=sp)` adds a customer-tier section (sentiment per segment) and a
spread section (top spreaders, largest cascades).
"""),
        code("""\
import tempfile
from pathlib import Path

out = fn.report(scored, Path(tempfile.mkdtemp()) / "report.html", time_col="created_at", segment_col="segment",
                spread_result=sp)
html = out.read_text(encoding="utf-8")
print(out.name, f"{len(html) / 1e6:.1f} MB", "customers" in html, "spread" in html)
"""),
    ]

# --------------------------------------------------------------------------- writing and running
def to_notebook(cells: list[Cell]) -> object:
    """An nbformat v4 notebook of ``cells`` (no outputs)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"  # stable ids: rebuilding an unchanged notebook changes nothing but outputs
    return nb


def execute(nb: object, timeout: int = TIMEOUT_S) -> float:
    """Run all cells in a fresh kernel started in notebooks/ with this checkout importable; seconds taken."""
    from nbclient import NotebookClient

    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env_path) if p)
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
        if not env_path:
            del os.environ["PYTHONPATH"]
    return time.perf_counter() - start


def build(name: str, run: bool = True) -> Path:
    """Write ``notebooks/<name>.ipynb`` from its cells (executed when ``run``), atomically; returns the path."""
    import nbformat

    nb = to_notebook(NOTEBOOKS[name]())
    took = execute(nb) if run else 0.0
    path = HERE / f"{name}.ipynb"
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    print(f"{path.name}: {len(NOTEBOOKS[name]())} cells" + (f", executed in {took:.1f} s" if run else ""),
          f"{path.stat().st_size / 1024:.0f} KB", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write and execute the example notebooks.")
    ap.add_argument("names", nargs="*", help="only notebooks whose name contains one of these")
    ap.add_argument("--no-execute", action="store_true", help="write the cells without running them")
    args = ap.parse_args(argv)
    chosen = [n for n in NOTEBOOKS if not args.names or any(a in n for a in args.names)]
    if not chosen:
        print(f"no notebook matches {args.names}; known: {list(NOTEBOOKS)}", file=sys.stderr)
        return 2
    for name in chosen:
        build(name, run=not args.no_execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
