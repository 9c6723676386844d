"""Guarded alternations (feedback_nlp.text.patterns): exactly the matches of the plain alternation, fewer tries."""

from __future__ import annotations

import random
import re

import pytest

from feedback_nlp.classify.intent import DEFAULT_RULES
from feedback_nlp.classify.lexicon import DEFAULT_LEXICON
from feedback_nlp.text.patterns import compile_alternation, first_chars

TEXTS = [
    "客服推来推去，还挂了电话，等了一个小时",
    "转账失败，app闪退，登不上",
    "不是很慢，态度也没有很差",
    "信用卡被盗刷了两万，银行说不归他们管",
    "宽带中午停到现在还没恢复，网络中断",
    "",
    "a",
    "服务很好" * 50,
]


def _buckets() -> list[list[str]]:
    out: list[list[str]] = []
    for entries in DEFAULT_LEXICON.values():
        for pol in ("positive", "negative", None):
            pats = [str(e[1]) for e in entries if (e[2] if len(e) > 2 else None) == pol]
            if pats:
                out.append(pats)
    out.append([p for _, p in (*DEFAULT_RULES.urgent, *DEFAULT_RULES.high)])
    return out


def _random_texts(patterns: list[str], n: int = 300, seed: int = 0) -> list[str]:
    """Texts built from the characters of the patterns themselves (many near-matches), plus filler."""
    rng = random.Random(seed)
    alphabet = [c for c in "".join(patterns) if "\u4e00" <= c <= "\u9fff"] or list("好差慢")
    return ["".join(rng.choice(alphabet + list("，。的了我也 ")) for _ in range(rng.randint(0, 60)))
            for _ in range(n)]


@pytest.mark.parametrize("patterns", _buckets())
def test_same_matches_as_the_plain_alternation(patterns: list[str]) -> None:
    guarded = compile_alternation(patterns)
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    for text in TEXTS + _random_texts(patterns):
        assert [m.span() for m in guarded.finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert bool(guarded.search(text)) == bool(plain.search(text))


def test_the_shipped_lexicon_is_guarded() -> None:
    guarded = [compile_alternation(p).pattern.startswith("(?=[") for p in _buckets()]
    assert sum(guarded) >= len(guarded) - 1  # at most one bucket may start with something unlistable


@pytest.mark.parametrize("pattern", [".*慢", "a?", r"\w+好", "[^好]差", "(?i:abc)", "x*|y", ""])
def test_unlistable_first_characters_fall_back_to_the_plain_pattern(pattern: str) -> None:
    assert first_chars(pattern) is None
    assert compile_alternation([pattern]).pattern == f"(?:{pattern})"


def test_first_characters_of_groups_repeats_and_lookarounds() -> None:
    assert first_chars("(?:没|不)有信号|断网") == frozenset("没不断")
    assert first_chars("(?:很)?慢") == frozenset("很慢")
    assert first_chars("(?<!不)好|[a-c]") == frozenset("好abc")
    assert first_chars("[一-龥]") is None  # a range this wide filters nothing


def test_invalid_pattern_raises() -> None:
    with pytest.raises(re.error):
        compile_alternation(["(未闭合"])
