"""Phrase discovery (issue 16): domain phrases found in the user's own corpus, jieba quiet, one normaliser."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from feedback_nlp.text.phrases import PHRASE_COLUMNS, discover_phrases
from feedback_nlp.text.tokenize import PhraseSegmenter, load_stop_words, tokenize
from tests.bank_tickets import make_bank_tickets


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return make_bank_tickets(2000, seed=3)


def test_discovers_domain_phrases_not_boilerplate(tickets: pd.DataFrame) -> None:
    found = discover_phrases(tickets["text"])
    assert list(found.columns) == list(PHRASE_COLUMNS)
    phrases = set(found["phrase"])
    assert {"转账失败", "系统卡顿", "刷脸支付"} <= phrases, phrases
    assert not phrases & {"客服你好", "我要投诉", "留言反映", "麻烦尽快回复"}
    assert (found["pmi"] >= 1.0).all() and (found[["left_entropy", "right_entropy"]] >= 1.0).all().all()
    assert found["count"].is_monotonic_decreasing


def test_fragments_and_rare_specialisations_are_dropped() -> None:
    texts = (["昨天转账失败了", "跨行转账失败", "手机银行转账失败两次", "给家人转账失败", "转账失败还扣钱",
              "工资卡转账失败", "转账很慢", "登录失败", "转账成功了"] * 2)
    phrases = discover_phrases(texts, min_count=3)["phrase"].tolist()
    assert phrases == ["转账失败"]


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="not one str"):
        discover_phrases("转账失败")
    with pytest.raises(ValueError, match="no texts"):
        discover_phrases([None, float("nan")])
    with pytest.raises(ValueError, match="min_count"):
        discover_phrases(["转账失败"], min_count=1)
    assert len(discover_phrases(["好"])) == 0


def test_segmenter_merges_phrases_and_normalises() -> None:
    seg = PhraseSegmenter.of(["转账失败"])
    assert "转账失败" in seg.cut("跨行轉帳失敗，ＡＰＰ閃退")
    assert "app" in seg.cut("跨行轉帳失敗，ＡＰＰ閃退")
    assert tokenize("客戶經理態度很差") == tokenize("客户经理态度很差")
    with pytest.raises(TypeError):
        PhraseSegmenter.of([1])  # type: ignore[list-item]


def test_service_boilerplate_is_stop_words() -> None:
    assert {"您好", "你好", "投诉", "反映", "留言", "麻烦", "谢谢"} <= load_stop_words()
    assert tokenize("您好，我要投诉，留言反映一下，麻烦处理") == []


def test_jieba_is_quiet() -> None:
    code = "from feedback_nlp.text.tokenize import tokenize; print(tokenize('刷脸支付总是失败'))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert "Prefix dict" not in res.stderr and "Building" not in res.stderr and "Loading" not in res.stderr, res.stderr


def test_discovery_does_not_depend_on_earlier_user_words(tickets: pd.DataFrame) -> None:
    from feedback_nlp.text.tokenize import add_user_words

    before = set(discover_phrases(tickets["text"])["phrase"])
    add_user_words(["刷脸支付", "刷脸"])  # another analysis in the same process added domain words
    assert set(discover_phrases(tickets["text"])["phrase"]) == before
