"""Transformer topic head: multi-label topics with per-topic polarity from a fine-tuned BERT-style encoder.

:class:`TransformerTopics` has the inference surface of :class:`~feedback_nlp.classify.topics.TopicModel` that
:class:`~feedback_nlp.classify.classifier.FeedbackClassifier` uses (``topics_``, ``training_``,
``predict_hits_prepared``,
``save``/``load``) plus ``predict_proba`` / ``predict``, so it replaces the default topic component as is. It
shares the plumbing of :class:`~feedback_nlp.backends.transformer.TransformerSentiment` (head + tail truncation, the
tokenizer lock, fixed-shape batches under ``torch.inference_mode``, offline loading, the training loop).

How it works (each point is a documented choice):

* **Labels** are those of ``feedback-nlp train --task topics``
  (:func:`feedback_nlp.classify.topics.parse_topic_labels`):
  per text a dict ``{topic: polarity}`` or a list of topic names; the taxonomy is whatever names the data has.
* **Model.** The encoder of ``base`` and, per topic, a learned attention query over the tokens (label-wise
  attention: each topic reads the part of the text about it). From that per-topic vector come a detection logit
  (sigmoid, multi-label; binary cross-entropy with ``pos_weight = negatives / positives`` of the topic, so rare
  topics are not ignored) and three polarity logits (softmax over negative / neutral / positive; the loss only on
  rows that have the topic). "服务员很热情，但是上菜太慢" can so be service_attitude positive and efficiency negative.
* **Polarity sources.** A topic whose training labels all share one polarity (``product_defect``: always
  negative) always gets it (``fixed_polarity_``, as in ``TopicModel``). A topic labelled only as ``neutral`` or
  by name (no polarity information) gets the polarity of the sentiment model passed to ``predict_hits`` on the
  whole text (``neutral`` when ``abs(2 * P(positive) - 1) < neutral_band``). Other topics use the polarity head.
* **Thresholds.** With ``threshold="auto"`` each topic's decision threshold is the one (on a 0.025 grid in
  [0.05, 0.95], ties nearest 0.5) that maximises its F1 on the validation split (0.5 without one); otherwise
  the number given. Scores are sigmoid outputs of a ``pos_weight``-ed loss: compare them with ``thresholds_``.
  Early stopping watches the validation loss; ``metrics_`` has per-topic F1 / precision / recall and the
  polarity accuracy on that split.
* **Files.** :meth:`save` writes ``transformer_topics.json`` (config, topics, thresholds, metrics) into the model
  directory and the encoder + heads (one safetensors file), its ``config.json`` and the tokenizer into its
  ``topics_transformer/`` folder, so a transformer sentiment component can live in the same directory.

``import feedback_nlp`` never imports torch, and neither does importing this module.

>>> m = TransformerTopics().fit(texts, [{"efficiency": "negative"}, ...], base="path/to/bert")  # doctest: +SKIP
>>> m.predict(["上菜太慢了"])  # doctest: +SKIP
[('efficiency',)]
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np

from .._numeric import sigmoid
from .._validation import check_str_list
from ..classify.modelfiles import ModelFormatError, check_finite, check_float, check_int, contained, read_json
from ..classify.results import TopicHit
from ..classify.sentiment import prepare
from ..classify.topics import check_threshold, choose_threshold, fixed_polarities, parse_topic_labels, topic_matrix
from .transformer import (
    FineTuneConfig,
    _fine_tune,
    _import_torch,
    _import_transformers,
    _TransformerBase,
    check_model_files,
    read_checkpoint,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..classify.results import SentimentLabel

__all__ = [
    "SUBDIR",
    "TOPICS_CONFIG_NAME",
    "TransformerTopics",
    "is_transformer_topics_dir",
    "topic_scores",
]

_FORMAT = "feedback_nlp.transformer_topics/1"  # a file-format id: unchanged when the module moved
#: Our config file inside a model directory; its presence marks a transformer topic component.
TOPICS_CONFIG_NAME = "transformer_topics.json"
#: Folder (inside the model directory) with the encoder, heads and tokenizer of the topic component.
SUBDIR = "topics_transformer"
_WEIGHTS = "model.safetensors"
_POLARITIES: tuple[SentimentLabel, SentimentLabel, SentimentLabel] = ("negative", "neutral", "positive")
_GRID = np.round(np.arange(0.05, 0.9501, 0.025), 3)
_IGNORE = -100


class _PositiveProbability(Protocol):  # what the polarity fallback needs from a sentiment component
    def prepared_positive_probability(self, docs: Sequence[str]) -> np.ndarray: ...


def is_transformer_topics_dir(directory: str | Path) -> bool:
    """True when ``directory`` holds a :class:`TransformerTopics` (has ``transformer_topics.json``)."""
    return (Path(directory) / TOPICS_CONFIG_NAME).is_file()


def _softmax_last(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


def topic_scores(y_true: np.ndarray, y_pred: np.ndarray, topics: Sequence[str]) -> dict[str, Any]:
    """Per-topic F1 / precision / recall / support of boolean (n, k) arrays, plus micro and macro F1 (scikit-learn,
    0 where a topic is never predicted or never true)."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    p, r, f1, support = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0.0)
    return {"per_topic": {t: {"f1": float(f1[j]), "precision": float(p[j]), "recall": float(r[j]),
                              "support": int(support[j])} for j, t in enumerate(topics)},
            "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0.0)),
            "macro_f1": float(np.mean(f1)) if len(topics) else 0.0}


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The grid threshold maximising F1 of ``p >= t`` against boolean ``y`` (ties: nearest 0.5; 0.5 when ``y``
    has no positive)."""
    from sklearn.metrics import f1_score

    if not y.any():
        return 0.5
    return choose_threshold({float(t): float(f1_score(y, p >= t, zero_division=0.0)) for t in _GRID})


# Why the torch module class is built inside a function: ``_TopicNet`` must subclass ``torch.nn.Module``, but
# importing this module must not import torch (torch is an optional extra, and ``import feedback_nlp`` and the
# doctest run stay light). So the class is built on first use, once (under a lock, so that every model shares one
# class object), and the module ``__getattr__`` below hands it out under its module-level name, which is where
# pickle (and so copy, multiprocessing and Dask) looks a class up.
_NET_CLASS: Any = None
_NET_LOCK = threading.Lock()


def _topic_net_class() -> Any:
    """The torch module class ``_TopicNet`` (built on first use, see the comment above)."""
    global _NET_CLASS
    with _NET_LOCK:
        if _NET_CLASS is None:
            _NET_CLASS = _build_topic_net_class()
    return _NET_CLASS


def _build_topic_net_class() -> Any:
    torch = _import_torch()

    module: Any = torch.nn.Module

    class _TopicNet(module):  # type: ignore[misc]
        """Encoder + per-topic attention pooling + detection and polarity heads; output (n, 4k):
        ``k`` detection logits, then ``3k`` polarity logits (topic-major: negative, neutral, positive)."""

        def __init__(self, encoder: Any, n_topics: int, hidden: int, dropout: float) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.query = torch.nn.Parameter(torch.randn(n_topics, hidden) * 0.02)
            self.detect = torch.nn.Parameter(torch.randn(n_topics, hidden) * 0.02)
            self.detect_bias = torch.nn.Parameter(torch.zeros(n_topics))
            self.polarity = torch.nn.Parameter(torch.randn(n_topics, 3, hidden) * 0.02)
            self.polarity_bias = torch.nn.Parameter(torch.zeros(n_topics, 3))
            self.scale = 1.0 / math.sqrt(hidden)

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            h = self.dropout(h)
            scores = torch.einsum("nlh,kh->nkl", h, self.query) * self.scale
            scores = scores.masked_fill(attention_mask[:, None, :] == 0, -1e4)
            v = torch.einsum("nkl,nlh->nkh", scores.softmax(dim=-1), h)
            detect = (v * self.detect).sum(dim=-1) + self.detect_bias
            polarity = torch.einsum("nkh,kch->nkc", v, self.polarity) + self.polarity_bias
            return torch.cat([detect, polarity.flatten(1)], dim=1)

    _TopicNet.__module__ = __name__
    _TopicNet.__qualname__ = "_TopicNet"
    return _TopicNet


def __getattr__(name: str) -> Any:  # lets pickle find the lazily built module class by its name
    if name == "_TopicNet":
        return _topic_net_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TransformerTopics(_TransformerBase):
    """Multi-label topics with per-topic polarity from a fine-tuned transformer (see the module docstring).

    scikit-learn style: parameters in ``__init__``; learnt state in attributes ending in ``_`` after :meth:`fit`
    or :meth:`load`. ``max_length``, ``micro_batch``, ``head_fraction``, ``device`` and ``num_threads`` mean what
    they mean for :class:`~feedback_nlp.backends.transformer.TransformerSentiment`; ``dropout`` is applied to the token
    vectors in training; ``threshold`` is ``"auto"`` (tuned per topic on the validation split) or a number in
    (0, 1); ``neutral_band`` is used for topics whose polarity comes from the sentiment model.

    >>> labels = [{"efficiency": "negative"}, {"service_attitude": "positive"}, {}]  # doctest: +SKIP
    >>> texts = ["上菜太慢了", "服务员很热情", "菜很好吃"]  # doctest: +SKIP
    >>> m = TransformerTopics().fit(texts, labels, base="path/to/bert")  # doctest: +SKIP
    >>> m.predict_hits_prepared(["上菜太慢了"], None)  # doctest: +SKIP
    [(TopicHit(name='efficiency', score=0.97, polarity='negative'),)]
    """

    #: The backend name recorded in ``meta.json`` (``component_backends``) and used to find the loader.
    backend = "transformers"

    topics_: tuple[str, ...]
    thresholds_: np.ndarray
    fixed_polarity_: dict[str, str]
    polarity_source_: dict[str, str]
    metrics_: dict[str, Any]
    training_: dict[str, Any]

    def __init__(
        self,
        max_length: int = 128,
        micro_batch: int = 16,
        head_fraction: float = 0.75,
        dropout: float = 0.1,
        threshold: float | str = "auto",
        neutral_band: float = 0.1,
        device: str | None = None,
        num_threads: int | None = None,
    ) -> None:
        super().__init__(max_length, micro_batch, head_fraction, device, num_threads)
        self.dropout = dropout
        self.threshold = threshold
        self.neutral_band = neutral_band

    def _check_params(self) -> None:
        self._check_common_params()
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        check_threshold(self.threshold)
        if not 0.0 <= self.neutral_band < 1.0:
            raise ValueError("neutral_band must be in [0, 1)")

    # ---------------------------------------------------------------- inference
    def _forward_batch(self, ids: Any, mask: Any) -> np.ndarray:
        device = next(self.model_.parameters()).device
        out: np.ndarray = self.model_(ids.to(device), mask.to(device)).float().cpu().numpy()
        return out

    def _outputs(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Topic probabilities (n, k) and polarity probabilities (n, k, 3) of prepared texts; empty texts get 0
        and uniform polarity."""
        self._check_fitted()
        k = len(self.topics_)
        proba, pol = np.zeros((len(docs), k)), np.full((len(docs), k, 3), 1 / 3)
        live = [i for i, d in enumerate(docs) if d.strip()]
        if live:
            z = self._fixed_shape_outputs([docs[i] for i in live], 4 * k)
            proba[live] = sigmoid(z[:, :k])
            pol[live] = _softmax_last(z[:, k:].reshape(len(live), k, 3))
        return proba, pol

    def predict_proba_prepared(self, docs: Sequence[str]) -> np.ndarray:
        """Array (n, k): probability of each topic in ``topics_`` order, for prepared texts."""
        return self._outputs(docs)[0]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Array (n, k): probability of each topic in ``topics_`` order (raw texts)."""
        return self.predict_proba_prepared(prepare(check_str_list(texts, "TransformerTopics.predict_proba")))

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Names of the topics whose probability reaches their threshold (``thresholds_``), per text."""
        p = self.predict_proba(texts)
        return [tuple(t for t, s, c in zip(self.topics_, row, self.thresholds_) if s >= c) for row in p]

    def predict_hits(self, texts: Sequence[str], sentiment_model: _PositiveProbability | None = None
                     ) -> list[tuple[TopicHit, ...]]:
        """Detected topics with score and polarity per raw text (see :meth:`predict_hits_prepared`)."""
        return self.predict_hits_prepared(prepare(check_str_list(texts, "TransformerTopics.predict_hits")),
                                          sentiment_model)

    def predict_hits_prepared(self, docs: Sequence[str], sentiment_model: _PositiveProbability | None = None
                              ) -> list[tuple[TopicHit, ...]]:
        """Topics reaching their threshold, with ``score`` (probability) and ``polarity``, per prepared text;
        ``()`` for an empty text. ``sentiment_model`` gives the polarity of topics trained without polarity
        information (neutral without it)."""
        proba, pol = self._outputs(docs)
        hit = proba >= self.thresholds_
        text_pos: dict[int, float] = {}
        need = sorted({i for i, j in zip(*np.nonzero(hit)) if self.polarity_source_[self.topics_[j]] == "sentiment"})
        if need and sentiment_model is not None:
            p = sentiment_model.prepared_positive_probability([docs[i] for i in need])
            text_pos = {i: 2 * float(v) - 1 for i, v in zip(need, p)}
        out: list[tuple[TopicHit, ...]] = []
        for i, doc in enumerate(docs):
            hits: list[TopicHit] = []
            if doc.strip():
                for j in np.flatnonzero(hit[i]):
                    t = self.topics_[j]
                    source = self.polarity_source_[t]
                    polarity: SentimentLabel
                    if source == "fixed":
                        polarity = cast("SentimentLabel", self.fixed_polarity_[t])
                    elif source == "head":
                        polarity = _POLARITIES[int(pol[i, j].argmax())]
                    else:
                        s = text_pos.get(i, 0.0)
                        polarity = "neutral" if abs(s) < self.neutral_band else ("positive" if s > 0 else "negative")
                    hits.append(TopicHit(t, round(float(proba[i, j]), 4), polarity))
            out.append(tuple(hits))
        return out

    # ---------------------------------------------------------------- training
    def fit(
        self,
        texts: Sequence[str],
        topic_labels: Iterable[Any],
        base: str | Path,
        epochs: float = 3,
        max_steps: int | None = None,
        batch_size: int = 32,
        lr: float = 5e-5,
        seed: int = 0,
        val_fraction: float = 0.2,
        early_stopping_patience: int | None = 2,
        progress: bool = False,
        eval_steps: int | None = None,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.06,
        group_by_length: bool = True,
        max_seconds: float | None = None,
    ) -> TransformerTopics:
        """Fine-tune ``base`` (a local checkpoint directory, or a hub id when online) with the topic heads.

        ``topic_labels``: per text a dict ``{topic: polarity}`` or a list of names
        (:func:`feedback_nlp.classify.topics.parse_topic_labels`); every topic needs at least 2 texts with it and 2
        without. ``val_fraction`` of the rows (stratified by topic set when possible) is held out for early
        stopping, the thresholds and ``metrics_``. The other arguments are those of
        :meth:`TransformerSentiment.fit <feedback_nlp.backends.transformer.TransformerSentiment.fit>`; they
        travel together as a :class:`~feedback_nlp.backends.transformer.FineTuneConfig`.
        """
        config = FineTuneConfig(
            epochs=epochs, max_steps=max_steps, batch_size=batch_size, lr=lr, seed=seed, val_fraction=val_fraction,
            early_stopping_patience=early_stopping_patience, weight_decay=weight_decay, warmup_ratio=warmup_ratio,
            group_by_length=group_by_length, max_seconds=max_seconds, eval_steps=eval_steps, progress=progress)
        self._check_params()
        self._setup_torch()
        texts = check_str_list(texts, "TransformerTopics.fit")
        rows = parse_topic_labels(topic_labels)
        self._check_fit_args(len(texts), len(rows), config)
        targets = _topic_targets(rows)
        docs = prepare(texts)
        device = self._start_model(base, targets, config.seed)
        tr_idx, va_idx = _split(rows, config.val_fraction, config.seed)
        objective = _TopicObjective(self, docs, targets, tr_idx, va_idx)
        loop = _fine_tune(self.model_, self._encode(docs), self._pad, tr_idx, objective.batch_loss,
                          objective.evaluate if len(va_idx) else None, device=device, config=config,
                          desc="fine-tune topics")
        self.metrics_ = self._tune_thresholds(docs, rows, targets, tr_idx, va_idx, loop)
        self.training_ = {
            "backend": "transformers", "base": str(base), **config.record(), "rows": len(rows),
            "topic_counts": dict(zip(targets.topics, targets.y.sum(axis=0).astype(int).tolist())),
            "pos_weight": dict(zip(targets.topics, objective.pos_weight.round(3).tolist())),
            "polarity_source": targets.source, "device": device,
        }
        return self

    def _start_model(self, base: str | Path, targets: _TopicTargets, seed: int) -> str:
        """Seed, load the tokenizer and the encoder of ``base``, add fresh topic heads; sets the topic attributes
        (thresholds at 0.5 or the fixed ``threshold`` until tuned). Returns the device the model is on."""
        name, local = self._seed_and_tokenizer(base, seed)
        tf = _import_transformers()
        encoder = tf.AutoModel.from_pretrained(name, local_files_only=local)
        hidden = int(encoder.config.hidden_size)
        topics = targets.topics
        self.topics_ = topics
        self.fixed_polarity_ = targets.fixed
        self.polarity_source_ = targets.source
        self.thresholds_ = np.full(len(topics), 0.5 if self.threshold == "auto" else float(self.threshold))
        device = self._device()
        self.model_ = _topic_net_class()(encoder, len(topics), hidden, float(self.dropout)).to(device)
        return device

    def _tune_thresholds(self, docs: Sequence[str], rows: Sequence[dict[str, str]], targets: _TopicTargets,
                         tr_idx: np.ndarray, va_idx: np.ndarray, loop: dict[str, Any]) -> dict[str, Any]:
        """``metrics_`` of a finished loop; with a validation split also tunes ``thresholds_`` on it (when
        ``threshold="auto"``) and scores it."""
        metrics: dict[str, Any] = {"steps": loop["steps"], "epochs_run": loop["epochs_run"],
                                   "train_seconds": loop["train_seconds"], "n_train": len(tr_idx),
                                   "n_val": len(va_idx), "early_stopped": loop["early_stopped"]}
        if len(va_idx):
            proba, pol = self._outputs([docs[i] for i in va_idx])
            if self.threshold == "auto":
                self.thresholds_ = np.array([_best_threshold(proba[:, j], targets.y[va_idx, j])
                                             for j in range(len(targets.topics))])
            metrics.update(self._score(proba, pol, [rows[i] for i in va_idx]))
            metrics["val_loss"] = float(min(h["val_loss"] for h in loop["history"]))
        metrics["thresholds"] = dict(zip(targets.topics, self.thresholds_.round(3).tolist()))
        metrics["history"] = loop["history"]
        return metrics

    def evaluate(self, texts: Sequence[str], topic_labels: Iterable[Any], prepared: bool = False) -> dict[str, Any]:
        """Per-topic F1 / precision / recall / support, micro / macro F1 and polarity accuracy on labelled texts.

        Polarity accuracy is over (text, topic) pairs that have the topic in the labels and a polarity head
        (``polarity_n`` pairs); ``polarity_accuracy_detected`` only counts the pairs the model also detects.
        """
        self._check_fitted()
        texts = check_str_list(texts, "TransformerTopics.evaluate")
        rows = parse_topic_labels(topic_labels)
        if len(texts) != len(rows):
            raise ValueError(f"{len(texts)} texts but {len(rows)} topic labels")
        return self._score(*self._outputs(list(texts) if prepared else prepare(texts)), rows)

    def _score(self, proba: np.ndarray, pol: np.ndarray, rows: Sequence[dict[str, str]]) -> dict[str, Any]:
        pred = proba >= self.thresholds_
        truth = np.array([[t in r for t in self.topics_] for r in rows], dtype=bool).reshape(len(rows), -1)
        out = topic_scores(truth, pred, self.topics_)
        right = seen = right_det = seen_det = 0
        for i, r in enumerate(rows):
            for j, t in enumerate(self.topics_):
                if t in r and self.polarity_source_[t] == "head":
                    ok = int(_POLARITIES[int(pol[i, j].argmax())] == r[t])
                    right, seen = right + ok, seen + 1
                    if pred[i, j]:
                        right_det, seen_det = right_det + ok, seen_det + 1
        out.update(polarity_accuracy=right / seen if seen else None, polarity_n=seen,
                   polarity_accuracy_detected=right_det / seen_det if seen_det else None, polarity_n_detected=seen_det)
        return out

    # ---------------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        return {"format": _FORMAT, "max_length": self.max_length, "micro_batch": self.micro_batch,
                "head_fraction": self.head_fraction, "dropout": self.dropout, "threshold": self.threshold,
                "neutral_band": self.neutral_band}

    def save(self, directory: str | Path) -> None:
        """Write ``transformer_topics.json`` into ``directory`` and the encoder + heads (safetensors), the
        encoder's ``config.json`` and the tokenizer into ``directory/topics_transformer/``.

        A ``topics.json`` / ``topics.npz`` (a :class:`~feedback_nlp.classify.topics.TopicModel`) left in
        ``directory`` is
        removed: a model directory holds one topic component, the one saved last.
        """
        self._check_fitted()
        torch = _import_torch()
        tf = _import_transformers()
        from safetensors.torch import save_model

        from .. import __version__

        d = Path(directory)
        sub = d / SUBDIR
        sub.mkdir(parents=True, exist_ok=True)
        save_model(self.model_, str(sub / _WEIGHTS))
        self.model_.encoder.config.save_pretrained(str(sub))
        self.tokenizer_.save_pretrained(str(sub))
        state = {**self.get_config(), "topics": list(self.topics_), "thresholds": self.thresholds_.tolist(),
                 "fixed_polarity": self.fixed_polarity_, "polarity_source": self.polarity_source_,
                 "hidden_size": int(self.model_.encoder.config.hidden_size), "subdir": SUBDIR,
                 "training": getattr(self, "training_", {}), "metrics": getattr(self, "metrics_", {}),
                 "versions": {"feedback_nlp": __version__, "torch": str(torch.__version__),
                              "transformers": str(tf.__version__)},
                 "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        (d / TOPICS_CONFIG_NAME).write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        for stale in ("topics.json", "topics.npz"):
            (d / stale).unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None,
             num_threads: int | None = None) -> TransformerTopics:
        """Load what :meth:`save` wrote, from local files only (never contacts a hub)."""
        d = Path(directory)
        if not d.is_dir():
            raise FileNotFoundError(f"model directory {d} does not exist")
        if not is_transformer_topics_dir(d):
            raise FileNotFoundError(f"{d} lacks {TOPICS_CONFIG_NAME}: not a transformer topic component; train one "
                                    "with `feedback-nlp train --backend transformers --task topics`")
        path = d / TOPICS_CONFIG_NAME
        state = read_json(d, TOPICS_CONFIG_NAME)
        if state.get("format") != _FORMAT:
            raise ModelFormatError(f"{path}: transformer topics format {state.get('format')!r} is not "
                                   f"{_FORMAT!r}; retrain the topic component")
        sub = contained(d, str(state.get("subdir", SUBDIR)))  # never a path outside the model directory
        check_model_files(sub, ours=True, marker=None)
        try:
            threshold = state["threshold"]
            m = cls(max_length=check_int(path, state, "max_length", 8, 1 << 16),
                    micro_batch=check_int(path, state, "micro_batch", 1, 1 << 14),
                    head_fraction=check_float(path, state, "head_fraction"),
                    dropout=check_float(path, state, "dropout"),
                    threshold=threshold if isinstance(threshold, str) else float(threshold),
                    neutral_band=check_float(path, state, "neutral_band"), device=device, num_threads=num_threads)
            hidden_size = check_int(path, state, "hidden_size", 1, 1 << 16)
            m.topics_ = tuple(str(t) for t in state["topics"])
            if not 1 <= len(m.topics_) <= 1000:
                raise ModelFormatError(f"{path}: {len(m.topics_)} topics; a model has 1 to 1000")
            m.thresholds_ = np.asarray(state["thresholds"], dtype=np.float64)
            check_finite(path, "thresholds", m.thresholds_)
            m.fixed_polarity_ = {str(k): str(v) for k, v in state["fixed_polarity"].items()}
            m.polarity_source_ = {str(k): str(v) for k, v in state["polarity_source"].items()}
        except ModelFormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ModelFormatError(f"{path}: {type(e).__name__}: {e}; save or copy the model again") from None
        if m.thresholds_.shape != (len(m.topics_),) or set(m.polarity_source_) != set(m.topics_):
            raise ModelFormatError(f"{path} is inconsistent (topics, thresholds, polarity_source); "
                                   "retrain the topic component")
        m._setup_torch()
        tf = _import_transformers()
        from safetensors.torch import load_model

        def read() -> Any:
            m._load_tokenizer(str(sub), True)
            encoder = tf.AutoModel.from_config(tf.AutoConfig.from_pretrained(str(sub), local_files_only=True))
            net = _topic_net_class()(encoder, len(m.topics_), hidden_size, m.dropout)
            load_model(net, str(sub / _WEIGHTS))
            return net

        m._finish_load(read_checkpoint(read, sub, "topic transformer weights, config or tokenizer"), sub, state)
        return m

    def __repr__(self) -> str:
        topics = getattr(self, "topics_", None)
        return f"TransformerTopics(topics={topics!r})" if topics is not None else "TransformerTopics(unfitted)"


