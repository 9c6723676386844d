"""Hashed character n-gram TF-IDF features.

Chinese has no spaces; character 1–4-grams cover words ("满意"), negations ("不太好") and short phrases
("不是很满") without a segmenter, at thousands of texts per second. Hashing (scikit-learn's
``HashingVectorizer``) means no vocabulary has to be stored: a model is an IDF vector plus coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["CharNgramTfidf"]


class CharNgramTfidf:
    """Sub-linear TF-IDF over hashed character n-grams, L2-normalised; n-grams seen in fewer than ``min_df``
    training texts get weight 0 (dropped).

    >>> f = CharNgramTfidf(n_features=2**10).fit(["服务很好", "服务很差"])
    >>> f.transform(["服务很好"]).shape
    (1, 1024)
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 4), n_features: int = 2**21, min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df

    def _hasher(self) -> Any:
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
            analyzer="char",
            ngram_range=tuple(self.ngram_range),
            n_features=self.n_features,
            alternate_sign=False,
            norm=None,
            lowercase=False,
            dtype=np.float32,
        )

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts (rows = texts)."""
        return sp.csr_matrix(self._hasher().transform(texts))

    def fit(self, texts: Sequence[str]) -> CharNgramTfidf:
        counts = self.counts(texts)
        df = np.bincount(counts.indices, minlength=self.n_features)
        n = counts.shape[0]
        idf = np.log((1 + n) / (1 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        self.idf_ = idf.astype(np.float32)
        return self

    def weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Turn raw counts into TF-IDF rows (sub-linear tf, idf, L2 norm)."""
        x = counts.copy()
        x.data = (1.0 + np.log(x.data)) * self.idf_[x.indices]
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
        norms[norms == 0] = 1.0
        x.data /= norms[rows].astype(x.data.dtype)  # row scaling without a diagonal product
        return x

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows; identical texts are hashed once (batches repeat texts, and clauses repeat short texts)."""
        if len(texts) == 0:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        index: dict[str, int] = {}
        rows = [index.setdefault(t, len(index)) for t in texts]
        x = self.weight(self.counts(list(index)))
        return x if len(index) == len(rows) else sp.csr_matrix(x[rows])

    def get_config(self) -> dict[str, Any]:
        return {"ngram_range": list(self.ngram_range), "n_features": self.n_features, "min_df": self.min_df}
