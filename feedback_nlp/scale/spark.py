"""Spark: score, mine and forecast where the tickets already live (Spark DataFrames in, Spark or pandas out).

>>> from pyspark.sql import SparkSession  # doctest: +SKIP
>>> import feedback_nlp.scale.spark as fns  # doctest: +SKIP
>>> spark = SparkSession.builder.getOrCreate()  # doctest: +SKIP
>>> rows = [(1, "快递三天才到，客服态度还很差"), (2, "房间干净")]  # doctest: +SKIP
>>> sdf = spark.createDataFrame(rows, "id long, text string")  # doctest: +SKIP
>>> [r.sentiment_label for r in fns.classify_dataframe(sdf).orderBy("id").collect()]  # doctest: +SKIP
['negative', 'positive']

- :func:`classify_dataframe`: ``mapInPandas`` over Arrow batches; each executor Python worker loads the model once
  (:func:`feedback_nlp.scale.dask.get_classifier`) and keeps it while Spark reuses the worker.
- :func:`mine_cooccurrence`: frequent itemsets counted by Spark MLlib's ``FPGrowth``, rules derived from them by the
  same code as :func:`feedback_nlp.mine_cooccurrence` (so the same rules and columns).
- :func:`forecast_volume`: one in-process forecast per series with ``groupBy(...).applyInPandas``.

Needs the ``spark`` extra (``pip install "feedback_nlp[spark]"``) and Java 17+; importing this module imports
neither pyspark nor Java. See ``docs/scale_out.md`` for shipping the library and a model to a cluster.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._docs import shared_params
from .._validation import ErrorPolicy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql.types import DataType, StructType

__all__ = ["FORECAST_COLUMNS", "classify_dataframe", "forecast_volume", "mine_cooccurrence", "output_schema",
           "resolve_model"]

#: Columns of :func:`forecast_volume` output after the id column(s).
FORECAST_COLUMNS: tuple[str, ...] = ("date", "mean", "lower", "upper", "model")
_PROBE = "快递三天才到，客服态度还很差"


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise ImportError(f'{e}: install the spark extra: pip install "feedback_nlp[spark]" (and Java 17+)') from e


def _check_sdf(sdf: Any, name: str, local: str) -> None:
    _require_pyspark()
    import pandas as pd
    from pyspark.sql import DataFrame

    if isinstance(sdf, pd.DataFrame):
        raise TypeError(f"feedback_nlp.scale.spark.{name}() takes a Spark DataFrame; for a pandas DataFrame use "
                        f"{local} in this process, or spark.createDataFrame(df) first")
    if not isinstance(sdf, DataFrame):
        raise TypeError(f"{name}() takes a pyspark.sql.DataFrame, got {type(sdf).__name__}")


def _column_type(sdf: SparkDataFrame, col: str, arg: str) -> DataType:
    if col not in sdf.columns:
        raise KeyError(f"column {col!r} not in the DataFrame (columns: {sdf.columns}); pass {arg}=")
    return sdf.schema[col].dataType


# --------------------------------------------------------------------------- scoring
def _known_types() -> dict[str, DataType]:
    from pyspark.sql import types as T

    return {
        "sentiment_label": T.StringType(),
        "sentiment_score": T.DoubleType(),
        "p_negative": T.DoubleType(),
        "p_neutral": T.DoubleType(),
        "p_positive": T.DoubleType(),
        "topics": T.ArrayType(T.StringType()),
        "topic_polarities": T.MapType(T.StringType(), T.StringType()),
        "topic_scores": T.MapType(T.StringType(), T.DoubleType()),
        "kind": T.StringType(),
        "priority": T.StringType(),
        "priority_reason": T.StringType(),
        "respond_within": T.DayTimeIntervalType(),
    }


def _spark_type(name: str, column: pd.Series) -> DataType:
    """Spark type of a column ``classify_frame`` adds: declared for the known ones, else from the pandas dtype."""
    import pandas as pd
    from pyspark.sql import types as T

    known = _known_types()
    if name in known:
        return known[name]
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return T.BooleanType()
    if pd.api.types.is_integer_dtype(dtype):
        return T.LongType()
    if pd.api.types.is_float_dtype(dtype):
        return T.DoubleType()
    if pd.api.types.is_timedelta64_dtype(dtype):
        return T.DayTimeIntervalType()
    if pd.api.types.is_string_dtype(dtype) and all(isinstance(v, str) for v in column.dropna()):
        return T.StringType()
    raise TypeError(f"classify_frame() added column {name!r} of dtype {dtype}, which feedback_nlp.scale.spark has "
                    "no Spark type for: add it to feedback_nlp.scale.spark._known_types")


def _model_key(model: str | Path) -> str:
    """What the executors get: the absolute path of a directory that exists here, else ``model`` as written."""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.is_dir() else str(model)


def resolve_model(model: str) -> str:
    """Where this process finds ``model``: a directory or a shipped name as they are; else a directory of that name
    shipped with the job (``spark-submit --archives my_model.tar.gz#my_model``, ``spark.archives``,
    ``sc.addArchive``), found through ``SparkFiles``. Anything else is returned unchanged (loading it then fails with
    the registry's message).

    >>> resolve_model("default")
    'default'
    """
    from ..classify.registry import _ALIASES, available_models

    if Path(model).expanduser().is_dir() or model in _ALIASES or model in available_models():
        return model
    try:
        from pyspark import SparkFiles

        shipped = Path(SparkFiles.get(model))
    except Exception:  # no pyspark or no SparkContext in this process: nothing shipped to look in
        return model
    return str(shipped) if shipped.is_dir() else model


def output_schema(schema: StructType, text_col: str = "text", model: str | Path = "default",
                  tier_col: str | None = None) -> StructType:
    """``schema`` followed by the columns :meth:`~feedback_nlp.FeedbackClassifier.classify_frame` adds, in its
    order and with Spark types (``topics`` ``array<string>``, ``topic_polarities``/``topic_scores`` maps,
    ``respond_within`` ``interval day to second``).

    The added columns are read off ``classify_frame``'s output for one probe text scored with ``model`` in this
    process, so the declared schema is what the executors return (a bad ``model`` fails here, before any job).
    Needs pyspark, not a running Spark.
    """
    _require_pyspark()
    import pandas as pd
    from pyspark.sql import types as T

    from .dask import score_partition

    probe = pd.DataFrame({text_col: [_PROBE]})
    if tier_col is not None:
        probe[tier_col] = [None]
    out = score_partition(probe, text_col=text_col, model=resolve_model(_model_key(model)), tier_col=tier_col)
    added = [c for c in out.columns if c not in probe.columns]
    return T.StructType([*schema.fields, *(T.StructField(c, _spark_type(c, out[c]), True) for c in added)])


def _score_batches(batches: Iterator[pd.DataFrame], *, text_col: str, model: str, batch_size: int,
                   errors: ErrorPolicy, tier_col: str | None, columns: list[str]) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` body: every Arrow batch scored by ``score_partition`` with this worker's cached model."""
    from .dask import score_partition

    model = resolve_model(model)
    for pdf in batches:
        try:
            out = score_partition(pdf, text_col=text_col, model=model, batch_size=batch_size, errors=errors,
                                  tier_col=tier_col)
        except ValueError as e:
            if "missing" not in str(e):
                raise
            raise ValueError(f"column {text_col!r} has a null text: filter it first "
                             f"(sdf.where(F.col({text_col!r}).isNotNull())) or pass errors='neutral' to score it "
                             "neutral") from e
        yield out[columns]


@shared_params("text_col", "batch_size", "errors", "tier_col")
def classify_dataframe(
    sdf: SparkDataFrame,
    text_col: str = "text",
    model: str | Path = "default",
    batch_size: int = 1024,
    errors: ErrorPolicy = "raise",
    tier_col: str | None = None,
) -> SparkDataFrame:
    """A lazy Spark DataFrame: every column and row of ``sdf``, with the columns of
    :meth:`~feedback_nlp.FeedbackClassifier.classify_frame` added (schema: :func:`output_schema`).

    Runs as ``sdf.mapInPandas`` over Arrow batches of ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows (default
    10,000). Each Python worker on each executor loads ``model`` once and keeps it while Spark reuses the worker
    (``spark.python.worker.reuse``, on by default). The input columns pass through Arrow unchanged; Spark keeps no row
    order, so keep an id column to join on. ``text_col`` must be a string column; with ``errors="raise"`` a null text
    fails the job when an action runs (a Python error naming the column).

    ``model``: a shipped name, a directory every executor can read at the same path, or the name of a directory
    shipped with ``--archives`` (see :func:`resolve_model`). The driver loads it too, to build the schema.

    >>> scored = classify_dataframe(spark.table("tickets"), text_col="body", errors="neutral")  # doctest: +SKIP
    >>> scored.write.mode("overwrite").saveAsTable("tickets_scored")  # doctest: +SKIP
    """
    _check_sdf(sdf, "classify_dataframe", "feedback_nlp.classify_frame(df)")
    from pyspark.sql import types as T

    dtype = _column_type(sdf, text_col, "text_col")
    if not isinstance(dtype, T.StringType):
        hint = ("decode it first: F.decode(F.col(...), 'UTF-8')" if isinstance(dtype, T.BinaryType)
                else f"cast it: sdf.withColumn({text_col!r}, F.col({text_col!r}).cast('string'))")
        raise TypeError(f"column {text_col!r} is {dtype.simpleString()}, not string; {hint}")
    if tier_col is not None:
        _column_type(sdf, tier_col, "tier_col")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
    if errors not in ("raise", "neutral"):
        raise ValueError(f"errors must be 'raise' or 'neutral'; got {errors!r}")
    schema = output_schema(sdf.schema, text_col, model, tier_col)
    added = schema.fieldNames()[len(sdf.columns):]
    clash = sorted(set(added) & set(sdf.columns))
    if clash:
        raise ValueError(f"columns {clash} would be overwritten by the classification; rename or drop them first")
    body = functools.partial(_score_batches, text_col=text_col, model=_model_key(model), batch_size=batch_size,
                             errors=errors, tier_col=tier_col, columns=schema.fieldNames())
    return sdf.mapInPandas(body, schema=schema)


# --------------------------------------------------------------------------- co-occurrence
def mine_cooccurrence(
    sdf: SparkDataFrame,
    items_col: str = "items",
    min_support: float = 0.01,
    min_confidence: float = 0.3,
    min_lift: float | None = None,
    max_len: int | None = 3,
    *,
    num_partitions: int | None = None,
) -> pd.DataFrame:
    """Association rules ``A ⇒ B`` between tags of the same ticket, one ticket per row of ``sdf``: the same rules
    and columns (:data:`feedback_nlp.insights.cooccurrence.RULE_COLUMNS`) as :func:`feedback_nlp.mine_cooccurrence`,
    as a pandas DataFrame (rules are few; the tickets stay in Spark).

    The frequent itemsets are counted by Spark MLlib's distributed ``FPGrowth``, with the same threshold
    (``ceil(min_support × tickets)``); the rules and their measures then come from them through mlxtend's
    ``association_rules``, as in-process (MLlib's own rules have one-item consequents only). ``max_len`` is applied
    to the itemsets after mining: MLlib has no length limit, so a very low ``min_support`` over many tags can make
    many itemsets.

    ``items_col``: an array column of tags (e.g. ``topics`` of :func:`classify_dataframe`). A null array is a ticket
    without tags (it counts in the denominator), null tags are dropped and a repeated tag counts once. From a long
    table (one row per ticket and tag) build it first:
    ``sdf.groupBy("ticket_id").agg(F.collect_set("tag").alias("items"))``. ``num_partitions``: MLlib's
    ``numPartitions`` (default: those of the input).

    >>> tagged = scored.withColumn("items", F.array_union("topics", F.array("kind")))  # doctest: +SKIP
    >>> rules = mine_cooccurrence(tagged, "items", min_support=0.01, min_confidence=0.3)  # doctest: +SKIP
    """
    _check_sdf(sdf, "mine_cooccurrence", "feedback_nlp.mine_cooccurrence(transactions)")
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from ..insights import cooccurrence as co

    co._check_args(min_support, min_confidence, min_lift, max_len, "fpgrowth")
    dtype = _column_type(sdf, items_col, "items_col")
    if not isinstance(dtype, T.ArrayType):
        raise TypeError(f"column {items_col!r} is {dtype.simpleString()}, not an array of tags; from a long table "
                        f"(one row per ticket and tag) build it with sdf.groupBy('ticket_id')"
                        f".agg(F.collect_set('tag').alias({items_col!r}))")
    if num_partitions is not None and (isinstance(num_partitions, bool) or not isinstance(num_partitions, int)
                                       or num_partitions < 1):
        raise ValueError(f"num_partitions must be None or a positive int; got {num_partitions!r}")
    items = F.coalesce(F.array_distinct(F.filter(F.col(items_col), lambda x: x.isNotNull())), F.array().cast(dtype))
    baskets = sdf.select(items.alias("items")).persist()
    try:
        n = baskets.count()
        if n == 0:
            return co._empty_rules()
        fp = FPGrowth(itemsCol="items", minSupport=float(min_support), minConfidence=float(min_confidence))
        if num_partitions is not None:
            fp = fp.setNumPartitions(num_partitions)
        freq = fp.fit(baskets).freqItemsets
        if max_len is not None:
            freq = freq.where(F.size("items") <= max_len)
        rows = freq.collect()
    finally:
        baskets.unpersist()
    import pandas as pd

    itemsets = pd.DataFrame({"support": [r["freq"] / n for r in rows],
                             "itemsets": [frozenset(r["items"]) for r in rows]})
    return co._rules_from_itemsets(itemsets, n, min_confidence, min_lift)


# --------------------------------------------------------------------------- forecasts
def _forecast_series(series: pd.Series, horizon: int, options: dict[str, Any]) -> pd.DataFrame:
    """Adapter, the one place that calls the in-process forecaster: one series of counts on a DatetimeIndex in,
    rows :data:`FORECAST_COLUMNS` out."""
    import pandas as pd

    from ..insights.forecast import VolumeForecast
    from ..insights.forecast import forecast_volume as forecast

    fc = forecast(series, horizon, **options)
    assert isinstance(fc, VolumeForecast)  # one Series in, one forecast out
    return pd.DataFrame({"date": fc.mean.index, "mean": fc.mean.to_numpy(), "lower": fc.lower.to_numpy(),
                         "upper": fc.upper.to_numpy(), "model": fc.model})


def _check_forecast_options(horizon: int, options: dict[str, Any]) -> None:
    """Unknown keywords and bad values fail here, on the driver, not in every task."""
    import pandas as pd

    from ..insights.forecast import forecast_volume as forecast

    if "series" in options or "horizon" in options:
        raise TypeError("pass the series as sdf_long and horizon= once, not in **options")
    try:
        inspect.signature(forecast).bind(pd.Series(dtype=float), horizon, **options)
    except TypeError as e:
        raise TypeError(f"forecast_volume() options: {e}; see help(feedback_nlp.forecast_volume)") from e


def _forecast_group(pdf: pd.DataFrame, *, id_cols: list[str], time_col: str, value_col: str, horizon: int,
                    options: dict[str, Any]) -> pd.DataFrame:
    """``applyInPandas`` body: the rows of one series, in any order, in; its forecast rows, ids first, out."""
    import pandas as pd

    from ..insights.forecast import _one_blas_thread

    key = pdf[id_cols].iloc[0].tolist()
    series = pd.Series(pdf[value_col].to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(pdf[time_col])))
    try:
        with _one_blas_thread():  # one series per Python worker and core: no BLAS threads fighting over cores
            out = _forecast_series(series.sort_index(), horizon, options)
    except (ValueError, TypeError) as e:
        raise type(e)(f"series {dict(zip(id_cols, key))}: {e}") from e
    for i, (col, value) in enumerate(zip(id_cols, key)):
        out.insert(i, col, value)
    return out


