"""A small learned head: hashed char n-gram TF-IDF plus a few dense features, one logistic regression per class.

Used where a decision needs both the words of a text and signals computed elsewhere (the review sentiment model's
output, question and proposal cues, priority-rule hits): the service sentiment head
(:class:`~feedback_nlp.classify.sentiment.SentimentModel`), the kind and the priority tier
(:class:`~feedback_nlp.classify.intent_model.IntentModel`). One-vs-rest liblinear fits with sample weights (fast on
sparse rows); probabilities are the per-class sigmoids renormalised to sum to 1. Stored as plain arrays.

>>> import numpy as np
>>> h = StackedHead(n_features=2**12).fit(["请问怎么办理", "太差了", "请问在哪里", "真差劲"] * 5,
...                                       np.zeros((20, 1)), ["q", "c", "q", "c"] * 5)
>>> h.predict(["请问怎么开通"], np.zeros((1, 1))).tolist()
['q']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..text.features import CharNgramTfidf
from .components import NotFittedError

__all__ = ["StackedHead"]


class StackedHead:
    """One-vs-rest logistic regression over ``[char n-gram TF-IDF | standardised dense features]``.

    ``dense_weight`` scales the standardised dense block (how loud the outside signals are next to the n-grams);
    ``class_weight`` as in scikit-learn (``None`` or ``"balanced"``).
    """

    def __init__(self, C: float = 4.0, ngram_range: tuple[int, int] = (1, 3), n_features: int = 2**20,
                 min_df: int = 2, dense_weight: float = 1.0, class_weight: str | None = None) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df
        self.dense_weight = dense_weight
        self.class_weight = class_weight

    def fit(self, docs: Sequence[str], dense: np.ndarray, y: Sequence[str],
            sample_weight: np.ndarray | None = None) -> StackedHead:
        """Fit on prepared texts, their dense features (n, k) and string labels."""
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray([str(v) for v in y])
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise ValueError("a StackedHead needs at least two classes")
        self.featurizer_ = CharNgramTfidf(self.ngram_range, self.n_features, self.min_df).fit(list(docs))
        dense = np.asarray(dense, dtype=np.float64).reshape(len(labels), -1)
        self.mean_ = dense.mean(axis=0)
        self.scale_ = dense.std(axis=0) + 1e-6
        x = self._x(docs, dense)
        coef, dcoef, icpt = [], [], []
        for c in self.classes_:
            lr = LogisticRegression(C=self.C, solver="liblinear", max_iter=3000, class_weight=self.class_weight)
            lr.fit(x, (labels == c).astype(int), sample_weight=sample_weight)
            w = lr.coef_.ravel()
            coef.append(w[: self.n_features])
            dcoef.append(w[self.n_features:])
            icpt.append(float(lr.intercept_[0]))
        self.coef_ = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)  # (n_features, n_classes)
        self.dense_coef_ = np.asarray(dcoef, dtype=np.float64)  # (n_classes, k)
        self.intercept_ = np.asarray(icpt, dtype=np.float64)
        return self

    def _x(self, docs: Sequence[str], dense: np.ndarray) -> sp.csr_matrix:
        xs = self.featurizer_.transform(list(docs))
        z = (dense - self.mean_) / self.scale_ * self.dense_weight
        return sp.hstack([xs, sp.csr_matrix(z)]).tocsr()

    def decision_function(self, docs: Sequence[str], dense: np.ndarray, counts: Any = None) -> np.ndarray:
        """Per-class margins (n, n_classes). ``counts``: the raw n-gram counts of ``docs`` when already computed
        by a featurizer with the same ``ngram_range`` and ``n_features`` (heads reading the same texts share them).
        """
        if not hasattr(self, "coef_"):
            raise NotFittedError("StackedHead")
        if len(docs) == 0:
            return np.zeros((0, len(self.classes_)))
        dense = np.asarray(dense, dtype=np.float64).reshape(len(docs), -1)
        xs = self.featurizer_.transform(list(docs)) if counts is None else self.featurizer_.weight(counts)
        z = (dense - self.mean_) / self.scale_ * self.dense_weight
        # einsum for the dense part: a row's result does not depend on the batch it came in.
        out: np.ndarray = (np.asarray(xs @ self.coef_, dtype=np.float64)
                           + np.einsum("ik,ck->ic", z, self.dense_coef_) + self.intercept_)
        return out

    def predict_proba(self, docs: Sequence[str], dense: np.ndarray, counts: Any = None) -> np.ndarray:
        """Probabilities (n, n_classes) in ``classes_`` order: per-class sigmoids renormalised."""
        p = 1.0 / (1.0 + np.exp(-np.clip(self.decision_function(docs, dense, counts), -50, 50)))
        out: np.ndarray = p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
        return out

    def predict(self, docs: Sequence[str], dense: np.ndarray, counts: Any = None) -> np.ndarray:
        """The most probable class per text."""
        out: np.ndarray = self.classes_[self.predict_proba(docs, dense, counts).argmax(axis=1)]
        return out

    def shares_counts_with(self, other: StackedHead) -> bool:
        """Whether ``other`` hashes texts the same way (its raw counts can be reused here)."""
        return (tuple(self.ngram_range), self.n_features) == (tuple(other.ngram_range), other.n_features)

    # ---------------------------------------------------------------- persistence
    def to_state(self, prefix: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON-able config, arrays for an ``.npz``; names start with ``prefix``)."""
        idf = self.featurizer_.idf_
        idx = np.flatnonzero(idf).astype(np.int32)
        config = {"C": self.C, "ngram_range": list(self.ngram_range), "n_features": self.n_features,
                  "min_df": self.min_df, "dense_weight": self.dense_weight, "class_weight": self.class_weight,
                  "classes": self.classes_.tolist(), "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                  "dense_coef": self.dense_coef_.tolist(), "intercept": self.intercept_.tolist()}
        arrays = {f"{prefix}index": idx, f"{prefix}idf": idf[idx].astype(np.float32),
                  f"{prefix}coef": self.coef_[idx].astype(np.float32)}
        return config, arrays

    @classmethod
    def from_state(cls, config: dict[str, Any], arrays: Any, prefix: str) -> StackedHead:
        h = cls(C=float(config["C"]), ngram_range=(int(config["ngram_range"][0]), int(config["ngram_range"][1])),
                n_features=int(config["n_features"]), min_df=int(config["min_df"]),
                dense_weight=float(config["dense_weight"]), class_weight=config.get("class_weight"))
        h.classes_ = np.asarray([str(c) for c in config["classes"]])
        h.mean_ = np.asarray(config["mean"], dtype=np.float64)
        h.scale_ = np.asarray(config["scale"], dtype=np.float64)
        h.dense_coef_ = np.asarray(config["dense_coef"], dtype=np.float64).reshape(len(h.classes_), -1)
        h.intercept_ = np.asarray(config["intercept"], dtype=np.float64)
        idx = np.asarray(arrays[f"{prefix}index"])
        h.featurizer_ = CharNgramTfidf(h.ngram_range, h.n_features, h.min_df)
        h.featurizer_.idf_ = np.zeros(h.n_features, dtype=np.float32)
        h.featurizer_.idf_[idx] = arrays[f"{prefix}idf"]
        coef = np.zeros((h.n_features, len(h.classes_)), dtype=np.float32)
        coef[idx] = arrays[f"{prefix}coef"]
        h.coef_ = np.ascontiguousarray(coef)
        return h
