"""The contract every backend (default, retrained, later transformer) must pass."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.results import SENTIMENT_LABELS

TEXTS = ["快递三天才到，客服态度还很差", "房间很干净，前台很热情", "一般", "服務態度很好👍", "质量太差了！！！！"]

#: How far a probability may move with the batch it is scored in. Linear backends compute each text alone (sparse
#: dot products, no reduction across the batch), so they are exactly batch-invariant: tolerance 0. Transformer
#: backends run dense BLAS kernels whose summation order depends on the batch shape, the thread count and the CPU,
#: so their promise is: the same labels, topics, kind and priority, and probabilities within 1e-6.
BATCH_ATOL = {"linear": 0.0, "transformers": 1e-6}


def assert_same_results(got: list[fn.Classification], expected: list[fn.Classification], backend: str) -> None:
    """The batch-invariance contract (see :data:`BATCH_ATOL`): labels equal, probabilities within the tolerance."""
    atol = BATCH_ATOL[backend]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert (g.text, g.sentiment.label, g.topic_names, g.kind, g.priority) == (
            e.text, e.sentiment.label, e.topic_names, e.kind, e.priority)
        if atol == 0.0:
            assert g.sentiment == e.sentiment and g.topics == e.topics
        else:
            for k in SENTIMENT_LABELS:
                assert math.isclose(g.sentiment.probabilities[k], e.sentiment.probabilities[k], rel_tol=0, abs_tol=atol)
            assert math.isclose(g.sentiment.score, e.sentiment.score, rel_tol=0, abs_tol=2 * atol)
            for gh, eh in zip(g.topics, e.topics):
                assert gh.polarity == eh.polarity and math.isclose(gh.score, eh.score, rel_tol=0, abs_tol=atol)


def test_classify_returns_frozen_classification(any_clf: fn.FeedbackClassifier) -> None:
    r = any_clf.classify(TEXTS[0])
    assert isinstance(r, fn.Classification)
    assert r.text == TEXTS[0]
    assert r.sentiment.label in SENTIMENT_LABELS
    assert -1.0 <= r.sentiment.score <= 1.0
    assert isinstance(r.topics, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("text", TEXTS)
def test_probabilities_are_a_distribution_consistent_with_label(any_clf: fn.FeedbackClassifier, text: str) -> None:
    s = any_clf.classify(text).sentiment
    assert set(s.probabilities) == set(SENTIMENT_LABELS)
    assert math.isclose(sum(s.probabilities.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in s.probabilities.values())
    assert s.label == max(s.probabilities, key=lambda k: s.probabilities[k])
    assert (s.score > 0) == (s.probabilities["positive"] > s.probabilities["negative"]) or s.score == 0


def test_obvious_polarity(any_clf: fn.FeedbackClassifier) -> None:
    assert any_clf.classify("房间很干净，服务非常满意").sentiment.score > 0.3
    assert any_clf.classify("质量太差，非常糟糕").sentiment.score < -0.3


@pytest.mark.parametrize("container", [list, tuple, np.array, pd.Series])
def test_batch_accepts_containers_and_keeps_order(any_clf: fn.FeedbackClassifier, container: type) -> None:
    out = any_clf.classify_batch(container(TEXTS), batch_size=2)
    assert [r.text for r in out] == TEXTS
    singles = [any_clf.classify(t) for t in TEXTS]
    assert_same_results(out, singles, any_clf.sentiment.backend)


def test_batch_empty_list(any_clf: fn.FeedbackClassifier) -> None:
    assert any_clf.classify_batch([]) == []


def test_frame_is_a_copy_with_index_kept(any_clf: fn.FeedbackClassifier) -> None:
    df = pd.DataFrame({"text": TEXTS, "channel": list("abcde")}, index=[10, 3, 7, 1, 99])
    out = any_clf.classify_frame(df)
    assert list(out.index) == [10, 3, 7, 1, 99]
    assert "sentiment_label" not in df.columns
    for col in ("sentiment_label", "sentiment_score", "p_negative", "p_neutral", "p_positive", "topics", "channel"):
        assert col in out.columns
    np.testing.assert_allclose(out[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1.0)
    assert out.loc[7, "sentiment_label"] == any_clf.classify(TEXTS[2]).sentiment.label


def test_save_load_round_trip(any_clf: fn.FeedbackClassifier, tmp_path: Path) -> None:
    any_clf.save(tmp_path / "copy")
    again = fn.load(tmp_path / "copy")
    assert [r.sentiment for r in again.classify_batch(TEXTS)] == [r.sentiment for r in any_clf.classify_batch(TEXTS)]
    assert again.meta["format"] == any_clf.meta["format"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_empty_text_is_neutral(any_clf: fn.FeedbackClassifier, blank: str) -> None:
    s = any_clf.classify(blank).sentiment
    assert s.label == "neutral" and s.score == 0.0 and s.probabilities["neutral"] == 1.0


@pytest.mark.parametrize("bad", [None, 123, 1.5, b"\xe5\xa5\xbd", ["a"], {"text": "a"}])
def test_classify_rejects_non_str(any_clf: fn.FeedbackClassifier, bad: object) -> None:
    with pytest.raises(TypeError):
        any_clf.classify(bad)  # type: ignore[arg-type]


def test_batch_missing_rows_raise_with_row_number_or_score_neutral(any_clf: fn.FeedbackClassifier) -> None:
    texts = ["很好", None, "很差", float("nan")]
    with pytest.raises(ValueError, match="row 1"):
        any_clf.classify_batch(texts)
    out = any_clf.classify_batch(texts, errors="neutral")
    assert len(out) == 4
    assert out[1].sentiment.label == "neutral" and out[3].sentiment.label == "neutral"
    assert out[0].text == "很好" and out[2].text == "很差"


def test_batch_rejects_a_single_string_and_non_str_rows(any_clf: fn.FeedbackClassifier) -> None:
    with pytest.raises(TypeError, match="classify\\(\\)"):
        any_clf.classify_batch("很好")
    with pytest.raises(TypeError, match="row 1"):
        any_clf.classify_batch(["很好", 3])
    with pytest.raises(ValueError):
        any_clf.classify_batch(["很好"], batch_size=0)


def test_frame_errors(any_clf: fn.FeedbackClassifier) -> None:
    with pytest.raises(KeyError, match="text_col"):
        any_clf.classify_frame(pd.DataFrame({"body": ["很好"]}))
    with pytest.raises(TypeError):
        any_clf.classify_frame(["很好"])  # type: ignore[arg-type]
    df = pd.DataFrame({"text": ["很好", np.nan]})
    with pytest.raises(ValueError, match="row 1"):
        any_clf.classify_frame(df)
    assert any_clf.classify_frame(df, errors="neutral")["sentiment_label"].iloc[1] == "neutral"


@pytest.mark.parametrize(
    "weird", ["\ud800好评", "好\x00评", "😀😀😀", "服務態度非常好", "ＡＢＣ很好！！！", "\u200b\ufeff很好", "a" * 10]
)
def test_odd_characters_do_not_crash(any_clf: fn.FeedbackClassifier, weird: str) -> None:
    r = any_clf.classify(weird)
    assert r.text == weird.replace("\ud800", "\ufffd")  # the input, lone surrogates replaced (UTF-8-safe)
    assert r.sentiment.label in SENTIMENT_LABELS


def test_one_megabyte_text_is_truncated_not_crashing(any_clf: fn.FeedbackClassifier) -> None:
    big = ("房间很好，" * 200_000)[:1_000_000]
    r = any_clf.classify(big)
    assert r.text == big
    assert r.sentiment.label in SENTIMENT_LABELS


def test_kind_priority_and_deadline(any_clf: fn.FeedbackClassifier) -> None:
    from datetime import timedelta

    from feedback_nlp.classify.intent import KINDS, Priority

    for text in TEXTS:
        r = any_clf.classify(text)
        assert r.kind in KINDS
        assert Priority(r.priority) is not None
        assert r.respond_within == Priority(r.priority).respond_within
        # praise and chatter (priority "none") need no answer: no deadline
        assert isinstance(r.respond_within, timedelta) or (r.priority == "none" and r.respond_within is None)
        assert isinstance(r.priority_reason, str) and r.priority_reason
        d = r.to_dict()
        assert isinstance(d["priority"], str) and isinstance(d["respond_within"], (float, type(None)))
        assert d["priority_reason"] == r.priority_reason
    empty = any_clf.classify("")
    assert (empty.kind, str(empty.priority), empty.topics, empty.respond_within) == ("other", "none", (), None)


def test_topic_hits_are_well_formed(any_clf: fn.FeedbackClassifier) -> None:
    for r in any_clf.classify_batch(TEXTS):
        for hit in r.topics:
            assert isinstance(hit, fn.TopicHit)
            assert 0.0 <= hit.score <= 1.0
            assert hit.polarity in SENTIMENT_LABELS
        assert r.topic_names == tuple(h.name for h in r.topics)


def test_frame_kind_priority_and_tier(any_clf: fn.FeedbackClassifier) -> None:
    df = pd.DataFrame({"text": ["页面有点丑", "页面有点丑", "信用卡被盗刷了两万"], "tier": [None, "vip", "vip"]})
    out = any_clf.classify_frame(df, tier_col="tier")
    for col in ("kind", "priority", "respond_within", "priority_reason", "topic_polarities", "topic_scores"):
        assert col in out.columns
    assert out["priority_reason"].map(lambda s: isinstance(s, str) and len(s) > 0).all()
    plain = any_clf.classify_frame(df)
    assert plain["priority"].iloc[0] == plain["priority"].iloc[1]
    rank = {"none": -1, "suggestion": 0, "normal": 1, "high": 2, "urgent": 3}
    assert rank[out["priority"].iloc[1]] >= rank[plain["priority"].iloc[1]]
    with pytest.raises(KeyError, match="tier_col"):
        any_clf.classify_frame(df, tier_col="nope")
