"""New-word and phrase discovery over your own corpus, so 转账失败, 系统卡顿 and 刷脸支付 count as one term.

jieba's dictionary splits domain phrases (刷脸支付 → 刷 / 脸 / 支付, 转账失败 → 转账 / 失败). The standard unsupervised
remedy (e.g. Matrix67's new-word discovery; Bouma 2009 for normalised PMI) is used: adjacent jieba words that occur
together far more often than chance (pointwise mutual information, the weakest split of the n-gram) and that appear
in varied contexts (left and right branching entropy: a real word is followed and preceded by many different words,
a fragment such as 账失败 is always preceded by 转) are kept as phrases. :class:`PhraseSegmenter` then cuts texts with
jieba and merges these word runs back into one token; the keyword extractors of :mod:`feedback_nlp.insights.terms`
use it, so ``top_issues``, ``keywords`` and ``emerging_terms`` report phrases without a user dictionary.

>>> texts = ["转账失败了，钱被扣了", "昨天转账失败", "系统卡顿，转账失败", "手机银行转账失败两次", "跨行转账失败",
...          "转账很慢", "刷卡失败", "登录失败", "转账成功但没到账"] * 2
>>> discover_phrases(texts, min_count=3)["phrase"].tolist()
['转账失败']
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .normalize import normalize
from .tokenize import base_tokenizer, stop_set

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PHRASE_COLUMNS", "discover_phrases"]

#: Columns of :func:`discover_phrases` output.
PHRASE_COLUMNS: tuple[str, ...] = ("phrase", "words", "count", "pmi", "left_entropy", "right_entropy")
_CLAUSE = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# One-character function words that never start or end a phrase (我家人, 过程中, 征信上).
_EDGE = frozenset("的了着过我你他她它们这那该每请现将把被让给在和与及或对从向于"
                  "很太都也还就又再才只但而其之中上下里时后前个次些所是有")
_NUMERAL = re.compile(r"^[0-9一二三四五六七八九十两几百千万半第]")


def _entropy(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return -sum(c / total * math.log(c / total) for c in counts.values())


def _positive(value: Any, name: str, minimum: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum}; got {value!r}")
    return value


def discover_phrases(
    texts: Iterable[str],
    min_count: int = 5,
    *,
    max_words: int = 3,
    max_chars: int = 6,
    min_pmi: float = 1.0,
    min_entropy: float = 1.0,
    max_whole: float = 0.5,
    max_texts: int = 20_000,
    extra_stop_words: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Phrases of 2..``max_words`` jieba words that behave like one word in ``texts`` (your own corpus).

    Texts are normalised (繁→简, full width, emoji) and cut into clauses at punctuation; in each clause every run of
    2..``max_words`` Chinese words seen at least ``min_count`` times, at most ``max_chars`` characters long, with no
    stop word and no function character or numeral at its edges is a candidate. It is kept when

    * ``pmi`` (natural log; the lowest over the ways to split it in two) >= ``min_pmi``: its parts occur together
      far more often than chance;
    * ``left_entropy`` and ``right_entropy`` (of the words before / after it; a clause edge counts as a new word)
      >= ``min_entropy``: it is used in varied contexts, not a fragment of a longer fixed string;
    * it is not the whole clause in more than ``max_whole`` of its occurrences (a repeated stock sentence such as
      客服你好 is boilerplate, not a term).

    A phrase inside a longer kept one with at least 80% of its count is dropped (the longer one is the unit), and a
    longer one seen less than half as often as a kept shorter one inside it is dropped (跨行转账失败 stays
    转账失败). At most ``max_texts`` texts are read (evenly spaced), so large corpora stay fast.

    Columns :data:`PHRASE_COLUMNS` (``words``: the jieba words, a tuple), most frequent first. Missing texts are
    skipped; a corpus without any text raises ValueError.

    >>> texts = ["系统卡顿登录不了", "月底系统卡顿得厉害", "升级以后系统卡顿", "查余额都系统卡顿，页面转圈"] * 2
    >>> discover_phrases(texts, min_count=4)[["phrase", "count"]].values.tolist()
    [['系统卡顿', 8]]
    """
    import pandas as pd

    if isinstance(texts, (str, bytes)):
        raise TypeError("discover_phrases() takes a list/Series of texts, not one str; wrap it in a list")
    docs = [t for t in (texts.tolist() if hasattr(texts, "tolist") else list(texts)) if isinstance(t, str)]
    if not docs:
        raise ValueError("discover_phrases(): no texts (all missing or not str)")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
        raise ValueError(f"min_count must be an int >= 2; got {min_count!r}")
    if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 2:
        raise ValueError(f"max_words must be an int >= 2; got {max_words!r}")
    _positive(max_chars, "max_chars", 2)
    _positive(min_entropy, "min_entropy", 0)
    _positive(max_whole, "max_whole", 0)
    _positive(max_texts, "max_texts", 1)
    if not isinstance(min_pmi, (int, float)) or isinstance(min_pmi, bool):
        raise ValueError(f"min_pmi must be a number; got {min_pmi!r}")
    if len(docs) > max_texts:
        step = math.ceil(len(docs) / max_texts)
        docs = docs[::step]
    stop = stop_set(extra_stop_words)
    tok = base_tokenizer()  # the default dictionary only: earlier user_words do not change what is found
    clauses = [tok.lcut(c) for d in docs for c in _CLAUSE.split(normalize(d)) if c]
    unigrams: Counter[str] = Counter(w for c in clauses for w in c)
    total = sum(unigrams.values())
    grams: Counter[tuple[str, ...]] = Counter(
        tuple(c[i:i + n]) for c in clauses for n in range(2, max_words + 1) for i in range(len(c) - n + 1))
    cands = {g for g, k in grams.items() if k >= min_count and len("".join(g)) <= max_chars
             and all(_CJK.match(w) and w not in stop for w in g) and g[0] not in _EDGE and g[-1] not in _EDGE
             and not _NUMERAL.match(g[0])}
    left: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    right: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    whole: Counter[tuple[str, ...]] = Counter()
    for c in clauses:
        for n in range(2, max_words + 1):
            for i in range(len(c) - n + 1):
                g = tuple(c[i:i + n])
                if g not in cands:
                    continue
                if n == len(c):
                    whole[g] += 1
                left[g][c[i - 1] if i > 0 else f"\x00{len(left[g])}"] += 1  # each clause edge: a new neighbour
                right[g][c[i + n] if i + n < len(c) else f"\x00{len(right[g])}"] += 1

    def count(g: tuple[str, ...]) -> int:
        return unigrams[g[0]] if len(g) == 1 else grams[g]

    rows = []
    for g in cands:
        k = grams[g]
        pmi = min(math.log(k * total / (count(g[:s]) * count(g[s:]))) for s in range(1, len(g)))
        hl, hr = _entropy(left[g]), _entropy(right[g])
        if pmi >= min_pmi and min(hl, hr) >= min_entropy and whole[g] <= max_whole * k:
            rows.append(("".join(g), g, k, pmi, hl, hr))
    rows.sort(key=lambda r: (len(r[0]), -r[2], r[0]))
    kept: list[tuple[Any, ...]] = []
    for r in rows:  # shortest first: a rare specialisation of a kept phrase is dropped
        if not any(k[0] in r[0] and r[2] < 0.5 * k[2] for k in kept):
            kept.append(r)
    kept = [r for r in kept if not any(r[0] in o[0] and o[0] != r[0] and o[2] >= 0.8 * r[2] for o in kept)]
    kept.sort(key=lambda r: (-r[2], r[0]))
    out = pd.DataFrame(kept, columns=list(PHRASE_COLUMNS))
    out["count"] = out["count"].astype("int64")
    return out
