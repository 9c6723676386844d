"""Co-occurrence mining: which problems come together ("转账失败" usually with "系统卡顿").

Frequent itemsets and association rules come from mlxtend (FP-growth or Apriori) on a sparse one-hot table, so a
million tickets over a few dozen tags are mined in seconds. Results are plain DataFrames with the names users know:
``support``, ``confidence``, ``lift``.

>>> import feedback_nlp as fn
>>> tickets = [["系统卡顿", "转账失败"], ["系统卡顿", "转账失败"], ["系统卡顿"], ["客服态度差"]]
>>> rules = fn.mine_cooccurrence(tickets, min_support=0.25, min_confidence=0.6)
>>> rules.loc[0, "rule"]
'转账失败 ⇒ 系统卡顿'
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..classify.labels import check_lang, display_name, field_name

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "MAX_RULES",
    "RULE_COLUMNS",
    "tag_name",
    "mine_cooccurrence",
    "plot_rules",
    "rule_chains",
    "transactions_from_frame",
]

#: Columns of :func:`mine_cooccurrence` output, in order (also those of an empty result).
RULE_COLUMNS: tuple[str, ...] = (
    "antecedents",
    "consequents",
    "rule",
    "support",
    "confidence",
    "lift",
    "antecedent_support",
    "consequent_support",
    "leverage",
    "conviction",
    "count",
    "antecedent_count",
    "consequent_count",
)
#: Columns of :func:`rule_chains` output.
CHAIN_COLUMNS: tuple[str, ...] = (
    "path",
    "steps",
    "n_rules",
    "confidence",
    "min_confidence",
    "min_lift",
    "min_support",
)
_ALGORITHMS = ("fpgrowth", "apriori")
#: Default most rules one :func:`mine_cooccurrence` run may produce (an upper bound checked before mining): one
#: million rules take about 1.3 GB of memory.
MAX_RULES = 200_000
#: Short tag prefixes for the columns of ``classify_frame`` output.
_PREFIXES = {"topics": "topic", "sentiment_label": "sentiment", "kind": "kind", "priority": "priority"}

Transactions = Iterable[Iterable[Hashable]] | Any


#: Tag prefixes of classify_frame columns -> the label field whose display names they use.
_FIELDS = {"topic": "topic", "sentiment": "sentiment", "kind": "kind", "priority": "priority"}
_TAG = re.compile(r"^([^=\s]{1,40})=(.+)$", re.DOTALL)


def tag_name(tag: Any, lang: str | None = "zh", names: Mapping[str, Any] | None = None) -> str:
    """What a person reads for one tag: ``topic=efficiency`` → 效率, ``sentiment=negative`` → 负面,
    ``priority=high`` → 优先级:高, ``tag_list=转账失败`` → 转账失败 (the column prefix of your own tags is dropped);
    ``lang=None`` keeps the tag as it is.

    >>> tag_name("topic=efficiency"), tag_name("priority=high", "en"), tag_name("渠道=APP")
    ('效率', 'priority: high', 'APP')
    """
    text = str(tag)
    if lang is None:
        return text
    m = _TAG.match(text)
    if m is None:
        return text
    col, value = m.group(1), m.group(2)
    fld = _FIELDS.get(col)
    if fld is None:
        return value
    name = display_name(value, lang, field=fld, names=names)
    if fld == "priority":  # 高 / 常规 alone do not say what they are
        return f"{field_name(fld, lang)}:{name}" if lang == "zh" else f"{field_name(fld, lang)}: {name}"
    return name


def _label(items: Iterable[Any], lang: str | None = None, names: Mapping[str, Any] | None = None) -> str:
    return " + ".join(sorted(tag_name(i, lang, names) for i in items))


def _empty_rules() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=object if c in ("antecedents", "consequents", "rule") else float)
                         for c in RULE_COLUMNS}).astype(
        {"count": "int64", "antecedent_count": "int64", "consequent_count": "int64"}
    )


def _is_onehot(df: pd.DataFrame) -> bool:
    import pandas as pd

    if df.shape[1] == 0:
        return True
    for col in df.columns:
        dtype = df[col].dtype
        if isinstance(dtype, pd.SparseDtype):
            dtype = dtype.subtype
        if not (pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
            return False
    return True


def _onehot_from_lists(transactions: Iterable[Any]) -> tuple[pd.DataFrame, int]:
    """Sparse bool one-hot (rows = transactions) from tag lists; empty baskets count as transactions."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    vocab: dict[Hashable, int] = {}
    indices: list[int] = []
    indptr = [0]
    for i, basket in enumerate(transactions):
        if basket is None or (isinstance(basket, float) and math.isnan(basket)):
            basket = ()
        elif isinstance(basket, (str, bytes)) or not isinstance(basket, Iterable):
            raise TypeError(
                f"transaction {i} is {type(basket).__name__} {basket!r}, not a list of tags; "
                f"wrap a single tag in a list: [{basket!r}]"
            )
        row = {vocab.setdefault(tag, len(vocab)) for tag in basket}
        indices.extend(row)
        indptr.append(len(indices))
    n = len(indptr) - 1
    data = np.ones(len(indices), dtype=bool)
    m = sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                      shape=(n, len(vocab)))
    columns = list(vocab)
    if len(vocab) == 0 or n == 0:
        return pd.DataFrame(index=range(n), columns=columns, dtype=bool), n
    onehot: pd.DataFrame = pd.DataFrame.sparse.from_spmatrix(m, columns=columns)  # type: ignore[attr-defined]
    return onehot, n


