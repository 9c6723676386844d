"""Service under hostile input and load (issue 14): surrogates, non-finite numbers, fairness, timeouts, no leaks."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient

import feedback_nlp as fn
from feedback_nlp.scale.service import MicroBatcher, ServiceBusy, create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def _post(client: TestClient, raw: str) -> Any:
    return client.post("/v1/classify", content=raw.encode("utf-8"), headers={"content-type": "application/json"})


@pytest.mark.parametrize("raw", ['{"text": "\\ud800"}', '{"texts": ["好", "\\udfff坏"]}', '{"text": "a\\ud83d"}'])
def test_lone_surrogates_are_replaced(client: TestClient, raw: str) -> None:
    r = _post(client, raw)
    assert r.status_code == 200, r.text
    assert "\ufffd" in r.text and r.headers["content-type"].startswith("application/json")


def test_one_bad_text_does_not_fail_its_batch(client: TestClient) -> None:
    r = _post(client, '{"texts": ["服务很好", "\\ud800", "太差了"]}')
    labels = [x["sentiment"]["label"] for x in r.json()["results"]]
    assert labels == ["positive", "neutral", "negative"]


@pytest.mark.parametrize("raw", ['{"text": NaN}', '{"texts": ["a"], "x": Infinity}', '{"texts": [-Infinity]}'])
def test_non_finite_numbers_get_a_422_with_a_json_body(client: TestClient, raw: str) -> None:
    r = _post(client, raw)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/json")
    assert "detail" in json.loads(r.text)


def test_model_info_shows_no_paths_commands_or_host(client: TestClient, tmp_path: Path,
                                                    tiny_model_dir: Path) -> None:
    info = client.get("/v1/model").json()
    assert set(info) == {"name", "version", "backend", "labels", "metrics", "feedback_nlp_version"}
    assert info["backend"] == "linear" and "negative" in info["labels"]["sentiment"]
    text = json.dumps(info, ensure_ascii=False)
    for leak in ("/", "command", "Linux", "training"):
        assert leak not in text.replace("/v1", "")
    health = client.get("/healthz").json()
    assert "pid" not in health and health["status"] == "ok"


def test_user_model_info_hides_training_path_and_command(tmp_path: Path, tiny_model_dir: Path) -> None:
    clf = fn.load(tiny_model_dir)
    clf.meta = {**clf.meta, "training": {"data": "/home/alice/secret.csv", "command": "feedback-nlp train ..."},
                "metrics": {"holdout": {"accuracy": 0.9}}}
    with TestClient(create_app(clf)) as c:
        info = c.get("/v1/model").json()
    assert "alice" not in json.dumps(info) and "feedback-nlp train" not in json.dumps(info)
    assert info["metrics"] == {"holdout": {"accuracy": 0.9}}


class _SlowFake:
    """A classifier whose cost grows with the batch (the shape of the real one), recording each call's size."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def classify_batch(self, texts: list[str]) -> list[str]:
        self.calls.append(list(texts))
        time.sleep(0.0002 * len(texts))
        if any(t == "boom" for t in texts):
            raise ValueError("boom")
        return [t.upper() for t in texts]


def test_big_batches_are_sliced_and_shared_fairly() -> None:
    async def run() -> tuple[_SlowFake, list[Any], list[str]]:
        fake = _SlowFake()
        b = MicroBatcher(fake, max_texts=64, max_wait_s=0)  # type: ignore[arg-type]
        await b.start()
        bigs = [b.submit([f"b{i}-{k}" for k in range(1000)]) for i in range(6)]
        await asyncio.sleep(0)
        single = await b.submit(["x"])
        results = await asyncio.gather(*bigs)
        await b.stop()
        return fake, results, single

    fake, results, single = asyncio.run(run())
    assert single == ["X"]
    assert all(r == [f"B{i}-{k}" for k in range(1000)] for i, r in enumerate(results))  # order kept
    assert max(len(c) for c in fake.calls) <= 64
    # the single text rode in one of the first calls, not after 6,000 texts
    first = next(i for i, c in enumerate(fake.calls) if "x" in c)
    assert sum(len(c) for c in fake.calls[:first]) <= 2 * 64


