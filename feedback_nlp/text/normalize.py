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

import re
import unicodedata

__all__ = ["MAX_CHARS", "normalize", "truncate"]

#: Texts longer than this are truncated before scoring (head and tail kept, see :func:`truncate`).
MAX_CHARS = 4000

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

    return str(zhconv.convert(text, "zh-cn"))


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


def truncate(text: str, max_chars: int = MAX_CHARS) -> str:
    """Keep the first 3/4 and the last 1/4 of ``max_chars`` characters of a long text.

    Reviews put their verdict at the start or the end ("总之，不错"), so both ends are kept.

    >>> len(truncate("好" * 10_000))
    4000
    """
    if len(text) <= max_chars:
        return text
    head = max_chars * 3 // 4
    tail = max_chars - head
    return text[:head] + text[-tail:]
