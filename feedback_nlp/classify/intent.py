"""Feedback kind (complaint / praise / suggestion / inquiry / other) and response priority, by documented rules.

Kind — the primary intent of a text, from cue phrases plus the sentiment model's calibrated ``P(positive)``
(``p``; with 3-class probabilities also ``P(neutral)``), checked in this order:

1. empty text → ``other``;
2. **suggestion**: a proposal cue (建议…, 希望…能/可以/增加…, 如果能…就好了, 最好能…, 能不能增加…, 应该增加…)
   in a short text (<= 60 characters) or at its start, and the text is not a strong complaint (``p >= 0.15``;
   a text that opens with 建议/提建议 is a suggestion whatever ``p``, as the sentiment model reads many plain
   proposals as negative); wishes such as 希望越做越好 / 生意兴隆 are not proposals;
3. **inquiry**: an explicit request for information (请问, 咨询, 想问, 想了解, 怎么办理/开通/申请…, 在哪里办,
   什么时候能…, 多久能…) with ``p >= 0.2`` (any ``p`` when the text opens with 请问/想问/咨询…), or a short
   question (…吗？, 怎么…？, 有没有…？) that is neither clearly negative nor praise (``0.3 <= p <= 0.85``);
   rhetorical questions (为什么这么慢？, 凭什么, 难道) never count as inquiries;
4. **other**: 3-class probabilities given, neutral is the most likely class with ``P(neutral) >= other_neutral``
   (0.5), and no cue says more;
5. otherwise **complaint** when ``p < 0.5`` (or a negative topic hit with ``p < 0.6``), else **praise**.

Priority — how fast to respond (:class:`Priority`), rules as data (:class:`PriorityRules`, JSON-able):

=============  ==========================================================================  ===============
priority       when                                                                        respond within
=============  ==========================================================================  ===============
urgent         safety, health, fraud or stolen funds, violent or illegal debt collection,   1 hour
               legal action or a regulator: 食物中毒, 起火, 受伤, 盗刷, 恐吓, 起诉, 12315 ...
high           the core service failed: money deducted but transfer failed, wrong           4 hours
               deduction, cannot transfer or withdraw, account frozen, order never
               arrived, system down / cannot log in, no network, refund never came ...
normal         ordinary problems: other complaints, inquiries                              24 hours
suggestion     proposals                                                                   5 working days
none           praise and chatter (``respond_within`` is ``None``)                         no answer
=============  ==========================================================================  ===============

Each rule has a Chinese name; :func:`explain_priority` returns it with the clause it fired in
(``"欺诈或盗刷：信用卡被盗刷了两万"``), the reason a service team audits. The shipped model learns kind and priority
(:mod:`feedback_nlp.classify.intent_model`) and reads these rules as features; the rules alone are what a model
without that component uses.

Urgent and high rules are phrase regexes over the normalised text; a match right after a negator (没有受伤,
未报警) is ignored, and they do not apply to texts whose kind is ``praise`` or ``other`` ("保安及时报警，非常感谢").
``respond_within`` is a :class:`~datetime.timedelta`; for ``suggestion`` it is ``timedelta(days=7)``, the calendar
span that always contains 5 working days (Mon–Fri, no public-holiday calendar); :meth:`Priority.due_by` counts
the working days exactly. A customer tier raises priority (:func:`raise_for_tier`, ``PriorityRules.tier_raises``:
vip +1, svip/platinum/钻石 +2, ...; the high-value RFM segments of :func:`feedback_nlp.rfm` — 重要价值客户,
重要保持客户, 重要发展客户, 重要挽留客户, their ids and English names — +1), never above ``PriorityRules.tier_cap``
(``high``: urgent stays reserved for safety, health, legal and large-loss cases).

>>> classify_kind(["服务员很热情", "转账失败，钱被扣了", "建议增加夜间柜台", "请问信用卡怎么开通？"],
...               [0.95, 0.05, 0.5, 0.5])
['praise', 'complaint', 'suggestion', 'inquiry']
>>> [p.value for p in grade_priority(["吃完食物中毒了", "钱扣了但是转账失败", "上菜有点慢", "很好吃"],
...                                  sentiment_probs=[0.02, 0.05, 0.3, 0.95])]
['urgent', 'high', 'normal', 'none']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import numpy as np

from .._validation import check_str_list
from ..text.boilerplate import strip_boilerplate
from ..text.normalize import normalize

__all__ = [
    "DEFAULT_RULES",
    "KINDS",
    "KIND_REASONS",
    "PRIORITY_NAMES",
    "Priority",
    "PriorityRules",
    "classify_kind",
    "clean",
    "explain_priority",
    "grade_priority",
    "raise_for_tier",
    "rule_hit",
]

#: The kinds :func:`classify_kind` returns.
KINDS = ("complaint", "praise", "suggestion", "inquiry", "other")


class Priority(str, Enum):
    """Response priority; the value is the plain name ("urgent", ...), so it compares equal to that string."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    SUGGESTION = "suggestion"
    NONE = "none"

    @property
    def rank(self) -> int:
        """3 for urgent down to 0 for suggestion; -1 for none (praise and chatter: no response needed)."""
        return _RANK[self]

    @property
    def respond_within(self) -> timedelta | None:
        """1 h, 4 h, 24 h, or 7 calendar days (= 5 working days, see :meth:`due_by` for exact counting); ``None``
        for :attr:`NONE`."""
        return _RESPOND[self]

    @property
    def business_days(self) -> int | None:
        """Working days allowed (5 for suggestion), ``None`` when the deadline is in hours."""
        return 5 if self is Priority.SUGGESTION else None

    def due_by(self, received: datetime) -> datetime | None:
        """Deadline for a text received at ``received``: hours for urgent/high/normal; for suggestion the same
        time of day 5 working days later (Saturday and Sunday skipped; no public-holiday calendar); ``None`` for
        :attr:`NONE`.

        >>> Priority.SUGGESTION.due_by(datetime(2025, 1, 3, 10, 0)).strftime("%a %d %H:%M")  # a Friday
        'Fri 10 10:00'
        """
        days = self.business_days
        within = self.respond_within
        if within is None:
            return None
        if days is None:
            return received + within
        due = received
        while days > 0:
            due += timedelta(days=1)
            if due.weekday() < 5:
                days -= 1
        return due

    def __str__(self) -> str:
        return self.value


