"""Negation and degree handling: rewrite negated sentiment words into plain phrases the model knows well.

A character model learns "不好" (common in reviews) but not "一点也不差" or "不算太差" (rare): the character "差"
pulls such texts negative. Before scoring, a negator (不, 没, 并不, 一点也不, ...) with optional degree words
(太, 很, 是很, 算, 怎么, ...) in front of a lexicon word is rewritten:

==========================  ===================  ===============================
pattern                     example              becomes
==========================  ===================  ===============================
emphatic negator + NEG      一点也不差, 并不贵   很好 (clearly positive)
softened negator + NEG      不算太差, 不太贵     还行 (mildly positive)
plain negator + NEG         不差, 没有问题       不错
softened negator + POS      不太好, 不是很满意   一般般 (mildly negative)
plain/emphatic + POS        不满意, 一点也不好   不好
==========================  ===================  ===============================

The lexicons are small and documented here; :func:`rewrite_negations` is applied to training and to inference
texts alike, so the model learns the rewritten phrases from the data.

>>> rewrite_negations("一点也不差，就是不太方便")
'很好，就是一般般'
"""

from __future__ import annotations

import re

__all__ = ["NEGATIVE_WORDS", "POSITIVE_WORDS", "rewrite_negations"]

#: Words that carry negative sentiment on their own (as they appear in reviews).
NEGATIVE_WORDS = (
    "差", "坏", "烂", "糟糕", "糟", "难吃", "难用", "难看", "难闻", "慢", "贵", "脏", "吵", "失望", "麻烦",
    "卡", "卡顿", "旧", "油腻", "咸", "腥", "冷淡", "敷衍", "恶心", "垃圾", "后悔", "生气", "差劲", "离谱",
    "问题", "毛病", "错",
)
#: Words that carry positive sentiment on their own.
POSITIVE_WORDS = (
    "好", "满意", "喜欢", "舒服", "方便", "干净", "热情", "快", "便宜", "值", "值得", "推荐", "好吃", "好用",
    "新鲜", "专业", "耐心", "划算", "理想", "流畅", "清楚", "安静", "满足", "开心", "高兴", "靠谱", "周到",
    "友好", "礼貌", "及时", "准时", "实惠", "好看", "漂亮", "给力", "到位", "合理", "清晰", "稳定",
)
_EMPHATIC = (
    r"(?:一点(?:儿)?(?:也|都)不|一点(?:儿)?(?:也|都)没有?|丝毫不|完全不|根本不|并不|并没有|绝对不|从来不|从不|毫不)"
)
_SOFT = r"(?:不算(?:太|很|特别)?|不太|不是(?:很|太|特别|非常|那么)|不怎么|不够|没那么|不那么|没有那么|不大)"
_PLAIN = r"(?:不|没有|没|无)"
_EXCEPT_AFTER_NEG = r"(?!好意思|错过|好说|好找到)"


def _alt(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) + ")"


_NEG = _alt(NEGATIVE_WORDS)
_POS = _alt(POSITIVE_WORDS)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_EMPHATIC + _NEG), "很好"),
    (re.compile(_SOFT + _NEG), "还行"),
    (re.compile(_PLAIN + _EXCEPT_AFTER_NEG + r"(?:" + _NEG + r")(?!错)"), "不错"),
    (re.compile(_SOFT + _POS), "一般般"),
    (re.compile(r"(?:" + _EMPHATIC + "|" + _PLAIN + ")" + _EXCEPT_AFTER_NEG + _POS), "不好"),
)


def rewrite_negations(text: str) -> str:
    """Rewrite negated lexicon words (see the module table). Idempotent on its own output.

    >>> rewrite_negations("不是很满意")
    '一般般'
    """
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text
