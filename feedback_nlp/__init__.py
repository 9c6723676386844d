"""feedback_nlp — Chinese customer-feedback analysis: sentiment, topics, co-occurrence, volume forecasts.

>>> import feedback_nlp as fn
>>> r = fn.classify("快递三天才到，客服态度还很差")
>>> r.sentiment.label
'negative'

Importing is cheap: the default model loads on the first call, once, thread-safe.

The package is laid out by capability (dependencies point one way, top to bottom):

- ``feedback_nlp.text``: normalisation, negation, n-gram features, the jieba tokenizer;
- ``feedback_nlp.classify``: the classifier, its components (sentiment, topics, kind, priority), the model registry;
- ``feedback_nlp.backends``: optional transformer components, found through the component registry;
- ``feedback_nlp.insights``: co-occurrence, forecasting, terms, alerts, scores, heatmap, report, plotting;
- ``feedback_nlp.scale``: the HTTP service and Dask;
- ``feedback_nlp.cli``: the ``feedback-nlp`` command, one module per command group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._docs import shared_params
from ._validation import ErrorPolicy
from .classify.classifier import FeedbackClassifier
from .classify.intent import Priority, PriorityRules, classify_kind, grade_priority, raise_for_tier
from .classify.labels import display_name
from .classify.modelfiles import ModelFormatError
from .classify.registry import available_models, default_classifier, load
from .classify.results import Classification, Sentiment, TopicHit
from .classify.sentiment import SentimentModel
from .classify.topics import TopicModel
from .insights import plotting
from .insights.alerts import sentiment_alerts
from .insights.cooccurrence import mine_cooccurrence, plot_rules, rule_chains, transactions_from_frame
from .insights.customers import rfm
from .insights.forecast import (
    ForecastWarning,
    VolumeForecast,
    backtest_volume,
    count_volume,
    forecast_volume,
    forecast_volumes,
)
from .insights.heatmap import heatmap
from .insights.report import report
from .insights.scores import csat, nps, underperformers
from .insights.spread import Spread, spread
from .insights.terms import emerging_terms, keywords, term_clusters, top_issues
from .text.normalize import normalize

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__version__ = "0.1.0"

__all__ = [
    "Classification",
    "FeedbackClassifier",
    "Sentiment",
    "SentimentModel",
    "TopicModel",
    "Priority",
    "PriorityRules",
    "classify_kind",
    "grade_priority",
    "raise_for_tier",
    "TopicHit",
    "__version__",
    "available_models",
    "classify",
    "classify_batch",
    "classify_frame",
    "load",
    "normalize",
    "score_sentiment",
    "mine_cooccurrence",
    "transactions_from_frame",
    "rule_chains",
    "plot_rules",
    "count_volume",
    "forecast_volume",
    "forecast_volumes",
    "backtest_volume",
    "VolumeForecast",
    "ForecastWarning",
    "plotting",
    "keywords",
    "top_issues",
    "emerging_terms",
    "term_clusters",
    "sentiment_alerts",
    "nps",
    "csat",
    "underperformers",
    "heatmap",
    "report",
    "ModelFormatError",  # issue 14: a damaged / incomplete model directory
    "rfm",
    "spread",
    "Spread",
    # issue 16: display names of labels (Chinese by default)
    "display_name",
]


def classify(text: str) -> Classification:
    """Classify one text with the default model.

    >>> classify("不算太差").sentiment.label in ("neutral", "positive")
    True
    """
    return default_classifier().classify(text)


@shared_params("batch_size", "progress", "errors")
def classify_batch(
    texts: Any, batch_size: int = 1024, progress: bool = False, errors: ErrorPolicy = "raise"
) -> list[Classification]:
    """Classify many texts with the default model (same order and length as ``texts``).

    >>> [r.sentiment.label for r in classify_batch(["很满意", "太差了"])]
    ['positive', 'negative']
    """
    return default_classifier().classify_batch(texts, batch_size=batch_size, progress=progress, errors=errors)


def score_sentiment(text: str) -> Sentiment:
    """Sentiment of one text with the default model.

    >>> score_sentiment("非常满意").score > 0
    True
    """
    return default_classifier().score_sentiment(text)


@shared_params("text_col", "batch_size", "progress", "errors", "tier_col", "prefix")
def classify_frame(
    df: pd.DataFrame,
    text_col: str = "text",
    batch_size: int = 1024,
    progress: bool = False,
    errors: ErrorPolicy = "raise",
    tier_col: str | None = None,
    *,
    prefix: str = "",
) -> pd.DataFrame:
    """A copy of ``df`` with sentiment (and topic) columns added, using the default model; an existing column of the
    same name raises ValueError (``prefix="pred_"`` writes alongside), see
    :meth:`~feedback_nlp.FeedbackClassifier.classify_frame`.

    ``tier_col``: customer tiers that raise priority ("vip", "svip", or the segments of :func:`rfm`).

    >>> import pandas as pd
    >>> classify_frame(pd.DataFrame({"text": ["太差了"]}))["sentiment_label"].tolist()
    ['negative']
    """
    return default_classifier().classify_frame(
        df, text_col=text_col, batch_size=batch_size, progress=progress, errors=errors, tier_col=tier_col,
        prefix=prefix,
    )