def _to_onehot(
    transactions: Transactions, id_col: str, tag_col: str
) -> tuple[pd.DataFrame, int]:
    import pandas as pd

    if isinstance(transactions, pd.DataFrame):
        df = transactions
        if id_col in df.columns and tag_col in df.columns and not _is_onehot(df):
            long = df[[id_col, tag_col]].dropna(subset=[tag_col])
            ids = pd.unique(df[id_col])
            # ids whose rows have no tag are still transactions (reindex gives them NaN = an empty basket)
            baskets = long.groupby(id_col, sort=False)[tag_col].agg(list).reindex(ids)
            onehot, n = _onehot_from_lists(baskets.tolist())
            return onehot, n
        if not _is_onehot(df):
            raise ValueError(
                "a DataFrame of transactions must be one-hot (bool or 0/1 columns, one per tag) or long with "
                f"id and tag columns; columns {list(df.columns)[:10]} are neither: pass id_col= and tag_col=, "
                "or use transactions_from_frame() for classify_frame output"
            )
        import numpy as np

        for col in df.columns:
            column: Any = df[col]
            values = column.sparse.sp_values if isinstance(column.dtype, pd.SparseDtype) else column.to_numpy()
            if values.dtype != bool and not np.isin(values, (0, 1)).all():
                raise ValueError(f"one-hot column {col!r} has values other than 0/1 (e.g. {values.max()!r})")
        if all(isinstance(t, pd.SparseDtype) and t.subtype is np.dtype(bool) for t in df.dtypes):
            return df, len(df)
        return df.astype(bool), len(df)
    if isinstance(transactions, pd.Series):
        return _onehot_from_lists(transactions.tolist())
    if isinstance(transactions, (str, bytes)) or not isinstance(transactions, Iterable):
        raise TypeError(
            f"transactions must be a list of tag lists, a one-hot DataFrame or a long DataFrame; "
            f"got {type(transactions).__name__}"
        )
    return _onehot_from_lists(transactions)