@dataclass(frozen=True)
class _TopicTargets:
    """What a :class:`TransformerTopics` learns from the topic labels."""

    topics: tuple[str, ...]
    y: np.ndarray  # (n, k) bool: row has topic
    fixed: dict[str, str]  # topic -> the one polarity all its labels share
    source: dict[str, str]  # topic -> where its polarity comes from: "fixed", "sentiment" or "head"
    polarity: np.ndarray  # (n, k) polarity index for the head (_IGNORE where the pair has none)


def _topic_targets(rows: Sequence[dict[str, str]]) -> _TopicTargets:
    """Topic matrix, fixed polarities, polarity sources and polarity-head targets of parsed topic labels."""
    names, y01 = topic_matrix(rows)
    topics, y = tuple(names), y01.astype(bool)
    fixed = fixed_polarities(rows, topics)
    source = {t: "fixed" if t in fixed else
              "sentiment" if {r[t] for r in rows if t in r} == {"neutral"} else "head" for t in topics}
    pol_y = np.full(y.shape, _IGNORE, dtype=np.int64)
    for i, r in enumerate(rows):
        for j, t in enumerate(topics):
            if t in r and source[t] == "head":
                pol_y[i, j] = _POLARITIES.index(cast("SentimentLabel", r[t]))
    return _TopicTargets(topics, y, fixed, source, pol_y)


