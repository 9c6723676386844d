"""mine_cooccurrence refuses, before allocating, runs over its rule budget (issue 14)."""

from __future__ import annotations

import pytest

import feedback_nlp as fn
from feedback_nlp.insights.cooccurrence import MAX_RULES, _rule_bound


def test_one_basket_of_100_tags_is_refused_with_a_remedy() -> None:
    tags = [f"t{i}" for i in range(100)]
    with pytest.raises(ValueError, match="max_len") as err:
        fn.mine_cooccurrence([tags], min_support=0.5)
    assert "980,100 rules" in str(err.value) and "max_items" in str(err.value)
    rules = fn.mine_cooccurrence([tags], min_support=0.5, max_items=20)  # the remedy works
    assert 0 < len(rules) <= MAX_RULES


def test_no_max_len_on_20_tags_is_refused() -> None:
    with pytest.raises(ValueError, match="max_rules"):
        fn.mine_cooccurrence([[f"t{i}" for i in range(20)]], max_len=None)


def test_bound_is_an_upper_bound() -> None:
    import numpy as np

    from feedback_nlp.insights.cooccurrence import _to_onehot

    rng = np.random.default_rng(0)
    baskets = [list(rng.choice(12, size=rng.integers(0, 7), replace=False)) for _ in range(300)]
    for min_support, max_len in ((0.02, 3), (0.05, None), (0.01, 2)):
        rules = fn.mine_cooccurrence(baskets, min_support=min_support, min_confidence=0.0, max_len=max_len)
        onehot, n = _to_onehot(baskets, "id", "tag")
        assert len(rules) <= _rule_bound(onehot, n, min_support, max_len)[1]


def test_ordinary_runs_are_not_refused() -> None:
    tickets = [["系统卡顿", "转账失败"], ["系统卡顿", "转账失败"], ["系统卡顿"], ["客服态度差"]] * 1000
    assert len(fn.mine_cooccurrence(tickets, min_support=0.01)) == 2


@pytest.mark.parametrize("kwargs", [{"max_items": 1}, {"max_items": 2.5}, {"max_rules": 0}, {"max_rules": True}])
def test_bad_budget_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        fn.mine_cooccurrence([["a", "b"]], **kwargs)  # type: ignore[arg-type]
