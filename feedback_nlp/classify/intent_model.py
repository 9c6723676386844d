"""Learned kind and priority: the ``intent`` component of a model directory (``intent.json`` + ``intent.npz``).

* **kind**: a :class:`~feedback_nlp.classify.stack.StackedHead` over the char n-grams of the text, the binary
  sentiment model's features and the cue features (:mod:`feedback_nlp.classify.cues`), trained on labelled kinds.
* **priority**: the complaint-handling standard. The kind fixes the tier of praise and chatter (``none``) and of
  suggestions (``suggestion``); for complaints and inquiries a second head chooses urgent / high / normal from the
  char n-grams, the cue features and which rules of :class:`~feedback_nlp.classify.intent.PriorityRules` fire
  (the rules are features: the head learns how far to trust each one), and the tier is the higher of the head's
  and the rules' (a condition of the standard is never downgraded). A message on which an urgent or high rule
  fires is a complaint, never praise or chatter. ``priority_reason`` names the rule of that
  tier that fired and the clause it fired in, or, when the head raised the tier without such a rule, the clause
  that reads most like that tier ("模型判断（紧急）：…").
* **severity offsets** (``severity_offsets_``): margins added to the urgent / high / normal scores of the second
  head before its arg-max, chosen by the training script on out-of-fold predictions
  (:func:`choose_severity_offsets`): missing an urgent or high message costs a team more than answering a normal
  one early, so the offsets trade a little precision of those tiers for recall.
* **register** (``register_head_``, optional): which kind of platform a text reads like (a complaint platform, a
  help desk, a forum, a city message board, a question to a service assistant, a review), learnt from the
  *source* of unlabelled texts (no labels needed, :func:`fit_register`). Its probabilities are dense features of
  both heads: that the same words are chatter on a forum and a complaint on a complaint platform is more than a
  few hundred labelled messages can teach the n-grams.
* **sentiment from kind** (``sentiment_given_kind_``, ``kind_sentiment_weight_``): the labelling guide ties
  sentiment to kind (a complaint is negative, praise positive, a question or proposal neutral unless it reports a
  problem). :meth:`IntentModel.implied_sentiment` turns kind probabilities into the sentiment they imply (the
  labelled P(sentiment | kind)); the classifier blends that into a service message's sentiment
  (:func:`blend_kind_sentiment`) with a weight chosen by the training script on out-of-fold predictions
  (:func:`choose_kind_sentiment_weight`).

Without this component a model falls back to the documented rules of :mod:`feedback_nlp.classify.intent`.

>>> import feedback_nlp as fn
>>> r = fn.classify("信用卡被盗刷了两万，银行说不归他们管")
>>> str(r.priority), r.priority_reason.split("：")[0]
('urgent', '欺诈或盗刷')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..text.patterns import compile_alternation
from .components import NotFittedError
from .intent import DEFAULT_RULES, KIND_REASONS, KINDS, PRIORITY_NAMES, Priority, PriorityRules, rule_hit
from .modelfiles import ModelFormatError
from .stack import StackedHead

if TYPE_CHECKING:  # pragma: no cover
    from .sentiment import SentimentModel

__all__ = ["IntentModel", "IntentReading", "SeverityInputs", "blend_kind_sentiment", "choose_kind_sentiment_weight",
           "choose_severity_offsets", "fit_register", "simulate_priorities"]

_FORMAT = "feedback_nlp.intent/1"
_SEVERITIES = ("urgent", "high", "normal")
_CLAUSE_SPLIT = "，。！？；,.!?;"


def rule_features(docs: Sequence[str], rules: PriorityRules = DEFAULT_RULES) -> np.ndarray:
    """(n, n_urgent_rules + n_high_rules) 0/1: which priority rules fire on each prepared text."""
    every = (*rules.urgent, *rules.high)
    key = tuple(p for _, p in every)
    any_rule = _ANY.get(key)
    if any_rule is None:  # one pass that finds the texts on which no rule can fire (most of them)
        any_rule = _ANY.setdefault(key, compile_alternation(key))
    out = np.zeros((len(docs), len(every)))
    for i, doc in enumerate(docs):
        if any_rule.search(doc) is None:
            continue
        for j, rule in enumerate(every):
            out[i, j] = rule_hit((rule,), doc) is not None
    return out


_ANY: dict[tuple[str, ...], re.Pattern[str]] = {}


@dataclass(frozen=True)
class SeverityInputs:
    """What the priority of a batch depends on besides the severity offsets (see
    :meth:`IntentModel.severity_inputs`): the predicted ``kinds``, the tier the rules give (``rule_tiers``:
    urgent / high / normal) and the severity head's margins (n, 3) in ``classes`` order."""

    kinds: tuple[str, ...]
    rule_tiers: tuple[str, ...]
    margins: np.ndarray
    classes: tuple[str, ...]

    def take(self, rows: Sequence[int]) -> SeverityInputs:
        """The inputs of ``rows`` only."""
        idx = [int(i) for i in rows]
        return SeverityInputs(tuple(self.kinds[i] for i in idx), tuple(self.rule_tiers[i] for i in idx),
                              self.margins[idx], self.classes)

    @classmethod
    def gather(cls, parts: Sequence[tuple[Sequence[int], SeverityInputs]], n: int) -> SeverityInputs:
        """One set of inputs for rows ``0..n-1`` from ``(rows, inputs)`` parts (e.g. out-of-fold predictions)."""
        if not parts:
            raise ValueError("no parts to gather")
        classes = parts[0][1].classes
        kinds, tiers = [""] * n, [""] * n
        margins = np.zeros((n, len(classes)))
        for rows, part in parts:
            if part.classes != classes:
                raise ValueError(f"severity classes differ between parts: {part.classes} vs {classes}")
            for j, i in enumerate(rows):
                kinds[i], tiers[i] = part.kinds[j], part.rule_tiers[j]
                margins[i] = part.margins[j]
        return cls(tuple(kinds), tuple(tiers), margins, classes)


