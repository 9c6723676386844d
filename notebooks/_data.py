"""Synthetic but realistic Chinese customer-feedback tickets for the example notebooks.

Everything here is generated from templates with a fixed seed (no downloads, no files): a bank (银行), an
e-commerce shop (电商) and a restaurant chain (餐饮). Each ticket has a creation time, a channel, a business line, a
customer tier, satisfaction scores and the tags an agent would pick from the ticket system (``tags``: 系统卡顿,
转账失败, 投诉升级, ...). Issues follow one another the way they do in real tickets (系统卡顿 → 转账失败 →
客服难联系 → 投诉升级), volumes have weekly patterns, a slow upward trend, a 双十一 logistics peak and a
mobile-banking outage, so the co-occurrence, forecasting and alert examples have something to find.

>>> df = make_tickets(n_days=30, per_day=10, seed=1)
>>> sorted(df.columns)[:4]
['business_line', 'channel', 'created_at', 'csat']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_tickets", "make_labelled_reviews", "TOPIC_ZH"]

# Chinese display names of the default model's topics (for chart labels).
TOPIC_ZH = {"service_attitude": "服务态度", "efficiency": "效率", "product_defect": "产品缺陷"}

# issue tag -> (business line, complaint clauses, follow-on issues {tag: probability})
_ISSUES: dict[str, dict[str, tuple[str, list[str], dict[str, float]]]] = {
    "银行": {
        "系统卡顿": ("手机银行", ["手机银行打开特别卡", "APP一直转圈加载不出来", "登录页面卡了好几分钟",
                                 "更新之后手机银行老是闪退"], {"转账失败": 0.6, "人脸识别失败": 0.2}),
        "转账失败": ("手机银行", ["转账提示失败但钱被扣了", "给家人转账一直失败", "跨行转账显示处理中两天了"],
                     {"客服难联系": 0.5}),
        "人脸识别失败": ("手机银行", ["刷脸认证老是失败", "人脸识别验证了十几次都不通过"], {"客服难联系": 0.3}),
        "客服难联系": ("信用卡", ["打客服电话半小时没人接", "在线客服只会机器人回复", "转人工一直排队"],
                       {"投诉升级": 0.5}),
        "投诉升级": ("信用卡", ["我要投诉到消保", "再不处理我就去银保监投诉", "问题拖了一周没人管，必须给个说法"], {}),
        "年费争议": ("信用卡", ["信用卡年费莫名其妙扣了", "说好免年费结果还是收了"], {"客服难联系": 0.4}),
        "额度调整": ("信用卡", ["信用卡额度突然被降了", "申请提额一直不通过"], {}),
        "利率不透明": ("个人贷款", ["贷款利率和客户经理说的不一样", "提前还款还要收违约金", "分期手续费太高了"],
                       {"投诉升级": 0.3}),
        "网点排队": ("借记卡", ["网点排队等了一个多小时", "柜台只开了一个窗口", "办个挂失跑了三趟网点"], {}),
    },
    "电商": {
        "物流慢": ("物流配送", ["快递五天了还没到", "物流信息三天没更新", "说好次日达结果等了一周"],
                   {"客服难联系": 0.3}),
        "包装破损": ("物流配送", ["包装破了商品被压坏", "箱子都烂了里面东西碎了"], {"商品质量问题": 0.5, "退款慢": 0.4}),
        "商品质量问题": ("商品质量", ["衣服洗一次就掉色", "用了两天就坏了", "收到的是旧货有划痕", "尺码和描述完全不符"],
                         {"退款慢": 0.5}),
        "退款慢": ("售后退款", ["退款申请一周了还没到账", "退货寄回去了商家一直不处理", "退款被拒绝也不说原因"],
                   {"客服难联系": 0.5}),
        "客服难联系": ("售后退款", ["客服一直不回消息", "联系客服只有自动回复"], {"投诉升级": 0.5}),
        "客服态度差": ("售后退款", ["客服态度很差爱答不理", "客服说话很不耐烦"], {"投诉升级": 0.3}),
        "投诉升级": ("售后退款", ["要求平台介入处理", "再不退款我就去消协投诉"], {}),
    },
    "餐饮": {
        "上菜慢": ("堂食", ["上菜等了四十分钟", "点的菜半天不来", "催了三次菜还没上"], {"服务员态度差": 0.3}),
        "服务员态度差": ("堂食", ["服务员态度冷淡叫了好几次没人理", "服务员白眼翻上天"], {"投诉升级": 0.2}),
        "菜品问题": ("堂食", ["菜里吃出头发", "菜端上来是凉的", "味道太咸了根本没法吃", "肉不新鲜有异味"],
                     {"退款慢": 0.3}),
        "外卖超时": ("外卖", ["外卖超时一个多小时", "骑手送错地址还不接电话", "外卖送到都凉透了"], {"餐品撒漏": 0.3}),
        "餐品撒漏": ("外卖", ["汤洒了一袋子", "包装没封好饭菜撒了一半"], {"退款慢": 0.4}),
        "退款慢": ("外卖", ["申请退款商家一直不同意", "退款说三天到账结果一周都没到"], {"投诉升级": 0.3}),
        "投诉升级": ("堂食", ["要求店长出来给个说法", "我要打12315投诉"], {}),
    },
}

_PRAISE = {
    "银行": ["客服很耐心，问题很快就解决了", "转账秒到账，体验不错", "大堂经理很热情，办业务很顺利",
             "新版手机银行好用多了", "提额申请当天就通过了，很满意"],
    "电商": ["快递第二天就到了，很快", "质量很好，和图片一样", "客服回复很及时，态度很好",
             "退款很快就到账了，点赞", "包装很用心，一点没压坏"],
    "餐饮": ["服务员很热情，菜品味道也很好", "上菜很快，分量足", "外卖送得很快，还是热的",
             "环境干净，下次还来", "味道正宗，性价比很高"],
}
_INQUIRY = {
    "银行": ["请问信用卡怎么申请提额？", "想咨询一下分期手续费怎么算", "请问网点周六营业吗？",
             "建议手机银行增加夜间模式", "希望能支持刷脸支付"],
    "电商": ["请问什么时候发货？", "这个商品支持七天无理由退货吗？", "建议增加送货上门的选项",
             "想问一下有没有发票", "希望能支持刷脸支付"],
    "餐饮": ["请问可以提前订包间吗？", "外卖可以开发票吗？", "建议增加儿童套餐", "请问周末需要排队吗？",
             "希望能支持刷脸支付"],
}
_BUT = ["，但是", "，可是", "，不过"]
_CHANNELS = {
    "银行": (["手机APP", "电话", "网点", "微信"], [0.4, 0.3, 0.15, 0.15]),
    "电商": (["手机APP", "在线客服", "微信", "电话"], [0.45, 0.35, 0.12, 0.08]),
    "餐饮": (["美团", "大众点评", "微信", "电话"], [0.4, 0.35, 0.15, 0.1]),
}
# where a customer goes with a given problem (half of those tickets; the rest follow the source's channel mix)
_PREFERRED_CHANNEL = {"系统卡顿": "手机APP", "人脸识别失败": "手机APP", "转账失败": "电话", "客服难联系": "微信",
                      "网点排队": "网点", "年费争议": "电话", "物流慢": "在线客服", "退款慢": "在线客服",
                      "商品质量问题": "手机APP", "上菜慢": "大众点评", "服务员态度差": "大众点评", "菜品问题": "大众点评",
                      "外卖超时": "美团", "餐品撒漏": "美团"}
_LINES = {"银行": ["手机银行", "信用卡", "借记卡", "个人贷款"], "电商": ["物流配送", "商品质量", "售后退款"],
          "餐饮": ["堂食", "外卖"]}
# weekly pattern (Mon..Sun) and share of all tickets per domain
_WEEKLY = {"银行": [1.2, 1.1, 1.05, 1.05, 1.1, 0.75, 0.7], "电商": [1.25, 1.05, 1.0, 0.95, 0.95, 0.9, 0.9],
           "餐饮": [0.8, 0.8, 0.85, 0.9, 1.15, 1.3, 1.2]}
_SHARE = {"银行": 0.45, "电商": 0.35, "餐饮": 0.20}


def _issue_chain(rng: np.random.Generator, domain: str, first: str) -> list[str]:
    chain, tag = [first], first
    while True:
        follow = _ISSUES[domain][tag][2]
        nxt = [t for t, p in follow.items() if t not in chain and rng.random() < p]
        if not nxt:
            return chain
        tag = nxt[0]
        chain.append(tag)


def _day_weights(domain: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Relative ticket volume per day: weekly pattern, slow trend, yearly wave and events."""
    w = np.array(_WEEKLY[domain])[np.asarray(days.dayofweek)]
    t = np.arange(len(days)) / 365.25
    w = w * (1 + 0.15 * t) * (1 + 0.12 * np.sin(2 * np.pi * (np.asarray(days.dayofyear) / 365.25 - 0.2)))
    if domain == "电商":  # 618 and 双十一 peaks, tickets arrive a few days after the orders
        for month, day in ((6, 18), (11, 11)):
            for year in sorted(set(days.year)):
                peak = pd.Timestamp(year=year, month=month, day=day)
                lag = (days - peak).days.to_numpy()
                w = w * (1 + (2.0 if month == 11 else 0.8) * np.exp(-((lag - 4) ** 2) / 18.0))
    if domain == "餐饮":  # Spring Festival dinners
        for d in ("2023-01-22", "2024-02-10", "2025-01-29"):
            lag = (days - pd.Timestamp(d)).days.to_numpy()
            w = w * (1 + 0.8 * np.exp(-(lag**2) / 20.0))
    return np.asarray(w, dtype=float)