class _TopicObjective:
    """The loss of :class:`TransformerTopics` for :func:`~feedback_nlp.backends.transformer._fine_tune`: detection
    binary cross-entropy (``pos_weight = negatives / positives`` of each topic in the training rows, clipped to
    [0.01, 100]) plus polarity cross-entropy on the (row, topic) pairs that have one; and the validation scores."""

    def __init__(self, model: TransformerTopics, docs: Sequence[str], targets: _TopicTargets, train_rows: np.ndarray,
                 val_rows: np.ndarray) -> None:
        torch = _import_torch()
        self.model, self.docs, self.targets, self.val_rows = model, docs, targets, val_rows
        self.k = len(targets.topics)
        n_pos = targets.y[train_rows].sum(axis=0).astype(np.float64)
        self.pos_weight = np.clip((len(train_rows) - n_pos) / np.maximum(n_pos, 1.0), 0.01, 100.0)
        self.pw = torch.tensor(self.pos_weight, dtype=torch.float32)

    def loss(self, z: Any, rows: Sequence[int] | np.ndarray) -> Any:
        torch = _import_torch()
        k = self.k
        target = torch.tensor(self.targets.y[rows], dtype=torch.float32, device=z.device)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z[:, :k], target, pos_weight=self.pw.to(z.device))
        pt = torch.tensor(self.targets.polarity[rows], device=z.device).reshape(-1)
        keep = pt != _IGNORE
        if bool(keep.any()):
            loss = loss + torch.nn.functional.cross_entropy(z[:, k:].reshape(-1, 3)[keep], pt[keep])
        return loss

    def batch_loss(self, ids: Any, mask: Any, rows: list[int]) -> Any:
        return self.loss(self.model.model_(ids, mask), rows)

    def evaluate(self) -> dict[str, float]:
        torch = _import_torch()
        va = self.val_rows
        z = self.model._fixed_shape_outputs([self.docs[i] for i in va], 4 * self.k)
        pred = sigmoid(z[:, :self.k]) >= 0.5
        return {"val_loss": float(self.loss(torch.tensor(z, dtype=torch.float32), va)),
                "val_micro_f1": float(topic_scores(self.targets.y[va], pred, self.targets.topics)["micro_f1"])}


def _split(rows: Sequence[dict[str, str]], val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train / validation row indexes, stratified by topic set (rare sets pooled) when the data allows."""
    idx = np.arange(len(rows))
    n_val = round(len(rows) * val_fraction)
    if val_fraction <= 0 or n_val < 2 or len(rows) - n_val < 2:
        return idx, idx[:0]
    from collections import Counter

    from sklearn.model_selection import train_test_split

    strata = ["+".join(sorted(r)) for r in rows]
    counts = Counter(strata)
    strata = [s if counts[s] >= 2 else "(rare)" for s in strata]
    try:
        tr, va = train_test_split(idx, test_size=n_val, random_state=seed, stratify=strata)
    except ValueError:  # too few rows per stratum for this split size
        tr, va = train_test_split(idx, test_size=n_val, random_state=seed)
    return np.sort(tr), np.sort(va)