_RANK = {Priority.NONE: -1, Priority.SUGGESTION: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}
_BY_RANK = {v: k for k, v in _RANK.items()}
_RESPOND: dict[Priority, timedelta | None] = {
    Priority.URGENT: timedelta(hours=1),
    Priority.HIGH: timedelta(hours=4),
    Priority.NORMAL: timedelta(hours=24),
    Priority.SUGGESTION: timedelta(days=7),
    Priority.NONE: None,
}

# ----------------------------------------------------------------------------------------------------- rules
_URGENT: tuple[tuple[str, str], ...] = (
    ("健康损害", r"食物中毒|中毒|拉肚子|腹泻|上吐下泻|呕吐|吐了一晚|过敏|进了医院|进医院|送医|住院|急诊|吃坏了?肚子|"
             r"吃出(?:了)?(?:玻璃|钉子|铁丝|刀片)|致癌|病危|抢救|(?:有|吃出|发现|长)(?:了)?(?:虫|活虫|虫子|蛆)|"
             r"发霉|霉变|变质|高烧|紧急求助"),
    ("人身安全", r"起火|着火|失火|火灾|冒烟|爆炸|炸了|漏电|触电|电到|煤气泄漏|燃气泄漏|漏气|受伤|摔伤|烫伤|划伤|割伤|"
             r"砸伤|咬伤|流血|骨折|晕倒|昏倒|人身安全|安全隐患|差点出事|出人命|生命危险|猥亵|性骚扰|跟踪|偷拍|殴打|"
             r"打人|被打|跳楼|自杀"),
    ("暴力或违法催收", r"暴力催收|恐吓|威胁|上门催收|爆通讯录|通讯录|骚扰(?:我的?)?(?:家人|父母|亲人|朋友|同事|"
     r"单位|领导|亲戚)|"
                r"(?:打给|联系|打电话给|骚扰)(?:我的?)?(?:家人|父母|亲人|朋友|同事|单位|领导|亲戚|紧急联系人)|"
                r"一天(?:打)?(?:几十|二三十|十几|[0-9]{2,})个?电话|紧急联系人|恶意催收|催收.{0,12}(?:家人|父母|亲人|"
                r"朋友|同事|单位|领导|亲戚|上门)|第三方(?:上门|催收)|要(?:抓|拘留|坐牢)|拘留"),
    ("欺诈或盗刷", r"盗刷|被盗|被偷|盗用|冒用|诈骗|被骗|骗局|套路贷|资金被(?:盗|转走)|不是本人(?:办理|申请|操作|借)|"
               r"本人(?:从未|并未|没有)(?:申请|办理|借|使用|授权)|骗(?:了|取|走)|被.{0,12}骗|虚假(?:贷款|app|平台|宣传)|"
               r"冒充|假冒|钓鱼|传销|非法集资|套取.{0,4}(?:资金|医保)"),
    ("法律或监管投诉", r"起诉|告你们|法院|律师|打官司|报警|报案|立案|警察|12315|12378|消协|消费者协会|工商局|市场监管|"
                r"银保监|金融监管|监管局|人民银行|证监会|仲裁"),
    ("重大资金损失", r"损失(?:了)?(?:[0-9]+|几|一|两|上|数)[万千]|(?:[0-9]+|几|一|两|数)万(?:多)?(?:块|元)?"
               r"(?:没了|不见了|被扣|被转走)|(?:被扣|扣走|转走|骗走)(?:了)?(?:[0-9]+|几|一|两|数|上)[万千]|"
               r"(?:全部|都)(?:被)?(?:扣完|扣走|划走|转走)"),
)
_HIGH: tuple[tuple[str, str], ...] = (
    ("资金损失", r"(?:扣了?(?:钱|款|费)|钱(?:被)?扣了|已扣款|付了钱|已付款|钱付了|已经付款)"
     r".{0,20}(?:失败|(?:没|未|没有|不)(?:到|入)[账帐]|没收到|没成功|未成功|没有成功|不成功|没发货)|"
     r"(?:转账|汇款|支付|付款|提现|还款|缴费)(?:失败|不成功|没成功).{0,20}(?:扣|钱)"),
    ("错误扣款", r"重复扣款|多扣|乱扣|莫名(?:其妙)?(?:被)?扣|无故扣|私自扣|擅自扣|偷扣|扣错|错扣|"
     r"(?:自动|私自|擅自|强行|强制)(?:扣|划)|(?:私自|擅自)(?:将|把)?(?:资金|钱|款)?.{0,6}划|划扣|又扣了|未经(?:本人|我的?)?(?:同意|允许|授权)|"
     r"不知情的?情况下|(?:毫|并|完全|根本|一点都|一点也)不知情|恶意扣|扣走"),
    ("转账或取款受阻", r"(?:无法|不能|没法)(?:转账|支付|付款|取款|取钱|提现|还款|汇款|缴费)|转账失败|提现失败|"
                r"取不出(?:钱)?|转不了账|无法(?:进行)?(?:还款|借款|提现)|领不到|(?:没|未|没有)(?:到[账帐]|入[账帐]|收到(?:钱|款|借款))|"
                r"迟迟(?:不|未|没)(?:到|入)[账帐]|"
                r"借款没收到|钱.{0,6}去哪"),
    ("账户冻结", r"冻结|锁卡|封号|止付|账户(?:被)?(?:锁|限制)"),
    ("订单未送达", r"(?:一直|至今|到现在|始终|还是)(?:都)?(?:没|没有|未)(?:收到|到|送到|送达|发货)|"
     r"(?:订单|外卖|快递|包裹|货).{0,8}(?:丢了|丢失|没送到|没收到|不见了|被取消)|没收到货|没有收到货|收不到货|"
     r"(?:未|不|没|没有)(?:发货|出货|开通)|擅自取消订单|还没(?:有)?开通|报修.{0,12}(?:没人|没有人|无人)"),
    ("系统故障", r"(?:系统|app|软件|网站|网银|手机银行|服务器|平台)(?:又|一直|老是|总是|完全)?"
     r"(?:崩溃|崩了|瘫痪|宕机|挂了|打不开|登不上|进不去|用不了|无法使用|无法登录)|无法登录|登录不上|登不上|"
     r"(?:无法|不能)登[录陆]|登[录陆]不(?:了|上)|开不了机|开不开机|(?:无法|不能)(?:开机|解锁)|死机|假死|变(?:成)?砖|黑屏|闪退|"
     r"打不开|用不了|播不了|收不到短信|短信收不到|打不出(?:去)?|(?:无法|不能)(?:使用|打电话|接电话)"),
    ("网络中断", r"没(?:有)?信号|无信号|断网|上不了网|无法上网|不能上网|网络中断|宽带(?:断|不通|故障|坏)|停机了|"
     r"掉线|断线|信号(?:不稳定|很差|太差|极差|差|弱)|光纤(?:中断|断)|宽带.{0,10}(?:停|断|没恢复|装不上|没弄好|没装好)|连不上(?:网|wifi)?|"
     r"网络.{0,6}(?:瘫痪|很糟糕|不通)|掉话|刷不出"),
    ("退款未到", r"退款.{0,10}(?:没|未|不)(?:到|退|给|处理)|不给退|拒绝退款|不退款|不予退款"),
)


