"""The CLI under faults (issue 14): fresh reads, as-written columns, output checked before scoring, atomic writes,
training data checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.cli import main
from tests.conftest import read_fixture_reviews

ROOT = Path(__file__).resolve().parents[2]


def test_classify_reads_a_replaced_file_afresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("text\n很好\n", encoding="utf-8")
    st = src.stat()
    assert main(["classify", "-i", str(src), "-o", str(out), "--no-progress"]) == 0
    src.write_text("text\n很好\n太差了\n", encoding="utf-8")
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime, new content
    assert main(["classify", "-i", str(src), "-o", str(out), "--no-progress"]) == 0
    assert "wrote 2 rows" in capsys.readouterr().err
    assert pd.read_csv(out)["sentiment_label"].tolist() == ["positive", "negative"]


def test_classify_keeps_passthrough_columns_as_written(tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("order_id,customer,text\n1234567890123456789,000123,很好\n,000124,太差\n"
                   "1234567890123456788,NA,一般\n", encoding="utf-8")
    assert main(["classify", "-i", str(src), "-o", str(out), "--no-progress"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["1234567890123456789", "000123"], ["", "000124"], ["1234567890123456788", "NA"]]


@pytest.mark.parametrize("kind", ["missing_dir", "directory", "read_only"])
def test_bad_output_path_fails_before_scoring(tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.csv"
    src.write_text("text\n很好\n", encoding="utf-8")
    out = {"missing_dir": tmp_path / "nope" / "out.csv", "directory": tmp_path,
           "read_only": Path("/proc/out.csv")}[kind]
    if kind == "read_only" and os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        out = ro / "out.csv"

    def no_scoring(*args: object, **kwargs: object) -> None:
        raise AssertionError("scored before the output path was checked")

    monkeypatch.setattr(fn.FeedbackClassifier, "classify_frame", no_scoring)
    assert main(["classify", "-i", str(src), "-o", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_mine_and_forecast_check_outputs_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "tags.csv"
    src.write_text("topics\na;b\na;b\n", encoding="utf-8")
    assert main(["mine", "-i", str(src), "--tag-cols", "topics", "-o", str(tmp_path / "no" / "r.csv")]) == 2
    assert main(["forecast", "-i", str(src), "--horizon", "3", "-o", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_sigterm_during_classify_leaves_the_old_output(tmp_path: Path) -> None:
    """SIGTERM while the CLI scores and writes: the previous output is untouched and no partial file remains."""
    src, out = tmp_path / "in.csv", tmp_path / "scored.csv"
    pd.DataFrame({"text": ["快递三天才到，客服态度还很差", "房间干净，前台很热情"] * 100_000}).to_csv(src, index=False)
    out.write_text("old complete output\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "feedback_nlp", "classify", "-i", str(src), "-o", str(out),
                             "--no-progress"], env=env, stderr=subprocess.PIPE)
    time.sleep(4)  # loading the model and part of the scoring
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert out.read_text(encoding="utf-8") == "old complete output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "scored.csv"]


def _labelled(tmp_path: Path, labels: tuple[str, str]) -> Path:
    texts, y = read_fixture_reviews()
    p = tmp_path / "data.csv"
    pd.DataFrame({"text": texts, "label": [labels[0] if v else labels[1] for v in y]}).to_csv(p, index=False)
    return p


def test_train_unknown_labels_need_a_label_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _labelled(tmp_path, ("赞", "踩"))
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "'赞'" in err and "--label-map" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m"),
                 "--label-map", '{"赞": "positive", "踩": "negative"}']) == 0
    assert fn.load(tmp_path / "m").classify("房间干净，前台很热情").sentiment.label == "positive"
    assert main(["evaluate", "--data", str(data), "--model", str(tmp_path / "m"),
                 "--label-map", '{"赞": "positive", "踩": "negative"}']) == 0
    assert '"accuracy"' in capsys.readouterr().out


def test_train_refuses_three_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "tiny.csv"
    p.write_text("text,label\n很好,1\n太差,0\n不错,1\n", encoding="utf-8")
    assert main(["train", "--data", str(p), "--out", str(tmp_path / "m")]) == 2
    assert "at least 20" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_train_refuses_to_replace_a_folder_of_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _labelled(tmp_path, ("1", "0"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "docs")]) == 2
    assert "holds no feedback_nlp model" in capsys.readouterr().err
    assert (tmp_path / "docs" / "notes.txt").read_text(encoding="utf-8") == "mine"
