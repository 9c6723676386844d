"""Deprecated: moved to :mod:`feedback_nlp.insights.plotting`; this alias will be removed in feedback_nlp 0.3.

Import ``feedback_nlp.insights.plotting`` instead (the names below are the same objects).
"""

from __future__ import annotations

import warnings

from .insights.plotting import *  # noqa: F403
from .insights.plotting import __all__ as __all__

warnings.warn("feedback_nlp.plotting is deprecated: import feedback_nlp.insights.plotting instead",
              DeprecationWarning, stacklevel=2)
