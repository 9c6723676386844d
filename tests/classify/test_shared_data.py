"""Checks on the real labelled data (skipped where ../shared/data is absent). Accuracy targets live in benchmarks/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import feedback_nlp as fn
from feedback_nlp.classify.training import evaluate_sentiment, read_table


def test_default_model_on_dev_reviews(shared_data: Path, default_clf: fn.FeedbackClassifier) -> None:
    dev = read_table(shared_data / "topic_labels_dev.jsonl", ["text", "sentiment"])
    sample = dev.groupby("source", group_keys=False).head(100)
    m = evaluate_sentiment(default_clf, sample["text"].tolist(), sample["sentiment"].tolist())
    # The binary part of the shipped model never saw these rows: a sanity floor, not the benchmark.
    assert m["accuracy"] > 0.85
    assert 0.0 <= m["ece"] <= 0.2


def test_read_table_via_datasets(shared_data: Path) -> None:
    df = read_table(shared_data / "topic_labels_dev.jsonl", ["id", "text"])
    assert isinstance(df, pd.DataFrame) and len(df) == 1400
