"""Sentiment model: calibrated linear classifier over character n-gram TF-IDF, with a neutral class.

The large training corpora are binary (positive / negative). The model learns ``P(positive)`` with logistic
regression; a Platt sigmoid fitted on out-of-fold margins calibrates it. The neutral class comes from one of two
documented mechanisms:

* **three-way head** (when the model has seen 3-class labels, as the shipped default has): a small multinomial
  logistic regression over features of the calibrated binary output of the whole text and of each clause (the most
  positive and most negative clause, their mean, the share of positive clauses, hedge words such as 一般/还行 and
  the length). Mixed reviews ("环境不错，就是送餐太慢") get neutral mass from disagreeing clauses. The head gives
  the neutral mass ``n``; the rest is split by the binary model, ``((1 - n)(1 - p), n, (1 - n) p)``, so the
  polarity (and the sign of the score) is always the binary model's.
* **band** (binary-only training): neutral is the arg-max exactly when ``abs(2 * P(positive) - 1) <
  neutral_threshold`` (default 0.3, i.e. calibrated ``P(positive)`` between 0.35 and 0.65), see :func:`three_way`.

In both, ``score = P(positive) - P(negative)`` of the three probabilities, which sum to 1; ``label`` is their
arg-max.

>>> m = SentimentModel().fit(["很好", "很差", "非常满意", "太失望了"] * 20, [1, 0, 1, 0] * 20)  # doctest: +SKIP
>>> m.predict(["服务很好"])  # doctest: +SKIP
array(['positive'], dtype='<U8')
"""

from __future__ import annotations

import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._numeric import sigmoid
from .._validation import check_str_list
from ..text.boilerplate import strip_boilerplate
from ..text.features import CharNgramTfidf
from ..text.negation import rewrite_negations
from ..text.normalize import MAX_CHARS, normalize, truncate
from .components import NotFittedError
from .cues import cue_matrix
from .modelfiles import (
    MAX_FEATURES,
    ModelFormatError,
    check_finite,
    check_float,
    check_int,
    contained,
    read_arrays,
    read_json,
)
from .results import SENTIMENT_LABELS, Sentiment

__all__ = ["SentimentModel", "ThreeWayHead", "binary_labels", "three_way"]

_FORMAT = "feedback_nlp.sentiment/1"  # a file-format id: unchanged when the module moved
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
    """Normalise, rewrite negations and truncate texts the way every model sees them.

    Very long texts are cut to twice the scoring length before normalising (so a 1 MB text costs milliseconds),
    then to :data:`~feedback_nlp.text.normalize.MAX_CHARS` after, both times as evenly spaced windows over the
    whole text (:func:`~feedback_nlp.text.normalize.truncate`). Boilerplate is removed after normalising.
    """
    return [prepare_normalized(t) for t in normalize_all(texts)]


def normalize_all(texts: Iterable[str]) -> list[str]:
    """Step one of :func:`prepare`: cut very long texts, :func:`~feedback_nlp.text.normalize.normalize`, then
    :func:`~feedback_nlp.text.boilerplate.strip_boilerplate` (greetings, closings, @mentions, platform tags, URLs,
    location tails and long numbers never reach a model)."""
    return [strip_boilerplate(normalize(truncate(t, 2 * MAX_CHARS))) for t in texts]


def prepare_normalized(text: str) -> str:
    """Step two of :func:`prepare`, for a text from :func:`normalize_all`: negation rewriting and truncation."""
    return truncate(rewrite_negations(text))


# Sentiment splits only at punctuation and contrast words: after 而且/另外/还有 a clause carries on the same judgement,
# while topics (``topics.CLAUSE_SPLIT``) also split there because each starts a new subject. Both shipped models were
# fitted on their own splits, so the two lists stay apart.
_CLAUSE = re.compile(r"[,.!?;:~，。！？；：～…、\s]+|但是|不过|可是|然而|就是|只是|可惜|除了")
_HEDGE = re.compile(
    r"一般|还行|还可以|凑合|马马虎虎|中规中矩|尚可|还好|有点|有些|稍微|略|不过|但是|就是|只是|可惜|其他|其它|"
    r"总体|总的来说|还算|差强人意|美中不足"
)


