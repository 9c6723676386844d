"""Bank and payment service tickets written for the tests, generated from hand-written templates (fixed seed).

An analyst's corpus in miniature: greetings and closing formulas around the complaint (您好, 麻烦尽快回复), tickets
that raise two issues, praise, questions and suggestions, a few texts in traditional characters, four channels and
a creation time. ``grow`` names an issue that gets three times more frequent each quarter (刷脸支付 by default;
None for a corpus whose issue mix does not change).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_OPEN = ["", "", "", "您好，", "你好，", "客服你好，", "我要投诉，", "我想反映一下，", "留言反映：", "麻烦处理一下，"]
_CLOSE = ["", "", "", "请尽快处理。", "麻烦尽快回复，谢谢。", "希望尽快解决！", "谢谢。", "请给个说法。"]
# issue -> (topic, sentiment, clauses)
ISSUES: dict[str, tuple[str, str, list[str]]] = {
    "转账失败": ("product_defect", "negative", [
        "昨天晚上转账失败了，钱却被扣了", "给家人转账失败三次，也没有任何提示", "跨行转账失败，页面显示处理中",
        "手机银行转账失败，客服说是系统原因", "转账失败以后退款迟迟没有到账", "工资卡转账失败，耽误了还房贷"]),
    "系统卡顿": ("product_defect", "negative", [
        "手机银行系统卡顿，登录要等好几分钟", "月底系统卡顿得厉害，页面一直转圈", "系统卡顿导致我的理财没买上",
        "升级以后系统卡顿，经常闪退", "APP系统卡顿严重，根本打不开账单", "每次查余额都系统卡顿"]),
    "刷脸支付": ("product_defect", "negative", [
        "刷脸支付总是识别不出来", "超市刷脸支付失败，只好排队重新付款", "刷脸支付扣了两次钱",
        "开通刷脸支付以后老是要求重新验证", "刷脸支付验证不通过，又没有别的提示", "刷脸支付太慢，后面的人都在催"]),
    "客服难联系": ("efficiency", "negative", [
        "客服电话打了半小时没人接", "在线客服只会机器人回复", "转人工一直排队，等了四十分钟",
        "客服热线总是占线", "留言三天了没有人回复"]),
    "办理太慢": ("efficiency", "negative", [
        "网点排队等了一个多小时", "办个挂失跑了三趟网点", "柜台只开了一个窗口，效率太低",
        "信用卡审批拖了两个星期", "贷款审批进度一直没有更新"]),
    "态度差": ("service_attitude", "negative", [
        "大堂经理态度很差，爱答不理", "柜员说话很不耐烦", "客服态度恶劣，直接挂我电话",
        "客户经理推销理财，态度强硬", "工作人员一直玩手机不理人"]),
    "年费争议": ("product_defect", "negative", [
        "信用卡年费莫名其妙扣了", "说好免年费结果还是收了", "没有通知就扣了短信服务费"]),
}
PRAISE = ["客服很耐心，问题很快就解决了", "转账秒到账，体验不错", "大堂经理很热情，办业务很顺利",
          "新版手机银行好用多了", "提额申请当天就通过了，很满意", "柜员服务周到，点赞"]
INQUIRY = ["请问信用卡怎么申请提额？", "想咨询一下分期手续费怎么算", "请问网点周六营业吗？",
           "请问怎么开通刷脸支付？", "境外消费怎么收手续费？"]
SUGGEST = ["建议手机银行增加夜间模式", "希望网点多开几个窗口", "建议转账页面显示预计到账时间"]


def make_bank_tickets(n: int = 2000, seed: int = 0, start: str = "2024-01-01", quarters: int = 4,
                      grow: str | None = "刷脸支付") -> pd.DataFrame:
    """``n`` tickets over ``quarters`` quarters; ``grow`` (an issue) gets more frequent each quarter."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    days = int((t0 + pd.DateOffset(months=3 * quarters) - t0).days)
    names = list(ISSUES)
    rows = []
    for _ in range(n):
        day = int(rng.integers(0, days))
        q = day * quarters // days
        w = np.array([1.0] * len(names))
        if grow is not None:
            w[names.index(grow)] = 0.06 * 3.0 ** q
        r = rng.random()
        if r < 0.7:
            issue = str(rng.choice(names, p=w / w.sum()))
            clauses = ISSUES[issue][2]
            text = str(rng.choice(_OPEN)) + str(rng.choice(clauses))
            if rng.random() < 0.3:  # a second issue in the same ticket
                other = str(rng.choice(names, p=w / w.sum()))
                text += "，" + str(rng.choice(ISSUES[other][2]))
            text += "，" + str(rng.choice(_CLOSE)) if rng.random() < 0.5 else "。"
        elif r < 0.82:
            text, issue = str(rng.choice(PRAISE)), ""
        elif r < 0.94:
            text, issue = str(rng.choice(INQUIRY)), ""
        else:
            text, issue = str(rng.choice(SUGGEST)), ""
        if rng.random() < 0.04:  # customers from Hong Kong / Taiwan write traditional characters
            import zhconv

            text = str(zhconv.convert(text, "zh-tw"))
        rows.append({"created_at": t0 + pd.Timedelta(days=day, hours=int(rng.integers(8, 22)),
                                                      minutes=int(rng.integers(0, 60))),
                     "text": text.rstrip("，"), "channel": str(rng.choice(["APP", "电话", "网点", "微信"])),
                     "issue": issue})
    return pd.DataFrame(rows).sort_values("created_at", kind="mergesort").reset_index(drop=True)
