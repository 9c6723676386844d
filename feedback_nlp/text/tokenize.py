"""Chinese words for the analyses: a private jieba tokenizer (default dictionary, built lazily, once, under a
lock) and the stop-word list shipped in ``feedback_nlp/data/stopwords_zh.txt``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["load_stop_words", "tokenize"]

_STOP_FILE = Path(__file__).resolve().parents[1] / "data" / "stopwords_zh.txt"
_lock = threading.RLock()  # re-entrant: the lazy loaders call each other
_state: dict[str, Any] = {}
_TOKEN_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#._-]*$")


# --------------------------------------------------------------------------- jieba, lazily
def load_stop_words() -> frozenset[str]:
    """The shipped Chinese stop-word list (``feedback_nlp/data/stopwords_zh.txt``), read once.

    >>> "的" in load_stop_words() and "退款" not in load_stop_words()
    True
    """
    words = _state.get("stop_words")
    if words is None:
        with _lock:
            words = _state.get("stop_words")
            if words is None:
                if not _STOP_FILE.exists():
                    raise FileNotFoundError(f"stop-word list missing at {_STOP_FILE}: reinstall feedback_nlp "
                                            "(package data feedback_nlp/data/*.txt)")
                lines = _STOP_FILE.read_text(encoding="utf-8").splitlines()
                words = frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
                _state["stop_words"] = words
    result: frozenset[str] = words
    return result


def _jieba() -> Any:
    """A private jieba Tokenizer (default dictionary), initialised once under a lock: safe from many threads and
    untouched by other code that changes ``jieba.dt``."""
    tok = _state.get("tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("tokenizer")
            if tok is None:
                import jieba

                tok = jieba.Tokenizer()
                tok.initialize()
                for key in [k for k in _state if k.startswith("extractor_")]:
                    del _state[key]  # they hold the previous tokenizer
                _state["user_words"] = set()
                _state["tokenizer"] = tok
    return tok


def _add_words(words: Iterable[str] | None) -> None:
    if words is None:
        return
    if isinstance(words, str):
        words = [words]
    tok = _jieba()
    with _lock:
        added: set[str] = _state.setdefault("user_words", set())
        for w in words:
            if not isinstance(w, str) or not w.strip():
                raise TypeError(f"user_words must be non-empty str, got {w!r}")
            if w not in added:
                tok.add_word(w, freq=None)
                tok.suggest_freq(w, tune=True)
                added.add(w)


def _extractor(method: str) -> Any:
    key = f"extractor_{method}"
    ext = _state.get(key)
    if ext is None:
        tok = _jieba()
        with _lock:
            ext = _state.get(key)
            if ext is None:
                import jieba.analyse
                import jieba.posseg

                ext = jieba.analyse.TFIDF() if method == "tfidf" else jieba.analyse.TextRank()
                ext.tokenizer = tok
                ext.postokenizer = jieba.posseg.POSTokenizer(tok)
                if method == "textrank":
                    ext.tokenizer = ext.postokenizer  # TextRank reads POS from its tokenizer
                ext.stop_words = set(ext.stop_words) | set(load_stop_words())
                _state[key] = ext
    return ext


def _stop_set(extra: Iterable[str] | None) -> frozenset[str]:
    base = load_stop_words()
    if extra is None:
        return base
    if isinstance(extra, str):
        extra = [extra]
    return base | frozenset(extra)


def tokenize(
    text: str, user_words: Iterable[str] | None = None, extra_stop_words: Iterable[str] | None = None
) -> list[str]:
    """Content words of one text: jieba words of length >= 2, stop words, numbers and punctuation removed.

    ``user_words`` are added to the (private, shared) jieba dictionary for the rest of the process.

    >>> tokenize("刷脸支付总是失败，人脸识别太慢", user_words=["刷脸支付"])
    ['刷脸支付', '失败', '人脸识别', '太慢']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() takes a str, got {type(text).__name__}")
    _add_words(user_words)
    stop = _stop_set(extra_stop_words)
    return [w for w in _jieba().lcut(text) if len(w) >= 2 and w not in stop and _TOKEN_OK.match(w)]


