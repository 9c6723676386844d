from __future__ import annotations

import pytest

from feedback_nlp.text.normalize import MAX_CHARS, normalize, truncate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full width -> half width, lower case
        ("服務態度很差", "服务态度很差"),  # traditional -> simplified
        ("太差了！！！！！", "太差了!!"),  # repeated punctuation collapsed
        ("好评👍", "好评赞"),  # sentiment emoji -> word
        ("好评🎉🎉", "好评"),  # other emoji dropped
        ("  很好 \t\n 很好  ", "很好 很好"),  # whitespace
        ("好\x00评\ud800", "好评"),  # NUL and lone surrogate removed
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    s = "服務態度很差！！！！👎 ＶＩＰ"
    assert normalize(normalize(s)) == normalize(s)


def test_truncate_keeps_head_and_tail() -> None:
    text = "头" * 5000 + "尾" * 5000
    t = truncate(text)
    assert len(t) == MAX_CHARS
    assert t.startswith("头") and t.endswith("尾")
    assert truncate("短") == "短"


def test_hash_char_ngrams_counts_every_ngram_inside_each_text() -> None:
    from feedback_nlp.text.features import hash_char_ngrams

    texts = ["", "a", "好", "好好", "abc", "\ud800x", "很好很好"]
    m = hash_char_ngrams(texts, (1, 3), 2**12)
    expected = [sum(max(len(t) - k + 1, 0) for k in (1, 2, 3)) for t in texts]
    assert m.sum(axis=1).A.ravel().tolist() == expected
    # n-grams never cross from one text into the next
    assert (hash_char_ngrams(["ab", "c"], (2, 2), 2**12)[1].sum()) == 0
    same = hash_char_ngrams(["很好很好"], (1, 3), 2**12)
    assert (same != m[6]).nnz == 0


def test_zhconv_fast_path_is_exact() -> None:
    """``_zhconv`` skips zhconv only for texts it would return unchanged."""
    import zhconv

    from feedback_nlp.text.normalize import _zhconv

    texts = ["服務態度很差", "服务态度很差", "么二三", "一个么蛾子", "乾隆皇帝", "天后", "頭髮", "发展", "後來", "",
             "abc 123", "转账失败，客服推来推去", "網點排隊兩個小時", "这個還行"]
    texts += [zhconv.convert(t, "zh-tw") for t in texts] + [zhconv.convert(t, "zh-hk") for t in texts]
    for t in texts:
        assert _zhconv(t) == zhconv.convert(t, "zh-cn"), t
