"""Analysis toolkit for feedback teams: keywords, TOP issues, emerging terms, term clusters, alerts, NPS/CSAT.

DataFrames in, DataFrames out; :func:`heatmap` returns a matplotlib Axes. Chinese words come from jieba (a private
tokenizer with the default dictionary, built lazily, once, under a lock) with the stop-word list shipped in
``feedback_nlp/data/stopwords_zh.txt``.

>>> import feedback_nlp.analytics as fa
>>> fa.nps([10, 9, 8, 3])
25.0
>>> fa.csat([5, 4, 2, 1], scale=5)
50.0
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "KEYWORD_COLUMNS",
    "TOP_ISSUE_COLUMNS",
    "EMERGING_COLUMNS",
    "CLUSTER_COLUMNS",
    "ALERT_COLUMNS",
    "UNDERPERFORMER_COLUMNS",
    "csat",
    "emerging_terms",
    "heatmap",
    "keywords",
    "load_stop_words",
    "nps",
    "sentiment_alerts",
    "term_clusters",
    "tokenize",
    "top_issues",
    "underperformers",
]

#: Columns of :func:`keywords` output.
KEYWORD_COLUMNS: tuple[str, ...] = ("term", "weight", "doc_count", "doc_share")
#: Columns of :func:`top_issues` output.
TOP_ISSUE_COLUMNS: tuple[str, ...] = (
    "topic", "topic_count", "topic_share", "rank", "issue", "count", "share", "examples",
)
#: Columns of :func:`emerging_terms` output.
EMERGING_COLUMNS: tuple[str, ...] = (
    "period", "previous_period", "term", "count", "previous_count", "growth", "share", "previous_share", "new",
)
#: Columns of :func:`term_clusters` output.
CLUSTER_COLUMNS: tuple[str, ...] = ("cluster", "label", "term", "count", "similarity")
#: Columns of :func:`sentiment_alerts` output.
ALERT_COLUMNS: tuple[str, ...] = (
    "period", "count", "negative", "negative_share", "baseline_count", "baseline_share", "volume_z", "share_z",
    "volume_alert", "share_alert", "alert", "reason",
)
#: Columns of :func:`underperformers` output.
UNDERPERFORMER_COLUMNS: tuple[str, ...] = (
    "group", "n", "mean", "rest_mean", "diff", "t", "p_value", "p_adjusted", "underperforming",
)

_STOP_FILE = Path(__file__).parent / "data" / "stopwords_zh.txt"
_lock = threading.RLock()  # re-entrant: the lazy loaders call each other
_state: dict[str, Any] = {}
_TOKEN_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#._-]*$")


# --------------------------------------------------------------------------- jieba, lazily
def load_stop_words() -> frozenset[str]:
    """The shipped Chinese stop-word list (``feedback_nlp/data/stopwords_zh.txt``), read once.

    >>> "的" in load_stop_words() and "退款" not in load_stop_words()
    True
    """
    words = _state.get("stop_words")
    if words is None:
        with _lock:
            words = _state.get("stop_words")
            if words is None:
                if not _STOP_FILE.exists():
                    raise FileNotFoundError(f"stop-word list missing at {_STOP_FILE}: reinstall feedback_nlp "
                                            "(package data feedback_nlp/data/*.txt)")
                lines = _STOP_FILE.read_text(encoding="utf-8").splitlines()
                words = frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
                _state["stop_words"] = words
    result: frozenset[str] = words
    return result


def _jieba() -> Any:
    """A private jieba Tokenizer (default dictionary), initialised once under a lock: safe from many threads and
    untouched by other code that changes ``jieba.dt``."""
    tok = _state.get("tokenizer")
    if tok is None:
        with _lock:
            tok = _state.get("tokenizer")
            if tok is None:
                import jieba

                tok = jieba.Tokenizer()
                tok.initialize()
                for key in [k for k in _state if k.startswith("extractor_")]:
                    del _state[key]  # they hold the previous tokenizer
                _state["user_words"] = set()
                _state["tokenizer"] = tok
    return tok


def _add_words(words: Iterable[str] | None) -> None:
    if words is None:
        return
    if isinstance(words, str):
        words = [words]
    tok = _jieba()
    with _lock:
        added: set[str] = _state.setdefault("user_words", set())
        for w in words:
            if not isinstance(w, str) or not w.strip():
                raise TypeError(f"user_words must be non-empty str, got {w!r}")
            if w not in added:
                tok.add_word(w, freq=None)
                tok.suggest_freq(w, tune=True)
                added.add(w)


def _extractor(method: str) -> Any:
    key = f"extractor_{method}"
    ext = _state.get(key)
    if ext is None:
        tok = _jieba()
        with _lock:
            ext = _state.get(key)
            if ext is None:
                import jieba.analyse
                import jieba.posseg

                ext = jieba.analyse.TFIDF() if method == "tfidf" else jieba.analyse.TextRank()
                ext.tokenizer = tok
                ext.postokenizer = jieba.posseg.POSTokenizer(tok)
                if method == "textrank":
                    ext.tokenizer = ext.postokenizer  # TextRank reads POS from its tokenizer
                ext.stop_words = set(ext.stop_words) | set(load_stop_words())
                _state[key] = ext
    return ext


def _stop_set(extra: Iterable[str] | None) -> frozenset[str]:
    base = load_stop_words()
    if extra is None:
        return base
    if isinstance(extra, str):
        extra = [extra]
    return base | frozenset(extra)


def tokenize(
    text: str, user_words: Iterable[str] | None = None, extra_stop_words: Iterable[str] | None = None
) -> list[str]:
    """Content words of one text: jieba words of length >= 2, stop words, numbers and punctuation removed.

    ``user_words`` are added to the (private, shared) jieba dictionary for the rest of the process.

    >>> tokenize("刷脸支付总是失败，人脸识别太慢", user_words=["刷脸支付"])
    ['刷脸支付', '失败', '人脸识别', '太慢']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() takes a str, got {type(text).__name__}")
    _add_words(user_words)
    stop = _stop_set(extra_stop_words)
    return [w for w in _jieba().lcut(text) if len(w) >= 2 and w not in stop and _TOKEN_OK.match(w)]


