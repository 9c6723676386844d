"""Chinese words for the text analytics: a private, quiet jieba tokenizer, the shipped stop words, the same
normaliser as classification (:func:`feedback_nlp.text.normalize.normalize`: 繁→简, full width, emoji) and optional
phrase merging (:mod:`feedback_nlp.text.phrases`).

The tokenizer is built lazily, once, under a lock, without jieba's prefix-dictionary messages on stderr, and is
untouched by other code that changes ``jieba.dt``.

>>> tokenize("客戶經理態度很差，刷臉支付總是失敗", user_words=["刷脸支付"])
['客户经理', '态度', '很差', '刷脸支付', '失败']
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .normalize import normalize

__all__ = ["PhraseSegmenter", "TOKEN_PATTERN", "add_user_words", "base_tokenizer", "content_words", "jieba_tokenizer",
           "load_stop_words", "stop_set", "tokenize"]

_STOP_FILE = Path(__file__).resolve().parents[1] / "data" / "stopwords_zh.txt"
_lock = threading.RLock()  # re-entrant: the lazy loaders call each other
_state: dict[str, Any] = {}
#: A content word: starts with a Chinese character or a letter (no numbers, no punctuation).
TOKEN_PATTERN = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#._-]*$")
# Counts written in Chinese numerals (三次, 十几次, 两个月, 四十分钟): numbers, not content.
_COUNT = re.compile(r"^[零一二三四五六七八九十两几百千万半多]+[个次天月年分钟小时周号块元遍趟位条笔多]*$")


def load_stop_words() -> frozenset[str]:
    """The shipped Chinese stop-word list (``feedback_nlp/data/stopwords_zh.txt``: function words and service
    boilerplate such as 您好, 投诉, 反映, 留言, 麻烦), read once.

    >>> "的" in load_stop_words() and "您好" in load_stop_words() and "退款" not in load_stop_words()
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


def stop_set(extra: Iterable[str] | None) -> frozenset[str]:
    """The shipped stop words plus ``extra`` (one str or several), normalised like the texts."""
    base = load_stop_words()
    if extra is None:
        return base
    if isinstance(extra, str):
        extra = [extra]
    words = []
    for w in extra:
        if not isinstance(w, str):
            raise TypeError(f"stop words must be str, got {type(w).__name__} ({w!r})")
        words.append(normalize(w))
    return base | frozenset(words)


def _new_tokenizer() -> Any:
    import jieba

    log = logging.getLogger("jieba")
    level = log.level
    log.setLevel(logging.WARNING)  # jieba logs its cache loading at DEBUG to stderr
    try:
        tok = jieba.Tokenizer()
        tok.initialize()
    finally:
        log.setLevel(level)
    return tok