def simulate_priorities(inputs: SeverityInputs, offsets: Mapping[str, float] | None = None) -> np.ndarray:
    """The priority names :meth:`IntentModel.predict_prepared` gives with ``offsets``, without re-reading texts.

    >>> x = SeverityInputs(("complaint", "praise"), ("normal", "normal"), np.array([[0.0, 0.2, -0.1]] * 2),
    ...                    ("high", "normal", "urgent"))
    >>> simulate_priorities(x).tolist(), simulate_priorities(x, {"urgent": 0.5}).tolist()
    (['normal', 'none'], ['urgent', 'none'])
    """
    off = np.array([float((offsets or {}).get(c, 0.0)) for c in inputs.classes])
    learned = np.asarray(inputs.classes)[(inputs.margins + off).argmax(axis=1)] if len(inputs.kinds) else []
    rank = {p.value: p.rank for p in Priority}
    out = []
    for kind, floor, tier in zip(inputs.kinds, inputs.rule_tiers, learned):
        if kind in ("praise", "other"):
            out.append("none")
        elif kind == "suggestion":
            out.append("suggestion")
        else:
            out.append(max(str(tier), floor, key=rank.__getitem__))
    return np.asarray(out, dtype=object)


def choose_severity_offsets(inputs: SeverityInputs, truth: Sequence[str], min_precision: float = 0.64,
                            grid: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
                            ) -> dict[str, float]:
    """Offsets for the urgent and high scores (normal stays 0) that maximise priority accuracy plus the recall of
    urgent + high on out-of-fold ``inputs`` (``truth``: the labelled priorities), among those that keep the
    precision of urgent + high at ``min_precision`` or more; all zeros when none does better than no offsets.
    Ties go to the smaller offsets.

    >>> x = SeverityInputs(("complaint",) * 4, ("normal",) * 4,
    ...                    np.array([[-1, 0, -0.3], [-1, 0, -2], [-1, 0, -0.2], [-1, 0, -3]]),
    ...                    ("high", "normal", "urgent"))
    >>> choose_severity_offsets(x, ["urgent", "normal", "urgent", "normal"], grid=(0.0, 0.5))
    {'urgent': 0.5, 'high': 0.0}
    """
    y = np.asarray([str(t) for t in truth], dtype=object)
    if len(y) != len(inputs.kinds):
        raise ValueError(f"{len(y)} labelled priorities for {len(inputs.kinds)} rows of inputs")
    best = {"urgent": 0.0, "high": 0.0}
    if not len(y):
        return best
    hot = np.isin(y, ("urgent", "high"))

    def score(off: Mapping[str, float]) -> float:
        p = simulate_priorities(inputs, off)
        flagged = np.isin(p, ("urgent", "high"))
        hits = int((hot & flagged).sum())
        if flagged.sum() and hits / flagged.sum() < min_precision:
            return -np.inf
        return float((p == y).mean()) + (hits / hot.sum() if hot.sum() else 0.0)

    best_score = score(best)
    for u in grid:
        for h in grid:
            s = score({"urgent": float(u), "high": float(h)})
            if s > best_score + 1e-9:
                best, best_score = {"urgent": float(u), "high": float(h)}, s
    return best


