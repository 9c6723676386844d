"""Co-occurrence mining: same rules as an independent brute-force Apriori, input forms, edge cases, chains, plots."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pandas as pd
import pytest

from feedback_nlp.insights.cooccurrence import (
    CHAIN_COLUMNS,
    RULE_COLUMNS,
    mine_cooccurrence,
    plot_rules,
    rule_chains,
    transactions_from_frame,
)


def brute_force_rules(
    transactions: list[list[str]], min_support: float, min_confidence: float, max_len: int
) -> dict[tuple[frozenset[str], frozenset[str]], tuple[float, float, float]]:
    """Textbook Apriori written independently of mlxtend: count every itemset, keep the frequent ones (downward
    closure holds because every subset of a counted itemset is counted), then split each into A ⇒ B."""
    n = len(transactions)
    baskets = [frozenset(t) for t in transactions]
    items = sorted({i for b in baskets for i in b})
    support: dict[frozenset[str], float] = {}
    level = [frozenset([i]) for i in items]
    k = 1
    while level and k <= max_len:
        frequent = []
        for cand in level:
            s = sum(1 for b in baskets if cand <= b) / n
            if s >= min_support:
                support[cand] = s
                frequent.append(cand)
        k += 1
        level = sorted({a | b for a in frequent for b in frequent if len(a | b) == k
                        and all(frozenset(sub) in support for sub in itertools.combinations(a | b, k - 1))},
                       key=sorted)
    rules = {}
    for itemset, s in support.items():
        for r in range(1, len(itemset)):
            for ante in itertools.combinations(sorted(itemset), r):
                a = frozenset(ante)
                c = itemset - a
                conf = s / support[a]
                if conf >= min_confidence:
                    rules[(a, c)] = (s, conf, conf / support[c])
    return rules


def random_transactions(n: int, n_tags: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    tags = [f"t{i}" for i in range(n_tags)]
    weights = [1 / (i + 1) for i in range(n_tags)]
    out = []
    for _ in range(n):
        basket = set(rng.choices(tags, weights=weights, k=rng.randint(0, 5)))
        if "t0" in basket and rng.random() < 0.7:  # planted association t0 ⇒ t7
            basket.add("t7")
        out.append(sorted(basket))
    return out


@pytest.mark.parametrize("algorithm", ["fpgrowth", "apriori"])
@pytest.mark.parametrize(("seed", "min_support", "min_confidence", "max_len"),
                         [(0, 0.02, 0.1, 3), (1, 0.05, 0.3, 2), (2, 0.01, 0.0, 4)])
def test_same_rules_as_brute_force_apriori(
    algorithm: str, seed: int, min_support: float, min_confidence: float, max_len: int
) -> None:
    t = random_transactions(600, 12, seed)
    got = mine_cooccurrence(t, min_support=min_support, min_confidence=min_confidence, max_len=max_len,
                            algorithm=algorithm)  # type: ignore[arg-type]
    want = brute_force_rules(t, min_support, min_confidence, max_len)
    got_keys = list(zip(got["antecedents"], got["consequents"]))
    assert len(got_keys) == len(set(got_keys))
    assert set(got_keys) == set(want)
    assert len(want) > 10
    for (a, c), s, conf, lift, cnt in zip(got_keys, got["support"], got["confidence"], got["lift"], got["count"]):
        ws, wc, wl = want[(a, c)]
        assert s == pytest.approx(ws, abs=1e-12)
        assert conf == pytest.approx(wc, abs=1e-12)
        assert lift == pytest.approx(wl, rel=1e-9)
        assert cnt == round(ws * len(t))


def test_columns_sorting_and_counts() -> None:
    t = random_transactions(500, 10, 3)
    rules = mine_cooccurrence(t, min_support=0.02, min_confidence=0.2)
    assert tuple(rules.columns) == RULE_COLUMNS
    assert all(isinstance(a, frozenset) for a in rules["antecedents"])
    keys = list(zip(-rules["lift"], -rules["confidence"]))
    assert keys == sorted(keys)
    n = len(t)
    first = rules.iloc[0]
    both = first["antecedents"] | first["consequents"]
    assert first["count"] == sum(1 for b in t if both <= set(b))
    assert first["antecedent_count"] == sum(1 for b in t if first["antecedents"] <= set(b))
    assert first["consequent_count"] == pytest.approx(first["consequent_support"] * n)
    top = rules[(rules["antecedents"] == frozenset({"t0"})) & (rules["consequents"] == frozenset({"t7"}))]
    assert len(top) == 1 and top["lift"].iloc[0] > 1.5


def test_min_lift_and_max_len() -> None:
    t = random_transactions(500, 10, 4)
    rules = mine_cooccurrence(t, min_support=0.02, min_confidence=0.0, min_lift=1.2, max_len=2)
    assert (rules["lift"] >= 1.2).all()
    assert all(len(a) + len(c) == 2 for a, c in zip(rules["antecedents"], rules["consequents"]))


def test_input_forms_agree() -> None:
    t = [["系统卡顿", "转账失败"], ["系统卡顿", "转账失败", "投诉"], ["系统卡顿"], [], ["投诉"], ["转账失败", "投诉"]]
    ref = mine_cooccurrence(t, min_support=0.2, min_confidence=0.3)
    assert len(ref) > 0
    tags = sorted({x for b in t for x in b})
    onehot = pd.DataFrame([[x in b for x in tags] for b in t], columns=tags)
    long = pd.DataFrame([(i, x) for i, b in enumerate(t) for x in b] + [(3, None)], columns=["ticket", "tag"])
    sparse = onehot.astype(pd.SparseDtype(bool, False))
    for other in (
        mine_cooccurrence(onehot, min_support=0.2, min_confidence=0.3),
        mine_cooccurrence(onehot.astype(int), min_support=0.2, min_confidence=0.3),
        mine_cooccurrence(sparse, min_support=0.2, min_confidence=0.3),
        mine_cooccurrence(long, min_support=0.2, min_confidence=0.3, id_col="ticket"),
        mine_cooccurrence(pd.Series(t), min_support=0.2, min_confidence=0.3, algorithm="apriori"),
        mine_cooccurrence(iter(t), min_support=0.2, min_confidence=0.3),
    ):
        pd.testing.assert_frame_equal(other, ref)


@pytest.mark.parametrize("empty", [[], [[], []], pd.DataFrame(), pd.DataFrame({"a": [False, False]})])
def test_empty_input_gives_empty_frame_with_columns(empty: object) -> None:
    out = mine_cooccurrence(empty)
    assert len(out) == 0 and tuple(out.columns) == RULE_COLUMNS


def test_nothing_frequent_gives_empty_frame() -> None:
    out = mine_cooccurrence([["a"], ["b"], ["c"], ["d"]], min_support=0.5)
    assert len(out) == 0 and tuple(out.columns) == RULE_COLUMNS
    out = mine_cooccurrence([["a", "b"], ["a"], ["b"], ["c"]], min_support=0.2, min_confidence=0.99)
    assert len(out) == 0 and tuple(out.columns) == RULE_COLUMNS


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.5, math.nan, "0.1", True])
def test_min_support_outside_range(bad: object) -> None:
    with pytest.raises(ValueError, match="min_support"):
        mine_cooccurrence([["a", "b"]], min_support=bad)  # type: ignore[arg-type]


def test_other_bad_arguments() -> None:
    with pytest.raises(ValueError, match="algorithm"):
        mine_cooccurrence([["a", "b"]], algorithm="eclat")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_confidence"):
        mine_cooccurrence([["a", "b"]], min_confidence=2)
    with pytest.raises(ValueError, match="max_len"):
        mine_cooccurrence([["a", "b"]], max_len=1)
    with pytest.raises(TypeError, match="wrap"):
        mine_cooccurrence(["系统卡顿", "转账失败"])
    with pytest.raises(ValueError, match="0/1"):
        mine_cooccurrence(pd.DataFrame({"a": [0, 2], "b": [1, 1]}))
    with pytest.raises(ValueError, match="id_col"):
        mine_cooccurrence(pd.DataFrame({"ticket": [1, 2], "label": ["a", "b"]}))


def test_transactions_from_classify_frame_output() -> None:
    df = pd.DataFrame({
        "text": ["转账一直失败", "页面卡", "很好"],
        "sentiment_label": ["negative", "negative", "positive"],
        "topics": [("efficiency", "product_defect"), ("product_defect",), ()],
        "kind": ["complaint", "complaint", None],
        "channel": ["app", "app", np.nan],
        "tags": ["a;b", "", "c"],
    })
    t = transactions_from_frame(df, ["topics", "sentiment_label", "kind", "channel"])
    assert t == [
        ["topic=efficiency", "topic=product_defect", "sentiment=negative", "kind=complaint", "channel=app"],
        ["topic=product_defect", "sentiment=negative", "kind=complaint", "channel=app"],
        ["sentiment=positive"],
    ]
    assert transactions_from_frame(df)[0] == ["topic=efficiency", "topic=product_defect"]
    assert transactions_from_frame(df, ["tags"], prefix=False, sep=";") == [["a", "b"], [], ["c"]]
    assert transactions_from_frame(df, "channel", prefix={"channel": "渠道"})[0] == ["渠道=app"]
    csv_lists = pd.DataFrame({"topics": ["['efficiency', 'product_defect']", "[]"]})
    assert transactions_from_frame(csv_lists, prefix=False) == [["efficiency", "product_defect"], []]
    rules = mine_cooccurrence(t, min_support=0.3, min_confidence=0.5)
    assert "产品缺陷 ⇒ 负面" in set(rules["rule"])  # readable names; the tags stay in antecedents/consequents
    assert "topic=product_defect ⇒ sentiment=negative" in set(
        mine_cooccurrence(t, min_support=0.3, min_confidence=0.5, lang=None)["rule"])
    with pytest.raises(KeyError, match="tag_cols"):
        transactions_from_frame(df, ["nope"])


def test_rule_chains() -> None:
    t = [["系统卡顿", "转账失败", "投诉"]] * 6 + [["系统卡顿", "转账失败"]] * 2 + [["其他"]] * 2
    rules = mine_cooccurrence(t, min_support=0.3, min_confidence=0.7)
    chains = rule_chains(rules)
    assert tuple(chains.columns) == CHAIN_COLUMNS
    row = chains[chains["path"] == "系统卡顿 ⇒ 转账失败 ⇒ 投诉"].iloc[0]
    assert row["n_rules"] == 2
    assert row["confidence"] == pytest.approx(1.0 * 0.75)
    assert row["min_confidence"] == pytest.approx(0.75)
    assert all(len(set().union(*s)) == len(s) for s in chains["steps"])  # no item repeats
    only = rule_chains(rules, start="投诉")
    assert len(only) > 0 and all(p.startswith("投诉") for p in only["path"])
    assert len(rule_chains(rules, min_confidence=0.99)) < len(chains)
    assert len(rule_chains(rules.head(0))) == 0
    with pytest.raises(ValueError, match="max_rules"):
        rule_chains(rules, max_rules=1)


@pytest.mark.parametrize("kind", ["network", "heatmap"])
def test_plot_rules_returns_axes(kind: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    t = [["系统卡顿", "转账失败", "投诉"]] * 6 + [["系统卡顿", "转账失败"]] * 2 + [["其他"]] * 2
    rules = mine_cooccurrence(t, min_support=0.3, min_confidence=0.7)
    ax = plot_rules(rules, kind=kind)  # type: ignore[arg-type]
    assert isinstance(ax, Axes)
    assert isinstance(plot_rules(rules.head(0)), Axes)
    with pytest.raises(ValueError, match="kind"):
        plot_rules(rules, kind="pie")  # type: ignore[arg-type]
    plt.close("all")
