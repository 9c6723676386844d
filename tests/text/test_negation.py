"""Negation and degree words must move the score the right way (USER_NEEDS 4)."""

from __future__ import annotations

import pytest

import feedback_nlp as fn
from feedback_nlp.text.negation import rewrite_negations


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("一点也不差", "很好"),
        ("并不贵", "很好"),
        ("不算太差", "还行"),
        ("不差", "不错"),
        ("没有问题", "不错"),
        ("不太好", "一般般"),
        ("不是很满意", "一般般"),
        ("不满意", "不好"),
        ("不错", "不错"),
        ("不好意思", "不好意思"),
    ],
)
def test_rewrite(raw: str, expected: str) -> None:
    assert rewrite_negations(raw) == expected


@pytest.mark.parametrize("text", ["不太好", "不是很满意", "不高兴", "服务不到位", "没有想象中好"])
def test_negated_positive_reads_negative(default_clf: fn.FeedbackClassifier, text: str) -> None:
    assert default_clf.classify(text).sentiment.score < 0


@pytest.mark.parametrize("text", ["一点也不差", "价格不贵，味道一点都不差", "一点都不卡"])
def test_negated_negative_reads_positive(default_clf: fn.FeedbackClassifier, text: str) -> None:
    assert default_clf.classify(text).sentiment.score > 0


def test_softened_negation_is_milder_than_plain(default_clf: fn.FeedbackClassifier) -> None:
    assert default_clf.classify("不算太差").sentiment.score > default_clf.classify("很差").sentiment.score
    assert default_clf.classify("不太好").sentiment.score > default_clf.classify("非常差").sentiment.score


def test_degree_words(default_clf: fn.FeedbackClassifier) -> None:
    assert default_clf.classify("非常满意").sentiment.score >= default_clf.classify("还算满意").sentiment.score


def test_sarcasm_ish(default_clf: fn.FeedbackClassifier) -> None:
    assert default_clf.classify("所谓VIP通道也就那样").sentiment.score < 0


def test_traditional_matches_simplified(default_clf: fn.FeedbackClassifier) -> None:
    a = default_clf.classify("服務態度很差，轉賬失敗").sentiment
    b = default_clf.classify("服务态度很差，转账失败").sentiment
    assert a == b
