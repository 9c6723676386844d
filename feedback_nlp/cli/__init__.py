"""The ``feedback-nlp`` command line: one module per command group, shared helpers in :mod:`._common`.

``main`` (in :mod:`.main`) builds the parser; each command only parses arguments and calls a library function.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
