"""Analysis toolkit: keywords, TOP issues, emerging terms, term clusters, alerts, NPS/CSAT, underperformers, heatmap."""

from __future__ import annotations

import threading

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from feedback_nlp.insights import alerts, scores, terms
from feedback_nlp.insights import heatmap as heat
from feedback_nlp.text import tokenize as tok
from feedback_nlp.text.normalize import normalize

FACE = ["刷脸支付老是失败", "人脸识别一直不通过", "刷脸登录太慢", "人脸识别失败好几次", "刷脸支付识别不了",
        "刷脸认证总是超时", "人脸识别很不灵敏", "刷脸支付的时候卡住了"]
REFUND = ["退款申请一周了还没到账", "退货以后退款迟迟不到", "申请退款没人处理", "退款进度一直不更新",
          "退货退款流程太复杂", "退款被拒绝也不说原因"]
SERVICE = ["客服态度很差，爱答不理", "客服电话一直打不通", "人工客服排队半小时", "客服回复很敷衍", "在线客服答非所问"]
APP = ["APP更新以后经常闪退", "转账页面一直卡顿", "登录总是提示网络错误", "APP打开很慢还闪退", "转账失败还扣了手续费"]
PRAISE = ["客服小姐姐很耐心，问题解决了", "转账到账很快，体验很好", "APP界面清爽好用", "理财收益稳定，很满意"]
POOLS = {"face": (FACE, "product_defect"), "refund": (REFUND, "refund"), "service": (SERVICE, "service_attitude"),
         "app": (APP, "product_defect"), "praise": (PRAISE, "service_attitude")}


