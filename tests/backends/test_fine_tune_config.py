"""FineTuneConfig: the training-loop settings of the transformer components (no torch needed)."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest

from feedback_nlp.backends.transformer import FineTuneConfig, TransformerSentiment
from feedback_nlp.backends.transformer_topics import TransformerTopics


def test_frozen_with_the_fit_defaults() -> None:
    config = FineTuneConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.lr = 1.0  # type: ignore[misc]
    fit = inspect.signature(TransformerSentiment.fit).parameters
    for f in dataclasses.fields(FineTuneConfig):
        assert fit[f.name].default == getattr(config, f.name), f.name
    topics_fit = inspect.signature(TransformerTopics.fit).parameters
    assert {f.name for f in dataclasses.fields(FineTuneConfig)} <= set(topics_fit)
    assert topics_fit["val_fraction"].default == 0.2  # the topic head holds out more rows


def test_record_keeps_the_training_keys_in_order() -> None:
    assert list(FineTuneConfig().record()) == [
        "epochs", "max_steps", "batch_size", "lr", "seed", "val_fraction", "early_stopping_patience",
        "weight_decay", "warmup_ratio", "group_by_length", "max_seconds"]


@pytest.mark.parametrize(("change", "match"), [({"batch_size": 0}, "positive"), ({"lr": 0.0}, "positive"),
                                               ({"epochs": -1}, "positive"), ({"val_fraction": 1.0}, r"\[0, 1\)")])
def test_check(change: dict[str, Any], match: str) -> None:
    FineTuneConfig().check()
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(FineTuneConfig(), **change).check()
