"""Reading labelled files, training and evaluating models (used by the CLI and ``scripts/``).

Files are read with Hugging Face ``datasets`` (CSV, JSON Lines, Parquet), so users' own exports work as they are.
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

__all__ = ["evaluate_sentiment", "evaluate_service", "expected_calibration_error", "read_table", "train_sentiment"]

_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


def read_table(path: str | Path, columns: Sequence[str] = (), encoding: str = "utf-8") -> pd.DataFrame:
    """Read a CSV / TSV / JSONL / Parquet file into a DataFrame (via ``datasets``), checking ``columns`` exist.

    >>> read_table("reviews.csv", ["text", "label"])  # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file: {p}")
    builder = _BUILDERS.get(p.suffix.lower())
    if builder is None:
        raise ValueError(f"{p}: unknown file type {p.suffix!r}; use .csv, .tsv, .jsonl, .json or .parquet")
    import datasets

    kwargs: dict[str, Any] = {}
    if builder == "csv":
        # A blank line is an empty text, not nothing: keep it so no row is silently lost.
        kwargs.update(encoding=encoding, skip_blank_lines=False)
        if p.suffix.lower() == ".tsv":
            kwargs["sep"] = "\t"
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    try:
        ds = datasets.load_dataset(builder, data_files=str(p), split="train", **kwargs)
    except Exception as e:
        cause: BaseException | None = e
        while cause is not None and not isinstance(cause, UnicodeDecodeError):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise ValueError(
                f"{p} is not valid {encoding}: pass the file's encoding (e.g. --encoding gb18030)"
            ) from e
        raise ValueError(f"could not read {p}: {e}") from e
    df = ds.to_pandas()
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{p} has no column(s) {missing}; its columns are {list(df.columns)}")
    return df  # type: ignore[no-any-return]


def train_sentiment(
    texts: Sequence[str], labels: Sequence[Any], meta: dict[str, Any] | None = None, **params: Any
) -> FeedbackClassifier:
    """Train a :class:`FeedbackClassifier` whose sentiment component is a :class:`SentimentModel`.

    ``params`` go to :class:`SentimentModel` (``C``, ``neutral_threshold``, ...).
    """
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