def mine_cooccurrence(
    transactions: Transactions,
    min_support: float = 0.01,
    min_confidence: float = 0.3,
    min_lift: float | None = None,
    max_len: int | None = 3,
    algorithm: Literal["fpgrowth", "apriori"] = "fpgrowth",
    *,
    id_col: str = "id",
    tag_col: str = "tag",
    max_items: int | None = None,
    max_rules: int = MAX_RULES,
    lang: str | None = "zh",
    names: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Association rules ``A ⇒ B`` between tags that occur together in the same ticket.

    ``rule`` is written for people (:func:`tag_name`: ``tag_list=转账失败 + topic=efficiency`` reads
    ``转账失败 + 效率``; ``lang="en"`` for English label names, None for the raw tags, ``names`` for your own label
    names); ``antecedents`` / ``consequents`` keep the tags themselves.

    ``transactions``: a list (or any iterable, or Series) of tag lists, one per ticket (an empty list is a ticket
    with no tag and counts in the denominator); a one-hot DataFrame (bool or 0/1 columns, dense or sparse); or a long
    DataFrame with one row per (ticket, tag), columns named by ``id_col`` and ``tag_col``.

    Returns one row per rule with columns :data:`RULE_COLUMNS`: ``antecedents``/``consequents`` (frozensets),
    ``rule`` (readable, ``"A + B ⇒ C"``), ``support`` (share of tickets with all items), ``confidence``, ``lift``,
    ``antecedent_support``, ``consequent_support``, ``leverage``, ``conviction`` and the matching ticket counts
    ``count``, ``antecedent_count``, ``consequent_count``. Sorted by lift, then confidence, then support (all
    descending). Empty input or nothing frequent gives an empty DataFrame with these columns.

    ``min_support`` in (0, 1]; ``max_len``: most items in a rule (antecedent + consequent), None for no limit;
    ``algorithm``: ``"fpgrowth"`` (fast) or ``"apriori"`` (same rules); ``max_items``: mine only the
    ``max_items`` most frequent tags (None: all).

    Memory budget: before mining, an upper bound on the number of rules is computed from the tickets (a frequent
    set of k tags lies in at least ``min_support * n`` tickets); a run whose bound exceeds ``max_rules``
    (:data:`MAX_RULES`, one million rules take about 1.3 GB) raises ``ValueError`` saying what to change
    (``max_len``, ``min_support``, ``max_items``) instead of exhausting memory.

    >>> import feedback_nlp as fn
    >>> rules = fn.mine_cooccurrence([["系统卡顿", "转账失败"], ["系统卡顿", "转账失败"], ["系统卡顿"]],
    ...                              min_support=0.5, min_confidence=0.9)
    >>> rules[["rule", "support", "confidence", "count"]].values.tolist()
    [['转账失败 ⇒ 系统卡顿', 0.6666666666666666, 1.0, 2]]
    """
    _check_args(min_support, min_confidence, min_lift, max_len, algorithm, max_items, max_rules)
    if lang is not None:
        check_lang(lang)
    onehot, n = _to_onehot(transactions, id_col, tag_col)
    if n == 0 or onehot.shape[1] == 0:
        return _empty_rules()
    if max_items is not None and onehot.shape[1] > max_items:
        counts = _column_counts(onehot)
        keep = sorted(range(len(counts)), key=lambda j: (-counts[j], j))[:max_items]
        onehot = onehot.iloc[:, sorted(keep)]
    itemsets_bound, rules_bound = _rule_bound(onehot, n, min_support, max_len)
    if rules_bound > max_rules:
        raise ValueError(
            f"this run could produce up to {rules_bound:,} rules (from up to {itemsets_bound:,} frequent tag sets), "
            f"over the budget of max_rules={max_rules:,} (about 1.3 GB per million rules): lower max_len (now "
            f"{max_len}), raise min_support (now {min_support}), mine only the most frequent tags with max_items=, "
            "or raise max_rules= if the memory is there")

    from mlxtend.frequent_patterns import apriori, fpgrowth

    finder = fpgrowth if algorithm == "fpgrowth" else apriori
    tags = list(onehot.columns)
    # mlxtend mishandles non-string column names (e.g. integer tags): mine on positions, map the tags back after
    itemsets = finder(onehot.set_axis([f"c{j}" for j in range(len(tags))], axis=1), min_support=min_support,
                      use_colnames=True, max_len=max_len)
    itemsets["itemsets"] = [frozenset(tags[int(c[1:])] for c in items) for items in itemsets["itemsets"]]
    return _rules_from_itemsets(itemsets, n, min_confidence, min_lift, lang=lang, names=names)


def _check_args(min_support: Any, min_confidence: Any, min_lift: Any, max_len: Any, algorithm: Any,
                max_items: Any = None, max_rules: Any = 1) -> None:
    """ValueError for a bad mining argument (shared with :mod:`feedback_nlp.scale.spark`)."""
    if isinstance(min_support, bool) or not isinstance(min_support, (int, float)) or not 0 < min_support <= 1:
        raise ValueError(f"min_support must be in (0, 1] (a share of tickets, e.g. 0.01); got {min_support!r}")
    if not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 1:
        raise ValueError(f"min_confidence must be in [0, 1]; got {min_confidence!r}")
    if min_lift is not None and (not isinstance(min_lift, (int, float)) or min_lift < 0):
        raise ValueError(f"min_lift must be None or a number >= 0 (1 = independent); got {min_lift!r}")
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 2):
        raise ValueError(f"max_len must be None or an int >= 2 (a rule has at least two items); got {max_len!r}")
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"algorithm must be one of {_ALGORITHMS}; got {algorithm!r}")
    for name, value, low in (("max_items", max_items, 2), ("max_rules", max_rules, 1)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise ValueError(f"{name} must be {'None or ' if name == 'max_items' else ''}an int >= {low}; "
                             f"got {value!r}")


def _rules_from_itemsets(itemsets: pd.DataFrame, n: int, min_confidence: float, min_lift: float | None, *,
                         lang: str | None = "zh", names: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Rules with :data:`RULE_COLUMNS` from frequent itemsets (``support``, ``itemsets`` as frozensets) of ``n``
    transactions (mlxtend's association_rules; shared with the Spark miner, which counts itemsets in Spark)."""
    import numpy as np
    from mlxtend.frequent_patterns import association_rules

    if len(itemsets) == 0 or itemsets["itemsets"].map(len).max() < 2:
        return _empty_rules()
    with np.errstate(divide="ignore", invalid="ignore"):  # conviction is inf where confidence is 1: expected
        rules = association_rules(itemsets, num_itemsets=n, metric="confidence", min_threshold=min_confidence)
    if min_lift is not None:
        rules = rules[rules["lift"] >= min_lift]
    if len(rules) == 0:
        return _empty_rules()
    rules = rules.copy()
    rules["rule"] = [f"{_label(a, lang, names)} ⇒ {_label(c, lang, names)}"
                     for a, c in zip(rules["antecedents"], rules["consequents"])]
    rules["count"] = np.rint(rules["support"].to_numpy() * n).astype("int64")
    rules["antecedent_count"] = np.rint(rules["antecedent support"].to_numpy() * n).astype("int64")
    rules["consequent_count"] = np.rint(rules["consequent support"].to_numpy() * n).astype("int64")
    rules = rules.rename(columns={"antecedent support": "antecedent_support",
                                  "consequent support": "consequent_support"})
    rules = rules.sort_values(["lift", "confidence", "support", "rule"], ascending=[False, False, False, True],
                              kind="mergesort")
    out: pd.DataFrame = rules[list(RULE_COLUMNS)].reset_index(drop=True)
    return out


def _as_csr(onehot: pd.DataFrame) -> Any:
    import pandas as pd
    import scipy.sparse as sp

    if onehot.shape[1] and all(isinstance(t, pd.SparseDtype) for t in onehot.dtypes):
        return onehot.sparse.to_coo().tocsr().astype(bool)  # type: ignore[attr-defined]
    return sp.csr_matrix(onehot.to_numpy(dtype=bool))


def _column_counts(onehot: pd.DataFrame) -> list[int]:
    import numpy as np

    return [int(v) for v in np.asarray(_as_csr(onehot).sum(axis=0)).ravel()]


def _rule_bound(onehot: pd.DataFrame, n: int, min_support: float, max_len: int | None) -> tuple[int, int]:
    """Upper bounds on (frequent tag sets of 2+ tags, rules), computed without mining.

    A frequent set of k tags lies in at least ``s = ceil(min_support * n)`` tickets, each of its tags frequent, so
    there are at most ``sum over tickets of C(m_t, k) / s`` of them (``m_t``: the frequent tags of ticket t), and at
    most ``C(F, k)`` (``F`` frequent tags); each gives at most ``2**k - 2`` rules.
    """
    import numpy as np

    s = max(1, math.ceil(min_support * n - 1e-9))
    m = _as_csr(onehot)
    frequent = np.flatnonzero(np.asarray(m.sum(axis=0)).ravel() >= s)
    if len(frequent) < 2:
        return 0, 0
    per_row = np.asarray(m.tocsc()[:, frequent].sum(axis=1)).ravel().astype(np.int64)
    sizes, counts = np.unique(per_row, return_counts=True)
    top = int(sizes.max()) if max_len is None else min(int(sizes.max()), max_len)
    itemsets = rules = 0
    for k in range(2, top + 1):
        total = sum(int(c) * math.comb(int(z), k) for z, c in zip(sizes, counts) if z >= k)
        bound = min(total // s, math.comb(len(frequent), k))
        itemsets += bound
        rules += bound * (2**k - 2)
    return itemsets, rules


def _cell_tags(value: Any, sep: str | None) -> list[Any]:
    import numpy as np

    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [v for v in value if v is not None and not (isinstance(v, float) and math.isnan(v)) and v != ""]
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("[") and text.endswith("]"):  # a list written to CSV: "['效率', '产品缺陷']"
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                parsed = None
            if isinstance(parsed, (list, tuple)):
                return [v for v in parsed if v not in (None, "")]
        if sep:
            return [t.strip() for t in text.split(sep) if t.strip()]
        return [text]
    return [value]


def transactions_from_frame(
    df: pd.DataFrame,
    tag_cols: Sequence[str] = ("topics",),
    prefix: bool | Mapping[str, str] = True,
    sep: str | None = None,
) -> list[list[str]]:
    """One tag list per row of ``df`` (same order), for :func:`mine_cooccurrence`.

    ``tag_cols``: columns to take tags from, e.g. ``("topics", "sentiment_label", "kind", "channel")`` of
    ``classify_frame`` output plus your own columns. A cell may hold a list/tuple of tags (``topics``), one value
    (``channel``), or nothing (None/NaN/"" give no tag). With ``sep`` (e.g. ``";"``) string cells are split.
    ``prefix=True`` names each tag ``"name=value"`` (``topics`` → ``topic=``, ``sentiment_label`` → ``sentiment=``,
    other columns by their name) so equal values from different columns stay apart; a dict maps columns to
    prefixes; ``False`` keeps the raw values.

    >>> import pandas as pd, feedback_nlp as fn
    >>> df = pd.DataFrame({"topics": [("efficiency",), ()], "sentiment_label": ["negative", "positive"],
    ...                    "channel": ["app", "电话"]})
    >>> fn.transactions_from_frame(df, ["topics", "sentiment_label", "channel"])
    [['topic=efficiency', 'sentiment=negative', 'channel=app'], ['sentiment=positive', 'channel=电话']]
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"transactions_from_frame() takes a pandas DataFrame, got {type(df).__name__}")
    if isinstance(tag_cols, str):
        tag_cols = (tag_cols,)
    missing = [c for c in tag_cols if c not in df.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the DataFrame (columns: {list(df.columns)}); pass tag_cols=")
    if not tag_cols:
        raise ValueError("tag_cols is empty: name at least one column, e.g. tag_cols=('topics',)")
    if prefix is True:
        names = {c: _PREFIXES.get(c, c) for c in tag_cols}
    elif prefix is False:
        names = {}
    else:
        names = {c: prefix.get(c, c) for c in tag_cols}
    columns = [df[c].tolist() for c in tag_cols]
    out: list[list[str]] = []
    for row in zip(*columns):
        tags: list[str] = []
        for col, value in zip(tag_cols, row):
            for tag in _cell_tags(value, sep):
                t = f"{names[col]}={tag}" if col in names else str(tag)
                if t not in tags:
                    tags.append(t)
        out.append(tags)
    return out


def rule_chains(
    rules: pd.DataFrame,
    max_rules: int = 3,
    min_confidence: float | None = None,
    start: str | None = None,
    single_items: bool = True,
    top: int | None = None,
    *,
    lang: str | None = "zh",
    names: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Root-cause chains: rules linked into paths ``A ⇒ B ⇒ C`` where each rule's consequent is the next one's
    antecedent and no item repeats.

    ``rules``: :func:`mine_cooccurrence` output. ``max_rules``: most links in a chain (>= 2); ``min_confidence``:
    keep only links at least this confident; ``start``: only chains whose first step contains this tag;
    ``single_items``: link only one-tag ⇒ one-tag rules (the readable case); ``top``: keep the strongest chains.

    Columns :data:`CHAIN_COLUMNS`: ``path`` (``"系统卡顿 ⇒ 转账失败 ⇒ 投诉"``, tags named as in
    :func:`tag_name` with ``lang`` and ``names``), ``steps`` (a list per step of the step's tags, sorted str),
    ``n_rules``, ``confidence`` (product of link confidences: a rough strength of the whole path),
    ``min_confidence`` and ``min_lift`` (the weakest link), ``min_support``. Sorted by ``n_rules``, then
    ``confidence`` (descending). Co-occurrence is not causation: read chains as hypotheses to check.

    >>> import feedback_nlp as fn
    >>> t = [["系统卡顿", "转账失败", "投诉"]] * 3 + [["系统卡顿", "转账失败"]] + [["其他"]]
    >>> rules = fn.mine_cooccurrence(t, min_support=0.5, min_confidence=0.7)
    >>> "系统卡顿 ⇒ 转账失败 ⇒ 投诉" in set(fn.rule_chains(rules)["path"])
    True
    """
    import pandas as pd

    if not isinstance(rules, pd.DataFrame) or not {"antecedents", "consequents", "confidence"} <= set(rules.columns):
        raise TypeError("rule_chains() takes the DataFrame returned by mine_cooccurrence()")
    if isinstance(max_rules, bool) or not isinstance(max_rules, int) or max_rules < 2:
        raise ValueError(f"max_rules must be an int >= 2 (a chain links at least two rules); got {max_rules!r}")
    if lang is not None:
        check_lang(lang)
    edges: dict[frozenset[Any], list[tuple[frozenset[Any], float, float, float]]] = {}
    for a, c, conf, lift, supp in zip(rules["antecedents"], rules["consequents"], rules["confidence"],
                                      rules["lift"], rules["support"]):
        if single_items and (len(a) != 1 or len(c) != 1):
            continue
        if min_confidence is not None and conf < min_confidence:
            continue
        edges.setdefault(frozenset(a), []).append((frozenset(c), float(conf), float(lift), float(supp)))

    rows: list[dict[str, Any]] = []

    def walk(steps: list[frozenset[Any]], seen: frozenset[Any], confs: list[float], lifts: list[float],
             supps: list[float]) -> None:
        if len(confs) >= 2:
            rows.append({
                "path": " ⇒ ".join(_label(s, lang, names) for s in steps),
                "steps": [sorted(str(t) for t in s) for s in steps],
                "n_rules": len(confs),
                "confidence": math.prod(confs),
                "min_confidence": min(confs),
                "min_lift": min(lifts),
                "min_support": min(supps),
            })
        if len(confs) == max_rules:
            return
        for nxt, conf, lift, supp in edges.get(steps[-1], []):
            if nxt & seen:
                continue
            walk([*steps, nxt], seen | nxt, [*confs, conf], [*lifts, lift], [*supps, supp])

    for first in edges:
        if start is not None and start not in first:
            continue
        walk([first], first, [], [], [])
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("path", "steps") else float) for c in CHAIN_COLUMNS})
    out = pd.DataFrame(rows, columns=list(CHAIN_COLUMNS))
    out = out.sort_values(["n_rules", "confidence", "path"], ascending=[False, False, True], kind="mergesort")
    if top is not None:
        out = out.head(top)
    return out.reset_index(drop=True)


