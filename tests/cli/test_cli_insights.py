"""`feedback-nlp mine` and `feedback-nlp forecast` handlers, on a parser built here (cli.py wires the same)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from feedback_nlp.cli.insights import add_forecast_parser, add_mine_parser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="feedback-nlp")
    sub = parser.add_subparsers(dest="command", required=True)
    add_mine_parser(sub)
    add_forecast_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_mine_long_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rules.csv"
    chains = tmp_path / "chains.csv"
    rc = run(["mine", "-i", str(FIXTURES / "tags_long.csv"), "--id-col", "ticket", "--tag-col", "tag",
              "--min-support", "0.3", "--min-confidence", "0.6", "-o", str(out), "--chains", str(chains)])
    assert rc == 0
    rules = pd.read_csv(out)
    assert {"antecedents", "consequents", "support", "confidence", "lift", "count"} <= set(rules.columns)
    row = rules[(rules["antecedents"] == "投诉") & (rules["consequents"] == "系统卡顿;转账失败")].iloc[0]
    assert row["support"] == pytest.approx(0.5) and row["confidence"] == pytest.approx(1.0) and row["count"] == 3
    assert "系统卡顿 ⇒ 转账失败 ⇒ 投诉" in set(pd.read_csv(chains)["path"])
    assert "6 transactions" in capsys.readouterr().err


def test_mine_tag_columns_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "classified.jsonl"
    rows = [{"topics": ["efficiency", "product_defect"], "sentiment_label": "negative", "channel": "app"}] * 3 + [
        {"topics": [], "sentiment_label": "positive", "channel": "电话"}]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    rc = run(["mine", "-i", str(f), "--tag-cols", "topics", "sentiment_label", "channel", "--min-support", "0.5"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "效率 ⇒ 负面" in out or "负面 ⇒ 效率" in out


def test_mine_bad_support_raises() -> None:
    with pytest.raises(ValueError, match="min_support"):
        run(["mine", "-i", str(FIXTURES / "tags_long.csv"), "--tag-col", "tag", "--id-col", "ticket",
             "--min-support", "1.5"])


def _volume_csv(tmp_path: Path, days: int = 70) -> Path:
    rng = np.random.default_rng(0)
    idx = pd.date_range("2024-01-01", periods=days)
    counts = rng.poisson(np.where(idx.day_of_week >= 5, 20, 80))
    p = tmp_path / "volume.csv"
    pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), "count": counts}).to_csv(p, index=False)
    return p


def test_forecast_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fc.csv"
    rc = run(["forecast", "--input", str(_volume_csv(tmp_path)), "--time-col", "date", "--value-col", "count",
              "--horizon", "14", "--output", str(out)])
    assert rc == 0
    fc = pd.read_csv(out, parse_dates=["date"])
    assert list(fc.columns) == ["date", "mean", "lower", "upper"] and len(fc) == 14
    assert fc["date"].iloc[0] == pd.Timestamp("2024-03-11") and (fc["lower"] >= 0).all()
    assert "backtest" in capsys.readouterr().err


def test_forecast_counts_ticket_rows_by_group_and_backtests(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60 * 24, 3000), unit="min") * 60
    p = tmp_path / "tickets.csv"
    pd.DataFrame({"created_at": times, "topic": rng.choice(["效率", "服务态度"], 3000)}).to_csv(p, index=False)
    out = tmp_path / "fc.jsonl"
    assert run(["forecast", "-i", str(p), "--time-col", "created_at", "--by", "topic", "--horizon", "7",
                "--model", "snaive", "-o", str(out)]) == 0
    fc = pd.read_json(out, lines=True)
    assert set(fc["topic"]) == {"效率", "服务态度"} and len(fc) == 14
    assert list(fc.columns) == ["topic", "created_at", "mean", "lo-95", "hi-95", "model"]
    bt = tmp_path / "bt.csv"
    assert run(["forecast", "-i", str(_volume_csv(tmp_path)), "--value-col", "count", "--horizon", "7",
                "--backtest", "2", "--model", "snaive", "-o", str(bt)]) == 0
    assert len(pd.read_csv(bt)) == 2


def test_forecast_long_counts_with_id_col_holidays_and_events(tmp_path: Path) -> None:
    pytest.importorskip("holidays")
    one = pd.read_csv(_volume_csv(tmp_path))
    long = pd.concat([one.assign(branch="北京"), one.assign(branch="上海", count=one["count"] // 2)])
    p = tmp_path / "long.csv"
    long.to_csv(p, index=False)
    events = tmp_path / "events.csv"
    pd.DataFrame({"date": ["2024-01-20", "2024-03-16"], "name": ["促销", "促销"]}).to_csv(events, index=False)
    out = tmp_path / "fc.csv"
    assert run(["forecast", "-i", str(p), "--id-col", "branch", "--time-col", "date", "--value-col", "count",
                "--horizon", "7", "--model", "ets", "--holidays", "HK", "--events", str(events), "-o", str(out)]) == 0
    fc = pd.read_csv(out)
    assert list(fc.columns) == ["branch", "date", "mean", "lo-95", "hi-95", "model"] and len(fc) == 14
    assert run(["forecast", "-i", str(p), "--id-col", "branch", "--time-col", "date", "--value-col", "count",
                "--horizon", "7", "--model", "snaive", "--events", "2024-03-16,2024-03-17", "-o", str(out)]) == 0
    with pytest.raises(KeyError, match="id-col"):
        run(["forecast", "-i", str(p), "--id-col", "shop", "--time-col", "date", "--value-col", "count",
             "--horizon", "7"])


def test_forecast_missing_column() -> None:
    with pytest.raises(KeyError, match="time-col"):
        run(["forecast", "-i", str(FIXTURES / "tags_long.csv"), "--time-col", "when", "--horizon", "7"])


def test_mine_chains_says_what_it_takes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16: `--chains 3` used to fail with "unknown output type ''"."""
    f = tmp_path / "t.csv"
    f.write_text("tags\n系统卡顿;转账失败;投诉\n系统卡顿;转账失败;投诉\n系统卡顿;转账失败\n其他\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"--chains takes the file.*--chain-rules"):
        run(["mine", "-i", str(f), "--tag-cols", "tags", "--min-support", "0.5", "--chains", "3"])
    out = tmp_path / "chains.csv"
    assert run(["mine", "-i", str(f), "--tag-cols", "tags", "--min-support", "0.5", "--min-confidence", "0.6",
                "--chains", str(out), "--chain-rules", "2", "-o", str(tmp_path / "rules.csv")]) == 0
    assert "系统卡顿 ⇒ 转账失败 ⇒ 投诉" in set(pd.read_csv(out)["path"])


def run_report(argv: list[str]) -> int:
    from feedback_nlp.cli.insights import add_report_parser

    parser = argparse.ArgumentParser(prog="feedback-nlp")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", *argv])
    return int(args.func(args))


def _tickets(n: int = 24) -> pd.DataFrame:
    texts = ["转账失败，客服推来推去", "等了两个小时没人处理", "客服态度很好，谢谢", "请问信用卡怎么分期？"]
    return pd.DataFrame({"text": [texts[i % 4] for i in range(n)],
                         "time": pd.date_range("2024-05-01", periods=n, freq="D").strftime("%Y-%m-%d"),
                         "channel": ["app" if i % 2 else "电话" for i in range(n)]})


def _page_text(path: Path) -> str:
    import re

    page = re.sub(r"<style.*?</style>|data:image[^\"]+", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_report_from_a_raw_file_scores_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "tickets.csv", tmp_path / "report.html"
    _tickets().to_csv(src, index=False)
    rc = run_report(["-i", str(src), "-o", str(out), "--time-col", "time", "--tag-cols", "channel",
                     "--sections", "overview", "topics", "rules"])
    assert rc == 0 and out.is_file()
    text = _page_text(out)
    assert "24" in text and "话题" in text  # Chinese by default
    assert "report of 24 rows" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_report_uses_the_classification_columns_a_file_already_has(tmp_path: Path) -> None:
    """A CSV written by `feedback-nlp classify` holds topics as JSON text: the report reads them, never re-scores."""
    df = _tickets(12)
    df["sentiment_label"] = "negative"
    df["sentiment_score"] = "-0.5"
    df["topics"] = json.dumps(["efficiency"])
    df["topic_polarities"] = json.dumps({"efficiency": "negative"})
    df["kind"], df["priority"] = "complaint", "normal"
    src, out = tmp_path / "scored.csv", tmp_path / "report.html"
    df.to_csv(src, index=False)
    assert run_report(["-i", str(src), "-o", str(out), "--lang", "en", "--sections", "overview", "issues"]) == 0
    text = _page_text(out).lower()
    assert "100% negative" in text and "efficiency 12 texts" in text
    assert "service attitude" not in text  # the model would have found it in 推来推去; the file's label wins


def test_report_refuses_bad_arguments_before_work(tmp_path: Path) -> None:
    src = tmp_path / "tickets.csv"
    _tickets(4).to_csv(src, index=False)
    with pytest.raises(ValueError, match="HTML"):
        run_report(["-i", str(src), "-o", str(tmp_path / "report.csv")])
    with pytest.raises(FileNotFoundError, match="mkdir"):
        run_report(["-i", str(src), "-o", str(tmp_path / "no" / "report.html")])
    with pytest.raises(KeyError, match="nope"):
        run_report(["-i", str(src), "-o", str(tmp_path / "r.html"), "--text-col", "nope"])
    bad = _tickets(4).assign(topics=["[\"efficiency\"]", "not json", "[]", ""])
    bad.to_csv(src, index=False)
    with pytest.raises(ValueError, match=r"row 1.*topics"):
        run_report(["-i", str(src), "-o", str(tmp_path / "r.html")])
    assert not (tmp_path / "r.html").exists()
