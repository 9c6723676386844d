"""Reading labelled files, training and evaluating models (used by the CLI and ``scripts/``).

Files are read directly with pandas / pyarrow (CSV, JSON Lines, Parquet), every column as written, no cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .classifier import FeedbackClassifier
from .intent import KINDS
from .sentiment import SentimentModel, binary_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["MIN_ROWS_PER_CLASS", "check_training_labels", "evaluate_sentiment", "evaluate_service",
           "expected_calibration_error", "map_labels", "read_table", "split_holdout", "train_sentiment",
           "training_record"]

#: Fewest rows of each class (negative, positive) that ``train`` accepts: below it a model learns noise.
MIN_ROWS_PER_CLASS = 20


def read_table(path: str | Path, columns: Sequence[str] = (), encoding: str = "utf-8",
               infer_types: bool = False) -> pd.DataFrame:
    """Read a CSV / TSV / JSONL / JSON / Parquet file as written (see :func:`feedback_nlp._files.read_table`).

    >>> read_table("reviews.csv", ["text", "label"])  # doctest: +SKIP
    """
    from .._files import read_table as _read

    return _read(path, columns, encoding=encoding, infer_types=infer_types)


def map_labels(labels: Sequence[Any], label_map: Mapping[str, Any] | None) -> list[Any]:
    """``labels`` with each value found in ``label_map`` (compared as stripped strings) replaced by its mapping.

    >>> map_labels(["赞", "踩", 1], {"赞": "positive", "踩": "negative"})
    ['positive', 'negative', 1]
    """
    if not label_map:
        return list(labels)
    table = {str(k).strip(): v for k, v in label_map.items()}
    return [table.get(str(v).strip(), v) if v is not None else v for v in labels]


def check_training_labels(labels: Sequence[Any], min_rows_per_class: int = MIN_ROWS_PER_CLASS) -> np.ndarray:
    """Labels as 1 / 0 / -1 (:func:`~feedback_nlp.sentiment.binary_labels`); ``ValueError`` for an unknown label
    (naming it and the ``label_map`` remedy) or fewer than ``min_rows_per_class`` negative or positive rows.

    >>> int(check_training_labels(["positive"] * 20 + ["negative"] * 20).sum())
    20
    """
    try:
        y = binary_labels(labels)
    except ValueError as e:
        raise ValueError(f"{e}, or map your own labels with --label-map / label_map= "
                         "(e.g. '{\"赞\": \"positive\", \"踩\": \"negative\"}')") from None
    n_neg, n_pos = int((y == 0).sum()), int((y == 1).sum())
    if min(n_neg, n_pos) < min_rows_per_class:
        raise ValueError(
            f"{n_neg} negative and {n_pos} positive rows: training needs at least {min_rows_per_class} of each "
            "(more is better: a few hundred per class); label more data")
    return y


def split_holdout(
    df: pd.DataFrame, fraction: float, seed: int = 0, group_col: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``(train, test)`` rows of ``df`` with ``fraction`` held out (``test`` is None when ``fraction`` is 0).

    With ``group_col`` whole groups are held out (``GroupShuffleSplit``), so near-duplicate rows of one template or
    customer never sit on both sides; otherwise a plain random split (``train_test_split``).

    >>> import pandas as pd
    >>> train, test = split_holdout(pd.DataFrame({"text": list("abcdefghij")}), 0.2, seed=0)
    >>> len(train), len(test)
    (8, 2)
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"the held-out fraction must be in [0, 1), got {fraction!r}")
    if fraction == 0:
        return df, None
    if group_col is not None:
        from sklearn.model_selection import GroupShuffleSplit

        if group_col not in df.columns:
            raise KeyError(f"holdout group column {group_col!r} is not a column (columns: {list(df.columns)})")
        gss = GroupShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
        tr_idx, te_idx = next(gss.split(df, groups=df[group_col]))
        return df.iloc[tr_idx], df.iloc[te_idx]
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(df, test_size=fraction, random_state=seed)
    return train, test


def training_record(data: str | Path, rows: int, command: Sequence[str], **extra: Any) -> dict[str, Any]:
    """The ``training`` entry of a model card: data, rows, date, library version, the command, plus ``extra``.

    >>> sorted(training_record("my.csv", 10, ["feedback-nlp", "train"]))
    ['command', 'data', 'date', 'feedback_nlp_version', 'rows']
    """
    from datetime import date

    from .. import __version__

    return {"data": str(data), "rows": rows, **extra, "date": date.today().isoformat(),
            "feedback_nlp_version": __version__, "command": " ".join(command)}


def train_sentiment(
    texts: Sequence[str], labels: Sequence[Any], meta: dict[str, Any] | None = None, *,
    label_map: Mapping[str, Any] | None = None, min_rows_per_class: int = MIN_ROWS_PER_CLASS, **params: Any
) -> FeedbackClassifier:
    """Train a :class:`FeedbackClassifier` whose sentiment component is a :class:`SentimentModel`.

    ``params`` go to :class:`SentimentModel` (``C``, ``neutral_threshold``, ...). ``label_map`` maps your own
    label strings to positive / negative / neutral; fewer than ``min_rows_per_class`` (20) negative or positive
    rows raise ``ValueError``.
    """
    labels = map_labels(labels, label_map)
    check_training_labels(labels, min_rows_per_class)
    model = SentimentModel(**params).fit(list(texts), list(labels))
    return FeedbackClassifier(model, meta)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """ECE of binary probabilities ``p`` against 0/1 labels ``y`` over ``bins`` equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(ece)