_OUTAGE = (pd.Timestamp("2024-09-10"), pd.Timestamp("2024-09-12"))  # a mobile-banking outage


def make_tickets(start: str = "2023-01-01", n_days: int = 730, per_day: float = 24.0, seed: int = 0) -> pd.DataFrame:
    """One row per ticket: ``ticket_id, created_at, date, source, business_line, channel, tier, text, tags, csat,
    nps_score``, sorted by time. ``per_day`` is the average number of tickets per day over all sources."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, periods=n_days, freq="D")
    rows: list[dict[str, object]] = []
    for domain, share in _SHARE.items():
        w = _day_weights(domain, days)
        lam = per_day * share * w / w.mean()
        if domain == "银行":
            lam = np.where((days >= _OUTAGE[0]) & (days <= _OUTAGE[1]), lam * 4, lam)
        counts = rng.poisson(lam)
        issues = list(_ISSUES[domain])
        base_p = np.array([3.0 if t in ("物流慢", "系统卡顿", "上菜慢", "外卖超时", "商品质量问题") else 1.0
                           for t in issues])
        # the "first" issue of a ticket is never an escalation: escalations follow other issues
        base_p[[i for i, t in enumerate(issues) if t == "投诉升级"]] = 0.0
        for day, k in zip(days, counts):
            outage = domain == "银行" and _OUTAGE[0] <= day <= _OUTAGE[1]
            seconds = rng.normal(14 * 3600, 4 * 3600, size=k).clip(7 * 3600, 23.5 * 3600)
            for sec in seconds:
                rows.append(_ticket(rng, domain, day + pd.Timedelta(seconds=float(sec)), issues, base_p, outage))
    df = pd.DataFrame(rows).sort_values("created_at", kind="stable").reset_index(drop=True)
    df.insert(0, "ticket_id", [f"T{i:06d}" for i in range(1, len(df) + 1)])
    df.insert(2, "date", df["created_at"].dt.normalize())
    return df


def _ticket(rng: np.random.Generator, domain: str, ts: pd.Timestamp, issues: list[str], base_p: np.ndarray,
            outage: bool) -> dict[str, object]:
    channels, cp = _CHANNELS[domain]
    kind = rng.choice(["complaint", "praise", "inquiry", "mixed"], p=[0.55, 0.22, 0.11, 0.12])
    if outage:
        kind = "complaint" if rng.random() < 0.85 else kind
    tags: list[str] = []
    if kind in ("complaint", "mixed"):
        p = base_p.copy()
        if outage:
            p[issues.index("系统卡顿")] *= 25
        first = str(rng.choice(issues, p=p / p.sum()))
        tags = _issue_chain(rng, domain, first)
        clauses = [str(rng.choice(_ISSUES[domain][t][1])) for t in tags]
        text = "，".join(clauses)
        if kind == "mixed":
            text = str(rng.choice(_PRAISE[domain])) + str(rng.choice(_BUT)) + text
        text += str(rng.choice(["", "。", "！", "，太失望了", "，希望尽快处理", "，真的服了"]))
        line = _ISSUES[domain][tags[0]][0]
        csat = int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.10]) if kind == "complaint" else rng.choice([2, 3, 4]))
    elif kind == "praise":
        text = str(rng.choice(_PRAISE[domain])) + str(rng.choice(["", "！", "，好评", "，谢谢"]))
        line = str(rng.choice(_LINES[domain]))
        csat = int(rng.choice([4, 5], p=[0.35, 0.65]))
    else:
        text = str(rng.choice(_INQUIRY[domain]))
        line = str(rng.choice(_LINES[domain]))
        csat = int(rng.choice([3, 4, 5], p=[0.3, 0.45, 0.25]))
    channel = str(rng.choice(channels, p=cp))
    if tags and tags[0] in _PREFERRED_CHANNEL and rng.random() < 0.5:
        channel = _PREFERRED_CHANNEL[tags[0]]
    nps = int(np.clip(round(csat * 2 - 0.5 + rng.normal(0, 1.2)), 0, 10))
    return {"created_at": ts, "source": domain, "business_line": line,
            "channel": channel, "tier": "VIP" if rng.random() < 0.08 else "普通",
            "text": text, "tags": ";".join(tags), "csat": csat, "nps_score": nps}


# Banking jargon the generic model was not trained on: many of these read neutral or even positive to it.
_LABELLED = [
    ("额度又被降了", 0), ("提额申请秒批，太给力了", 1), ("又被风控了，卡直接冻结", 0), ("解冻流程很快，点赞", 1),
    ("年费莫名其妙扣了两次", 0), ("年费按约定减免了", 1), ("征信上多了一条查询记录，没人通知我", 0),
    ("利率比别家低不少", 1), ("提前还款还收违约金", 0), ("分期手续费透明，算得清楚", 1),
    ("转账一直显示处理中", 0), ("跨行转账实时到账", 1), ("账户被降级成二类户了", 0), ("积分兑换很方便", 1),
    ("客户经理天天打电话推销理财", 0), ("理财经理讲解得很清楚", 1), ("U盾又要重新下载驱动", 0),
    ("刷脸登录一次就过", 1), ("短信验证码收不到", 0), ("开户只用了十分钟", 1), ("柜员让我跑了三趟", 0),
    ("挂失补卡当天就拿到了", 1), ("还款日改不了", 0), ("自动还款设置很方便", 1), ("境外刷卡被拒了好几次", 0),
    ("境外消费返现到账了", 1), ("房贷审批拖了两个月", 0), ("房贷放款比预期还快", 1), ("被收了小额账户管理费", 0),
    ("免了跨行手续费，很良心", 1), ("ATM吞卡了", 0), ("网点有专人引导，很贴心", 1), ("信用卡盗刷拒绝赔付", 0),
    ("盗刷的钱很快追回来了", 1), ("APP广告弹窗太多", 0), ("新版APP界面清爽", 1),
]


def make_labelled_reviews(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """A small labelled file in your own domain: ``text, label (1 positive / 0 negative), channel, phrase_id``.

    Built from banking phrases with light variation (prefix/suffix), so a retrained model has something the
    default model does not know. ``phrase_id`` names the base phrase, to hold out whole phrases."""
    rng = np.random.default_rng(seed)
    pre = ["", "", "我的", "这次", "又一次，", "说实话，", "今天"]
    suf = ["", "", "。", "！", "，服了", "，真的", "，点个赞", "，无语"]
    rows = []
    for _ in range(n):
        k = int(rng.integers(len(_LABELLED)))
        text, label = _LABELLED[k]
        s = str(rng.choice(suf))
        if (label == 1 and s in ("，服了", "，无语")) or (label == 0 and s == "，点个赞"):
            s = ""
        rows.append({"text": str(rng.choice(pre)) + text + s, "label": label,
                     "channel": str(rng.choice(["手机APP", "电话", "网点"])), "phrase_id": k})
    return pd.DataFrame(rows)
