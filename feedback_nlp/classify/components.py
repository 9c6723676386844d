"""What a classifier is made of: component protocols and the table of component loaders (like spaCy's factories).

A model directory's ``meta.json`` lists its ``components`` (``sentiment``, optionally ``topics``) and, per component,
the backend that wrote it (``component_backends``: ``{"sentiment": "linear", "topics": "transformers"}``).
:func:`component_class` finds the class that loads a ``(component, backend)`` pair:

1. classes registered at run time with :func:`register_component`;
2. the built-in linear components (:class:`~feedback_nlp.classify.sentiment.SentimentModel`,
   :class:`~feedback_nlp.classify.topics.TopicModel`);
3. the ``feedback_nlp.components`` entry-point group: installed backends register themselves there
   (``feedback_nlp.backends`` declares ``sentiment/transformers`` and ``topics/transformers`` in ``pyproject.toml``),
   so the classifier never imports a backend by name, and a third-party package can add one.

>>> component_class("sentiment", "linear").__name__
'SentimentModel'
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .results import Sentiment, TopicHit

__all__ = [
    "ENTRY_POINT_GROUP",
    "NotFittedError",
    "SentimentComponent",
    "TopicComponent",
    "component_class",
    "register_component",
]

#: The entry-point group in which installed backends register their component classes (``"<component>/<backend>"``).
ENTRY_POINT_GROUP = "feedback_nlp.components"

_BUILTIN = {
    "sentiment/linear": "feedback_nlp.classify.sentiment:SentimentModel",
    "topics/linear": "feedback_nlp.classify.topics:TopicModel",
    "intent/linear": "feedback_nlp.classify.intent_model:IntentModel",
}
_registered: dict[str, Any] = {}
_lock = threading.Lock()


class NotFittedError(RuntimeError):
    """A component was used before ``fit()`` or ``load()`` (scikit-learn's ``NotFittedError``, for our models).

    >>> str(NotFittedError("SentimentModel"))
    'this SentimentModel is not fitted; call fit() or SentimentModel.load(dir)'
    """

    def __init__(self, name: str) -> None:
        super().__init__(f"this {name} is not fitted; call fit() or {name}.load(dir)")


@runtime_checkable
class SentimentComponent(Protocol):
    """What :class:`~feedback_nlp.classify.classifier.FeedbackClassifier` needs from a sentiment component."""

    backend: str

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...

    def positive_probability(self, texts: Sequence[str]) -> np.ndarray: ...

    def predict_proba_prepared(self, docs: Sequence[str]) -> np.ndarray: ...

    def prepared_positive_probability(self, docs: Sequence[str]) -> np.ndarray: ...

    def sentiments_from_proba(self, probs: np.ndarray) -> list[Sentiment]: ...

    def get_config(self) -> dict[str, Any]: ...

    def save(self, directory: str | Path) -> None: ...


@runtime_checkable
class TopicComponent(Protocol):
    """What :class:`~feedback_nlp.classify.classifier.FeedbackClassifier` needs from a topic component."""

    backend: str

    @property
    def topics_(self) -> Sequence[str]: ...

    def predict_hits_prepared(self, docs: Sequence[str], sentiment_model: Any = None) -> list[tuple[TopicHit, ...]]:
        ...

    def save(self, directory: str | Path) -> None: ...


def register_component(component: str, backend: str, cls: Any) -> None:
    """Register ``cls`` (a class with ``load(directory)``, or ``"module:attr"``) for ``(component, backend)``.

    >>> register_component("topics", "my-topics", "feedback_nlp.classify.topics:TopicModel")
    >>> component_class("topics", "my-topics").__name__
    'TopicModel'
    """
    with _lock:
        _registered[f"{component}/{backend}"] = cls


def _resolve(target: Any) -> Any:
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)
    return target


def component_class(component: str, backend: str) -> Any:
    """The class that loads ``component`` written by ``backend``; a clear error when none is installed."""
    key = f"{component}/{backend}"
    with _lock:
        target = _registered.get(key) or _BUILTIN.get(key)
    if target is None:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == key]
        if found:
            return found[0].load()
        known = sorted({*_BUILTIN, *_registered, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})
        raise ValueError(
            f"no loader for the {component!r} component of backend {backend!r} (known: {known}); install the "
            f'package that provides it (for "transformers": pip install "feedback_nlp[transformers]") '
            "or register it with feedback_nlp.classify.components.register_component"
        )
    return _resolve(target)
