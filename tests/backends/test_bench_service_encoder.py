"""``benchmarks/bench_service_encoder.py`` on a tiny BERT built here (no download, no shared data)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_service_encoder as bench

from feedback_nlp.backends.transformer import TransformerSentiment
from tests.backends.test_transformer import make_tiny_base

TEXTS = ["客服态度太差了", "转账一直失败", "请问信用卡怎么办理", "网点几点开门", "谢谢客服耐心解答",
         "办理很快很满意"] * 4
LABELS = ["negative", "negative", "neutral", "neutral", "positive", "positive"] * 4


@pytest.mark.filterwarnings("ignore:.*neutral rows.*:UserWarning")  # 4 neutral rows per fold: a binary head
def test_each_fold_is_scored_by_a_model_that_never_saw_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = make_tiny_base(tmp_path / "tiny-bert", TEXTS)
    seen: list[list[str]] = []
    fit = TransformerSentiment.fit

    def recording_fit(self: TransformerSentiment, texts: list[str], labels: Any, **kw: Any) -> TransformerSentiment:
        seen.append(list(texts))
        return fit(self, texts, labels, **kw)

    monkeypatch.setattr(TransformerSentiment, "fit", recording_fit)
    folds = np.arange(len(TEXTS)) % 2
    # num_threads=None: torch's thread count is process-wide, and .ci/run checks its own setting reaches it
    p = bench.out_of_fold(TEXTS, LABELS, folds, str(base), max_length=16, num_threads=None, epochs=1, batch_size=8,
                          lr=1e-3, val_fraction=0.0, early_stopping_patience=None)
    assert p.shape == (len(TEXTS), 3) and np.isfinite(p).all()
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert len(seen) == 2
    for k, train in enumerate(seen):  # fold k's model was fitted on the other fold's rows only
        assert train == [t for t, f in zip(TEXTS, folds) if f != k]


def test_scores_and_crossfit_mean() -> None:
    y = np.array([0, 1, 2, 0, 1, 2, 0, 0])
    perfect = np.eye(3)[y]
    s = bench.scores(y, perfect)
    assert s["accuracy"] == 1.0 and s["macro_f1"] == 1.0 and s["neutral_f1"] == 1.0
    wrong = np.eye(3)[(y + 1) % 3]
    assert bench.scores(y, wrong)["accuracy"] == 0.0
    halves = bench.crossfit_mean(y, perfect, wrong)
    assert len(halves) == 2 and sum(h["rows"] for h in halves) == len(y)
    for h in halves:  # any weight above one half reads the right model; the first such is chosen and scored
        assert h["weight_on_default"] == 0.6 and h["accuracy"] == 1.0