#: Sentiment columns of :meth:`IntentModel.implied_sentiment` (the classifier's order).
_SENTIMENTS = ("negative", "neutral", "positive")
#: Weights :func:`choose_kind_sentiment_weight` tries.
KIND_SENTIMENT_GRID = tuple(round(float(w), 1) for w in np.arange(0.0, 1.01, 0.1))


def fit_register(texts: Sequence[str], registers: Sequence[str], C: float = 2.0, n_features: int = 2**20,
                 min_df: int = 3) -> StackedHead:
    """A register model: which platform a text reads like, learnt from ``(text, source)`` pairs of *unlabelled*
    texts (``registers``: where each text was posted, e.g. "forum", "help_desk"; at least two). Hashes like the kind
    head (same n-gram range and ``n_features``), so at inference it reuses the kind head's counts.

    >>> h = fit_register(["请问怎么开通？", "这家银行乱扣费，要求退款", "请问在哪里办理？", "乱收费还不处理"] * 5,
    ...                  ["question", "complaint", "question", "complaint"] * 5, n_features=2**12, min_df=1)
    >>> h.classes_.tolist()
    ['complaint', 'question']
    """
    from .sentiment import prepare

    texts, labels = list(texts), [str(r) for r in registers]
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} registers")
    if len(set(labels)) < 2:
        raise ValueError("a register model needs texts from at least two registers (sources)")
    docs = prepare([str(t) for t in texts])
    return StackedHead(C=C, n_features=n_features, min_df=min_df).fit(docs, np.zeros((len(docs), 0)), labels)


def blend_kind_sentiment(probs: np.ndarray, implied: np.ndarray, service: np.ndarray, weight: float) -> np.ndarray:
    """Sentiment probabilities with the kind-implied ones blended in: ``(1 - w g) * probs + w g * implied`` per row
    (``g``: P(service message), so reviews keep their own reading; ``w``: ``weight`` in [0, 1]).

    >>> blend_kind_sentiment(np.array([[0.2, 0.8, 0.0]]), np.array([[1.0, 0.0, 0.0]]), np.array([1.0]), 0.5).tolist()
    [[0.6, 0.4, 0.0]]
    """
    if not 0.0 <= float(weight) <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight!r}")
    if weight == 0.0:
        return probs
    w = float(weight) * np.clip(np.asarray(service, dtype=np.float64), 0.0, 1.0)[:, None]
    out: np.ndarray = (1.0 - w) * probs + w * implied
    return out


