"""The HTTP service, exercised through a real uvicorn server on a free 127.0.0.1 port (issue 6)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import uvicorn  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.scale.service import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "", "请问怎么退款？", "希望增加夜间配送"]


class _Server:
    """uvicorn in a thread, on a socket bound to a free loopback port before it starts (no port race)."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class _SlowClassifier(fn.FeedbackClassifier):
    """Sleeps on texts containing 慢, to trigger the per-request timeout."""

    def classify_batch(self, texts: Any, *args: Any, **kwargs: Any) -> list[fn.Classification]:
        if any("慢" in t for t in texts):
            time.sleep(0.6)
        return super().classify_batch(texts, *args, **kwargs)


@pytest.fixture(scope="module")
def server(default_clf: fn.FeedbackClassifier) -> Iterator[_Server]:
    with _Server(create_app("default", max_batch=50, max_body_bytes=20_000, timeout_s=5.0)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: _Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_single_text_matches_library_and_keeps_chinese_readable(
        client: httpx.Client, default_clf: fn.FeedbackClassifier) -> None:
    r = client.post("/v1/classify", json={"text": TEXTS[0]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert "快递三天才到" in r.content.decode("utf-8") and "\\u" not in r.text
    assert r.json() == json.loads(json.dumps(default_clf.classify(TEXTS[0]).to_dict()))
    assert r.json()["sentiment"]["label"] == "negative" and r.json()["kind"] == "complaint"


def test_response_carries_the_priority_reason(client: httpx.Client) -> None:
    body = client.post("/v1/classify", json={"text": "信用卡被盗刷了两万"}).json()
    assert body["priority"] == "urgent" and body["priority_reason"].startswith("欺诈或盗刷")


def test_batch_keeps_order_and_length(client: httpx.Client, default_clf: fn.FeedbackClassifier) -> None:
    r = client.post("/v1/classify", json={"texts": TEXTS})
    assert r.status_code == 200
    expected = [json.loads(json.dumps(c.to_dict())) for c in default_clf.classify_batch(TEXTS)]
    assert r.json() == {"results": expected}
    assert client.post("/v1/classify", json={"texts": []}).json() == {"results": []}
    assert client.post("/v1/classify", json={"text": "  "}).json()["sentiment"]["label"] == "neutral"


def test_concurrent_requests_are_batched_and_each_gets_its_own_answer(
        server: _Server, default_clf: fn.FeedbackClassifier) -> None:
    texts = [f"第{i}次来，{'服务很好' if i % 3 else '太差了，再也不来'}" for i in range(120)]
    expected = [c.sentiment.label for c in default_clf.classify_batch(texts)]
    with httpx.Client(base_url=server.url, timeout=10) as c, ThreadPoolExecutor(16) as pool:
        got = list(pool.map(lambda t: c.post("/v1/classify", json={"text": t}).json(), texts))
    assert [g["text"] for g in got] == texts
    assert [g["sentiment"]["label"] for g in got] == expected


def test_health_model_card_and_docs(client: httpx.Client) -> None:
    h = client.get("/healthz")
    assert h.status_code == 200 and h.json()["status"] == "ok" and h.json()["model"] == "feedback-zh-default"
    m = client.get("/v1/model").json()
    assert m["feedback_nlp_version"] == fn.__version__
    assert m["name"] == "feedback-zh-default" and m["backend"] == "linear" and "accuracy" in json.dumps(m["metrics"])
    spec = client.get("/openapi.json").json()
    assert {"/v1/classify", "/healthz", "/v1/model"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("payload", [
    {}, {"text": 1}, {"text": None}, {"texts": "一条"}, {"texts": [1]}, {"texts": [None]}, {"txt": "错字段"},
    {"text": "a", "texts": ["b"]}, [TEXTS[0]], "快递",
])
def test_wrong_types_are_422(client: httpx.Client, payload: Any) -> None:
    r = client.post("/v1/classify", json=payload)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_malformed_json_is_422(client: httpx.Client) -> None:
    r = client.post("/v1/classify", content='{"text": "快递'.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
    r = client.post("/v1/classify", content=json.dumps({"text": "快递"}).encode())  # no JSON content type
    assert r.status_code == 422 and "Content-Type: application/json" in r.json()["detail"][0]["msg"]


def test_too_many_texts_is_413(client: httpx.Client) -> None:
    r = client.post("/v1/classify", json={"texts": ["好"] * 51})
    assert r.status_code == 413 and "at most 50" in r.json()["detail"]
    assert client.post("/v1/classify", json={"texts": ["好"] * 50}).status_code == 200


def test_body_over_limit_is_413_by_header_and_by_stream(client: httpx.Client) -> None:
    big = json.dumps({"text": "很" * 10_000}, ensure_ascii=False).encode("utf-8")  # 30 kB > 20 kB
    r = client.post("/v1/classify", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "20000" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # chunked upload: no Content-Length, the server counts what arrives
        for i in range(0, len(big), 4096):
            yield big[i:i + 4096]

    r = client.post("/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.get("/healthz").status_code == 200  # still serving


def test_unknown_route_and_method(client: httpx.Client) -> None:
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v1/classify").status_code == 405


def test_timeout_is_504_and_server_recovers(tiny_model_dir: Path) -> None:
    base = fn.load(tiny_model_dir)
    slow = _SlowClassifier(base.sentiment, base.meta, base.topics)
    with _Server(create_app(slow, timeout_s=0.2, batch_wait_s=0)) as s, httpx.Client(base_url=s.url) as c:
        r = c.post("/v1/classify", json={"text": "上菜太慢了"})
        assert r.status_code == 504 and "0.2 s" in r.json()["detail"]
        time.sleep(0.5)  # the model thread finishes the slow batch
        r = c.post("/v1/classify", json={"text": "服务很好，下次还来"})
        assert r.status_code == 200, r.text
        assert c.get("/healthz").json()["model"] == "tiny"


def test_create_app_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        create_app(max_batch=0)
    with pytest.raises(ValueError, match="timeout_s"):
        create_app(timeout_s=0)


def test_serve_subprocess_with_two_workers(tiny_model_dir: Path) -> None:
    """The production path: `serve()` via the CLI options, 2 worker processes, a model directory."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "feedback_nlp", "serve", "--port", str(port), "--workers", "2",
           "--model", str(tiny_model_dir), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as c:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if c.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, proc.communicate()[0].decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
            assert c.get("/healthz").json()["model"] == "tiny"
            r = c.post("/v1/classify", json={"texts": ["很满意", "太差了"]})
            assert [x["sentiment"]["label"] for x in r.json()["results"]] == ["positive", "negative"]
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_cli_parser_forwards_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    import feedback_nlp.scale.service as service
    from feedback_nlp.cli.serve import add_serve_parser

    seen: dict[str, Any] = {}
    monkeypatch.setattr(service, "serve", lambda **kw: seen.update(kw))
    p = argparse.ArgumentParser()
    add_serve_parser(p.add_subparsers(dest="command"))
    args = p.parse_args(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "2", "--model", "m",
                         "--timeout", "3", "--batch-wait-ms", "1"])
    assert args.func(args) == 0
    assert seen["host"] == "0.0.0.0" and seen["port"] == 9001 and seen["workers"] == 2 and seen["model"] == "m"
    assert seen["timeout_s"] == 3.0 and seen["batch_wait_s"] == 0.001
