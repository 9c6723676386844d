"""Nothing overwritten (issue 16): classify_frame, the CLI and Dask refuse to replace a user's column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.registry import default_classifier


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"text": ["转账失败了，钱被扣了", "很满意"], "kind": ["工单A", "工单B"],
                         "topics": [["自定义"], []]})


def test_classify_frame_refuses_to_overwrite() -> None:
    df = _frame()
    with pytest.raises(ValueError, match=r"'kind'.*prefix="):
        default_classifier().classify_frame(df)
    with pytest.raises(ValueError, match="'topics'"):
        fn.classify_frame(df[["text", "topics"]])


def test_prefix_writes_alongside_and_keeps_the_originals() -> None:
    df = _frame()
    before = df.copy()
    out = default_classifier().classify_frame(df, prefix="pred_")
    assert out["kind"].tolist() == ["工单A", "工单B"] and out["topics"].tolist() == [["自定义"], []]
    assert {"pred_kind", "pred_topics", "pred_sentiment_label", "pred_priority"} <= set(out.columns)
    assert out["pred_sentiment_label"].tolist()[1] == "positive"
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(ValueError, match="pred_kind"):
        default_classifier().classify_frame(out, prefix="pred_")
    with pytest.raises(TypeError, match="prefix"):
        default_classifier().classify_frame(df, prefix=3)  # type: ignore[arg-type]


def test_cli_refuses_and_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from feedback_nlp.cli.main import main

    src = tmp_path / "in.csv"
    _frame()[["text", "kind"]].to_csv(src, index=False)
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "out.csv"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert ("'kind'" in err and "--prefix" in err) or "prefix=" in err
    assert not (tmp_path / "out.csv").exists()
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "out.csv"), "--no-progress",
                 "--prefix", "pred_"]) == 0
    out = pd.read_csv(tmp_path / "out.csv")
    assert out["kind"].tolist() == ["工单A", "工单B"] and "pred_kind" in out.columns


def test_dask_refuses_and_prefix() -> None:
    dd = pytest.importorskip("dask.dataframe")
    from feedback_nlp.scale import dask as fnd

    ddf = dd.from_pandas(_frame()[["text", "kind"]], npartitions=1)
    with pytest.raises(ValueError, match="'kind'"):
        fnd.classify_dataframe(ddf)
    out = fnd.classify_dataframe(ddf, prefix="pred_").compute()
    assert out["kind"].tolist() == ["工单A", "工单B"] and "pred_kind" in out.columns
    json.dumps(out["pred_kind"].tolist())
    arrow = fnd.for_arrow(out, prefix="pred_")
    assert isinstance(arrow["pred_topics"].iloc[0], list) and "pred_respond_within_s" in arrow.columns
