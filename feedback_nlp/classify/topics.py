"""Topic detection with per-topic polarity: lexicon + clause analysis + weak supervision + a learned model.

What a text is about (``service_attitude``, ``efficiency``, ``product_defect`` in the default model; any names in a
retrained one) and how the part that talks about each topic reads. Five parts, each measurable on its own
(``benchmarks/bench_topics.py`` reports them separately):

1. **Lexicon** (:mod:`feedback_nlp.classify.lexicon`): curated phrases with context per topic, matched on the
   prepared text (normalised, simplified, negations rewritten: "态度不差" is seen as "态度不错"). Each match is
   assigned to the clause it starts in; clauses are split on punctuation and 但是/不过/可是/就是/只是/....
2. **Weak supervision**: over unlabelled reviews, every clause the lexicon fires on is a positive example of that
   topic and every other clause a negative one; a logistic regression on hashed char n-grams per topic learns
   the contexts around the phrases (half of the positive clauses have the matched phrase deleted, so the model
   must learn from the context too). It scores each clause of a new text; the text gets the clause maximum.
3. **Learned model**: a logistic regression per topic on the labelled texts (hashed char n-gram TF-IDF).
4. **Combiner**: a small logistic regression per topic over (lexicon match count, any match, best weak clause
   margin, learned margin), fitted on out-of-fold margins of the labelled texts. Its output is ``score``, except
   that when the lexicon fires the score is at least the lexicon's precision measured on the labelled texts
   (``lexicon_floor``): the combiner learns to trust the in-domain learned model, which is weakest exactly on
   new domains (bank, app), where the phrases still hold.
5. **Decision thresholds**: 0.5 for every topic by default. ``threshold="auto"`` picks one per topic from the
   F1 of out-of-fold combiner scores on the labelled texts (the threshold in [0.35, 0.65] nearest 0.5 among
   those within 0.005 of the best F1; ``thresholds_``). On the review dev set "auto" gains about 0.01 F1 in
   cross-validation but loses on the bank / app / restaurant sentences, so the default stays 0.5.

Service messages (mixed in by ``P(service message)`` from the sentiment model's domain model): a second set of
labelled parts fitted on reviews alone (``review_parts_``: reviews read those, service messages the main ones), their
own thresholds (``service_thresholds_``) and, for the topics where it helped out of fold, a recalibration by the
register probabilities of the intent component (``service_calibration_``, :func:`recalibrate`).

Polarity of a detected topic comes from *its* clauses (those the lexicon matched for it, else the clause the weak
model scores highest): ``(1 - w) * (2 * P_pos - 1) + w * lexicon_hint`` where ``P_pos`` is the calibrated
``P(positive)`` of those clauses (joined) from the sentiment model, ``lexicon_hint`` in [-1, 1] the balance of
positive/negative phrases and ``w = polarity_lexicon_weight`` (0.7: the phrases are polarity-specific and know
negation, "一点也不耐烦"); without polarised phrases it is ``2 * P_pos - 1`` alone; ``neutral`` when its
absolute value is below ``neutral_band``. A topic whose training
labels all share one polarity (``product_defect``: always negative) always gets that polarity.

>>> m = TopicModel.load("models/feedback-zh-default")  # doctest: +SKIP
>>> import feedback_nlp as fn  # doctest: +SKIP
>>> m.predict_hits(["服务员很热情，但是上菜太慢"], fn.load("default").sentiment)  # doctest: +SKIP
[(TopicHit(name='service_attitude', score=0.97, polarity='positive'),
  TopicHit(name='efficiency', score=0.98, polarity='negative'))]
"""

from __future__ import annotations

import bisect
import itertools
import json
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._numeric import logit, sigmoid
from .._validation import check_str_list
from ..text.features import CharNgramTfidf
from ..text.patterns import compile_alternation
from .components import NotFittedError
from .lexicon import DEFAULT_LEXICON
from .modelfiles import MAX_FEATURES, ModelFormatError, check_finite, check_int, read_arrays, read_json
from .results import TopicHit
from .sentiment import prepare

if TYPE_CHECKING:  # pragma: no cover
    from .results import SentimentLabel
    from .sentiment import SentimentModel

__all__ = ["CLAUSE_SPLIT", "TopicModel", "choose_threshold", "clause_spans", "fixed_polarities",
           "check_threshold", "parse_topic_labels", "topic_matrix"]

_FORMAT = "feedback_nlp.topics/1"  # a file-format id: unchanged when the module moved
#: Most topics a saved topic model may declare (checked on load).
_MAX_TOPICS = 1000
_POLARITIES = ("negative", "neutral", "positive")
#: Where clauses end: punctuation, whitespace and contrast / concession words.
CLAUSE_SPLIT = re.compile(
    r"[,.!?;:~，。！？；：～…、\s]+|但是|不过|可是|然而|就是|只是|可惜|除了|而且|并且|另外|还有|虽然|尽管|其次|首先"
)
#: A lexicon match right after one of these reads the other way ("没色差", "无异味").
_NEGATED = re.compile(r"(?:没有|没|无|不|未|非|毫无|一点也|一点都|丝毫|从来|从)$")
#: Thresholds whose out-of-fold F1 is this close to the best count as equally good (see ``_tune_thresholds``).
_F1_TOLERANCE = 0.005
_STACK_FEATURES = ("lexicon_count", "lexicon_any", "weak_max", "learned_margin")
#: The parts :meth:`TopicModel.refit_labelled` refits (and :meth:`TopicModel.add_review_variant` keeps a copy of).
_LABELLED_PARTS = ("coef_", "intercept_", "stack_mean_", "stack_scale_", "stack_coef_", "stack_intercept_",
                   "lexicon_precision_")


