"""Small numeric helpers shared by the model components."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["sigmoid"]


def sigmoid(z: Any) -> Any:
    """The logistic function, clipped at ±50 so that huge margins neither overflow nor warn.

    >>> float(sigmoid(0.0))
    0.5
    """
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
