"""feedback_nlp.scale.dask on a real multi-process LocalCluster: same rows, order, index and values as
fn.classify_frame."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import feedback_nlp as fn  # noqa: E402
import feedback_nlp.scale.dask as fnd  # noqa: E402

BASE = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "请问怎么退款？", "希望增加夜间配送",
        "等了一个小时还没上菜", "价格有点贵，但是质量不错", "物流很快，包装也很好", "", None]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """n rows: varied texts (some missing or empty), a shuffled non-monotonic string index, an extra column."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(BASE), n)
    b = rng.integers(0, len(BASE) - 2, n)
    texts = [None if BASE[i] is None else f"{BASE[i]}{BASE[j]}{k % 7}" for k, (i, j) in enumerate(zip(a, b))]
    ids = rng.permutation(n)
    return pd.DataFrame({"text": texts, "tier": rng.choice(["vip", "normal"], n), "row": np.arange(n)},
                        index=pd.Index([f"t{i:07d}" for i in ids], name="ticket"))


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as c:
        yield c


def check_same_as_pandas(df: pd.DataFrame, npartitions: int) -> None:
    ddf = dd.from_pandas(df, npartitions=npartitions, sort=False)
    lazy = fnd.classify_dataframe(ddf, text_col="text", errors="neutral", tier_col="tier")
    out = lazy.compute()
    expected = fn.classify_frame(df, text_col="text", errors="neutral", tier_col="tier")
    assert len(out) == len(df)
    assert out.index.tolist() == df.index.tolist()  # nothing lost, duplicated or reordered
    assert out["row"].tolist() == list(range(len(df)))
    assert list(out.columns) == list(expected.columns)
    assert dict(out.dtypes.astype(str).iloc[len(df.columns):]) == fnd.OUTPUT_COLUMNS  # declared meta == data
    assert dict(lazy.dtypes.astype(str).iloc[len(df.columns):]) == fnd.OUTPUT_COLUMNS
    pd.testing.assert_frame_equal(out.drop(columns="text"), expected.drop(columns="text"), check_dtype=False,
                                  check_index_type=False)
    assert out["text"].isna().tolist() == df["text"].isna().tolist()


def test_small_frame_on_two_worker_processes(client: distributed.Client) -> None:
    check_same_as_pandas(make_frame(3000), npartitions=6)


def test_model_loaded_once_per_worker(client: distributed.Client, tiny_model_dir: Path) -> None:
    df = make_frame(400).dropna()
    ddf = dd.from_pandas(df, npartitions=8, sort=False)
    first = fnd.classify_dataframe(ddf, model=tiny_model_dir).compute()
    ids = client.run(lambda: {k: id(v) for k, v in fnd._cache.items()})
    fnd.classify_dataframe(ddf, model=tiny_model_dir).compute()
    assert client.run(lambda: {k: id(v) for k, v in fnd._cache.items()}) == ids  # reused, not reloaded
    key = str(tiny_model_dir.resolve())
    assert len(ids) == 2 and all(key in cache for cache in ids.values())
    expected = fn.load(tiny_model_dir).classify_frame(df)
    assert first["sentiment_label"].tolist() == expected["sentiment_label"].tolist()


def test_empty_partitions_and_errors(client: distributed.Client) -> None:
    df = make_frame(50)
    ddf = dd.from_pandas(df, npartitions=3, sort=False)
    empty = ddf[ddf["row"] < 0]
    out = fnd.classify_dataframe(empty, errors="neutral").compute()
    assert len(out) == 0 and dict(out.dtypes.astype(str).iloc[3:]) == fnd.OUTPUT_COLUMNS
    with pytest.raises(ValueError, match="missing"):
        fnd.classify_dataframe(ddf).compute()  # a None text with errors="raise"
    with pytest.raises(TypeError, match="pandas"):
        fnd.classify_dataframe(df)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="text_col"):
        fnd.classify_dataframe(ddf, text_col="body")
    with pytest.raises(ValueError, match=r"would overwrite.*kind.*prefix"):
        fnd.classify_dataframe(ddf.assign(kind="x"))


def test_spark_style_batch_converts_to_arrow_with_the_declared_schema() -> None:
    """The pandas/Arrow half of the mapInPandas recipe in docs/scale_out.md (Spark itself is not installed)."""
    pa = pytest.importorskip("pyarrow")
    df = make_frame(200).dropna()[["text"]].reset_index(drop=True)
    out = fnd.for_arrow(fnd.score_partition(df, text_col="text"))
    types = {"string": pa.string(), "double": pa.float64(), "array<string>": pa.list_(pa.string()),
             "map<string,string>": pa.map_(pa.string(), pa.string()),
             "map<string,double>": pa.map_(pa.string(), pa.float64())}
    fields = [("text", pa.string())] + [(name, types[t]) for name, t in
                                        (f.split(" ", 1) for f in fnd.SPARK_DDL.split(", "))]
    table = pa.Table.from_pandas(out, schema=pa.schema(fields), preserve_index=False)
    assert table.num_rows == len(df) and table.column_names == [n for n, _ in fields]
    first = table.slice(0, 1).to_pylist()[0]
    assert first["topics"] == list(out["topics"].iloc[0])
    assert dict(first["topic_scores"]) == out["topic_scores"].iloc[0]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Sending large graph")
def test_200k_rows_on_two_worker_processes(client: distributed.Client) -> None:
    check_same_as_pandas(make_frame(200_000, seed=1), npartitions=16)
