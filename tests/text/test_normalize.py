from __future__ import annotations

import numpy as np
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


def _reference_ngram_counts(texts: list[str], lo: int, hi: int, n: int) -> list[dict[int, int]]:
    """The documented hash, one n-gram at a time: FNV-1a over code points, order mixed in, 64-bit finaliser."""
    mask = 2**64 - 1
    rows = []
    for t in texts:
        counts: dict[int, int] = {}
        for p in range(len(t)):
            h = 0xCBF29CE484222325
            for k in range(1, min(hi, len(t) - p) + 1):
                h = ((h ^ ord(t[p + k - 1])) * 0x100000001B3) & mask
                if k < lo:
                    continue
                x = h ^ k
                x ^= x >> 33
                x = (x * 0xFF51AFD7ED558CCD) & mask
                x ^= x >> 33
                x = (x * 0xC4CEB9FE1A85EC53) & mask
                x ^= x >> 33
                counts[x % n] = counts.get(x % n, 0) + 1
        rows.append(counts)
    return rows


@pytest.mark.parametrize(("ngram_range", "n_features"), [((1, 4), 2**21), ((1, 3), 2**12), ((2, 3), 1000), ((1, 1), 7)])
def test_hash_char_ngrams_matches_the_documented_hash(ngram_range: tuple[int, int], n_features: int) -> None:
    """Pins the hash (a saved model's weights depend on it) and the matrix layout: sorted columns, no duplicates."""
    from feedback_nlp.text.features import hash_char_ngrams

    texts = ["", "a", "好", "好好好", "转账失败，客服推来推去", "\ud800x", "服务很好服务很好", "ab", "x" * 40]
    m = hash_char_ngrams(texts, ngram_range, n_features)
    assert m.shape == (len(texts), n_features) and m.dtype == np.float32
    assert m.has_sorted_indices and all(np.all(np.diff(m.indices[a:b]) > 0) for a, b in zip(m.indptr, m.indptr[1:]))
    got = [dict(zip(m.indices[a:b].tolist(), m.data[a:b].astype(int).tolist())) for a, b in zip(m.indptr, m.indptr[1:])]
    assert got == _reference_ngram_counts(texts, *ngram_range, n_features)


def test_hash_char_ngrams_rejects_bad_sizes() -> None:
    from feedback_nlp.text.features import hash_char_ngrams

    for bad in (0, -1, 2.5, 2**62, True, None):
        with pytest.raises(ValueError, match="n_features"):
            hash_char_ngrams(["好", "好"], (1, 2), bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ngram_range"):
        hash_char_ngrams(["好"], (2, 1), 16)


def test_zhconv_fast_path_is_exact() -> None:
    """``_zhconv`` skips zhconv only for texts it would return unchanged."""
    import zhconv

    from feedback_nlp.text.normalize import _zhconv

    texts = ["服務態度很差", "服务态度很差", "么二三", "一个么蛾子", "乾隆皇帝", "天后", "頭髮", "发展", "後來", "",
             "abc 123", "转账失败，客服推来推去", "網點排隊兩個小時", "这個還行"]
    texts += [zhconv.convert(t, "zh-tw") for t in texts] + [zhconv.convert(t, "zh-hk") for t in texts]
    for t in texts:
        assert _zhconv(t) == zhconv.convert(t, "zh-cn"), t
