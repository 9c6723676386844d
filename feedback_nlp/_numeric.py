"""Small numeric helpers shared by the model components."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["logit", "sigmoid"]


def sigmoid(z: Any) -> Any:
    """The logistic function, clipped at ±50 so that huge margins neither overflow nor warn.

    >>> float(sigmoid(0.0))
    0.5
    """
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def logit(p: Any, eps: float = 1e-6) -> Any:
    """The inverse of :func:`sigmoid`, with ``p`` clipped to [eps, 1 - eps] so that 0 and 1 stay finite.

    >>> float(logit(0.5))
    0.0
    """
    q = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)
    return np.log(q / (1 - q))
