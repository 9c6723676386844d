"""Cue features of a prepared text for the learned heads: questions, proposals, thanks, demands, hard words, length.

Each is a count or a 0/1 flag over documented regexes (the same cue phrases the kind rules of
:mod:`feedback_nlp.classify.intent` use), so a learned head can weigh them against the words of the text.

>>> [round(v, 2) for v in cue_features("请问信用卡怎么办理分期?")][:5]
[1, 1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import re

import numpy as np

from .intent import _INQUIRY_EXPLICIT, _INQUIRY_OPENING, _QUESTION, _RHETORICAL, _SUGGEST

__all__ = ["CUE_NAMES", "cue_features", "cue_matrix"]

_PRAISE = re.compile(r"感谢|谢谢|表扬|点赞|好评|满意|给力|赞|辛苦|耐心|热情|帮我解决|解决了")
_DEMAND = re.compile(r"要求|退款|赔偿|退还|退回|投诉|举报|维权|给个说法|讨个说法|处理|解决|撤销|取消|还我|必须|请求")
_HARD = re.compile(r"垃圾|骗子|流氓|无耻|坑|恶心|差劲|太差|气死|欺骗|霸王|乱扣|强制|忽悠|骚扰")
_CHATTER = re.compile(r"转发|分享|活动|抽奖|优惠|推出|开业|新闻|据悉|日前|官方|哈哈|广告")

#: Names of the columns of :func:`cue_features`, in order.
CUE_NAMES = ("question_marks", "ends_with_question", "opens_with_request", "explicit_request", "short_question",
             "rhetorical", "proposal", "proposal_at_start", "opens_with_suggest", "thanks", "demands",
             "hard_words", "chatter", "log_length", "short", "exclamations_per_10_chars")


def cue_features(doc: str) -> list[float]:
    """The :data:`CUE_NAMES` values of one prepared text."""
    sug = _SUGGEST.search(doc)
    n = max(len(doc), 1)
    return [
        min(doc.count("?"), 5), float(doc.endswith("?")), float(bool(_INQUIRY_OPENING.match(doc))),
        float(bool(_INQUIRY_EXPLICIT.search(doc))), float(bool(_QUESTION.search(doc))),
        float(bool(_RHETORICAL.search(doc))), float(sug is not None), float(sug is not None and sug.start() < 4),
        float(doc.startswith(("建议", "提个建议", "提建议"))), min(len(_PRAISE.findall(doc)), 5),
        min(len(_DEMAND.findall(doc)), 5), min(len(_HARD.findall(doc)), 5), min(len(_CHATTER.findall(doc)), 5),
        float(np.log1p(len(doc))), float(len(doc) <= 30), doc.count("!") / n * 10,
    ]


def cue_matrix(docs: list[str] | tuple[str, ...]) -> np.ndarray:
    """(n, len(CUE_NAMES)) cue features of prepared texts."""
    return np.asarray([cue_features(d) for d in docs], dtype=np.float64).reshape(len(docs), len(CUE_NAMES))
