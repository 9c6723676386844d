"""spread(): cascades, key spreaders, cycles, DAGs, bad edges, the synthetic generator."""

from __future__ import annotations

import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from feedback_nlp.insights.spread import CASCADE_COLUMNS, SPREADER_COLUMNS, spread, synthetic_cascades


def _posts(ids: list[str], labels: list[str] | None = None, authors: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "post_id": ids, "author": authors or [f"u_{i}" for i in ids],
        "time": pd.date_range("2024-05-01", periods=len(ids), freq="min"),
        "sentiment_label": labels or ["negative"] * len(ids)})


def test_star_cascade_time_to_milestones_and_alert() -> None:
    ids = ["root"] + [f"r{i}" for i in range(150)]
    posts = _posts(ids, ["negative"] + ["neutral"] * 150)
    edges = pd.DataFrame({"source": ids[1:], "target": "root"})
    sp = spread(edges, posts, alert_reposts=120)
    assert list(sp.cascades.columns) == list(CASCADE_COLUMNS)
    c = sp.cascades.iloc[0]
    assert (c["root"], c["size"], c["reposts"], c["depth"]) == ("root", 151, 150, 1)
    assert c["time_to_100"] == pd.Timedelta(minutes=100)  # the 100th repost is 100 minutes after the root
    assert pd.isna(c["time_to_500"])
    assert c["negative_share"] == pytest.approx(1 / 151)
    assert bool(c["alert"])
    assert not bool(spread(edges, posts).cascades.iloc[0]["alert"])  # default threshold 500
    top = sp.spreaders.iloc[0]
    assert (top["author"], top["negative_posts"], top["negative_reach"]) == ("u_root", 1, 150)
    assert sp.posts.set_index("post_id").loc["root", "reach"] == 150


def test_chain_depth_and_nested_reach() -> None:
    ids = ["a", "b", "c", "d"]
    posts = _posts(ids, ["negative", "negative", "neutral", "negative"], ["x", "x", "y", "z"])
    edges = pd.DataFrame({"source": ["b", "c", "d"], "target": ["a", "b", "c"]})
    sp = spread(edges, posts)
    assert sp.cascades[["root", "size", "depth"]].values.tolist() == [["a", 4, 3]]
    sp_by = sp.spreaders.set_index("author")
    assert sp_by.loc["x", "negative_reach"] == 2  # c and d, counted once though both a and b are x's
    assert sp_by.loc["z", "negative_reach"] == 0
    assert list(sp.spreaders.columns) == list(SPREADER_COLUMNS)


def test_cycles_do_not_hang_and_every_post_counts_once() -> None:
    # a root with a chain into a 3-cycle, plus a separate 4-cycle that no root reaches
    ids = ["r", "a", "b", "c", "w", "x", "y", "z"]
    edges = pd.DataFrame({"source": ["a", "b", "c", "a", "x", "y", "z", "w"],
                          "target": ["r", "a", "b", "c", "w", "x", "y", "z"]})
    sp = spread(edges, _posts(ids))
    assert int(sp.cascades["size"].sum()) == len(ids)
    assert sp.unrooted_posts == 4
    sizes = dict(zip(sp.cascades["root"], sp.cascades["size"]))
    assert sizes == {"r": 4, "w": 4}  # the rootless cycle starts at its earliest post


