"""The command line: classify / train / evaluate, file formats and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.cli import main
from tests.conftest import FIXTURES


def test_classify_texts_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "太差了", "非常满意"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["text"] for x in lines] == ["太差了", "非常满意"]
    assert lines[0]["sentiment"]["label"] == "negative"
    assert lines[1]["sentiment"]["label"] == "positive"


def test_classify_says_why_it_gave_the_priority(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["classify", "转账失败，钱扣了对方没收到", "谢谢你们"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert all(isinstance(x["priority_reason"], str) and x["priority_reason"] for x in lines)
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"text": ["转账失败，钱扣了对方没收到", "谢谢你们"]}).to_csv(src, index=False)
    assert main(["classify", "-i", str(src), "-o", str(out), "--no-progress"]) == 0
    assert pd.read_csv(out)["priority_reason"].notna().all()


def test_classify_output_is_readable_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    main(["classify", "服务很好"])
    assert "服务很好" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_classify_file_round_trip(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [3, 1, 2], "body": ["很好", "很差", "还行"]}).to_csv(src, index=False)
    out = tmp_path / f"out{suffix}"
    assert main(["classify", "-i", str(src), "-o", str(out), "--text-col", "body", "--no-progress"]) == 0
    df = {".csv": pd.read_csv, ".jsonl": lambda p: pd.read_json(p, lines=True), ".parquet": pd.read_parquet}[suffix](
        out
    )
    # a CSV cell is text: it comes back as written (a typed output keeps it a string, never re-typed)
    assert [str(v) for v in df["id"].tolist()] == ["3", "1", "2"]
    assert df["sentiment_label"].tolist()[:2] == ["positive", "negative"]


def test_classify_file_with_missing_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("text\n很好\n\n很差\n", encoding="utf-8")  # the blank line is a missing text
    assert main(["classify", "-i", str(src), "--no-progress"]) == 2
    assert "row 1" in capsys.readouterr().err
    assert main(["classify", "-i", str(src), "--no-progress", "--errors", "neutral"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["sentiment_label"] for r in rows][1] == "neutral" and len(rows) == 3


def test_classify_wrong_encoding_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "gbk.csv"
    src.write_bytes("text\n服务很好\n".encode("gb18030"))
    assert main(["classify", "-i", str(src), "--no-progress"]) == 2
    assert "encoding" in capsys.readouterr().err
    assert main(["classify", "-i", str(src), "--no-progress", "--encoding", "gb18030"]) == 0


def test_missing_column_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("body\n很好\n", encoding="utf-8")
    assert main(["classify", "-i", str(src)]) == 2
    assert "text" in capsys.readouterr().err
    assert main(["classify", "-i", str(tmp_path / "nope.csv")]) == 2


def test_train_then_load_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "my_model"
    data = FIXTURES / "reviews_small.csv"
    assert main(["train", "--data", str(data), "--out", str(out), "--holdout", "0.25", "--group-col", "source"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["holdout"]["n"] == 40
    clf = fn.load(out)
    assert clf.meta["training"]["rows"] == 160
    assert clf.classify("房间很好").sentiment.score > 0  # retraining takes effect
    assert main(["evaluate", "--data", str(data), "--model", str(out)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["n"] == 160 and metrics["accuracy"] > 0.9


def test_train_with_neutral_labels_learns_a_three_way_head(tmp_path: Path) -> None:
    rows = [("服务很好", "positive"), ("非常满意", "positive"), ("太差了", "negative"), ("很失望", "negative"),
            ("还行吧，一般般", "neutral"), ("中规中矩，凑合", "neutral")] * 12
    data = tmp_path / "three.jsonl"
    pd.DataFrame(rows, columns=["text", "label"]).to_json(data, orient="records", lines=True, force_ascii=False)
    out = tmp_path / "m3"
    assert main(["train", "--data", str(data), "--out", str(out)]) == 0
    clf = fn.load(out)
    assert clf.sentiment.head_ is not None
    assert clf.classify("还行吧，一般般").sentiment.label == "neutral"


def test_help_on_every_command() -> None:
    for cmd in ([], ["classify"], ["train"], ["evaluate"]):
        r = subprocess.run([sys.executable, "-m", "feedback_nlp", *cmd, "--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "usage" in r.stdout


def test_train_topics_on_a_tiny_custom_taxonomy(tmp_path: Path, tiny_model_dir: Path) -> None:
    rows = []
    for i in range(12):
        rows.append({"text": f"停车场太小了，第{i}次找不到车位", "topics": {"parking": "negative"}})
        rows.append({"text": f"停车很方便，车位很多{i}", "topics": {"parking": "positive"}})
        rows.append({"text": f"WiFi一直断线，网速太慢{i}", "topics": {"wifi": "negative"}})
        rows.append({"text": f"早餐不错，环境安静{i}", "topics": {}})
    data = tmp_path / "topics.jsonl"
    pd.DataFrame(rows).to_json(data, orient="records", lines=True, force_ascii=False)
    out = tmp_path / "custom"
    assert main(["train", "--task", "topics", "--data", str(data), "--out", str(out),
                 "--base", str(tiny_model_dir)]) == 0
    clf = fn.load(out)
    assert clf.topics is not None and clf.topics.topics_ == ["parking", "wifi"]
    r = clf.classify("停车场太小了，找不到车位")
    assert "parking" in r.topic_names
    assert clf.meta["training"]["topics"]["rows"] == 48


def test_train_topics_with_unlabeled_texts(tmp_path: Path, tiny_model_dir: Path) -> None:
    rows = [{"text": f"等了{i + 2}个小时才上菜", "topics": {"efficiency": "negative"}} for i in range(8)]
    rows += [{"text": f"环境安静，第{i}次来", "topics": {}} for i in range(8)]
    data = tmp_path / "topics.jsonl"
    pd.DataFrame(rows).to_json(data, orient="records", lines=True, force_ascii=False)
    texts = [f"上菜太慢了{i}次" for i in range(30)] + [f"菜很好吃{i}次" for i in range(30)]
    unl_path = tmp_path / "unlabeled.csv"
    pd.DataFrame({"text": [*texts, rows[0]["text"], None]}).to_csv(unl_path, index=False)
    out = tmp_path / "custom"
    assert main(["train", "--task", "topics", "--data", str(data), "--out", str(out), "--base", str(tiny_model_dir),
                 "--unlabeled", str(unl_path)]) == 0
    info = fn.load(out).meta["training"]["topics"]
    assert info["unlabeled_rows"] == 60  # the labelled text and the empty row were left out
    assert info["weak_clauses"] > 0 and fn.load(out).topics.weak_trained_ == [True]  # type: ignore[union-attr]


def test_train_topics_with_a_custom_lexicon(tmp_path: Path, tiny_model_dir: Path) -> None:
    rows = [{"text": f"手机银行刷脸登录不了{i}", "topics": {"login": "negative"}} for i in range(6)]
    rows += [{"text": f"网点环境不错{i}", "topics": {}} for i in range(6)]
    data = tmp_path / "topics.jsonl"
    pd.DataFrame(rows).to_json(data, orient="records", lines=True, force_ascii=False)
    lex = tmp_path / "lexicon.json"
    lex.write_text(json.dumps({"login": [["face login", "刷脸", None]]}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "custom"
    assert main(["train", "--task", "topics", "--data", str(data), "--out", str(out), "--base", str(tiny_model_dir),
                 "--lexicon", str(lex)]) == 0
    topics = fn.load(out).topics
    assert topics is not None and topics.lexicon_["login"] == [["face login", "刷脸", None]]  # type: ignore[attr-defined]
    assert fn.load(out).meta["training"]["topics"]["lexicon"] == str(lex)
    bad = tmp_path / "bad.json"
    bad.write_text('{"login": ["刷脸"]}', encoding="utf-8")
    assert main(["train", "--task", "topics", "--data", str(data), "--out", str(out), "--base", str(tiny_model_dir),
                 "--lexicon", str(bad)]) == 2


def test_train_holdout_by_group_keeps_groups_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = FIXTURES / "reviews_small.csv"
    out = tmp_path / "g"
    args = ["train", "--data", str(data), "--out", str(out), "--holdout", "0.5", "--holdout-group-col", "source"]
    assert main(args) == 0
    held = json.loads(capsys.readouterr().out)["holdout"]
    assert held["n"] == 80  # one of the two sources, whole
    assert main([*args[:-1], "nope"]) == 2