def forecast_volume(
    sdf_long: SparkDataFrame,
    id_col: str | Sequence[str],
    time_col: str,
    value_col: str,
    horizon: int,
    **options: Any,
) -> SparkDataFrame:
    """One forecast per series of a long table of counts, each fitted on an executor: a lazy Spark DataFrame with
    the id column(s) and :data:`FORECAST_COLUMNS` (``date``, ``mean``, ``lower``, ``upper``, ``model``), ``horizon``
    rows per series.

    ``sdf_long``: one row per series and period, e.g. per branch × topic × day. ``id_col``: the column, or list of
    columns, naming a series; ``time_col``: a date, timestamp or ISO string column; ``value_col``: the counts.
    ``options``: keyword arguments of :func:`feedback_nlp.forecast_volume` (``freq``, ``season_length``, ``level``,
    ``model``, ``holidays``, ``history``, ``nan``), the same for every series. Each series is forecast exactly as
    ``fn.forecast_volume(series, horizon, **options)`` forecasts it in-process (missing periods count as 0),
    through ``groupBy(id_col).applyInPandas``, so a series must fit in one Python worker's memory (years of daily
    counts are a few kB). A series that cannot be forecast (e.g. shorter than one season) fails the job with an error
    naming it: filter short series first. ``date`` is ``timestamp`` for a ``timestamp`` time column, else
    ``timestamp_ntz``.

    >>> daily = tickets.groupBy("branch", "topic", F.to_date("created").alias("day")).count()  # doctest: +SKIP
    >>> fc = forecast_volume(daily, ["branch", "topic"], "day", "count", horizon=28)  # doctest: +SKIP
    """
    _check_sdf(sdf_long, "forecast_volume", "feedback_nlp.forecast_volume(df_long, ...)")
    from pyspark.sql import types as T

    id_cols = [id_col] if isinstance(id_col, str) else list(id_col)
    if not id_cols:
        raise ValueError("id_col is empty: name the column(s) that identify a series, e.g. id_col=['branch', 'topic']")
    id_fields = [T.StructField(c, _column_type(sdf_long, c, "id_col"), True) for c in id_cols]
    time_type = _column_type(sdf_long, time_col, "time_col")
    value_type = _column_type(sdf_long, value_col, "value_col")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a positive int (periods ahead); got {horizon!r}")
    if not isinstance(value_type, T.NumericType):
        raise TypeError(f"column {value_col!r} is {value_type.simpleString()}, not numeric counts; count first, "
                        f"e.g. sdf.groupBy({id_cols[0]!r}, F.to_date('created').alias('day')).count()")
    if not isinstance(time_type, (T.DateType, T.TimestampType, T.TimestampNTZType, T.StringType)):
        raise TypeError(f"column {time_col!r} is {time_type.simpleString()}: pass a date, timestamp or ISO string "
                        "column")
    clash = sorted(set(id_cols) & set(FORECAST_COLUMNS))
    if clash:
        raise ValueError(f"id columns {clash} clash with the forecast columns {FORECAST_COLUMNS}; rename them")
    _check_forecast_options(horizon, options)
    date_type = T.TimestampType() if isinstance(time_type, T.TimestampType) else T.TimestampNTZType()
    schema = T.StructType([*id_fields, T.StructField("date", date_type, False),
                           *(T.StructField(c, T.DoubleType(), False) for c in ("mean", "lower", "upper")),
                           T.StructField("model", T.StringType(), False)])

    def body(pdf: pd.DataFrame) -> pd.DataFrame:
        return _forecast_group(pdf, id_cols=id_cols, time_col=time_col, value_col=value_col, horizon=horizon,
                               options=options)

    return sdf_long.select(*id_cols, time_col, value_col).groupBy(*id_cols).applyInPandas(body, schema=schema)