# --------------------------------------------------------------------------- input checks
def _texts(texts: Any, name: str = "texts") -> list[str]:
    import pandas as pd

    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{name} must be a list/Series of str, not one {type(texts).__name__}; wrap it in a list")
    if isinstance(texts, pd.DataFrame):
        raise TypeError(f"{name} must be a list/Series of str; pass one column, e.g. df['text']")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list/Series of str, got {type(texts).__name__}")
    items = texts.tolist() if hasattr(texts, "tolist") else list(texts)
    out: list[str] = []
    for i, v in enumerate(items):
        if isinstance(v, str):
            out.append(v)
        elif v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            continue  # missing texts carry no words
        else:
            raise TypeError(f"{name}[{i}] is {type(v).__name__}, not str")
    if not out:
        raise ValueError(f"{name} is empty (or all missing): nothing to analyse")
    return out


def _frame(df: Any, fn_name: str, columns: Sequence[str | None]) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{fn_name}() takes a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"{fn_name}(): columns {missing} not in the DataFrame (columns: {list(df.columns)})")
    if len(df) == 0:
        raise ValueError(f"{fn_name}(): the DataFrame is empty")
    return df


def _positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}")
    return value


def _times(df: pd.DataFrame, time_col: str) -> pd.Series:
    from .forecast import parse_times

    times = parse_times(df, time_col)
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    return times


def _cell_list(value: Any) -> list[Any]:
    """Tags of one cell: a list/tuple/set/array as is, one scalar as one tag, missing or "" as none."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        v = value.tolist()
        return v if isinstance(v, list) else [v]
    if isinstance(value, float) and math.isnan(value):
        return []
    if type(value).__name__ in ("NAType", "NaTType"):
        return []
    return [value]


# --------------------------------------------------------------------------- keywords
def keywords(
    texts: Any,
    top_k: int = 20,
    method: Literal["tfidf", "textrank"] = "tfidf",
    *,
    allow_pos: Sequence[str] | None = None,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The ``top_k`` key terms of a corpus with jieba: ``"tfidf"`` (term frequency over all texts x jieba's IDF) or
    ``"textrank"`` (co-occurrence graph of nouns and verbs, window 5).

    Stop words (the shipped list plus ``extra_stop_words``), one-character words and numbers are dropped.
    ``allow_pos``: keep only these jieba POS tags (e.g. ``("n", "vn", "v")``; TextRank defaults to
    ``("ns", "n", "vn", "v")``). ``user_words``: domain words to add to the tokenizer (e.g. ``["刷脸支付"]``).

    Returns columns :data:`KEYWORD_COLUMNS`: ``term``, ``weight`` (the method's score, descending), ``doc_count``
    (texts that contain the term) and ``doc_share`` (``doc_count`` / texts). Missing texts are skipped; an empty
    corpus raises ValueError.

    >>> kw = keywords(["退款一直不到账", "退款太慢了，客服不回复", "客服态度很好"], top_k=3)
    >>> kw["term"].tolist()[0], int(kw["doc_count"].iloc[0])
    ('退款', 2)
    """
    import pandas as pd

    docs = _texts(texts)
    top_k = _positive_int(top_k, "top_k")
    if method not in ("tfidf", "textrank"):
        raise ValueError(f"method must be 'tfidf' or 'textrank'; got {method!r}")
    _add_words(user_words)
    ext = _extractor(method)
    stop = _stop_set(extra_stop_words)
    pos: tuple[str, ...] = tuple(allow_pos) if allow_pos is not None else (
        ("ns", "n", "vn", "v") if method == "textrank" else ())
    corpus = "\n".join(docs)
    # Ask for extra candidates: the per-call stop words and the token filter are applied afterwards.
    pairs = ext.extract_tags(corpus, topK=top_k * 3 + len(stop) - len(load_stop_words()), withWeight=True,
                             allowPOS=pos) if method == "tfidf" else ext.textrank(
        corpus, topK=top_k * 3 + len(stop) - len(load_stop_words()), withWeight=True, allowPOS=pos)
    rows = [(w, float(s)) for w, s in pairs if w not in stop and _TOKEN_OK.match(w)][:top_k]
    n = len(docs)
    counts = [sum(1 for d in docs if w in d) for w, _ in rows]
    out = pd.DataFrame({"term": [w for w, _ in rows], "weight": [s for _, s in rows], "doc_count": counts,
                        "doc_share": [c / n for c in counts]}, columns=list(KEYWORD_COLUMNS))
    out["doc_count"] = out["doc_count"].astype("int64")
    out["weight"] = out["weight"].astype(float)
    out["doc_share"] = out["doc_share"].astype(float)
    return out