def evaluate_sentiment(
    clf: FeedbackClassifier, texts: Sequence[str], labels: Sequence[Any], groups: Sequence[Any] | None = None
) -> dict[str, Any]:
    """Metrics of ``clf`` on labelled texts.

    Binary labels: ``accuracy`` of the calibrated binary model (``P(positive) >= 0.5``), ``accuracy_final_score``
    (the sign of ``Sentiment.score``, neutral predictions counting by their lean), per-group accuracy, ROC AUC,
    Brier score and ECE of ``P(positive)``. Labels with neutral rows: 3-class accuracy,
    macro-F1 and the confusion matrix as well.
    """
    from sklearn.metrics import accuracy_score, brier_score_loss, confusion_matrix, f1_score, roc_auc_score

    y = binary_labels(labels)
    texts = list(texts)
    p = clf.sentiment.positive_probability(texts)
    probs3 = clf.sentiment.predict_proba(texts)
    out: dict[str, Any] = {"n": len(y)}
    binary = y >= 0
    if binary.any():
        yb, pb = y[binary], p[binary]
        pred = (pb >= 0.5).astype(int)
        out["accuracy"] = float(accuracy_score(yb, pred))
        final = probs3[binary]
        out["accuracy_final_score"] = float(accuracy_score(yb, (final[:, 2] > final[:, 0]).astype(int)))
        if len(set(yb.tolist())) == 2:
            out["roc_auc"] = float(roc_auc_score(yb, pb))
        out["brier"] = float(brier_score_loss(yb, pb))
        out["ece"] = expected_calibration_error(pb, yb)
        if groups is not None:
            g = np.asarray(list(groups), dtype=object)[binary]
            out["accuracy_by_group"] = {
                str(k): float(accuracy_score(yb[g == k], pred[g == k])) for k in sorted(set(g.tolist()), key=str)
            }
    if (~binary).any():
        names = np.array(["neutral", "negative", "positive"])  # index -1, 0, 1
        truth = names[y + 1]
        predicted = np.asarray(["negative", "neutral", "positive"])[probs3.argmax(axis=1)]
        labels3 = ["negative", "neutral", "positive"]
        out["accuracy_3class"] = float(accuracy_score(truth, predicted))
        out["macro_f1_3class"] = float(f1_score(truth, predicted, labels=labels3, average="macro"))
        out["f1_3class"] = dict(
            zip(labels3, (float(v) for v in f1_score(truth, predicted, labels=labels3, average=None)))
        )
        matrix = confusion_matrix(truth, predicted, labels=labels3).tolist()
        out["confusion_3class"] = {"labels": labels3, "matrix": matrix}
    return out


def evaluate_service(
    clf: FeedbackClassifier,
    rows: Sequence[Mapping[str, Any]],
    groups: Sequence[Any] | None = None,
    results: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Metrics of ``clf`` on labelled service messages (rows with ``text`` and any of ``sentiment``, ``kind``,
    ``priority`` and ``topics`` as in ``service_feedback_labeled.jsonl``), overall and per group.

    Sentiment: accuracy, macro-F1, F1 per class; kind: accuracy, macro-F1 and confusion matrix; priority: accuracy,
    recall and precision of "urgent or high", confusion matrix; topics: F1 per topic. ``results``: the
    classifications of the rows when already computed.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    res = list(results) if results is not None else clf.classify_batch([str(r["text"]) for r in rows])
    out: dict[str, Any] = {"n": len(rows)}

    def block(idx: list[int]) -> dict[str, Any]:
        b: dict[str, Any] = {"n": len(idx)}
        sub = [rows[i] for i in idx]
        got = [res[i] for i in idx]
        if sub and "sentiment" in sub[0]:
            y, p = [r["sentiment"] for r in sub], [g.sentiment.label for g in got]
            labels = ["negative", "neutral", "positive"]
            b["sentiment_accuracy"] = float(accuracy_score(y, p))
            b["sentiment_macro_f1"] = float(f1_score(y, p, labels=labels, average="macro", zero_division=0.0))
            b["sentiment_f1"] = dict(zip(labels, map(float, f1_score(y, p, labels=labels, average=None,
                                                                      zero_division=0.0))))
        if sub and "kind" in sub[0]:
            y, p = [r["kind"] for r in sub], [g.kind for g in got]
            b["kind_accuracy"] = float(accuracy_score(y, p))
            b["kind_macro_f1"] = float(f1_score(y, p, labels=list(KINDS), average="macro", zero_division=0.0))
            b["kind_confusion"] = {"labels": list(KINDS), "matrix": confusion_matrix(y, p, labels=list(KINDS)).tolist()}
        if sub and "priority" in sub[0]:
            y, p = [r["priority"] for r in sub], [str(g.priority) for g in got]
            levels = ["urgent", "high", "normal", "suggestion", "none"]
            b["priority_accuracy"] = float(accuracy_score(y, p))
            uh = np.isin(y, ["urgent", "high"])
            ph = np.isin(p, ["urgent", "high"])
            b["urgent_high_recall"] = float((uh & ph).sum() / max(int(uh.sum()), 1))
            b["urgent_high_precision"] = float((uh & ph).sum() / max(int(ph.sum()), 1))
            b["priority_confusion"] = {"labels": levels, "matrix": confusion_matrix(y, p, labels=levels).tolist()}
        if sub and "topics" in sub[0] and clf.topics is not None:
            b["topic_f1"] = {
                t: float(f1_score([t in r["topics"] for r in sub], [t in g.topic_names for g in got],
                                  zero_division=0.0))
                for t in clf.topics.topics_
            }
        return b

    out.update(block(list(range(len(rows)))))
    if groups is not None:
        g = [str(x) for x in groups]
        out["by_group"] = {k: block([i for i, x in enumerate(g) if x == k]) for k in sorted(set(g))}
    return out
