"""Reading labelled files, training and evaluating models (used by the CLI and ``scripts/``).

Files are read with Hugging Face ``datasets`` (CSV, JSON Lines, Parquet), so users' own exports work as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .classifier import FeedbackClassifier
from .sentiment import SentimentModel, binary_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["evaluate_sentiment", "expected_calibration_error", "read_table", "split_holdout", "train_sentiment",
           "training_record"]

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
