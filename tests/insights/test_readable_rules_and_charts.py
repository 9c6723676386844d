"""Readable rule keys, chains of str, one font warning, share axes capped at 100% (issue 16)."""

from __future__ import annotations

import warnings

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import feedback_nlp as fn
from feedback_nlp.insights import plotting
from feedback_nlp.insights.cooccurrence import mine_cooccurrence, rule_chains, transactions_from_frame


def _rules(lang: str = "zh") -> pd.DataFrame:
    df = pd.DataFrame({"tag_list": [["转账失败"], ["转账失败"], ["转账失败"], ["系统卡顿"]],
                       "topics": [("efficiency",), ("efficiency",), ("efficiency",), ()],
                       "sentiment_label": ["negative", "negative", "negative", "positive"]})
    tx = transactions_from_frame(df, ["tag_list", "topics", "sentiment_label"])
    return mine_cooccurrence(tx, min_support=0.5, min_confidence=0.9, lang=lang)


def test_rule_keys_are_readable_in_chinese_and_english() -> None:
    zh = set(_rules()["rule"])
    assert "转账失败 ⇒ 效率" in zh and "效率 ⇒ 负面" in zh, zh
    assert not any("=" in r for r in zh)
    en = set(_rules("en")["rule"])
    assert "转账失败 ⇒ efficiency" in en and "efficiency ⇒ negative" in en, en
    raw = mine_cooccurrence(transactions_from_frame(pd.DataFrame({"topics": [("efficiency",)] * 2}), ["topics"]) +
                            [["topic=efficiency", "x"]] * 2, min_support=0.5, lang=None)
    assert any("topic=efficiency" in r for r in raw["rule"])
    # the machine tags stay what they were
    assert any("topic=efficiency" in a for a in _rules()["antecedents"])


def test_chain_steps_are_lists_of_str() -> None:
    t = [["系统卡顿", "转账失败", "投诉"]] * 3 + [["系统卡顿", "转账失败"]] + [["其他"]]
    chains = rule_chains(fn.mine_cooccurrence(t, min_support=0.5, min_confidence=0.7))
    steps = chains["steps"].iloc[0]
    assert isinstance(steps, list) and all(isinstance(s, list) and all(isinstance(x, str) for x in s)
                                           for s in steps)


def test_one_font_warning_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plotting, "find_cjk_font", lambda refresh=False: None)
    monkeypatch.setattr(plotting, "_warned", {"font": False}, raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            ax = plotting.bar_chart(pd.Series({"退款": 3, "物流": 2}), title="话题")
            ax.figure.canvas.draw()
    font = [w for w in caught if issubclass(w.category, plotting.CJKFontWarning)]
    glyphs = [w for w in caught if "Glyph" in str(w.message)]
    assert len(font) == 1 and not glyphs, [str(w.message) for w in caught][:5]


def test_share_axes_never_pass_100_percent() -> None:
    idx = pd.date_range("2024-05-01", periods=4)
    ax = plotting.trend_chart(pd.Series([10, 12, 30, 5], index=idx), pd.Series([0.5, 0.9, 1.0, 1.0], index=idx))
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert twin.get_ylim()[1] <= 1.0 + 1e-9
    bars = plotting.bar_chart(pd.Series({"效率": 1.0, "服务态度": 0.4}), percent=True)
    assert bars.get_xlim()[1] <= 1.0 + 1e-9
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["反馈量", "负面占比"]
    en = plotting.trend_chart(pd.Series([1, 2], index=idx[:2]), pd.Series([0.1, 0.2], index=idx[:2]), lang="en")
    assert [t.get_text() for t in en.get_legend().get_texts()] == ["volume", "negative share"]
