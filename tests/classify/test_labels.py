"""Display names of every label, Chinese by default (issue 16)."""

from __future__ import annotations

import pytest

from feedback_nlp.classify.intent import KINDS, Priority
from feedback_nlp.classify.labels import FIELDS, check_lang, display_name, display_names, names_from_meta

ZH = {
    "service_attitude": "服务态度", "efficiency": "效率", "product_defect": "产品缺陷",
    "complaint": "投诉", "suggestion": "建议", "inquiry": "咨询", "praise": "表扬", "other": "其他",
    "urgent": "紧急", "high": "高", "normal": "常规", "none": "无",
    "negative": "负面", "neutral": "中性", "positive": "正面",
}


def test_every_label_has_a_chinese_and_an_english_name() -> None:
    for value, zh in ZH.items():
        assert display_name(value) == zh
        en = display_name(value, lang="en")
        assert en.isascii() and en, value
    assert display_name("suggestion", field="priority") == "建议"
    for kind in KINDS:
        assert kind in FIELDS["kind"]
    for p in Priority:
        assert p.value in FIELDS["priority"]


def test_unknown_values_pass_through_and_custom_names_win() -> None:
    assert display_name("自定义话题") == "自定义话题"
    names = {"topic": {"billing": {"zh": "计费", "en": "Billing"}, "efficiency": "办理效率"}}
    assert display_name("billing", names=names) == "计费"
    assert display_name("billing", "en", names=names) == "Billing"
    assert display_name("efficiency", names=names, field="topic") == "办理效率"
    assert display_names(["negative", 3]) == ["负面", "3"]


def test_lang_is_checked() -> None:
    with pytest.raises(ValueError, match="'zh'"):
        check_lang("fr")
    with pytest.raises(ValueError):
        display_name("negative", lang="EN")


def test_names_travel_in_the_model_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import copy

    from feedback_nlp.classify.registry import default_classifier, load

    clf = copy.copy(default_classifier())
    clf.meta = {**clf.meta, "display_names": {"topic": {"efficiency": {"zh": "办理效率", "en": "speed"}}}}
    clf.save(tmp_path / "m")
    names = names_from_meta(load(tmp_path / "m").meta)
    assert display_name("efficiency", names=names) == "办理效率"
    with pytest.raises(ValueError, match="display_names"):
        names_from_meta({"display_names": ["x"]})
