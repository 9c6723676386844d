"""Environment variables the service reads in each worker process (a module of its own: no import circle)."""

from __future__ import annotations

__all__ = ["HEADER_TIMEOUT_ENV"]

#: The deadline for a request's headers, in seconds (read by :mod:`feedback_nlp.scale._http` in each worker).
HEADER_TIMEOUT_ENV = "FEEDBACK_NLP_HEADER_TIMEOUT_S"