@dataclass(frozen=True)
class PriorityRules:
    """Priority rules as data (JSON-able with :meth:`to_dict` / :meth:`from_dict`).

    ``urgent`` / ``high``: ``(name, regex)`` pairs matched on the normalised text; ``kind_priority``: priority of
    each kind when no urgent/high rule fires; ``tier_raises``: steps a customer tier raises priority (keys
    lower-case); ``tier_cap``: the highest priority a tier raise can reach.
    """

    urgent: tuple[tuple[str, str], ...] = _URGENT
    high: tuple[tuple[str, str], ...] = _HIGH
    kind_priority: Mapping[str, str] = field(default_factory=lambda: {
        "complaint": "normal", "inquiry": "normal", "suggestion": "suggestion", "praise": "none",
        "other": "none",
    })
    tier_raises: Mapping[str, int] = field(default_factory=lambda: {
        "vip": 1, "gold": 1, "金卡": 1, "贵宾": 1, "enterprise": 1, "企业": 1,
        "svip": 2, "platinum": 2, "白金": 2, "钻石": 2, "diamond": 2, "private": 2, "私行": 2,
        # the four high-value (重要) segments of fn.rfm: id, Chinese and English names (SEGMENT_TIERS -> "vip")
        "important_value": 1, "重要价值客户": 1, "important value customer": 1,
        "important_retention": 1, "重要保持客户": 1, "important retention customer": 1,
        "important_development": 1, "重要发展客户": 1, "important development customer": 1,
        "important_winback": 1, "重要挽留客户": 1, "important win-back customer": 1,
    })
    tier_cap: str = "high"

    def __post_init__(self) -> None:
        for level in ("urgent", "high"):
            for item in getattr(self, level):
                if len(item) != 2:
                    raise ValueError(f"{level} rules are (name, regex) pairs, got {item!r}")
                try:
                    re.compile(item[1])
                except re.error as err:
                    raise ValueError(f"{level} rule {item[0]!r} is not a valid regex: {err}") from None
        for p in self.kind_priority.values():
            Priority(p)  # raises ValueError on an unknown priority name
        Priority(self.tier_cap)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["urgent"] = [list(x) for x in self.urgent]
        d["high"] = [list(x) for x in self.high]
        d["kind_priority"] = dict(self.kind_priority)
        d["tier_raises"] = dict(self.tier_raises)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PriorityRules:
        """Rules from a dict (e.g. a JSON file); missing keys keep the defaults."""
        kw: dict[str, Any] = {}
        for level in ("urgent", "high"):
            if level in d:
                kw[level] = tuple((str(n), str(r)) for n, r in d[level])
        for key in ("kind_priority", "tier_raises"):
            if key in d:
                kw[key] = dict(d[key])
        if "tier_cap" in d:
            kw["tier_cap"] = str(d["tier_cap"])
        return cls(**kw)


