"""The analyst's day in Chinese, end to end (issue 16): a report with no English word in Chinese and no Chinese
label in English, that uses the user's own classification and model."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.labels import FIELDS
from feedback_nlp.insights import plotting
from feedback_nlp.insights import report as report_mod
from tests.bank_tickets import make_bank_tickets

ZH_LABELS = {zh for table in FIELDS.values() for zh, _ in table.values()} - {"高", "无"}  # one-character names
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Visible(HTMLParser):
    """Visible text of the page, without user data (elements of class "ud": issue terms, quotes, keywords)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.rules: list[str] = []
        self._skip: list[str] = []
        self._rule = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag in ("style", "script") or "ud" in cls.split() or self._skip:
            self._skip.append(tag)
        self._rule = "rule" in cls.split()

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        self._rule = False

    def handle_data(self, data: str) -> None:
        if self._rule:
            self.rules.append(data)
        elif not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def analyst_frame() -> pd.DataFrame:
    """~2,000 tickets through classify_frame with the default model, as the analyst does first."""
    df = make_bank_tickets(2000, seed=7, quarters=2)
    return fn.classify_frame(df)


def _render(df: pd.DataFrame, tmp: Path, lang: str, monkeypatch: pytest.MonkeyPatch,
            **kw: Any) -> tuple[str, list[str]]:
    chart_texts: list[str] = []
    real = plotting.figure_to_base64

    def spy(fig: Any, dpi: int = 96) -> str:
        from matplotlib.text import Text

        chart_texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_text().strip())
        return real(fig, dpi)

    monkeypatch.setattr(plotting, "figure_to_base64", spy)
    path = report_mod.report(df, tmp / f"report_{lang}.html", time_col="created_at", tag_cols=["channel"], lang=lang,
                             **kw)
    return path.read_text(encoding="utf-8"), chart_texts


def _user_words(df: pd.DataFrame) -> set[str]:
    words: set[str] = set()
    for col in ("text", "channel"):
        for t in df[col].astype(str):
            words |= {w.lower() for w in re.findall(r"[A-Za-z]+", t)}
    return words


@pytest.mark.slow
def test_chinese_report_has_no_english_word(analyst_frame: pd.DataFrame, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page, charts = _render(analyst_frame, tmp_path, "zh", monkeypatch)
    parser = _Visible()
    parser.feed(re.sub(r'src="data:[^"]+"', "", page))
    allowed = _user_words(analyst_frame)
    text = " ".join(parser.parts + parser.rules + charts)
    english = {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in allowed}
    # a missing CJK font is reported with the command that installs it
    english -= {"apt", "get", "install", "fonts", "noto", "cjk"}
    assert not english, sorted(english)
    for section in report_mod.SECTIONS[:7]:  # customers and spread need segment_col / spread_result
        assert f'<section id="{section}">' in page
    assert "服务态度" in page or "效率" in page or "产品缺陷" in page
    assert charts and any(CJK.search(t) for t in charts)


@pytest.mark.slow
def test_english_report_has_no_chinese_label(analyst_frame: pd.DataFrame, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    page, charts = _render(analyst_frame, tmp_path, "en", monkeypatch)
    parser = _Visible()
    parser.feed(re.sub(r'src="data:[^"]+"', "", page))
    visible = " ".join(parser.parts)
    assert not CJK.search(visible), [p for p in parser.parts if CJK.search(p)][:10]
    assert not [t for t in charts if CJK.search(t)], [t for t in charts if CJK.search(t)][:10]
    channels = set(analyst_frame["channel"])
    for rule in parser.rules:
        items = [i.strip() for side in rule.split("⇒") for i in side.split("+")]
        assert all(i.isascii() or i in channels for i in items), rule
        assert not set(items) & ZH_LABELS
    assert "Top issues" in page and ("service attitude" in page or "efficiency" in page)


def test_report_uses_the_users_own_classification(tmp_path: Path) -> None:
    """Existing columns are used as they are: the model is not asked to score them again."""
    df = make_bank_tickets(300, seed=1, quarters=1)
    df = df.assign(sentiment_label=["negative" if i else "positive" for i in df["issue"]],
                   sentiment_score=[-0.9 if i else 0.9 for i in df["issue"]],
                   topics=[("账单问题",) if i else () for i in df["issue"]],
                   kind=["我的投诉" if i else "我的表扬" for i in df["issue"]])

    class Refuses:
        meta: ClassVar[dict[str, Any]] = {}

        def classify_frame(self, *a: Any, **k: Any) -> Any:
            raise AssertionError("re-scored what the user already scored")

    with pytest.raises(TypeError, match="FeedbackClassifier"):
        report_mod.report(df, tmp_path / "r.html", model=Refuses(), sections=["overview"])
    out = report_mod.report(df, tmp_path / "r.html", sections=["overview", "topics", "issues"])
    page = out.read_text(encoding="utf-8")
    assert "账单问题" in page
    assert '<section id="trend">' not in page and '<section id="issues">' in page


def test_report_fills_only_missing_columns_and_uses_model_names(tmp_path: Path) -> None:
    import copy

    from feedback_nlp.classify.registry import default_classifier

    df = make_bank_tickets(200, seed=2, quarters=1).assign(kind="客户自己的类型")
    clf = copy.copy(default_classifier())
    clf.meta = {**clf.meta, "display_names": {"topic": {"efficiency": {"zh": "办理效率", "en": "speed"}}}}
    out = report_mod.report(df, tmp_path / "r.html", model=clf, sections=["overview", "topics"])
    page = out.read_text(encoding="utf-8")
    assert "<section" in page
    assert list(df["kind"].unique()) == ["客户自己的类型"]  # the caller's frame is untouched


def test_report_arguments_are_checked(tmp_path: Path) -> None:
    df = pd.DataFrame({"text": ["退款一直不到账"] * 3})
    with pytest.raises(ValueError, match="sections"):
        report_mod.report(df, tmp_path / "r.html", sections=["nope"])
    with pytest.raises(ValueError, match="lang"):
        report_mod.report(df, tmp_path / "r.html", lang="fr")