def test_large_mention_graph_with_cycles() -> None:
    rng = np.random.default_rng(0)
    n = 3000
    src = rng.integers(0, n, 12000)
    tgt = rng.integers(0, n, 12000)
    keep = src != tgt
    edges = pd.DataFrame({"source": src[keep], "target": tgt[keep]}).drop_duplicates()
    posts = pd.DataFrame({"post_id": np.arange(n), "author": rng.integers(0, 300, n),
                          "time": pd.Timestamp("2024-05-01") + pd.to_timedelta(rng.integers(0, 10**6, n), "s"),
                          "sentiment_label": np.where(rng.random(n) < 0.4, "negative", "positive")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # random times: half the edges point "back in time"
        sp = spread(edges, posts, min_size=1)
    assert int(sp.cascades["size"].sum()) == n
    assert sp.posts["reach"].between(0, n - 1).all()
    assert sp.spreaders["core"].max() >= 2


def test_post_with_two_parents_counts_once() -> None:
    ids = ["p", "q", "child"]
    edges = pd.DataFrame({"source": ["child", "child"], "target": ["p", "q"]})
    sp = spread(edges, _posts(ids), min_size=1)
    assert int(sp.cascades["size"].sum()) == 3
    assert dict(zip(sp.cascades["root"], sp.cascades["size"])) == {"p": 2, "q": 1}  # p is earlier


def test_self_loops_and_duplicates_dropped_with_warning_or_raised() -> None:
    posts = _posts(["a", "b", "c"])
    edges = pd.DataFrame({"source": ["b", "b", "c", "a"], "target": ["a", "a", "a", "a"]})
    with pytest.warns(UserWarning, match="1 self-loop.*1 duplicate"):
        sp = spread(edges, posts)
    assert (sp.dropped_self_loops, sp.dropped_duplicates) == (1, 1)
    assert sp.cascades.iloc[0]["size"] == 3
    with pytest.raises(ValueError, match="self-loop"):
        spread(edges, posts, bad_edges="raise")


def test_unknown_posts_are_counted_not_dropped() -> None:
    posts = _posts(["a", "b"])
    edges = pd.DataFrame({"source": ["b", "ghost"], "target": ["a", "a"]})
    with pytest.warns(UserWarning, match="1 post id.*'ghost'"):
        sp = spread(edges, posts)
    assert sp.unknown_posts == 1
    assert sp.cascades.iloc[0]["size"] == 3
    assert sp.cascades.iloc[0]["negative_share"] == 1.0  # unknown sentiment is not in the share


@pytest.mark.parametrize(("make", "exc", "match"), [
    (lambda e, p: (e.drop(columns="target"), p), KeyError, "target"),
    (lambda e, p: (e, p.drop(columns="author")), KeyError, "author"),
    (lambda e, p: (e, p.drop(columns="sentiment_label").drop(columns="text", errors="ignore")), KeyError,
     "sentiment_label"),
    (lambda e, p: (e, pd.concat([p, p.iloc[:1]])), ValueError, "duplicate post ids"),
    (lambda e, p: (e.assign(source=[None, *e["source"].tolist()[1:]]), p), ValueError, "missing"),
    (lambda e, p: (e.assign(source=e["source"] + "_x", target=e["target"] + "_y"), p), ValueError, "no edge end"),
    (lambda e, p: (e, p.assign(time="soon")), ValueError, "not dates"),
    (lambda e, p: (e.to_dict(), p), TypeError, "DataFrame"),
    (lambda e, p: (e, p.assign(reach=1)), ValueError, "rename"),
])
def test_bad_input(make, exc, match) -> None:  # type: ignore[no-untyped-def]
    edges, posts = synthetic_cascades(n_posts=40, n_roots=4, seed=2)
    e, p = make(edges, posts)
    with pytest.raises(exc, match=match):
        spread(e, p)


def test_bad_arguments() -> None:
    edges, posts = synthetic_cascades(n_posts=40, n_roots=4, seed=2)
    for kw in ({"milestones": (0,)}, {"alert_reposts": 0}, {"top": 0}, {"bad_edges": "ignore"}):
        with pytest.raises(ValueError):
            spread(edges, posts, **kw)  # type: ignore[arg-type]


def test_reversed_edges_warn() -> None:
    edges, posts = synthetic_cascades(n_posts=200, n_roots=5, seed=4)
    rev = edges.rename(columns={"source": "target", "target": "source"})
    with pytest.warns(UserWarning, match="older than the target"):
        spread(rev, posts)


def test_inputs_not_modified_and_tz_kept() -> None:
    edges, posts = synthetic_cascades(n_posts=300, n_roots=6, seed=5)
    posts["time"] = posts["time"].dt.tz_localize("Asia/Shanghai")
    e0, p0 = edges.copy(), posts.copy()
    sp = spread(edges, posts)
    pd.testing.assert_frame_equal(edges, e0)
    pd.testing.assert_frame_equal(posts, p0)
    assert str(sp.cascades["time"].dt.tz) == "Asia/Shanghai"
    pd.testing.assert_frame_equal(sp.posts[posts.columns], posts)


def test_without_time_column() -> None:
    edges, posts = synthetic_cascades(n_posts=120, n_roots=3, seed=6)
    sp = spread(edges, posts.drop(columns="time"), time_col=None, min_size=1)
    assert sp.cascades["time_to_100"].isna().all() and sp.cascades["time"].isna().all()
    assert int(sp.cascades["size"].sum()) == 120


def test_synthetic_generator_is_a_seeded_preferential_attachment_forest() -> None:
    e1, p1 = synthetic_cascades(n_posts=2000, n_roots=20, seed=7)
    e2, p2 = synthetic_cascades(n_posts=2000, n_roots=20, seed=7)
    pd.testing.assert_frame_equal(e1, e2)
    pd.testing.assert_frame_equal(p1, p2)
    g = nx.DiGraph(zip(e1["target"], e1["source"]))
    assert nx.is_forest(g.to_undirected()) and len(e1) == 2000 - 20
    reposts_per_post = e1["target"].value_counts()
    assert reposts_per_post.max() > 10 * (len(e1) / len(p1))  # heavy tail from preferential attachment
    sizes = spread(e1, p1, min_size=1).cascades["size"]
    assert sizes.max() > 5 * sizes.median()  # Zipf-weighted cascade sizes
    with pytest.raises(ValueError):
        synthetic_cascades(n_posts=5, n_roots=10)


def test_spreaders_sorted_with_valid_centrality() -> None:
    edges, posts = synthetic_cascades(n_posts=3000, n_roots=30, n_users=300, seed=8)
    sp = spread(edges, posts, top=None)
    assert sp.spreaders["negative_reach"].is_monotonic_decreasing
    assert sp.spreaders["rank"].tolist() == list(range(1, len(sp.spreaders) + 1))
    assert sum(nx.pagerank(sp.users).values()) == pytest.approx(1.0)
    neg_authors = set(posts.loc[posts["sentiment_label"] == "negative", "author"])
    assert set(sp.spreaders["author"]) == neg_authors
    assert all(1 <= len(ex) <= 2 for ex in sp.spreaders["examples"])
    assert len(spread(edges, posts, top=5).spreaders) == 5


def test_empty_posts_and_no_edges() -> None:
    with pytest.raises(ValueError, match="empty"):
        spread(pd.DataFrame({"source": [], "target": []}), _posts([]))
    sp = spread(pd.DataFrame({"source": [], "target": []}), _posts(["a", "b"], ["negative", "positive"]), min_size=1)
    assert sp.cascades["size"].tolist() == [1, 1]
    assert sp.spreaders[["author", "negative_reach"]].values.tolist() == [["u_a", 0]]


def test_texts_are_classified_when_no_sentiment_column() -> None:
    posts = pd.DataFrame({"post_id": ["a", "b", "c"], "author": ["x", "y", "z"],
                          "time": pd.date_range("2024-05-01", periods=3, freq="h"),
                          "text": ["转账失败钱被扣了，客服一直不处理，太差了", "太差了，同样遇到",
                                   "服务很好，非常满意"]})
    edges = pd.DataFrame({"source": ["b", "c"], "target": ["a", "a"]})
    sp = spread(edges, posts)
    assert sp.posts["sentiment_label"].tolist()[:2] == ["negative", "negative"]
    assert sp.spreaders.iloc[0]["author"] == "x" and sp.spreaders.iloc[0]["negative_reach"] == 2
    assert sp.spreaders.iloc[0]["examples"] == ("转账失败钱被扣了，客服一直不处理，太差了",)


def test_reach_rule_in_sentiment_alerts() -> None:
    import feedback_nlp as fn
    from feedback_nlp.insights.alerts import ALERT_COLUMNS

    ids = ["root"] + [f"r{i}" for i in range(30)] + ["calm"]
    posts = _posts(ids, ["negative"] + ["neutral"] * 30 + ["negative"])
    posts["time"] = [pd.Timestamp("2024-05-03 08:00")] + [pd.Timestamp("2024-05-03 09:00")] * 30 + [
        pd.Timestamp("2024-05-01 10:00")]
    sp = spread(pd.DataFrame({"source": ids[1:-1], "target": "root"}), posts)
    al = fn.sentiment_alerts(sp.posts, "time", window=2, min_periods=1, reach_col="reach", reach_threshold=25,
                             lang="en")
    assert list(al.columns) == list(ALERT_COLUMNS)
    fired = al[al["reach_alert"]]
    assert fired["period"].dt.strftime("%Y-%m-%d").tolist() == ["2024-05-03"]
    assert fired["max_negative_reach"].tolist() == [30.0] and "reached 30" in fired["reason"].iloc[0]
    assert fired["alert"].all()
    quiet = fn.sentiment_alerts(sp.posts, "time", window=2, min_periods=1, reach_col="reach", reach_threshold=31)
    assert not quiet["reach_alert"].any()
    plain = fn.sentiment_alerts(sp.posts, "time", window=2, min_periods=1)
    assert not plain["reach_alert"].any() and plain["max_negative_reach"].isna().all()
    with pytest.raises(KeyError, match="nope"):
        fn.sentiment_alerts(sp.posts, "time", reach_col="nope")
    with pytest.raises(TypeError, match="numeric"):
        fn.sentiment_alerts(sp.posts.assign(reach="many"), "time", reach_col="reach")
    with pytest.raises(ValueError, match="negative"):
        fn.sentiment_alerts(sp.posts.assign(reach=-1), "time", reach_col="reach")
    with pytest.raises(ValueError, match="reach_threshold"):
        fn.sentiment_alerts(sp.posts, "time", reach_col="reach", reach_threshold=0)


def test_report_section_spread(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from feedback_nlp.insights.report import report

    edges, posts = synthetic_cascades(n_posts=800, n_roots=8, seed=3)
    sp = spread(edges, posts, alert_reposts=50)
    df = pd.DataFrame({"text": ["转账失败钱被扣了", "服务很好"] * 10})
    page = report(df, tmp_path / "r.html", spread_result=sp).read_text(encoding="utf-8")
    part = page[page.index('<section id="spread">'):]
    assert sp.spreaders["author"].iloc[0] in part and "PageRank" in part and "【合成】" in part
    without = report(df, tmp_path / "r2.html", sections=["overview", "spread"]).read_text(encoding="utf-8")
    assert "spread_result=" in without  # asked for without its data: says what to pass
    assert '<section id="spread">' not in report(df, tmp_path / "r4.html").read_text(encoding="utf-8")
    with pytest.raises(TypeError, match="spread_result"):
        report(df, tmp_path / "r3.html", spread_result=sp.cascades)  # type: ignore[arg-type]


def test_public_names() -> None:
    import feedback_nlp as fn

    assert fn.spread is spread and isinstance(fn.spread(*synthetic_cascades(50, 5), top=1), fn.Spread)
    assert {"rfm", "spread", "Spread"} <= set(fn.__all__)


def test_graphs_use_the_callers_ids() -> None:
    edges, posts = synthetic_cascades(n_posts=100, n_roots=4, seed=9)
    sp = spread(edges, posts)
    assert set(sp.graph.nodes) == set(posts["post_id"])
    assert sp.graph.number_of_edges() == len(edges) and nx.is_forest(sp.graph)
    assert set(sp.users.nodes) == set(posts["author"])
    assert all(d["weight"] >= 1 for _, _, d in sp.users.edges(data=True))


def test_import_stays_cheap() -> None:
    import subprocess
    import sys

    code = ("import sys, feedback_nlp as fn; fn.rfm; fn.spread;"
            "print(','.join(m for m in ('networkx', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
