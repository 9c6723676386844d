"""Sentiment model: calibrated linear classifier over character n-gram TF-IDF, with a neutral band.

The training data is binary (positive / negative). The model learns ``P(positive)``; a Platt sigmoid fitted on
out-of-fold predictions calibrates it, ``score = 2 * P(positive) - 1`` lies in [-1, 1], and a text is *neutral*
exactly when ``abs(score) < neutral_threshold`` (default 0.3, i.e. calibrated ``P(positive)`` between 0.35 and
0.65). The three probabilities returned sum to 1 and their arg-max is the label (see :func:`three_way`).

>>> m = SentimentModel().fit(["很好", "很差", "非常满意", "太失望了"] * 20, [1, 0, 1, 0] * 20)  # doctest: +SKIP
>>> m.predict(["服务很好"])  # doctest: +SKIP
array(['positive'], dtype='<U8')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .features import CharNgramTfidf
from .negation import rewrite_negations
from .normalize import normalize, truncate
from .results import SENTIMENT_LABELS, Sentiment

__all__ = ["SentimentModel", "three_way", "binary_labels"]

_FORMAT = "feedback_nlp.sentiment/1"
_POSITIVE = {"1", "pos", "positive", "true", "正面", "好评"}
_NEGATIVE = {"0", "neg", "negative", "false", "负面", "差评"}
_NEUTRAL = {"neutral", "neu", "中性", "中评"}


def binary_labels(labels: Iterable[Any]) -> np.ndarray:
    """Map labels to 1 (positive), 0 (negative) or -1 (neutral; left out of the binary fit).

    Accepts 0/1, booleans, and the strings positive/negative/neutral (also pos/neg/neu, 正面/负面/中性).

    >>> binary_labels([1, "negative", "中性"]).tolist()
    [1, 0, -1]
    """
    out = []
    for i, v in enumerate(labels):
        key = str(int(v)) if isinstance(v, (bool, int, np.integer)) else str(v).strip().lower()
        if isinstance(v, float) and not np.isnan(v) and v in (0.0, 1.0):
            key = str(int(v))
        if key in _POSITIVE:
            out.append(1)
        elif key in _NEGATIVE:
            out.append(0)
        elif key in _NEUTRAL:
            out.append(-1)
        else:
            raise ValueError(
                f"label {v!r} in row {i} is not a sentiment label; use 1/0 or positive/negative/neutral"
            )
    return np.asarray(out, dtype=np.int8)


def three_way(p_positive: np.ndarray, neutral_threshold: float) -> np.ndarray:
    """Spread calibrated ``P(positive)`` over (negative, neutral, positive), rows summing to 1.

    With ``a = |2p - 1|`` and ``t = neutral_threshold`` the neutral mass is ``n = min(1, n_t * (1 - a) / (1 - t))``
    where ``n_t = (1 + t) / (3 + t)``; the rest is split as ``(1 - p, p)``. ``n_t`` is chosen so that neutral is the
    arg-max exactly when ``a < t``.

    >>> three_way(np.array([0.5, 0.95]), 0.3).argmax(axis=1).tolist()
    [1, 2]
    """
    p = np.clip(np.asarray(p_positive, dtype=np.float64), 0.0, 1.0)
    t = float(neutral_threshold)
    a = np.abs(2 * p - 1)
    if t <= 0:
        n = np.zeros_like(p)
    else:
        n_t = (1 + t) / (3 + t)
        n = np.minimum(1.0, n_t * (1 - a) / (1 - t)) if t < 1 else np.ones_like(p)
    return np.stack([(1 - n) * (1 - p), n, (1 - n) * p], axis=1)


def prepare(texts: Iterable[str]) -> list[str]:
    """Normalise, rewrite negations and truncate texts the way every model sees them."""
    return [truncate(rewrite_negations(normalize(t))) for t in texts]


class SentimentModel:
    """Binary logistic regression on hashed char 1–4-gram TF-IDF, Platt-calibrated, with a neutral band.

    Follows the scikit-learn estimator contract: parameters in ``__init__``, learnt state in attributes ending in
    ``_`` after :meth:`fit`. Texts are normalised inside (see :mod:`feedback_nlp.normalize`).

    >>> m = SentimentModel(n_features=2**16, calibration_folds=2)
    >>> m = m.fit(["服务很好", "很满意", "太差了", "很失望"] * 10, [1, 1, 0, 0] * 10)
    >>> m.predict(["服务很好"]).tolist()
    ['positive']
    """

    def __init__(
        self,
        C: float = 8.0,
        ngram_range: tuple[int, int] = (1, 4),
        n_features: int = 2**21,
        min_df: int = 2,
        neutral_threshold: float = 0.3,
        calibration_folds: int = 5,
        max_iter: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df
        self.neutral_threshold = neutral_threshold
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.random_state = random_state

    # ---------------------------------------------------------------- training
    def _linear(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, solver="liblinear", max_iter=self.max_iter)

    def fit(self, texts: Sequence[str], labels: Iterable[Any]) -> SentimentModel:
        """Fit on raw texts and binary labels (rows labelled neutral are left out of the fit)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        if not 0 <= self.neutral_threshold < 1:
            raise ValueError("neutral_threshold must be in [0, 1)")
        y_all = binary_labels(labels)
        texts = list(texts)
        if len(texts) != len(y_all):
            raise ValueError(f"{len(texts)} texts but {len(y_all)} labels")
        keep = y_all >= 0
        docs = prepare(t for t, k in zip(texts, keep) if k)
        y = y_all[keep].astype(np.int64)
        if len(set(y.tolist())) < 2:
            raise ValueError("training data needs both positive and negative examples")
        self.featurizer_ = CharNgramTfidf(self.ngram_range, self.n_features, self.min_df).fit(docs)
        counts = self.featurizer_.counts(docs)
        x = self.featurizer_.weight(counts)
        clf = self._linear().fit(x, y)
        self.coef_ = clf.coef_.ravel().astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        # Platt calibration on out-of-fold margins (the folds refit idf too, so margins are honest).
        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        if folds >= 2:
            oof = np.zeros(len(y))
            skf = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for tr, te in skf.split(np.zeros(len(y)), y):
                f = CharNgramTfidf(self.ngram_range, self.n_features, self.min_df)
                f.idf_ = CharNgramTfidf(self.ngram_range, self.n_features, self.min_df).fit(
                    [docs[i] for i in tr]
                ).idf_
                xtr, xte = f.weight(counts[tr]), f.weight(counts[te])
                oof[te] = self._linear().fit(xtr, y[tr]).decision_function(xte)
            platt = LogisticRegression(C=1e6).fit(oof.reshape(-1, 1), y)
            self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        else:
            self.calibration_ = (1.0, 0.0)
        self.n_train_ = len(y)
        return self

    # ---------------------------------------------------------------- inference
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise RuntimeError("this SentimentModel is not fitted; call fit() or SentimentModel.load(dir)")

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear margins (uncalibrated)."""
        self._check_fitted()
        x = self.featurizer_.transform(prepare(texts))
        return np.asarray(x @ self.coef_, dtype=np.float64) + self.intercept_

    def positive_probability(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated binary ``P(positive)`` per text."""
        a, b = self.calibration_
        z = a * self.decision_function(texts) + b
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Array (n, 3) of probabilities in the order ``negative, neutral, positive``."""
        return three_way(self.positive_probability(texts), self.neutral_threshold)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels ``negative`` / ``neutral`` / ``positive``."""
        return np.asarray(SENTIMENT_LABELS)[self.predict_proba(texts).argmax(axis=1)]

    def sentiments(self, texts: Sequence[str]) -> list[Sentiment]:
        """One :class:`Sentiment` per text."""
        p = self.positive_probability(texts)
        probs = three_way(p, self.neutral_threshold)
        out = []
        for pi, row in zip(p, probs):
            d = {k: float(v) for k, v in zip(SENTIMENT_LABELS, row)}
            out.append(Sentiment(SENTIMENT_LABELS[int(row.argmax())], float(2 * pi - 1), d))
        return out

    # ---------------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "C": self.C,
            "ngram_range": list(self.ngram_range),
            "n_features": self.n_features,
            "min_df": self.min_df,
            "neutral_threshold": self.neutral_threshold,
            "calibration_folds": self.calibration_folds,
            "max_iter": self.max_iter,
            "random_state": self.random_state,
        }

    def save(self, directory: str | Path) -> None:
        """Write ``sentiment.json`` and ``sentiment.npz`` (plain arrays; loading runs no code)."""
        self._check_fitted()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        idf = self.featurizer_.idf_
        idx = np.flatnonzero(idf).astype(np.int32)
        np.savez_compressed(
            d / "sentiment.npz",
            index=idx,
            idf=idf[idx].astype(np.float32),
            coef=self.coef_[idx].astype(np.float32),
        )
        state = {**self.get_config(), "intercept": self.intercept_, "calibration": list(self.calibration_),
                 "n_train": self.n_train_}
        (d / "sentiment.json").write_text(json.dumps(state, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> SentimentModel:
        d = Path(directory)
        try:
            state = json.loads((d / "sentiment.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{d} has no sentiment.json: is it a feedback_nlp model directory?") from None
        if state.get("format") != _FORMAT:
            raise ValueError(f"{d}: sentiment format {state.get('format')!r} is not {_FORMAT!r}; retrain the model")
        params = {k: state[k] for k in ("C", "n_features", "min_df", "neutral_threshold", "calibration_folds",
                                        "max_iter", "random_state")}
        m = cls(ngram_range=(int(state["ngram_range"][0]), int(state["ngram_range"][1])), **params)
        with np.load(d / "sentiment.npz", allow_pickle=False) as z:
            idx, idf, coef = z["index"], z["idf"], z["coef"]
        m.featurizer_ = CharNgramTfidf(m.ngram_range, m.n_features, m.min_df)
        m.featurizer_.idf_ = np.zeros(m.n_features, dtype=np.float32)
        m.featurizer_.idf_[idx] = idf
        m.coef_ = np.zeros(m.n_features, dtype=np.float32)
        m.coef_[idx] = coef
        m.intercept_ = float(state["intercept"])
        m.calibration_ = (float(state["calibration"][0]), float(state["calibration"][1]))
        m.n_train_ = int(state.get("n_train", 0))
        return m
