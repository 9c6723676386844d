"""Boilerplate removal: the parts of a service message that say nothing about its substance.

Applied to normalised text (see :func:`feedback_nlp.text.normalize.normalize`) before every model, in training and
inference alike, so a greeting, a closing or a platform decoration can never change the reading. Removed:

* URLs (``http://…``, ``www.…``, ``t.cn/…``) and retweet chains (``//@name:``);
* ``@mentions`` (``@中国联通客服``) anywhere;
* Weibo location tails at the end (``我在:科苑路``, ``我在这里:…``);
* platform prefixes and field labels: ``【客户留言】``, ``【投诉】``, ``【咨询】`` …, ``标题:``, ``投诉内容:``;
* phone, card, account and order numbers (7+ digits or masked ``138****1234``, with their label when the label and
  the number stand alone: ``订单号:1312032042144``); amounts (``1000000元``) and short service numbers
  (``12315``, ``95588``) are kept;
* greetings at the start (您好, 你好, 尊敬的领导, 客服你好, 亲, 在吗, 打扰一下 …);
* closings at the end (谢谢, 麻烦了, 希望尽快处理, 请尽快回复, 期待回复, 盼复, 在线等 …).

Closings are removed only at the end and greetings only at the start, repeatedly ("您好，打扰一下，…"). When
nothing would be left (a text that is only "谢谢"), the text is kept as it was: the boilerplate *is* the message.

>>> strip_boilerplate("@中国联通客服 您好,转账失败了,希望尽快处理,谢谢! 我在:科苑路")
'转账失败了'
"""

from __future__ import annotations

import re

__all__ = ["strip_boilerplate"]

_P = r"[\s,.!?;:~，。！？；：～、…]"  # punctuation / space that separates boilerplate from the message
_URL = re.compile(r"(?:https?:/*|www\.)[0-9a-z\-._~:/?#\[\]@!$&'()*+,;=%]*|t\.cn/[0-9a-z]+")
_RETWEET = re.compile(r"//@[^\s:：]{1,30}[:：]?")
_MENTION = re.compile(r"@[^\s@,.!?;:，。！？；：、()（）【】\[\]]{1,20}")
# "我在这里" alone is an empty tag whose colon went with a closing stripped after it ("我在这里:。谢谢").
_LOCATION = re.compile(r"我在(?:这里)?[:：][^。!?！？]{0,40}$|我在这里$")
_TAG = re.compile(
    r"【(?:客户|用户|网友|市民|群众)?(?:留言|投诉|咨询|建议|反馈|求助|举报|表扬|来信|来电|工单|转发|问题|意见|"
    r"意见反馈|投诉建议|咨询投诉)】"
)
_LABEL = re.compile(
    r"(?:^|(?<=" + _P + r"))(?:投诉|留言|问题|来信|咨询)?(?:标题|主题|内容|正文|详情|描述)[:：]"
)
_NUM_LABEL = (
    r"(?:联系|我的|本人|宽带|主|客户)*(?:电话|手机|手机号|联系方式|卡号|银行卡号|账号|帐号|订单号|订单编号|单号|工单号|物流单号|"
    r"快递单号|运单号|保单号|合同号|身份证号?|编号|用户号|宽带账号)(?:码)?(?:是|为)?[:：]?\s*"
)
_NUM = r"(?:[a-z]{0,4}[0-9*×x]{7,}|[0-9*]{3,4}(?:[- ][0-9*]{3,4}){2,4})(?![0-9*]*(?:元|块|万|亿|美元|rmb|w))"
_NUM_ALONE = re.compile(r"(?:^|(?<=" + _P + r"))" + _NUM_LABEL + _NUM + r"(?=" + _P + r"|$)")
_NUM_ANY = re.compile(r"(?<![0-9a-z*])" + _NUM)
_GREETING = re.compile(
    r"^(?:(?:尊敬|亲爱)的[^\s,.!?;:，。！？；：]{1,10}(?=[,:，：!！\s])|"
    r"(?:各位|客服|领导|工作人员|小二|小编|管理员|市长|书记|老师|官方|客服小姐姐|客服mm|大家)(?:们)?(?:您好|你好|好)|"
    r"(?:您好|你好)(?!像|多|几|久|意思|坏|厉害|棒|烦|差|看|用|吃|恶心|过分)|"
    r"(?:hi|hello|嗨|哈喽|hey)(?![a-z])|亲(?:们|爱的)?(?=" + _P + r")|在吗|在不在|"
    r"(?:不好意思)?打扰(?:一下|了|您了|你们了)?|冒昧打扰)" + _P + r"*"
)
_CLOSING = re.compile(
    r"(?:(?:谢谢|多谢|谢了)(?:您|你|你们|您们|大家|客服)?(?:了|啦|啊)?|"
    r"麻烦(?:您|你|你们|了)(?:了|啦)?|"
    r"(?:希望|请|恳请|麻烦|望|务必|还望)?(?:你们|贵行|贵公司|相关部门|有关部门|客服)?(?:能)?(?:尽快|尽早|赶紧|早日|及时)"
    r"(?:帮忙)?(?:处理|解决|回复|答复|给(?:个|予)?(?:答复|回复|说法)|核实处理|核查处理)(?:一下)?(?:吧)?|"
    r"(?:期待|等待|静候|盼|恭候)(?:您的|你们的|您|你们)?(?:回复|答复|回音|佳音)|盼复|望回复|请回复|速回|"
    r"在线等|急等|此致敬礼|此致|敬礼)" + _P + r"*$"
)


