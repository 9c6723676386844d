"""Deprecated: the analysis toolkit was split by capability; this alias will be removed in feedback_nlp 0.3.

Import from :mod:`feedback_nlp.insights.terms` (keywords, top_issues, emerging_terms, term_clusters),
:mod:`feedback_nlp.insights.alerts` (sentiment_alerts), :mod:`feedback_nlp.insights.scores` (nps, csat,
underperformers), :mod:`feedback_nlp.insights.heatmap` and :mod:`feedback_nlp.text.tokenize` (tokenize,
load_stop_words), or simply ``import feedback_nlp as fn``.
"""

from __future__ import annotations

import warnings

from .insights.alerts import ALERT_COLUMNS, sentiment_alerts
from .insights.heatmap import heatmap
from .insights.scores import UNDERPERFORMER_COLUMNS, csat, nps, underperformers
from .insights.terms import (
    CLUSTER_COLUMNS,
    EMERGING_COLUMNS,
    KEYWORD_COLUMNS,
    TOP_ISSUE_COLUMNS,
    emerging_terms,
    keywords,
    term_clusters,
    top_issues,
)
from .text.tokenize import load_stop_words, tokenize

__all__ = [
    "ALERT_COLUMNS", "CLUSTER_COLUMNS", "EMERGING_COLUMNS", "KEYWORD_COLUMNS", "TOP_ISSUE_COLUMNS",
    "UNDERPERFORMER_COLUMNS", "csat", "emerging_terms", "heatmap", "keywords", "load_stop_words", "nps",
    "sentiment_alerts", "term_clusters", "tokenize", "top_issues", "underperformers",
]

warnings.warn("feedback_nlp.analytics is deprecated: import from feedback_nlp.insights (terms, alerts, scores, "
              "heatmap) instead", DeprecationWarning, stacklevel=2)
