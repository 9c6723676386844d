"""Transformer backend: fine-tune any local Chinese BERT-style checkpoint and serve it through FeedbackClassifier.

:class:`TransformerSentiment` has the inference surface of :class:`~feedback_nlp.classify.sentiment.SentimentModel` that
:class:`~feedback_nlp.classify.classifier.FeedbackClassifier` and :class:`~feedback_nlp.classify.topics.TopicModel` use
(``predict_proba_prepared``, ``prepared_positive_probability``, ``sentiments_from_proba``, ``positive_probability``,
``predict_proba``, ``predict``, ``save``/``load``), so a transformer model is used exactly like the default one.

How it works (each point is a documented choice):

* **Head.** A softmax sequence-classification head. With at least ``min_neutral`` neutral training rows it is
  3-class (negative, neutral, positive); otherwise binary (neutral rows dropped), and the neutral class comes from
  the same band as the linear model: neutral is the arg-max exactly when ``abs(2 * P(positive) - 1) <
  neutral_threshold`` (:func:`feedback_nlp.classify.sentiment.three_way`). Logits are divided by a temperature fitted
  on the
  validation split (temperature scaling), so ``P(positive)`` is calibrated. Class weights (``"balanced"`` by
  default) go into the cross-entropy loss.
* **Text.** The model sees the same prepared text as every other component
  (:func:`feedback_nlp.classify.sentiment.prepare`:
  normalised, negations rewritten). Texts longer than ``max_length`` tokens keep the first ``head_fraction`` (3/4)
  and the last 1/4 of the token budget (head + tail): reviews put their verdict at the start or the end.
* **Inference.** Length-sorted batches under ``torch.inference_mode``, on the GPU when present. Every forward pass
  has a fixed shape (``micro_batch`` rows, lengths padded to a power-of-two bucket), so on CPU a text's scores do
  not depend on the batch it came in (``classify(t) == classify_batch([..., t, ...])``, bit for bit).
* **Threads.** The (Rust) tokenizer is called under a lock, so concurrent ``classify`` calls never raise
  "Already borrowed"; the forward pass itself runs without the lock.
* **Offline.** A saved model directory is loaded with ``local_files_only=True``; a base checkpoint is read from a
  local directory, and a hub id is only fetched when the user passes one and ``HF_HUB_OFFLINE`` is not set.
  A directory that lacks files raises :class:`FileNotFoundError` naming them.

A model directory is marked by ``transformer_sentiment.json`` (:func:`is_transformer_dir`); loading it as a
:class:`~feedback_nlp.classify.classifier.FeedbackClassifier` (:func:`load_transformer_classifier`) picks that file up
instead of ``sentiment.json``, with the topic component that is there (``topics.json``: a TopicModel;
``transformer_topics.json``: a :class:`~feedback_nlp.backends.transformer_topics.TransformerTopics`, the transformer
topic
head, which shares this module's plumbing: :class:`_TransformerBase` and the training loop :func:`_fine_tune`).

``import feedback_nlp`` never imports torch; this module imports torch and transformers inside its functions
(install them with ``pip install "feedback_nlp[transformers]"``).

>>> m = TransformerSentiment().fit(texts, labels, base="path/to/bert-base-chinese", epochs=2)  # doctest: +SKIP
>>> m.predict(["服务很好"])  # doctest: +SKIP
array(['positive'], dtype='<U8')
>>> clf = train_transformer_classifier(texts, labels, base="path/to/bert")  # doctest: +SKIP
>>> clf.save("my_model"); fn.load("my_model").classify("房间很干净").sentiment.label  # doctest: +SKIP
'positive'
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._validation import check_str_list
from ..classify.components import NotFittedError
from ..classify.modelfiles import ModelFormatError, check_float, check_int, read_json
from ..classify.results import SENTIMENT_LABELS, Sentiment
from ..classify.sentiment import SentimentModel, binary_labels, prepare, three_way

if TYPE_CHECKING:  # pragma: no cover
    from ..classify.classifier import FeedbackClassifier

__all__ = [
    "CONFIG_NAME",
    "FineTuneConfig",
    "TransformerSentiment",
    "check_finite_parameters",
    "check_model_files",
    "read_checkpoint",
    "is_transformer_dir",
    "load_transformer_classifier",
    "resolve_base",
    "train_transformer_classifier",
]

_FORMAT = "feedback_nlp.transformer_sentiment/1"
#: Our config file inside a model directory; its presence marks a transformer model directory.
CONFIG_NAME = "transformer_sentiment.json"
#: Sequence-length buckets of the fixed-shape forward passes (capped at ``max_length``).
_BUCKETS = (16, 32, 64, 128, 256, 512, 1024, 2048)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_INSTALL_HINT = 'the transformer backend needs torch and transformers: pip install "feedback_nlp[transformers]"'


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ImportError(_INSTALL_HINT) from e
    return torch


def _import_transformers() -> Any:
    try:
        import transformers
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ImportError(_INSTALL_HINT) from e
    return transformers


def _offline() -> bool:
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def is_transformer_dir(directory: str | Path) -> bool:
    """True when ``directory`` holds a :class:`TransformerSentiment` (has ``transformer_sentiment.json``)."""
    return (Path(directory) / CONFIG_NAME).is_file()


def check_model_files(directory: str | Path, ours: bool = False, marker: str | None = CONFIG_NAME) -> None:
    """Raise :class:`FileNotFoundError` naming what a checkpoint directory lacks.

    A checkpoint needs ``config.json``, weights (``*.safetensors``, or ``pytorch_model.bin`` for a base
    checkpoint) and a tokenizer (``tokenizer.json`` or ``vocab.txt``); ``ours=True`` also needs safetensors
    weights and the ``marker`` file (``transformer_sentiment.json``; ``None``: none).
    """
    d = Path(directory)
    if not d.is_dir():
        raise FileNotFoundError(f"model directory {d} does not exist")
    missing = []
    if not (d / "config.json").is_file():
        missing.append("config.json")
    has_st = any(d.glob("*.safetensors"))
    if not has_st and (ours or not (d / "pytorch_model.bin").is_file()):
        missing.append("*.safetensors weights" + ("" if ours else " (or pytorch_model.bin)"))
    if not any((d / f).is_file() for f in ("tokenizer.json", "vocab.txt")):
        missing.append("tokenizer files (tokenizer.json or vocab.txt)")
    if ours and marker is not None and not (d / marker).is_file():
        missing.append(marker)
    if missing:
        raise FileNotFoundError(
            f"{d} lacks {', '.join(missing)}: copy the complete checkpoint there (save_pretrained writes all of "
            "them); nothing is downloaded for a local directory"
        )


def check_finite_parameters(module: Any, where: str | Path) -> None:
    """:class:`~feedback_nlp.modelfiles.ModelFormatError` if a weight of a torch ``module`` is NaN or infinite."""
    torch = _import_torch()
    for name, tensor in module.state_dict().items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ModelFormatError(f"{where}: weight {name!r} holds NaN or infinite values; save or copy the model "
                                   "again")


def read_checkpoint(read: Callable[[], Any], where: str | Path, what: str) -> Any:
    """``read()`` (a ``from_pretrained`` / safetensors load of local files) with every error of a damaged file turned
    into :class:`ModelFormatError` naming ``where`` (safetensors, tokenizers and torch raise their own types; a
    missing extra stays an ImportError)."""
    try:
        return read()
    except ImportError:
        raise
    except Exception as e:
        raise ModelFormatError(f"{where}: the {what} could not be read ({type(e).__name__}: {e}); save or copy "
                               "the model again") from None


def resolve_base(base: str | Path) -> tuple[str, bool]:
    """``(name_or_path, local)`` for a base checkpoint: a local directory (checked) or an explicit hub id.

    A hub id is only allowed when ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` are not set; it is then the
    user's explicit request to download. Anything else raises :class:`FileNotFoundError`.
    """
    s = str(base)
    p = Path(s).expanduser()
    if p.exists():
        check_model_files(p)
        return str(p), True
    if not _HUB_ID.match(s) or s.startswith((".", "~")):
        raise FileNotFoundError(f"base checkpoint directory {s!r} does not exist")
    if _offline():
        raise FileNotFoundError(
            f"{s!r} is not a local directory, and HF_HUB_OFFLINE is set so it cannot be fetched from a hub; "
            "pass a directory holding the checkpoint (config.json, *.safetensors, tokenizer files)"
        )
    return s, False


def _bucket(n: int, max_length: int) -> int:
    for b in _BUCKETS:
        if n <= b:
            return min(b, max_length)
    return max_length


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class FineTuneConfig:
    """How a transformer component is fine-tuned: the training-loop arguments of
    :meth:`TransformerSentiment.fit` and
    :meth:`TransformerTopics.fit <feedback_nlp.backends.transformer_topics.TransformerTopics.fit>` (which document
    each one), as one value for :func:`_fine_tune`.

    The fields up to ``max_seconds`` are recorded in a model's ``training_`` (:meth:`record`).

    >>> FineTuneConfig(epochs=2, lr=1e-4).record()["lr"]
    0.0001
    """

    epochs: float = 3
    max_steps: int | None = None
    batch_size: int = 32
    lr: float = 5e-5
    seed: int = 0
    val_fraction: float = 0.1
    early_stopping_patience: int | None = 2
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    group_by_length: bool = True
    max_seconds: float | None = None
    eval_steps: int | None = None
    progress: bool = False

    def check(self) -> None:
        """Raise a ValueError that says what to change when a setting is out of range."""
        if self.batch_size < 1 or self.lr <= 0 or self.epochs <= 0:
            raise ValueError("batch_size, lr and epochs must be positive")
        if not 0 <= self.val_fraction < 1:
            raise ValueError("val_fraction must be in [0, 1)")

    def record(self) -> dict[str, Any]:
        """The settings a model records in ``training_`` (and its model card), in field order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("eval_steps", "progress")}


class _TransformerBase:
    """Plumbing shared by the transformer components (:class:`TransformerSentiment`,
    :class:`~feedback_nlp.backends.transformer_topics.TransformerTopics`): parameters, the tokenizer lock, device and
    threads, head + tail encoding and fixed-shape forward passes. Subclasses implement :meth:`_forward_batch`."""

    model_: Any
    tokenizer_: Any

    def __init__(self, max_length: int, micro_batch: int, head_fraction: float, device: str | None,
                 num_threads: int | None) -> None:
        self.max_length = max_length
        self.micro_batch = micro_batch
        self.head_fraction = head_fraction
        self.device = device
        self.num_threads = num_threads
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- plumbing
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @staticmethod
    def _check_fit_args(n_texts: int, n_labels: int, config: FineTuneConfig) -> None:
        """The argument checks every ``fit`` shares (with a message that says what to change)."""
        if n_texts != n_labels:
            raise ValueError(f"{n_texts} texts but {n_labels} labels")
        if not n_texts:
            raise ValueError("no training texts")
        config.check()

    def _seed_and_tokenizer(self, base: str | Path, seed: int) -> tuple[str, bool]:
        """First step of every fine-tuning: resolve ``base``, seed torch and numpy, load the tokenizer. Returns
        ``(name_or_path, local_files_only)`` for loading the weights."""
        torch = _import_torch()
        name, local = resolve_base(base)
        torch.manual_seed(seed)
        np.random.seed(seed)
        self._load_tokenizer(name, local or _offline())
        return name, local or _offline()

    def _check_common_params(self) -> None:
        if not isinstance(self.max_length, int) or self.max_length < 8:
            raise ValueError("max_length must be an int >= 8")
        if not isinstance(self.micro_batch, int) or self.micro_batch < 1:
            raise ValueError("micro_batch must be a positive int")
        if not 0.0 < self.head_fraction <= 1.0:
            raise ValueError("head_fraction must be in (0, 1]")

    def _finish_load(self, module: Any, where: str | Path, state: dict[str, Any]) -> None:
        """Check the loaded weights are finite, move them to the device in eval mode, and restore the metrics and
        training record of ``state`` (the component's JSON)."""
        check_finite_parameters(module, where)
        self.model_ = module.to(self._device()).eval()
        self.metrics_ = dict(state.get("metrics") or {})
        self.training_ = dict(state.get("training") or {})

    def _setup_torch(self) -> Any:
        torch = _import_torch()
        if self.num_threads is not None:
            torch.set_num_threads(int(self.num_threads))
        elif hasattr(os, "sched_getaffinity"):
            usable = len(os.sched_getaffinity(0))
            if torch.get_num_threads() > usable:
                torch.set_num_threads(usable)
        return torch

    def _device(self) -> str:
        if self.device is not None:
            return self.device
        torch = _import_torch()
        return "cuda" if torch.cuda.is_available() else "cpu"

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            name = type(self).__name__
            raise NotFittedError(name)

    def _load_tokenizer(self, name: str, local: bool) -> None:
        """``tokenizer_`` from a checkpoint; it must be a fast tokenizer with [CLS]/[SEP] tokens."""
        tf = _import_transformers()
        self.tokenizer_ = tf.AutoTokenizer.from_pretrained(name, local_files_only=local)
        if not getattr(self.tokenizer_, "is_fast", False):
            raise ValueError(f"{name}: a fast (tokenizers) tokenizer is needed; add tokenizer.json or vocab.txt")
        if self.tokenizer_.cls_token_id is None or self.tokenizer_.sep_token_id is None:
            raise ValueError(f"{name}: the tokenizer has no [CLS]/[SEP] tokens; use a BERT-style checkpoint "
                             "(bert-base-chinese, chinese-roberta-wwm-ext, MacBERT, ...)")

    def _encode(self, docs: Sequence[str]) -> list[list[int]]:
        """Token ids with [CLS]/[SEP], truncated head + tail to ``max_length``."""
        with self._lock:  # one Rust tokenizer shared by threads: serialise the calls ("Already borrowed")
            enc = self.tokenizer_(list(docs), add_special_tokens=False, truncation=False, padding=False,
                                  return_attention_mask=False, return_token_type_ids=False, verbose=False)
        ids: list[list[int]] = enc["input_ids"]
        budget = self.max_length - 2
        head = max(1, round(budget * self.head_fraction))
        tail = budget - head
        cls_id, sep_id = int(self.tokenizer_.cls_token_id), int(self.tokenizer_.sep_token_id)
        out = []
        for seq in ids:
            if len(seq) > budget:
                seq = seq[:head] + (seq[len(seq) - tail:] if tail else [])
            out.append([cls_id, *seq, sep_id])
        return out

    def _pad(self, seqs: Sequence[Sequence[int]], length: int, rows: int) -> tuple[Any, Any]:
        torch = _import_torch()
        pad_id = int(self.tokenizer_.pad_token_id or 0)
        ids = torch.full((rows, length), pad_id, dtype=torch.long)
        mask = torch.zeros((rows, length), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
            mask[i, : len(s)] = 1
        if len(seqs) < rows:  # filler rows: [CLS][SEP], so every pass has the same shape
            cls_id, sep_id = int(self.tokenizer_.cls_token_id), int(self.tokenizer_.sep_token_id)
            ids[len(seqs):, 0], ids[len(seqs):, 1] = cls_id, sep_id
            mask[len(seqs):, :2] = 1
        return ids, mask

    def _forward_batch(self, ids: Any, mask: Any) -> np.ndarray:
        """Outputs (rows, width) of one padded CPU batch (``ids``, ``mask``: long tensors); run under
        ``torch.inference_mode``. The subclass knows its module (and runtime)."""
        raise NotImplementedError

    def _fixed_shape_outputs(self, docs: Sequence[str], width: int, batch_size: int | None = None) -> np.ndarray:
        """:meth:`_forward_batch` outputs (n, width), float64, in the order of ``docs``.

        Length-sorted batches of exactly ``micro_batch`` rows (filler rows added), lengths padded to a
        power-of-two bucket: every forward pass has one of a few fixed shapes, so a text's output does not depend
        on the batch it came in.
        """
        self._check_fitted()
        torch = self._setup_torch()
        out = np.zeros((len(docs), width))
        if not docs:
            return out
        rows = self.micro_batch if batch_size is None else max(1, min(batch_size, self.micro_batch))
        seqs = self._encode(docs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # length-sorted: little padding
        groups: dict[int, list[int]] = {}
        for i in order:
            groups.setdefault(_bucket(len(seqs[i]), self.max_length), []).append(i)
        with torch.inference_mode():
            for length, idx in sorted(groups.items()):
                for start in range(0, len(idx), rows):
                    part = idx[start:start + rows]
                    ids, mask = self._pad([seqs[i] for i in part], length, rows)
                    out[part] = np.asarray(self._forward_batch(ids, mask), dtype=np.float64)[: len(part)]
        return out


class TransformerSentiment(_TransformerBase):
    """Sentiment from a fine-tuned transformer, with the :class:`~feedback_nlp.classify.sentiment.SentimentModel` API.

    Parameters (stored as given, scikit-learn style; learnt state ends in ``_`` after :meth:`fit` or :meth:`load`):
    ``max_length`` tokens per text (head + tail truncation, ``head_fraction`` of them from the head),
    ``micro_batch`` rows per forward pass, ``neutral_threshold`` (binary models' neutral band), ``min_neutral``
    (neutral rows needed for a 3-class head), ``class_weight`` (``"balanced"`` or ``None``), ``device``
    (``None``: CUDA when available, else CPU) and ``num_threads`` (CPU threads for torch; ``None`` keeps torch's
    default, capped at the CPUs this process may use).

    >>> m = TransformerSentiment.load("my_transformer_model")  # doctest: +SKIP
    >>> m.predict_proba(["房间很干净", "太差了"]).round(2)  # doctest: +SKIP
    array([[0.02, 0.03, 0.95],
           [0.96, 0.02, 0.02]])
    """

    #: The backend name recorded in ``meta.json`` (``component_backends``) and used to find the loader.
    backend = "transformers"

    labels_: tuple[str, ...]
    temperature_: float
    metrics_: dict[str, Any]
    training_: dict[str, Any]

    def __init__(
        self,
        max_length: int = 128,
        micro_batch: int = 16,
        head_fraction: float = 0.75,
        neutral_threshold: float = 0.3,
        min_neutral: int = 20,
        class_weight: str | None = "balanced",
        device: str | None = None,
        num_threads: int | None = None,
    ) -> None:
        super().__init__(max_length, micro_batch, head_fraction, device, num_threads)
        self.neutral_threshold = neutral_threshold
        self.min_neutral = min_neutral
        self.class_weight = class_weight

    def _check_params(self) -> None:
        self._check_common_params()
        if not 0 <= self.neutral_threshold < 1:
            raise ValueError("neutral_threshold must be in [0, 1)")
        if self.class_weight not in (None, "balanced"):
            raise ValueError("class_weight must be 'balanced' or None")

    def _forward_batch(self, ids: Any, mask: Any) -> np.ndarray:
        device = next(self.model_.parameters()).device
        logits = self.model_(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
        out: np.ndarray = logits.float().cpu().numpy()
        return out

    def _raw_logits(self, docs: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Uncalibrated logits (n, n_classes), float64, in the order of ``docs``."""
        self._check_fitted()
        return self._fixed_shape_outputs(docs, len(self.labels_), batch_size)

    # ---------------------------------------------------------------- inference (SentimentModel surface)
    def _class_proba(self, docs: Sequence[str]) -> np.ndarray:
        return _softmax(self._raw_logits(docs) / self.temperature_)

    def prepared_positive_probability(self, docs: Sequence[str]) -> np.ndarray:
        """Calibrated ``P(positive)`` (against negative) of texts already passed through :func:`prepare`."""
        self._check_fitted()
        if not docs:
            return np.zeros(0)
        p = self._class_proba(docs)
        if len(self.labels_) == 2:
            return p[:, 1]
        polar = p[:, 0] + p[:, 2]
        out: np.ndarray = p[:, 2] / np.maximum(polar, 1e-12)
        return out

    def predict_proba_prepared(self, docs: Sequence[str]) -> np.ndarray:
        """Array (n, 3) of ``negative, neutral, positive`` probabilities of prepared texts."""
        self._check_fitted()
        if not docs:
            return np.zeros((0, 3))
        p = self._class_proba(docs)
        if len(self.labels_) == 2:
            return three_way(p[:, 1], self.neutral_threshold)
        return p

    def positive_probability(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated ``P(positive)`` per raw text."""
        return self.prepared_positive_probability(prepare(list(texts)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Array (n, 3) of probabilities in the order ``negative, neutral, positive``."""
        return self.predict_proba_prepared(prepare(list(texts)))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels ``negative`` / ``neutral`` / ``positive``."""
        labels: np.ndarray = np.asarray(SENTIMENT_LABELS)[self.predict_proba(texts).argmax(axis=1)]
        return labels

    def sentiments(self, texts: Sequence[str]) -> list[Sentiment]:
        """One :class:`Sentiment` per text."""
        return self.sentiments_from_proba(self.predict_proba(texts))

    sentiments_from_proba = staticmethod(SentimentModel.sentiments_from_proba)

    # ---------------------------------------------------------------- training
    def fit(
        self,
        texts: Sequence[str],
        labels: Iterable[Any],
        base: str | Path,
        epochs: float = 3,
        max_steps: int | None = None,
        batch_size: int = 32,
        lr: float = 5e-5,
        seed: int = 0,
        val_fraction: float = 0.1,
        early_stopping_patience: int | None = 2,
        progress: bool = False,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.06,
        eval_steps: int | None = None,
        group_by_length: bool = True,
        max_seconds: float | None = None,
    ) -> TransformerSentiment:
        """Fine-tune ``base`` (a local checkpoint directory, or a hub id when online) on texts and labels.

        Labels: 1/0 or positive/negative/neutral (see :func:`feedback_nlp.classify.sentiment.binary_labels`).
        ``val_fraction`` of the rows (stratified) is held out for early stopping on the validation loss
        (evaluated after each epoch, or every ``eval_steps`` steps; the best weights are kept) and for the
        temperature. ``max_steps`` caps optimiser steps (``epochs`` may then be left large), ``max_seconds``
        the wall time of the loop. ``group_by_length`` batches texts of similar length together (shuffled in
        chunks of 50 batches, then the batches shuffled), which cuts padding several-fold on review data.
        The loop arguments travel together as a :class:`FineTuneConfig`.
        """
        config = FineTuneConfig(
            epochs=epochs, max_steps=max_steps, batch_size=batch_size, lr=lr, seed=seed, val_fraction=val_fraction,
            early_stopping_patience=early_stopping_patience, weight_decay=weight_decay, warmup_ratio=warmup_ratio,
            group_by_length=group_by_length, max_seconds=max_seconds, eval_steps=eval_steps, progress=progress)
        self._check_params()
        self._setup_torch()
        texts = check_str_list(texts, "TransformerSentiment.fit")
        y_all = binary_labels(labels)
        self._check_fit_args(len(texts), len(y_all), config)
        data = self._training_data(texts, y_all)
        device = self._start_model(base, data.labels, config.seed)
        tr_idx, va_idx = _class_split(data.y, data.counts, len(data.labels), config.val_fraction, config.seed)
        objective = _SentimentObjective(self, data.docs, data.y, tr_idx, va_idx, device)
        loop = _fine_tune(self.model_, self._encode(data.docs), self._pad, tr_idx, objective.batch_loss,
                          objective.evaluate if len(va_idx) else None, device=device, config=config)
        self.metrics_ = self._calibrate(data, tr_idx, va_idx, loop)
        self.training_ = {"base": str(base), **config.record(),
                          "class_counts": dict(zip(data.labels, data.counts.tolist())),
                          "neutral_rows_dropped": 0 if data.three_class else data.n_neutral, "device": device}
        return self

    def _training_data(self, texts: list[str], y_all: np.ndarray) -> _SentimentData:
        """Prepared texts and class indexes; the head is 3-class with at least ``min_neutral`` neutral rows,
        else binary (neutral rows left out, with a warning when there are some)."""
        n_neutral = int((y_all < 0).sum())
        three = n_neutral >= self.min_neutral
        if 0 < n_neutral < self.min_neutral:
            warnings.warn(f"{n_neutral} neutral rows (< min_neutral={self.min_neutral}) are left out: a binary head "
                          "is trained and neutral comes from the band", UserWarning, stacklevel=3)
        keep = np.ones(len(y_all), dtype=bool) if three else y_all >= 0
        docs = [d for d, k in zip(prepare(texts), keep) if k]
        # class index: binary 0 neg, 1 pos; 3-class 0 neg, 1 neu, 2 pos (binary_labels gives -1 for neutral)
        y = (np.array([1, 0, 2])[y_all[keep] + 1] if three else y_all[keep]).astype(np.int64)
        labels_ = ("negative", "neutral", "positive") if three else ("negative", "positive")
        counts = np.bincount(y, minlength=len(labels_))
        if (counts[[0, -1]] == 0).any():
            raise ValueError("training data needs both positive and negative examples")
        return _SentimentData(docs, y, labels_, counts, n_neutral, three)

    def _start_model(self, base: str | Path, labels_: tuple[str, ...], seed: int) -> str:
        """Seed, load the tokenizer and ``base`` with a fresh classification head for ``labels_``; returns the
        device the model is on."""
        name, local = self._seed_and_tokenizer(base, seed)
        tf = _import_transformers()
        self.labels_ = labels_
        self.temperature_ = 1.0
        self.model_ = tf.AutoModelForSequenceClassification.from_pretrained(
            name, num_labels=len(labels_), id2label=dict(enumerate(labels_)),
            label2id={k: i for i, k in enumerate(labels_)}, ignore_mismatched_sizes=True, local_files_only=local,
        )
        self.model_.config.problem_type = "single_label_classification"
        device = self._device()
        self.model_.to(device)
        return device

    def _calibrate(self, data: _SentimentData, tr_idx: np.ndarray, va_idx: np.ndarray,
                   loop: dict[str, Any]) -> dict[str, Any]:
        """``metrics_`` of a finished loop; with a validation split also fits ``temperature_`` on it."""
        history = loop["history"]
        metrics: dict[str, Any] = {"steps": loop["steps"], "epochs_run": loop["epochs_run"],
                                   "train_seconds": loop["train_seconds"], "n_train": len(tr_idx),
                                   "n_val": len(va_idx), "early_stopped": loop["early_stopped"], "history": history}
        if len(va_idx):
            z = self._raw_logits([data.docs[i] for i in va_idx])
            self.temperature_ = _fit_temperature(z, data.y[va_idx])
            metrics.update(val_accuracy=float((z.argmax(axis=1) == data.y[va_idx]).mean()),
                           val_loss=float(min(h["val_loss"] for h in history)), temperature=self.temperature_)
        return metrics

    # ---------------------------------------------------------------- persistence
    def get_config(self) -> dict[str, Any]:
        return {"format": _FORMAT, "max_length": self.max_length, "micro_batch": self.micro_batch,
                "head_fraction": self.head_fraction, "neutral_threshold": self.neutral_threshold,
                "min_neutral": self.min_neutral, "class_weight": self.class_weight}

    def save(self, directory: str | Path) -> None:
        """Write ``*.safetensors`` weights, ``config.json``, tokenizer files, ``transformer_sentiment.json``
        and a ``README.md`` model card (a FeedbackClassifier's save replaces it with its own card)."""
        self._check_fitted()
        torch = _import_torch()
        tf = _import_transformers()
        from .. import __version__

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.model_.save_pretrained(d)
        self.tokenizer_.save_pretrained(d)
        if not any(d.glob("*.safetensors")):  # pragma: no cover - very old transformers
            raise RuntimeError(f"{d}: transformers did not write safetensors weights; upgrade transformers")
        state = {**self.get_config(), "labels": list(self.labels_), "temperature": self.temperature_,
                 "training": getattr(self, "training_", {}), "metrics": getattr(self, "metrics_", {}),
                 "versions": {"feedback_nlp": __version__, "torch": str(torch.__version__),
                              "transformers": str(tf.__version__)},
                 "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        (d / CONFIG_NAME).write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        (d / "README.md").write_text(_card(state), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None,
             num_threads: int | None = None) -> TransformerSentiment:
        """Load what :meth:`save` wrote, from local files only (never contacts a hub)."""
        d = Path(directory)
        check_model_files(d, ours=True)
        path = d / CONFIG_NAME
        state = read_json(d, CONFIG_NAME)
        if state.get("format") != _FORMAT:
            raise ModelFormatError(f"{path}: transformer format {state.get('format')!r} is not {_FORMAT!r}; "
                                   "retrain the model")
        try:
            m = cls(max_length=check_int(path, state, "max_length", 8, 1 << 16),
                    micro_batch=check_int(path, state, "micro_batch", 1, 1 << 14),
                    head_fraction=check_float(path, state, "head_fraction"),
                    neutral_threshold=check_float(path, state, "neutral_threshold"),
                    min_neutral=int(state["min_neutral"]), class_weight=state.get("class_weight"), device=device,
                    num_threads=num_threads)
            m.labels_ = tuple(str(x) for x in state["labels"])
            m.temperature_ = check_float(path, {"temperature": state.get("temperature", 1.0)}, "temperature")
        except ModelFormatError:
            raise
        except (KeyError, TypeError, ValueError) as e:
            raise ModelFormatError(f"{path}: {type(e).__name__}: {e}; save or copy the model again") from None
        if m.labels_ not in (("negative", "positive"), ("negative", "neutral", "positive")):
            raise ModelFormatError(f"{path}: unexpected labels {m.labels_}")
        m._setup_torch()
        tf = _import_transformers()
        def read() -> Any:
            m.tokenizer_ = tf.AutoTokenizer.from_pretrained(str(d), local_files_only=True)
            return tf.AutoModelForSequenceClassification.from_pretrained(str(d), local_files_only=True)

        m._finish_load(read_checkpoint(read, d, "transformer weights, config or tokenizer"), d, state)
        return m

    def __repr__(self) -> str:
        labels = getattr(self, "labels_", None)
        return f"TransformerSentiment(labels={labels!r}, max_length={self.max_length})"


@dataclass(frozen=True)
class _SentimentData:
    """Training rows of a :class:`TransformerSentiment` (neutral rows already left out for a binary head)."""

    docs: list[str]
    y: np.ndarray  # class index per row: binary 0 neg, 1 pos; 3-class 0 neg, 1 neu, 2 pos
    labels: tuple[str, ...]
    counts: np.ndarray  # rows per class
    n_neutral: int  # neutral rows in the input
    three_class: bool


def _class_split(y: np.ndarray, counts: np.ndarray, n_classes: int, val_fraction: float,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train / validation row indexes, stratified by class; no validation rows when the data is too small."""
    idx_all = np.arange(len(y))
    if val_fraction > 0 and counts[counts > 0].min() >= 2 and len(y) * val_fraction >= n_classes:
        from sklearn.model_selection import train_test_split

        tr_idx, va_idx = train_test_split(idx_all, test_size=val_fraction, random_state=seed, stratify=y)
        return tr_idx, va_idx
    return idx_all, idx_all[:0]


class _SentimentObjective:
    """The batch loss (class-weighted cross-entropy) and the validation scores of a :class:`TransformerSentiment`
    being fine-tuned, for :func:`_fine_tune`."""

    def __init__(self, model: TransformerSentiment, docs: list[str], y: np.ndarray, train_rows: np.ndarray,
                 val_rows: np.ndarray, device: str) -> None:
        torch = _import_torch()
        self.model, self.docs, self.y, self.val_rows, self.device = model, docs, y, val_rows, device
        self.weights = None
        if model.class_weight == "balanced":  # "balanced" weights of the training rows
            c = np.bincount(y[train_rows], minlength=len(model.labels_)).astype(np.float64)
            w = np.where(c > 0, len(train_rows) / (len(model.labels_) * np.maximum(c, 1)), 0.0)
            self.weights = torch.tensor(w, dtype=torch.float32, device=device)
        self.loss_fn = torch.nn.CrossEntropyLoss(weight=self.weights)

    def batch_loss(self, ids: Any, mask: Any, rows: list[int]) -> Any:
        torch = _import_torch()
        logits = self.model.model_(input_ids=ids, attention_mask=mask).logits
        return self.loss_fn(logits, torch.tensor(self.y[rows], device=self.device))

    def evaluate(self) -> dict[str, float]:
        torch = _import_torch()
        z = self.model._raw_logits([self.docs[i] for i in self.val_rows])
        yv = self.y[self.val_rows]
        zt = torch.tensor(z, dtype=torch.float32)
        loss = float(torch.nn.functional.cross_entropy(zt, torch.tensor(yv), weight=None if self.weights is None
                                                       else self.weights.cpu()))
        return {"val_loss": loss, "val_accuracy": float((z.argmax(axis=1) == yv).mean())}


def _fine_tune(
    module: Any,
    seqs: Sequence[Sequence[int]],
    pad: Callable[[Sequence[Sequence[int]], int, int], tuple[Any, Any]],
    train_rows: np.ndarray,
    batch_loss: Callable[[Any, Any, list[int]], Any],
    evaluate: Callable[[], dict[str, float]] | None,
    *,
    device: str,
    config: FineTuneConfig,
    desc: str = "fine-tune",
) -> dict[str, Any]:
    """The training loop of every transformer component; leaves ``module`` in eval mode with the best weights.

    AdamW (no weight decay on biases and LayerNorm), linear warm-up then decay, gradient norm clipped at 1,
    length-grouped shuffled batches (:func:`_batches`), all set by ``config``. ``batch_loss(ids, mask, rows)``
    gives the loss of one padded batch (tensors on ``device``); ``evaluate()`` (``None``: no validation split)
    returns a dict with ``val_loss`` and is called with ``module`` in eval mode after each epoch (or every
    ``eval_steps`` steps, and at the end); training stops after ``early_stopping_patience`` evaluations without a
    lower ``val_loss`` and the weights of the best evaluation are restored. Returns ``steps``, ``epochs_run``,
    ``train_seconds``, ``early_stopped`` and ``history`` (one dict per evaluation).
    """
    torch = _import_torch()
    steps_per_epoch = math.ceil(len(train_rows) / config.batch_size)
    total = math.ceil(steps_per_epoch * config.epochs)
    if config.max_steps is not None:
        total = min(total, int(config.max_steps))
    opt, sched = _optimizer(module, config, total)
    rng = np.random.default_rng(config.seed)
    lengths = [len(s) for s in seqs]
    bar = None
    if config.progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="step", desc=desc)
    history: list[dict[str, Any]] = []
    best = _BestWeights(config.early_stopping_patience)
    step = 0
    t0 = time.time()
    module.train()
    while step < total and not best.stop:
        batches = _batches(rng, train_rows, lengths, config.batch_size, config.group_by_length)
        for bi, rows in enumerate(batches):
            ids, mask = pad([seqs[i] for i in rows], max(lengths[i] for i in rows), len(rows))
            loss = batch_loss(ids.to(device), mask.to(device), rows)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{loss.item():.3f}")
            end_of_epoch = bi == len(batches) - 1
            if config.max_seconds is not None and time.time() - t0 > config.max_seconds:
                total = step  # out of time: evaluate now and stop
            due = config.eval_steps is not None and step % config.eval_steps == 0
            if evaluate is not None and (due or (config.eval_steps is None and end_of_epoch) or step == total):
                module.eval()
                scores = evaluate()
                module.train()
                history.append({"step": step, "epoch": round(step / steps_per_epoch, 3), **scores,
                                "train_loss": loss.item()})
                best.update(scores["val_loss"], module)
            if step >= total or best.stop:
                break
    if bar is not None:
        bar.close()
    best.restore(module)
    module.eval()
    return {"steps": step, "epochs_run": round(step / max(1, steps_per_epoch), 3),
            "train_seconds": round(time.time() - t0, 1), "early_stopped": best.stop, "history": history}


def _optimizer(module: Any, config: FineTuneConfig, total: int) -> tuple[Any, Any]:
    """AdamW (no weight decay on biases and LayerNorm weights) and a linear warm-up-then-decay schedule over
    ``total`` steps."""
    torch = _import_torch()
    tf = _import_transformers()
    named = list(module.named_parameters())
    decay = [p for n, p in named if not any(k in n for k in ("bias", "LayerNorm"))]
    no_decay = [p for n, p in named if any(k in n for k in ("bias", "LayerNorm"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=config.lr)
    return opt, tf.get_linear_schedule_with_warmup(opt, int(config.warmup_ratio * total), total)


class _BestWeights:
    """Early stopping on the validation loss: keeps a copy of the best weights and says when to stop (after
    ``patience`` evaluations without a lower loss; ``None``: never)."""

    def __init__(self, patience: int | None) -> None:
        self.patience = patience
        self.loss = math.inf
        self.state: dict[str, Any] | None = None
        self.bad = 0
        self.stop = False

    def update(self, val_loss: float, module: Any) -> None:
        if val_loss < self.loss - 1e-6:
            self.loss, self.bad = val_loss, 0
            self.state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        else:
            self.bad += 1
            if self.patience is not None and self.bad >= self.patience:
                self.stop = True

    def restore(self, module: Any) -> None:
        if self.state is not None:
            module.load_state_dict(self.state)


def _batches(rng: np.random.Generator, idx: np.ndarray, lengths: Sequence[int], batch_size: int,
             group_by_length: bool) -> list[list[int]]:
    """One epoch of training batches (lists of row indexes)."""
    perm = rng.permutation(idx).tolist()
    if group_by_length:
        chunk = 50 * batch_size
        perm = [i for c in range(0, len(perm), chunk)
                for i in sorted(perm[c:c + chunk], key=lambda i: lengths[i])]
    batches = [perm[b:b + batch_size] for b in range(0, len(perm), batch_size)]
    if group_by_length:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def _fit_temperature(z: np.ndarray, y: np.ndarray) -> float:
    """Temperature scaling: the ``T`` minimising the NLL of ``softmax(z / T)`` on validation logits.

    A bounded 1-D search (scipy) on log T; one parameter, so it cannot change the arg-max.
    """
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = _softmax(z / math.exp(log_t))
        return float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean())

    res = minimize_scalar(nll, bounds=(math.log(0.2), math.log(20.0)), method="bounded")
    return float(math.exp(res.x))


def _card(state: dict[str, Any]) -> str:
    metrics = state.get("metrics", {})
    lines = ["# Transformer sentiment model", "",
             f"Labels: {', '.join(state.get('labels', []))}; max_length {state.get('max_length')} tokens "
             "(longer texts: head + tail); temperature-scaled softmax.", "",
             "Load: `feedback_nlp.load(<this directory>)` (or `TransformerSentiment.load`); weights are safetensors.",
             "", "## Training", ""]
    lines += [f"- {k}: `{v}`" for k, v in state.get("training", {}).items()] or ["- (not recorded)"]
    lines += ["", "## Metrics (validation split)", ""]
    lines += [f"- {k}: `{v}`" for k, v in metrics.items() if k != "history"] or ["- (not recorded)"]
    lines += ["", f"Versions: `{state.get('versions')}`; saved {state.get('saved_at')}."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- FeedbackClassifier helpers
def train_transformer_classifier(
    texts: Sequence[str], labels: Sequence[Any], base: str | Path, meta: dict[str, Any] | None = None,
    model_params: dict[str, Any] | None = None, **fit_params: Any,
) -> FeedbackClassifier:
    """A :class:`FeedbackClassifier` whose sentiment part is a fine-tuned :class:`TransformerSentiment`.

    ``model_params`` go to :class:`TransformerSentiment` (``max_length``, ...), ``fit_params`` to its ``fit``.
    """
    from ..classify.classifier import FeedbackClassifier

    model = TransformerSentiment(**(model_params or {})).fit(texts, labels, base=base, **fit_params)
    info = {"backend": "transformers", "description": f"transformer sentiment model fine-tuned from {base}",
            "training": model.training_, "metrics": {"validation": {k: v for k, v in model.metrics_.items()
                                                                    if k != "history"}}}
    return FeedbackClassifier(cast(Any, model), {**info, **(meta or {})})


def load_transformer_classifier(directory: str | Path, device: str | None = None) -> FeedbackClassifier:
    """Load a transformer model directory as a :class:`FeedbackClassifier` on ``device``, with its topic component
    when there is one. ``feedback_nlp.load(dir)`` does the same on the default device."""
    from ..classify.classifier import FeedbackClassifier

    return FeedbackClassifier.load(directory, device=device)