#: The rules :func:`grade_priority` uses unless given others.
DEFAULT_RULES = PriorityRules()

_NEGATOR = re.compile(r"(?:没有|没|未|无|不是|并未|不会|不用|不必|以免|防止|避免)$")


def clean(text: str) -> str:
    """What the rules read: :func:`~feedback_nlp.text.normalize.normalize` then
    :func:`~feedback_nlp.text.boilerplate.strip_boilerplate` (the same text every model reads).

    >>> clean("您好，轉賬失敗了，謝謝！")
    '转账失败了'
    """
    return strip_boilerplate(normalize(text))


# ------------------------------------------------------------------------------------------------------ kind
_SUGGEST = re.compile(
    r"建议|提个?(?:建议|意见)|希望(?!越来越好|越做越好|生意|再接再厉|继续|保持|下次还|一直)" r"[^,.!?;，。！？；]{0,15}"
    r"(?:能|可以|增加|改进|改善|提供|加|多|少|早日|尽快|换|注意|提高|优化|开通|出|改|把|如实)|"
    r"如果(?:能|可以|有)[^。！？!?]{0,25}(?:就好|更好|会更|就更|方便很多|就完美)|要是[^。！？!?]{0,20}就好了|"
    r"最好(?:能|可以|是|有)|能不能(?:别|增加|加|多|提供|出|改|换|把)|可不可以(?:增加|加|多|提供|出|改|换)|"
    r"应该(?:增加|改进|提供|加|多)|应当|期待(?:增加|推出|改进|能)|改进一下|有待(?:改进|提高|加强)"
)
_INQUIRY_EXPLICIT = re.compile(
    r"请问|咨询一下|咨询下|想咨询|想问|问一下|问下|想了解|想知道|请告知|能否告知|麻烦告诉|"
    r"(?:怎么|如何|怎样)(?:办理|开通|申请|注销|设置|操作|使用|查询|修改|绑定|解绑|激活|安装|退|换|预约|预订|"
    r"联系|取消|报销|开发票|充值|提现|还款|登录|下载|升级)|在哪(?:里|儿)?(?:办|买|取|领|查|看|找)|"
    r"什么时候(?:能|可以|到|发货|开始|开门|营业)|多久(?:能|可以|到|发货)|几点(?:开门|营业|关门|上班)"
)
_INQUIRY_OPENING = re.compile(r"(?:您好|你好)?[,，]?(?:请问|咨询一下|咨询下|想咨询|想问|问一下|问下|想了解|想知道)")
_QUESTION = re.compile(
    r"(?:吗|呢|怎么|如何|怎样|哪|几|多少|什么|有没有|是不是|能不能|可不可以|是否|可以)[^,.!?;，。！？；]{0,12}[?？]|吗$"
)
_RHETORICAL = re.compile(
    r"为什么|为啥|凭什么|难道|怎么(?:这么|那么|还|又|会|能)|什么(?:玩意|东西|破)|搞什么|有没有搞错"
)