def clause_spans(doc: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause of a prepared text (pieces between :data:`CLAUSE_SPLIT` matches).

    >>> d = "服务员很热情,但是上菜太慢"
    >>> [d[a:b] for a, b in clause_spans(d)]
    ['服务员很热情', '上菜太慢']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in CLAUSE_SPLIT.finditer(doc):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(doc):
        spans.append((start, len(doc)))
    return spans or [(0, len(doc))]


def check_threshold(threshold: Any) -> None:
    """Raise a ValueError unless ``threshold`` is ``"auto"`` or a number in (0, 1) (both topic components).

    >>> check_threshold(0.4); check_threshold("auto")
    """
    if isinstance(threshold, str):
        if threshold != "auto":
            raise ValueError(f"threshold must be 'auto' or a number in (0, 1), not {threshold!r}")
    elif isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < float(threshold) < 1:
        raise ValueError(f"threshold must be 'auto' or a number in (0, 1), not {threshold!r}")


def parse_topic_labels(labels: Iterable[Any]) -> list[dict[str, str]]:
    """Normalise topic labels to ``{topic: polarity}`` dicts.

    Each label may be a dict ``{topic: polarity}`` (polarity negative/neutral/positive, or None for "unknown",
    stored as neutral), a list/tuple/set of topic names, a single topic name, or empty / None for "no topic".

    >>> parse_topic_labels([{"efficiency": "negative"}, ["service_attitude"], None])
    [{'efficiency': 'negative'}, {'service_attitude': 'neutral'}, {}]
    """
    out: list[dict[str, str]] = []
    for i, lab in enumerate(labels):
        if lab is None or (isinstance(lab, float) and np.isnan(lab)):
            out.append({})
        elif isinstance(lab, Mapping):
            row: dict[str, str] = {}
            for k, v in lab.items():
                pol = "neutral" if v is None else str(v).strip().lower()
                if pol not in _POLARITIES:
                    raise ValueError(
                        f"row {i}: topic {k!r} has polarity {v!r}; use negative, neutral or positive"
                    )
                row[str(k)] = pol
            out.append(row)
        elif isinstance(lab, str):
            out.append({lab: "neutral"} if lab.strip() else {})
        elif isinstance(lab, (list, tuple, set, frozenset)):
            out.append({str(k): "neutral" for k in lab})
        else:
            raise TypeError(f"row {i}: topic label {lab!r} is not a dict {{topic: polarity}} or a list of topics")
    return out


def topic_matrix(rows: Sequence[Mapping[str, str]]) -> tuple[list[str], np.ndarray]:
    """Sorted topic names of parsed labels and the (n_rows, n_topics) 0/1 matrix of which row has which topic.

    Every topic needs at least 2 rows with it and 2 without (a ``ValueError`` says which one does not).

    >>> topic_matrix([{"a": "negative"}, {"a": "positive"}, {}, {}])[1].ravel().tolist()
    [1, 1, 0, 0]
    """
    topics = sorted({k for r in rows for k in r})
    if not topics:
        raise ValueError("no topic appears in the labels; give dicts like {'efficiency': 'negative'} or lists of "
                         "topic names")
    y = np.array([[t in r for t in topics] for r in rows], dtype=np.int64)
    for j, t in enumerate(topics):
        pos = int(y[:, j].sum())
        if pos < 2 or len(rows) - pos < 2:
            raise ValueError(f"topic {t!r} needs at least 2 texts with it and 2 without (has {pos} with): "
                             "add examples or drop the topic")
    return topics, y


def fixed_polarities(rows: Sequence[Mapping[str, str]], topics: Sequence[str]) -> dict[str, str]:
    """Topics whose labels all share one polarity other than neutral, with it (``product_defect``: negative).

    >>> fixed_polarities([{"d": "negative"}, {"d": "negative", "s": "positive"}, {"s": "negative"}], ["d", "s"])
    {'d': 'negative'}
    """
    out: dict[str, str] = {}
    for t in topics:
        seen = {r[t] for r in rows if t in r}
        if len(seen) == 1 and seen != {"neutral"}:
            out[t] = seen.pop()
    return out


def choose_threshold(f1_at: Mapping[float, float], tolerance: float = 0.0) -> float:
    """The threshold nearest 0.5 among those whose F1 (``f1_at``: threshold -> F1) is within ``tolerance`` of
    the best; 0.5 when there is none.

    >>> choose_threshold({0.3: 0.8, 0.5: 0.79, 0.7: 0.6}), choose_threshold({0.3: 0.8, 0.5: 0.79}, tolerance=0.02)
    (0.3, 0.5)
    """
    if not f1_at:
        return 0.5
    best = max(f1_at.values())
    return float(min((t for t, f in f1_at.items() if f >= best - tolerance - 1e-12), key=lambda t: abs(t - 0.5)))


def recalibrate(proba: np.ndarray, register: np.ndarray, service: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Topic probabilities moved towards their register recalibration: per topic ``q = sigmoid(a * logit(p) +
    register @ b + c)`` (``calibration`` rows ``[a, b..., c]``), and ``p + g * (q - p)`` with ``g = service``
    (P(service message)), so reviews keep ``p``. A row ``[1, 0, ..., 0]`` leaves its topic as it is.

    >>> recalibrate(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), np.array([1.0]),
    ...             np.array([[1.0, 0.0, 0.0, 0.0], [1.0, 2.0, 0.0, 0.0]])).round(2).tolist()
    [[0.5, 0.88]]
    """
    cal = np.asarray(calibration, dtype=np.float64)
    # einsum, not a matrix product: a row's result does not depend on the batch it came in.
    z = cal[:, 0] * logit(proba) + np.einsum("ir,tr->it", register, cal[:, 1:-1]) + cal[:, -1]
    g = np.clip(np.asarray(service, dtype=np.float64), 0.0, 1.0)[:, None]
    out: np.ndarray = proba + g * (sigmoid(z) - proba)
    return out


def _entry(e: Any, topic: str) -> list[Any]:
    """A lexicon entry as a list ``[group, regex, polarity]`` (polarity optional), or a ``ValueError``."""
    if isinstance(e, (str, bytes)) or not isinstance(e, Sequence) or len(e) not in (2, 3) or not isinstance(e[1], str):
        raise ValueError(f"lexicon entry {e!r} of topic {topic!r} is not (group, regex[, polarity])")
    return list(e)


def _dot(x: Any, w: np.ndarray) -> np.ndarray:
    """Sparse rows times a C-contiguous (n_features, k) matrix."""
    out: np.ndarray = np.asarray(x @ w, dtype=np.float64)
    return out


def _compile(patterns: Sequence[str]) -> re.Pattern[str] | None:
    return compile_alternation(patterns) if patterns else None


class _Lexicon:
    """Compiled lexicon: per topic one regex per polarity bucket (positive, negative, none)."""

    def __init__(self, lexicon: Mapping[str, Sequence[Sequence[Any]]], topics: Sequence[str]) -> None:
        self.topics = list(topics)
        self.rx: list[tuple[re.Pattern[str] | None, ...]] = []
        for t in self.topics:
            entries = lexicon.get(t, [])
            buckets: dict[str | None, list[str]] = {"positive": [], "negative": [], None: []}
            for e in (_entry(x, t) for x in entries):
                pol = e[2] if len(e) > 2 else None
                if pol not in buckets:
                    raise ValueError(f"lexicon entry {e!r} of topic {t!r}: polarity must be positive/negative/None")
                try:
                    re.compile(str(e[1]))
                except re.error as err:
                    raise ValueError(f"lexicon entry {e!r} of topic {t!r} is not a valid regex: {err}") from None
                buckets[pol].append(str(e[1]))
            self.rx.append((_compile(buckets["positive"]), _compile(buckets["negative"]), _compile(buckets[None])))

    def matches(self, doc: str, starts: Sequence[int]) -> np.ndarray:
        """Array (n_topics, n_clauses, 3): counts of (positive, negative, neutral) matches per clause.

        A polarised match right after a negator (没/无/不/未...) counts for the opposite polarity.
        """
        out = np.zeros((len(self.topics), len(starts), 3), dtype=np.float32)
        for ti, rxs in enumerate(self.rx):
            for bi, rx in enumerate(rxs):
                if rx is None:
                    continue
                for m in rx.finditer(doc):
                    s = m.start()
                    ci = max(0, bisect.bisect_right(starts, s) - 1)
                    flip = bi < 2 and _NEGATED.search(doc, max(0, s - 3), s) is not None
                    out[ti, ci, 1 - bi if flip else bi] += 1
        return out

    def spans(self, doc: str, ti: int) -> list[tuple[int, int]]:
        return [m.span() for rx in self.rx[ti] if rx is not None for m in rx.finditer(doc)]


class TopicModel:
    """Multi-label topic detector with per-topic polarity (see the module docstring for the parts).

    scikit-learn style: parameters in ``__init__``, learnt state in attributes ending in ``_`` after :meth:`fit`.
    ``lexicon=None`` uses :data:`feedback_nlp.classify.lexicon.DEFAULT_LEXICON` for the topics it knows (custom topics
    get none); pass ``{}`` for no lexicon, or your own ``{topic: [(group, regex, polarity), ...]}``. The
    ``use_*`` switches turn the parts off (for ablations).

    >>> texts = ["服务员态度很好", "上菜太慢了", "菜很好吃", "服务员很凶", "等了一个小时才上菜", "环境不错"] * 5
    >>> labels = [{"staff": "positive"}, {"speed": "negative"}, {}, {"staff": "negative"}, {"speed": "negative"},
    ...           {}] * 5
    >>> m = TopicModel(n_features=2**14, cv_folds=2).fit(texts, labels)
    >>> [h.name for h in m.predict_hits(["服务员态度很好"])[0]]
    ['staff']
    """

    #: The backend name recorded in ``meta.json`` (``component_backends``) and used to find the loader.
    backend = "linear"

    #: What ``topics.json`` says about how the loaded model was made (set by :meth:`load`).
    training_: dict[str, Any]

    #: Decision thresholds for service messages (one per topic), or ``None``: the thresholds a text gets move from
    #: ``thresholds_`` towards these by its ``P(service message)`` (needs a sentiment model with a domain model).
    #: Chosen by the training script from out-of-fold scores of labelled service messages.
    service_thresholds_: np.ndarray | None = None

    #: Service-message recalibration by the register model of the intent component (which platform a text reads
    #: like), or ``None``: one row per topic for :func:`recalibrate`, registers in ``service_registers_`` order.
    #: Chosen per topic by the training script on out-of-fold scores (a topic it does not help keeps the identity
    #: row); applied when the classifier passes the register probabilities (``predict_hits_prepared``).
    service_calibration_: np.ndarray | None = None
    #: The register names ``service_calibration_`` expects, or ``None``.
    service_registers_: tuple[str, ...] | None = None

    #: How ``meta.json`` lists this component.
    component_kind = "topics"

    def __init__(
        self,
        lexicon: Mapping[str, Sequence[Sequence[Any]]] | None = None,
        ngram_range: tuple[int, int] = (1, 3),
        n_features: int = 2**19,
        min_df: int = 2,
        C: float = 2.0,
        weak_C: float = 1.0,
        stack_C: float = 1.0,
        weak_max_clauses: int = 150_000,
        weak_mask: float = 0.5,
        use_lexicon: bool = True,
        use_weak: bool = True,
        use_learned: bool = True,
        lexicon_floor: bool = True,
        threshold: float | str = 0.5,
        polarity_lexicon_weight: float = 0.7,
        neutral_band: float = 0.1,
        cv_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.lexicon = lexicon
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df
        self.C = C
        self.weak_C = weak_C
        self.stack_C = stack_C
        self.weak_max_clauses = weak_max_clauses
        self.weak_mask = weak_mask
        self.use_lexicon = use_lexicon
        self.use_weak = use_weak
        self.use_learned = use_learned
        self.lexicon_floor = lexicon_floor
        self.threshold = threshold
        self.polarity_lexicon_weight = polarity_lexicon_weight
        self.neutral_band = neutral_band
        self.cv_folds = cv_folds
        self.random_state = random_state

    # ---------------------------------------------------------------- training
    def fit(
        self,
        texts: Sequence[str],
        labels: Iterable[Any],
        unlabeled_texts: Sequence[str] | None = None,
    ) -> TopicModel:
        """Fit on raw ``texts`` and ``labels`` (dicts ``{topic: polarity}``, see :func:`parse_topic_labels`).

        ``unlabeled_texts`` (optional) feed the weak supervision; without them (or without a lexicon) that part
        is off. Keep the labelled texts out of ``unlabeled_texts`` for honest combiner weights.
        """

        texts = check_str_list(texts, "TopicModel.fit")
        rows = parse_topic_labels(labels)
        if len(texts) != len(rows):
            raise ValueError(f"{len(texts)} texts but {len(rows)} labels")
        check_threshold(self.threshold)
        topics, y = topic_matrix(rows)
        base = DEFAULT_LEXICON if self.lexicon is None else self.lexicon
        self.topics_ = topics
        self.lexicon_ = {t: [_entry(e, t) for e in base.get(t, [])] for t in topics} if self.use_lexicon else {}
        self.fixed_polarity_ = fixed_polarities(rows, topics)
        self._lex = _Lexicon(self.lexicon_, topics)
        docs = prepare(texts)
        # Weak supervision corpus: clauses of the unlabelled texts, labelled by the lexicon.
        weak_clauses, weak_y = self._weak_corpus(unlabeled_texts) if unlabeled_texts is not None else ([], None)
        fit_docs = weak_clauses if len(weak_clauses) >= 50 else [*weak_clauses, *docs]
        self.featurizer_ = CharNgramTfidf(self.ngram_range, self.n_features, self.min_df).fit(fit_docs)
        n_t = len(topics)
        self.weak_coef_ = np.zeros((n_t, self.n_features), dtype=np.float32)
        self.weak_intercept_ = np.zeros(n_t)
        self.weak_trained_ = [False] * n_t
        self.n_weak_clauses_ = len(weak_clauses)
        if self.use_weak and weak_y is not None:
            xw = self.featurizer_.transform(weak_clauses)
            for j in range(n_t):
                yj = weak_y[:, j]
                if yj.sum() >= 20 and (1 - yj).sum() >= 20:
                    clf = self._lr(self.weak_C).fit(xw, yj)
                    self.weak_coef_[j] = clf.coef_.ravel()
                    self.weak_intercept_[j] = float(clf.intercept_[0])
                    self.weak_trained_[j] = True
        self._fit_labelled(docs, y)
        return self

    def _fit_labelled(self, docs: list[str], y: np.ndarray) -> None:
        """The labelled part of :meth:`fit`: learned model, combiner, lexicon precision, thresholds."""
        from sklearn.model_selection import StratifiedKFold

        n_t = len(self.topics_)
        # Learned model on the labelled texts (+ out-of-fold margins for the combiner).
        x_doc = self.featurizer_.transform(docs)
        self.coef_ = np.zeros((n_t, self.n_features), dtype=np.float32)
        self.intercept_ = np.zeros(n_t)
        oof = np.zeros((len(docs), n_t))
        if self.use_learned:
            for j in range(n_t):
                yj = y[:, j]
                folds = min(self.cv_folds, int(yj.sum()), int((1 - yj).sum()))
                if folds >= 2:
                    skf = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
                    for tr, te in skf.split(np.zeros(len(yj)), yj):
                        oof[te, j] = self._lr(self.C).fit(x_doc[tr], yj[tr]).decision_function(x_doc[te])
                clf = self._lr(self.C).fit(x_doc, yj)
                self.coef_[j] = clf.coef_.ravel()
                self.intercept_[j] = float(clf.intercept_[0])
        # Combiner per topic.
        self._cache_weights()
        feats = self._features(docs, learned=oof)[0]
        self.stack_mean_ = np.zeros((n_t, len(_STACK_FEATURES)))
        self.stack_scale_ = np.ones((n_t, len(_STACK_FEATURES)))
        self.stack_coef_ = np.zeros((n_t, len(_STACK_FEATURES)))
        self.stack_intercept_ = np.zeros(n_t)
        from sklearn.linear_model import LogisticRegression

        for j in range(n_t):
            f = feats[:, j, :]
            mu, sd = f.mean(axis=0), f.std(axis=0)
            sd[sd < 1e-6] = 1.0
            lr = LogisticRegression(C=self.stack_C, max_iter=2000).fit((f - mu) / sd, y[:, j])
            self.stack_mean_[j], self.stack_scale_[j] = mu, sd
            self.stack_coef_[j] = lr.coef_.ravel()
            self.stack_intercept_[j] = float(lr.intercept_[0])
        # Precision of "the lexicon fired" on the labelled texts (add-one smoothed): the floor of the score.
        fired = feats[:, :, 1] > 0
        tp = (fired & (y > 0)).sum(axis=0)
        self.lexicon_precision_ = (tp + 1) / (fired.sum(axis=0) + 2)
        self.thresholds_ = (self._tune_thresholds(feats, y) if self.threshold == "auto"
                            else np.full(n_t, float(self.threshold)))
        self.n_train_ = len(docs)

    def refit_labelled(self, texts: Sequence[str], labels: Iterable[Any]) -> TopicModel:
        """A copy with the labelled parts (learned model, combiner, thresholds) refitted on ``texts`` / ``labels``
        and the label-free parts (lexicon, weak supervision, n-gram weights) kept: for cross-validation, where the
        weak model, which never sees a label, need not be refitted per fold. The labels must have the same topics.
        """
        import copy

        self._check_fitted()
        rows = parse_topic_labels(labels)
        topics, y = topic_matrix(rows)
        if topics != list(self.topics_):
            raise ValueError(f"labels have topics {topics}, the model {list(self.topics_)}")
        m = copy.deepcopy(self)
        m._fit_labelled(prepare(list(texts)), y)
        return m

    def _tune_thresholds(self, feats: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-topic decision threshold in [0.35, 0.65] from the F1 of out-of-fold combiner scores.

        The combiner is refitted in ``cv_folds`` folds over the (already out-of-fold) stack features and the
        lexicon floor applied as at inference. F1 curves are flat near their top, and a low threshold learnt on
        reviews over-fires on other domains (any complaint about a bank would read as a defect), so the threshold
        kept is the one nearest 0.5 whose F1 is within ``_F1_TOLERANCE`` of the best (on a 0.025 grid).
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        grid = np.round(np.arange(0.35, 0.6501, 0.025), 3).tolist()
        out = np.full(len(self.topics_), 0.5)
        for j in range(len(self.topics_)):
            yj = y[:, j]
            folds = min(self.cv_folds, int(yj.sum()), int((1 - yj).sum()))
            if folds < 2:
                continue
            f = (feats[:, j, :] - self.stack_mean_[j]) / self.stack_scale_[j]
            cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            p = cross_val_predict(LogisticRegression(C=self.stack_C, max_iter=2000), f, yj, cv=cv,
                                  method="predict_proba")[:, 1]
            fired, precision = feats[:, j, 1] > 0, float(self.lexicon_precision_[j])
            f1_at = {t: float(f1_score(yj, self._floored(p, fired, precision, t) >= t, zero_division=0.0))
                     for t in grid}
            out[j] = choose_threshold(f1_at, _F1_TOLERANCE)
        return out

    def _floored(self, p: np.ndarray, fired: np.ndarray, precision: float, threshold: float) -> np.ndarray:
        """Scores with the lexicon floor: where the lexicon fired, at least its precision (when that reaches the
        threshold; ``lexicon_floor=False``: unchanged)."""
        if not self.lexicon_floor or precision < threshold:
            return p
        out: np.ndarray = np.where(fired, np.maximum(p, precision), p)
        return out

    def _topic_counts(self, lex: np.ndarray) -> np.ndarray:
        """(n_topics, n_clauses) lexicon matches that say "this topic": for a fixed-polarity topic
        (product_defect) only its own polarity and the neutral bucket count ("没色差" is no defect)."""
        counts = lex.sum(axis=2)
        for j, t in enumerate(self.topics_):
            fixed = self.fixed_polarity_.get(t)
            if fixed in ("positive", "negative"):
                counts[j] = lex[j, :, 0 if fixed == "positive" else 1] + lex[j, :, 2]
        out: np.ndarray = counts
        return out

    def _cache_weights(self) -> None:
        """(n_features, n_topics) C-contiguous copies for fast sparse products at inference."""
        self._weak_w = np.ascontiguousarray(self.weak_coef_.T)
        self._learned_w = np.ascontiguousarray(self.coef_.T)
        parts = getattr(self, "review_parts_", None)
        if parts is not None:
            self._review_w = np.ascontiguousarray(np.asarray(parts["coef_"], dtype=np.float32).T)

    def _lr(self, C: float) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=2000)

    def _weak_corpus(self, unlabeled: Sequence[str]) -> tuple[list[str], np.ndarray | None]:
        """Clauses of unlabelled texts with lexicon labels (n_clauses, n_topics); positives partly masked."""
        if not self.use_lexicon or not any(self.lexicon_.values()):
            return [], None
        rng = np.random.default_rng(self.random_state)
        seen: set[str] = set()
        clauses: list[str] = []
        for doc in prepare([str(t) for t in unlabeled]):
            for a, b in clause_spans(doc):
                c = doc[a:b]
                if len(c) > 1 and c not in seen:
                    seen.add(c)
                    clauses.append(c)
        if len(clauses) > self.weak_max_clauses:
            keep = rng.choice(len(clauses), self.weak_max_clauses, replace=False)
            clauses = [clauses[i] for i in sorted(keep.tolist())]
        y = np.zeros((len(clauses), len(self.topics_)), dtype=np.int64)
        out: list[str] = []
        for i, c in enumerate(clauses):
            hit = self._topic_counts(self._lex.matches(c, [0]))[:, 0] > 0
            y[i] = hit
            if hit.any() and rng.random() < self.weak_mask:
                spans = sorted(s for ti in np.flatnonzero(hit) for s in self._lex.spans(c, int(ti)))
                masked, last = [], 0
                for a, b in spans:
                    if a >= last:
                        masked.append(c[last:a])
                        last = b
                masked.append(c[last:])
                c = "".join(masked) or c
            out.append(c)
        return out, y

    # ---------------------------------------------------------------- inference
    def _check_fitted(self) -> None:
        if not hasattr(self, "stack_coef_"):
            raise NotFittedError("TopicModel")

    def _features(
        self, docs: Sequence[str], learned: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[np.ndarray], list[tuple[list[tuple[int, int]], np.ndarray]], Any]:
        """Combiner features (n, n_topics, 4), weak clause margins per doc, (clause spans, lexicon counts), and the
        TF-IDF rows of the texts (``None`` when ``learned`` was given)."""
        n_t = len(self.topics_)
        per_doc: list[tuple[list[tuple[int, int]], np.ndarray]] = []
        flat: list[str] = []
        for doc in docs:
            spans = clause_spans(doc)
            lex = self._lex.matches(doc, [a for a, _ in spans])
            per_doc.append((spans, lex))
            flat.extend(doc[a:b] for a, b in spans)
        feats = np.zeros((len(docs), n_t, len(_STACK_FEATURES)))
        weak: list[np.ndarray] = []
        use_weak = any(self.weak_trained_) and bool(flat)
        need_docs = learned is None and self.use_learned and bool(docs)
        # One featurisation call for clauses and texts (a one-clause text is hashed once, see transform()).
        x = self.featurizer_.transform([*(flat if use_weak else []), *(docs if need_docs else [])])
        n_flat = len(flat) if use_weak else 0
        zc = _dot(x[:n_flat], self._weak_w) + self.weak_intercept_ if use_weak else np.zeros((len(flat), n_t))
        if docs:  # per text, over its clauses (every text has at least one): whole-batch reductions
            bounds = np.cumsum([0, *(len(spans) for spans, _ in per_doc)])
            starts = bounds[:-1]
            weak = [zc[a:b] for a, b in itertools.pairwise(bounds.tolist())]
            lex_all = np.concatenate([lex for _, lex in per_doc], axis=1)  # (n_topics, clauses of the batch, 3)
            count = np.add.reduceat(self._topic_counts(lex_all), starts, axis=1).T
            feats[:, :, 0] = np.log1p(count)
            feats[:, :, 1] = count > 0
            feats[:, :, 2] = np.maximum.reduceat(zc, starts, axis=0)
        x_docs = x[n_flat:] if need_docs else None
        if learned is None:
            learned = _dot(x_docs, self._learned_w) + self.intercept_ if need_docs else np.zeros((len(docs), n_t))
        feats[:, :, 3] = learned
        return feats, weak, per_doc, x_docs

    def _proba(self, feats: np.ndarray, parts: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Combiner probabilities; ``parts``: another set of labelled parts (:data:`_LABELLED_PARTS`) to use."""
        q = {k: getattr(self, k) for k in _LABELLED_PARTS} if parts is None else parts
        z = (((feats - q["stack_mean_"]) / q["stack_scale_"]) * q["stack_coef_"]).sum(axis=2) + q["stack_intercept_"]
        out: np.ndarray = sigmoid(z)
        # The combiner learns how far to trust the in-domain learned model; on new domains that model is weak, so
        # a lexicon match keeps at least the lexicon's measured precision (when that reaches the threshold).
        for j in range(len(self.topics_)):
            out[:, j] = self._floored(out[:, j], feats[:, j, 1] > 0, float(q["lexicon_precision_"][j]),
                                      float(self.thresholds_[j]))
        return out

    def add_review_variant(self, texts: Sequence[str], labels: Iterable[Any]) -> TopicModel:
        """Keep a second set of labelled parts fitted on ``texts`` / ``labels`` alone (reviews), next to the main
        set (fitted on reviews and service messages). At inference, with a sentiment model that has a domain model
        (``SentimentModel.domain_probability``), the two are mixed by ``g = P(service message)``:
        ``g * p_main + (1 - g) * p_review``. Service wording in the labelled parts then cannot blur the reviews'
        topics (it did for product_defect), and service messages still get the parts that learned from them."""
        variant = self.refit_labelled(texts, labels)
        self.review_parts_: dict[str, np.ndarray] | None = {k: getattr(variant, k) for k in _LABELLED_PARTS}
        self._cache_weights()
        return self

    def _mixed_proba(self, docs: Sequence[str], feats: np.ndarray, sentiment_model: Any, x_docs: Any = None,
                     domain: np.ndarray | None = None, register: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Combiner probabilities, mixed with the review variant by ``g = P(service message)`` (``domain`` when
        already computed, else from ``sentiment_model``) and, with ``register`` probabilities and a
        ``service_calibration_``, recalibrated (:func:`recalibrate`); and the per-text thresholds (n, n_topics):
        ``thresholds_`` moved towards ``service_thresholds_`` by ``g``. ``x_docs``: the TF-IDF rows of ``docs``
        when already computed."""
        proba, thresholds, g = self._domain_mixed(docs, feats, sentiment_model, x_docs, domain)
        cal = self.service_calibration_
        if cal is not None and register is not None and g is not None and len(docs):
            register = np.asarray(register, dtype=np.float64)
            if register.shape != (len(docs), cal.shape[1] - 2):
                raise ValueError(f"register probabilities of shape {register.shape}; the topic recalibration reads "
                                 f"{cal.shape[1] - 2} registers {self.service_registers_} for {len(docs)} texts")
            proba = recalibrate(proba, register, g, cal)
        return proba, thresholds

    def _domain_mixed(self, docs: Sequence[str], feats: np.ndarray, sentiment_model: Any, x_docs: Any,
                      domain: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """:meth:`_mixed_proba` before the recalibration, with ``P(service message)`` (``None`` when unknown)."""
        proba = self._proba(feats)
        thresholds = np.broadcast_to(self.thresholds_, proba.shape)
        parts = getattr(self, "review_parts_", None)
        service = self.service_thresholds_
        if (parts is None and service is None and self.service_calibration_ is None) or not len(docs):
            return proba, thresholds, None
        if domain is None:
            domain_of = getattr(sentiment_model, "domain_probability", None)
            domain = domain_of(docs) if domain_of is not None else None
        if domain is None:
            return proba, thresholds, None
        g = np.asarray(domain, dtype=np.float64)[:, None]
        if service is not None:
            thresholds = self.thresholds_ + g * (service - self.thresholds_)
        if parts is None:
            return proba, thresholds, g[:, 0]
        x = self.featurizer_.transform(list(docs)) if x_docs is None else x_docs
        review = feats.copy()
        review[:, :, 3] = _dot(x, self._review_w) + parts["intercept_"]
        out: np.ndarray = g * proba + (1 - g) * self._proba(review, parts)
        return out, thresholds, g[:, 0]

    def predict_proba(self, texts: Sequence[str], sentiment_model: SentimentModel | None = None) -> np.ndarray:
        """Array (n_texts, n_topics): probability of each topic in ``topics_`` order; with a ``sentiment_model``
        that has a domain model, mixed with the review-only parts by ``P(service message)`` as in
        :meth:`predict_hits`."""
        self._check_fitted()
        docs = prepare(list(texts))
        feats, _, _, x_docs = self._features(docs)
        if sentiment_model is None:
            return self._proba(feats)
        return self._mixed_proba(docs, feats, sentiment_model, x_docs)[0]

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Names of the topics whose probability reaches their threshold (``thresholds_``), per text."""
        p = self.predict_proba(texts)
        return [tuple(t for t, s, c in zip(self.topics_, row, self.thresholds_) if s >= c) for row in p]

    def predict_hits(
        self, texts: Sequence[str], sentiment_model: SentimentModel | None = None
    ) -> list[tuple[TopicHit, ...]]:
        """Topics whose probability reaches their threshold and the polarity of the clauses about them, per text.

        Without ``sentiment_model`` the polarity comes from the lexicon hints alone (neutral when there are none).
        Empty texts get ``()``.
        """
        return self.predict_hits_prepared(prepare(list(texts)), sentiment_model)

    def predict_hits_prepared(
        self, docs: Sequence[str], sentiment_model: SentimentModel | None = None, domain: np.ndarray | None = None,
        register: np.ndarray | None = None,
    ) -> list[tuple[TopicHit, ...]]:
        """:meth:`predict_hits` for texts already passed through :func:`feedback_nlp.classify.sentiment.prepare`;
        ``domain``: their ``sentiment_model.domain_probability(docs)`` when already computed; ``register``: their
        register probabilities (``IntentModel.register_proba``, registers in ``service_registers_`` order) for the
        service recalibration (``None``: none applied)."""
        self._check_fitted()
        feats, weak, per_doc, x_docs = self._features(docs)
        proba, thresholds = self._mixed_proba(docs, feats, sentiment_model, x_docs, domain, register)
        # Which clauses talk about each detected topic, collected for one batched sentiment call.
        wanted: list[tuple[int, int, list[int], float]] = []  # (doc, topic, clause indexes, lexicon hint)
        for i, doc in enumerate(docs):
            if not doc.strip():
                continue
            spans, lex = per_doc[i]
            for j, t in enumerate(self.topics_):
                if proba[i, j] < thresholds[i, j] or t in self.fixed_polarity_:
                    continue
                idx = np.flatnonzero(lex[j].sum(axis=1)).tolist()
                if not idx:
                    idx = [int(weak[i][:, j].argmax())] if any(self.weak_trained_) else list(range(len(spans)))
                npos, nneg = float(lex[j, idx, 0].sum()), float(lex[j, idx, 1].sum())
                hint = (npos - nneg) / (npos + nneg) if npos + nneg else float("nan")
                wanted.append((i, j, idx, hint))
        pol: dict[tuple[int, int], SentimentLabel] = {}
        if wanted:
            if sentiment_model is not None:
                clause_texts = [" ".join(docs[i][per_doc[i][0][c][0]:per_doc[i][0][c][1]] for c in idx)
                                for i, _, idx, _ in wanted]
                p_pos = sentiment_model.prepared_positive_probability(clause_texts)
                w = self.polarity_lexicon_weight
            else:
                p_pos, w = np.full(len(wanted), 0.5), 1.0
            for (i, j, _, hint), p in zip(wanted, p_pos):
                s = 2 * float(p) - 1 if np.isnan(hint) else (1 - w) * (2 * float(p) - 1) + w * hint
                pol[(i, j)] = "neutral" if abs(s) < self.neutral_band else ("positive" if s > 0 else "negative")
        out: list[tuple[TopicHit, ...]] = []
        for i, doc in enumerate(docs):
            hits: list[TopicHit] = []
            if doc.strip():
                for j, t in enumerate(self.topics_):
                    if proba[i, j] >= thresholds[i, j]:
                        fixed = self.fixed_polarity_.get(t)
                        polarity: SentimentLabel = fixed if fixed is not None else pol[(i, j)]  # type: ignore[assignment]
                        hits.append(TopicHit(t, round(float(proba[i, j]), 4), polarity))
            out.append(tuple(hits))
        return out

    # ---------------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "ngram_range": list(self.ngram_range),
            "n_features": self.n_features,
            "min_df": self.min_df,
            "C": self.C,
            "weak_C": self.weak_C,
            "stack_C": self.stack_C,
            "weak_max_clauses": self.weak_max_clauses,
            "weak_mask": self.weak_mask,
            "use_lexicon": self.use_lexicon,
            "use_weak": self.use_weak,
            "use_learned": self.use_learned,
            "lexicon_floor": self.lexicon_floor,
            "threshold": self.threshold,
            "polarity_lexicon_weight": self.polarity_lexicon_weight,
            "neutral_band": self.neutral_band,
            "cv_folds": self.cv_folds,
            "random_state": self.random_state,
        }

    def save(self, directory: str | Path, training: Mapping[str, Any] | None = None) -> None:
        """Write ``topics.json`` (config, topics, lexicon, combiner) and ``topics.npz`` (plain float arrays).

        ``training`` (optional) is stored as-is under ``"training"`` in ``topics.json`` (how the model was made).
        """
        self._check_fitted()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        idf = self.featurizer_.idf_
        idx = np.flatnonzero(idf).astype(np.int32)
        parts = getattr(self, "review_parts_", None)
        extra = {} if parts is None else {"review_coef": np.asarray(parts["coef_"])[:, idx].astype(np.float32)}
        np.savez_compressed(
            d / "topics.npz",
            index=idx,
            idf=idf[idx].astype(np.float32),
            weak_coef=self.weak_coef_[:, idx].astype(np.float32),
            coef=self.coef_[:, idx].astype(np.float32),
            **extra,  # type: ignore[arg-type]
        )
        state = {
            **self.get_config(),
            "topics": self.topics_,
            "fixed_polarity": self.fixed_polarity_,
            "lexicon": self.lexicon_,
            "weak_intercept": self.weak_intercept_.tolist(),
            "weak_trained": self.weak_trained_,
            "intercept": self.intercept_.tolist(),
            "stack_features": list(_STACK_FEATURES),
            "stack_mean": self.stack_mean_.tolist(),
            "stack_scale": self.stack_scale_.tolist(),
            "stack_coef": self.stack_coef_.tolist(),
            "stack_intercept": self.stack_intercept_.tolist(),
            "lexicon_precision": self.lexicon_precision_.tolist(),
            "thresholds": self.thresholds_.tolist(),
            "service_thresholds": None if self.service_thresholds_ is None else self.service_thresholds_.tolist(),
            "service_calibration": (None if self.service_calibration_ is None
                                    else {"registers": list(self.service_registers_ or ()),
                                          "rows": self.service_calibration_.tolist()}),
            "review_parts": None if parts is None else {k: np.asarray(v).tolist() for k, v in parts.items()
                                                        if k != "coef_"},
            "n_train": self.n_train_,
            "n_weak_clauses": self.n_weak_clauses_,
            "training": dict(training if training is not None else getattr(self, "training_", {})),
        }
        (d / "topics.json").write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> TopicModel:
        """Load what :meth:`save` wrote (JSON + npz, no pickle); values and shapes are checked before any
        allocation, and a missing or damaged file raises :class:`~feedback_nlp.classify.modelfiles.ModelFormatError`.
        ``device`` is ignored (a linear model runs on the CPU)."""
        d = Path(directory)
        path = d / "topics.json"
        state = read_json(d, "topics.json")
        if state.get("format") != _FORMAT:
            raise ModelFormatError(f"{path}: topics format {state.get('format')!r} is not {_FORMAT!r}; retrain the "
                                   "model")
        try:
            if list(state["stack_features"]) != list(_STACK_FEATURES):
                raise ModelFormatError(f"{path}: topic combiner was saved with other features; retrain the model")
            n_features = check_int(path, state, "n_features", 1, MAX_FEATURES)
            ngram = state["ngram_range"]
            if not isinstance(ngram, list) or len(ngram) != 2:
                raise ModelFormatError(f"{path}: 'ngram_range' is {ngram!r}, not [low, high]")
            lo = check_int(path, {"ngram_range[0]": ngram[0]}, "ngram_range[0]", 1, 16)
            hi = check_int(path, {"ngram_range[1]": ngram[1]}, "ngram_range[1]", lo, 16)
            keys = ("min_df", "C", "weak_C", "stack_C", "weak_max_clauses", "weak_mask", "use_lexicon",
                    "use_weak", "use_learned", "lexicon_floor", "threshold", "polarity_lexicon_weight",
                    "neutral_band", "cv_folds", "random_state")
            m = cls(ngram_range=(lo, hi), n_features=n_features, **{k: state[k] for k in keys})
            m.topics_ = [str(t) for t in state["topics"]]
            n_t = len(m.topics_)
            if not 1 <= n_t <= _MAX_TOPICS:
                raise ModelFormatError(f"{path}: {n_t} topics; a model has 1 to {_MAX_TOPICS}")
            m.fixed_polarity_ = {str(k): str(v) for k, v in state["fixed_polarity"].items()}
            m.lexicon_ = {str(k): [list(e) for e in v] for k, v in state["lexicon"].items()}
            m.lexicon = m.lexicon_
            m._lex = _Lexicon(m.lexicon_, m.topics_)
            vectors = {}
            for key in ("weak_intercept", "intercept", "stack_mean", "stack_scale", "stack_coef", "stack_intercept",
                        "lexicon_precision"):
                vectors[key] = np.asarray(state[key], dtype=np.float64)
                check_finite(path, key, vectors[key])
                if vectors[key].size > n_t * 64:
                    raise ModelFormatError(f"{path}: {key!r} has {vectors[key].size} values for {n_t} topics")
            default = 0.5 if m.threshold == "auto" else float(m.threshold)
            thresholds = np.asarray(state.get("thresholds", [default] * n_t), dtype=np.float64)
            check_finite(path, "thresholds", thresholds)
            if thresholds.shape != (n_t,):
                raise ModelFormatError(f"{path}: {thresholds.size} thresholds for {n_t} topics")
            weak_trained = [bool(b) for b in state["weak_trained"]]
        except ModelFormatError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
            raise ModelFormatError(f"{path}: {type(e).__name__}: {e}; save or copy the model again") from None
        review = bool(state.get("review_parts"))
        keys_npz = ("index", "idf", "weak_coef", "coef", *(("review_coef",) if review else ()))
        arrays = read_arrays(d, "topics.npz", keys_npz, n_features * n_t)
        idx, idf, weak, coef = arrays["index"], arrays["idf"], arrays["weak_coef"], arrays["coef"]
        review_coef = arrays.get("review_coef")
        if review_coef is not None and review_coef.shape != coef.shape:
            raise ModelFormatError(f"{d / 'topics.npz'}: review_coef does not match coef")
        npz = d / "topics.npz"
        if (idx.ndim != 1 or idx.dtype.kind not in "iu" or idf.shape != idx.shape
                or weak.shape != (n_t, len(idx)) or coef.shape != (n_t, len(idx))):
            raise ModelFormatError(f"{npz}: arrays index / idf / weak_coef / coef do not match {n_t} topics")
        if len(idx) and (int(idx.min()) < 0 or int(idx.max()) >= n_features):
            raise ModelFormatError(f"{npz}: feature indexes outside [0, {n_features})")
        m.featurizer_ = CharNgramTfidf(m.ngram_range, m.n_features, m.min_df)
        m.featurizer_.idf_ = np.zeros(m.n_features, dtype=np.float32)
        m.featurizer_.idf_[idx] = idf
        m.weak_coef_ = np.zeros((n_t, m.n_features), dtype=np.float32)
        m.weak_coef_[:, idx] = weak
        m.coef_ = np.zeros((n_t, m.n_features), dtype=np.float32)
        m.coef_[:, idx] = coef
        m.review_parts_ = None
        if state.get("review_parts") and review_coef is not None:
            full = np.zeros((n_t, m.n_features), dtype=np.float32)
            full[:, idx] = review_coef
            m.review_parts_ = {"coef_": full, **{k: np.asarray(v, dtype=np.float64)
                                                 for k, v in state["review_parts"].items()}}
        m._cache_weights()
        m.weak_intercept_ = vectors["weak_intercept"]
        m.weak_trained_ = weak_trained
        m.intercept_ = vectors["intercept"]
        m.stack_mean_ = vectors["stack_mean"]
        m.stack_scale_ = vectors["stack_scale"]
        m.stack_coef_ = vectors["stack_coef"]
        m.stack_intercept_ = vectors["stack_intercept"]
        m.lexicon_precision_ = vectors["lexicon_precision"]
        m.thresholds_ = thresholds
        service = state.get("service_thresholds")
        m.service_thresholds_ = None
        if service is not None:
            m.service_thresholds_ = np.asarray(service, dtype=np.float64)
            if m.service_thresholds_.shape != thresholds.shape or not ((m.service_thresholds_ > 0)
                                                                      & (m.service_thresholds_ < 1)).all():
                raise ModelFormatError(f"{d / 'topics.json'}: service_thresholds must be {n_t} numbers in (0, 1)")
        m.service_calibration_, m.service_registers_ = _calibration(state.get("service_calibration"), n_t,
                                                                    d / "topics.json")
        m.n_train_ = int(state.get("n_train", 0))
        m.n_weak_clauses_ = int(state.get("n_weak_clauses", 0))
        m.training_ = dict(state.get("training") or {})
        return m

    def __repr__(self) -> str:
        topics = getattr(self, "topics_", None)
        return f"TopicModel(topics={topics!r})" if topics is not None else "TopicModel(unfitted)"


def _calibration(value: Any, n_topics: int, where: Path) -> tuple[np.ndarray | None, tuple[str, ...] | None]:
    """A stored service recalibration, checked: ``None`` or ``{"registers": [names], "rows": one row of
    len(registers) + 2 finite numbers per topic}``."""
    if value is None:
        return None, None
    registers = value.get("registers") if isinstance(value, dict) else None
    rows = value.get("rows") if isinstance(value, dict) else None
    try:
        arr = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.zeros(0)
    if not isinstance(registers, list) or not registers or not all(isinstance(r, str) for r in registers) \
            or arr.shape != (n_topics, len(registers) + 2) or not np.isfinite(arr).all() or (np.abs(arr) > 1e3).any():
        raise ModelFormatError(f"{where}: service_calibration must be {{'registers': [names], 'rows': one row of "
                               f"len(registers) + 2 finite numbers per topic ({n_topics})}}; retrain the topics or "
                               "fix the file")
    return arr, tuple(registers)
