"""Result types returned by every classifier: small, frozen, JSON-friendly dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Literal

__all__ = ["SENTIMENT_LABELS", "Classification", "Sentiment", "SentimentLabel", "TopicHit"]

SentimentLabel = Literal["negative", "neutral", "positive"]
#: The three sentiment labels, in the order used by every probability vector.
SENTIMENT_LABELS: tuple[SentimentLabel, SentimentLabel, SentimentLabel] = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Sentiment:
    """Sentiment of one text.

    ``score`` is in [-1, 1] (``2 * P(positive) - 1`` of the calibrated binary model); ``label`` is the arg-max of
    ``probabilities``, which is ``"neutral"`` exactly when ``abs(score) < neutral_threshold`` of the model.

    >>> Sentiment("positive", 0.9, {"negative": 0.03, "neutral": 0.02, "positive": 0.95}).label
    'positive'
    """

    label: SentimentLabel
    score: float
    probabilities: dict[str, float] = field(hash=False, compare=True)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TopicHit:
    """One topic found in a text: ``score`` is its probability in [0, 1]; ``polarity`` is how that part reads."""

    name: str
    score: float
    polarity: SentimentLabel

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Classification:
    """Everything the library says about one text.

    ``kind`` is the primary intent (complaint / praise / suggestion / inquiry / other); ``priority`` one of
    urgent / high / normal / suggestion / none (a :class:`feedback_nlp.classify.intent.Priority`, a ``str``), with
    ``respond_within`` its response deadline (``None`` for none: praise and chatter need no answer) and
    ``priority_reason`` why it was given, in Chinese, e.g. ``"资金损失：钱扣了对方没收到"`` (see
    :mod:`feedback_nlp.classify.intent`).

    >>> import feedback_nlp as fn
    >>> r = fn.classify("快递三天才到，客服态度还很差")
    >>> r.sentiment.label, r.kind, r.topic_names
    ('negative', 'complaint', ('efficiency', 'service_attitude'))
    """

    text: str
    sentiment: Sentiment
    topics: tuple[TopicHit, ...] = ()
    kind: str = "other"
    priority: str = "none"
    respond_within: timedelta | None = None
    priority_reason: str = ""

    @property
    def topic_names(self) -> tuple[str, ...]:
        """Names of the detected topics, in the order of ``topics``."""
        return tuple(t.name for t in self.topics)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON: priority as its name, ``respond_within`` in seconds."""
        return {
            "text": self.text,
            "sentiment": self.sentiment.to_dict(),
            "topics": [t.to_dict() for t in self.topics],
            "kind": self.kind,
            "priority": str(self.priority),
            "respond_within": None if self.respond_within is None else self.respond_within.total_seconds(),
            "priority_reason": self.priority_reason,
        }