def _probabilities(sentiment_probs: Any, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(P(positive) among positive+negative, P(neutral) or None) from floats or (n, 3) rows."""
    a = np.asarray(sentiment_probs, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 3:
        neg, neu, pos = a[:, 0], a[:, 1], a[:, 2]
        p = np.where(pos + neg > 0, pos / np.maximum(pos + neg, 1e-12), 0.5)
        out_neu: np.ndarray | None = neu
    elif a.ndim == 1:
        p, out_neu = a, None
    else:
        raise ValueError("sentiment_probs must be P(positive) per text, or rows (negative, neutral, positive)")
    if len(p) != n:
        raise ValueError(f"{n} texts but {len(p)} sentiment probabilities")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("sentiment probabilities must be in [0, 1]")
    return p, out_neu


def _negative_topic(hits: Any) -> bool:
    return any(getattr(h, "polarity", None) == "negative" for h in (hits or ()))


def classify_kind(
    texts: Sequence[str],
    sentiment_probs: Sequence[float] | np.ndarray,
    topics: Sequence[Sequence[Any]] | None = None,
    other_neutral: float = 0.5,
    short: int = 60,
    normalized: bool = False,
) -> list[str]:
    """Primary intent per text: complaint | praise | suggestion | inquiry | other (rules in the module docstring).

    ``sentiment_probs``: calibrated ``P(positive)`` per text, or rows (negative, neutral, positive) as from
    ``SentimentModel.predict_proba``. ``topics`` (optional): the ``TopicHit`` tuples of each text. A proposal or
    question cue decides the kind only in texts of at most ``short`` characters or when it opens the text; in a
    long review a closing "建议…" does not make the review a suggestion. ``normalized=True``: the texts already
    went through :func:`feedback_nlp.text.normalize.normalize` (skips doing it again).

    >>> classify_kind(["希望能增加夜间柜台", "客服态度太差了"], [0.6, 0.02])
    ['suggestion', 'complaint']
    """
    items = check_str_list(texts, "classify_kind")
    p, neu = _probabilities(sentiment_probs, len(items))
    if topics is not None and len(topics) != len(items):
        raise ValueError(f"{len(items)} texts but {len(topics)} topic tuples")
    out: list[str] = []
    for i, text in enumerate(items):
        doc = text if normalized else clean(text)
        pi = float(p[i])
        if not doc:
            out.append("other")
        elif (m := _SUGGEST.search(doc)) is not None and (len(doc) <= short or m.start() < 8) and (
            pi >= 0.15 or (m.start() < 2 and m.group().startswith(("建议", "提")))
        ):
            out.append("suggestion")
        elif not _RHETORICAL.search(doc) and (
            (_INQUIRY_EXPLICIT.search(doc) and (pi >= 0.2 or _INQUIRY_OPENING.match(doc)))
            or (_QUESTION.search(doc) and 0.3 <= pi <= 0.85 and len(doc) <= short)
        ):
            out.append("inquiry")
        elif neu is not None and neu[i] >= other_neutral and neu[i] >= 1 - neu[i] - 1e-9 and not (
            topics is not None and _negative_topic(topics[i])
        ):
            out.append("other")
        elif pi < 0.5 or (pi < 0.6 and topics is not None and _negative_topic(topics[i])):
            out.append("complaint")
        else:
            out.append("praise")
    return out


# -------------------------------------------------------------------------------------------------- priority
def raise_for_tier(priority: Priority | str, tier: str | None, rules: PriorityRules = DEFAULT_RULES) -> Priority:
    """Raise ``priority`` by the steps ``rules.tier_raises`` gives ``tier`` (case-insensitive), capped at
    ``rules.tier_cap``; a priority already above the cap is kept. Unknown or empty tiers change nothing.

    >>> [raise_for_tier(p, t).value for p, t in [("normal", "VIP"), ("normal", "svip"), ("urgent", "vip")]]
    ['high', 'high', 'urgent']
    """
    pr = Priority(priority)
    if tier is None or (isinstance(tier, float) and np.isnan(tier)):
        return pr
    steps = int(rules.tier_raises.get(str(tier).strip().lower(), 0))
    if steps <= 0 or pr is Priority.NONE:  # praise and chatter need no answer, whoever wrote them
        return pr
    cap = Priority(rules.tier_cap).rank
    if pr.rank >= cap:
        return pr
    return _BY_RANK[min(cap, pr.rank + steps)]


def grade_priority(
    texts: Sequence[str],
    kinds: Sequence[str] | None = None,
    sentiment_probs: Sequence[float] | np.ndarray | None = None,
    topics: Sequence[Sequence[Any]] | None = None,
    tiers: Sequence[str | None] | None = None,
    rules: PriorityRules = DEFAULT_RULES,
    normalized: bool = False,
) -> list[Priority]:
    """Priority per text (rules in the module docstring); :func:`explain_priority` also says why.

    ``kinds``: from :func:`classify_kind`; computed here from ``sentiment_probs`` when not given (one of the two
    is required). ``tiers`` (optional): a customer tier per text ("vip", "svip", ... or None), applied with
    :func:`raise_for_tier`. ``normalized=True``: the texts are already normalised.

    >>> [str(p) for p in grade_priority(["信用卡被盗刷了两万", "页面有点丑"], kinds=["complaint", "complaint"],
    ...                                 tiers=[None, "vip"])]
    ['urgent', 'high']
    """
    return [p for p, _ in explain_priority(texts, kinds, sentiment_probs, topics, tiers, rules, normalized)]


def explain_priority(
    texts: Sequence[str],
    kinds: Sequence[str] | None = None,
    sentiment_probs: Sequence[float] | np.ndarray | None = None,
    topics: Sequence[Sequence[Any]] | None = None,
    tiers: Sequence[str | None] | None = None,
    rules: PriorityRules = DEFAULT_RULES,
    normalized: bool = False,
) -> list[tuple[Priority, str]]:
    """:func:`grade_priority` with the reason of each priority, in Chinese, for auditing the queue: the rule that
    fired and the clause it fired in, or what the kind alone gives.

    >>> explain_priority(["转账失败，钱扣了对方没收到", "谢谢小王的耐心"], ["complaint", "praise"])
    [(<Priority.HIGH: 'high'>, '资金损失：转账失败,钱扣了对方没收到'), (<Priority.NONE: 'none'>, '表扬：无需答复')]
    """
    items = check_str_list(texts, "grade_priority")
    if kinds is None:
        if sentiment_probs is None:
            raise ValueError("grade_priority() needs kinds= or sentiment_probs= (to compute the kinds)")
        kinds = classify_kind(items, sentiment_probs, topics, normalized=normalized)
    kinds = list(kinds)
    if len(kinds) != len(items):
        raise ValueError(f"{len(items)} texts but {len(kinds)} kinds")
    if tiers is not None and len(tiers) != len(items):
        raise ValueError(f"{len(items)} texts but {len(tiers)} tiers")
    out: list[tuple[Priority, str]] = []
    for i, (text, kind) in enumerate(zip(items, kinds)):
        if kind not in KINDS:
            raise ValueError(f"row {i}: kind {kind!r} is not one of {KINDS}")
        doc = text if normalized else clean(text)
        hit = None
        if kind not in _NO_RULES:
            hit = rule_hit(rules.urgent, doc)
            level = Priority.URGENT
            if hit is None:
                hit, level = rule_hit(rules.high, doc), Priority.HIGH
        if hit is not None:
            pr, reason = level, f"{hit[0]}：{hit[1]}"
        else:
            pr = Priority(rules.kind_priority.get(kind, "normal"))
            reason = KIND_REASONS.get(kind, "")
        if tiers is not None:
            pr, reason = _raise_explained(pr, reason, tiers[i], rules)
        out.append((pr, reason))
    return out


#: Kinds the urgent / high rules never apply to (their rules are about problems, not praise or chatter).
_NO_RULES = ("praise", "other")
#: The reason given when no urgent / high rule fired: what the kind alone gives.
KIND_REASONS = {
    "complaint": "一般投诉：24小时内答复",
    "inquiry": "咨询：需要答复",
    "suggestion": "建议：5个工作日内答复",
    "praise": "表扬：无需答复",
    "other": "闲聊或无关内容：无需答复",
}
#: Chinese display names of the priorities.
PRIORITY_NAMES = {"urgent": "紧急", "high": "高", "normal": "普通", "suggestion": "建议", "none": "无需答复"}
_single: dict[str, re.Pattern[str]] = {}
_CLAUSE_END = re.compile(r"[,.!?;，。！？；\s]")


def rule_hit(patterns: Sequence[tuple[str, str]], doc: str) -> tuple[str, str] | None:
    """``(rule name, the clause it fired in)`` of the first rule of ``patterns`` that fires on ``doc`` (not right
    after a negator), or ``None``.

    >>> rule_hit(DEFAULT_RULES.urgent, "昨天，信用卡被盗刷了两万，银行不管")
    ('欺诈或盗刷', '信用卡被盗刷了两万')
    """
    for name, pattern in patterns:
        rx = _single.get(pattern)
        if rx is None:
            rx = _single.setdefault(pattern, re.compile(pattern))
        for m in rx.finditer(doc):
            if _NEGATOR.search(doc, max(0, m.start() - 3), m.start()) is None:
                return name, _clause_at(doc, m.start(), m.end())
    return None


def _clause_at(doc: str, start: int, end: int, width: int = 30) -> str:
    """The clause of ``doc`` around ``[start, end)``, at most ``width`` characters either side."""
    a = start
    while a > 0 and start - a < width and not _CLAUSE_END.match(doc[a - 1]):
        a -= 1
    b = end
    while b < len(doc) and b - end < width and not _CLAUSE_END.match(doc[b]):
        b += 1
    return doc[a:b]


def _raise_explained(pr: Priority, reason: str, tier: Any, rules: PriorityRules) -> tuple[Priority, str]:
    raised = raise_for_tier(pr, tier, rules)
    if raised is pr:
        return pr, reason
    return raised, f"{reason}；客户等级{tier}：上调为{PRIORITY_NAMES[raised.value]}"
