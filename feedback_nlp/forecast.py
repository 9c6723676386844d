"""Deprecated: moved to :mod:`feedback_nlp.insights.forecast`; this alias will be removed in feedback_nlp 0.3.

Import ``feedback_nlp.insights.forecast`` instead (the names below are the same objects).
"""

from __future__ import annotations

import warnings

from .insights.forecast import *  # noqa: F403
from .insights.forecast import __all__ as __all__

warnings.warn("feedback_nlp.forecast is deprecated: import feedback_nlp.insights.forecast instead",
              DeprecationWarning, stacklevel=2)
