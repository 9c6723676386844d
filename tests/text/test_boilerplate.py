"""Boilerplate removal (feedback_nlp.text.boilerplate): hand-written sentences, not dataset rows."""

from __future__ import annotations

import pytest

from feedback_nlp.text.boilerplate import strip_boilerplate
from feedback_nlp.text.normalize import normalize


def _clean(text: str) -> str:
    return strip_boilerplate(normalize(text))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("您好，我的信用卡年费被扣了", "我的信用卡年费被扣了"),
        ("客服你好!网银登不上", "网银登不上"),
        ("尊敬的领导：小区门口的路灯坏了一个月", "小区门口的路灯坏了一个月"),
        ("亲，快递什么时候到？", "快递什么时候到?"),
        ("转账失败了，希望尽快处理，谢谢！", "转账失败了"),
        ("请问分期怎么办理？麻烦了", "请问分期怎么办理?"),
        ("【客户留言】网点排队两个小时", "网点排队两个小时"),
        ("【投诉】标题：年费乱扣", "年费乱扣"),
        ("@某某银行客服 卡被吞了 @某某银行", "卡被吞了"),
        ("手机没信号 我在:人民路", "手机没信号"),
        ("手机没信号! 我在这里:。谢谢", "手机没信号"),  # an empty location tag before a closing
        ("详情见 http://t.cn/abc123 处理太慢", "详情见 处理太慢"),
        ("订单号：202401011234567，一直没发货", "一直没发货"),
        ("我的手机13812345678一直收到催收电话", "我的手机一直收到催收电话"),
    ],
)
def test_strips_boilerplate(raw: str, expected: str) -> None:
    assert _clean(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "谢谢",  # only boilerplate: kept as it is
        "你好像扣错钱了",  # 你好像 is not a greeting
        "好用",  # a leading 好 is not a greeting
        "亲自去网点办的",  # neither is 亲自
        "借了100000元",  # amounts stay
        "打12315投诉",  # short service numbers stay
        "感谢小王耐心解答",  # thanks with substance stay
        "我在这里等了三个小时",  # 我在这里 with words after it is not a location tag
    ],
)
def test_keeps_substance(text: str) -> None:
    assert _clean(text) == normalize(text).rstrip("。!")


def test_idempotent_and_no_crash_on_odd_input() -> None:
    for raw in ["", " ", "@", "【】", "您好您好您好", "x" * 10_000, "我在:" * 100]:
        once = strip_boilerplate(normalize(raw))
        assert isinstance(once, str)
        assert strip_boilerplate(once) == once


def test_closing_search_near_the_end_is_the_full_search() -> None:
    """``_strip_closing`` only searches the end of a text; it must remove what the full ``re.sub`` removes."""
    import random

    from feedback_nlp.text import boilerplate as b

    rng = random.Random(0)
    closings = ["谢谢", "谢谢您了", "麻烦了", "希望相关部门能尽快帮忙给予答复一下吧", "盼复", "请尽快处理", "在线等"]
    tails = ["", "!", "?", "??" * 40, " ", "\u3000\u3000", "。。 ！", "…" * 30]
    bodies = ["", "转账失败了", "网点排队两个小时" * 30, "谢谢你们的服务很差", "处理"]
    for _ in range(500):
        text = rng.choice(bodies) + rng.choice([",", "", " "]) + rng.choice(closings) + rng.choice(tails)
        assert b._strip_closing(text) == b._CLOSING.sub("", text, count=1), text
