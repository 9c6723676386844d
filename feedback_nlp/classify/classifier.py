"""FeedbackClassifier: the one object behind ``classify``, ``classify_batch`` and ``classify_frame``.

A model is a directory: ``meta.json`` (name, version, library version, metrics: the machine-readable model card),
``README.md`` (the human model card) and one pair of files per component (``sentiment.json`` + ``sentiment.npz``).
``FeedbackClassifier.load(d)`` returns exactly what ``save(d)`` wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._docs import shared_params
from .._validation import ErrorPolicy, check_text, check_texts
from .components import SentimentComponent, TopicComponent, component_class
from .intent import (
    DEFAULT_RULES,
    Priority,
    PriorityRules,
    _raise_explained,
    classify_kind,
    explain_priority,
)
from .modelfiles import ModelFormatError, check_files, contained, file_sizes, read_json, save_model_dir
from .results import SENTIMENT_LABELS, Classification, Sentiment, TopicHit
from .sentiment import normalize_all, prepare_normalized
from .topics import TopicModel

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EMPTY_SENTIMENT", "FRAME_COLUMNS", "MODEL_FORMAT", "FeedbackClassifier", "ModelFormatError",
           "service_sentiment"]

#: Major format of model directories this version reads; a directory of another major is refused.
MODEL_FORMAT = 1
#: What an empty or whitespace-only text gets: neutral, score 0, all mass on neutral.
EMPTY_SENTIMENT = Sentiment("neutral", 0.0, {"negative": 0.0, "neutral": 1.0, "positive": 0.0})
#: The priority reason of an empty text (priority ``none``).
EMPTY_REASON = "空文本：无需答复"


def _has_content(normalized: str) -> bool:
    """True when a normalised text holds a letter, digit or CJK character (not only punctuation and symbols)."""
    return any(ch.isalnum() for ch in normalized)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


#: Columns :meth:`FeedbackClassifier.classify_frame` adds (after its ``prefix``).
FRAME_COLUMNS: tuple[str, ...] = (
    "sentiment_label", "sentiment_score", "p_negative", "p_neutral", "p_positive", "topics", "topic_polarities",
    "topic_scores", "kind", "priority", "respond_within", "priority_reason",
)


def _move_mass(probs: np.ndarray, rows: Sequence[int], sources: Sequence[int], target: int) -> np.ndarray:
    """``probs`` (a copy when anything moves) with the probability of columns ``sources`` moved to column
    ``target`` in ``rows``."""
    if not rows:
        return probs
    out = np.array(probs, dtype=np.float64, copy=True)
    src = list(sources)
    out[rows, target] += out[np.ix_(rows, src)].sum(axis=1)
    out[np.ix_(rows, src)] = 0.0
    return out


def harm_reads_negative(probs: np.ndarray, kinds: Sequence[str], priorities: Sequence[Priority]) -> np.ndarray:
    """Sentiment probabilities with the neutral mass of every complaint graded urgent or high moved to negative.

    Such a complaint reports harm or a broken core service (the complaint-handling standard's conditions); the
    labelling guide reads "a request for help caused by a problem the company created" as negative whatever its
    tone, and a short factual report ("信用卡被盗刷了两万") otherwise reads neutral. On the labelled service messages
    93% of the texts on which an urgent or high rule fires are negative.

    >>> import numpy as np
    >>> harm_reads_negative(np.array([[0.3, 0.6, 0.1]]), ["complaint"], [Priority.URGENT]).round(2).tolist()
    [[0.9, 0.0, 0.1]]
    """
    return _move_mass(probs, [i for i, (k, p) in enumerate(zip(kinds, priorities))
                              if k == "complaint" and p in (Priority.URGENT, Priority.HIGH)], (1,), 0)


def praise_reads_positive(probs: np.ndarray, kinds: Sequence[str], service: np.ndarray) -> np.ndarray:
    """Sentiment probabilities with the negative and neutral mass of every service message graded praise moved to
    positive (``service``: P(service message) per row; rows under 0.5 — reviews — are left alone).

    The labelling guide reads praise as positive (all 42 labelled praise messages are); a thank-you whose words
    also name the problem it solved ("感谢客服小李，问题解决了") otherwise reads negative or neutral. Reviews keep their
    binary model's reading: there "praise" with a negative score is nearly always a negative review.

    >>> import numpy as np
    >>> praise_reads_positive(np.array([[0.5, 0.3, 0.2]] * 2), ["praise", "praise"], np.array([0.9, 0.1])).tolist()
    [[0.0, 0.0, 1.0], [0.5, 0.3, 0.2]]
    """
    return _move_mass(probs, [i for i, (k, g) in enumerate(zip(kinds, service)) if k == "praise" and g >= 0.5],
                      (0, 1), 2)


def service_sentiment(probs: np.ndarray, kinds: Sequence[str], priorities: Sequence[Priority],
                      service: np.ndarray | None, implied: np.ndarray | None = None,
                      weight: float = 0.0) -> np.ndarray:
    """The sentiment probabilities a classifier with a learned intent component gives: the kind-implied sentiment
    ``implied`` (:meth:`~feedback_nlp.classify.intent_model.IntentModel.implied_sentiment`) blended in with
    ``weight`` by P(service message) (``service``; ``None``: no domain model, nothing blended,
    :func:`~feedback_nlp.classify.intent_model.blend_kind_sentiment`), then :func:`harm_reads_negative` and
    :func:`praise_reads_positive`.

    >>> import numpy as np
    >>> service_sentiment(np.array([[0.2, 0.8, 0.0]]), ["complaint"], [Priority.NORMAL], np.array([1.0]),
    ...                   np.array([[1.0, 0.0, 0.0]]), 0.5).tolist()
    [[0.6, 0.4, 0.0]]
    """
    from .intent_model import blend_kind_sentiment

    if service is not None and implied is not None and weight > 0:
        probs = blend_kind_sentiment(probs, implied, service, weight)
    probs = harm_reads_negative(probs, kinds, priorities)
    if service is not None:
        probs = praise_reads_positive(probs, kinds, service)
    return probs


class FeedbackClassifier:
    """Scores sentiment (and, with a topic component, topics) of Chinese feedback.

    >>> import feedback_nlp as fn
    >>> clf = fn.load("default")
    >>> clf.classify("房间干净，前台很热情").sentiment.label
    'positive'
    """

    def __init__(
        self,
        sentiment: SentimentComponent,
        meta: dict[str, Any] | None = None,
        topics: TopicComponent | None = None,
        priority_rules: PriorityRules = DEFAULT_RULES,
        intent: Any = None,
    ) -> None:
        self.sentiment = sentiment
        self.topics = topics
        #: Learned kind and priority (:class:`~feedback_nlp.classify.intent_model.IntentModel`); ``None``: the rules
        #: of :mod:`feedback_nlp.classify.intent`.
        self.intent = intent
        self.priority_rules = priority_rules
        self.meta: dict[str, Any] = dict(meta or {})

    # ---------------------------------------------------------------- inference
    def classify(self, text: str) -> Classification:
        """Classify one text. ``""`` or whitespace gives :data:`EMPTY_SENTIMENT` (neutral, score 0)."""
        return self._classify_checked([check_text(text)])[0]

    @shared_params("batch_size", "progress", "errors")
    def classify_batch(
        self,
        texts: Sequence[str] | Any,
        batch_size: int = 1024,
        progress: bool = False,
        errors: ErrorPolicy = "raise",
    ) -> list[Classification]:
        """Classify many texts; the result has the same length and order as ``texts``.

        ``texts``: list, tuple, numpy array or pandas Series of str. A missing row (None/NaN) raises ValueError
        naming the row, unless ``errors="neutral"`` scores it like an empty text.

        >>> import feedback_nlp as fn
        >>> [r.sentiment.label for r in fn.classify_batch(["很满意", "太差了"])]
        ['positive', 'negative']
        """
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError("batch_size must be a positive int")
        items, _ = check_texts(texts, errors)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(items), unit="text", desc="classify")
        out: list[Classification] = []
        for start, stop in _chunks(len(items), batch_size):
            out.extend(self._classify_checked(items[start:stop]))
            if bar is not None:
                bar.update(stop - start)
        if bar is not None:
            bar.close()
        return out

    def _classify_checked(self, texts: list[str]) -> list[Classification]:
        out = [
            Classification(t, EMPTY_SENTIMENT, (), "other", Priority.NONE, None, EMPTY_REASON) for t in texts
        ]
        # Normalise once; every component reads the same prepared text. A text with no letter, digit or Chinese
        # character once normalised (emoji without meaning, control or zero-width characters, punctuation only)
        # is scored like an empty text.
        candidates = [i for i, t in enumerate(texts) if t.strip()]
        normalized = normalize_all(texts[i] for i in candidates)
        kept = [(i, t) for i, t in zip(candidates, normalized) if _has_content(t)]
        if not kept:
            return out
        live = [i for i, _ in kept]
        norm = [t for _, t in kept]
        docs = [prepare_normalized(t) for t in norm]
        # The service heads read the same dense features: compute them once.
        linear: Any = self.sentiment  # only the linear sentiment component has stacked features
        head = getattr(linear, "stacked_head_", None)
        features = linear.stacked_features(docs) if head is not None else None
        counts = None  # raw n-gram counts, hashed once when the sentiment and kind heads hash alike
        if head is not None and self.intent is not None and head.shares_counts_with(self.intent.kind_head_):
            counts = head.featurizer_.counts(docs)
        probs = (linear.predict_proba_prepared(docs, features, counts) if head is not None
                 else self.sentiment.predict_proba_prepared(docs))
        hits: list[tuple[TopicHit, ...]] = [()] * len(live)
        has_domain = getattr(linear, "domain_", None) is not None
        # Which platform each text reads like: read by the kind / priority heads and the topics' recalibration.
        register = None if self.intent is None else self.intent.register_proba(docs, counts)
        if isinstance(self.topics, TopicModel) and features is not None and has_domain:
            # P(service message) is the last stacked feature: the topic model mixes its parts and thresholds by it.
            hits = self.topics.predict_hits_prepared(docs, linear, domain=features[:, -1], register=register)
        elif self.topics is not None:
            hits = self.topics.predict_hits_prepared(docs, self.sentiment)
        if self.intent is not None:
            reading = self.intent.read_prepared(docs, self.sentiment, features, counts, register)
            kinds, priorities = list(reading.kinds), list(reading.priorities)
            service = features[:, -1] if features is not None and has_domain else None
            weight = self.intent.kind_sentiment_weight_
            implied = self.intent.implied_sentiment(reading.kind_proba) if weight > 0 else None
            probs = service_sentiment(probs, kinds, [p for p, _ in priorities], service, implied, weight)
            sentiments = self.sentiment.sentiments_from_proba(probs)
        else:
            sentiments = self.sentiment.sentiments_from_proba(probs)
            polar = probs[:, 0] + probs[:, 2]
            p_positive = np.where(polar > 0, probs[:, 2] / np.maximum(polar, 1e-12), 0.5)
            kinds = classify_kind(norm, p_positive, hits, normalized=True)
            priorities = explain_priority(norm, kinds=kinds, rules=self.priority_rules, normalized=True)
        for k, i in enumerate(live):
            pr, reason = priorities[k]
            out[i] = Classification(texts[i], sentiments[k], hits[k], kinds[k], pr, pr.respond_within, reason)
        return out

    def score_sentiment(self, text: str) -> Sentiment:
        """Sentiment of one text (see :meth:`classify`)."""
        return self.classify(text).sentiment

    @shared_params("text_col", "batch_size", "progress", "errors", "tier_col", "prefix")
    def classify_frame(
        self,
        df: pd.DataFrame,
        text_col: str = "text",
        batch_size: int = 1024,
        progress: bool = False,
        errors: ErrorPolicy = "raise",
        tier_col: str | None = None,
        *,
        prefix: str = "",
    ) -> pd.DataFrame:
        """Return a copy of ``df`` with added columns ``sentiment_label``, ``sentiment_score``,
        ``p_negative``, ``p_neutral``, ``p_positive``, ``topics`` (tuple of topic names), ``topic_polarities``
        (dict name -> polarity), ``topic_scores`` (dict name -> probability), ``kind``, ``priority``,
        ``respond_within`` (timedelta; NaT for priority ``none``) and ``priority_reason`` (why that priority, in
        Chinese) (:data:`FRAME_COLUMNS`).

        Nothing of yours is overwritten: when ``df`` already has one of these columns (say your own ``kind``
        labels) it raises ValueError naming it; ``prefix="pred_"`` writes ``pred_kind``, ``pred_topics``, ...
        alongside instead. Your columns come back untouched.

        ``tier_col``: a column of customer tiers ("vip", "svip", ..., or the RFM segments of
        :func:`feedback_nlp.rfm`: 重要价值客户 and the other 重要 segments count as "vip") that raise the priority
        (:func:`feedback_nlp.classify.intent.raise_for_tier`). Index and row order are kept.

        >>> import pandas as pd, feedback_nlp as fn
        >>> fn.classify_frame(pd.DataFrame({"text": ["很满意"]}))["sentiment_label"].tolist()
        ['positive']
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"classify_frame() takes a pandas DataFrame, got {type(df).__name__}")
        for name, col in (("text_col", text_col), ("tier_col", tier_col)):
            if col is not None and col not in df.columns:
                raise KeyError(f"column {col!r} not in the DataFrame (columns: {list(df.columns)}); pass {name}=")
            if col is not None and (n := int((df.columns == col).sum())) > 1:
                raise ValueError(f"the DataFrame has {n} columns named {col!r}: rename or drop all but one")
        if not isinstance(prefix, str):
            raise TypeError(f"prefix must be a str such as 'pred_'; got {type(prefix).__name__}")
        clash = [prefix + c for c in FRAME_COLUMNS if prefix + c in df.columns]
        if clash:
            raise ValueError(f"classify_frame() would overwrite the existing column(s) {clash}: rename them, or pass "
                             f"prefix='pred_' to write the model's columns alongside ({'pred_' + clash[0]!r}, ...)")
        results = self.classify_batch(df[text_col], batch_size=batch_size, progress=progress, errors=errors)
        out = pd.DataFrame(index=df.index)
        out["sentiment_label"] = [r.sentiment.label for r in results]
        out["sentiment_score"] = [r.sentiment.score for r in results]
        for label in SENTIMENT_LABELS:
            out[f"p_{label}"] = [r.sentiment.probabilities[label] for r in results]
        out["topics"] = [r.topic_names for r in results]
        out["topic_polarities"] = pd.Series(
            [{t.name: t.polarity for t in r.topics} for r in results], index=out.index, dtype=object
        )
        out["topic_scores"] = pd.Series([{t.name: t.score for t in r.topics} for r in results], index=out.index,
                                        dtype=object)
        out["kind"] = [r.kind for r in results]
        explained = [(Priority(r.priority), r.priority_reason) for r in results]
        if tier_col is not None:
            explained = [_raise_explained(p, why, t, self.priority_rules)
                         for (p, why), t in zip(explained, df[tier_col])]
        out["priority"] = [p.value for p, _ in explained]
        out["respond_within"] = pd.Series([p.respond_within for p, _ in explained], index=out.index,
                                          dtype="timedelta64[us]")
        out["priority_reason"] = [why for _, why in explained]
        result = df.copy()
        for col in out.columns:  # positional: an index with repeated labels is kept as it is
            result[prefix + col] = out[col].to_numpy()
        return result

    __call__ = classify_batch

    # ---------------------------------------------------------------- persistence
    def save(self, directory: str | Path, extra_files: Mapping[str, str] | None = None) -> Path:
        """Write the model directory (weights, ``meta.json``, ``README.md`` model card), atomically.

        The model is written into a temporary directory next to ``directory`` and swapped in whole
        (:func:`~feedback_nlp.classify.modelfiles.save_model_dir`): a crash or kill during the save leaves the
        previous model loadable, and no file of the previous model survives into the new one. ``meta.json`` lists
        the components, their backends and every file with its size. A non-empty directory that holds no model
        is refused (``FileExistsError``). ``extra_files``: ``{name: text}`` written beside the model (e.g.
        ``metrics.json``) and listed with it.
        """
        from .. import __version__

        d = Path(directory).expanduser()
        meta: dict[str, Any] = {}

        def write(tmp: Path) -> None:
            nonlocal meta
            self.sentiment.save(tmp)
            if self.topics is not None:
                self.topics.save(tmp)
            if self.intent is not None:
                self.intent.save(tmp)
            (tmp / "README.md").unlink(missing_ok=True)  # a component's own card; the model card is written below
            for name, text in (extra_files or {}).items():
                contained(tmp, name).write_text(text, encoding="utf-8")
            meta = {
                "name": d.name,
                "version": "0.0.0",
                "description": "",
                **self.meta,
                "format": MODEL_FORMAT,
                "feedback_nlp_version": __version__,
                "components": ["sentiment", *(["topics"] if self.topics is not None else []),
                               *(["intent"] if self.intent is not None else [])],
                "component_backends": {"sentiment": self.sentiment.backend,
                                       **({"topics": self.topics.backend} if self.topics is not None else {}),
                                       **({"intent": self.intent.backend} if self.intent is not None else {})},
                **({"topics": {"names": list(self.topics.topics_),
                               "training": getattr(self.topics, "training_", {})}}
                   if self.topics is not None else {}),
                "files": file_sizes(tmp),
                "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
            (tmp / "README.md").write_text(model_card(meta), encoding="utf-8")

        save_model_dir(d, write)
        self.meta = meta
        return d

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> FeedbackClassifier:
        """Load a model directory written by :meth:`save`; refuses other formats with a clear message.

        Only the components listed in ``meta.json`` are read, each by the class registered for its backend
        (:mod:`feedback_nlp.classify.components`); ``device`` goes to every component (transformer backends run
        there; linear ones ignore it). A listed file that is missing, truncated, corrupt or implausible, or a path
        that leaves the directory, raises :class:`~feedback_nlp.classify.modelfiles.ModelFormatError` naming it.
        """
        d = Path(directory)
        if not d.is_dir():
            raise FileNotFoundError(f"model directory {d} does not exist")
        if not (d / "meta.json").exists():
            raise FileNotFoundError(f"{d} has no meta.json: not a feedback_nlp model directory")
        meta = read_json(d, "meta.json")
        if meta.get("format") != MODEL_FORMAT:
            raise ModelFormatError(
                f"{d} is model format {meta.get('format')!r} (saved by feedback_nlp "
                f"{meta.get('feedback_nlp_version')}); this version reads format {MODEL_FORMAT}: retrain or upgrade"
            )
        if "files" in meta:
            check_files(d, meta["files"])
        backends = component_backends(d, meta)
        components: dict[str, Any] = {}
        for name in ("sentiment", "topics", "intent"):
            if name in backends:
                components[name] = component_class(name, backends[name]).load(d, device=device)
        if "sentiment" not in components:
            raise ModelFormatError(f"{d / 'meta.json'} lists no sentiment component: not a feedback_nlp model")
        _check_registers(d, components.get("topics"), components.get("intent"))
        return cls(components["sentiment"], meta, components.get("topics"), intent=components.get("intent"))

    def __repr__(self) -> str:
        return f"FeedbackClassifier(name={self.meta.get('name')!r}, version={self.meta.get('version')!r})"


def _check_registers(d: Path, topics: Any, intent: Any) -> None:
    """The topics' service recalibration reads the intent component's register probabilities: when both are there
    their register names must agree (a topic component trained against another model's registers is refused). A
    model without a register model (no intent component, or an older one) leaves the recalibration unused."""
    wanted = getattr(topics, "service_registers_", None)
    head = getattr(intent, "register_head_", None)
    if wanted is None or head is None:
        return
    have = tuple(str(c) for c in head.classes_)
    if have != tuple(wanted):
        raise ModelFormatError(f"{d / 'topics.json'}: the service recalibration reads registers {list(wanted)}, but "
                               f"the intent component has {list(have)}; retrain the topics with "
                               "scripts/train_default_topics.py against this model")


def component_backends(d: Path, meta: dict[str, Any]) -> dict[str, str]:
    """``{component: backend}`` of a model directory: ``meta.json``'s ``component_backends``, or, for a directory
    saved before it was recorded (feedback_nlp 0.1), the backends
    read from the component files they wrote: ``transformer_sentiment.json`` / ``sentiment.json``,
    ``topics.json`` / ``transformer_topics.json`` (``topics.json`` wins, as it always did)."""
    if meta.get("component_backends"):
        backends = meta["component_backends"]
        listed = meta.get("components", list(backends) if isinstance(backends, dict) else [])
        if (not isinstance(backends, dict) or not all(isinstance(v, str) for v in backends.values())
                or not isinstance(listed, list) or set(backends) != set(listed)
                or not set(backends) <= {"sentiment", "topics", "intent"}):
            raise ModelFormatError(f"{d / 'meta.json'}: components {listed!r} and component_backends "
                                   f"{backends!r} do not match")
        return {str(k): v for k, v in backends.items()}
    out = {"sentiment": "transformers" if (d / "transformer_sentiment.json").is_file() else "linear"}
    if (d / "topics.json").exists():
        out["topics"] = "linear"
    elif (d / "transformer_topics.json").is_file():
        out["topics"] = "transformers"
    return out


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out.extend(_flatten(f"{prefix}.{k}" if prefix else str(k), v))
        return out
    return [(prefix, value)]


def model_card(meta: dict[str, Any]) -> str:
    """A Markdown model card from ``meta.json`` content (what it is, how it was made, how well it does)."""
    training = meta.get("training", {})
    lines = [
        f"# {meta.get('name', 'model')} {meta.get('version', '')}".rstrip(),
        "",
        str(meta.get("description", "")),
        "",
        f"- feedback_nlp version: {meta.get('feedback_nlp_version', '?')}, model format {meta.get('format', '?')}",
        f"- saved: {meta.get('saved_at', '?')}",
        "- load: `feedback_nlp.load(<this directory>)`; the files are JSON, NumPy arrays and (transformer models)"
        " safetensors: no pickle, no code.",
        "",
        "## Training",
        "",
    ]
    lines += [f"- {k}: `{v}`" for k, v in _flatten("", training)] or ["- (not recorded)"]
    lines += ["", "## Metrics", "", "| metric | value |", "|---|---|"]
    for k, v in _flatten("", meta.get("metrics", {})):
        if isinstance(v, float):
            v = f"{v:.4f}"
        elif isinstance(v, list):
            v = json.dumps(v)
        lines.append(f"| {k} | {v} |")
    topics = meta.get("topics")
    if topics:
        lines += ["", "## Topic component", "", f"- topics: {', '.join(topics.get('names', []))}"]
        lines += [f"- {k}: `{v}`" for k, v in _flatten("", topics.get("training", {})) if not k.startswith("params")]
    lines += ["", "## Limitations", "", str(meta.get("limitations", "Trained on the data above; check it on yours."))]
    return "\n".join(lines) + "\n"
