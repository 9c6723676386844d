"""Edge inputs (issue 14): text that normalises to nothing, punctuation, unordered or ambiguous inputs, training
data too small or with unknown labels."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.training import MIN_ROWS_PER_CLASS, train_sentiment


@pytest.mark.parametrize("text", ["🐶", "\x00", "\u200b", "\ufeff", " \u200b\ufeff ", "\ud800"])
def test_text_that_normalises_to_nothing_scores_like_empty(any_clf: fn.FeedbackClassifier, text: str) -> None:
    s = any_clf.classify(text).sentiment
    assert (s.label, s.score, s.probabilities["neutral"]) == ("neutral", 0.0, 1.0)


@pytest.mark.parametrize("text", ["。", "?", "!!!", "？！", "...", "~", "、，"])
def test_punctuation_only_is_neutral(any_clf: fn.FeedbackClassifier, text: str) -> None:
    s = any_clf.classify(text).sentiment
    assert (s.label, s.score) == ("neutral", 0.0)


def test_lone_surrogates_are_replaced(default_clf: fn.FeedbackClassifier) -> None:
    r = default_clf.classify("服务\ud800很好")
    assert r.text == "服务\ufffd很好"
    json.dumps(r.to_dict(), ensure_ascii=False).encode("utf-8")  # serialisable as UTF-8
    [b] = default_clf.classify_batch(["太差\udfff"])
    assert b.text == "太差\ufffd" and b.sentiment.label == "negative"
    out = default_clf.classify_frame(pd.DataFrame({"text": pd.Series(["\ud83d好"], dtype=object)}))
    assert out["text"].tolist() == ["\ud83d好"]  # the user's column is never changed


@pytest.mark.parametrize("bad", [{"a": "很好"}, {"很好", "太差"}, pd.DataFrame({"text": ["很好"]})])
def test_unordered_or_keyed_batches_raise(default_clf: fn.FeedbackClassifier, bad: object) -> None:
    with pytest.raises(TypeError, match="list"):
        default_clf.classify_batch(bad)


def test_duplicate_text_columns_raise(default_clf: fn.FeedbackClassifier) -> None:
    df = pd.DataFrame([["很好", "太差"]], columns=["text", "text"])
    with pytest.raises(ValueError, match="2 columns named 'text'"):
        default_clf.classify_frame(df)


def test_train_refuses_too_few_rows_per_class() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_ROWS_PER_CLASS}"):
        train_sentiment(["很好", "太差", "不错"], [1, 0, 1])
    texts = [f"很好{i}" for i in range(30)] + [f"太差{i}" for i in range(5)]
    with pytest.raises(ValueError, match="5 negative"):
        train_sentiment(texts, [1] * 30 + [0] * 5)
