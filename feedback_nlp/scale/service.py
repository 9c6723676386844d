"""HTTP service: ``classify()`` behind FastAPI + uvicorn, for other services to call.

    feedback-nlp serve --host 127.0.0.1 --port 8000 --workers 2 --model default

    curl -s localhost:8000/v1/classify -H 'Content-Type: application/json' -d '{"text": "快递三天才到，客服态度还很差"}'
    curl -s localhost:8000/v1/classify -H 'Content-Type: application/json' -d '{"texts": ["很满意", "太差了"]}'

Routes: ``POST /v1/classify`` (one text -> one Classification, ``texts`` -> ``{"results": [...]}`` in order),
``GET /healthz``, ``GET /v1/model`` (model card), ``GET /docs`` and ``/openapi.json``. Responses are UTF-8 JSON
with Chinese left readable (never ``\\u``-escaped).

Errors: malformed JSON or wrong types -> 422; a body over ``max_body_bytes`` or more than ``max_batch`` texts -> 413;
a request not answered within ``timeout_s`` -> 504. Each worker process loads its model once, at startup, before it
accepts a request. Concurrent requests are grouped by a :class:`MicroBatcher` into one ``classify_batch`` call (one
batch of 16 texts costs about as much as 2 single calls), which is what makes hundreds of requests per second per core
possible.

Needs the ``service`` extra (``pip install "feedback_nlp[service]"``); importing this module does not import FastAPI.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations at definition time, and
# the request models live inside a function (so that importing this module stays light).

import asyncio
import json
import math
import os
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._validation import replace_surrogates
from ..classify.classifier import FeedbackClassifier
from ..classify.results import Classification
from ._env import HEADER_TIMEOUT_ENV

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

__all__ = ["CONFIG_ENV", "HEADER_TIMEOUT_ENV", "MicroBatcher", "ServiceBusy", "app_from_env", "create_app",
           "public_model_info", "serve"]

#: Environment variable through which :func:`serve` hands its settings to every uvicorn worker process.
CONFIG_ENV = "FEEDBACK_NLP_SERVICE_CONFIG"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

ModelSpec = str | Path | FeedbackClassifier
_Scope = MutableMapping[str, Any]
_Message = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]
_ASGIApp = Callable[[_Scope, _Receive, _Send], Awaitable[None]]


def _dumps(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _render_batch(results: list[Classification]) -> bytes:
    return _dumps({"results": [r.to_dict() for r in results]})


def _json_safe(value: Any) -> Any:
    """``value`` with NaN / infinity as strings and lone surrogates replaced, so that :func:`_dumps` cannot fail."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return replace_surrogates(value)
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number: send finite numbers only")


def _clean_body(body: bytes) -> bytes | None:
    """A body whose strings hold lone surrogates (escaped as ``\\udXXX``), re-encoded with each replaced by U+FFFD;
    None when nothing needs replacing or the body is not JSON (the app's validation answers that)."""
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return json.dumps(_json_safe(data), ensure_ascii=False).encode("utf-8")


class ServiceBusy(RuntimeError):
    """More texts are queued than the service accepts (``max_queued_texts``): answer 503 and let the client retry."""


class _Job:
    __slots__ = ("fut", "pos", "results", "texts")

    def __init__(self, texts: list[str], fut: "asyncio.Future[list[Classification]]") -> None:
        self.texts = texts
        self.fut = fut
        self.pos = 0
        self.results: list[Any] = []