def clauses(doc: str) -> list[str]:
    """Split a prepared text into clauses on punctuation and contrast words (但是/不过/就是/...).

    >>> clauses("环境不错,就是送餐太慢")
    ['环境不错', '送餐太慢']
    """
    parts = [c for c in _CLAUSE.split(doc) if len(c) > 1]
    return parts or [doc]


class ThreeWayHead:
    """Multinomial logistic regression from binary-model outputs to (negative, neutral, positive).

    Stored as plain arrays (standardisation ``mean``/``scale``, ``coef`` 3 x k, ``intercept``); inference is
    numpy only.
    """

    FEATURES = ("p_text", "p_clause_max", "p_clause_min", "p_clause_mean", "abs_score", "score_sq",
                "mixed", "share_positive_clauses", "hedges", "log_length", "n_clauses")

    def __init__(self, C: float = 0.1, neutral_weight: float = 3.0) -> None:
        self.C = C
        self.neutral_weight = neutral_weight

    def fit(self, x: np.ndarray, y: Sequence[str]) -> ThreeWayHead:
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray(list(y))
        missing = set(SENTIMENT_LABELS) - set(labels.tolist())
        if missing:
            raise ValueError(f"three-way head needs examples of every class; missing {sorted(missing)}")
        self.mean_ = x.mean(axis=0)
        self.scale_ = x.std(axis=0) + 1e-9
        weights = {"negative": 1.0, "neutral": self.neutral_weight, "positive": 1.0}
        lr = LogisticRegression(C=self.C, class_weight=weights, max_iter=5000)
        lr.fit((x - self.mean_) / self.scale_, labels)
        order = [list(lr.classes_).index(c) for c in SENTIMENT_LABELS]
        self.coef_ = lr.coef_[order]
        self.intercept_ = lr.intercept_[order]
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        # einsum, not BLAS matmul: each row's result then does not depend on the batch it came in.
        z = np.einsum("ij,kj->ik", (x - self.mean_) / self.scale_, self.coef_) + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"C": self.C, "neutral_weight": self.neutral_weight, "features": list(self.FEATURES),
                "mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "coef": self.coef_.tolist(),
                "intercept": self.intercept_.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ThreeWayHead:
        if list(d["features"]) != list(cls.FEATURES):
            raise ValueError("three-way head was saved with other features; retrain the model")
        h = cls(C=float(d["C"]), neutral_weight=float(d["neutral_weight"]))
        h.mean_, h.scale_ = np.asarray(d["mean"]), np.asarray(d["scale"])
        h.coef_, h.intercept_ = np.asarray(d["coef"]), np.asarray(d["intercept"])
        return h