# --------------------------------------------------------------------------- TOP issues
def top_issues(
    df: pd.DataFrame,
    topic_col: str = "topics",
    text_col: str = "text",
    n: int = 10,
    *,
    sentiment: str | Sequence[str] | None = "negative",
    n_examples: int = 3,
    method: Literal["tfidf", "textrank"] = "tfidf",
    min_count: int = 2,
    top_topics: int | None = None,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
) -> pd.DataFrame:
    """TOP-``n`` issues per topic: the key terms of each topic's texts, with counts, share and example texts.

    ``topic_col``: a column of topic names per row — a tuple/list (``classify_frame``'s ``topics``) or one name per
    row (e.g. a business line); rows without a topic are left out. ``sentiment``: keep only texts with this polarity
    (``"negative"`` by default; a list for several; None for all): per topic from ``topic_polarities`` when the
    frame has it (a text can praise the staff and complain about the wait), else from ``sentiment_label``.

    Candidates are the topic texts' keywords (:func:`keywords`); each is counted in the topic's texts and the
    ``n`` most frequent with at least ``min_count`` texts are kept. Columns :data:`TOP_ISSUE_COLUMNS`: ``topic``,
    ``topic_count`` (texts of the topic kept), ``topic_share`` (of all kept texts), ``rank``, ``issue`` (the term),
    ``count`` (texts mentioning it), ``share`` (of the topic's texts) and ``examples`` (a tuple of up to
    ``n_examples`` texts, most negative first when ``sentiment_score`` exists, shortest first otherwise).
    Topics are ordered by ``topic_count``; ``top_topics`` keeps the largest ones.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["退款三天不到账", "退款一直没到账", "客服不回复", "物流太慢"],
    ...                    "topics": [("退款",), ("退款",), ("客服",), ("物流",)]})
    >>> top = top_issues(df, sentiment=None, n=1)
    >>> top[["topic", "issue", "count"]].values.tolist()[0]
    ['退款', '退款', 2]
    """
    import pandas as pd

    df = _frame(df, "top_issues", [topic_col, text_col])
    n = _positive_int(n, "n")
    n_examples = _positive_int(n_examples, "n_examples", 0)
    min_count = _positive_int(min_count, "min_count")
    wanted: frozenset[str] | None = None
    if sentiment is not None:
        wanted = frozenset([sentiment] if isinstance(sentiment, str) else sentiment)
        if "topic_polarities" not in df.columns and "sentiment_label" not in df.columns:
            raise KeyError("top_issues(sentiment=...) needs a 'topic_polarities' or 'sentiment_label' column: run "
                           "fn.classify_frame(df) first, or pass sentiment=None to use every text")
    _add_words(user_words)
    stop = _stop_set(extra_stop_words)
    has_scores = "sentiment_score" in df.columns
    pol = df["topic_polarities"].tolist() if "topic_polarities" in df.columns else None
    lab = df["sentiment_label"].tolist() if "sentiment_label" in df.columns else None
    score = df["sentiment_score"].tolist() if has_scores else None
    per_topic: dict[Any, list[tuple[str, float]]] = {}
    for i, (tops, text) in enumerate(zip(df[topic_col].tolist(), df[text_col].tolist())):
        if not isinstance(text, str) or not text.strip():
            continue
        for t in dict.fromkeys(_cell_list(tops)):
            if wanted is not None:
                p = pol[i][t] if pol is not None and isinstance(pol[i], dict) and t in pol[i] else (
                    lab[i] if lab is not None else None)
                if p not in wanted:
                    continue
            s = float(score[i]) if score is not None else float(len(text))
            per_topic.setdefault(t, []).append((text, s))
    total = sum(len(v) for v in per_topic.values())
    order = sorted(per_topic, key=lambda t: (-len(per_topic[t]), str(t)))
    if top_topics is not None:
        order = order[: _positive_int(top_topics, "top_topics")]
    rows: list[dict[str, Any]] = []
    for topic in order:
        items = per_topic[topic]
        texts = [t for t, _ in items]
        cands = keywords(texts, top_k=max(3 * n, 20), method=method, extra_stop_words=stop - load_stop_words())
        scored = []
        for term in cands["term"]:
            hits = [(s, t) for t, s in items if term in t]
            if len(hits) >= min_count:
                scored.append((len(hits), term, hits))
        scored.sort(key=lambda x: -x[0])  # stable: ties keep keyword order
        for rank, (count, term, hits) in enumerate(scored[:n], start=1):
            examples = tuple(dict.fromkeys(t for _, t in sorted(hits, key=lambda h: h[0])))[:n_examples]
            rows.append({"topic": topic, "topic_count": len(items), "topic_share": len(items) / total,
                         "rank": rank, "issue": term, "count": count, "share": count / len(items),
                         "examples": examples})
    out = pd.DataFrame(rows, columns=list(TOP_ISSUE_COLUMNS))
    for c in ("topic_count", "rank", "count"):
        out[c] = out[c].astype("int64")
    return out