def plot_rules(
    rules: pd.DataFrame,
    kind: Literal["network", "heatmap"] = "network",
    top: int = 20,
    metric: str = "lift",
    ax: Axes | None = None,
    *,
    lang: str = "zh",
    names: Mapping[str, Any] | None = None,
) -> Axes:
    """Draw the ``top`` rules (by ``metric``) for a notebook and return the matplotlib Axes.

    Tags, title and axis names are in ``lang`` (``"zh"`` default, ``"en"``; :func:`tag_name`).

    ``kind="network"``: tags on a circle, an arrow per rule (width ~ confidence, colour ~ ``metric``);
    ``kind="heatmap"``: antecedents × consequents coloured by ``metric``. Chinese labels use a CJK font when one is
    installed (e.g. Noto Sans CJK).

    >>> import feedback_nlp as fn
    >>> rules = fn.mine_cooccurrence([["系统卡顿", "转账失败"]] * 3 + [["投诉"]], min_support=0.5)
    >>> ax = fn.plot_rules(rules, kind="heatmap")  # doctest: +SKIP
    """
    import pandas as pd

    if kind not in ("network", "heatmap"):
        raise ValueError(f"kind must be 'network' or 'heatmap'; got {kind!r}")
    if not isinstance(rules, pd.DataFrame) or metric not in rules.columns:
        raise ValueError(f"rules must be mine_cooccurrence() output with a {metric!r} column")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import colormaps

    lang = check_lang(lang)
    zh = lang == "zh"
    metric_name = {"lift": ("提升度", "lift"), "confidence": ("置信度", "confidence"),
                   "support": ("支持度", "support")}.get(metric, (metric, metric))[0 if zh else 1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    from .plotting import use_cjk_font

    font = use_cjk_font()
    text_kw: dict[str, Any] = {"fontfamily": [font]} if font else {}
    shown = rules.sort_values(metric, ascending=False, kind="mergesort").head(top)
    if len(shown) == 0:
        ax.text(0.5, 0.5, "没有规则" if zh else "no rules", ha="center", va="center", transform=ax.transAxes,
                **text_kw)
        ax.set_axis_off()
        return ax
    ants = [_label(a, lang, names) for a in shown["antecedents"]]
    cons = [_label(c, lang, names) for c in shown["consequents"]]
    values = shown[metric].to_numpy(dtype=float)
    if kind == "heatmap":
        rows_ = list(dict.fromkeys(ants))
        cols_ = list(dict.fromkeys(cons))
        grid = np.full((len(rows_), len(cols_)), np.nan)
        for a, c, v in zip(ants, cons, values):
            grid[rows_.index(a), cols_.index(c)] = v
        im = ax.imshow(grid, cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(cols_)), cols_, rotation=45, ha="right", **text_kw)
        ax.set_yticks(range(len(rows_)), rows_, **text_kw)
        ax.set_xlabel("后项（则）" if zh else "consequent", **text_kw)
        ax.set_ylabel("前项（若）" if zh else "antecedent", **text_kw)
        ax.figure.colorbar(im, ax=ax).set_label(metric_name, **text_kw)
        return ax
    nodes = list(dict.fromkeys(ants + cons))
    angle = np.linspace(0, 2 * np.pi, len(nodes), endpoint=False)
    pos = {n: (math.cos(t), math.sin(t)) for n, t in zip(nodes, angle)}
    cmap = colormaps["viridis"]
    lo, hi = float(values.min()), float(values.max())
    for a, c, v, conf in zip(ants, cons, values, shown["confidence"].to_numpy(dtype=float)):
        colour = cmap(0.5 if hi == lo else (v - lo) / (hi - lo))
        ax.annotate("", xy=pos[c], xytext=pos[a], arrowprops={
            "arrowstyle": "-|>", "color": colour, "lw": 0.5 + 3 * conf, "shrinkA": 12, "shrinkB": 12,
            "connectionstyle": "arc3,rad=0.1"})
    for n, (x, y) in pos.items():
        ax.text(x, y, n, ha="center", va="center", bbox={"boxstyle": "round", "fc": "white", "ec": "grey"}, **text_kw)
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{metric_name}最高的 {len(shown)} 条规则（箭头越粗置信度越高）" if zh else
                 f"top {len(shown)} rules by {metric} (arrow width ~ confidence)", **text_kw)
    return ax
