"""CheckList-style behavioural tests of the default model on service messages (hand-written sentences).

Invariance: boilerplate (greetings, closings, platform tags, @mentions, location tails, URLs, phone / card / order
numbers) must not change the sentiment label, the kind, the priority or the topics. Minimum functionality: plain
inquiries and proposals are neutral, praise needs no answer, and every result says why it got its priority.
"""

from __future__ import annotations

import pytest

import feedback_nlp as fn

MESSAGES = [
    "请问信用卡分期怎么办理",
    "转账限额怎么调高",
    "建议手机银行增加夜间模式",
    "信用卡年费莫名其妙被扣，客服推来推去",
    "转账失败，钱扣了对方没收到",
    "网点环境不错，就是人太多",
    "手机银行一直闪退，登不上",
    "家里宽带断网三天了，打了十几次电话没人接",
    "柜员小李很耐心，帮我解决了问题",
    "催收人员天天打电话给我父母，还威胁要上门",
    "账户被冻结了怎么办，需要带什么材料去网点",
    "理财经理推销保险的时候隐瞒了风险",
]
BOILERPLATE = [
    ("您好，", ""),
    ("你好!", ""),
    ("客服你好，", ""),
    ("尊敬的领导：", ""),
    ("", "。谢谢"),
    ("", "，谢谢！"),
    ("", " 麻烦了"),
    ("", "，希望尽快处理"),
    ("", "。请尽快回复，谢谢！"),
    ("【客户留言】", ""),
    ("【投诉】", ""),
    ("标题：", ""),
    ("@某银行客服 ", ""),
    ("", " @某银行 @某银行客服"),
    ("", " 我在:人民路"),
    ("", " http://t.cn/a1b2c3"),
    ("", "，联系电话：13812345678"),
    ("", "，订单号：202401011234567"),
    ("您好，", "。谢谢！@某银行客服 我在:中山路"),
]


def _labels(r: fn.Classification) -> tuple[str, str, str, tuple[str, ...]]:
    return r.sentiment.label, r.kind, str(r.priority), r.topic_names


@pytest.mark.parametrize(("prefix", "suffix"), BOILERPLATE)
def test_boilerplate_never_changes_the_reading(prefix: str, suffix: str) -> None:
    plain = fn.classify_batch(MESSAGES)
    decorated = fn.classify_batch([prefix + m + suffix for m in MESSAGES])
    for m, a, b in zip(MESSAGES, plain, decorated):
        assert _labels(a) == _labels(b), (m, prefix, suffix)


def test_every_result_says_why_it_got_its_priority() -> None:
    for r in fn.classify_batch([*MESSAGES, "", "很满意"]):
        assert isinstance(r.priority_reason, str) and r.priority_reason
        assert r.to_dict()["priority_reason"] == r.priority_reason


def test_praise_needs_no_answer() -> None:
    r = fn.classify("柜员小李很耐心，帮我解决了问题，非常感谢")
    assert r.kind == "praise"
    assert str(r.priority) == "none" and r.respond_within is None


def test_plain_questions_and_proposals_are_not_negative() -> None:
    for text in ("请问信用卡分期怎么办理？", "請問信用卡年費怎麼減免？", "建议手机银行增加夜间模式"):
        assert fn.classify(text).sentiment.label != "negative", text