# --------------------------------------------------------------------------- emerging terms
def _doc_terms(docs: Sequence[str], stop: frozenset[str]) -> list[set[str]]:
    tok = _jieba()
    return [{w for w in tok.lcut(d) if len(w) >= 2 and w not in stop and _TOKEN_OK.match(w)} for d in docs]


def emerging_terms(
    df: pd.DataFrame,
    time_col: str,
    text_col: str = "text",
    period: str = "Q",
    min_count: int = 5,
    top_k: int = 20,
    *,
    min_growth: float = 0.5,
    last_only: bool = True,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Terms whose frequency grows fastest from one period to the next (e.g. 刷脸支付 +300% quarter on quarter).

    Each text is cut by jieba into a set of content words (stop words, numbers and one-character words dropped);
    ``count`` is the number of texts in the period that contain the term. Rule, per pair of consecutive periods:
    ``growth = count / max(previous_count, 1) - 1`` (``new=True`` when the term was absent before); a term is
    reported when ``count >= min_count`` (the guard against 1 -> 3 = +200% noise) and ``growth >= min_growth``.
    ``share`` / ``previous_share`` are the counts over the texts of each period, to tell real growth from more
    volume. ``period``: a pandas period alias (``"Q"``, ``"M"``, ``"W"``, ``"D"``). ``last_only``: only the last
    period against the one before (default); False gives every consecutive pair. The ``top_k`` fastest-growing
    terms per period are kept, sorted by growth then count.

    Columns :data:`EMERGING_COLUMNS`. Fewer than two periods with texts raises ValueError.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"time": ["2024-03-01"] * 4 + ["2024-04-02"] * 6,
    ...                    "text": ["刷脸支付失败"] + ["转账很慢"] * 3 + ["刷脸支付失败"] * 4 + ["转账很慢"] * 2})
    >>> emerging_terms(df, "time", min_count=3, user_words=["刷脸支付"])[["term", "growth"]].values.tolist()[0]
    ['刷脸支付', 3.0]
    """
    import pandas as pd

    df = _frame(df, "emerging_terms", [time_col, text_col])
    min_count = _positive_int(min_count, "min_count")
    top_k = _positive_int(top_k, "top_k")
    times = _times(df, time_col)
    try:
        periods = times.dt.to_period(period)
    except (ValueError, TypeError) as e:
        raise ValueError(f"period must be a pandas period alias such as 'Q', 'M', 'W' or 'D'; got {period!r}") from e
    _add_words(user_words)
    stop = _stop_set(extra_stop_words)
    texts = df[text_col].tolist()
    keep = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    if not keep:
        raise ValueError(f"column {text_col!r} has no texts")
    sets = _doc_terms([texts[i] for i in keep], stop)
    per = periods.iloc[keep].tolist()
    counts: dict[Any, Counter[str]] = {}
    sizes: Counter[Any] = Counter()
    for p, s in zip(per, sets):
        counts.setdefault(p, Counter()).update(s)
        sizes[p] += 1
    present = sorted(counts)
    if len(present) < 2:
        raise ValueError(f"emerging_terms() needs texts in at least two periods of {period!r}; found "
                         f"{len(present)} ({present}); use a shorter period, e.g. period='M'")
    all_periods = list(pd.period_range(present[0], present[-1], freq=present[0].freq))
    pairs = list(itertools.pairwise(all_periods))
    if last_only:
        pairs = pairs[-1:]
    rows: list[dict[str, Any]] = []
    for prev, cur in pairs:
        c_cur, c_prev = counts.get(cur, Counter()), counts.get(prev, Counter())
        n_cur, n_prev = sizes.get(cur, 0), sizes.get(prev, 0)
        found = []
        for term, c in c_cur.items():
            if c < min_count:
                continue
            pc = c_prev.get(term, 0)
            growth = c / max(pc, 1) - 1
            if growth >= min_growth:
                found.append((growth, c, term, pc))
        found.sort(key=lambda x: (-x[0], -x[1], x[2]))
        for growth, c, term, pc in found[:top_k]:
            rows.append({"period": str(cur), "previous_period": str(prev), "term": term, "count": c,
                         "previous_count": pc, "growth": float(growth), "share": c / n_cur if n_cur else math.nan,
                         "previous_share": pc / n_prev if n_prev else math.nan, "new": pc == 0})
    out = pd.DataFrame(rows, columns=list(EMERGING_COLUMNS))
    out["count"] = out["count"].astype("int64")
    out["previous_count"] = out["previous_count"].astype("int64")
    out["new"] = out["new"].astype(bool)
    return out


# --------------------------------------------------------------------------- term clusters
def term_clusters(
    texts: Any,
    n_clusters: int = 8,
    terms: Sequence[str] | None = None,
    *,
    max_terms: int = 200,
    min_count: int = 3,
    vector_size: int = 64,
    window: int = 5,
    epochs: int = 30,
    seed: int = 0,
    min_texts: int = 50,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Group related terms into needs with word vectors trained on your own corpus (gensim Word2Vec, skip-gram)
    and KMeans on the unit vectors (cosine), e.g. 刷脸 / 人脸识别 / 刷脸支付 in one cluster.

    ``terms``: the terms to cluster (e.g. ``emerging_terms(...)["term"]``); by default the ``max_terms`` most frequent
    content words seen at least ``min_count`` times. Terms not in the trained vocabulary are dropped (listed in
    the ValueError when none is left). Deterministic for a given ``seed`` (one worker thread, seeded KMeans).

    Small corpora: Word2Vec needs many contexts per word, so fewer than ``min_texts`` texts (default 50) or fewer
    terms than ``n_clusters`` raises ValueError saying so; lower ``min_texts`` at your own risk.

    Columns :data:`CLUSTER_COLUMNS`: ``cluster`` (0..k-1, largest first), ``label`` (the cluster's most central
    term), ``term``, ``count`` (occurrences in the corpus) and ``similarity`` (cosine to the cluster centre),
    sorted by cluster then similarity. Needs ``pip install gensim``.

    >>> texts = ["刷脸支付失败", "人脸识别太慢"] * 40 + ["退款不到账", "退货退款太慢"] * 40
    >>> term_clusters(texts, n_clusters=2, min_count=2)["cluster"].nunique()  # doctest: +SKIP
    2
    """
    import numpy as np
    import pandas as pd

    docs = _texts(texts)
    n_clusters = _positive_int(n_clusters, "n_clusters", 2)
    max_terms = _positive_int(max_terms, "max_terms", 2)
    min_count = _positive_int(min_count, "min_count")
    if len(docs) < min_texts:
        raise ValueError(f"term_clusters() needs at least {min_texts} texts to train word vectors; got {len(docs)}. "
                         "Pool more feedback (e.g. several months), or pass min_texts= to override")
    try:
        from gensim.models import Word2Vec
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("term_clusters() needs gensim: pip install gensim") from e
    from sklearn.cluster import KMeans

    _add_words(user_words)
    if terms is not None:
        _add_words([t for t in terms if isinstance(t, str) and t.strip()])
    stop = _stop_set(extra_stop_words)
    tok = _jieba()
    # Word2Vec sees all words but punctuation and spaces, so contexts stay intact; stop words only leave the result.
    sentences = [[w for w in tok.lcut(d) if w.strip() and _TOKEN_OK.match(w)] for d in docs]
    sentences = [s for s in sentences if s]
    freq = Counter(w for s in sentences for w in s)
    model = Word2Vec(sentences=sentences, vector_size=vector_size, window=window, min_count=min_count, sg=1,
                     workers=1, seed=seed, epochs=epochs, negative=5, sample=0)
    if terms is None:
        cand = [w for w, c in freq.most_common() if c >= min_count and len(w) >= 2 and w not in stop]
        chosen = [w for w in cand if w in model.wv.key_to_index][:max_terms]
    else:
        if isinstance(terms, str):
            raise TypeError("terms must be a list of str, not one str")
        wanted = list(dict.fromkeys(t for t in terms if isinstance(t, str)))
        chosen = [t for t in wanted if t in model.wv.key_to_index]
        if not chosen:
            raise ValueError(f"none of the terms {wanted[:10]} occurs >= {min_count} times in the corpus as a word; "
                             "lower min_count or pass user_words= so jieba keeps them whole")
    if len(chosen) < n_clusters:
        raise ValueError(f"only {len(chosen)} terms to cluster into {n_clusters} clusters: lower n_clusters or "
                         "min_count, or pass more texts")
    vec = np.asarray([model.wv[w] for w in chosen], dtype=float)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-12
    km = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed).fit(vec)
    centres = km.cluster_centers_ / (np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True) + 1e-12)
    sim = np.einsum("ij,ij->i", vec, centres[km.labels_])
    out = pd.DataFrame({"raw": km.labels_, "term": chosen, "count": [freq[w] for w in chosen], "similarity": sim})
    sizes = out.groupby("raw")["term"].size()
    # Relabel clusters: largest first, ties by their most central term, so the numbering is stable and readable.
    labels = {c: g.sort_values(["similarity", "term"], ascending=[False, True])["term"].iloc[0]
              for c, g in out.groupby("raw")}
    rank = sorted(sizes.index, key=lambda c: (-sizes[c], labels[c]))
    remap = {c: i for i, c in enumerate(rank)}
    out["cluster"] = out["raw"].map(remap).astype("int64")
    out["label"] = out["raw"].map(labels)
    out["count"] = out["count"].astype("int64")
    out = out.sort_values(["cluster", "similarity", "term"], ascending=[True, False, True], kind="mergesort")
    result: pd.DataFrame = out[list(CLUSTER_COLUMNS)].reset_index(drop=True)
    return result


