"""Fast alternations of many regexes: the same matches, far fewer tries.

A lexicon compiled as one alternation ``(?:p1)|(?:p2)|…`` of hundreds of phrases makes Python's ``re`` try every
branch at every position of a text. :func:`compile_alternation` adds a look-ahead guard ``(?=[…])`` listing the
characters a match can start with (computed from the parsed patterns), so a position that cannot start a match
costs one character-class test. The guard only rejects positions where no branch can match, so ``finditer``,
``search`` and ``match`` give exactly what the unguarded alternation gives. When the first characters cannot be
listed (a branch may start with ``.``, ``\\w``, a negated class, a wide range, or match the empty string), the plain
alternation is returned.

>>> rx = compile_alternation(["推来推去", "挂(?:了)?电话", "态度[差恶]"])
>>> rx.pattern.startswith("(?=[")
True
>>> [m.group() for m in rx.finditer("客服推来推去，还挂了电话")]
['推来推去', '挂了电话']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef,unused-ignore]
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

__all__ = ["compile_alternation", "first_chars"]

#: A range wider than this in a leading character class makes the guard give up (it would not filter much).
MAX_RANGE = 512


class _Unbounded(Exception):
    """The first characters of a pattern cannot be listed."""


def _first(items: Any, out: set[str]) -> bool:
    """Add the characters the parsed sequence ``items`` can start with to ``out``; return whether the sequence can
    match the empty string. Raises :class:`_Unbounded` when the set cannot be listed."""
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av))
            return False
        if op is _c.IN:
            for sub_op, sub_av in av:
                if sub_op is _c.LITERAL:
                    out.add(chr(sub_av))
                elif sub_op is _c.RANGE and sub_av[1] - sub_av[0] <= MAX_RANGE:
                    out.update(chr(c) for c in range(sub_av[0], sub_av[1] + 1))
                else:  # NEGATE, CATEGORY, wide RANGE
                    raise _Unbounded
            return False
        if op is _c.SUBPATTERN:
            _, add_flags, _, sub = av
            if add_flags & re.IGNORECASE:
                raise _Unbounded
            if not _first(sub, out):
                return False
            continue
        if op is _c.BRANCH:
            nullable = False
            for alt in av[1]:
                nullable = _first(alt, out) or nullable
            if not nullable:
                return False
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _, sub = av
            if not _first(sub, out) and lo > 0:
                return False
            continue
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):  # zero width: the next item starts the match
            continue
        raise _Unbounded  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, atomic groups, ...
    return True


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, or ``None`` when they cannot be listed.

    >>> sorted(first_chars("(?:没|不)有信号|断网"))
    ['不', '断', '没']
    >>> first_chars(".*慢") is None, first_chars("a?") is None
    (True, True)
    """
    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        out: set[str] = set()
        if _first(parsed, out):  # can match the empty string: every position can start a match
            return None
    except (_Unbounded, re.error):
        return None
    return frozenset(out)


def compile_alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    """One compiled regex matching any of ``patterns`` (tried in order at each position, as ``|`` does), guarded
    by the characters a match can start with (module docstring). Raises ``re.error`` for an invalid pattern."""
    body = "|".join(f"(?:{p})" for p in patterns)
    rx = re.compile(body)
    chars = first_chars(body)
    if not chars:
        return rx
    cls = "".join(re.escape(ch) for ch in sorted(chars))
    return re.compile(f"(?=[{cls}])(?:{body})")
