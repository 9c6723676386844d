"""Deprecated: moved to :mod:`feedback_nlp.scale.dask`; this alias will be removed in feedback_nlp 0.3.

Import ``feedback_nlp.scale.dask`` instead (the names below are the same objects).
"""

from __future__ import annotations

import warnings

from .scale.dask import *  # noqa: F403
from .scale.dask import __all__ as _new_all
from .scale.dask import classify_dataframe as classify_frame  # the old name of classify_dataframe

__all__ = [*_new_all, "classify_frame"]

warnings.warn("feedback_nlp.dask is deprecated: import feedback_nlp.scale.dask instead",
              DeprecationWarning, stacklevel=2)