# --------------------------------------------------------------------------- alerts
def sentiment_alerts(
    df: pd.DataFrame,
    time_col: str,
    freq: str = "D",
    window: int = 14,
    *,
    min_periods: int = 7,
    z: float = 3.0,
    min_count: int = 20,
    min_share_jump: float = 0.05,
    sentiment_col: str = "sentiment_label",
    negative: str = "negative",
    only_alerts: bool = False,
) -> pd.DataFrame:
    """Early warning: periods whose negative share or volume jumps above a rolling baseline.

    Rows are counted per period (``freq``: ``"D"``, ``"W"``, ``"h"``, ...; empty periods count 0). The baseline of
    a period is the ``window`` periods before it (never itself), used once at least ``min_periods`` exist:

    * **volume alert**: ``count > mean + z * sd`` where ``sd = max(std, sqrt(mean))`` — the Poisson floor keeps a
      flat history from alerting on +1 ticket;
    * **share alert**: ``count >= min_count`` and ``negative_share > p0 + z * sqrt(p0 * (1 - p0) / count)`` (a
      one-sided binomial z-test against the baseline share ``p0`` = negatives / rows of the window) and
      ``negative_share - p0 >= min_share_jump`` (so a huge volume does not alert on a 0.5-point rise).

    ``volume_z`` / ``share_z`` are the z-scores; ``reason`` says which rule fired. Needs a ``sentiment_label``
    column (run ``fn.classify_frame`` first). Columns :data:`ALERT_COLUMNS`, one row per period (``only_alerts``:
    just the alerting ones).

    >>> import pandas as pd
    >>> days = pd.date_range("2024-05-01", periods=20, freq="D").repeat(30)
    >>> labels = (["negative"] * 3 + ["positive"] * 27) * 19 + ["negative"] * 20 + ["positive"] * 10
    >>> al = sentiment_alerts(pd.DataFrame({"time": days, "sentiment_label": labels}), "time")
    >>> al.loc[al["alert"], ["period", "reason"]].astype(str).values.tolist()
    [['2024-05-20', 'negative share 67% vs 10% baseline']]
    """
    import numpy as np
    import pandas as pd

    df = _frame(df, "sentiment_alerts", [time_col])
    if sentiment_col not in df.columns:
        raise KeyError(f"sentiment_alerts() needs a {sentiment_col!r} column: run fn.classify_frame(df) first "
                       "(or pass sentiment_col=)")
    window = _positive_int(window, "window", 2)
    min_periods = _positive_int(min_periods, "min_periods", 1)
    if min_periods > window:
        raise ValueError(f"min_periods ({min_periods}) must be <= window ({window})")
    if not isinstance(z, (int, float)) or isinstance(z, bool) or z <= 0:
        raise ValueError(f"z must be a positive number of standard deviations; got {z!r}")
    times = _times(df, time_col)
    neg = (df[sentiment_col] == negative).to_numpy(dtype=float)
    frame = pd.DataFrame({"n": 1, "k": neg}, index=pd.DatetimeIndex(times.to_numpy()))
    try:
        g = frame.resample(freq).sum()
    except (ValueError, TypeError) as e:
        raise ValueError(f"freq must be a pandas frequency such as 'D', 'W' or 'h'; got {freq!r}") from e
    n = g["n"].astype(float)
    k = g["k"].astype(float)
    base_n = n.shift(1).rolling(window, min_periods=min_periods)
    mean = base_n.mean()
    sd = np.maximum(base_n.std(ddof=1).fillna(0.0), np.sqrt(mean))
    p0 = k.shift(1).rolling(window, min_periods=min_periods).sum() / n.shift(1).rolling(
        window, min_periods=min_periods).sum()
    share = k / n.where(n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        volume_z = (n - mean) / sd.where(sd > 0)
        se = np.sqrt(p0 * (1 - p0) / n.where(n > 0))
        share_z = (share - p0) / se.where(se > 0)
    # A baseline share of exactly 0 has no spread: any negatives past min_share_jump are then a jump.
    share_z = share_z.where(~((se == 0) & (share - p0 > 0)), np.inf)
    vol_alert = (volume_z > z).fillna(False).astype(bool)
    share_alert = ((n >= min_count) & (share_z > z) & (share - p0 >= min_share_jump)).fillna(False).astype(bool)
    reasons = []
    for i in range(len(g)):
        parts = []
        if share_alert.iloc[i]:
            parts.append(f"negative share {share.iloc[i]:.0%} vs {p0.iloc[i]:.0%} baseline")
        if vol_alert.iloc[i]:
            parts.append(f"volume {int(n.iloc[i])} vs {mean.iloc[i]:.1f} baseline")
        reasons.append("; ".join(parts))
    out = pd.DataFrame({
        "period": g.index, "count": n.astype("int64").to_numpy(), "negative": k.astype("int64").to_numpy(),
        "negative_share": share.to_numpy(), "baseline_count": mean.to_numpy(), "baseline_share": p0.to_numpy(),
        "volume_z": volume_z.to_numpy(), "share_z": share_z.to_numpy(), "volume_alert": vol_alert.to_numpy(),
        "share_alert": share_alert.to_numpy(), "alert": (vol_alert | share_alert).to_numpy(), "reason": reasons,
    }, columns=list(ALERT_COLUMNS))
    if only_alerts:
        out = out[out["alert"]].reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- scores
def _scores(scores: Any, name: str, lo: float, hi: float) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if isinstance(scores, (str, bytes)) or not isinstance(scores, Iterable):
        raise TypeError(f"{name}() takes a list/array/Series of numbers, got {type(scores).__name__}")
    if isinstance(scores, pd.DataFrame):
        raise TypeError(f"{name}() takes one column of scores, e.g. df['score'], not a DataFrame")
    items = scores.tolist() if hasattr(scores, "tolist") else list(scores)
    if len(items) == 0:
        raise ValueError(f"{name}(): no scores given")
    vals = []
    for i, v in enumerate(items):
        if v is None or v is pd.NA:
            vals.append(math.nan)
        elif isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name}(): score {i} is {type(v).__name__} ({v!r}), not a number; convert first, "
                            "e.g. pd.to_numeric(s, errors='coerce')")
        else:
            vals.append(float(v))
    arr = np.asarray(vals, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError(f"{name}(): all {len(items)} scores are missing (NaN/None)")
    bad = arr[(arr < lo) | (arr > hi) | (arr != np.round(arr))]
    if bad.size:
        raise ValueError(f"{name}(): scores must be whole numbers from {lo:g} to {hi:g}; got {bad[:5].tolist()} "
                         f"({bad.size} bad)")
    result: np.ndarray = arr
    return result


def nps(scores: Any) -> float:
    """Net Promoter Score in percent: promoters (9–10) minus detractors (0–6), over all answers, from -100 to 100.

    Missing answers (NaN/None) are skipped; scores must be whole numbers 0–10 (ValueError otherwise; all missing
    → ValueError; non-numbers → TypeError).

    >>> nps([10, 9, 9, 7, 3])  # 3 推荐者, 1 贬损者, 5 人
    40.0
    """
    arr = _scores(scores, "nps", 0, 10)
    return float(100.0 * ((arr >= 9).mean() - (arr <= 6).mean()))


def csat(scores: Any, scale: int = 5) -> float:
    """Customer satisfaction in percent: the share of the top two boxes (4–5 on a 1–5 scale, 6–7 on 1–7, ...).

    ``scale``: highest score (answers run 1..scale). Missing answers are skipped; out-of-range or fractional scores
    raise ValueError, all missing raises ValueError.

    >>> csat([5, 4, 3, 1])
    50.0
    """
    scale = _positive_int(scale, "scale", 3)
    arr = _scores(scores, "csat", 1, scale)
    return float(100.0 * (arr >= scale - 1).mean())


def underperformers(
    df: pd.DataFrame,
    group_col: str,
    score_col: str,
    alpha: float = 0.05,
    *,
    method: str = "fdr_bh",
    min_n: int = 5,
    alternative: Literal["less", "two-sided"] = "less",
) -> pd.DataFrame:
    """Units (stores, agents, branches) whose mean score is significantly below the rest.

    For each group with at least ``min_n`` scores: Welch's t-test (unequal variances, scipy) of its scores
    against all other rows, one-sided ``alternative="less"`` by default; p-values are corrected for testing many
    groups with statsmodels ``multipletests(method=...)`` (``"fdr_bh"`` Benjamini–Hochberg by default,
    ``"holm"``, ``"bonferroni"``...). ``underperforming`` is ``p_adjusted < alpha`` and ``diff < 0``.
    Smaller groups are listed with NaN p-values and never flagged.

    Columns :data:`UNDERPERFORMER_COLUMNS`, sorted by ``p_adjusted`` then ``diff``. NaN scores are dropped;
    non-numeric scores → TypeError; fewer than two groups or all-NaN scores → ValueError.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"门店": ["A"] * 20 + ["B"] * 20 + ["C"] * 20,
    ...                    "score": [5, 4] * 10 + [4, 5] * 10 + [2, 1, 3, 2] * 5})
    >>> underperformers(df, "门店", "score").query("underperforming")["group"].tolist()
    ['C']
    """
    import numpy as np
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    df = _frame(df, "underperformers", [group_col, score_col])
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), e.g. 0.05; got {alpha!r}")
    if alternative not in ("less", "two-sided"):
        raise ValueError(f"alternative must be 'less' or 'two-sided'; got {alternative!r}")
    min_n = _positive_int(min_n, "min_n", 2)
    col = df[score_col]
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        raise TypeError(f"column {score_col!r} must hold numbers (dtype {col.dtype}); convert it first, e.g. "
                        f"pd.to_numeric(df[{score_col!r}], errors='coerce')")
    data = pd.DataFrame({"g": df[group_col].to_numpy(), "s": col.to_numpy(dtype=float)}).dropna()
    if len(data) == 0:
        raise ValueError(f"column {score_col!r} has no scores (all NaN) or {group_col!r} no groups")
    groups = list(dict.fromkeys(data["g"]))
    if len(groups) < 2:
        raise ValueError(f"underperformers() needs at least two groups in {group_col!r}; found {groups}")
    s = data["s"].to_numpy()
    gv = data["g"].to_numpy()
    rows = []
    for grp in groups:
        mask = gv == grp
        x, rest = s[mask], s[~mask]
        t = p = math.nan
        if mask.sum() >= min_n and rest.size >= 2:
            with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # near-constant groups: handled below
                res = stats.ttest_ind(x, rest, equal_var=False, alternative=alternative)
            t, p = float(res.statistic), float(res.pvalue)
            if math.isnan(p):  # both sides constant: equal means -> no evidence, different means -> certain
                below = x.mean() < rest.mean() if alternative == "less" else x.mean() != rest.mean()
                p = 0.0 if below else 1.0
        rows.append({"group": grp, "n": int(mask.sum()), "mean": float(x.mean()), "rest_mean": float(rest.mean()),
                     "diff": float(x.mean() - rest.mean()), "t": t, "p_value": p})
    out = pd.DataFrame(rows)
    tested = out["p_value"].notna().to_numpy()
    adj = np.full(len(out), np.nan)
    if tested.any():
        adj[tested] = multipletests(out.loc[tested, "p_value"].to_numpy(), alpha=alpha, method=method)[1]
    out["p_adjusted"] = adj
    out["underperforming"] = (out["p_adjusted"] < alpha) & (out["diff"] < 0)
    out = out.sort_values(["p_adjusted", "diff"], kind="mergesort", na_position="last")
    result: pd.DataFrame = out[list(UNDERPERFORMER_COLUMNS)].reset_index(drop=True)
    return result


