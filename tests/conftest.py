"""Shared fixtures: a tiny model trained here in seconds, the shipped default model, and the shared data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import feedback_nlp as fn
from feedback_nlp.classify.training import train_sentiment

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def read_fixture_reviews() -> tuple[list[str], list[int]]:
    with open(FIXTURES / "reviews_small.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts, labels = read_fixture_reviews()
    clf = train_sentiment(texts, labels, n_features=2**16, min_df=1, calibration_folds=3, C=4.0)
    clf.meta = {"name": "tiny", "version": "0.0.1", "description": "test model"}
    d = tmp_path_factory.mktemp("models") / "tiny"
    clf.save(d)
    return d


@pytest.fixture(scope="session")
def default_clf() -> fn.FeedbackClassifier:
    return fn.load("default")


@pytest.fixture(scope="session", params=["default", "retrained"])
def any_clf(request: pytest.FixtureRequest, tiny_model_dir: Path) -> fn.FeedbackClassifier:
    """Every backend must pass the contract tests."""
    return fn.load("default") if request.param == "default" else fn.load(tiny_model_dir)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "topic_labels_dev.jsonl").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA} (only available in the development workspace)")
    return SHARED_DATA