def jieba_tokenizer() -> Any:
    """A private jieba ``Tokenizer`` (default dictionary plus the words given to :func:`add_user_words`),
    initialised once under a lock and without jieba's "Building prefix dict ..." messages on stderr."""
    tok = _state.get("tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("tokenizer")
            if tok is None:
                tok = _new_tokenizer()
                for key in [k for k in _state if k.startswith("extractor_")]:
                    del _state[key]  # they hold the previous tokenizer
                _state["user_words"] = set()
                _state["tokenizer"] = tok
    return tok


def base_tokenizer() -> Any:
    """A second private jieba ``Tokenizer`` with the default dictionary only, never given user words: phrase
    discovery reads the corpus through it, so what it finds does not depend on words added earlier in the process."""
    tok = _state.get("base_tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("base_tokenizer")
            if tok is None:
                tok = _state["base_tokenizer"] = _new_tokenizer()
    return tok


def add_user_words(words: Iterable[str] | None) -> None:
    """Add domain words to the private tokenizer for the rest of the process (``None``: nothing)."""
    if words is None:
        return
    if isinstance(words, str):
        words = [words]
    tok = jieba_tokenizer()
    with _lock:
        added: set[str] = _state.setdefault("user_words", set())
        for w in words:
            if not isinstance(w, str) or not w.strip():
                raise TypeError(f"user_words must be non-empty str, got {w!r}")
            w = normalize(w)
            if w not in added:
                tok.add_word(w, freq=None)
                tok.suggest_freq(w, tune=True)
                added.add(w)


def content_words(words: Iterable[str], stop: frozenset[str]) -> list[str]:
    """Words of length >= 2 that are not stop words, numbers (also in Chinese numerals: 三次) or punctuation.

    >>> content_words(["转账失败", "十几次", "了", "123", "app"], load_stop_words())
    ['转账失败', 'app']
    """
    return [w for w in words if len(w) >= 2 and w not in stop and TOKEN_PATTERN.match(w) and not _COUNT.match(w)]


def tokenize(
    text: str,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
    phrases: Iterable[str] | None = None,
) -> list[str]:
    """Content words of one text, normalised as for classification (繁→简, full width, emoji): jieba words of
    length >= 2 without stop words, numbers and punctuation; ``phrases`` (e.g. from
    :func:`feedback_nlp.text.phrases.discover_phrases`) are kept whole.

    ``user_words`` are added to the (private, shared) jieba dictionary for the rest of the process.

    >>> tokenize("您好，转账失败三次", phrases=["转账失败"])
    ['转账失败']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() takes a str, got {type(text).__name__}")
    add_user_words(user_words)
    seg = PhraseSegmenter.of(phrases)
    return content_words(seg.cut(text), stop_set(extra_stop_words))


@dataclass(frozen=True)
class PhraseSegmenter:
    """jieba words of the normalised text with the runs of words that spell a phrase merged into one token.

    ``phrases``: the phrases to keep whole (e.g. ``discover_phrases(texts)["phrase"]``); ``max_words``: the longest
    run of jieba words tried. :meth:`cut` gives strings; :meth:`pos` an object whose ``cut`` gives jieba
    ``pair(word, flag)`` objects (a merged phrase is tagged ``"n"``), for jieba's keyword extractors.

    >>> PhraseSegmenter.of(["刷脸支付"]).cut("刷臉支付總是失敗")
    ['刷脸支付', '总是', '失败']
    """

    phrases: frozenset[str] = frozenset()
    max_words: int = 4

    @classmethod
    def of(cls, phrases: Iterable[str] | None, max_words: int = 4) -> PhraseSegmenter:
        """A segmenter for ``phrases`` (None or empty: plain jieba), normalised like the texts."""
        if phrases is None:
            return cls(frozenset(), max_words)
        if isinstance(phrases, str):
            phrases = [phrases]
        items = []
        for p in phrases:
            if not isinstance(p, str):
                raise TypeError(f"phrases must be str, got {type(p).__name__} ({p!r})")
            if p.strip():
                items.append(normalize(p))
        return cls(frozenset(items), max_words)

    def _merge(self, words: list[str]) -> list[tuple[int, int]]:
        """Spans ``(start, stop)`` of the merged tokens over ``words``."""
        spans = []
        i, n = 0, len(words)
        while i < n:
            step = 1
            if self.phrases:
                for k in range(min(self.max_words, n - i), 1, -1):
                    if "".join(words[i:i + k]) in self.phrases:
                        step = k
                        break
            spans.append((i, i + step))
            i += step
        return spans

    def cut(self, text: str) -> list[str]:
        """Tokens of ``text`` (normalised first), phrases merged."""
        words = jieba_tokenizer().lcut(normalize(text))
        return ["".join(words[a:b]) for a, b in self._merge(words)]

    def pos(self) -> Any:
        """An object with ``cut(sentence)`` yielding jieba POS pairs, phrases merged (tagged ``"n"``)."""
        return _PosCutter(self)


def _pos_tokenizer() -> Any:
    """jieba's POS tokenizer over the private tokenizer, built once (it reads the whole dictionary file)."""
    tok = jieba_tokenizer()
    pos = _state.get("pos")
    if pos is None or pos[0] is not tok:
        with _lock:
            pos = _state.get("pos")
            if pos is None or pos[0] is not tok:
                import jieba.posseg

                pos = (tok, jieba.posseg.POSTokenizer(tok))
                _state["pos"] = pos
    return pos[1]


class _PosCutter:
    def __init__(self, seg: PhraseSegmenter) -> None:
        self._seg = seg

    def cut(self, sentence: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        import jieba.posseg

        pairs = list(_pos_tokenizer().cut(normalize(sentence)))
        for a, b in self._seg._merge([p.word for p in pairs]):
            yield pairs[a] if b - a == 1 else jieba.posseg.pair("".join(p.word for p in pairs[a:b]), "n")

    lcut = cut


def _extractor(method: str) -> Any:
    """jieba's TF-IDF or TextRank keyword extractor on the private tokenizer, built once (copy it before changing
    its tokenizers: it is shared)."""
    key = f"extractor_{method}"
    ext = _state.get(key)
    if ext is None:
        tok = jieba_tokenizer()
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


# Names the analyses used before phrase merging existed (kept for them).
_TOKEN_OK = TOKEN_PATTERN
_jieba = jieba_tokenizer
_add_words = add_user_words
_stop_set = stop_set