def choose_kind_sentiment_weight(final: Callable[[float], Sequence[str]], truth: Sequence[str],
                                 grid: Sequence[float] = KIND_SENTIMENT_GRID) -> float:
    """The weight of ``grid`` whose sentiment labels ``final(weight)`` score best against ``truth`` (accuracy +
    macro-F1, out-of-fold predictions); ties go to the smaller weight.

    >>> choose_kind_sentiment_weight(lambda w: ["negative", "neutral"] if w >= 0.5 else ["neutral", "neutral"],
    ...                              ["negative", "neutral"], grid=(0.0, 0.5, 1.0))
    0.5
    """
    from sklearn.metrics import accuracy_score, f1_score

    y = [str(t) for t in truth]
    best, best_score = 0.0, -np.inf
    for w in grid:
        p = [str(v) for v in final(float(w))]
        if len(p) != len(y):
            raise ValueError(f"{len(p)} predictions for {len(y)} labels")
        score = float(accuracy_score(y, p) + f1_score(y, p, average="macro")) if y else 0.0
        if score > best_score + 1e-9:
            best, best_score = float(w), score
    return best


@dataclass(frozen=True)
class IntentReading:
    """What :meth:`IntentModel.read_prepared` says about a batch: kinds, ``(priority, reason)`` pairs, the kind
    head's probabilities (n, n_kinds) in ``kind_classes`` order (before the rule that makes a message with an urgent
    or high rule a complaint) and the :class:`SeverityInputs` the priorities came from."""

    priorities: tuple[tuple[Priority, str], ...]
    kind_proba: np.ndarray
    kind_classes: tuple[str, ...]
    severity: SeverityInputs

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kind of each text (after the urgent / high rule): ``severity.kinds``."""
        return self.severity.kinds


class IntentModel:
    """Learned kind and priority tier (module docstring). scikit-learn style: parameters in ``__init__``, learnt
    state in attributes ending in ``_``.

    ``C``: inverse regularisation of the kind head; ``rules``: the priority rules used as features and for reasons;
    ``class_weight``: of the kind head (``None``: kinds count as often as they occur, which is what accuracy
    rewards); ``severity_C`` / ``severity_class_weight``: the same for the urgent / high / normal head
    (``"balanced"``: the rare urgent and high tiers count as much as normal, so fewer of them are missed).
    """

    #: The backend name recorded in ``meta.json`` (``component_backends``).
    backend = "linear"
    #: How the model was made (free-form, stored in ``intent.json``).
    training_: dict[str, Any]
    #: Margins added to the severity head's urgent / high / normal scores (module docstring), or ``None``.
    severity_offsets_: dict[str, float] | None = None
    #: The register model whose probabilities both heads read (module docstring), or ``None``.
    register_head_: StackedHead | None = None
    #: P(sentiment | kind) of the labelled messages (n_kinds, 3) in ``kind_head_.classes_`` and
    #: negative / neutral / positive order, or ``None``: what :meth:`implied_sentiment` returns.
    sentiment_given_kind_: np.ndarray | None = None
    #: How much of a service message's sentiment comes from its kind (:func:`blend_kind_sentiment`); 0: none.
    kind_sentiment_weight_: float = 0.0

    def __init__(self, C: float = 8.0, n_features: int = 2**20, rules: PriorityRules = DEFAULT_RULES,
                 class_weight: str | None = None, severity_C: float = 2.0,
                 severity_class_weight: str | None = "balanced") -> None:
        self.C = C
        self.n_features = n_features
        self.rules = rules
        self.class_weight = class_weight
        self.severity_C = severity_C
        self.severity_class_weight = severity_class_weight

    # ---------------------------------------------------------------- training
    def fit(self, texts: Sequence[str], sentiment: SentimentModel, kinds: Sequence[str | None],
            priorities: Sequence[str | None] | None = None,
            sample_weight: Sequence[float] | np.ndarray | None = None,
            sentiments: Sequence[str | None] | None = None,
            register_head: StackedHead | None = None) -> IntentModel:
        """Fit the kind head on rows with a kind, the priority head on complaint / inquiry rows with a priority.

        ``sentiment``: the fitted sentiment model whose binary features the kind head reads (give texts it was not
        trained on). ``None`` in ``kinds`` / ``priorities`` / ``sentiments`` marks an unknown label (the row is
        skipped there). ``sentiments``: labelled sentiments of the rows whose P(sentiment | kind) the classifier
        may blend in (``sentiment_given_kind_``; give service messages, ``None`` for other rows).
        ``register_head``: a fitted register model (:func:`fit_register`) whose probabilities both heads read.
        """
        from .sentiment import prepare

        texts = list(texts)
        if len(kinds) != len(texts) or (priorities is not None and len(priorities) != len(texts)):
            raise ValueError("texts, kinds and priorities must have the same length")
        for k in kinds:
            if k is not None and k not in KINDS:
                raise ValueError(f"kind {k!r} is not one of {KINDS}")
        if sentiments is not None and len(sentiments) != len(texts):
            raise ValueError("texts and sentiments must have the same length")
        w = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        docs = prepare(texts)
        self.register_head_ = register_head
        dense = self._dense(docs, sentiment, None, None)
        has_kind = np.array([k is not None for k in kinds])
        idx = [int(i) for i in np.flatnonzero(has_kind)]
        self.kind_head_ = StackedHead(C=self.C, n_features=self.n_features, class_weight=self.class_weight).fit(
            [docs[i] for i in idx], dense[idx], [str(kinds[i]) for i in idx], w[idx])
        self.sentiment_given_kind_ = None
        if sentiments is not None:
            table = np.full((len(self.kind_head_.classes_), len(_SENTIMENTS)), 0.5)  # add-half smoothing
            row = {str(c): j for j, c in enumerate(self.kind_head_.classes_)}
            for k, sent in zip(kinds, sentiments):
                if k is not None and sent in _SENTIMENTS:
                    table[row[str(k)], _SENTIMENTS.index(str(sent))] += 1.0
            self.sentiment_given_kind_ = table / table.sum(axis=1, keepdims=True)
        self.severity_head_: StackedHead | None = None
        if priorities is not None:
            sev = [i for i, (k, p) in enumerate(zip(kinds, priorities))
                   if k in ("complaint", "inquiry") and p in _SEVERITIES]
            if len({priorities[i] for i in sev}) >= 2:
                self.severity_head_ = StackedHead(C=self.severity_C, n_features=self.n_features,
                                                  class_weight=self.severity_class_weight).fit(
                    [docs[i] for i in sev], self._severity_dense(dense[sev]), [str(priorities[i]) for i in sev],
                    w[sev])
        return self

    def register_proba(self, docs: Sequence[str], counts: Any = None) -> np.ndarray | None:
        """The register model's probabilities (n, n_registers) of prepared texts, or ``None`` without one;
        ``counts``: their raw n-gram counts hashed like the kind head's, when already computed."""
        reg = self.register_head_
        if reg is None:
            return None
        shared = counts if counts is not None and reg.shares_counts_with(self.kind_head_) else None
        return reg.predict_proba(list(docs), np.zeros((len(docs), 0)), shared)

    def _dense(self, docs: list[str], sentiment: SentimentModel, features: np.ndarray | None,
               counts: Any, register: np.ndarray | None = None) -> np.ndarray:
        """The heads' dense features: the sentiment model's stacked features (``features`` when computed), the
        register probabilities (with a register model; ``register`` when computed) and the rule flags, last
        (``rule_features``)."""
        parts = [sentiment.stacked_features(docs) if features is None else features]
        if self.register_head_ is None:
            register = None
        elif register is None:
            register = self.register_proba(docs, counts)
        if register is not None:
            parts.append(register)
        parts.append(rule_features(docs, self.rules))
        return np.hstack(parts)

    @staticmethod
    def _severity_dense(dense: np.ndarray) -> np.ndarray:
        """The severity head reads the cue and rule columns (not the sentiment-model columns)."""
        from .sentiment import ThreeWayHead

        out: np.ndarray = dense[:, len(ThreeWayHead.FEATURES):]
        return out

    # ---------------------------------------------------------------- inference
    def _check_fitted(self) -> None:
        if not hasattr(self, "kind_head_"):
            raise NotFittedError("IntentModel")

    def _inputs(self, docs: list[str], sentiment: SentimentModel, features: np.ndarray | None,
                counts: Any, register: np.ndarray | None = None) -> tuple[SeverityInputs, np.ndarray, int, np.ndarray]:
        """The severity inputs of prepared texts (the severity head's margins, offsets not added, for complaints and
        inquiries; rows that are not, or a model without a severity head, get margins that choose normal), their
        rule flags (n, n_rules), the number of urgent rules and the kind head's probabilities."""
        if counts is None:
            counts = self.kind_head_.featurizer_.counts(docs)  # hashed once for every head
        dense = self._dense(docs, sentiment, features, counts, register)
        kind_proba = self.kind_head_.predict_proba(docs, dense, counts)
        kinds = [str(k) for k in self.kind_head_.classes_[kind_proba.argmax(axis=1)]]
        # A message on which an urgent / high rule fires reports a problem: never praise or chatter.
        n_urgent, n_rules = len(self.rules.urgent), len(self.rules.urgent) + len(self.rules.high)
        flags: np.ndarray = np.asarray(dense[:, -n_rules:] > 0)  # which rules fire on each text (rule_features)
        fired = [bool(row.any()) for row in flags]
        kinds = ["complaint" if f and k in ("praise", "other") else k for k, f in zip(kinds, fired)]
        classes = (tuple(str(c) for c in self.severity_head_.classes_) if self.severity_head_ is not None
                   else _SEVERITIES)
        z = np.tile(np.where(np.asarray(classes) == "normal", 0.0, -1e6), (len(docs), 1))
        sev_rows = [i for i, k in enumerate(kinds) if k in ("complaint", "inquiry")]
        if sev_rows and self.severity_head_ is not None:
            shared = counts[sev_rows] if self.severity_head_.shares_counts_with(self.kind_head_) else None
            z[sev_rows] = self.severity_head_.decision_function([docs[i] for i in sev_rows],
                                                                self._severity_dense(dense[sev_rows]), shared)
        tiers = tuple("urgent" if f[:n_urgent].any() else "high" if f[n_urgent:].any() else "normal" for f in flags)
        return SeverityInputs(tuple(kinds), tiers, z, classes), flags, n_urgent, kind_proba

    def severity_inputs(self, docs: Sequence[str], sentiment: SentimentModel,
                        features: np.ndarray | None = None) -> SeverityInputs:
        """What :func:`choose_severity_offsets` needs about prepared texts (rows that are not complaints or
        inquiries, or a model without a severity head, get margins that choose normal)."""
        self._check_fitted()
        docs = list(docs)
        if not docs:
            classes = (tuple(str(c) for c in self.severity_head_.classes_) if self.severity_head_ is not None
                       else _SEVERITIES)
            return SeverityInputs((), (), np.zeros((0, len(classes))), classes)
        return self._inputs(docs, sentiment, features, None)[0]

    def predict_prepared(self, docs: Sequence[str], sentiment: SentimentModel, features: np.ndarray | None = None,
                         counts: Any = None) -> tuple[list[str], list[tuple[Priority, str]]]:
        """Kinds and ``(priority, reason)`` of prepared texts (see :func:`feedback_nlp.classify.sentiment.prepare`);
        ``features``: their ``sentiment.stacked_features(docs)`` when already computed; ``counts``: their raw n-gram
        counts from a featurizer hashing like the kind head's (see :meth:`StackedHead.shares_counts_with`)."""
        r = self.read_prepared(docs, sentiment, features, counts)
        return list(r.kinds), list(r.priorities)

    def implied_sentiment(self, kind_proba: np.ndarray) -> np.ndarray | None:
        """The sentiment probabilities (n, 3; negative / neutral / positive) that kind probabilities imply through
        the labelled P(sentiment | kind), or ``None`` when the model has no such table."""
        if self.sentiment_given_kind_ is None:
            return None
        # einsum, not a matrix product: a row's result does not depend on the batch it came in.
        out: np.ndarray = np.einsum("ik,kc->ic", np.asarray(kind_proba, dtype=np.float64), self.sentiment_given_kind_)
        return out

    def read_prepared(self, docs: Sequence[str], sentiment: SentimentModel, features: np.ndarray | None = None,
                      counts: Any = None, register: np.ndarray | None = None) -> IntentReading:
        """:meth:`predict_prepared` with the kind probabilities as well (:class:`IntentReading`); ``register``:
        the texts' :meth:`register_proba` when already computed."""
        self._check_fitted()
        docs = list(docs)
        classes = tuple(str(c) for c in self.kind_head_.classes_)
        if not docs:
            return IntentReading((), np.zeros((0, len(classes))), classes, self.severity_inputs([], sentiment))
        inputs, flags, n_urgent, kind_proba = self._inputs(docs, sentiment, features, counts, register)
        tiers = simulate_priorities(inputs, self.severity_offsets_)  # the one place the tier is decided
        out: list[tuple[Priority, str] | None] = []
        unexplained: list[tuple[int, str]] = []  # (row, tier) raised by the head without a rule: reason below
        for i, (doc, kind, tier) in enumerate(zip(docs, inputs.kinds, tiers)):
            pr = Priority(str(tier))
            reason = KIND_REASONS[kind] if pr in (Priority.NONE, Priority.SUGGESTION, Priority.NORMAL) else \
                self._rule_reason(doc, pr, bool(flags[i, :n_urgent].any()), bool(flags[i, n_urgent:].any()))
            if reason is None:
                unexplained.append((i, pr.value))
            out.append(None if reason is None else (pr, reason))
        for (i, tier), clause in zip(unexplained, self._telling_clauses([(docs[i], t) for i, t in unexplained])):
            out[i] = (Priority(tier), f"模型判断（{PRIORITY_NAMES[tier]}）：{clause}")
        return IntentReading(tuple(o for o in out if o is not None), kind_proba, classes, inputs)

    def _rule_reason(self, doc: str, pr: Priority, any_urgent: bool, any_high: bool) -> str | None:
        """Why ``doc`` got the urgent or high tier ``pr``: the rule of that tier that fired and its clause (else a
        rule of the other tier); ``None`` when the head raised the tier and no rule fired. ``any_urgent`` /
        ``any_high``: whether a rule of that tier fires on ``doc`` (``False`` skips looking for the clause)."""
        urgent = rule_hit(self.rules.urgent, doc) if any_urgent else None
        high = rule_hit(self.rules.high, doc) if any_high else None
        hit = (urgent if pr is Priority.URGENT else high) or urgent or high
        return None if hit is None else f"{hit[0]}：{hit[1]}"

    def _telling_clauses(self, wanted: list[tuple[str, str]]) -> list[str]:
        """Per ``(doc, tier)``: the clause the severity head scores highest for that tier (at most 40 characters);
        all clauses of all docs scored in one call."""
        if not wanted or self.severity_head_ is None:
            return [doc[:40] for doc, _ in wanted]
        head = self.severity_head_
        split = [[p for p in "".join(c if c not in _CLAUSE_SPLIT else "\n" for c in doc).split("\n") if len(p) > 1]
                 or [doc] for doc, _ in wanted]
        flat = [p for parts in split for p in parts]
        margins = head.decision_function(flat, np.zeros((len(flat), len(head.mean_))) + head.mean_)
        out, pos = [], 0
        for parts, (_, tier) in zip(split, wanted):
            j = list(head.classes_).index(tier)
            out.append(parts[int(margins[pos:pos + len(parts), j].argmax())][:40])
            pos += len(parts)
        return out

    # ---------------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        return {"format": _FORMAT, "C": self.C, "n_features": self.n_features, "class_weight": self.class_weight,
                "severity_C": self.severity_C, "severity_class_weight": self.severity_class_weight}

    def save(self, directory: str | Path) -> None:
        """Write ``intent.json`` (config, rules, heads) and ``intent.npz`` (plain arrays)."""
        self._check_fitted()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        kind_cfg, arrays = self.kind_head_.to_state("kind_")
        sev_cfg = None
        if self.severity_head_ is not None:
            sev_cfg, sev_arrays = self.severity_head_.to_state("severity_")
            arrays.update(sev_arrays)
        reg_cfg = None
        if self.register_head_ is not None:
            reg_cfg, reg_arrays = self.register_head_.to_state("register_")
            arrays.update(reg_arrays)
        np.savez_compressed(d / "intent.npz", **arrays)  # type: ignore[arg-type]
        state = {**self.get_config(), "rules": self.rules.to_dict(), "kind_head": kind_cfg,
                 "severity_head": sev_cfg, "severity_offsets": self.severity_offsets_, "register_head": reg_cfg,
                 "sentiment_given_kind": (None if self.sentiment_given_kind_ is None
                                          else self.sentiment_given_kind_.tolist()),
                 "kind_sentiment_weight": self.kind_sentiment_weight_,
                 "training": getattr(self, "training_", {})}
        (d / "intent.json").write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> IntentModel:
        """Load what :meth:`save` wrote (JSON + npz, no pickle); ``device`` is ignored (linear model)."""
        d = Path(directory)
        try:
            state = json.loads((d / "intent.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{d} has no intent.json: train the intent component first") from None
        if state.get("format") != _FORMAT:
            raise ValueError(f"{d}: intent format {state.get('format')!r} is not {_FORMAT!r}; retrain the model")
        m = cls(C=float(state["C"]), n_features=int(state["n_features"]),
                rules=PriorityRules.from_dict(state["rules"]), class_weight=state.get("class_weight"),
                severity_C=float(state.get("severity_C", state["C"])),
                severity_class_weight=state.get("severity_class_weight", state.get("class_weight")))
        with np.load(d / "intent.npz", allow_pickle=False) as z:
            m.kind_head_ = StackedHead.from_state(state["kind_head"], z, "kind_")
            m.severity_head_ = (StackedHead.from_state(state["severity_head"], z, "severity_")
                                if state.get("severity_head") else None)
            m.register_head_ = (StackedHead.from_state(state["register_head"], z, "register_")
                                if state.get("register_head") else None)
        m.sentiment_given_kind_, m.kind_sentiment_weight_ = _kind_sentiment(
            state.get("sentiment_given_kind"), state.get("kind_sentiment_weight", 0.0), len(m.kind_head_.classes_),
            d / "intent.json")
        m.severity_offsets_ = _offsets(state.get("severity_offsets"), d / "intent.json")
        m.training_ = dict(state.get("training") or {})
        return m

    def __repr__(self) -> str:
        return "IntentModel(fitted)" if hasattr(self, "kind_head_") else "IntentModel(unfitted)"


def _offsets(value: Any, where: Path) -> dict[str, float] | None:
    """Stored severity offsets, checked: ``None`` or ``{tier: finite number}`` with tiers urgent / high / normal."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
            k in _SEVERITIES and isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)
            and abs(v) <= 100 for k, v in value.items()):
        raise ModelFormatError(f"{where}: severity_offsets must map urgent / high / normal to finite numbers "
                               f"(at most 100 in size), got {value!r}; retrain or fix the file")
    return {str(k): float(v) for k, v in value.items()}


def _kind_sentiment(table: Any, weight: Any, n_kinds: int, where: Path) -> tuple[np.ndarray | None, float]:
    """Stored P(sentiment | kind) and blend weight, checked: ``None`` or an (n_kinds, 3) table of probabilities
    whose rows sum to 1, and a weight in [0, 1] (which needs the table when above 0)."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0.0 <= float(weight) <= 1.0:
        raise ModelFormatError(f"{where}: kind_sentiment_weight must be a number in [0, 1], got {weight!r}; "
                               "retrain or fix the file")
    if table is None:
        if float(weight) > 0.0:
            raise ModelFormatError(f"{where}: kind_sentiment_weight is {weight} but sentiment_given_kind is missing; "
                                   "retrain or fix the file")
        return None, float(weight)
    try:
        arr = np.asarray(table, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.zeros(0)
    if arr.shape != (n_kinds, len(_SENTIMENTS)) or not np.isfinite(arr).all() or (arr < 0).any() \
            or not np.allclose(arr.sum(axis=1), 1.0, atol=1e-6):
        raise ModelFormatError(f"{where}: sentiment_given_kind must be {n_kinds} rows of 3 probabilities summing to 1 "
                               f"(one per kind); retrain or fix the file")
    return arr, float(weight)
