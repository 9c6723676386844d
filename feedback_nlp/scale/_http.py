"""uvicorn's h11 protocol with a deadline for the request headers (slow-header clients are disconnected).

uvicorn has a keep-alive timeout but none for a request whose headers trickle in; this protocol closes a connection
whose headers are not complete ``$FEEDBACK_NLP_HEADER_TIMEOUT_S`` seconds (default 10) after the connection opened
or after the previous response. :func:`feedback_nlp.scale.service.serve` selects it with
``http="feedback_nlp.scale._http:HeaderTimeoutH11Protocol"``. Importing this module imports uvicorn and h11.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_ENV", "HeaderTimeoutH11Protocol", "header_timeout_s"]

from .service import HEADER_TIMEOUT_ENV


def header_timeout_s() -> float:
    """The header deadline: ``$FEEDBACK_NLP_HEADER_TIMEOUT_S`` if it is a positive number, else 10 s."""
    try:
        value = float(os.environ.get(HEADER_TIMEOUT_ENV, "10"))
    except ValueError:
        return 10.0
    return value if value > 0 else 10.0


class HeaderTimeoutH11Protocol(H11Protocol):
    """:class:`H11Protocol` that drops a connection whose request headers are late."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(header_timeout_s(), self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()  # headers never completed: nothing to answer

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the headers are in; the body has its own deadline (the app's body_timeout_s)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)