#: Longest closing phrase without its trailing separators (``希望相关部门能尽快帮忙给予答复一下吧`` is 18): a closing
#: match starts in the last ``_CLOSING_SPAN`` characters before the trailing separators, so only they are searched.
_CLOSING_SPAN = 40
_PUNCT = ",.!?;:~，。！？；：～、…"  # the non-space characters of ``_P``


def _strip_closing(text: str) -> str:
    """``_CLOSING.sub("", text, count=1)`` without trying every position of a long text (the regex ends in ``$``)."""
    core = text
    while (shorter := core.rstrip().rstrip(_PUNCT)) != core:  # rstrip() takes the whitespace ``\s`` matches
        core = shorter
    tail = len(text) - len(core)
    m = _CLOSING.search(text, max(0, len(text) - tail - _CLOSING_SPAN))
    return text if m is None else text[: m.start()] + text[m.end():]


def _trim(text: str) -> str:
    """Strip separators at both ends and end punctuation other than a question mark."""
    return text.strip(" ,.;:~，；：～、").rstrip(" ,.;:~，；：～、。!…")


_NUM_CHAR = re.compile(r"[0-9*×x]")  # every match of ``_NUM`` has one of these


def _once(text: str) -> str:
    # Each substitution runs only when the text has a character or word its pattern cannot match without (most
    # texts have no URL, mention, tag or long number): the same result, far fewer scans.
    if "http" in text or "www." in text or "t.cn/" in text:
        text = _URL.sub(" ", text)
    if "//@" in text:
        text = _RETWEET.sub(" ", text)
    if "我在" in text:
        text = _LOCATION.sub("", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "【" in text:
        text = _TAG.sub(" ", text)
    if _NUM_CHAR.search(text):
        text = _NUM_ALONE.sub(" ", text)
        text = _NUM_ANY.sub("", text)
    if ":" in text or "：" in text:
        text = _LABEL.sub(" ", text)
    text = _trim(text)
    for _ in range(8):
        new = _GREETING.sub("", text, count=1)
        new = _trim(_strip_closing(new))
        if new == text:
            break
        text = new
    return text


_SPACE = re.compile(r"\s+")


def strip_boilerplate(text: str) -> str:
    """Remove greetings, closings, mentions, platform tags, URLs, location tails and long numbers (module doc).

    Expects normalised text (half-width punctuation, lower case). Returns ``text`` unchanged when only
    boilerplate is there.

    >>> strip_boilerplate("【投诉】标题:信用卡年费乱扣 麻烦了")
    '信用卡年费乱扣'
    >>> strip_boilerplate("谢谢")
    '谢谢'
    """
    out = text
    for _ in range(100):  # until nothing more comes off (a few rounds on real text)
        new = _once(out)
        if new == out:
            break
        out = new
    out = _SPACE.sub(" ", out).strip()
    return out if out else text
