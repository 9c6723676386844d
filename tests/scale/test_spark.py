"""feedback_nlp.scale.spark on a local[2] SparkSession: the same rows, labels, rules and forecasts as in-process.

Everything that starts Spark is marked slow (the JVM and the Python workers take 10-30 s to start on 2 cores); the
fast tests here need neither Java nor a running Spark.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.insights.cooccurrence import RULE_COLUMNS
from feedback_nlp.scale import spark as fns

ROOT = Path(__file__).resolve().parents[2]
# pyspark 4 warns "does not yet fully support pandas >= 3" on every conversion
pytestmark = [pytest.mark.filterwarnings("ignore::FutureWarning:pyspark"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]
BASE = ["快递三天才到，客服态度还很差", "房间干净，前台很热情", "一点也不差", "请问怎么退款？", "希望增加夜间配送",
        "等了一个小时还没上菜", "价格有点贵，但是质量不错", "物流很快，包装也很好", "", None]
TAGS = ["系统卡顿", "转账失败", "客服态度差", "扣费不明", "无法登录", "验证码收不到", "到账慢", "网点排队"]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """n tickets: varied texts (some null or empty), tiers, and extra columns of several Spark types."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(BASE), n)
    b = rng.integers(0, len(BASE) - 2, n)
    texts = [None if BASE[i] is None else f"{BASE[i]}{BASE[j]}{k % 7}" for k, (i, j) in enumerate(zip(a, b))]
    return pd.DataFrame({
        "ticket_id": rng.permutation(n).astype("int64") + 2**53,  # beyond float precision: must not pass a float
        "text": texts,
        "tier": rng.choice(["vip", "normal", None], n),
        "amount": rng.normal(size=n),
        "created": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n), unit="s"),
    })


def make_baskets(n: int, seed: int = 0) -> list[list[str] | None]:
    """Baskets of 0-4 tags with planted pairs, a few null baskets and a repeated tag."""
    rng = np.random.default_rng(seed)
    out: list[list[str] | None] = []
    for i in range(n):
        tags = rng.choice(TAGS, rng.integers(0, 4), replace=False).tolist()
        if "转账失败" in tags and rng.random() < 0.6:
            tags.append("系统卡顿")
        if "验证码收不到" in tags and rng.random() < 0.5:
            tags.append("无法登录")
        out.append(None if i % 1000 == 7 else tags + tags[:1])  # nulls: tickets without tags; a tag twice
    return out


# --------------------------------------------------------------------------- fast: no JVM
def test_core_install_needs_no_pyspark() -> None:
    """feedback_nlp and this module import without pyspark; calling in says which extra to install."""
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "import feedback_nlp, feedback_nlp.scale.spark as s\n"
            "try:\n    s.classify_dataframe(None)\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert 'feedback_nlp[spark]' in out.stdout


def test_output_schema_has_the_classify_frame_columns() -> None:
    T = pytest.importorskip("pyspark.sql.types")
    schema = fns.output_schema(T.StructType([T.StructField("id", T.LongType()), T.StructField("text", T.StringType())]))
    expected = fn.classify_frame(pd.DataFrame({"id": [1], "text": ["很满意"]}))
    assert schema.fieldNames() == list(expected.columns)
    types = {f.name: f.dataType.simpleString() for f in schema.fields}
    assert types["topics"] == "array<string>" and types["topic_scores"] == "map<string,double>"
    assert types["respond_within"] == "interval day to second" and types["id"] == "bigint"


# --------------------------------------------------------------------------- slow: Spark local[2]
def scored_reference(df: pd.DataFrame) -> pd.DataFrame:
    """In-process classify_frame of each distinct (text, tier) pair of ``df``, one row per pair."""
    keys = df[["text", "tier"]].drop_duplicates().reset_index(drop=True)
    return fn.classify_frame(keys, text_col="text", tier_col="tier", errors="neutral")


