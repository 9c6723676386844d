from __future__ import annotations

import pytest

from feedback_nlp.normalize import MAX_CHARS, normalize, truncate


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
