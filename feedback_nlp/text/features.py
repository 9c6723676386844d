"""Hashed character n-gram TF-IDF features.

Chinese has no spaces; character 1–4-grams cover words ("满意"), negations ("不太好") and short phrases
("不是很满") without a segmenter. Hashing means no vocabulary has to be stored: a model is an IDF vector plus
coefficients.

Why not scikit-learn's ``HashingVectorizer``: it builds every n-gram as a Python string, which was 60% of the
time of a full ``classify_batch``. :func:`hash_char_ngrams` hashes all n-grams of a whole batch at once with
numpy (FNV-1a over code points, then a 64-bit finaliser) and counts repeats with one sort of the batch's keys,
several times faster, and deterministic across platforms and versions (it depends on nothing but numpy integer
arithmetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["CharNgramTfidf", "hash_char_ngrams"]

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)


def hash_char_ngrams(
    texts: Sequence[str], ngram_range: tuple[int, int], n_features: int
) -> sp.csr_matrix:
    """Counts of hashed character n-grams, one row per text (float32 CSR, ``n_features`` columns).

    >>> hash_char_ngrams(["好好"], (1, 2), 2**8).sum()  # 好, 好, 好好
    np.float32(3.0)
    """
    lo, hi = int(ngram_range[0]), int(ngram_range[1])
    if not 1 <= lo <= hi:
        raise ValueError(f"ngram_range must satisfy 1 <= min <= max, got {ngram_range}")
    n_docs = len(texts)
    if (isinstance(n_features, bool) or not isinstance(n_features, (int, np.integer)) or n_features < 1
            or (n_docs + 1) * int(n_features) >= 2**63):
        raise ValueError(f"n_features must be a positive int (and n_texts * n_features < 2**63), got {n_features!r}")
    n_features = int(n_features)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n_docs)
    total = int(lengths.sum())
    if total == 0:
        return sp.csr_matrix((n_docs, n_features), dtype=np.float32)
    code = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    room = np.repeat(np.cumsum(lengths), lengths) - np.arange(total)  # characters from each position to its text's end
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    # Each n-gram becomes one sortable key ``doc * n_features + column``: sorting the keys of the whole batch groups
    # them by text and column at once (numpy's vectorised sort, several times faster than sorting row by row).
    n_keys = int(sum(np.maximum(lengths - k + 1, 0).sum() for k in range(lo, hi + 1)))
    if n_keys == 0:
        return sp.csr_matrix((n_docs, n_features), dtype=np.float32)
    key = np.empty(n_keys, dtype=np.int64)
    filled = 0
    pow2 = n_features & (n_features - 1) == 0  # then modulo and division are a mask and a shift
    shift = n_features.bit_length() - 1
    with np.errstate(over="ignore"):
        h = np.full(total, _FNV_OFFSET, dtype=np.uint64)
        for k in range(1, hi + 1):
            if total >= k:
                h[: total - k + 1] ^= code[k - 1:]  # past the end of the batch the next character counts as 0
            h *= _FNV_PRIME
            if k < lo:
                continue
            inside = room >= k  # the n-gram starting here ends inside its own text
            x = h[inside] ^ np.uint64(k)
            x ^= x >> np.uint64(33)
            x *= _MIX1
            x ^= x >> np.uint64(33)
            x *= _MIX2
            x ^= x >> np.uint64(33)
            part = key[filled: filled + len(x)]
            if pow2:
                np.bitwise_or(doc[inside] << shift, (x & np.uint64(n_features - 1)).view(np.int64), out=part)
            else:
                np.add(doc[inside] * n_features, (x % np.uint64(n_features)).view(np.int64), out=part)
            filled += len(x)
    key.sort()
    first = np.empty(n_keys, dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=n_keys).astype(np.float32)
    unique = key[starts]
    indptr = np.searchsorted(unique, np.arange(n_docs + 1, dtype=np.int64) * n_features)
    cols = unique & (n_features - 1) if pow2 else unique % n_features
    index_dtype = np.int32 if max(n_features, len(unique)) <= np.iinfo(np.int32).max else np.int64  # as scipy picks
    m = sp.csr_matrix((counts, cols.astype(index_dtype), indptr.astype(index_dtype)), shape=(n_docs, n_features))
    m.has_canonical_format = True  # sorted, no duplicates: by construction
    return m


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

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts (rows = texts)."""
        return hash_char_ngrams(texts, self.ngram_range, self.n_features)

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
