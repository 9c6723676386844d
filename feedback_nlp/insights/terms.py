"""Words and issues in feedback: keywords, TOP issues per topic, emerging terms, term clusters.

DataFrames in, DataFrames out. Words come from :mod:`feedback_nlp.text.tokenize`: texts are normalised exactly as
for classification (繁→简, full width, emoji), cut by jieba, and the phrases :func:`~feedback_nlp.text.phrases.
discover_phrases` finds in the same texts (转账失败, 系统卡顿, 刷脸支付) are kept whole (``phrases=True``, default), so
no user dictionary is needed; the shipped stop words cover function words and service boilerplate (您好, 投诉, 反映).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from ..text.normalize import normalize
from ..text.tokenize import (
    TOKEN_PATTERN,
    PhraseSegmenter,
    _add_words,
    _extractor,
    _stop_set,
    content_words,
    load_stop_words,
)
from ._frames import _cell_list, _frame, _positive_int, _texts, _times

__all__ = ["CLUSTER_COLUMNS", "EMERGING_COLUMNS", "KEYWORD_COLUMNS", "TOP_ISSUE_COLUMNS", "emerging_terms", "keywords",
           "term_clusters", "top_issues"]

#: Columns of :func:`keywords` output.
KEYWORD_COLUMNS: tuple[str, ...] = ("term", "weight", "doc_count", "doc_share")
#: Columns of :func:`top_issues` output.
TOP_ISSUE_COLUMNS: tuple[str, ...] = (
    "topic", "topic_count", "topic_share", "rank", "issue", "count", "share", "examples",
)
#: Columns of :func:`emerging_terms` output.
EMERGING_COLUMNS: tuple[str, ...] = (
    "period", "previous_period", "term", "count", "previous_count", "growth", "p_value", "p_adjusted", "share",
    "previous_share", "new",
)
Phrases = bool | Iterable[str] | None
_PUNCT = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")


def _phrase_list(docs: Sequence[str], phrases: Phrases) -> list[str]:
    """The phrases to keep whole: found in ``docs`` (True), none (False/None), or the caller's."""
    if phrases is None or phrases is False:
        return []
    if phrases is True:
        from ..text.phrases import discover_phrases

        found = discover_phrases(docs, min_count=max(3, round(0.002 * min(len(docs), 20_000))))
        return [str(p) for p in found["phrase"]]
    if isinstance(phrases, str):
        return [phrases]
    if not isinstance(phrases, Iterable):
        raise TypeError(f"phrases must be True, False or a list of str; got {type(phrases).__name__}")
    return list(phrases)


def _segmenter(docs: Sequence[str], phrases: Phrases) -> PhraseSegmenter:
    return PhraseSegmenter.of(_phrase_list(docs, phrases))


class _Cutter:
    """A jieba-like ``cut`` for the keyword extractors: phrases merged, text normalised."""

    def __init__(self, seg: PhraseSegmenter) -> None:
        self._seg = seg

    def cut(self, sentence: str, *args: Any, **kwargs: Any) -> list[str]:
        return self._seg.cut(sentence)


def _distinct(texts: Iterable[str], k: int, grams: list[set[str]] | None = None) -> tuple[str, ...]:
    """Up to ``k`` texts, skipping near-duplicates of one already taken (character-bigram Jaccard >= 0.5 after
    normalising and dropping punctuation: 您好，转账失败了 and 转账失败了！ are one example). ``grams``: the bigram
    sets of examples taken before (another issue of the same topic), extended in place."""
    chosen: list[str] = []
    grams = [] if grams is None else grams
    for t in texts:
        key = _PUNCT.sub("", normalize(t))
        g = {key[i:i + 2] for i in range(len(key) - 1)} or {key}
        if any(len(g & h) / len(g | h) >= 0.5 for h in grams):
            continue
        chosen.append(t)
        grams.append(g)
        if len(chosen) == k:
            break
    return tuple(chosen)
#: Columns of :func:`term_clusters` output.
CLUSTER_COLUMNS: tuple[str, ...] = ("cluster", "label", "term", "count", "similarity")


