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
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..classify.classifier import FeedbackClassifier
from ..classify.results import Classification

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI

__all__ = ["CONFIG_ENV", "MicroBatcher", "app_from_env", "create_app", "serve"]

#: Environment variable through which :func:`serve` hands its settings to every uvicorn worker process.
CONFIG_ENV = "FEEDBACK_NLP_SERVICE_CONFIG"

ModelSpec = str | Path | FeedbackClassifier
_Scope = MutableMapping[str, Any]
_Message = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]
_ASGIApp = Callable[[_Scope, _Receive, _Send], Awaitable[None]]


def _dumps(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class MicroBatcher:
    """Groups texts of concurrent requests into one ``classify_batch`` call, run in one model thread.

    A request waits in an asyncio queue; a single task takes everything queued (up to ``max_texts`` texts, after
    waiting at most ``max_wait_s`` for company) and scores it in one call while new requests queue up. Under load
    batches grow by themselves; alone, a request pays at most ``max_wait_s``. Requests cancelled (timed out) while
    queued are skipped.

    >>> async def demo():  # doctest: +SKIP
    ...     b = MicroBatcher(fn.load("default"))
    ...     await b.start()
    ...     [r] = await b.submit(["快递三天才到"])
    ...     await b.stop()
    ...     return r.sentiment.label
    """

    def __init__(self, classifier: FeedbackClassifier, max_texts: int = 64, max_wait_s: float = 0.002) -> None:
        if max_texts < 1:
            raise ValueError("max_texts must be >= 1")
        if max_wait_s < 0:
            raise ValueError("max_wait_s must be >= 0")
        self.classifier = classifier
        self.max_texts = max_texts
        self.max_wait_s = max_wait_s
        self.batches = 0
        self.texts = 0
        self._queue: asyncio.Queue[tuple[list[str], asyncio.Future[list[Classification]]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        """Start the batching task on the running loop (call once, from the app's lifespan)."""
        self._queue = asyncio.Queue()
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
        if self._queue is not None:
            while not self._queue.empty():
                self._queue.get_nowait()[1].cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    def submit(self, texts: list[str]) -> "asyncio.Future[list[Classification]]":
        """A future of the classifications of ``texts`` (same order); cancel it to drop the request."""
        if self._queue is None:
            raise RuntimeError("MicroBatcher.start() was not called")
        fut: asyncio.Future[list[Classification]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((texts, fut))
        return fut

    async def _run(self) -> None:
        assert self._queue is not None
        queue, loop = self._queue, asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            n = len(batch[0][0])
            if n < self.max_texts and self.max_wait_s > 0 and queue.empty():
                await asyncio.sleep(self.max_wait_s)
            while n < self.max_texts and not queue.empty():
                item = queue.get_nowait()
                batch.append(item)
                n += len(item[0])
            live = [(texts, fut) for texts, fut in batch if not fut.done()]
            if not live:
                continue
            flat = [t for texts, _ in live for t in texts]
            try:
                results = await loop.run_in_executor(self._executor, self.classifier.classify_batch, flat)
            except Exception as e:  # the model failed: every request of the batch gets the error
                for _, fut in live:
                    if not fut.done():
                        fut.set_exception(e)
                continue
            self.batches += 1
            self.texts += len(flat)
            start = 0
            for texts, fut in live:
                if not fut.done():
                    fut.set_result(results[start:start + len(texts)])
                start += len(texts)


class _BodyLimit:
    """ASGI middleware: 413 for a body over ``max_bytes``, by its Content-Length or by what actually arrives.

    Written as middleware (not a FastAPI option) so it works with every FastAPI version and for chunked uploads.
    """

    def __init__(self, app: _ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: _Send, size: str) -> None:
        body = _dumps({"detail": f"request body is {size} bytes, over the limit of {self.max_bytes} bytes: "
                                 "send fewer or shorter texts per request"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

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
        while True:  # read the whole (limited) body first, then replay it to the app
            message = await receive()
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
        replayed = False

        async def replay() -> _Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
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
    batch_texts: int = 64,
    batch_wait_s: float = 0.002,
) -> "FastAPI":
    """The FastAPI app: ``POST /v1/classify``, ``GET /healthz``, ``GET /v1/model``, ``/docs``.

    ``model``: shipped name, model directory, or a loaded :class:`FeedbackClassifier` (loaded at startup, once per
    worker, and warmed up before the first request). ``max_batch``: most texts per request (more -> 413);
    ``max_body_bytes``: largest body (more -> 413); ``timeout_s``: per-request deadline (-> 504); ``batch_texts`` and
    ``batch_wait_s``: how :class:`MicroBatcher` groups concurrent requests.

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
    from ..classify.classifier import model_card
    from ..classify.registry import load

    for name, value in (("max_batch", max_batch), ("max_body_bytes", max_body_bytes)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be > 0, got {timeout_s!r}")
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
        batcher = MicroBatcher(clf, max_texts=batch_texts, max_wait_s=batch_wait_s)
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
        errors = jsonable_encoder(exc.errors())
        for err in errors:
            if isinstance(err, dict):
                err.pop("url", None)
                if err.get("type") == "model_attributes_type" and isinstance(err.get("input"), str):
                    err["msg"] += "; send JSON with the header Content-Type: application/json"
        return UnicodeJSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return UnicodeJSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/healthz", summary="Liveness: the model is loaded and the worker answers")
    async def healthz(request: Request) -> Response:
        clf: FeedbackClassifier = request.app.state.classifier
        return UnicodeJSONResponse({"status": "ok", "model": clf.meta.get("name"), "version": clf.meta.get("version"),
                                    "pid": os.getpid()})

    @app.get("/v1/model", summary="Model card: name, version, training data, metrics")
    async def model_info(request: Request) -> Response:
        clf: FeedbackClassifier = request.app.state.classifier
        meta = jsonable_encoder(clf.meta)
        return UnicodeJSONResponse({"name": meta.get("name"), "version": meta.get("version"),
                                    "feedback_nlp_version": __version__, "meta": meta, "card": model_card(meta)})

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
        fut = request.app.state.batcher.submit(texts)
        try:
            results: list[Classification] = await asyncio.wait_for(fut, timeout_s)
        except asyncio.TimeoutError:
            raise HTTPException(504, f"classification took longer than {timeout_s} s; retry, or send fewer texts "
                                     "per request") from None
        except Exception as e:
            raise HTTPException(500, f"classification failed: {type(e).__name__}: {e}") from e
        if body.text is not None:  # type: ignore[attr-defined]
            return UnicodeJSONResponse(results[0].to_dict())
        return UnicodeJSONResponse({"results": [r.to_dict() for r in results]})

    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)
    return app


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
    batch_texts: int = 64,
    batch_wait_s: float = 0.002,
    log_level: str = "info",
    access_log: bool = False,
) -> None:
    """Run the service with uvicorn (blocks); ``workers`` processes each load ``model`` once.

    >>> serve(host="127.0.0.1", port=8000, workers=2, model="default")  # doctest: +SKIP
    """
    import uvicorn

    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    model_arg = str(Path(model).expanduser().resolve()) if Path(model).expanduser().is_dir() else str(model)
    config: dict[str, Any] = {"model": model_arg, "max_batch": max_batch, "max_body_bytes": max_body_bytes,
                              "timeout_s": timeout_s, "batch_texts": batch_texts, "batch_wait_s": batch_wait_s}
    create_app(**config)  # validate the settings here, with a clear error, before any worker starts
    os.environ[CONFIG_ENV] = json.dumps(config)  # read by each worker's app_from_env
    uvicorn.run("feedback_nlp.scale.service:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=access_log)
