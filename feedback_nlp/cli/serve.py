"""``feedback-nlp serve``: the HTTP service (see :mod:`feedback_nlp.scale.service`).

    feedback-nlp serve --host 0.0.0.0 --port 8000 --workers 2 --model default
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_serve_parser"]


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ..scale.service import serve
    except ImportError as e:  # pragma: no cover - only without the extra
        raise ImportError(f'{e}: install the service extra: pip install "feedback_nlp[service]"') from e
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise ImportError(f'{e.name} is missing: install the service extra: pip install "feedback_nlp[service]"') from e
    serve(host=args.host, port=args.port, workers=args.workers, model=args.model, max_batch=args.max_batch,
          max_body_bytes=args.max_body_bytes, timeout_s=args.timeout, batch_texts=args.batch_texts,
          batch_wait_s=args.batch_wait_ms / 1000.0, log_level=args.log_level, access_log=args.access_log,
          header_timeout_s=args.header_timeout, body_timeout_s=args.body_timeout, max_queued_texts=args.max_queued)
    return 0


def add_serve_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``serve`` to the ``feedback-nlp`` sub-commands (``subparsers`` from ``add_subparsers``).

    >>> p = argparse.ArgumentParser(prog="feedback-nlp")
    >>> _ = add_serve_parser(p.add_subparsers(dest="command"))
    >>> p.parse_args(["serve", "--port", "9000", "--model", "我的模型"]).model
    '我的模型'
    """
    s: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="serve classify() over HTTP (FastAPI + uvicorn; needs the [service] extra)",
        description="POST /v1/classify with {\"text\": ...} or {\"texts\": [...]}; GET /healthz; GET /v1/model; "
                    "docs at /docs.")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0 for every interface)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1, help="worker processes; each loads the model once")
    s.add_argument("--model", "-m", default="default", help="shipped model name or model directory")
    s.add_argument("--max-batch", type=int, default=1000, help="most texts in one request (more: 413)")
    s.add_argument("--max-body-bytes", type=int, default=1_000_000, help="largest request body (more: 413)")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds before a request is answered 504")
    s.add_argument("--batch-texts", type=int, default=256,
                   help="most texts the micro-batcher scores in one model call")
    s.add_argument("--batch-wait-ms", type=float, default=2.0,
                   help="how long a lone request waits for others to share its model call")
    s.add_argument("--header-timeout", type=float, default=10.0,
                   help="seconds a client has to send the request headers (then the connection is closed)")
    s.add_argument("--body-timeout", type=float, default=30.0, help="seconds to receive a request body (then 408)")
    s.add_argument("--max-queued", type=int, help="most texts waiting to be scored (then 503; default 10 x "
                                                  "--max-batch)")
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    s.add_argument("--access-log", action="store_true", help="log every request (costs throughput)")
    s.set_defaults(func=_cmd_serve)
    return s
