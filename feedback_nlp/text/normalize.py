"""Text normalisation applied before every model sees a text.

Steps, in order (each is cheap and documented so results are reproducible):

1. Remove what cannot be text: NUL and other control characters, lone UTF-16 surrogates.
2. Unicode NFKC: full-width letters, digits and punctuation become half-width (``ＡＢＣ１２３！`` → ``ABC123!``).
3. Traditional → simplified Chinese with ``zhconv`` (``服務態度很差`` → ``服务态度很差``).
4. A small table of sentiment-bearing emoji becomes words (``👍`` → ``赞``); other emoji and pictographs are dropped.
5. Runs of the same punctuation mark collapse to two (``！！！！`` → ``!!``); whitespace runs become one space.
6. Latin letters are lower-cased.

Example:
    >>> normalize("服務態度很差！！！！👎")
    '服务态度很差!!差'
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .patterns import compile_alternation

__all__ = ["MAX_CHARS", "WINDOWS", "normalize", "truncate"]

#: Texts longer than this are cut before scoring to evenly spaced windows over the whole text (:func:`truncate`).
MAX_CHARS = 8000
#: How many windows :func:`truncate` keeps of a long text.
WINDOWS = 8

_EMOJI_WORDS: dict[str, str] = {
    "👍": "赞",
    "👏": "赞",
    "💯": "赞",
    "❤": "喜欢",
    "♥": "喜欢",
    "😍": "喜欢",
    "🥰": "喜欢",
    "😊": "开心",
    "😀": "开心",
    "😁": "开心",
    "😄": "开心",
    "😃": "开心",
    "🙂": "开心",
    "😂": "哈哈",
    "🤣": "哈哈",
    "👎": "差",
    "😡": "生气",
    "😠": "生气",
    "🤬": "生气",
    "😤": "生气",
    "😞": "失望",
    "😔": "失望",
    "😢": "难过",
    "😭": "难过",
    "💔": "失望",
    "🙄": "无语",
    "😒": "无语",
    "🤮": "恶心",
    "🤢": "恶心",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u2028-\u202e\ufeff]")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\ufe0f\u20e3\U000e0000-\U000e007f]"
)
_REPEAT_PUNCT = re.compile(r"([!?,.。，！？~～…、;；:：\-_=*#@^])\1{2,}")
_SPACE = re.compile(r"\s+")
_EMOJI_TABLE = str.maketrans({k: v for k, v in _EMOJI_WORDS.items() if len(k) == 1})


def _zhconv(text: str) -> str:
    import zhconv  # local import: keeps `import feedback_nlp` fast

    changing, phrases = _zhconv_guards()
    if changing.isdisjoint(text) and phrases.search(text) is None:
        return text  # nothing zhconv would change (see _zhconv_guards): skip its per-character Python loop
    return str(zhconv.convert(text, "zh-cn"))


@functools.lru_cache(maxsize=1)
def _zhconv_guards() -> tuple[frozenset[str], re.Pattern[str]]:
    """What finds every text ``zhconv.convert(text, "zh-cn")`` would change: the characters its table converts on
    their own, and a regex of the phrases it rewrites that contain none of them (幺 in 么二三 → 幺二三). A text
    with neither comes back unchanged from zhconv (every table entry it could match maps to itself), so the check is
    exact; it is built once from zhconv's own table."""
    from zhconv import zhconv as table

    entries = table.getdict("zh-cn")
    single = frozenset(k for k, v in entries.items() if len(k) == 1 and v != k)
    phrases = sorted(k for k, v in entries.items() if len(k) > 1 and v != k and single.isdisjoint(k))
    return single, compile_alternation([re.escape(k) for k in phrases] or ["(?!)"])


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` (see the module docstring for the steps).

    >>> normalize("不算太差，ＶＩＰ通道也就那樣。。。。")
    '不算太差,vip通道也就那样。。'
    """
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _zhconv(text)
    text = text.translate(_EMOJI_TABLE)
    text = _EMOJI.sub("", text)
    text = _REPEAT_PUNCT.sub(r"\1\1", text)
    text = _SPACE.sub(" ", text).strip()
    return text.lower()


def truncate(text: str, max_chars: int = MAX_CHARS, windows: int = WINDOWS) -> str:
    """A long text cut to ``max_chars`` characters read across its whole length: ``windows`` equal, evenly spaced
    windows (the first at the start, the last at the end) joined by "。".

    A complaint-platform story puts its substance anywhere (the loss in paragraph five, the demand at the end), so
    a long text is not cut to its head and tail: every part of it is sampled.

    >>> t = truncate("头" * 5000 + "中" * 5000 + "尾" * 5000, 800)
    >>> len(t), t[0], "中" in t, t[-1]
    (800, '头', True, '尾')
    """
    if len(text) <= max_chars:
        return text
    n = max(1, min(windows, max_chars // 20))
    width = (max_chars - (n - 1)) // n
    last = max_chars - (n - 1) - width * (n - 1)  # the last window takes the rounding remainder
    if n == 1:
        return text[:max_chars]
    step = (len(text) - last) / (n - 1)
    parts = [text[int(i * step): int(i * step) + width] for i in range(n - 1)]
    return "。".join([*parts, text[len(text) - last:]])
