"""Where models live and how they are loaded: shipped names (``"default"``) or a local directory.

Nothing is loaded at import time; :func:`default_classifier` loads the shipped default model once, under a lock,
on first use. Nothing here ever contacts a network.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .classifier import FeedbackClassifier

__all__ = ["DEFAULT_MODEL", "available_models", "default_classifier", "load", "models_dir"]

#: The model ``fn.classify`` uses.
DEFAULT_MODEL = "feedback-zh-default"
_ALIASES = {"default": DEFAULT_MODEL}
_lock = threading.Lock()
_default: FeedbackClassifier | None = None


def models_dir() -> Path:
    """The folder of shipped models: installed as ``feedback_nlp/_models``, or ``models/`` in a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the feedback_nlp package (this module is in classify/)
    for candidate in (here / "_models", here.parent / "models"):
        if (candidate / DEFAULT_MODEL / "meta.json").exists():
            return candidate
    try:  # installed with a package-dir mapping (pip install .)
        from importlib.resources import files

        return Path(str(files("feedback_nlp._models")))
    except ModuleNotFoundError:
        return here.parent / "models"


def available_models() -> list[str]:
    """Names of the shipped models.

    >>> "feedback-zh-default" in available_models()
    True
    """
    d = models_dir()
    return sorted(p.name for p in d.iterdir() if (p / "meta.json").exists()) if d.is_dir() else []


def load(path_or_name: str | Path = "default") -> FeedbackClassifier:
    """Load a shipped model by name (``"default"``) or a model directory written by ``save``/``train``.

    >>> clf = load("default")
    >>> clf.classify("一点也不差").sentiment.label
    'positive'
    """
    name = str(path_or_name)
    path = Path(name).expanduser()
    if path.is_dir():
        return FeedbackClassifier.load(path)
    shipped = models_dir() / _ALIASES.get(name, name)
    if shipped.is_dir():
        return FeedbackClassifier.load(shipped)
    raise FileNotFoundError(
        f"no model directory {name!r} and no shipped model of that name (shipped: {available_models()}); "
        "pass a directory written by FeedbackClassifier.save or `feedback-nlp train`"
    )


def default_classifier() -> FeedbackClassifier:
    """The shipped default model, loaded once (thread-safe)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load(DEFAULT_MODEL)
    return _default