@pytest.mark.slow
def test_200k_rows_no_row_lost_duplicated_or_changed(spark: Any) -> None:
    df = make_frame(200_000, seed=1)
    sdf = spark.createDataFrame(df).repartition(8)
    scored = fns.classify_dataframe(sdf, text_col="text", tier_col="tier", errors="neutral")
    expected_cols = list(fn.classify_frame(df.head(3), errors="neutral", tier_col="tier").columns)
    assert scored.columns == expected_cols
    out = scored.toPandas()
    assert len(out) == len(df) and out["ticket_id"].is_unique
    out = out.set_index("ticket_id").loc[df["ticket_id"]].reset_index()
    # the user's columns come back unchanged (values, nulls and types)
    pd.testing.assert_frame_equal(out[df.columns.tolist()], df, check_dtype=False)
    assert out["ticket_id"].dtype == np.int64
    # labels equal to in-process scoring of the same (text, tier)
    ref = scored_reference(df)
    key = ["text", "tier"]
    merged = out.assign(**{c: out[c].astype(object).fillna("<null>") for c in key}).merge(
        ref.assign(**{c: ref[c].astype(object).fillna("<null>") for c in key}), on=key, how="left",
        suffixes=("", "_ref"), validate="many_to_one")
    assert len(merged) == len(df)
    for col in ("sentiment_label", "kind", "priority", "respond_within", "priority_reason"):
        same = (merged[col] == merged[f"{col}_ref"]) | (merged[col].isna() & merged[f"{col}_ref"].isna())
        assert same.all(), col  # respond_within is NaT (no deadline) for priority none on both sides
    assert [tuple(t) for t in merged["topics"]] == [tuple(t) for t in merged["topics_ref"]]
    for col in ("sentiment_score", "p_negative", "p_neutral", "p_positive"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_ref"], rtol=1e-6, atol=1e-9)
    assert [dict(m) == r for m, r in zip(merged["topic_polarities"], merged["topic_polarities_ref"])] == \
        [True] * len(merged)
    for got, want in zip(merged["topic_scores"][:2000], merged["topic_scores_ref"][:2000]):
        assert dict(got).keys() == want.keys()
        np.testing.assert_allclose(list(dict(got).values()), [want[k] for k in dict(got)], rtol=1e-6)


@pytest.mark.slow
def test_model_loaded_once_per_python_worker(spark: Any) -> None:
    from collections.abc import Iterator

    sdf = spark.createDataFrame(make_frame(1000).dropna(subset=["text"])).repartition(8)
    fns.classify_dataframe(sdf).write.format("noop").mode("overwrite").save()

    def report(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import os

        from feedback_nlp.scale import dask as fnd

        for _ in batches:
            model = fnd._cache.get("default")
            yield pd.DataFrame({"pid": [os.getpid()], "loaded": [model is not None], "model_id": [id(model)]})

    schema = "pid long, loaded boolean, model_id long"
    before = sdf.mapInPandas(report, schema).toPandas()
    fns.classify_dataframe(sdf).write.format("noop").mode("overwrite").save()
    after = sdf.mapInPandas(report, schema).toPandas()
    assert before["loaded"].all() and after["loaded"].all()  # the workers that scored kept their model
    # one model object per worker process, the same one before and after another scoring job
    ids = pd.concat([before, after]).groupby("pid")["model_id"].nunique()
    assert (ids == 1).all() and len(ids) <= 4


@pytest.mark.slow
def test_errors_and_empty_input(spark: Any) -> None:
    df = make_frame(50)
    sdf = spark.createDataFrame(df)
    with pytest.raises(Exception, match="null text"):
        fns.classify_dataframe(sdf).count()  # errors="raise": the null texts fail the job with a clear message
    neutral = fns.classify_dataframe(sdf, errors="neutral").where("text IS NULL").toPandas()
    assert len(neutral) == df["text"].isna().sum() and set(neutral["sentiment_label"]) == {"neutral"}
    due = fns.classify_dataframe(sdf, errors="neutral").selectExpr("created + respond_within AS due", "created",
                                                                   "respond_within").toPandas()
    expected = due["created"] + due["respond_within"]  # interval column: deadlines in Spark SQL
    assert ((due["due"] == expected) | (due["due"].isna() & expected.isna())).all()  # NaT: priority none
    empty = fns.classify_dataframe(sdf.where("amount > 1e9"))
    assert empty.count() == 0 and empty.columns[-1] == "priority_reason"
    with pytest.raises(TypeError, match="classify_frame"):
        fns.classify_dataframe(df)
    with pytest.raises(KeyError, match="text_col"):
        fns.classify_dataframe(sdf, text_col="body")
    with pytest.raises(TypeError, match="cast it"):
        fns.classify_dataframe(sdf, text_col="amount")
    with pytest.raises(ValueError, match="overwritten"):
        fns.classify_dataframe(sdf.withColumnRenamed("tier", "kind"))
    with pytest.raises(ValueError, match="batch_size"):
        fns.classify_dataframe(sdf, batch_size=0)


@pytest.mark.slow
def test_rules_equal_to_in_process_on_100k_transactions(spark: Any) -> None:
    baskets = make_baskets(100_000)
    sdf = spark.createDataFrame(pd.DataFrame({"items": baskets}), "items array<string>").repartition(4)
    small = spark.createDataFrame(pd.DataFrame({"items": baskets[:10_000]}), "items array<string>")
    for data, local, kw in ((sdf, baskets, {"min_support": 0.01, "min_confidence": 0.2}),
                            (small, baskets[:10_000], {"min_support": 0.02, "min_confidence": 0.4, "min_lift": 1.0,
                                                       "max_len": 2})):
        got = fns.mine_cooccurrence(data, "items", **kw)
        want = fn.mine_cooccurrence(local, **kw)
        assert list(got.columns) == list(RULE_COLUMNS) == list(want.columns)
        assert len(got) == len(want) > 0
        assert got["antecedents"].tolist() == want["antecedents"].tolist()
        assert got["consequents"].tolist() == want["consequents"].tolist()
        assert all(isinstance(a, frozenset) for a in got["antecedents"])
        for col in ("count", "antecedent_count", "consequent_count"):
            assert got[col].tolist() == want[col].tolist(), col
        for col in ("support", "confidence", "lift", "antecedent_support", "consequent_support", "leverage",
                    "conviction"):
            np.testing.assert_allclose(got[col], want[col], rtol=1e-9, err_msg=col)
    assert len(fns.mine_cooccurrence(sdf.limit(0), "items")) == 0
    with pytest.raises(TypeError, match="collect_set"):
        fns.mine_cooccurrence(spark.createDataFrame(pd.DataFrame({"tag": ["a"]})), "tag")
    with pytest.raises(ValueError, match="min_support"):
        fns.mine_cooccurrence(sdf, "items", min_support=0)


@pytest.mark.slow
def test_per_series_forecast_equal_to_in_process(spark: Any) -> None:
    rng = np.random.default_rng(3)
    days = pd.date_range("2024-01-01", periods=140, freq="D")
    week = np.array([1.0, 1.1, 1.05, 1.0, 0.9, 0.5, 0.45])
    long = pd.concat([pd.DataFrame({"branch": f"网点{k}", "day": days,
                                    "tickets": rng.poisson((20 + 30 * k) * week[days.day_of_week])})
                      for k in range(4)], ignore_index=True)
    long = long.sample(frac=1.0, random_state=0)  # rows in no particular order, as in a table
    sdf = spark.createDataFrame(long).repartition(3)
    for model in ("auto", "snaive"):
        got = fns.forecast_volume(sdf, "branch", "day", "tickets", horizon=14, model=model).toPandas()
        assert list(got.columns) == ["branch", "date", "mean", "lower", "upper", "model"]
        assert len(got) == 4 * 14
        for key, g in got.groupby("branch"):
            s = long[long["branch"] == key].set_index("day")["tickets"].sort_index()
            want = fn.forecast_volume(s, 14, model=model)
            g = g.sort_values("date")
            assert g["date"].tolist() == list(want.mean.index)
            for col in ("mean", "lower", "upper"):
                np.testing.assert_allclose(g[col], getattr(want, col).to_numpy(), rtol=1e-6, atol=1e-6)
            assert set(g["model"]) == {want.model}
    with pytest.raises(TypeError, match="numeric"):
        fns.forecast_volume(sdf, "branch", "day", "branch", horizon=7)
    with pytest.raises(ValueError, match="horizon"):
        fns.forecast_volume(sdf, "branch", "day", "tickets", horizon=0)


@pytest.mark.slow
def test_custom_model_shipped_as_an_archive(spark: Any, tiny_model_dir: Path, tmp_path: Path) -> None:
    """The cluster recipe of docs/scale_out.md: a model directory packed as .tar.gz, added with addArchive
    (= spark-submit --archives tiny.tar.gz#tiny_model), then named by its alias."""
    import tarfile

    archive = tmp_path / "tiny.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for f in sorted(tiny_model_dir.iterdir()):
            tar.add(f, arcname=f.name)
    spark.sparkContext.addArchive(f"{archive}#tiny_model")
    df = make_frame(300).dropna(subset=["text"])
    got = fns.classify_dataframe(spark.createDataFrame(df), model="tiny_model").toPandas()
    want = fn.load(tiny_model_dir).classify_frame(df)
    got = got.set_index("ticket_id").loc[df["ticket_id"]]
    assert got["sentiment_label"].tolist() == want["sentiment_label"].tolist()
    assert not Path("tiny_model").exists()  # found through SparkFiles, not the working directory
