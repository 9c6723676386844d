"""Spread of negative feedback: who carries it, and how far each post travels (reposts, comments, mentions).

Edges link posts: a row ``(source, target)`` says post *source* reposts, comments on or mentions post *target*
(the parent). ``posts`` has one row per post: id, author, time, and either a sentiment column
(``sentiment_label``) or the text to classify. :func:`spread` builds the post graph (parent → child) and the user
graph (reposter → reposted author, weighted) with networkx and returns a :class:`Spread`:

* ``cascades`` — one row per root post (a post with no parent): ``size`` (posts, root included), ``reposts``
  (``size - 1``), ``depth`` (longest hop count from the root), ``negative_share`` (negative posts / posts with a
  known sentiment, root included), ``time_to_100`` / ``time_to_500`` (time from the root until its 100th / 500th
  repost; ``NaT`` if never reached — ``milestones=`` picks the counts) and ``alert`` (a negative root with at least
  ``alert_reposts`` reposts). Largest first.
* ``spreaders`` — one row per author with at least one negative post, ranked by ``negative_reach`` (posts that
  descend from the author's negative posts — their reposts, comments and mentions at every level, each counted
  once) and then by ``pagerank`` in the user graph (how much reposting flows to the author); ``core`` is the
  author's k-core number in the undirected user graph (how deep inside the densely interacting group they sit);
  ``examples`` are the author's negative posts that travelled furthest.
* ``posts`` — a copy of your ``posts`` with ``cascade_root``, ``cascade_depth`` and ``reach`` (descendants of the
  post) added; ``fn.sentiment_alerts(result.posts, "time", reach_col="reach")`` alerts on the periods in which a
  negative post passed a reach threshold.

Graphs that are not trees are handled in linear time: every post is assigned to one cascade by a breadth-first
search from the roots in time order with one shared visited set, so a post with two parents (a comment that quotes
two posts) counts once, under the earliest root that reaches it, and cycles (A mentions B, B mentions A) cannot
loop. Posts on a cycle that no root reaches become the root of their own cascade at their earliest post
(``Spread.unrooted_posts`` counts them). Self-loops and duplicate edges are dropped with a warning
(``bad_edges="raise"`` makes them errors); ids found in ``edges`` but not in ``posts`` count as posts of unknown
author, time and sentiment (with a warning; ``Spread.unknown_posts``).

:func:`synthetic_cascades` generates a **synthetic** repost forest by preferential attachment for tests, demos and
benchmarks; figures from it describe the generator, not real users.

>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["p1", "p2", "p3", "p4", "p5"], "author": ["老王", "小李", "小张", "小李", "小赵"],
...                       "time": pd.date_range("2024-05-01 09:00", periods=5, freq="10min"),
...                       "sentiment_label": ["negative", "negative", "neutral", "negative", "positive"]})
>>> edges = pd.DataFrame({"source": ["p2", "p3", "p4"], "target": ["p1", "p1", "p2"]})
>>> sp = spread(edges, posts)
>>> sp.spreaders[["author", "negative_posts", "negative_reach"]].values.tolist()
[['老王', 1, 3], ['小李', 2, 0]]
>>> sp.cascades[["root", "size", "depth", "negative_share"]].values.tolist()
[['p1', 4, 2, 0.75]]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._frames import _datetimes, _frame

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import numpy as np
    import pandas as pd

__all__ = ["CASCADE_COLUMNS", "SPREADER_COLUMNS", "Spread", "spread", "synthetic_cascades"]

#: Columns of ``Spread.spreaders``.
SPREADER_COLUMNS: tuple[str, ...] = (
    "rank", "author", "negative_posts", "negative_reach", "posts", "reach", "pagerank", "core", "examples",
    "example_posts",
)
#: Columns of ``Spread.cascades`` with the default ``milestones=(100, 500)``.
CASCADE_COLUMNS: tuple[str, ...] = (
    "root", "author", "time", "negative", "size", "reposts", "depth", "negative_share", "time_to_100",
    "time_to_500", "alert",
)
_ADDED_POST_COLUMNS = ("cascade_root", "cascade_depth", "reach")


@dataclass(frozen=True)
class Spread:
    """Result of :func:`spread` (see the module docstring for the columns)."""

    spreaders: pd.DataFrame
    cascades: pd.DataFrame
    posts: pd.DataFrame
    graph: nx.DiGraph
    """Post graph, parent → child, nodes are your post ids (self-loops and duplicate edges dropped)."""
    users: nx.DiGraph
    """User graph, reposter → reposted author, edge attribute ``weight`` (number of posts)."""
    dropped_self_loops: int = 0
    dropped_duplicates: int = 0
    unknown_posts: int = 0
    unrooted_posts: int = 0


# --------------------------------------------------------------------------- validation
def _no_missing(s: pd.Series, what: str) -> None:
    import numpy as np

    bad = np.flatnonzero(s.isna().to_numpy())
    if bad.size:
        raise ValueError(f"spread(): {bad.size} rows of {what} are missing (rows {bad[:5].tolist()}); drop them first")


def _negative_flags(posts: pd.DataFrame, sentiment_col: str, text_col: str | None, negative: str,
                    batch_size: int) -> tuple[pd.DataFrame, np.ndarray]:
    """(posts copy, 1.0 / 0.0 / NaN per post) from the sentiment column, or by classifying ``text_col``."""
    import numpy as np

    out = posts.copy()
    if sentiment_col not in posts.columns:
        if text_col is None or text_col not in posts.columns:
            raise KeyError(f"spread(): posts need a {sentiment_col!r} column or a text column to classify "
                           f"(text_col={text_col!r}); columns: {list(posts.columns)}")
        from ..classify.registry import default_classifier

        out = default_classifier().classify_frame(posts, text_col=text_col, batch_size=batch_size,
                                                  errors="neutral")
        sentiment_col = "sentiment_label"
    lab = out[sentiment_col]
    flags = np.where(lab.isna().to_numpy(), np.nan, (lab == negative).to_numpy(dtype=float))
    return out, flags


# --------------------------------------------------------------------------- forest
def _bfs_forest(
    n: int, parents: np.ndarray, children: np.ndarray, order: np.ndarray, is_root: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """One breadth-first search over all roots in ``order`` with a shared visited set (networkx's BFS keeps one
    visited set per source, which would count a post reached from two roots twice), over the edges
    ``parents[k] -> children[k]`` (children of a post in edge order). Nodes no root reaches (on a cycle) start a
    search of their own, in ``order``. Returns parent, depth, root, BFS order and the number of unrooted posts."""
    import numpy as np

    srt = np.argsort(parents, kind="stable")
    indptr = np.searchsorted(parents[srt], np.arange(n + 1)).tolist()
    kids = children[srt].tolist()
    parent = [-1] * n
    depth = [-1] * n
    root = [-1] * n
    roots_flag = is_root.tolist()
    seq: list[int] = []
    unrooted = 0
    for start in np.concatenate([order[is_root[order]], order]).tolist():
        if depth[start] >= 0:
            continue
        depth[start] = 0
        root[start] = start
        first = len(seq)
        seq.append(start)
        i = first
        while i < len(seq):  # seq doubles as the queue
            u = seq[i]
            i += 1
            du = depth[u] + 1
            for v in kids[indptr[u]:indptr[u + 1]]:
                if depth[v] < 0:
                    depth[v] = du
                    parent[v] = u
                    root[v] = start
                    seq.append(v)
        if not roots_flag[start]:
            unrooted += len(seq) - first
    as_arr = (np.asarray(x, dtype=np.int64) for x in (parent, depth, root, seq))
    return (*as_arr, unrooted)  # type: ignore[return-value]


def _subtree(parent: np.ndarray, depth: np.ndarray, seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Subtree sizes and preorder numbers of the BFS forest, level by level with numpy (subtree of ``i`` is
    ``[tin[i], tin[i] + size[i])`` in preorder, so nested subtrees are nested intervals)."""
    import numpy as np

    n = len(parent)
    size = np.ones(n, dtype=np.int64)
    max_d = int(depth.max()) if n else 0
    by_depth = seq[np.argsort(depth[seq], kind="stable")]  # stable: BFS order inside each level
    levels = np.split(by_depth, np.searchsorted(depth[by_depth], np.arange(1, max_d + 1)))
    for d in range(max_d, 0, -1):
        nodes = levels[d]
        np.add.at(size, parent[nodes], size[nodes])
    tin = np.zeros(n, dtype=np.int64)
    roots = levels[0] if levels else np.zeros(0, dtype=np.int64)
    tin[roots] = np.cumsum(size[roots]) - size[roots]
    for d in range(1, max_d + 1):
        nodes = levels[d]  # in BFS order, so siblings keep their order
        par = parent[nodes]
        srt = np.argsort(par, kind="stable")
        nodes, par = nodes[srt], par[srt]
        csum = np.cumsum(size[nodes])
        starts = np.r_[True, par[1:] != par[:-1]]
        group_base = np.maximum.accumulate(np.where(starts, csum - size[nodes], 0))
        tin[nodes] = tin[par] + 1 + (csum - size[nodes] - group_base)
    return size, tin


