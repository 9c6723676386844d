"""Feedback kind and priority rules."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.intent import (
    DEFAULT_RULES,
    KINDS,
    Priority,
    PriorityRules,
    classify_kind,
    explain_priority,
    grade_priority,
    raise_for_tier,
)
from feedback_nlp.classify.results import TopicHit


@pytest.mark.parametrize(
    ("text", "p", "kind"),
    [
        ("服务员很热情，菜也好吃", 0.95, "praise"),
        ("转账失败，钱还被扣了", 0.03, "complaint"),
        ("建议增加夜间柜台", 0.5, "suggestion"),
        ("希望能增加周末营业的网点", 0.6, "suggestion"),
        ("如果能加个夜间模式就好了", 0.55, "suggestion"),
        ("请问信用卡怎么开通境外支付？", 0.5, "inquiry"),
        ("你们几点开门？", 0.5, "inquiry"),
        ("为什么这么慢？", 0.1, "complaint"),
        ("希望你们越做越好", 0.95, "praise"),
        ("", 0.5, "other"),
    ],
)
def test_kind_rules(text: str, p: float, kind: str) -> None:
    assert classify_kind([text], [p]) == [kind]


def test_kind_long_review_with_closing_suggestion_is_not_a_suggestion() -> None:
    text = "房间干净，前台服务很热情，早餐品种丰富，交通也方便，下次出差还会选择这里，总体非常满意。" * 2
    text += "建议增加停车位"
    assert classify_kind([text], [0.95]) == ["praise"]


def test_kind_three_class_probabilities_and_topics() -> None:
    probs = np.array([[0.1, 0.8, 0.1], [0.7, 0.1, 0.2], [0.1, 0.1, 0.8]])
    assert classify_kind(["就这样吧", "一般", "挺好"], probs) == ["other", "complaint", "praise"]
    neg = (TopicHit("efficiency", 0.9, "negative"),)
    assert classify_kind(["还行，就是送得慢"], [0.55], [neg]) == ["complaint"]
    assert set(classify_kind(["好", "差"], [0.9, 0.1])) <= set(KINDS)


def test_kind_bad_input() -> None:
    with pytest.raises(TypeError):
        classify_kind("很好", [0.9])
    with pytest.raises(ValueError, match="texts but"):
        classify_kind(["很好"], [0.9, 0.1])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        classify_kind(["很好"], [1.5])
    with pytest.raises(TypeError):
        classify_kind([None], [0.5])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("text", "kind", "priority"),
    [
        ("吃完以后食物中毒，进了医院", "complaint", Priority.URGENT),
        ("充电器起火了", "complaint", Priority.URGENT),
        ("地太滑，我摔伤了", "complaint", Priority.URGENT),
        ("再不处理我就起诉你们", "complaint", Priority.URGENT),
        ("信用卡被盗刷了两万", "complaint", Priority.URGENT),
        ("我要报警", "complaint", Priority.URGENT),
        ("钱扣了但是转账失败", "complaint", Priority.HIGH),
        ("订单一直没送到", "complaint", Priority.HIGH),
        ("手机银行登录不上，系统崩溃了", "complaint", Priority.HIGH),
        ("上菜有点慢", "complaint", Priority.NORMAL),
        ("请问怎么开通网银？", "inquiry", Priority.NORMAL),
        ("建议增加夜间模式", "suggestion", Priority.SUGGESTION),
        ("服务很好", "praise", Priority.NONE),
        ("幸好没有受伤，但是餐厅地面太滑", "complaint", Priority.NORMAL),
        ("保安及时报警，非常感谢", "praise", Priority.NONE),
        ("账户被冻结了怎么办", "inquiry", Priority.HIGH),
        ("我要投诉，催收天天打电话给我父母", "complaint", Priority.URGENT),
        ("您好，请问分期怎么办理？谢谢", "inquiry", Priority.NORMAL),
        ("微博抽奖活动开始了", "other", Priority.NONE),
        ("服務員態度很差，我要起訴", "complaint", Priority.URGENT),
    ],
)
def test_priority_rules(text: str, kind: str, priority: Priority) -> None:
    assert grade_priority([text], [kind]) == [priority]


def test_priority_from_sentiment_and_respond_within() -> None:
    out = grade_priority(["吃完食物中毒了", "钱扣了但是转账失败", "上菜有点慢", "很好吃"],
                         sentiment_probs=[0.02, 0.05, 0.3, 0.95])
    assert [p.value for p in out] == ["urgent", "high", "normal", "none"]
    assert out[0] == "urgent" and str(out[0]) == "urgent"
    assert [p.respond_within for p in out] == [timedelta(hours=1), timedelta(hours=4), timedelta(hours=24), None]
    assert Priority.SUGGESTION.respond_within == timedelta(days=7)
    assert Priority.SUGGESTION.business_days == 5 and Priority.NORMAL.business_days is None


def test_due_by_counts_working_days() -> None:
    friday = datetime(2025, 1, 3, 10, 0)
    assert Priority.SUGGESTION.due_by(friday) == datetime(2025, 1, 10, 10, 0)
    assert Priority.URGENT.due_by(friday) == datetime(2025, 1, 3, 11, 0)
    assert Priority.NONE.due_by(friday) is None


def test_priority_reasons_name_the_rule_and_the_clause() -> None:
    texts = ["昨天，信用卡被盗刷了两万，银行不管", "转账失败，钱扣了对方没收到", "上菜有点慢",
             "建议增加夜间模式", "谢谢你们"]
    out = explain_priority(texts, ["complaint", "complaint", "complaint", "suggestion", "praise"])
    assert out[0] == (Priority.URGENT, "欺诈或盗刷：信用卡被盗刷了两万")
    assert out[1][0] is Priority.HIGH and out[1][1].startswith("资金损失：")
    assert [p.value for p, _ in out[2:]] == ["normal", "suggestion", "none"]
    assert all(reason for _, reason in out)
    raised = explain_priority(["上菜有点慢"], ["complaint"], tiers=["vip"])[0]
    assert raised[0] is Priority.HIGH and "vip" in raised[1]
    assert raise_for_tier(Priority.NONE, "svip") is Priority.NONE  # praise needs no answer, whoever wrote it


def test_tier_raises_and_cap() -> None:
    assert raise_for_tier(Priority.NORMAL, "VIP") is Priority.HIGH
    assert raise_for_tier("suggestion", "svip") is Priority.HIGH
    assert raise_for_tier("high", "svip") is Priority.HIGH  # capped: urgent is kept for safety/legal cases
    assert raise_for_tier("urgent", None) is Priority.URGENT
    assert raise_for_tier("normal", "unknown") is Priority.NORMAL
    assert raise_for_tier("normal", float("nan")) is Priority.NORMAL  # type: ignore[arg-type]
    out = grade_priority(["上菜有点慢", "上菜有点慢"], ["complaint", "complaint"], tiers=["vip", None])
    assert out == [Priority.HIGH, Priority.NORMAL]


def test_rules_are_data_and_configurable() -> None:
    d = json.loads(json.dumps(DEFAULT_RULES.to_dict(), ensure_ascii=False))
    assert PriorityRules.from_dict(d) == DEFAULT_RULES
    custom = PriorityRules.from_dict({"urgent": [["outage", "全行停机"]], "tier_raises": {"gold": 2},
                                      "tier_cap": "urgent"})
    assert grade_priority(["全行停机"], ["complaint"], rules=custom) == [Priority.URGENT]
    assert grade_priority(["食物中毒"], ["complaint"], rules=custom) == [Priority.NORMAL]
    assert raise_for_tier("high", "gold", custom) is Priority.URGENT


def test_priority_bad_input() -> None:
    with pytest.raises(ValueError, match="kinds= or sentiment_probs="):
        grade_priority(["x"])
    with pytest.raises(ValueError, match="not one of"):
        grade_priority(["x"], ["angry"])
    with pytest.raises(ValueError, match="texts but"):
        grade_priority(["x"], ["complaint"], tiers=["vip", "vip"])
    with pytest.raises(ValueError, match="regex"):
        PriorityRules(urgent=(("bad", "("),))
    with pytest.raises(ValueError):
        PriorityRules(tier_cap="asap")
    with pytest.raises(ValueError):
        Priority("asap")


def test_intent_model_heads_have_their_own_settings_and_round_trip(tmp_path: Any) -> None:
    from feedback_nlp.classify.intent_model import IntentModel

    m = IntentModel(C=8.0, class_weight=None, severity_C=2.0, severity_class_weight="balanced")
    cfg = m.get_config()
    assert (cfg["C"], cfg["class_weight"], cfg["severity_C"], cfg["severity_class_weight"]) == (
        8.0, None, 2.0, "balanced")
    clf = fn.load()
    texts = ["信用卡被盗刷了两万", "请问分期怎么办理", "建议增加夜间模式", "客服态度很好谢谢", "转账失败了钱没到账",
             "app又闪退了"] * 5
    kinds = ["complaint", "inquiry", "suggestion", "praise", "complaint", "complaint"] * 5
    prios = ["urgent", "normal", "suggestion", "none", "high", "normal"] * 5
    m.fit(texts, clf.sentiment, kinds, prios)
    assert m.kind_head_.class_weight is None and m.severity_head_ is not None
    assert m.severity_head_.class_weight == "balanced" and m.severity_head_.C == 2.0
    m.save(tmp_path)
    back = IntentModel.load(tmp_path)
    assert back.get_config() == m.get_config()


def test_a_complaint_graded_urgent_or_high_reads_negative() -> None:
    """The labelling guide: a problem the company created is negative, even told flatly (issue 13)."""
    for text in ("信用卡被盗刷了两万", "转账失败了，钱扣了对方没收到"):
        r = fn.classify(text)
        assert r.kind == "complaint" and r.priority in (Priority.URGENT, Priority.HIGH)
        assert r.sentiment.label == "negative" and r.sentiment.probabilities["neutral"] == 0.0
    r = fn.classify("请问信用卡分期怎么办理？")
    assert r.sentiment.label == "neutral"


def _small_intent_model() -> Any:
    from feedback_nlp.classify.intent_model import IntentModel

    clf = fn.load()
    texts = ["信用卡被盗刷了两万", "请问分期怎么办理", "建议增加夜间模式", "客服态度很好谢谢", "转账失败了钱没到账",
             "app又闪退了"] * 5
    kinds = ["complaint", "inquiry", "suggestion", "praise", "complaint", "complaint"] * 5
    prios = ["urgent", "normal", "suggestion", "none", "high", "normal"] * 5
    return IntentModel(n_features=2**16).fit(texts, clf.sentiment, kinds, prios), clf


def test_severity_offsets_match_their_simulation_and_round_trip(tmp_path: Any) -> None:
    """The priorities the model gives with offsets are those simulate_priorities computes from its inputs, a large
    urgent offset grades every complaint and inquiry urgent, praise stays none, and the offsets are saved."""
    from feedback_nlp.classify.intent_model import IntentModel, simulate_priorities
    from feedback_nlp.classify.sentiment import prepare

    m, clf = _small_intent_model()
    docs = prepare(["网点排队太久了", "请问怎么开通网银", "谢谢小王的耐心", "账户被冻结了", "建议多开窗口"])
    inputs = m.severity_inputs(docs, clf.sentiment)
    assert inputs.margins.shape == (5, 3) and set(inputs.classes) == {"urgent", "high", "normal"}
    for offsets in (None, {"urgent": 0.5}, {"urgent": 50.0, "high": 1.0}):
        m.severity_offsets_ = offsets
        got = [str(p) for p, _ in m.predict_prepared(docs, clf.sentiment)[1]]
        assert got == simulate_priorities(inputs, offsets).tolist()
    kinds = inputs.kinds
    assert all(p == "urgent" for p, k in zip(got, kinds) if k in ("complaint", "inquiry"))
    assert all(p == "none" for p, k in zip(got, kinds) if k in ("praise", "other"))
    m.save(tmp_path)
    assert IntentModel.load(tmp_path).severity_offsets_ == {"urgent": 50.0, "high": 1.0}


@pytest.mark.parametrize("bad", [{"critical": 1.0}, {"urgent": "1"}, {"urgent": float("nan")}, [1.0], {"high": True},
                                 {"urgent": 1e9}])
def test_bad_severity_offsets_in_a_file_are_refused(tmp_path: Any, bad: Any) -> None:
    from feedback_nlp.classify.intent_model import IntentModel
    from tests.classify.edited_files import assert_edit_refused

    m, _ = _small_intent_model()
    assert_edit_refused(m, tmp_path, "intent.json", "severity_offsets", bad, IntentModel.load, "severity_offsets")


def test_choose_severity_offsets_trades_precision_for_recall_within_the_floor() -> None:
    from feedback_nlp.classify.intent_model import SeverityInputs, choose_severity_offsets, simulate_priorities

    rng = np.random.default_rng(0)
    n = 200
    truth = rng.choice(["urgent", "high", "normal"], size=n, p=[0.15, 0.25, 0.6])
    # margins that lean to the truth but under-call urgent and high
    margins = rng.normal(0.0, 1.0, size=(n, 3))
    cls = ("high", "normal", "urgent")
    margins[np.arange(n), [cls.index(t) for t in truth]] += 1.0
    margins[:, 1] += 0.8
    x = SeverityInputs(("complaint",) * n, ("normal",) * n, margins, cls)
    for floor in (0.5, 0.7):
        off = choose_severity_offsets(x, truth.tolist(), min_precision=floor)
        pred = simulate_priorities(x, off)
        flagged, hot = np.isin(pred, ("urgent", "high")), np.isin(truth, ("urgent", "high"))
        base = np.isin(simulate_priorities(x), ("urgent", "high"))
        assert (flagged & hot).sum() >= (base & hot).sum()  # recall never falls
        if off != {"urgent": 0.0, "high": 0.0}:
            assert (flagged & hot).sum() / flagged.sum() >= floor
    # nothing to gain: all offsets zero
    assert choose_severity_offsets(x.take(range(0)), [], 0.6) == {"urgent": 0.0, "high": 0.0}
    gathered = SeverityInputs.gather([([1, 0], x.take([0, 1]))], 2)
    assert gathered.kinds == ("complaint", "complaint") and np.allclose(gathered.margins[0], x.margins[1])


def test_a_service_message_graded_praise_reads_positive() -> None:
    """The labelling guide reads praise as positive; reviews keep their binary reading (issue 13)."""
    from feedback_nlp.classify.classifier import praise_reads_positive

    for text in ("感谢客服小李，问题解决了", "谢谢小王的耐心解答"):
        r = fn.classify(text)
        assert r.kind == "praise" and r.sentiment.label == "positive" and r.sentiment.score > 0.5
    probs = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1], [0.6, 0.3, 0.1]])
    got = praise_reads_positive(probs, ["praise", "praise", "complaint"], np.array([0.9, 0.2, 0.9]))
    assert np.allclose(got[0], [0.0, 0.0, 1.0]) and np.allclose(got[1:], probs[1:])
    assert np.allclose(probs[0], [0.6, 0.3, 0.1])  # the input is not changed in place
