"""Deprecated: moved to :mod:`feedback_nlp.backends.transformer_topics`; this alias will be removed in feedback_nlp 0.3.

Import ``feedback_nlp.backends.transformer_topics`` instead (the names below are the same objects).
"""

from __future__ import annotations

import warnings

from .backends.transformer_topics import *  # noqa: F403
from .backends.transformer_topics import __all__ as __all__

warnings.warn("feedback_nlp.transformer_topics is deprecated: import feedback_nlp.backends.transformer_topics instead",
              DeprecationWarning, stacklevel=2)