class SentimentModel:
    """Logistic regression on hashed char 1–4-gram TF-IDF, Platt-calibrated, with a neutral class.

    Follows the scikit-learn estimator contract: parameters in ``__init__``, learnt state in attributes ending in
    ``_`` after :meth:`fit`. Texts are normalised inside (see :mod:`feedback_nlp.text.normalize` and
    :mod:`feedback_nlp.text.negation`). Labels may be binary or 3-class: with at least ``min_neutral`` neutral rows a
    :class:`ThreeWayHead` is fitted too (otherwise the ``neutral_threshold`` band is used); a binary model can be
    given a head later on separate 3-class data with :meth:`fit_three_way`.

    >>> m = SentimentModel(n_features=2**16, calibration_folds=2)
    >>> m = m.fit(["服务很好", "很满意", "太差了", "很失望"] * 10, [1, 1, 0, 0] * 10)
    >>> m.predict(["服务很好"]).tolist()
    ['positive']
    """

    #: The backend name recorded in ``meta.json`` (``component_backends``) and used to find the loader.
    backend = "linear"

    def __init__(
        self,
        C: float = 8.0,
        ngram_range: tuple[int, int] = (1, 4),
        n_features: int = 2**21,
        min_df: int = 2,
        neutral_threshold: float = 0.3,
        calibration_folds: int = 5,
        head_C: float = 0.1,
        neutral_weight: float = 3.0,
        min_neutral: int = 20,
        max_iter: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df
        self.neutral_threshold = neutral_threshold
        self.calibration_folds = calibration_folds
        self.head_C = head_C
        self.neutral_weight = neutral_weight
        self.min_neutral = min_neutral
        self.max_iter = max_iter
        self.random_state = random_state

    # ---------------------------------------------------------------- training
    def _linear(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, solver="liblinear", max_iter=self.max_iter)

    def _featurizer(self) -> CharNgramTfidf:
        return CharNgramTfidf(self.ngram_range, self.n_features, self.min_df)

    def fit(self, texts: Sequence[str], labels: Iterable[Any]) -> SentimentModel:
        """Fit on raw texts and labels (1/0 or positive/negative/neutral)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        if not 0 <= self.neutral_threshold < 1:
            raise ValueError("neutral_threshold must be in [0, 1)")
        y_all = binary_labels(labels)
        texts = check_str_list(texts, "SentimentModel.fit")
        if len(texts) != len(y_all):
            raise ValueError(f"{len(texts)} texts but {len(y_all)} labels")
        if not texts:
            raise ValueError("no training texts")
        docs_all = prepare(texts)
        keep = y_all >= 0
        docs = [d for d, k in zip(docs_all, keep) if k]
        y = y_all[keep].astype(np.int64)
        if len(set(y.tolist())) < 2:
            raise ValueError("training data needs both positive and negative examples")
        self.featurizer_ = self._featurizer().fit(docs)
        counts = self.featurizer_.counts(docs)
        clf = self._linear().fit(self.featurizer_.weight(counts), y)
        self.coef_ = clf.coef_.ravel().astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        self.head_: ThreeWayHead | None = None
        self.stacked_head_: Any = None
        self.domain_: Any = None
        n_neutral = int((~keep).sum())
        want_head = n_neutral >= self.min_neutral
        # Platt calibration on out-of-fold margins (each fold refits the idf too, so margins are honest).
        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        oof = np.zeros(len(y))
        oof_clauses: list[np.ndarray] = [np.zeros(0)] * len(y)
        if folds >= 2:
            skf = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for tr, te in skf.split(np.zeros(len(y)), y):
                f = self._featurizer().fit([docs[i] for i in tr])
                fold = self._linear().fit(f.weight(counts[tr]), y[tr])
                oof[te] = fold.decision_function(f.weight(counts[te]))
                if want_head:
                    w = fold.coef_.ravel()
                    b = float(fold.intercept_[0])
                    _, zcs = self._text_and_clause_margins([docs[i] for i in te], f, w, b)
                    for i, zc in zip(te, zcs):
                        oof_clauses[i] = zc
            platt = LogisticRegression(C=1e6).fit(oof.reshape(-1, 1), y)
            self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        else:
            self.calibration_ = (1.0, 0.0)
        self.n_train_ = len(y)
        if want_head:
            if folds < 2:
                raise ValueError("too few positive/negative rows to fit a three-way head; add data")
            x_bin = self._features_from_margins(docs, oof, oof_clauses)
            neutral_docs = [d for d, k in zip(docs_all, keep) if not k]
            x_neu = self._head_features(neutral_docs)
            names = np.array(["negative", "positive"])[y]
            x = np.vstack([x_bin, x_neu])
            self.head_ = ThreeWayHead(self.head_C, self.neutral_weight).fit(
                x, [*names.tolist(), *(["neutral"] * n_neutral)]
            )
        return self

    def fit_three_way(self, texts: Sequence[str], labels: Iterable[Any]) -> SentimentModel:
        """Fit (or refit) the three-way head on 3-class labelled texts, keeping the binary model as it is.

        Use texts the binary model was not trained on, so its outputs are as on new data.
        """
        self._check_fitted()
        y = binary_labels(labels)
        names = np.array(["neutral", "negative", "positive"])[y + 1]
        x = self._head_features(prepare(list(texts)))
        self.head_ = ThreeWayHead(self.head_C, self.neutral_weight).fit(x, names.tolist())
        return self

    # ---------------------------------------------------------------- inference
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("SentimentModel")

    def _margins(self, docs: Sequence[str]) -> np.ndarray:
        if not docs:
            return np.zeros(0)
        x = self.featurizer_.transform(docs)
        return np.asarray(x @ self.coef_, dtype=np.float64) + self.intercept_

    @staticmethod
    def _text_and_clause_margins(
        docs: Sequence[str], featurizer: CharNgramTfidf, coef: np.ndarray, intercept: float
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Margins of each text and of each of its clauses, from one featurisation call."""
        split = [clauses(d) for d in docs]
        flat = [*docs, *(c for cs in split for c in cs)]
        z_all = np.asarray(featurizer.transform(flat) @ coef, dtype=np.float64) + intercept
        z, rest = z_all[: len(docs)], z_all[len(docs):]
        bounds = np.cumsum([0, *(len(cs) for cs in split)]).tolist()
        return z, [rest[a:b] for a, b in itertools.pairwise(bounds)]

    def _features_from_margins(
        self, docs: Sequence[str], z: np.ndarray, z_clauses: Sequence[np.ndarray]
    ) -> np.ndarray:
        """:attr:`ThreeWayHead.FEATURES` per text, from the margins of the text and of its clauses (every text has
        at least one clause); each row depends on its own text only."""
        if not len(docs):
            return np.zeros((0, len(ThreeWayHead.FEATURES)))
        a, b = self.calibration_
        pt = sigmoid(a * np.asarray(z, dtype=np.float64) + b)
        n_clauses = np.fromiter((len(zc) for zc in z_clauses), dtype=np.int64, count=len(docs))
        pc = sigmoid(a * np.concatenate(z_clauses).astype(np.float64) + b)
        starts = np.r_[0, np.cumsum(n_clauses)[:-1]]
        c_max, c_min = np.maximum.reduceat(pc, starts), np.minimum.reduceat(pc, starts)
        c_mean = np.array([pc[s:s + n].mean() for s, n in zip(starts.tolist(), n_clauses.tolist())])
        c_pos = np.add.reduceat((pc > 0.5).astype(np.float64), starts) / n_clauses
        score = 2 * pt - 1
        hedges = np.fromiter((len(_HEDGE.findall(d)) for d in docs), dtype=np.float64, count=len(docs))
        lengths = np.fromiter((len(d) for d in docs), dtype=np.float64, count=len(docs))
        return np.stack([pt, c_max, c_min, c_mean, np.abs(score), score * score, c_max * (1 - c_min), c_pos, hedges,
                         np.log1p(lengths), np.log1p(n_clauses.astype(np.float64))], axis=1)

    def _head_features(self, docs: Sequence[str]) -> np.ndarray:
        z, zc = self._text_and_clause_margins(docs, self.featurizer_, self.coef_, self.intercept_)
        return self._features_from_margins(docs, z, zc)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear margins of the binary model (uncalibrated)."""
        self._check_fitted()
        return self._margins(prepare(texts))

    def positive_probability(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated binary ``P(positive)`` per text (the binary model alone)."""
        a, b = self.calibration_
        p: np.ndarray = sigmoid(a * self.decision_function(texts) + b)
        return p

    def prepared_positive_probability(self, docs: Sequence[str]) -> np.ndarray:
        """Calibrated ``P(positive)`` of texts already passed through :func:`prepare` (e.g. clauses)."""
        self._check_fitted()
        a, b = self.calibration_
        p: np.ndarray = sigmoid(a * self._margins(docs) + b)
        return p

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Array (n, 3) of probabilities in the order ``negative, neutral, positive``."""
        return self.predict_proba_prepared(prepare(texts))

    def predict_proba_prepared(self, docs: Sequence[str], features: np.ndarray | None = None,
                               counts: Any = None) -> np.ndarray:
        """:meth:`predict_proba` for texts already passed through :func:`prepare`; ``features``: their
        :meth:`stacked_features` when already computed (the classifier shares them with the intent component);
        ``counts``: the stacked head's raw n-gram counts of ``docs``, likewise."""
        self._check_fitted()
        if not docs:
            return np.zeros((0, 3))
        stacked = getattr(self, "stacked_head_", None)
        if stacked is not None:
            return self._stacked_proba(stacked, docs, features, counts)
        if self.head_ is not None:
            x = self._head_features(docs)
            n, p = self.head_.predict_proba(x)[:, 1], x[:, 0]
            probs: np.ndarray = np.stack([(1 - n) * (1 - p), n, (1 - n) * p], axis=1)
            return probs
        a, b = self.calibration_
        return three_way(sigmoid(a * self._margins(docs) + b), self.neutral_threshold)

    def stacked_features(self, docs: Sequence[str]) -> np.ndarray:
        """Dense features of prepared texts for a :class:`~feedback_nlp.classify.stack.StackedHead`: the
        three-way head features of the binary model (:attr:`ThreeWayHead.FEATURES`), the cue features
        (:data:`~feedback_nlp.classify.cues.CUE_NAMES`) and, with a domain model, ``P(service message)``."""
        parts = [self._head_features(docs), cue_matrix(list(docs))]
        g = self.domain_probability(docs)
        if g is not None:
            parts.append(g.reshape(-1, 1))
        return np.hstack(parts)

    def fit_domain(self, review_texts: Sequence[str], service_texts: Sequence[str], C: float = 1.0,
                   n_features: int = 2**18) -> SentimentModel:
        """Fit the domain model: ``P(service message)`` against review, from the char n-grams (no labels needed:
        any reviews and any service messages). The user never picks a domain; the model reads it from the text and
        the stacked head and :meth:`predict_proba` use it (see ``polarity="gated"`` of :meth:`fit_stacked_head`).
        """
        from .stack import StackedHead

        docs = prepare([*review_texts, *service_texts])
        y = ["review"] * len(review_texts) + ["service"] * len(service_texts)
        self.domain_ = StackedHead(C=C, n_features=n_features).fit(docs, np.zeros((len(docs), 0)), y)
        return self

    def domain_probability(self, docs: Sequence[str]) -> np.ndarray | None:
        """``P(service message)`` of prepared texts, or ``None`` without a domain model."""
        domain = getattr(self, "domain_", None)
        if domain is None:
            return None
        p = domain.predict_proba(list(docs), np.zeros((len(docs), 0)))
        out: np.ndarray = p[:, list(domain.classes_).index("service")]
        return out

    def fit_stacked_head(self, texts: Sequence[str], labels: Iterable[Any],
                         sample_weight: Sequence[float] | np.ndarray | None = None, C: float = 2.0,
                         n_features: int = 2**20, polarity: str = "binary") -> SentimentModel:
        """Fit the 3-class head that decides the final probabilities: a
        :class:`~feedback_nlp.classify.stack.StackedHead` over the char n-grams of the texts and
        :meth:`stacked_features`, on 3-class labels. The binary model is kept as it is: give texts it was not
        trained on (its outputs must look as they do on new data), e.g. service messages and 3-class reviews.

        ``polarity="binary"``: the head gives the neutral mass ``n`` and the binary model the polarity
        ``((1 - n)(1 - p), n, (1 - n) p)``, so the sign of the score stays the binary model's (trained on far more
        polar text); ``"head"``: the head's own three probabilities; ``"gated"`` (needs :meth:`fit_domain`): the
        polarity is ``g * q + (1 - g) * p`` with ``q`` the head's and ``g = P(service message)``: reviews keep the
        binary model's polarity, service messages get the head's.
        """
        if polarity not in ("binary", "head", "gated"):
            raise ValueError(f"polarity must be 'binary', 'head' or 'gated', not {polarity!r}")
        if polarity == "gated" and getattr(self, "domain_", None) is None:
            raise ValueError("polarity='gated' needs a domain model: call fit_domain() first")
        from .stack import StackedHead

        self._check_fitted()
        y = binary_labels(labels)
        names = np.array(["neutral", "negative", "positive"])[y + 1]
        docs = prepare(list(texts))
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.stacked_head_ = StackedHead(C=C, n_features=n_features).fit(
            docs, self.stacked_features(docs), names.tolist(), w)
        self.stacked_polarity_ = polarity
        return self

    def _stacked_proba(self, head: Any, docs: Sequence[str], features: np.ndarray | None = None,
                       counts: Any = None) -> np.ndarray:
        x = self.stacked_features(docs) if features is None else features
        p = head.predict_proba(docs, x, counts)
        order = [list(head.classes_).index(c) for c in SENTIMENT_LABELS]
        out: np.ndarray = p[:, order]
        mode = getattr(self, "stacked_polarity_", "binary")
        if mode in ("binary", "gated"):
            n, pos = out[:, 1], x[:, 0]
            if mode == "gated":
                g = x[:, -1]  # P(service message), the last stacked feature
                head_pos = out[:, 2] / np.maximum(out[:, 0] + out[:, 2], 1e-12)
                pos = g * head_pos + (1 - g) * pos
            out = np.stack([(1 - n) * (1 - pos), n, (1 - n) * pos], axis=1)
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels ``negative`` / ``neutral`` / ``positive``."""
        labels: np.ndarray = np.asarray(SENTIMENT_LABELS)[self.predict_proba(texts).argmax(axis=1)]
        return labels

    def sentiments(self, texts: Sequence[str]) -> list[Sentiment]:
        """One :class:`Sentiment` per text: arg-max label, ``score = P(positive) - P(negative)``."""
        return self.sentiments_from_proba(self.predict_proba(texts))

    @staticmethod
    def sentiments_from_proba(probs: np.ndarray) -> list[Sentiment]:
        """:class:`Sentiment` objects from rows of (negative, neutral, positive) probabilities."""
        out = []
        for row in probs:
            d: dict[str, float] = {k: float(v) for k, v in zip(SENTIMENT_LABELS, row)}
            out.append(Sentiment(SENTIMENT_LABELS[int(row.argmax())], d["positive"] - d["negative"], d))
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
            "head_C": self.head_C,
            "neutral_weight": self.neutral_weight,
            "min_neutral": self.min_neutral,
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
        stacked = getattr(self, "stacked_head_", None)
        stacked_config = None
        if stacked is not None:
            stacked_config, arrays = stacked.to_state("")
            stacked_config["polarity"] = self.stacked_polarity_
            domain = getattr(self, "domain_", None)
            if domain is not None:
                stacked_config["domain"], domain_arrays = domain.to_state("domain_")
                arrays.update(domain_arrays)
            np.savez_compressed(d / "sentiment_head.npz", **arrays)
        state = {
            **self.get_config(),
            "intercept": self.intercept_,
            "calibration": list(self.calibration_),
            "n_train": self.n_train_,
            "three_way_head": self.head_.to_dict() if self.head_ is not None else None,
            "stacked_head": stacked_config,
        }
        (d / "sentiment.json").write_text(json.dumps(state, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> SentimentModel:
        """Load what :meth:`save` wrote; every value is checked (types, sizes, finite weights) before any
        allocation, and a missing or damaged file raises :class:`~feedback_nlp.classify.modelfiles.ModelFormatError`.
        ``device`` is accepted for the common loader signature and ignored: a linear model runs on the CPU."""
        d = Path(directory)
        state = read_json(d, "sentiment.json")
        path = d / "sentiment.json"
        if state.get("format") != _FORMAT:
            raise ModelFormatError(f"{path}: sentiment format {state.get('format')!r} is not {_FORMAT!r}; retrain "
                                   "the model")
        try:
            n_features = check_int(path, state, "n_features", 1, MAX_FEATURES)
            ngram = state.get("ngram_range")
            if not isinstance(ngram, list) or len(ngram) != 2:
                raise ModelFormatError(f"{path}: 'ngram_range' is {ngram!r}, not [low, high]")
            lo = check_int(path, {"ngram_range[0]": ngram[0]}, "ngram_range[0]", 1, 16)
            hi = check_int(path, {"ngram_range[1]": ngram[1]}, "ngram_range[1]", lo, 16)
            params = {k: state[k] for k in ("C", "min_df", "neutral_threshold", "calibration_folds", "head_C",
                                            "neutral_weight", "min_neutral", "max_iter", "random_state")}
            m = cls(ngram_range=(lo, hi), n_features=n_features, **params)
            m.neutral_threshold = check_float(path, state, "neutral_threshold")
            m.intercept_ = check_float(path, state, "intercept")
            calibration = state["calibration"]
            if not isinstance(calibration, list) or len(calibration) != 2:
                raise ModelFormatError(f"{path}: 'calibration' is {calibration!r}, not [a, b]")
            m.calibration_ = (check_float(path, {"calibration": calibration[0]}, "calibration"),
                              check_float(path, {"calibration": calibration[1]}, "calibration"))
            m.n_train_ = int(state.get("n_train", 0))
            head = state.get("three_way_head")
            m.head_ = ThreeWayHead.from_dict(head) if head else None
            if m.head_ is not None:
                for key in ("mean_", "scale_", "coef_", "intercept_"):
                    check_finite(path, f"three_way_head.{key.rstrip('_')}", np.asarray(getattr(m.head_, key),
                                                                                     dtype=float))
        except ModelFormatError:
            raise
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise ModelFormatError(f"{path}: {type(e).__name__}: {e}; save or copy the model again") from None
        arrays = read_arrays(d, "sentiment.npz", ("index", "idf", "coef"), n_features)
        idx, idf, coef = arrays["index"], arrays["idf"], arrays["coef"]
        npz = d / "sentiment.npz"
        if idx.ndim != 1 or idf.shape != idx.shape or coef.shape != idx.shape or idx.dtype.kind not in "iu":
            raise ModelFormatError(f"{npz}: arrays index / idf / coef do not have one matching length")
        if len(idx) and (int(idx.min()) < 0 or int(idx.max()) >= n_features):
            raise ModelFormatError(f"{npz}: feature indexes outside [0, {n_features})")
        m.featurizer_ = m._featurizer()
        m.featurizer_.idf_ = np.zeros(m.n_features, dtype=np.float32)
        m.featurizer_.idf_[idx] = idf
        m.coef_ = np.zeros(m.n_features, dtype=np.float32)
        m.coef_[idx] = coef
        stacked = state.get("stacked_head")
        m.stacked_head_ = None
        m.domain_ = None
        if stacked:
            from .stack import StackedHead

            head_path = contained(d, "sentiment_head.npz")
            try:
                with np.load(head_path, allow_pickle=False) as z:
                    m.stacked_head_ = StackedHead.from_state(stacked, z, "")
                    m.domain_ = (StackedHead.from_state(stacked["domain"], z, "domain_") if stacked.get("domain")
                                 else None)
            except FileNotFoundError:
                raise ModelFormatError(f"{head_path} is missing: copy the whole model directory again") from None
            except (KeyError, TypeError, ValueError, OSError, zipfile.BadZipFile) as e:
                raise ModelFormatError(f"{head_path}: {type(e).__name__}: {e}; save or copy the model again") from None
            m.stacked_polarity_ = str(stacked.get("polarity", "binary"))
        return m
