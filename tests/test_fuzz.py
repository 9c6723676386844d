"""Fuzz pass over the public API (hypothesis): hostile text, frames and series raise only documented error types.

Slow (hundreds of examples per entry point): runs in CI's second pass, ``pytest -m slow``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import feedback_nlp as fn
from feedback_nlp.insights.cooccurrence import RULE_COLUMNS

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pytestmark = pytest.mark.slow

#: What the public API may raise on bad input: a clear, typed error (never IndexError, EOFError, UnicodeError...).
DOCUMENTED = (ValueError, TypeError, KeyError)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# every code point, lone surrogates, controls and zero-width characters included
chars = st.one_of(st.characters(codec=None, categories=None),
                  st.integers(0xD800, 0xDFFF).map(chr),
                  st.sampled_from(["\x00", "\u200b", "\ufeff", "。", "?", "！", "👍", "🐶", "差", "好", "不"]))
texts = st.text(alphabet=chars, max_size=60)
cells = st.one_of(texts, st.none(), st.just(float("nan")), st.integers(), st.binary(max_size=4))


def _check_classification(r: fn.Classification) -> None:
    s = r.sentiment
    assert s.label in ("negative", "neutral", "positive")
    assert math.isfinite(s.score) and -1 <= s.score <= 1
    assert abs(sum(s.probabilities.values()) - 1) < 1e-6
    r.to_dict()  # serialisable
    assert "\ud800" not in r.text


@FUZZ
@given(texts)
def test_classify_any_text(text: str) -> None:
    r = fn.classify(text)
    _check_classification(r)
    if not any(ch.isalnum() for ch in fn.normalize(text)):  # nothing but punctuation, symbols or space
        assert r.sentiment.label == "neutral" and r.sentiment.score == 0.0
    assert isinstance(fn.normalize(text), str)


@FUZZ
@given(st.lists(cells, max_size=12), st.sampled_from(["raise", "neutral"]))
def test_classify_batch_any_cells(items: list[object], errors: str) -> None:
    try:
        out = fn.classify_batch(items, errors=errors)  # type: ignore[arg-type]
    except DOCUMENTED:
        return
    assert len(out) == len(items)
    for r in out:
        _check_classification(r)


@FUZZ
@given(st.lists(st.tuples(cells, texts), max_size=8), st.booleans())
def test_classify_frame_any_frame(rows: list[tuple[object, str]], shuffle_index: bool) -> None:
    # object columns: pandas' default string dtype cannot even hold a lone surrogate
    df = pd.DataFrame({"text": pd.Series([r[0] for r in rows], dtype=object),
                       "id": pd.Series([r[1] for r in rows], dtype=object)})
    if shuffle_index:
        df.index = list(range(len(df)))[::-1]
    before = df.copy()
    try:
        out = fn.classify_frame(df, errors="neutral")
    except DOCUMENTED:
        return
    pd.testing.assert_frame_equal(df, before)  # the input is not changed
    assert list(out.index) == list(df.index)
    assert out["id"].tolist() == df["id"].tolist()


@FUZZ
@given(st.lists(st.lists(st.sampled_from(["转账失败", "系统卡顿", "客服态度差", "", "退款"]) | texts, max_size=6),
                max_size=30),
       st.floats(min_value=0.01, max_value=1.0), st.one_of(st.none(), st.integers(2, 5)))
def test_mine_any_baskets(baskets: list[list[str]], min_support: float, max_len: int | None) -> None:
    try:
        rules = fn.mine_cooccurrence(baskets, min_support=min_support, max_len=max_len)
    except DOCUMENTED:
        return
    assert set(RULE_COLUMNS) <= set(rules.columns)


@FUZZ
@given(st.lists(st.one_of(st.integers(0, 500), st.just(float("nan")), st.floats(0, 1e6), st.integers(-5, -1)),
                max_size=60),
       st.integers(1, 30), st.sampled_from(["raise", "zero", "interpolate"]))
def test_forecast_any_series(values: list[float], horizon: int, nan: str) -> None:
    s = pd.Series(values, index=pd.date_range("2024-01-01", periods=len(values), freq="D"), dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fc = fn.forecast_volume(s, horizon=horizon, nan=nan)  # type: ignore[arg-type]
        except DOCUMENTED:
            return
    mean = np.asarray(fc.mean, dtype=float)
    assert len(mean) == horizon and np.isfinite(mean).all() and (mean >= 0).all()
