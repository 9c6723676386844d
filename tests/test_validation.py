"""The strict text check shared by the public entry points (feedback_nlp._validation.check_str_list)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from feedback_nlp._validation import check_str_list
from feedback_nlp.classify.intent import classify_kind
from feedback_nlp.insights import terms


def test_accepts_containers_and_returns_a_list_of_str() -> None:
    want = ["服务很好", "太慢了"]
    for texts in (want, tuple(want), np.array(want), pd.Series(want), iter(want)):
        out = check_str_list(texts, "f")
        assert out == want and all(type(t) is str for t in out)
    assert check_str_list([], "f") == []


@pytest.mark.parametrize("bad", ["服务很好", b"\xe5\xa5\xbd"])
def test_a_single_text_is_rejected(bad: object) -> None:
    with pytest.raises(TypeError, match=r"^f\(\): texts must be a list of str, not a single .*wrap one text"):
        check_str_list(bad, "f")


def test_messages_name_function_argument_and_row() -> None:
    with pytest.raises(TypeError, match=r"fit\(\): docs\[1\] \(row 1\) is int, not str"):
        check_str_list(["好", 3], "fit", "docs")
    with pytest.raises(TypeError, match=r"row 2\) is missing"):
        check_str_list(["好", "差", None], "fit")
    with pytest.raises(TypeError, match=r"row 0\) is bytes: decode"):
        check_str_list([b"x"], "fit")
    with pytest.raises(TypeError, match="pass one column"):
        check_str_list(pd.DataFrame({"text": ["好"]}), "fit")
    with pytest.raises(TypeError, match="got int"):
        check_str_list(3, "fit")
    with pytest.raises(TypeError, match=r"^texts\[0\] \(row 0\) is float"):  # no function name
        check_str_list([1.5], None)


def test_missing_rows_are_dropped_on_request() -> None:
    texts = pd.Series(["好", None, np.nan, pd.NA, "差"], dtype=object)
    assert check_str_list(texts, None, missing="drop") == ["好", "差"]
    with pytest.raises(TypeError, match=r"row 1\) is missing"):
        check_str_list(texts, None)


def test_callers_keep_their_error_types() -> None:
    with pytest.raises(TypeError, match=r"classify_kind\(\): texts\[0\] \(row 0\) is missing"):
        classify_kind([None], [0.5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="single str"):
        classify_kind("很好", [0.9])
    with pytest.raises(ValueError, match="empty"):  # the analyses drop missing texts; none left is a ValueError
        terms.keywords([None, float("nan")])