def _union_reach(owner: np.ndarray, nodes: np.ndarray, size: np.ndarray, tin: np.ndarray) -> pd.DataFrame:
    """Per owner: number of ``nodes`` and size of the union of their subtrees minus themselves."""
    import numpy as np
    import pandas as pd

    if len(nodes) == 0:
        return pd.DataFrame({"count": pd.Series(dtype="int64"), "reach": pd.Series(dtype="int64")})
    f = pd.DataFrame({"o": owner, "tin": tin[nodes], "end": tin[nodes] + size[nodes], "size": size[nodes]})
    f = f.sort_values(["o", "tin"], kind="stable")
    prev_end = f.groupby("o")["end"].cummax().groupby(f["o"]).shift()
    top = prev_end.isna().to_numpy() | (f["tin"].to_numpy() >= prev_end.fillna(0).to_numpy())
    f["top_size"] = np.where(top, f["size"].to_numpy(), 0)
    g = f.groupby("o").agg(count=("size", "size"), union=("top_size", "sum"))
    return pd.DataFrame({"count": g["count"].astype("int64"), "reach": (g["union"] - g["count"]).astype("int64")})


# --------------------------------------------------------------------------- main
def spread(
    edges: pd.DataFrame,
    posts: pd.DataFrame,
    source_col: str = "source",
    target_col: str = "target",
    *,
    post_col: str = "post_id",
    author_col: str = "author",
    time_col: str | None = "time",
    text_col: str | None = "text",
    sentiment_col: str = "sentiment_label",
    negative: str = "negative",
    milestones: Sequence[int] = (100, 500),
    alert_reposts: int = 500,
    min_size: int = 2,
    top: int | None = 20,
    n_examples: int = 2,
    bad_edges: Literal["drop", "raise"] = "drop",
    batch_size: int = 1024,
) -> Spread:
    """Key spreaders of negative feedback and the cascades of each root post (see the module docstring).

    ``edges``: ``source_col`` = the reposting / commenting / mentioning post, ``target_col`` = the post it points
    to. ``posts``: ``post_col`` (unique ids), ``author_col``, ``time_col`` (optional: ``None`` leaves the
    ``time_to_*`` columns empty) and ``sentiment_col`` — or ``text_col``, classified with the default model when
    ``sentiment_col`` is absent. ``milestones``: repost counts for the ``time_to_<n>`` columns;
    ``alert_reposts``: reposts from which a negative root alerts; ``min_size``: smallest cascade listed (posts,
    root included; 1 lists every post without a parent); ``top``: spreaders listed (``None``: all).

    Bad input: not DataFrames → TypeError; missing columns → KeyError; missing or duplicate post ids, missing
    edge ends, unparseable times, edges that match no post at all → ValueError; self-loops and duplicate edges
    → dropped with a warning (``bad_edges="raise"``: ValueError); posts with no author are in cascades but not in
    the spreaders or the user graph. A post whose time is before its parent's is kept (check the edge direction
    if many are: a warning says so).

    >>> edges, posts = synthetic_cascades(n_posts=600, n_roots=10, seed=1)  # synthetic, not real data
    >>> sp = spread(edges, posts)
    >>> int(sp.cascades["size"].sum()) <= 600 and sp.spreaders["negative_reach"].is_monotonic_decreasing
    True
    """
    try:
        import networkx as nx
    except ImportError as e:  # pragma: no cover - the [analytics] extra installs it
        raise ImportError("spread() needs networkx: pip install 'feedback_nlp[analytics]' (or networkx)") from e
    import numpy as np
    import pandas as pd

    _frame(edges, "spread", [source_col, target_col], what="edges", allow_empty=True)
    _frame(posts, "spread", [post_col, author_col, time_col], what="posts", allow_empty=True)
    if bad_edges not in ("drop", "raise"):
        raise ValueError(f"bad_edges must be 'drop' or 'raise'; got {bad_edges!r}")
    ms = tuple(milestones)
    if any(isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1 for m in ms):
        raise ValueError(f"milestones must be positive ints (repost counts), e.g. (100, 500); got {milestones!r}")
    for name, val, lo in (("alert_reposts", alert_reposts, 1), ("min_size", min_size, 1),
                          ("n_examples", n_examples, 0)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < lo:
            raise ValueError(f"{name} must be an int >= {lo}; got {val!r}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise ValueError(f"top must be a positive int or None; got {top!r}")
    clash = [c for c in _ADDED_POST_COLUMNS if c in posts.columns]
    if clash:
        raise ValueError(f"spread(): posts already has columns {clash}, which the result adds; rename them first")

    if len(posts) == 0:
        raise ValueError("spread(): posts is empty: nothing to analyse")
    ids = posts[post_col]
    _no_missing(ids, f"posts[{post_col!r}]")
    dup = ids[ids.duplicated()]
    if len(dup):
        raise ValueError(f"spread(): {len(dup)} duplicate post ids in {post_col!r} (e.g. {dup.iloc[0]!r}); each "
                         "post must appear once")
    src, tgt = edges[source_col], edges[target_col]
    _no_missing(src, f"edges[{source_col!r}]")
    _no_missing(tgt, f"edges[{target_col!r}]")
    times = None
    if time_col is not None:
        times = _datetimes(posts[time_col], f"spread(): posts[{time_col!r}]")

    # --- edges: self-loops and duplicates
    pairs = pd.DataFrame({"s": src.to_numpy(), "t": tgt.to_numpy()})
    loops = (pairs["s"] == pairs["t"]).to_numpy()
    dups = pairs.duplicated().to_numpy() & ~loops
    n_loops, n_dups = int(loops.sum()), int(dups.sum())
    if n_loops or n_dups:
        msg = (f"{n_loops} self-loop(s) (a post pointing to itself) and {n_dups} duplicate edge(s)"
               + (f", e.g. row {int(np.flatnonzero(loops | dups)[0])}" if n_loops + n_dups else ""))
        if bad_edges == "raise":
            raise ValueError(f"spread(): {msg}; drop them or pass bad_edges='drop'")
        warnings.warn(f"spread(): dropped {msg}", UserWarning, stacklevel=2)
        pairs = pairs[~(loops | dups)].reset_index(drop=True)

    # --- node ids: posts first (node i == posts row i), then ids seen only in edges
    codes, uniques = pd.factorize(pd.concat([ids, pairs["s"], pairs["t"]], ignore_index=True))
    n_posts, n_edges = len(posts), len(pairs)
    n = len(uniques)
    s_code = codes[n_posts:n_posts + n_edges]
    t_code = codes[n_posts + n_edges:]
    unknown = n - n_posts
    if n_edges and not ((s_code < n_posts) | (t_code < n_posts)).any():
        raise ValueError(f"spread(): no edge end is a post id of posts[{post_col!r}] (edge ids look like "
                         f"{pairs['s'].iloc[0]!r}, post ids like {ids.iloc[0] if n_posts else None!r}); check "
                         "source_col / target_col and the id types")
    if unknown:
        warnings.warn(f"spread(): {unknown} post id(s) in edges are not in posts (e.g. {uniques[n_posts]!r}); they "
                      "count as posts of unknown author, time and sentiment", UserWarning, stacklevel=2)

    out_posts, neg_known = _negative_flags(posts, sentiment_col, text_col, negative, batch_size)
    neg = np.full(n, np.nan)
    neg[:n_posts] = neg_known
    t_arr = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    tz = None
    if times is not None:
        tz = getattr(times.dt, "tz", None)
        naive = times.dt.tz_convert(None) if tz is not None else times
        t_arr[:n_posts] = naive.to_numpy(dtype="datetime64[ns]")
    authors = np.full(n, None, dtype=object)
    authors[:n_posts] = posts[author_col].to_numpy(dtype=object)
    has_author = ~pd.isna(pd.Series(authors)).to_numpy()

    if times is not None and n_edges:
        ts, tt = t_arr[s_code], t_arr[t_code]
        ok = ~(np.isnat(ts) | np.isnat(tt))
        early = int((ts[ok] < tt[ok]).sum())
        if ok.sum() >= 10 and early > ok.sum() / 2:
            warnings.warn(f"spread(): in {early} of {int(ok.sum())} edges the source post is older than the target; "
                          f"{source_col!r} should be the repost/comment and {target_col!r} the post it points to",
                          UserWarning, stacklevel=2)

    graph = nx.DiGraph()
    graph.add_nodes_from(uniques.tolist())
    graph.add_edges_from(zip(pairs["t"].tolist(), pairs["s"].tolist()))
    in_deg = np.zeros(n, dtype=np.int64)
    np.add.at(in_deg, s_code, 1)
    is_root = in_deg == 0
    tkey = np.where(np.isnat(t_arr), np.iinfo(np.int64).max, t_arr.astype("int64"))
    order = np.lexsort((np.arange(n), tkey))
    parent, depth, root, seq, unrooted = _bfs_forest(n, t_code, s_code, order, is_root)
    size, tin = _subtree(parent, depth, seq)
    reach = size - 1

    # --- cascades
    node = pd.DataFrame({"root": root, "depth": depth, "neg": neg, "t": t_arr})
    by_root = node.groupby("root")
    casc = pd.DataFrame({"size": by_root.size(), "depth": by_root["depth"].max(),
                         "negative_share": by_root["neg"].mean()})
    casc = casc[casc["size"] >= min_size]
    r_idx = casc.index.to_numpy()
    root_t = pd.Series(t_arr[r_idx], index=r_idx)
    reposts_t = node[(node["depth"] > 0) & node["root"].isin(r_idx) & node["t"].notna()][["root", "t"]]
    reposts_t = reposts_t.sort_values(["root", "t"], kind="stable")
    nth = reposts_t.groupby("root").cumcount().to_numpy() + 1
    cascades = pd.DataFrame({
        "root": uniques[r_idx], "author": authors[r_idx],
        "time": (pd.Series(t_arr[r_idx]).dt.tz_localize("UTC").dt.tz_convert(tz) if tz is not None
                 else t_arr[r_idx]),
        "negative": np.nan_to_num(neg[r_idx]) > 0,
        "size": casc["size"].to_numpy(dtype=np.int64), "reposts": casc["size"].to_numpy(dtype=np.int64) - 1,
        "depth": casc["depth"].to_numpy(dtype=np.int64), "negative_share": casc["negative_share"].to_numpy(),
    })
    for m in ms:
        hit = reposts_t[nth == m].set_index("root")["t"]
        delta = (hit - root_t.reindex(hit.index)).reindex(r_idx)
        cascades[f"time_to_{m}"] = pd.to_timedelta(delta.to_numpy())
    cascades["alert"] = cascades["negative"].to_numpy() & (cascades["reposts"].to_numpy() >= alert_reposts)
    cascades = cascades.sort_values(["size", "depth"], ascending=False, kind="stable").reset_index(drop=True)

    # --- user graph and centrality
    users = nx.DiGraph()
    users.add_nodes_from(pd.unique(authors[has_author]).tolist())
    ok = has_author[s_code] & has_author[t_code]
    ue = pd.DataFrame({"a": authors[s_code[ok]], "b": authors[t_code[ok]]})
    ue = ue[ue["a"] != ue["b"]]
    if len(ue):
        w = ue.groupby(["a", "b"], sort=False).size().reset_index(name="w")
        users.add_weighted_edges_from(zip(w["a"], w["b"], w["w"].astype(int).tolist()))
    pagerank = nx.pagerank(users, weight="weight") if users.number_of_nodes() else {}
    core = nx.core_number(nx.Graph(users)) if users.number_of_nodes() else {}

    # --- spreaders
    with_author = np.flatnonzero(has_author)
    all_r = _union_reach(authors[with_author], with_author, size, tin)
    neg_nodes = np.flatnonzero(has_author & (np.nan_to_num(neg) > 0))
    neg_r = _union_reach(authors[neg_nodes], neg_nodes, size, tin)
    sp = pd.DataFrame({"author": neg_r.index.to_numpy(), "negative_posts": neg_r["count"].to_numpy(),
                       "negative_reach": neg_r["reach"].to_numpy()})
    sp["posts"] = all_r["count"].reindex(neg_r.index).to_numpy(dtype=np.int64)
    sp["reach"] = all_r["reach"].reindex(neg_r.index).to_numpy(dtype=np.int64)
    sp["pagerank"] = [float(pagerank.get(a, 0.0)) for a in sp["author"]]
    sp["core"] = [int(core.get(a, 0)) for a in sp["author"]]
    sp = sp.sort_values(["negative_reach", "pagerank", "negative_posts", "author"],
                        ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    if top is not None:
        sp = sp.head(int(top))
    texts = posts[text_col].to_numpy(dtype=object) if text_col is not None and text_col in posts.columns else None
    ex_f = pd.DataFrame({"a": authors[neg_nodes], "node": neg_nodes, "reach": reach[neg_nodes]})
    ex_f = ex_f[ex_f["a"].isin(set(sp["author"]))].sort_values(["reach", "node"], ascending=[False, True])
    ex_f = ex_f.groupby("a", sort=False).head(n_examples)
    ex_nodes = ex_f.groupby("a", sort=False)["node"].agg(list)
    sp["example_posts"] = [tuple(uniques[ex_nodes.get(a, [])].tolist()) for a in sp["author"]]
    sp["examples"] = [tuple((texts[i] if isinstance(texts[i], str) else "") if texts is not None else str(uniques[i])
                            for i in ex_nodes.get(a, [])) for a in sp["author"]]
    sp.insert(0, "rank", np.arange(1, len(sp) + 1, dtype=np.int64))
    sp = sp[list(SPREADER_COLUMNS)]

    out_posts["cascade_root"] = np.asarray(uniques[root[:n_posts]], dtype=object)
    out_posts["cascade_depth"] = depth[:n_posts]
    out_posts["reach"] = reach[:n_posts]
    return Spread(spreaders=sp, cascades=cascades, posts=out_posts, graph=graph, users=users,
                  dropped_self_loops=n_loops, dropped_duplicates=n_dups, unknown_posts=int(unknown),
                  unrooted_posts=int(unrooted))


# --------------------------------------------------------------------------- synthetic data
_SYN_TEXTS = {
    "negative": ("【合成】转账失败钱被扣了，客服一直不处理", "【合成】排队两小时没人管，太差了",
                 "【合成】退款半个月还没到账"),
    "neutral": ("【合成】转发", "【合成】请问这个怎么办理", "【合成】关注一下"),
    "positive": ("【合成】问题很快解决了，谢谢", "【合成】客服态度很好", "【合成】处理及时，点赞"),
}


def synthetic_cascades(
    n_posts: int = 5000,
    n_roots: int = 100,
    n_users: int = 1000,
    *,
    negative_rate: float = 0.3,
    stickiness: float = 0.7,
    start: str = "2024-05-01",
    days: float = 7.0,
    mean_delay_minutes: float = 60.0,
    cascade_exponent: float = 1.0,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A **synthetic** repost forest (not real data) for tests, demos and benchmarks: ``(edges, posts)``.

    ``n_roots`` root posts at uniform times over ``days`` share the other ``n_posts - n_roots`` posts with Zipf
    weights (the root of rank ``k``, in random order, gets weight ``1 / k ** cascade_exponent``), so cascade sizes
    are heavy-tailed. Inside a cascade each new post reposts an earlier post of it chosen with probability
    proportional to its reposts so far + 1 — linear preferential attachment, the growing network that
    ``networkx.gn_graph`` draws, done here with an urn in O(n) because ``gn_graph`` rescans every degree per new
    node (O(n²)); reposts per post are heavy-tailed too. Authors are drawn with Zipf-like activity (weight
    ``1 / rank``); a repost comes an exponential delay (mean ``mean_delay_minutes``) after its parent; a root is
    negative with probability ``negative_rate`` (else positive or neutral, evenly), a repost keeps its parent's
    label with probability ``stickiness`` and draws like a root otherwise. Texts are fixed templates marked 【合成】.

    Columns: edges ``source`` (repost) and ``target`` (parent); posts ``post_id``, ``author``, ``time``, ``text``,
    ``sentiment_label``. Same ``seed``, same data.

    >>> edges, posts = synthetic_cascades(n_posts=50, n_roots=5, seed=0)
    >>> len(edges), len(posts), bool(posts["text"].str.startswith("【合成】").all())
    (45, 50, True)
    """
    import numpy as np
    import pandas as pd

    for name, val, lo in (("n_posts", n_posts, 1), ("n_roots", n_roots, 1), ("n_users", n_users, 1)):
        if isinstance(val, bool) or not isinstance(val, int) or val < lo:
            raise ValueError(f"{name} must be an int >= {lo}; got {val!r}")
    if n_roots > n_posts:
        raise ValueError(f"n_roots ({n_roots}) must be <= n_posts ({n_posts})")
    for name, p in (("negative_rate", negative_rate), ("stickiness", stickiness)):
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"{name} must be in [0, 1]; got {p!r}")
    rng = np.random.default_rng(seed)
    # cascade sizes: the reposts go to the roots with Zipf weights (a random root gets weight 1 / rank)
    rank_w = 1.0 / np.arange(1, n_roots + 1) ** cascade_exponent
    extra = rng.multinomial(n_posts - n_roots, rank_w[rng.permutation(n_roots)] / rank_w.sum())
    sizes = extra + 1
    is_root = np.zeros(n_posts, dtype=bool)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    is_root[offsets] = True
    parent = np.full(n_posts, -1, dtype=np.int64)
    urn = np.empty(2 * int(sizes.max()), dtype=np.int64)  # post i appears (its reposts + 1) times
    u = rng.random(n_posts)
    for off, sz in zip(offsets.tolist(), sizes.tolist()):
        urn[0] = off
        filled = 1
        for i in range(off + 1, off + sz):
            j = urn[int(u[i] * filled)]
            parent[i] = j
            urn[filled] = j
            urn[filled + 1] = i
            filled += 2
    w = 1.0 / np.arange(1, n_users + 1)
    authors = rng.choice(n_users, size=n_posts, p=w / w.sum())
    t0 = pd.Timestamp(start).value
    t = np.empty(n_posts, dtype=np.int64)
    roots = np.flatnonzero(is_root)
    t[roots] = t0 + np.sort(rng.random(n_roots) * days * 86400e9).astype(np.int64)  # roots in arrival order
    delay = (rng.exponential(mean_delay_minutes * 60e9, n_posts)).astype(np.int64)
    labels = np.empty(n_posts, dtype=object)

    def draw(k: int) -> np.ndarray:
        r = rng.random(k)
        return np.where(r < negative_rate, "negative",
                        np.where(r < negative_rate + (1 - negative_rate) / 2, "positive", "neutral"))

    labels[roots] = draw(n_roots)
    fresh = draw(n_posts)
    keep = rng.random(n_posts) < stickiness
    for i in np.flatnonzero(~is_root).tolist():  # parents come before children: one pass fills time and label
        j = parent[i]
        t[i] = t[j] + delay[i]
        labels[i] = labels[j] if keep[i] else fresh[i]
    pick = rng.integers(0, 3, n_posts)
    texts = [_SYN_TEXTS[str(lab)][k] for lab, k in zip(labels, pick)]
    ids = np.array([f"p{i}" for i in range(n_posts)], dtype=object)
    posts = pd.DataFrame({"post_id": ids, "author": [f"u{a}" for a in authors],
                          "time": pd.to_datetime(t), "text": texts, "sentiment_label": labels.astype(str)})
    child = np.flatnonzero(~is_root)
    edges = pd.DataFrame({"source": ids[child], "target": ids[parent[child]]})
    return edges, posts