# --------------------------------------------------------------------------- keywords
def keywords(
    texts: Any,
    top_k: int = 20,
    method: Literal["tfidf", "textrank"] = "tfidf",
    *,
    allow_pos: Sequence[str] | None = None,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
    phrases: Phrases = True,
) -> pd.DataFrame:
    """The ``top_k`` key terms of a corpus with jieba: ``"tfidf"`` (term frequency over all texts x jieba's IDF) or
    ``"textrank"`` (co-occurrence graph of nouns and verbs, window 5).

    Texts are normalised as for classification (客戶經理 counts with 客户经理). ``phrases=True`` keeps the phrases
    found in these texts whole (:func:`~feedback_nlp.text.phrases.discover_phrases`; a phrase gets jieba's median
    IDF and POS ``n``); False turns that off; a list gives your own.

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
    seg = _segmenter(docs, phrases)
    ext = copy.copy(_extractor(method))  # the shared extractor keeps its tokenizers; this call uses its own
    ext.postokenizer = seg.pos()
    ext.tokenizer = ext.postokenizer if method == "textrank" else _Cutter(seg)
    stop = _stop_set(extra_stop_words)
    pos: tuple[str, ...] = tuple(allow_pos) if allow_pos is not None else (
        ("ns", "n", "vn", "v") if method == "textrank" else ())
    norm = [normalize(d) for d in docs]
    corpus = "\n".join(norm)
    # Ask for extra candidates: the per-call stop words and the token filter are applied afterwards.
    pairs = ext.extract_tags(corpus, topK=top_k * 3 + len(stop) - len(load_stop_words()), withWeight=True,
                             allowPOS=pos) if method == "tfidf" else ext.textrank(
        corpus, topK=top_k * 3 + len(stop) - len(load_stop_words()), withWeight=True, allowPOS=pos)
    rows = [(w, float(s)) for w, s in pairs if content_words([w], stop)][:top_k]
    n = len(docs)
    counts = [sum(1 for d in norm if w in d) for w, _ in rows]
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
    phrases: Phrases = True,
) -> pd.DataFrame:
    """TOP-``n`` issues per topic: the key terms of each topic's texts, with counts, share and example texts.

    Issues are phrases where the texts make them so (转账失败, 系统卡顿, 刷脸支付 — found in all of ``text_col``, see
    ``phrases`` in :func:`keywords`), counted on normalised text; examples skip near-duplicates of one another.

    ``topic_col``: a column of topic names per row — a tuple/list (``classify_frame``'s ``topics``) or one name per
    row (e.g. a business line); rows without a topic are left out. ``sentiment``: keep only texts with this polarity
    (``"negative"`` by default; a list for several; None for all): per topic from ``topic_polarities`` when the
    frame has it (a text can praise the staff and complain about the wait), else from ``sentiment_label``.

    Candidates are the topic texts' keywords (:func:`keywords`); each is counted in the topic's texts and the
    ``n`` most frequent with at least ``min_count`` texts are kept. Columns :data:`TOP_ISSUE_COLUMNS`: ``topic``,
    ``topic_count`` (texts of the topic kept), ``topic_share`` (of all kept texts), ``rank``, ``issue`` (the term),
    ``count`` (texts mentioning it), ``share`` (of the topic's texts) and ``examples`` (a tuple of up to
    ``n_examples`` texts, most negative first when ``sentiment_score`` exists, shortest first otherwise; a text
    close to one already quoted for the topic is skipped while others remain).
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
    kept_texts = list(dict.fromkeys(t for topic in order for t, _ in per_topic[topic]))
    # phrases are found in the whole text column: more contexts than the kept (negative) texts alone
    corpus = [t for t in df[text_col].tolist() if isinstance(t, str) and t.strip()]
    phrase_list = _phrase_list(corpus, phrases) if kept_texts else []
    norm = {t: normalize(t) for t in kept_texts}
    for topic in order:
        items = per_topic[topic]
        texts = [t for t, _ in items]
        cands = keywords(texts, top_k=max(3 * n, 20), method=method, extra_stop_words=stop - load_stop_words(),
                         phrases=phrase_list)
        scored = []
        for term in cands["term"]:
            hits = [(s, t) for t, s in items if term in norm[t]]
            if len(hits) >= min_count:
                scored.append((len(hits), term, hits))
        scored.sort(key=lambda x: -x[0])  # stable: ties keep keyword order
        shown: list[set[str]] = []  # examples already quoted for this topic
        for rank, (count, term, hits) in enumerate(scored[:n], start=1):
            ordered = [t for _, t in sorted(hits, key=lambda h: h[0])]
            examples = _distinct(ordered, n_examples, shown) if n_examples else ()
            if n_examples and not examples:  # every text of this issue was quoted already: quote again
                examples = _distinct(ordered, n_examples)
            rows.append({"topic": topic, "topic_count": len(items), "topic_share": len(items) / total,
                         "rank": rank, "issue": term, "count": count, "share": count / len(items),
                         "examples": examples})
    out = pd.DataFrame(rows, columns=list(TOP_ISSUE_COLUMNS))
    for c in ("topic_count", "rank", "count"):
        out[c] = out[c].astype("int64")
    return out


# --------------------------------------------------------------------------- emerging terms
def _doc_terms(docs: Sequence[str], stop: frozenset[str], seg: PhraseSegmenter) -> list[set[str]]:
    return [set(content_words(seg.cut(d), stop)) for d in docs]


def emerging_terms(
    df: pd.DataFrame,
    time_col: str,
    text_col: str = "text",
    period: str = "Q",
    min_count: int = 5,
    top_k: int = 20,
    *,
    min_growth: float = 0.5,
    alpha: float | None = 0.05,
    last_only: bool = True,
    user_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] | None = None,
    phrases: Phrases = True,
) -> pd.DataFrame:
    """Terms whose frequency grows significantly from one period to the next (e.g. 刷脸支付 quarter on quarter).

    Each text is normalised and cut into a set of content words, with the phrases found in the texts kept whole
    (``phrases``, see :func:`keywords`: 刷脸支付 is one term without ``user_words``); ``count`` is the number of texts
    in the period that contain the term. Per pair of consecutive periods a term is a candidate when
    ``count >= min_count`` and ``growth = count / max(previous_count, 1) - 1 >= min_growth`` (``new=True`` when it
    was absent before). Growth must also be statistically real: given the ``count + previous_count`` texts with
    the term, the exact conditional test for two Poisson rates (one-sided binomial test that the share falling in
    the later period exceeds that period's share of all texts, scipy ``binomtest``) gives ``p_value``; the p-values
    of every term seen ``min_count`` times are corrected for multiple testing (Benjamini–Hochberg,
    ``p_adjusted``) and only ``p_adjusted < alpha`` is kept (``alpha=None`` keeps every candidate). So more volume
    alone, or noise
    such as 找个 going from 2 to 6, is not "emerging".

    ``share`` / ``previous_share`` are the counts over the texts of each period. ``period``: a pandas period alias
    (``"Q"``, ``"M"``, ``"W"``, ``"D"``). ``last_only``: only the last period against the one before (default);
    False gives every consecutive pair. At most ``top_k`` terms per period, strongest evidence first (``p_value``,
    then growth).

    Columns :data:`EMERGING_COLUMNS`. Fewer than two periods with texts raises ValueError.

    >>> import pandas as pd
    >>> q1 = ["刷脸支付总是失败", "转账很慢", "转账到账很慢", "网点排队太久"] * 10 + ["转账很慢"] * 30
    >>> q2 = ["刷脸支付总是失败", "超市刷脸支付扣了两次", "刷脸支付太慢", "转账很慢"] * 15 + ["网点排队太久"] * 10
    >>> df = pd.DataFrame({"time": ["2024-03-01"] * len(q1) + ["2024-04-02"] * len(q2), "text": q1 + q2})
    >>> emerging_terms(df, "time")[["term", "count", "previous_count"]].values.tolist()[0]
    ['刷脸支付', 45, 10]
    """
    import pandas as pd
    from scipy.stats import binomtest
    from statsmodels.stats.multitest import multipletests

    df = _frame(df, "emerging_terms", [time_col, text_col])
    min_count = _positive_int(min_count, "min_count")
    top_k = _positive_int(top_k, "top_k")
    if alpha is not None and (isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1):
        raise ValueError(f"alpha must be in (0, 1), e.g. 0.05, or None for no significance filter; got {alpha!r}")
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
    docs = [texts[i] for i in keep]
    sets = _doc_terms(docs, stop, _segmenter(docs, phrases))
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
        if n_cur == 0 or n_prev == 0:
            continue  # nothing to compare with
        frac = n_cur / (n_cur + n_prev)
        # Every term seen min_count times is tested (not only the fast growers: correcting over a pre-selected few
        # would let chance through).
        tested = []
        for term, c in c_cur.items():
            if c >= min_count:
                pc = c_prev.get(term, 0)
                pv = float(binomtest(c, c + pc, frac, alternative="greater").pvalue)
                tested.append((term, c, pc, c / max(pc, 1) - 1, pv))
        if not tested:
            continue
        adjusted = multipletests([f[4] for f in tested], method="fdr_bh")[1]
        kept = [(*f, float(a)) for f, a in zip(tested, adjusted)
                if f[3] >= min_growth and (alpha is None or a < alpha)]
        kept.sort(key=lambda x: (x[4], -x[3], -x[1], x[0]))
        for term, c, pc, growth, pv, adj in kept[:top_k]:
            rows.append({"period": str(cur), "previous_period": str(prev), "term": term, "count": c,
                         "previous_count": pc, "growth": float(growth), "p_value": pv, "p_adjusted": adj,
                         "share": c / n_cur, "previous_share": pc / n_prev, "new": pc == 0})
    out = pd.DataFrame(rows, columns=list(EMERGING_COLUMNS))
    out["count"] = out["count"].astype("int64")
    out["previous_count"] = out["previous_count"].astype("int64")
    for col in ("growth", "p_value", "p_adjusted", "share", "previous_share"):
        out[col] = out[col].astype(float)
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
    phrases: Phrases = True,
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
    seg = _segmenter(docs, phrases)
    # Word2Vec sees all words but punctuation and spaces, so contexts stay intact; stop words only leave the result.
    sentences = [[w for w in seg.cut(d) if w.strip() and TOKEN_PATTERN.match(w)] for d in docs]
    sentences = [s for s in sentences if s]
    freq = Counter(w for s in sentences for w in s)
    model = Word2Vec(sentences=sentences, vector_size=vector_size, window=window, min_count=min_count, sg=1,
                     workers=1, seed=seed, epochs=epochs, negative=5, sample=0)
    if terms is None:
        cand = [w for w, c in freq.most_common() if c >= min_count and content_words([w], stop)]
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


