"""Thread safety, lazy loading and a cheap import (USER_NEEDS 6, 7)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import feedback_nlp as fn
from feedback_nlp.classify import registry

TEXTS = [f"第{i}次来，服务{'很好' if i % 2 else '太差'}" for i in range(200)]


def test_concurrent_classify_matches_sequential() -> None:
    expected = [r.sentiment for r in fn.classify_batch(TEXTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda t: fn.classify(t).sentiment, TEXTS))
    assert got == expected


def test_default_model_loaded_once_under_threads(monkeypatch: object) -> None:
    calls = []
    real_load = registry.load

    def counting_load(name: str = "default") -> fn.FeedbackClassifier:
        calls.append(name)
        return real_load(name)

    registry._default = None
    mp = monkeypatch  # pytest's MonkeyPatch
    mp.setattr(registry, "load", counting_load)  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=8) as pool:
        models = list(pool.map(lambda _: registry.default_classifier(), range(16)))
    assert len(calls) == 1
    assert all(m is models[0] for m in models)


def test_import_does_no_heavy_work() -> None:
    code = (
        "import sys, feedback_nlp;"
        "heavy=[m for m in ('sklearn','pandas','zhconv','datasets','torch') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert registry._default is None or isinstance(registry._default, fn.FeedbackClassifier)
