"""Display names of every label, Chinese by default: one table for charts, tables, sentences and alert reasons.

Machine values (``service_attitude``, ``complaint``, ``urgent``, ``negative``, ...) stay the API values in every
DataFrame and result; only what a person reads goes through :func:`display_name`. A custom taxonomy carries its own
names in its model directory (``meta.json``: ``"display_names": {"topic": {"billing": {"zh": "计费", "en":
"Billing"}}}``), read with :func:`names_from_meta`; pass the mapping as ``names=`` to override any name.

>>> display_name("product_defect")
'产品缺陷'
>>> display_name("product_defect", lang="en")
'product defect'
>>> display_name("urgent", field="priority"), display_name("生僻标签")
('紧急', '生僻标签')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["FIELDS", "LANGS", "Lang", "display_name", "display_names", "check_lang", "names_from_meta"]

Lang = Literal["zh", "en"]
#: Supported display languages.
LANGS: tuple[str, ...] = ("zh", "en")
#: Label fields and their machine values -> (Chinese, English) display names.
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "topic": {
        "service_attitude": ("服务态度", "service attitude"),
        "efficiency": ("效率", "efficiency"),
        "product_defect": ("产品缺陷", "product defect"),
    },
    "kind": {
        "complaint": ("投诉", "complaint"),
        "suggestion": ("建议", "suggestion"),
        "inquiry": ("咨询", "inquiry"),
        "praise": ("表扬", "praise"),
        "other": ("其他", "other"),
    },
    "priority": {
        "urgent": ("紧急", "urgent"),
        "high": ("高", "high"),
        "normal": ("常规", "normal"),
        "suggestion": ("建议", "suggestion"),
        "none": ("无", "none"),
    },
    "sentiment": {
        "negative": ("负面", "negative"),
        "neutral": ("中性", "neutral"),
        "positive": ("正面", "positive"),
    },
}
#: Names of the fields themselves (column headers).
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "topic": ("话题", "topic"), "kind": ("类型", "kind"), "priority": ("优先级", "priority"),
    "sentiment": ("情感", "sentiment"),
}

Names = Mapping[str, Any]


def check_lang(lang: Any) -> Lang:
    """``lang`` if it is ``"zh"`` or ``"en"``; ValueError otherwise.

    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' (Chinese, default) or 'en'; got {lang!r}")
    result: Lang = lang
    return result


def _custom(value: str, lang: str, field: str | None, names: Names | None) -> str | None:
    if not names:
        return None
    tables = [names.get(field)] if field is not None and isinstance(names.get(field), Mapping) else [
        t for t in names.values() if isinstance(t, Mapping)]
    tables.append(names)  # a flat {value: name} mapping
    for table in tables:
        if table is None or value not in table:
            continue
        entry = table[value]
        if isinstance(entry, str):
            return entry
        if isinstance(entry, Mapping) and isinstance(entry.get(lang), str):
            return str(entry[lang])
    return None


def display_name(value: Any, lang: str = "zh", *, field: str | None = None, names: Names | None = None) -> str:
    """What a person reads for the machine value ``value`` in ``lang`` (``"zh"`` default, or ``"en"``).

    ``field`` (``"topic"``, ``"kind"``, ``"priority"``, ``"sentiment"``) picks the table when a value exists in
    several (``suggestion`` is a kind and a priority); without it the first table holding the value wins.
    ``names``: your own names, flat ``{"billing": "计费"}`` or per field / per language
    (``{"topic": {"billing": {"zh": "计费", "en": "Billing"}}}``), checked first. Unknown values come back as
    ``str(value)`` (your own label names are already what you want to read).

    >>> display_name("billing", names={"billing": {"zh": "计费", "en": "Billing"}}, lang="en")
    'Billing'
    """
    lang = check_lang(lang)
    text = str(value)
    custom = _custom(text, lang, field, names)
    if custom is not None:
        return custom
    i = LANGS.index(lang)
    tables = [FIELDS[field]] if field in FIELDS else list(FIELDS.values())
    for table in tables:
        if text in table:
            return table[text][i]
    if field in FIELDS and field is not None:  # a value of another field (e.g. a sentiment given as a kind)
        return display_name(text, lang, names=names)
    return text


def display_names(values: Any, lang: str = "zh", *, field: str | None = None, names: Names | None = None) -> list[str]:
    """:func:`display_name` of each value.

    >>> display_names(["negative", "positive"], field="sentiment")
    ['负面', '正面']
    """
    return [display_name(v, lang, field=field, names=names) for v in values]


def field_name(field: str, lang: str = "zh") -> str:
    """Header for a label field (``"topic"`` → ``"话题"``).

    >>> field_name("priority", "en")
    'priority'
    """
    lang = check_lang(lang)
    return FIELD_NAMES[field][LANGS.index(lang)] if field in FIELD_NAMES else field


def names_from_meta(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``display_names`` a model directory's ``meta.json`` carries (empty when it has none).

    >>> names_from_meta({"display_names": {"topic": {"billing": {"zh": "计费", "en": "Billing"}}}})["topic"]
    {'billing': {'zh': '计费', 'en': 'Billing'}}
    """
    if not meta:
        return {}
    raw = meta.get("display_names")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValueError("meta.json 'display_names' must be an object such as "
                         '{"topic": {"billing": {"zh": "计费", "en": "Billing"}}}')
    return {str(k): v for k, v in raw.items()}
