"""Checks on the real labelled data (skipped where ../shared/data is absent). Accuracy targets live in benchmarks/."""

from __future__ import annotations

import sys
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


def test_service_labels_and_folds(shared_data: Path) -> None:
    """The labelled service file parses into the labels the model learns, and the CV folds keep every source in
    every fold and near-duplicates together (scripts/train_default_model.py)."""
    import importlib.util

    from feedback_nlp.classify.intent import KINDS, Priority

    path = Path(__file__).resolve().parents[2] / "scripts" / "train_default_model.py"
    spec = importlib.util.spec_from_file_location("_tdm", path)
    assert spec is not None and spec.loader is not None
    tdm = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tdm  # dataclasses look their module up there
    spec.loader.exec_module(tdm)
    rows, questions = tdm.load_service(shared_data)
    assert len(rows) > 1000 and len(questions) > 1000
    assert {r["kind"] for r in rows} <= set(KINDS)
    assert all(Priority(r["priority"]) is not None for r in rows)
    folds = tdm.service_folds(rows, 5, 0)
    for k in range(5):
        assert {r["source"] for r, f in zip(rows, folds) if f == k} == {r["source"] for r in rows}
    groups = tdm.service_groups(rows)
    by_group: dict[str, set[int]] = {}
    for g, f in zip(groups, folds):
        by_group.setdefault(g, set()).add(int(f))
    assert all(len(v) == 1 for v in by_group.values())
