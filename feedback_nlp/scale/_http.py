"""uvicorn's HTTP protocols with a deadline for the request headers (slow-header clients are disconnected).

uvicorn has a keep-alive timeout but none for a request whose headers trickle in; these protocols close a connection
whose headers are not complete ``$FEEDBACK_NLP_HEADER_TIMEOUT_S`` seconds (default 10) after the connection opened
or after the previous response. :func:`feedback_nlp.scale.service.serve` selects :func:`protocol_path`: the
httptools protocol when httptools is installed (``uvicorn[standard]``, the fast one), else the h11 one. Importing this
module imports uvicorn and h11.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._env import HEADER_TIMEOUT_ENV

__all__ = ["HeaderTimeoutH11Protocol", "header_timeout_s", "protocol_path"]


def header_timeout_s() -> float:
    """The header deadline: ``$FEEDBACK_NLP_HEADER_TIMEOUT_S`` if it is a positive number, else 10 s."""
    try:
        value = float(os.environ.get(HEADER_TIMEOUT_ENV, "10"))
    except ValueError:
        return 10.0
    return value if value > 0 else 10.0


class _HeaderDeadline:
    """Mixin: a timer from connection start (or the end of the previous response) until the headers are in."""

    loop: asyncio.AbstractEventLoop
    transport: Any
    _header_timer: asyncio.TimerHandle | None = None
    _awaiting_headers = False

    def _arm(self) -> None:
        self._disarm()
        self._awaiting_headers = True
        self._header_timer = self.loop.call_later(header_timeout_s(), self._headers_late)

    def _disarm(self) -> None:
        self._awaiting_headers = False
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self._awaiting_headers and not self.transport.is_closing():
            self.transport.close()  # the headers never completed: nothing to answer

    # The protocol hooks both uvicorn parsers share (the mixin comes first, so super() is the parser's).
    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]


class HeaderTimeoutH11Protocol(_HeaderDeadline, H11Protocol):
    """:class:`H11Protocol` that drops a connection whose request headers are late."""

    def handle_events(self) -> None:
        super().handle_events()
        if self._awaiting_headers and self.conn.their_state is not h11.IDLE:
            self._disarm()  # the headers are in; the body has its own deadline (the app's body_timeout_s)


try:  # the fast parser of uvicorn[standard]
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeaderTimeoutHttpToolsProtocol(_HeaderDeadline, HttpToolsProtocol):
        """:class:`HttpToolsProtocol` that drops a connection whose request headers are late."""

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

    _HTTPTOOLS = True
except ImportError:  # pragma: no cover - depends on the install
    _HTTPTOOLS = False


def protocol_path() -> str:
    """The ``http=`` import path for uvicorn: the httptools protocol when available, else the h11 one."""
    name = "HeaderTimeoutHttpToolsProtocol" if _HTTPTOOLS else "HeaderTimeoutH11Protocol"
    return f"feedback_nlp.scale._http:{name}"