def test_a_failing_request_does_not_fail_its_neighbours() -> None:
    async def run() -> list[Any]:
        b = MicroBatcher(_SlowFake(), max_texts=64, max_wait_s=0.01)  # type: ignore[arg-type]
        await b.start()
        out = await asyncio.gather(b.submit(["ok"]), b.submit(["boom"]), b.submit(["fine"]), return_exceptions=True)
        await b.stop()
        return list(out)

    ok, bad, fine = asyncio.run(run())
    assert ok == ["OK"] and fine == ["FINE"] and isinstance(bad, ValueError)


def test_queue_is_bounded() -> None:
    async def run() -> None:
        b = MicroBatcher(_SlowFake(), max_texts=8, max_queued_texts=100)  # type: ignore[arg-type]
        await b.start()
        f = b.submit(["a"] * 90)
        with pytest.raises(ServiceBusy):
            b.submit(["a"] * 20)
        await f
        assert b.queued_texts == 0
        await b.stop()

    asyncio.run(run())


def test_busy_service_answers_503(tiny_model_dir: Path) -> None:
    with TestClient(create_app(tiny_model_dir, max_queued_texts=1)) as c:
        batcher = c.app.state.batcher  # type: ignore[attr-defined]
        batcher._queued = 5  # as if other requests were waiting
        r = c.post("/v1/classify", json={"texts": ["a", "b"]})
        batcher._queued = 0
    assert r.status_code == 503 and "retry" in r.json()["detail"] and r.headers.get("retry-after") == "1"


@pytest.fixture(params=["HeaderTimeoutH11Protocol", "HeaderTimeoutHttpToolsProtocol"])
def live_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The real uvicorn server (each HTTP protocol with the header deadline) on 127.0.0.1, short timeouts."""
    import uvicorn

    from feedback_nlp.scale import _http
    from feedback_nlp.scale.service import HEADER_TIMEOUT_ENV

    if not hasattr(_http, request.param):
        pytest.skip(f"{request.param} needs httptools")
    monkeypatch.setenv(HEADER_TIMEOUT_ENV, "0.5")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(create_app(body_timeout_s=0.5), host="127.0.0.1", port=port, log_level="error",
                            http=f"feedback_nlp.scale._http:{request.param}", lifespan="on")
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    t.join(timeout=30)


def _recv_all(sock: socket.socket) -> bytes:
    sock.settimeout(30)  # a bound for the test, not a timing assertion
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_slow_headers_are_cut_off(live_server: int) -> None:
    with socket.create_connection(("127.0.0.1", live_server)) as s:
        s.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\n")  # ... and never finishes the headers
        assert _recv_all(s) == b""  # the server closed the connection


@pytest.mark.slow
def test_slow_body_gets_408(live_server: int) -> None:
    with socket.create_connection(("127.0.0.1", live_server)) as s:
        s.sendall(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"text\": ")  # ... and never sends the rest
        answer = _recv_all(s)
    assert answer.startswith(b"HTTP/1.1 408") and b"application/json" in answer


@pytest.mark.slow
def test_fuzzed_bodies_get_json_answers(client: TestClient) -> None:
    """Any JSON-ish body (surrogates, NaN, nesting, wrong types): 200 / 413 / 422 with a JSON body, never a 500."""
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    chars = st.one_of(st.characters(codec=None, categories=None), st.integers(0xD800, 0xDFFF).map(chr))
    text = st.text(alphabet=chars, max_size=20)
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), text)
    value = st.recursive(leaf, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=3),
                         max_leaves=8)
    body = st.one_of(st.fixed_dictionaries({"text": value}), st.fixed_dictionaries({"texts": st.lists(value,
                                                                                                        max_size=5)}),
                     st.fixed_dictionaries({"texts": st.lists(text, max_size=5)}), value)

    @hypothesis.settings(max_examples=200, deadline=None)
    @hypothesis.given(body)
    def check(payload: Any) -> None:
        raw = json.dumps(payload, ensure_ascii=True, allow_nan=True)  # NaN / Infinity literals included
        r = client.post("/v1/classify", content=raw.encode("ascii"), headers={"content-type": "application/json"})
        assert r.status_code in (200, 413, 422), (r.status_code, r.text)
        json.loads(r.text)

    check()
