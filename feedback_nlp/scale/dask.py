"""Scale-out: score a Dask DataFrame partition by partition, the model loaded once per worker process.

>>> import dask.dataframe as dd, pandas as pd  # doctest: +SKIP
>>> import feedback_nlp.scale.dask as fnd  # doctest: +SKIP
>>> df = pd.DataFrame({"text": ["快递三天才到，客服态度还很差", "房间干净"]})  # doctest: +SKIP
>>> ddf = dd.from_pandas(df, npartitions=2)  # doctest: +SKIP
>>> fnd.classify_dataframe(ddf).compute()["sentiment_label"].tolist()  # doctest: +SKIP
['negative', 'positive']

The columns are those of :meth:`feedback_nlp.FeedbackClassifier.classify_frame`, with fixed dtypes (the same in
every partition, empty ones included). :func:`score_partition` is the engine-agnostic pandas-in, pandas-out function
behind it: use it from Spark's ``mapInPandas``, Ray or multiprocessing (see ``docs/scale_out.md``).

Needs the ``dask`` extra (``pip install "feedback_nlp[dask]"``); importing this module does not import Dask.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._docs import shared_params
from .._validation import ErrorPolicy
from ..classify.classifier import FeedbackClassifier

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd
    import pandas as pd

__all__ = ["OUTPUT_COLUMNS", "SPARK_DDL", "classify_dataframe", "for_arrow", "get_classifier", "output_meta",
           "score_partition"]

#: Columns added by ``classify_dataframe`` and their dtypes in every partition.
OUTPUT_COLUMNS: dict[str, str] = {
    "sentiment_label": "str",
    "sentiment_score": "float64",
    "p_negative": "float64",
    "p_neutral": "float64",
    "p_positive": "float64",
    "topics": "object",  # tuple of topic names
    "topic_polarities": "object",  # dict name -> polarity
    "topic_scores": "object",  # dict name -> probability
    "kind": "str",
    "priority": "str",
    "respond_within": "timedelta64[us]",  # NaT for priority "none"
    "priority_reason": "str",
}

#: The added columns after :func:`for_arrow`, as a Spark DDL string (for ``mapInPandas`` output schemas).
SPARK_DDL = (
    "sentiment_label string, sentiment_score double, p_negative double, p_neutral double, p_positive double, "
    "topics array<string>, topic_polarities map<string,string>, topic_scores map<string,double>, kind string, "
    "priority string, priority_reason string, respond_within_s double"
)

_cache: dict[str, FeedbackClassifier] = {}
_cache_lock = threading.Lock()


def _model_key(model: str | Path) -> str:
    """A key that means the same model in every process: absolute path for a directory, else the shipped name."""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.is_dir() else str(model)


def get_classifier(model: str | Path = "default") -> FeedbackClassifier:
    """The classifier for ``model`` in this process, loaded on first use and then reused (thread-safe).

    On a Dask worker this is what makes "loaded once per worker": every partition the worker scores reads the cache.

    >>> get_classifier("default").classify("一点也不差").sentiment.label
    'positive'
    """
    key = str(model)
    clf = _cache.get(key)
    if clf is None:
        with _cache_lock:
            clf = _cache.get(key)
            if clf is None:
                from ..classify.registry import load

                clf = _cache[key] = load(key)
    return clf


def output_meta(frame: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    """An empty frame with the columns and dtypes :func:`score_partition` returns for ``frame``'s columns."""
    import pandas as pd

    empty = frame.iloc[:0].copy()
    for col, dtype in OUTPUT_COLUMNS.items():
        empty[prefix + col] = pd.Series([], index=empty.index, dtype=dtype)
    return empty


@shared_params("text_col", "model", "batch_size", "errors", "tier_col")
def score_partition(
    frame: pd.DataFrame,
    text_col: str = "text",
    model: str | Path = "default",
    batch_size: int = 1024,
    errors: ErrorPolicy = "raise",
    tier_col: str | None = None,
    prefix: str = "",
) -> pd.DataFrame:
    """``frame`` with the classification columns added (index and order kept), dtypes as in :data:`OUTPUT_COLUMNS`;
    ``prefix`` goes in front of each added name (an existing column of that name raises ValueError).

    >>> import pandas as pd
    >>> out = score_partition(pd.DataFrame({"text": ["快递三天才到，客服态度还很差"]}, index=[7]))
    >>> out.index.tolist(), out["sentiment_label"].tolist(), out["kind"].tolist()
    ([7], ['negative'], ['complaint'])
    """
    if len(frame) == 0:
        return output_meta(frame, prefix)
    clf = get_classifier(model)
    out = clf.classify_frame(frame, text_col=text_col, batch_size=batch_size, errors=errors, tier_col=tier_col,
                             prefix=prefix)
    return out.astype({prefix + col: dtype for col, dtype in OUTPUT_COLUMNS.items()
                       if str(out[prefix + col].dtype) != dtype})


