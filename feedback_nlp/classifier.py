"""FeedbackClassifier: the one object behind ``classify``, ``classify_batch`` and ``classify_frame``.

A model is a directory: ``meta.json`` (name, version, library version, metrics: the machine-readable model card),
``README.md`` (the human model card) and one pair of files per component (``sentiment.json`` + ``sentiment.npz``).
``FeedbackClassifier.load(d)`` returns exactly what ``save(d)`` wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._validation import ErrorPolicy, check_text, check_texts
from .results import SENTIMENT_LABELS, Classification, Sentiment
from .sentiment import SentimentModel

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EMPTY_SENTIMENT", "MODEL_FORMAT", "FeedbackClassifier"]

#: Major format of model directories this version reads; a directory of another major is refused.
MODEL_FORMAT = 1
#: What an empty or whitespace-only text gets: neutral, score 0, all mass on neutral.
EMPTY_SENTIMENT = Sentiment("neutral", 0.0, {"negative": 0.0, "neutral": 1.0, "positive": 0.0})


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


class FeedbackClassifier:
    """Scores sentiment (and, with a topic component, topics) of Chinese feedback.

    >>> import feedback_nlp as fn
    >>> clf = fn.load("default")
    >>> clf.classify("房间干净，前台很热情").sentiment.label
    'positive'
    """

    def __init__(self, sentiment: SentimentModel, meta: dict[str, Any] | None = None) -> None:
        self.sentiment = sentiment
        self.meta: dict[str, Any] = dict(meta or {})

    # ---------------------------------------------------------------- inference
    def classify(self, text: str) -> Classification:
        """Classify one text. ``""`` or whitespace gives :data:`EMPTY_SENTIMENT` (neutral, score 0)."""
        return self._classify_checked([check_text(text)])[0]

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
        live = [i for i, t in enumerate(texts) if t.strip()]
        scored = self.sentiment.sentiments([texts[i] for i in live]) if live else []
        sentiments = [EMPTY_SENTIMENT] * len(texts)
        for i, s in zip(live, scored):
            sentiments[i] = s
        return [Classification(text=t, sentiment=s) for t, s in zip(texts, sentiments)]

    def score_sentiment(self, text: str) -> Sentiment:
        """Sentiment of one text (see :meth:`classify`)."""
        return self.classify(text).sentiment

    def classify_frame(
        self,
        df: pd.DataFrame,
        text_col: str = "text",
        batch_size: int = 1024,
        progress: bool = False,
        errors: ErrorPolicy = "raise",
    ) -> pd.DataFrame:
        """Return a copy of ``df`` with added columns ``sentiment_label``, ``sentiment_score``,
        ``p_negative``, ``p_neutral``, ``p_positive`` and ``topics`` (tuple of topic names).

        Index and row order are kept.

        >>> import pandas as pd, feedback_nlp as fn
        >>> fn.classify_frame(pd.DataFrame({"text": ["很满意"]}))["sentiment_label"].tolist()
        ['positive']
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"classify_frame() takes a pandas DataFrame, got {type(df).__name__}")
        if text_col not in df.columns:
            raise KeyError(f"column {text_col!r} not in the DataFrame (columns: {list(df.columns)}); pass text_col=")
        results = self.classify_batch(df[text_col], batch_size=batch_size, progress=progress, errors=errors)
        out = df.copy()
        out["sentiment_label"] = [r.sentiment.label for r in results]
        out["sentiment_score"] = [r.sentiment.score for r in results]
        for label in SENTIMENT_LABELS:
            out[f"p_{label}"] = [r.sentiment.probabilities[label] for r in results]
        out["topics"] = [r.topic_names for r in results]
        return out

    __call__ = classify_batch

    # ---------------------------------------------------------------- persistence
    def save(self, directory: str | Path) -> Path:
        """Write the model directory (weights, ``meta.json``, ``README.md`` model card)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.sentiment.save(d)
        from . import __version__

        meta = {
            "name": d.name,
            "version": "0.0.0",
            "description": "",
            **self.meta,
            "format": MODEL_FORMAT,
            "feedback_nlp_version": __version__,
            "components": ["sentiment"],
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        if not (d / "README.md").exists():
            (d / "README.md").write_text(model_card(meta), encoding="utf-8")
        self.meta = meta
        return d

    @classmethod
    def load(cls, directory: str | Path) -> FeedbackClassifier:
        """Load a model directory written by :meth:`save`; refuses other formats with a clear message."""
        d = Path(directory)
        if not d.is_dir():
            raise FileNotFoundError(f"model directory {d} does not exist")
        meta_path = d / "meta.json"
        if not meta_path.exists():
            raise FileNotFoundError(f"{d} has no meta.json: not a feedback_nlp model directory")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(
                f"{d} is model format {meta.get('format')!r} (saved by feedback_nlp "
                f"{meta.get('feedback_nlp_version')}); this version reads format {MODEL_FORMAT}: retrain or upgrade"
            )
        return cls(SentimentModel.load(d), meta)

    def __repr__(self) -> str:
        return f"FeedbackClassifier(name={self.meta.get('name')!r}, version={self.meta.get('version')!r})"


def model_card(meta: dict[str, Any]) -> str:
    """A minimal Markdown model card from ``meta.json`` content."""
    lines = [f"# {meta.get('name', 'model')} {meta.get('version', '')}", "", str(meta.get("description", "")), ""]
    for key in ("feedback_nlp_version", "saved_at", "training", "metrics"):
        if key in meta:
            lines.append(f"- **{key}**: `{json.dumps(meta[key], ensure_ascii=False)}`")
    return "\n".join(lines) + "\n"