# --------------------------------------------------------------------------- heatmap
def heatmap(
    df: pd.DataFrame,
    rows: str,
    cols: str,
    value: str | None = None,
    normalize: Literal["index", "columns", "all"] | None = "index",
    *,
    aggfunc: str = "mean",
    ax: Axes | None = None,
    annot: bool = True,
    fmt: str | None = None,
    cmap: str = "Reds",
    title: str | None = None,
) -> Axes:
    """A ``rows`` x ``cols`` heatmap (e.g. business line x channel complaint shares) as a matplotlib Axes.

    ``value=None`` counts rows (``normalize``: ``"index"`` = share within each row, ``"columns"`` within each
    column, ``"all"`` of the total, None = raw counts); with ``value`` each cell is ``aggfunc`` of that column
    (``"mean"`` of a 0/1 column is a rate; ``normalize`` is then ignored). Cells holding lists/tuples (``topics``)
    count once per element. The table itself: ``pd.crosstab``. Chinese labels use :func:`use_cjk_font`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"业务线": ["信用卡", "信用卡", "贷款"], "渠道": ["APP", "电话", "APP"]})
    >>> heatmap(df, "业务线", "渠道").get_title()
    '业务线 × 渠道 (share of row)'
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from .plotting import use_cjk_font

    df = _frame(df, "heatmap", [rows, cols, value])
    if normalize not in ("index", "columns", "all", None):
        raise ValueError(f"normalize must be 'index', 'columns', 'all' or None; got {normalize!r}")
    data = df[[c for c in dict.fromkeys([rows, cols, value]) if c is not None]]
    for c in (rows, cols):
        if data[c].map(lambda v: isinstance(v, (list, tuple, set, frozenset))).any():
            data = data.assign(**{c: data[c].map(_cell_list)}).explode(c)
    data = data.dropna(subset=[rows, cols])
    if len(data) == 0:
        raise ValueError(f"heatmap(): no rows with both {rows!r} and {cols!r}")
    if value is None:
        table = pd.crosstab(data[rows], data[cols], normalize=normalize if normalize is not None else False)
        what = {"index": "share of row", "columns": "share of column", "all": "share of total", None: "count"}[
            normalize]
        fmt = fmt or (".0%" if normalize else "d")
    else:
        if not pd.api.types.is_numeric_dtype(data[value]):
            raise TypeError(f"column {value!r} must be numeric for heatmap(value=...)")
        table = pd.crosstab(data[rows], data[cols], values=data[value], aggfunc=aggfunc)
        what = f"{aggfunc} of {value}"
        fmt = fmt or ".2f"
    use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 0.9 * table.shape[1], 1.0 + 0.5 * table.shape[0]))
    grid = table.to_numpy(dtype=float)
    im = ax.imshow(grid, cmap=cmap, aspect="auto")
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [str(r) for r in table.index])
    if annot:
        finite = grid[np.isfinite(grid)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                v = grid[i, j]
                if np.isfinite(v):
                    txt = format(round(v), fmt) if fmt == "d" else format(v, fmt)
                    ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                            color="white" if v > mid else "black")
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xlabel(str(cols))
    ax.set_ylabel(str(rows))
    ax.set_title(title if title is not None else f"{rows} × {cols} ({what})")
    return ax