def make_feedback(n: int = 800, seed: int = 0, start: str = "2024-01-01", days: int = 182) -> pd.DataFrame:
    """Bank-app feedback over two quarters, shaped like ``classify_frame`` output: 刷脸 complaints take off in Q2."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    rows = []
    for _ in range(n):
        day = int(rng.integers(0, days))
        w = np.array([0.25 if day >= days // 2 else 0.04, 0.2, 0.2, 0.2, 0.3])
        kind = str(rng.choice(list(POOLS), p=w / w.sum()))
        texts, topic = POOLS[kind]
        neg = kind != "praise"
        rows.append({
            "created_at": t0 + pd.Timedelta(days=day, hours=int(rng.integers(8, 22))),
            "text": str(rng.choice(texts)), "topics": (topic,),
            "topic_polarities": {topic: "negative" if neg else "positive"},
            "sentiment_label": "negative" if neg else "positive",
            "sentiment_score": float(rng.uniform(-1, -0.5) if neg else rng.uniform(0.5, 1)),
            "channel": str(rng.choice(["APP", "电话", "网点", "微信"])),
            "business_line": str(rng.choice(["信用卡", "储蓄", "贷款"])),
            "branch": f"网点{int(rng.integers(1, 6))}", "csat": int(rng.integers(1, 6)),
        })
    return pd.DataFrame(rows).sort_values("created_at").reset_index(drop=True)


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    return make_feedback()


# ----------------------------------------------------------------- keywords
@pytest.mark.parametrize("method", ["tfidf", "textrank"])
def test_keywords_columns_and_stop_words(feedback: pd.DataFrame, method: str) -> None:
    kw = terms.keywords(feedback["text"], top_k=10, method=method)  # type: ignore[arg-type]
    assert list(kw.columns) == list(terms.KEYWORD_COLUMNS)
    assert 0 < len(kw) <= 10
    assert kw["weight"].is_monotonic_decreasing
    assert not set(kw["term"]) & tok.load_stop_words()
    assert "退款" in set(kw["term"])
    assert ((kw["doc_share"] > 0) & (kw["doc_share"] <= 1)).all()


def test_keywords_extra_stop_words_and_user_words() -> None:
    texts = ["刷脸支付失败", "刷脸支付太慢", "退款不到账"]
    kw = terms.keywords(texts, top_k=5, user_words=["刷脸支付"], extra_stop_words=["退款"])
    assert kw["term"].iloc[0] == "刷脸支付"
    assert "退款" not in set(kw["term"])


def test_keywords_bad_input() -> None:
    with pytest.raises(TypeError, match="list"):
        terms.keywords("退款太慢")
    with pytest.raises(ValueError, match="empty"):
        terms.keywords([])
    with pytest.raises(ValueError, match="empty"):
        terms.keywords([None, float("nan")])
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        terms.keywords(["好", 3])
    with pytest.raises(ValueError, match="method"):
        terms.keywords(["退款太慢"], method="lda")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="top_k"):
        terms.keywords(["退款太慢"], top_k=0)


def test_tokenizer_is_thread_safe() -> None:
    tok._state.pop("tokenizer", None)  # force a fresh lazy build raced by several threads
    out: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            out.append(tok.tokenize("退款申请一周了还没到账"))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(out) == 8 and all(o == out[0] for o in out)
    assert "退款" in out[0]


# ----------------------------------------------------------------- top issues
def test_top_issues(feedback: pd.DataFrame) -> None:
    top = terms.top_issues(feedback, n=3, n_examples=2)
    assert list(top.columns) == list(terms.TOP_ISSUE_COLUMNS)
    assert set(top["topic"]) == {"product_defect", "service_attitude", "refund"}
    assert top.groupby("topic")["rank"].max().le(3).all()
    assert (top["count"] >= 2).all() and ((top["share"] > 0) & (top["share"] <= 1)).all()
    for _, row in top.iterrows():
        assert 1 <= len(row["examples"]) <= 2
        assert all(row["issue"] in normalize(ex) for ex in row["examples"])  # counted on normalised text
    # only negative texts: praise ("小姐姐", "耐心") never shows as a service issue
    assert not {"小姐姐", "耐心"} & set(top.loc[top["topic"] == "service_attitude", "issue"])
    # topics ordered by size, shares of kept texts sum to 1
    sizes = top.drop_duplicates("topic")
    assert sizes["topic_count"].is_monotonic_decreasing
    assert sizes["topic_share"].sum() == pytest.approx(1.0)


def test_top_issues_single_topic_column_and_errors() -> None:
    df = pd.DataFrame({"业务线": ["信用卡", "信用卡", "贷款", None],
                       "text": ["年费太贵", "年费乱收", "放款太慢", "其他"]})
    top = terms.top_issues(df, topic_col="业务线", sentiment=None, n=1)
    assert top[["topic", "issue", "count"]].values.tolist()[0] == ["信用卡", "年费", 2]
    with pytest.raises(KeyError, match="classify_frame"):
        terms.top_issues(df, topic_col="业务线")
    with pytest.raises(KeyError, match="nope"):
        terms.top_issues(df, topic_col="nope", sentiment=None)
    with pytest.raises(ValueError, match="empty"):
        terms.top_issues(df.iloc[:0], topic_col="业务线", sentiment=None)
    with pytest.raises(TypeError, match="DataFrame"):
        terms.top_issues(df["text"], sentiment=None)  # type: ignore[arg-type]


# ----------------------------------------------------------------- emerging terms
def test_emerging_terms_quarter_on_quarter(feedback: pd.DataFrame) -> None:
    em = terms.emerging_terms(feedback, "created_at", period="Q", min_count=5, top_k=10,
                              user_words=["刷脸支付", "刷脸"])
    assert list(em.columns) == list(terms.EMERGING_COLUMNS)
    assert set(em["period"]) == {"2024Q2"} and set(em["previous_period"]) == {"2024Q1"}
    assert "刷脸支付" in set(em["term"]) or "刷脸" in set(em["term"])
    assert (em["count"] >= 5).all()
    assert em["p_value"].is_monotonic_increasing and (em["p_adjusted"] < 0.05).all()  # strongest evidence first
    row = em.iloc[0]
    assert row["growth"] == pytest.approx(row["count"] / max(row["previous_count"], 1) - 1)
    # stable topics do not "emerge"
    assert "退款" not in set(em["term"])


def test_emerging_terms_guards_and_all_pairs() -> None:
    df = pd.DataFrame({"t": ["2024-01-05"] * 3 + ["2024-02-05"] * 3 + ["2024-03-05"] * 6,
                       "text": ["转账很慢"] * 3 + ["转账很慢", "闪退", "闪退"] + ["闪退"] * 6})
    em = terms.emerging_terms(df, "t", period="M", min_count=2, last_only=False, alpha=None)  # too few to test
    assert em[["period", "term", "count", "previous_count", "new"]].values.tolist() == [
        ["2024-02", "闪退", 2, 0, True], ["2024-03", "闪退", 6, 2, False]]
    assert terms.emerging_terms(df, "t", period="M", min_count=7, alpha=None).empty  # min-count guard
    assert terms.emerging_terms(df, "t", period="M", min_count=2).empty  # 2 -> 6 texts is not significant
    with pytest.raises(ValueError, match="two periods"):
        terms.emerging_terms(df, "t", period="Y")
    with pytest.raises(ValueError, match="period"):
        terms.emerging_terms(df, "t", period="bogus")
    with pytest.raises(ValueError, match="dropna"):
        terms.emerging_terms(df.assign(t=[None, *df["t"].tolist()[1:]]), "t")
    with pytest.raises(KeyError, match="time"):
        terms.emerging_terms(df, "time")


# ----------------------------------------------------------------- term clusters
def _cluster_corpus(n: int = 400, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    face = ["刷脸", "人脸识别", "刷脸支付"]
    face_ctx = ["摄像头", "对准", "光线", "眨眼", "识别率", "验证"]
    refund = ["退款", "退货", "退钱"]
    refund_ctx = ["订单", "到账", "商家", "审核", "原路", "运费"]
    out = []
    for i in range(n):
        terms, ctx = (face, face_ctx) if i % 2 else (refund, refund_ctx)
        words = [str(rng.choice(terms)), *rng.choice(ctx, size=3, replace=False).tolist()]
        rng.shuffle(words)
        out.append("，".join(words))
    return out


def test_term_clusters_groups_related_terms_deterministically() -> None:
    texts = _cluster_corpus()
    words = ["刷脸", "人脸识别", "刷脸支付", "退款", "退货", "退钱"]
    a = terms.term_clusters(texts, n_clusters=2, terms=words, min_count=3, epochs=10, vector_size=32)
    assert list(a.columns) == list(terms.CLUSTER_COLUMNS)
    groups = {frozenset(g["term"]) for _, g in a.groupby("cluster")}
    assert groups == {frozenset(words[:3]), frozenset(words[3:])}
    b = terms.term_clusters(texts, n_clusters=2, terms=words, min_count=3, epochs=10, vector_size=32)
    pd.testing.assert_frame_equal(a, b)


def test_term_clusters_small_corpus_errors() -> None:
    with pytest.raises(ValueError, match="at least 50 texts"):
        terms.term_clusters(["刷脸支付失败"] * 10)
    with pytest.raises(ValueError, match="clusters"):
        terms.term_clusters(["刷脸支付失败"] * 60, n_clusters=5, min_count=1)
    with pytest.raises(ValueError, match="none of the terms"):
        terms.term_clusters(_cluster_corpus(100), n_clusters=2, terms=["不存在的词"])


# ----------------------------------------------------------------- alerts
def _alert_frame(spike_share: float = 0.6, spike_volume: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for d in pd.date_range("2024-05-01", periods=30, freq="D"):
        n, p = (spike_volume, spike_share) if d == pd.Timestamp("2024-05-25") else (30, 0.1)
        for _ in range(n):
            rows.append({"time": d + pd.Timedelta(hours=int(rng.integers(0, 24))),
                         "sentiment_label": "negative" if rng.random() < p else "positive"})
    return pd.DataFrame(rows)


def test_sentiment_alerts_share_jump() -> None:
    al = alerts.sentiment_alerts(_alert_frame(), "time", freq="D", window=14, baseline="rolling", lang="en")
    assert list(al.columns) == list(alerts.ALERT_COLUMNS)
    assert len(al) == 30
    fired = al[al["alert"]]
    assert fired["period"].tolist() == [pd.Timestamp("2024-05-25")]
    assert fired["share_alert"].all() and not fired["volume_alert"].any()
    assert "negative share" in fired["reason"].iloc[0]
    assert al["baseline_share"].iloc[:7].isna().all()  # no baseline before min_periods
    only = alerts.sentiment_alerts(_alert_frame(), "time", only_alerts=True, baseline="rolling")
    assert len(only) == 1


def test_sentiment_alerts_volume_jump() -> None:
    al = alerts.sentiment_alerts(_alert_frame(spike_share=0.1, spike_volume=120), "time", only_alerts=True,
                                 baseline="rolling", lang="en")
    assert al["period"].tolist() == [pd.Timestamp("2024-05-25")]
    assert al["volume_alert"].all() and "volume 120" in al["reason"].iloc[0]


def test_sentiment_alerts_errors() -> None:
    df = _alert_frame()
    with pytest.raises(KeyError, match="classify_frame"):
        alerts.sentiment_alerts(df.drop(columns="sentiment_label"), "time")
    with pytest.raises(ValueError, match="empty"):
        alerts.sentiment_alerts(df.iloc[:0], "time")
    with pytest.raises(ValueError, match="min_periods"):
        alerts.sentiment_alerts(df, "time", window=3, min_periods=5)
    with pytest.raises(ValueError, match="freq"):
        alerts.sentiment_alerts(df, "time", freq="bogus")


# ----------------------------------------------------------------- NPS / CSAT
def test_nps_and_csat_values() -> None:
    assert scores.nps([10, 9, 8, 7, 6, 0]) == pytest.approx(0.0)
    assert scores.nps(pd.Series([10, 10, float("nan")])) == 100.0
    assert scores.nps(np.array([0, 1, 2])) == -100.0
    assert scores.csat([5, 4, 3, 2, 1]) == pytest.approx(40.0)
    assert scores.csat([7, 6, 5, 1], scale=7) == 50.0
    assert scores.csat([5.0, None, 1.0]) == 50.0


@pytest.mark.parametrize(("call", "exc", "msg"), [
    (lambda: scores.nps([]), ValueError, "no scores"),
    (lambda: scores.nps([float("nan"), None]), ValueError, "all 2 scores are missing"),
    (lambda: scores.nps([11, 5]), ValueError, "0 to 10"),
    (lambda: scores.nps([-1]), ValueError, "0 to 10"),
    (lambda: scores.nps([8.5]), ValueError, "whole numbers"),
    (lambda: scores.nps(["10"]), TypeError, "not a number"),
    (lambda: scores.nps([True]), TypeError, "not a number"),
    (lambda: scores.nps(9), TypeError, "list"),
    (lambda: scores.csat([0, 5]), ValueError, "1 to 5"),
    (lambda: scores.csat([6]), ValueError, "1 to 5"),
    (lambda: scores.csat([5], scale=1), ValueError, "scale"),
    (lambda: scores.csat(pd.DataFrame({"a": [5]})), TypeError, "DataFrame"),
])
def test_nps_csat_bad_input(call: object, exc: type[Exception], msg: str) -> None:
    with pytest.raises(exc, match=msg):
        call()  # type: ignore[operator]


# ----------------------------------------------------------------- underperformers
def test_underperformers_flags_the_weak_unit() -> None:
    rng = np.random.default_rng(7)
    frames = [pd.DataFrame({"门店": name, "score": np.clip(np.round(rng.normal(mu, 0.8, 60)), 1, 5)})
              for name, mu in [("北京", 4.2), ("上海", 4.1), ("广州", 4.2), ("深圳", 3.2), ("成都", 4.0)]]
    df = pd.concat([*frames, pd.DataFrame({"门店": ["小店"] * 3, "score": [1.0, 1.0, 1.0]})], ignore_index=True)
    res = scores.underperformers(df, "门店", "score")
    assert list(res.columns) == list(scores.UNDERPERFORMER_COLUMNS)
    assert res.loc[res["underperforming"], "group"].tolist() == ["深圳"]
    small = res.set_index("group").loc["小店"]
    assert np.isnan(small["p_value"]) and not small["underperforming"]  # below min_n: listed, never flagged
    assert (res["p_adjusted"].dropna() >= res["p_value"].dropna()).all()  # correction never lowers p
    holm = scores.underperformers(df, "门店", "score", method="holm")
    assert holm.loc[holm["underperforming"], "group"].tolist() == ["深圳"]


def test_underperformers_errors() -> None:
    df = pd.DataFrame({"g": ["a", "b"] * 5, "s": [1.0] * 10})
    with pytest.raises(ValueError, match="all NaN"):
        scores.underperformers(df.assign(s=np.nan), "g", "s")
    with pytest.raises(TypeError, match="numbers"):
        scores.underperformers(df.assign(s="5"), "g", "s")
    with pytest.raises(ValueError, match="two groups"):
        scores.underperformers(df.assign(g="a"), "g", "s")
    with pytest.raises(KeyError, match="score"):
        scores.underperformers(df, "g", "score")
    with pytest.raises(ValueError, match="alpha"):
        scores.underperformers(df, "g", "s", alpha=5)
    with pytest.raises(ValueError, match="empty"):
        scores.underperformers(df.iloc[:0], "g", "s")
    res = scores.underperformers(df, "g", "s")  # constant scores: nothing flagged, no crash
    assert not res["underperforming"].any()


# ----------------------------------------------------------------- heatmap
def test_heatmap_shares_and_values(feedback: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    ax = heat.heatmap(feedback, "business_line", "channel")
    assert ax.get_title() == "business_line × channel（行内占比）"
    en = heat.heatmap(feedback.assign(topic=feedback["topics"]), "topic", "channel", lang="en")
    assert en.get_title() == "topic × channel (share of row)"
    assert {t.get_text() for t in en.get_yticklabels()} <= {"product defect", "service attitude", "refund"}
    zh = heat.heatmap(feedback.assign(topic=feedback["topics"]), "topic", "channel")
    assert {"产品缺陷", "服务态度"} <= {t.get_text() for t in zh.get_yticklabels()}
    assert len(ax.texts) == 3 * 4 and all(t.get_text().endswith("%") for t in ax.texts)
    plt.close(ax.figure)
    ax = heat.heatmap(feedback.assign(neg=(feedback["sentiment_label"] == "negative").astype(int)),
                    "topics", "channel", value="neg")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["产品缺陷", "refund", "服务态度"]  # display names
    plt.close(ax.figure)
    ax = heat.heatmap(feedback, "business_line", "channel", normalize=None)
    assert sum(int(t.get_text()) for t in ax.texts) == len(feedback)
    plt.close(ax.figure)


def test_heatmap_errors(feedback: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="nope"):
        heat.heatmap(feedback, "nope", "channel")
    with pytest.raises(ValueError, match="normalize"):
        heat.heatmap(feedback, "business_line", "channel", normalize="rows")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="numeric"):
        heat.heatmap(feedback, "business_line", "channel", value="text")
    with pytest.raises(ValueError, match="empty"):
        heat.heatmap(feedback.iloc[:0], "business_line", "channel")


def test_import_stays_light() -> None:
    import subprocess
    import sys

    # what these three modules add to `import feedback_nlp` (itself kept light by its own tests)
    code = ("import sys, feedback_nlp; before = set(sys.modules); "
            "import feedback_nlp.insights.terms, feedback_nlp.insights.alerts, feedback_nlp.insights.scores, "
            "feedback_nlp.insights.heatmap, feedback_nlp.insights.plotting, feedback_nlp.insights.report; "
            "print(sorted(m for m in ('jieba', 'gensim', 'matplotlib', 'pandas', 'scipy', 'sklearn', 'statsmodels') "
            "if m in sys.modules and m not in before))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