def for_arrow(frame: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    """Scored ``frame`` in Arrow/Spark-friendly types: ``topics`` as lists, ``respond_within`` as float seconds in
    ``respond_within_s`` (dict columns map to Arrow/Spark maps as they are); ``prefix``: the one given to
    :func:`score_partition`. See :data:`SPARK_DDL`.

    >>> import pandas as pd
    >>> out = for_arrow(score_partition(pd.DataFrame({"text": ["快递三天才到，客服态度还很差"]})))
    >>> out["topics"].iloc[0], out["respond_within_s"].tolist()
    (['efficiency', 'service_attitude'], [86400.0])
    """
    out = frame.copy()
    out[prefix + "topics"] = [list(t) for t in out[prefix + "topics"]]
    out[prefix + "respond_within_s"] = out.pop(prefix + "respond_within").dt.total_seconds()
    return out


@shared_params("text_col", "model", "batch_size", "errors", "tier_col")
def classify_dataframe(
    ddf: dd.DataFrame,
    text_col: str = "text",
    model: str | Path = "default",
    batch_size: int = 1024,
    errors: ErrorPolicy = "raise",
    tier_col: str | None = None,
    prefix: str = "",
) -> dd.DataFrame:
    """A lazy Dask DataFrame: ``ddf`` with the columns of :meth:`FeedbackClassifier.classify_frame` added.

    A column of ``ddf`` with one of those names raises ValueError naming it (nothing is overwritten);
    ``prefix="pred_"`` writes ``pred_kind``, ... alongside instead.

    Each partition is scored with the batch API by :func:`score_partition`; each worker process loads ``model`` once
    (on its first partition) and keeps it. Rows are neither lost, duplicated nor reordered, and the index and the
    divisions are kept. ``model``: shipped name or a model directory that every worker can read at the same path.

    >>> import dask.dataframe as dd, pandas as pd  # doctest: +SKIP
    >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["太差了", "很满意"] * 1000}), npartitions=4)  # doctest: +SKIP
    >>> classify_dataframe(ddf, text_col="text")["sentiment_label"].value_counts().compute().to_dict()  # doctest: +SKIP
    {'negative': 1000, 'positive': 1000}
    """
    try:
        import dask.dataframe as dd
    except ImportError as e:  # pragma: no cover - only without the extra
        raise ImportError(f'{e}: install the dask extra: pip install "feedback_nlp[dask]"') from e
    import pandas as pd

    if isinstance(ddf, pd.DataFrame):
        raise TypeError("feedback_nlp.scale.dask.classify_dataframe() takes a Dask DataFrame; for a pandas "
                        "DataFrame use feedback_nlp.classify_frame(df), or dask.dataframe.from_pandas(df, "
                        "npartitions=...) first")
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"classify_dataframe() takes a Dask DataFrame, got {type(ddf).__name__}")
    for name, col in (("text_col", text_col), ("tier_col", tier_col)):
        if col is not None and col not in ddf.columns:
            raise KeyError(f"column {col!r} not in the DataFrame (columns: {list(ddf.columns)}); pass {name}=")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size must be a positive int")
    if errors not in ("raise", "neutral"):
        raise ValueError("errors must be 'raise' or 'neutral'")
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str such as 'pred_'; got {type(prefix).__name__}")
    clash = [prefix + c for c in OUTPUT_COLUMNS if prefix + c in ddf.columns]
    if clash:
        raise ValueError(f"classify_dataframe() would overwrite the existing column(s) {clash}: rename them, or pass "
                         "prefix='pred_' to write the model's columns alongside")
    kwargs: dict[str, Any] = {"text_col": text_col, "model": _model_key(model), "batch_size": batch_size,
                              "errors": errors, "tier_col": tier_col, "prefix": prefix}
    meta = output_meta(ddf._meta, prefix)
    scored: dd.DataFrame = ddf.map_partitions(  # type: ignore[no-untyped-call]
        score_partition, meta=meta, align_dataframes=False, **kwargs)
    return scored
