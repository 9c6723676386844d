"""The register model the kind / priority heads read, and the sentiment a service message's kind implies."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.classifier import harm_reads_negative, praise_reads_positive, service_sentiment
from feedback_nlp.classify.intent import Priority
from feedback_nlp.classify.intent_model import (
    IntentModel,
    blend_kind_sentiment,
    choose_kind_sentiment_weight,
    fit_register,
)
from feedback_nlp.classify.modelfiles import ModelFormatError
from feedback_nlp.classify.sentiment import prepare
from tests.classify.edited_files import assert_edit_refused

_TEXTS = ["信用卡被盗刷了两万", "请问分期怎么办理", "建议增加夜间模式", "客服态度很好谢谢", "转账失败了钱没到账",
          "app又闪退了", "有没有人知道这卡好不好批", "我也是上周下的卡"] * 4
_KINDS = ["complaint", "inquiry", "suggestion", "praise", "complaint", "complaint", "other", "other"] * 4
_PRIOS = ["urgent", "normal", "suggestion", "none", "high", "normal", "none", "none"] * 4
_SENTS = ["negative", "neutral", "neutral", "positive", "negative", "negative", "neutral", "neutral"] * 4
_REG_TEXTS = ["有没有人知道这卡好不好批", "我也是上周下的卡", "楼主说得对", "这个额度还行吧",
              "银行乱扣费要求退款", "客服推来推去不解决", "被催收骚扰要求处理", "私自扣款请退还"] * 5
_REGS = ["forum"] * 4 + ["complaint_platform"] * 4
_REGS = _REGS * 5


@pytest.fixture(scope="module")
def fitted() -> tuple[IntentModel, Any]:
    clf = fn.load()
    register = fit_register(_REG_TEXTS, _REGS, n_features=2**16, min_df=1)
    m = IntentModel(n_features=2**16).fit(_TEXTS, clf.sentiment, _KINDS, _PRIOS, sentiments=_SENTS,
                                          register_head=register)
    return m, clf


def test_fit_register_learns_the_platforms_and_refuses_bad_input() -> None:
    h = fit_register(_REG_TEXTS, _REGS, n_features=2**16, min_df=1)
    assert h.classes_.tolist() == ["complaint_platform", "forum"]
    p = h.predict_proba(prepare(["楼主说得对", "乱扣费要求退款"]), np.zeros((2, 0)))
    assert p[0, 1] > 0.5 > p[1, 1]
    with pytest.raises(ValueError, match="at least two registers"):
        fit_register(["a", "b"], ["forum", "forum"])
    with pytest.raises(ValueError, match="registers"):
        fit_register(["a", "b"], ["forum"])


def test_the_heads_read_the_register_and_the_table_is_p_sentiment_given_kind(fitted: Any) -> None:
    m, clf = fitted
    assert m.register_head_ is not None
    n_plain = clf.sentiment.stacked_features(prepare(["你好"])).shape[1]
    assert len(m.kind_head_.mean_) == n_plain + 2 + len(m.rules.urgent) + len(m.rules.high)
    table = m.sentiment_given_kind_
    assert table is not None and table.shape == (len(m.kind_head_.classes_), 3)
    assert np.allclose(table.sum(axis=1), 1.0)
    row = list(m.kind_head_.classes_).index("complaint")
    assert table[row].argmax() == 0  # complaints read negative in the labels
    implied = m.implied_sentiment(np.eye(len(m.kind_head_.classes_)))
    assert implied is not None and np.allclose(implied, table)


def test_read_prepared_agrees_with_predict_prepared(fitted: Any) -> None:
    m, clf = fitted
    docs = prepare(["网点排队太久了", "请问怎么开通网银", "谢谢小王的耐心", "账户被冻结了", "有没有人用过这张卡"])
    r = m.read_prepared(docs, clf.sentiment)
    kinds, priorities = m.predict_prepared(docs, clf.sentiment)
    assert list(r.kinds) == kinds and list(r.priorities) == priorities
    assert r.kind_proba.shape == (5, len(r.kind_classes)) and np.allclose(r.kind_proba.sum(axis=1), 1.0)
    empty = m.read_prepared([], clf.sentiment)
    assert empty.kinds == () and empty.kind_proba.shape == (0, len(empty.kind_classes))


def _save(m: IntentModel, path: Any, weight: float = 0.0) -> dict[str, Any]:
    """Save ``m`` with kind-sentiment ``weight`` (the shared fixture keeps 0) and return the saved intent.json."""
    m.kind_sentiment_weight_ = weight
    try:
        m.save(path)
    finally:
        m.kind_sentiment_weight_ = 0.0
    state: dict[str, Any] = json.loads((path / "intent.json").read_text(encoding="utf-8"))
    return state


def _rewrite(path: Any, state: dict[str, Any]) -> None:
    (path / "intent.json").write_text(json.dumps(state), encoding="utf-8")


def test_register_and_kind_sentiment_round_trip(fitted: Any, tmp_path: Any) -> None:
    m, clf = fitted
    _save(m, tmp_path, 0.6)
    back = IntentModel.load(tmp_path)
    assert back.kind_sentiment_weight_ == 0.6
    assert back.register_head_ is not None and back.register_head_.classes_.tolist() == ["complaint_platform", "forum"]
    assert back.sentiment_given_kind_ is not None
    assert np.allclose(back.sentiment_given_kind_, m.sentiment_given_kind_)
    docs = prepare(["楼主说得对", "银行乱扣费要求退款", "请问怎么开通网银"])
    a, b = m.read_prepared(docs, clf.sentiment), back.read_prepared(docs, clf.sentiment)
    assert a.kinds == b.kinds and np.allclose(a.kind_proba, b.kind_proba, atol=1e-5)


@pytest.mark.parametrize("field, bad", [
    ("kind_sentiment_weight", 1.5), ("kind_sentiment_weight", -0.1), ("kind_sentiment_weight", "0.5"),
    ("kind_sentiment_weight", True), ("sentiment_given_kind", [[0.5, 0.5, 0.0]]),
    ("sentiment_given_kind", "x"), ("sentiment_given_kind", None),
])
def test_bad_kind_sentiment_in_a_file_is_refused(fitted: Any, tmp_path: Any, field: str, bad: Any) -> None:
    state = _save(fitted[0], tmp_path, 0.5)
    state[field] = bad
    _rewrite(tmp_path, state)
    with pytest.raises(ModelFormatError, match=r"kind_sentiment_weight|sentiment_given_kind"):
        IntentModel.load(tmp_path)


def test_a_table_whose_rows_do_not_sum_to_one_is_refused(fitted: Any, tmp_path: Any) -> None:
    state = _save(fitted[0], tmp_path)
    state["sentiment_given_kind"][0] = [0.9, 0.9, 0.9]
    _rewrite(tmp_path, state)
    with pytest.raises(ModelFormatError, match="summing to 1"):
        IntentModel.load(tmp_path)


def test_older_intent_files_without_the_new_parts_still_load(fitted: Any, tmp_path: Any) -> None:
    _, clf = fitted
    plain = IntentModel(n_features=2**16).fit(_TEXTS, clf.sentiment, _KINDS, _PRIOS)
    state = _save(plain, tmp_path)
    for key in ("register_head", "sentiment_given_kind", "kind_sentiment_weight"):
        state.pop(key)
    _rewrite(tmp_path, state)
    back = IntentModel.load(tmp_path)
    assert back.register_head_ is None and back.sentiment_given_kind_ is None and back.kind_sentiment_weight_ == 0.0
    assert back.implied_sentiment(np.ones((1, len(back.kind_head_.classes_)))) is None


def test_blend_moves_service_messages_only_and_checks_the_weight() -> None:
    probs = np.array([[0.2, 0.8, 0.0], [0.2, 0.8, 0.0]])
    implied = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    out = blend_kind_sentiment(probs, implied, np.array([1.0, 0.0]), 0.5)
    assert np.allclose(out, [[0.6, 0.4, 0.0], [0.2, 0.8, 0.0]])  # a review (P(service) 0) keeps its reading
    assert blend_kind_sentiment(probs, implied, np.array([1.0, 1.0]), 0.0) is probs
    assert np.allclose(blend_kind_sentiment(probs, implied, np.array([1.0, 1.0]), 1.0), implied)
    for bad in (-0.1, 1.1, float("nan")):
        with pytest.raises(ValueError, match="weight"):
            blend_kind_sentiment(probs, implied, np.array([1.0, 1.0]), bad)


def test_service_sentiment_blends_then_applies_the_kind_rules() -> None:
    probs = np.array([[0.3, 0.6, 0.1], [0.5, 0.3, 0.2], [0.1, 0.8, 0.1]])
    kinds = ["complaint", "praise", "inquiry"]
    prios = [Priority.HIGH, Priority.NONE, Priority.NORMAL]
    g = np.array([0.9, 0.9, 0.9])
    no_blend = service_sentiment(probs, kinds, prios, g)
    assert np.allclose(no_blend, praise_reads_positive(harm_reads_negative(probs, kinds, prios), kinds, g))
    implied = np.array([[0.9, 0.1, 0.0], [0.0, 0.1, 0.9], [0.5, 0.5, 0.0]])
    out = service_sentiment(probs, kinds, prios, g, implied, 1.0)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[2, 0] > probs[2, 0]  # the inquiry moved towards what inquiries imply
    assert np.allclose(service_sentiment(probs, kinds, prios, None, implied, 1.0),
                       harm_reads_negative(probs, kinds, prios))  # no domain model: nothing blended


def test_choose_kind_sentiment_weight_takes_the_best_and_the_smaller_on_ties() -> None:
    truth = ["negative", "neutral", "positive", "neutral"]

    def final(w: float) -> list[str]:
        return truth if 0.3 <= w <= 0.7 else ["negative"] * 4

    assert choose_kind_sentiment_weight(final, truth) == 0.3
    assert choose_kind_sentiment_weight(lambda w: ["neutral"] * 4, truth) == 0.0
    assert choose_kind_sentiment_weight(lambda w: [], []) == 0.0
    with pytest.raises(ValueError, match="predictions"):
        choose_kind_sentiment_weight(lambda w: ["neutral"], truth)


def test_the_default_model_reads_a_forum_chat_and_a_complaint_apart() -> None:
    """The shipped model has the register model and the kind-sentiment blend (retrained with them)."""
    clf = fn.load()
    intent = clf.intent
    assert intent is not None and intent.register_head_ is not None and intent.sentiment_given_kind_ is not None
    assert 0.0 <= intent.kind_sentiment_weight_ <= 1.0
    complaint = clf.classify("招商银行信用卡乱扣年费，打客服电话推来推去，要求退还")
    assert complaint.kind == "complaint" and complaint.sentiment.label == "negative"
    question = clf.classify("请问信用卡分期怎么办理？")
    assert question.kind == "inquiry" and question.sentiment.label == "neutral"


# ---------------------------------------------------------------- topics: the register recalibration
def test_recalibrate_identity_rows_and_reviews_keep_their_probabilities() -> None:
    from feedback_nlp.classify.topics import recalibrate

    p = np.array([[0.2, 0.7], [0.2, 0.7]])
    reg = np.array([[1.0, 0.0], [0.0, 1.0]])
    identity = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    assert np.allclose(recalibrate(p, reg, np.array([1.0, 1.0]), identity), p)
    boost = np.array([[1.0, 3.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    out = recalibrate(p, reg, np.array([1.0, 0.0]), boost)
    assert out[0, 0] > 0.8 and np.allclose(out[0, 1], 0.7)  # register 0 raises topic 0 of the service text
    assert np.allclose(out[1], p[1])  # P(service) 0: a review is left alone


def _shipped_topics_with_calibration() -> tuple[Any, Any, np.ndarray]:
    import copy

    clf = fn.load()
    assert clf.intent is not None and clf.intent.register_head_ is not None
    m = copy.deepcopy(clf.topics)
    names = tuple(str(c) for c in clf.intent.register_head_.classes_)
    rows = np.zeros((len(m.topics_), len(names) + 2))
    rows[:, 0] = 1.0
    m.service_calibration_, m.service_registers_ = rows, names
    return clf, m, rows


def test_topic_recalibration_applies_with_the_register_and_round_trips(tmp_path: Any) -> None:
    from feedback_nlp.classify.topics import TopicModel

    clf, m, rows = _shipped_topics_with_calibration()
    docs = prepare(["客服推来推去，等了两个小时", "app闪退登不上", "房间很干净"])
    reg = clf.intent.register_proba(docs)
    g = clf.sentiment.domain_probability(docs)
    plain = m.predict_hits_prepared(docs, clf.sentiment, domain=g)
    assert m.predict_hits_prepared(docs, clf.sentiment, domain=g, register=reg) == plain  # identity rows
    j = list(m.topics_).index("product_defect")
    m.service_calibration_ = rows.copy()
    m.service_calibration_[j, -1] = -50.0  # a recalibration that rules the topic out for service messages
    hits = m.predict_hits_prepared(docs, clf.sentiment, domain=np.ones(3), register=reg)
    assert all(h.name != "product_defect" for hs in hits for h in hs)
    with pytest.raises(ValueError, match="register probabilities"):
        m.predict_hits_prepared(docs, clf.sentiment, domain=g, register=reg[:, :2])
    m.save(tmp_path)
    back = TopicModel.load(tmp_path)
    assert back.service_registers_ == m.service_registers_
    assert back.service_calibration_ is not None and np.allclose(back.service_calibration_, m.service_calibration_)


@pytest.mark.parametrize("bad", [
    {"registers": [], "rows": []}, {"registers": ["a"], "rows": [[1.0, 0.0]]}, [1.0],
    {"registers": ["a", 1], "rows": [[1.0, 0.0, 0.0, 0.0]] * 3},
    {"registers": ["a"], "rows": [[1.0, float("nan"), 0.0]] * 3},
    {"registers": ["a"], "rows": [[1.0, 1e9, 0.0]] * 3},
])
def test_bad_topic_recalibration_in_a_file_is_refused(tmp_path: Any, bad: Any) -> None:
    from feedback_nlp.classify.topics import TopicModel

    _, m, _ = _shipped_topics_with_calibration()
    assert_edit_refused(m, tmp_path, "topics.json", "service_calibration", bad, TopicModel.load, "service_calibration")


def test_a_model_whose_topics_expect_other_registers_is_refused(tmp_path: Any) -> None:
    clf, m, rows = _shipped_topics_with_calibration()
    m.service_registers_ = tuple(f"other_{i}" for i in range(rows.shape[1] - 2))
    clf.topics = m
    clf.save(tmp_path / "model")
    with pytest.raises(ModelFormatError, match="registers"):
        fn.load(tmp_path / "model")


def test_choose_service_calibration_keeps_a_register_that_tells_and_drops_one_that_does_not() -> None:
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "train_default_topics.py"
    spec = importlib.util.spec_from_file_location("_tdt_for_test", path)
    assert spec is not None and spec.loader is not None
    tdt = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tdt
    spec.loader.exec_module(tdt)
    rng = np.random.default_rng(0)
    n = 400
    platform = rng.integers(0, 2, size=n)  # on platform 1 the topic is common, on platform 0 rare
    y = rng.random(n) < np.where(platform == 1, 0.6, 0.05)
    proba = np.clip(0.35 + 0.2 * y + rng.normal(0, 0.15, size=(n, 1)).ravel(), 0.01, 0.99)
    p2 = np.c_[proba, proba]
    register = np.c_[platform, 1 - platform].astype(float)
    service = [{"source": "s", "kind": "complaint", "text": f"t{i}", "topics": {"a": "negative"} if y[i] else {}}
               for i in range(n)]
    rows, out = tdt.choose_service_calibration(p2[:, :1], register, np.ones(n), service, ["a"])
    assert rows.shape == (1, 4) and np.abs(rows[0, 1:3]).sum() > 0.5  # the telling register is used
    assert out.shape == (n, 1)
    few = [{**r, "topics": {}} for r in service]  # fewer than 10 positives: left as it is
    few[0]["topics"] = {"a": "negative"}
    rows2, out2 = tdt.choose_service_calibration(p2[:, :1], register, np.ones(n), few, ["a"])
    assert np.allclose(rows2[0], [1.0, 0.0, 0.0, 0.0]) and np.allclose(out2, p2[:, :1])
