"""HTML report: self-contained (no external URL), every section present, classification when needed, bad input.

Imported with ``from feedback_nlp.insights.report import ...``: once ``fn.report`` is the function, the attribute
``feedback_nlp.insights.report`` is no longer the module, so ``import feedback_nlp.insights.report as fr`` would get
the function.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from feedback_nlp.insights.report import SECTIONS, report

from .test_analytics import make_feedback

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One report from raw texts (classified inside), with times and a channel column."""
    df = make_feedback(600, seed=2)[["created_at", "text", "channel"]]
    df.loc[0, "text"] = "详情见 https://example.com/x <script>alert(1)</script>"  # user text must stay inert
    path = report(df, tmp_path_factory.mktemp("rep") / "report.html", time_col="created_at", tag_cols="channel")
    return path.read_text(encoding="utf-8")


def test_report_is_self_contained(built: str) -> None:
    assert built.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(built), EXTERNAL.findall(built)[:3]
    assert "<script" not in built  # the user's text is escaped, and the report needs no script
    assert "&lt;script&gt;" in built or "example.com" not in built
    assert "<link" not in built and "@import" not in built


CORE = [s for s in SECTIONS if s not in ("customers", "spread")]  # those two only with their data


def test_report_holds_every_section(built: str) -> None:
    for sid in CORE:
        assert f'<section id="{sid}">' in built, sid
    assert '<section id="customers">' not in built and '<section id="spread">' not in built
    # charts: trend, topics and forecast are embedded PNGs
    imgs = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,[A-Za-z0-9+/=]{500,}"', built)
    assert {"反馈量与情感趋势", "话题分布", "反馈量预测"} <= set(imgs)
    assert "负面" in built and "⇒" in built  # sentiment columns were added, rules mined
    assert "未指定时间列" not in built


def test_report_without_time_col_and_classified_frame(tmp_path: Path) -> None:
    df = make_feedback(200, seed=4)  # already has sentiment_label / sentiment_score / topics: not reclassified
    df.loc[:, "sentiment_label"] = "negative"
    html = report(df, tmp_path / "r.html", lang="en").read_text(encoding="utf-8")
    for sid in CORE:
        assert f'<section id="{sid}">' in html
    assert html.count("No time column given") == 3  # trend, forecast, alerts explain why they are empty
    assert ">100%<" in html  # the frame's own labels were used
    assert not EXTERNAL.search(html)


def test_report_short_history_explains_forecast(tmp_path: Path) -> None:
    df = pd.DataFrame({"text": ["退款一直不到账", "客服态度很好"] * 10,
                       "time": pd.date_range("2024-05-01", periods=20, freq="h")})
    html = report(df, tmp_path / "short.html", time_col="time").read_text(encoding="utf-8")
    assert "预测至少需要 14 天" in html


def test_report_bad_input(tmp_path: Path) -> None:
    df = pd.DataFrame({"text": ["退款太慢"], "time": ["2024-05-01"]})
    with pytest.raises(ValueError, match="empty"):
        report(df.iloc[:0], tmp_path / "a.html")
    with pytest.raises(KeyError, match="content"):
        report(df, tmp_path / "a.html", text_col="content")
    with pytest.raises(KeyError, match="created_at"):
        report(df, tmp_path / "a.html", time_col="created_at")
    with pytest.raises(KeyError, match="channel"):
        report(df, tmp_path / "a.html", tag_cols=["channel"])
    with pytest.raises(TypeError, match="DataFrame"):
        report(["退款太慢"], tmp_path / "a.html")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\.html"):
        report(df, tmp_path / "a.pdf")
    with pytest.raises(ValueError, match="dropna"):
        report(df.assign(time=[None]), tmp_path / "a.html", time_col="time")
    with pytest.raises(ValueError, match="horizon"):
        report(df, tmp_path / "a.html", horizon=0)
    assert not (tmp_path / "a.html").exists()
