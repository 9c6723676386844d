"""Issue phrases instead of fragments, significant growth only, one normaliser, distinct examples (issue 16)."""

from __future__ import annotations

import pandas as pd
import pytest

import feedback_nlp.insights.terms as ft
from tests.bank_tickets import ISSUES, make_bank_tickets

BOILERPLATE = {"您好", "你好", "投诉", "反映", "留言", "麻烦", "谢谢", "我要"}


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Shaped like classify_frame output, with the topic of the ticket's first issue."""
    topic = [(ISSUES[i][0],) if i else () for i in df["issue"]]
    neg = [bool(i) for i in df["issue"]]
    return df.assign(topics=topic, sentiment_label=["negative" if x else "positive" for x in neg],
                     sentiment_score=[-0.8 if x else 0.8 for x in neg])


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return _labelled(make_bank_tickets(2000, seed=5))


def test_top_issues_are_phrases_without_user_words(tickets: pd.DataFrame) -> None:
    top = ft.top_issues(tickets, n=5)
    issues = set(top["issue"])
    assert {"转账失败", "系统卡顿", "刷脸支付"} <= issues, top[["topic", "issue", "count"]]
    assert not issues & BOILERPLATE
    assert not issues & {"转账", "失败", "系统", "卡顿", "支付"}


def test_keywords_are_phrases_and_no_boilerplate(tickets: pd.DataFrame) -> None:
    kw = ft.keywords(tickets.loc[tickets["sentiment_label"] == "negative", "text"], top_k=15)
    terms = set(kw["term"])
    assert {"转账失败", "系统卡顿", "刷脸支付"} & terms
    assert not terms & BOILERPLATE, terms
    plain = set(ft.keywords(tickets["text"], top_k=30, phrases=False)["term"])
    assert "转账失败" not in plain  # the phrases come from discovery, not from the dictionary


def test_textrank_keeps_phrases(tickets: pd.DataFrame) -> None:
    kw = ft.keywords(tickets.loc[tickets["sentiment_label"] == "negative", "text"], top_k=20, method="textrank")
    assert {"转账失败", "系统卡顿", "刷脸支付"} & set(kw["term"])


def test_traditional_and_full_width_count_with_simplified() -> None:
    kw = ft.keywords(["客戶經理態度很差", "客户经理态度很差", "ＡＰＰ闪退", "app闪退"], top_k=10, phrases=False)
    counts = dict(zip(kw["term"], kw["doc_count"]))
    assert counts["客户经理"] == 2 and counts["app"] == 2
    assert "客戶" not in counts and "經理" not in counts


def test_examples_are_not_near_duplicates() -> None:
    df = pd.DataFrame({"text": ["您好，转账失败了，钱被扣了。", "转账失败了，钱被扣了！", "你好，转账失败了，钱被扣了",
                                "跨行转账失败，页面显示处理中"],
                       "topics": [("efficiency",)] * 4})
    top = ft.top_issues(df, sentiment=None, n=1, n_examples=3, min_count=2)
    examples = top["examples"].iloc[0]
    assert len(examples) == 2 and any("跨行" in e for e in examples), examples


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_emerging_terms_finds_growing_phrase(seed: int) -> None:
    df = make_bank_tickets(2000, seed=seed, quarters=4, grow="刷脸支付")
    em = ft.emerging_terms(df, "created_at", period="Q")
    assert list(em.columns) == list(ft.EMERGING_COLUMNS)
    top5 = em["term"].head(5).tolist()
    assert "刷脸支付" in top5 or "刷脸" in top5, em
    row = em.loc[em["term"].isin(["刷脸支付", "刷脸"])].iloc[0]
    assert row["p_value"] < 0.05 and row["growth"] > 0.5
    assert (em["p_value"] < 0.05).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_emerging_terms_reports_nothing_without_growth(seed: int) -> None:
    df = make_bank_tickets(2000, seed=seed, quarters=4, grow=None)
    em = ft.emerging_terms(df, "created_at", period="Q")
    assert len(em) == 0, em


def test_emerging_terms_alpha_none_keeps_all_candidates() -> None:
    df = make_bank_tickets(600, seed=0, quarters=2, grow=None)
    em = ft.emerging_terms(df, "created_at", period="Q", alpha=None, min_growth=0.0)
    assert len(em) > 0 and em["p_value"].between(0, 1).all()
    with pytest.raises(ValueError, match="alpha"):
        ft.emerging_terms(df, "created_at", alpha=2)