class MicroBatcher:
    """Scores the texts of concurrent requests in shared ``classify_batch`` calls, fairly, off the event loop.

    Each model call (in one model thread, never on the event loop) takes at most ``max_texts`` texts, shared out
    round-robin between the waiting requests: a request of 1,000 texts is scored in slices, so a single text that
    arrives meanwhile waits for at most one slice, not for the whole big batch (fair queuing). Alone, a small request
    waits at most ``max_wait_s`` for company. At most ``max_queued_texts`` texts wait at a time: :meth:`submit`
    raises :class:`ServiceBusy` beyond (the service answers 503). Requests cancelled (timed out) are dropped.
    If a model call fails, each request of it is retried alone, so one bad request cannot fail the others.
    """

    def __init__(self, classifier: FeedbackClassifier, max_texts: int = 256, max_wait_s: float = 0.002,
                 max_queued_texts: int = 20_000) -> None:
        if max_texts < 1:
            raise ValueError("max_texts must be >= 1")
        if max_wait_s < 0:
            raise ValueError("max_wait_s must be >= 0")
        if max_queued_texts < 1:
            raise ValueError("max_queued_texts must be >= 1")
        self.classifier = classifier
        self.max_texts = max_texts
        self.max_wait_s = max_wait_s
        self.max_queued_texts = max_queued_texts
        self.batches = 0
        self.texts = 0
        self._jobs: deque[_Job] = deque()
        self._queued = 0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        """Start the scheduling task on the running loop (call once, from the app's lifespan)."""
        self._wake = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-nlp-model")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="feedback-nlp-batcher")

    async def stop(self) -> None:
        """Stop the task; requests still queued get ``CancelledError``."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for job in self._jobs:
            job.fut.cancel()
        self._jobs.clear()
        self._queued = 0
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    @property
    def queued_texts(self) -> int:
        """Texts waiting to be scored now."""
        return self._queued

    def submit(self, texts: list[str]) -> "asyncio.Future[list[Classification]]":
        """A future of the classifications of ``texts`` (same order); cancel it to drop the request."""
        if self._wake is None:
            raise RuntimeError("MicroBatcher.start() was not called")
        if self._queued + len(texts) > self.max_queued_texts and self._queued > 0:
            raise ServiceBusy(f"{self._queued} texts are waiting to be scored (limit {self.max_queued_texts}): "
                              "retry in a moment")
        fut: asyncio.Future[list[Classification]] = asyncio.get_running_loop().create_future()
        if not texts:
            fut.set_result([])
            return fut
        self._jobs.append(_Job(texts, fut))
        self._queued += len(texts)
        self._wake.set()
        return fut

    def _drop_done(self) -> None:
        for job in [j for j in self._jobs if j.fut.done()]:
            self._jobs.remove(job)
            self._queued -= len(job.texts) - job.pos

    def _take(self) -> list[tuple[_Job, int, int]]:
        """Slices ``(job, start, stop)`` for the next model call: round-robin, ``max_texts`` texts at most."""
        room = self.max_texts
        taken: dict[int, tuple[_Job, int, int]] = {}
        jobs = list(self._jobs)
        while room > 0:
            active = [j for j in jobs if j.pos < len(j.texts)]
            if not active:
                break
            quantum = max(1, room // len(active))
            for job in active:
                if room == 0:
                    break
                n = min(quantum, len(job.texts) - job.pos, room)
                start = taken[id(job)][1] if id(job) in taken else job.pos
                job.pos += n
                room -= n
                taken[id(job)] = (job, start, job.pos)
        self._jobs.rotate(-1)  # the next call starts with the next request
        return list(taken.values())

    async def _run(self) -> None:
        assert self._wake is not None
        loop = asyncio.get_running_loop()
        while True:
            self._drop_done()
            if not self._jobs:
                self._wake.clear()
                await self._wake.wait()
                continue
            if self.max_wait_s > 0 and self._queued < self.max_texts:
                await asyncio.sleep(self.max_wait_s)  # a little company for a small request
                self._drop_done()
                if not self._jobs:
                    continue
            slices = self._take()
            flat = [t for job, a, b in slices for t in job.texts[a:b]]
            self._queued -= len(flat)
            parts: list[list[Classification] | Exception] = []
            try:
                results = await loop.run_in_executor(self._executor, self.classifier.classify_batch, flat)
                start = 0
                for _job, a, b in slices:
                    parts.append(results[start:start + b - a])
                    start += b - a
            except Exception:  # retry each request alone: only the one that fails gets the error
                parts = []
                for job, a, b in slices:
                    try:
                        parts.append(await loop.run_in_executor(self._executor, self.classifier.classify_batch,
                                                                job.texts[a:b]))
                    except Exception as e:
                        parts.append(e)
            self.batches += 1
            self.texts += len(flat)
            for (job, _a, b), part in zip(slices, parts):
                if job.fut.done():
                    continue
                if isinstance(part, Exception):
                    job.fut.set_exception(part)
                    self._queued -= len(job.texts) - job.pos
                    job.pos = len(job.texts)
                    continue
                job.results.extend(part)
                if b == len(job.texts):
                    job.fut.set_result(job.results)
            self._drop_done()


class _BodyLimit:
    """ASGI middleware: the whole body read within ``timeout_s`` (else 408) and at most ``max_bytes`` (else 413, by
    its Content-Length or by what actually arrives); NaN / Infinity literals answered 422; lone surrogates in its
    strings replaced by U+FFFD before the app validates it.

    Written as middleware (not a FastAPI option) so it works with every FastAPI version and for chunked uploads.
    """

    def __init__(self, app: _ASGIApp, max_bytes: int, timeout_s: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    @staticmethod
    async def _answer(send: _Send, status: int, detail: Any) -> None:
        body = _dumps({"detail": detail})
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def _reject(self, send: _Send, size: str) -> None:
        await self._answer(send, 413, f"request body is {size} bytes, over the limit of {self.max_bytes} bytes: "
                                      "send fewer or shorter texts per request")

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._reject(send, str(declared))
                    return
        chunks: list[bytes] = []
        size = 0
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        while True:  # read the whole (limited) body first, then replay it to the app
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except asyncio.TimeoutError:
                await self._answer(send, 408, f"the request body did not arrive within {self.timeout_s} s")
                return
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(send, f"more than {self.max_bytes}")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"NaN" in body or b"Infinity" in body:
            try:
                json.loads(body, parse_constant=_reject_constant)
            except ValueError as e:
                if "not a valid JSON number" in str(e):
                    await self._answer(send, 422, [{"type": "json_invalid", "loc": ["body"], "msg": str(e)}])
                    return
        body = _clean_body(body) or body
        replayed = False

        async def replay() -> _Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Any]:
    """Request/response models (built on first use so that importing this module does not import pydantic)."""
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    class ClassifyRequest(BaseModel):
        """Either ``text`` (one text) or ``texts`` (a list, answered in the same order)."""

        model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
            {"text": "快递三天才到，客服态度还很差"}, {"texts": ["房间干净，前台很热情", "一点也不差"]}]})
        text: str | None = Field(None, description="one text; the answer is one Classification")
        texts: list[str] | None = Field(None, description='several texts; the answer is {"results": [...]}')

        @model_validator(mode="after")
        def _one_of(self) -> "ClassifyRequest":
            if (self.text is None) == (self.texts is None):
                raise ValueError('send exactly one of "text" (a string) or "texts" (a list of strings)')
            return self

    class SentimentOut(BaseModel):
        label: str = Field(examples=["negative"])
        score: float = Field(description="in [-1, 1]", examples=[-0.94])
        probabilities: dict[str, float]

    class TopicOut(BaseModel):
        name: str = Field(examples=["efficiency"])
        score: float
        polarity: str = Field(examples=["negative"])

    class ClassificationOut(BaseModel):
        text: str = Field(examples=["快递三天才到，客服态度还很差"])
        sentiment: SentimentOut
        topics: list[TopicOut]
        kind: str = Field(examples=["complaint"], description="complaint / praise / suggestion / inquiry / other")
        priority: str = Field(examples=["normal"], description="urgent / high / normal / suggestion / none")
        respond_within: float | None = Field(description="response deadline in seconds (null for none)",
                                             examples=[86400.0])
        priority_reason: str = Field(default="", description="why this priority was given (Chinese)",
                                     examples=["一般投诉：24小时内答复"])

    class BatchOut(BaseModel):
        results: list[ClassificationOut]

    return {"request": ClassifyRequest, "one": ClassificationOut, "batch": BatchOut}


def create_app(
    model: ModelSpec = "default",
    max_batch: int = 1000,
    max_body_bytes: int = 1_000_000,
    timeout_s: float = 10.0,
    batch_texts: int = 256,
    batch_wait_s: float = 0.002,
    body_timeout_s: float = 30.0,
    max_queued_texts: int | None = None,
) -> "FastAPI":
    """The FastAPI app: ``POST /v1/classify``, ``GET /healthz``, ``GET /v1/model``, ``/docs``.

    ``model``: shipped name, model directory, or a loaded :class:`FeedbackClassifier` (loaded at startup, once per
    worker, and warmed up before the first request). ``max_batch``: most texts per request (more -> 413);
    ``max_body_bytes``: largest body (more -> 413); ``timeout_s``: per-request deadline (-> 504); ``batch_texts`` and
    ``batch_wait_s``: how :class:`MicroBatcher` groups concurrent requests; ``body_timeout_s``: a body not
    received within it -> 408; ``max_queued_texts``: most texts waiting to be scored (default ``10 * max_batch``;
    more -> 503 with ``Retry-After``).

    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> with TestClient(create_app()) as c:  # doctest: +SKIP
    ...     c.post("/v1/classify", json={"text": "快递三天才到"}).json()["sentiment"]["label"]
    'negative'
    """
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from .. import __version__
    from ..classify.registry import load

    for name, value in (("max_batch", max_batch), ("max_body_bytes", max_body_bytes)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    for name, seconds in (("timeout_s", timeout_s), ("body_timeout_s", body_timeout_s)):
        if not seconds > 0:
            raise ValueError(f"{name} must be > 0, got {seconds!r}")
    queue_limit = 10 * max_batch if max_queued_texts is None else max_queued_texts
    if not isinstance(queue_limit, int) or queue_limit < 1:
        raise ValueError(f"max_queued_texts must be a positive int, got {max_queued_texts!r}")
    schemas = _schemas()
    ClassifyRequest = schemas["request"]

    class UnicodeJSONResponse(JSONResponse):
        """JSON with Chinese kept readable (``ensure_ascii=False``), UTF-8."""

        media_type = "application/json"

        def render(self, content: Any) -> bytes:
            return _dumps(content)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        clf = model if isinstance(model, FeedbackClassifier) else load(model)
        clf.classify_batch(["预热：快递很快，客服态度很好"])  # warm-up: lazy dictionaries load before the first request
        batcher = MicroBatcher(clf, max_texts=batch_texts, max_wait_s=batch_wait_s, max_queued_texts=queue_limit)
        await batcher.start()
        app.state.classifier = clf
        app.state.batcher = batcher
        try:
            yield
        finally:
            await batcher.stop()

    app = FastAPI(
        title="feedback_nlp",
        version=__version__,
        summary="Sentiment, topics, kind and priority of Chinese customer feedback.",
        description="`POST /v1/classify` with `{\"text\": \"快递三天才到，客服态度还很差\"}` or `{\"texts\": [...]}`.",
        lifespan=lifespan,
        default_response_class=UnicodeJSONResponse,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _json_safe(jsonable_encoder(exc.errors()))
        for err in errors:
            if isinstance(err, dict):
                err.pop("url", None)
                if err.get("type") == "model_attributes_type" and isinstance(err.get("input"), str):
                    err["msg"] += "; send JSON with the header Content-Type: application/json"
        return UnicodeJSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return UnicodeJSONResponse({"detail": _json_safe(exc.detail)}, status_code=exc.status_code,
                                   headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # still JSON, and no internals
        return UnicodeJSONResponse({"detail": f"internal error ({type(exc).__name__}); the server log has details"},
                                   status_code=500)

    @app.get("/healthz", summary="Liveness: the model is loaded and the worker answers")
    async def healthz(request: Request) -> Response:
        clf: FeedbackClassifier = request.app.state.classifier
        return UnicodeJSONResponse({"status": "ok", "model": clf.meta.get("name"), "version": clf.meta.get("version")})

    @app.get("/v1/model", summary="Model: name, version, backend, labels and metrics (no paths, commands or host)")
    async def model_info(request: Request) -> Response:
        clf: FeedbackClassifier = request.app.state.classifier
        return UnicodeJSONResponse(_json_safe(jsonable_encoder(public_model_info(clf))))

    @app.post(
        "/v1/classify",
        summary="Classify one text or a list of texts",
        response_model=schemas["one"] | schemas["batch"],
        responses={413: {"description": "body or batch too large"}, 504: {"description": "timed out"}},
    )
    async def classify(body: ClassifyRequest, request: Request) -> Response:  # type: ignore[valid-type]
        texts: list[str] = [body.text] if body.text is not None else body.texts  # type: ignore[attr-defined]
        if len(texts) > max_batch:
            raise HTTPException(413, f"{len(texts)} texts in one request; this server takes at most {max_batch}: "
                                     "split the list")
        if not texts:
            return UnicodeJSONResponse({"results": []})
        try:
            fut = request.app.state.batcher.submit(texts)
        except ServiceBusy as e:
            raise HTTPException(503, str(e), headers={"Retry-After": "1"}) from None
        try:
            results: list[Classification] = await asyncio.wait_for(fut, timeout_s)
        except asyncio.TimeoutError:
            raise HTTPException(504, f"classification took longer than {timeout_s} s; retry, or send fewer texts "
                                     "per request") from None
        except Exception as e:
            raise HTTPException(500, f"classification failed ({type(e).__name__}); the server log has details") from e
        if body.text is not None:  # type: ignore[attr-defined]
            return UnicodeJSONResponse(results[0].to_dict())
        if len(results) <= 32:
            return UnicodeJSONResponse({"results": [r.to_dict() for r in results]})
        # ~50 ms for 1,000 results: rendered in a thread, so that the event loop keeps serving other requests
        payload = await asyncio.get_running_loop().run_in_executor(None, _render_batch, results)
        return Response(content=payload, media_type="application/json")

    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes, timeout_s=body_timeout_s)
    return app


def public_model_info(clf: FeedbackClassifier) -> dict[str, Any]:
    """What ``GET /v1/model`` shows: name, version, backend, labels and metrics; never paths, commands, training
    details or host information."""
    from .. import __version__

    topics = getattr(clf.topics, "topics_", None)
    backend = "transformers" if "transformer" in type(clf.sentiment).__name__.lower() else "linear"
    return {"name": clf.meta.get("name"), "version": clf.meta.get("version"), "feedback_nlp_version": __version__,
            "backend": backend,
            "labels": {"sentiment": ["negative", "neutral", "positive"], "topics": [str(t) for t in topics or ()]},
            "metrics": _metrics_only(clf.meta.get("metrics", {}))}


def _metrics_only(value: Any) -> Any:
    """Numbers (and the names around them) of a metrics dict; strings that are not metric names are dropped."""
    if isinstance(value, dict):
        return {str(k): _metrics_only(v) for k, v in value.items()
                if isinstance(v, (dict, list, int, float)) and not isinstance(v, bool)}
    if isinstance(value, list):
        return [_metrics_only(v) for v in value if isinstance(v, (dict, list, int, float, str))]
    return value


def app_from_env() -> "FastAPI":
    """App factory for uvicorn/gunicorn workers: settings from the JSON in ``$FEEDBACK_NLP_SERVICE_CONFIG``.

        FEEDBACK_NLP_SERVICE_CONFIG='{"model": "my_model"}' uvicorn --factory feedback_nlp.scale.service:app_from_env
    """
    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    return create_app(**config)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    model: str | Path = "default",
    max_batch: int = 1000,
    max_body_bytes: int = 1_000_000,
    timeout_s: float = 10.0,
    batch_texts: int = 256,
    batch_wait_s: float = 0.002,
    log_level: str = "info",
    access_log: bool = False,
    header_timeout_s: float = 10.0,
    body_timeout_s: float = 30.0,
    max_queued_texts: int | None = None,
) -> None:
    """Run the service with uvicorn (blocks); ``workers`` processes each load ``model`` once.

    A client whose request headers are not complete within ``header_timeout_s`` is disconnected (uvicorn's h11
    protocol with a deadline, :mod:`feedback_nlp.scale._http`); a body not received within ``body_timeout_s`` gets 408.

    >>> serve(host="127.0.0.1", port=8000, workers=2, model="default")  # doctest: +SKIP
    """
    import uvicorn

    from ._http import protocol_path

    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    model_arg = str(Path(model).expanduser().resolve()) if Path(model).expanduser().is_dir() else str(model)
    if not header_timeout_s > 0:
        raise ValueError(f"header_timeout_s must be > 0, got {header_timeout_s!r}")
    config: dict[str, Any] = {"model": model_arg, "max_batch": max_batch, "max_body_bytes": max_body_bytes,
                              "timeout_s": timeout_s, "batch_texts": batch_texts, "batch_wait_s": batch_wait_s,
                              "body_timeout_s": body_timeout_s, "max_queued_texts": max_queued_texts}
    create_app(**config)  # validate the settings here, with a clear error, before any worker starts
    os.environ[CONFIG_ENV] = json.dumps(config)  # read by each worker's app_from_env
    os.environ[HEADER_TIMEOUT_ENV] = str(float(header_timeout_s))  # read by each worker's HTTP protocol
    uvicorn.run("feedback_nlp.scale.service:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=access_log, http=protocol_path())
