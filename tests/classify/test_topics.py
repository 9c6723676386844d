"""TopicModel: lexicon, clauses, negation, contrast, traditional characters, other domains, retraining, I/O."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.lexicon import DEFAULT_LEXICON
from feedback_nlp.classify.results import TopicHit
from feedback_nlp.classify.sentiment import prepare
from feedback_nlp.classify.topics import TopicModel, _Lexicon, clause_spans, parse_topic_labels

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "models" / "feedback-zh-default"
S, E, D = "service_attitude", "efficiency", "product_defect"

# A tiny labelled set (hotel / delivery / shop wording; the tests below use restaurant, bank and app wording).
TRAIN = [
    ("前台服务员态度很好，很热情", {S: "positive"}),
    ("客服态度太差了，爱理不理", {S: "negative"}),
    ("送餐很快，半小时就到了", {E: "positive"}),
    ("等了两个小时才送到，太慢了", {E: "negative"}),
    ("收到的杯子是碎的，质量太差", {D: "negative"}),
    ("手机用了两天就死机，屏幕有坏点", {D: "negative"}),
    ("房间很大，位置不错", {}),
    ("价格实惠，下次还来", {}),
    ("快递小哥很有礼貌，发货也快", {S: "positive", E: "positive"}),
    ("卖家态度恶劣，东西还是坏的", {S: "negative", D: "negative"}),
    ("物流太慢了，一个星期才到", {E: "negative"}),
    ("早餐一般般，环境还可以", {}),
]


def _tiny(**kw: object) -> TopicModel:
    texts = [t for t, _ in TRAIN] * 4
    labels = [y for _, y in TRAIN] * 4
    return TopicModel(n_features=2**16, min_df=1, cv_folds=3, **kw).fit(texts, labels)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tiny() -> TopicModel:
    return _tiny()


@pytest.fixture(scope="module")
def sentiment() -> fn.SentimentModel:
    return fn.load("default").sentiment


def _as_dict(hits: tuple[TopicHit, ...]) -> dict[str, str]:
    return {h.name: h.polarity for h in hits}


# ---------------------------------------------------------------- lexicon
def test_lexicon_entries_are_phrases_and_compile() -> None:
    for topic, entries in DEFAULT_LEXICON.items():
        for group, pattern, polarity in entries:
            re.compile(pattern)
            assert polarity in ("positive", "negative", None), (topic, group)
            assert not re.fullmatch(r"\w", pattern), f"single character entry {pattern!r} in {topic}"
            assert not re.search(pattern, "好") and not re.search(pattern, "差"), (topic, group, pattern)


@pytest.mark.parametrize(
    ("text", "topic", "polarity"),
    [
        ("转账失败", D, "negative"),
        ("系统卡顿，经常闪退", D, "negative"),
        ("柜台排队两小时", E, "negative"),
        ("客服电话一直打不通", E, "negative"),
        ("理财经理很耐心", S, "positive"),
        ("上菜速度很快", E, "positive"),
        ("菜里吃出一根头发", D, "negative"),
        ("服务员爱答不理", S, "negative"),
    ],
)
def test_lexicon_covers_other_domains(text: str, topic: str, polarity: str) -> None:
    lex = _Lexicon(DEFAULT_LEXICON, [S, E, D])
    doc = prepare([text])[0]
    m = lex.matches(doc, [0])[[S, E, D].index(topic), 0]
    assert m.sum() > 0, f"{text!r} does not hit {topic}"
    if polarity == "positive":
        assert m[0] > m[1]
    else:
        assert m[1] >= m[0] or topic == D


def test_lexicon_product_speed_is_not_efficiency() -> None:
    lex = _Lexicon(DEFAULT_LEXICON, [S, E, D])
    doc = prepare(["开机速度很慢"])[0]
    m = lex.matches(doc, [0])
    assert m[1].sum() == 0 and m[2].sum() > 0


@pytest.mark.parametrize(
    ("text", "topic", "expected"),
    [
        ("十点叫的外卖，两点多才到", E, "negative"),
        ("11点定的,1点多送到", E, None),
        ("上午下单下午就到了", E, "positive"),
        ("顺丰慢了点", E, "negative"),
        ("送餐的从来不上楼，让我自己下楼取", S, "negative"),
        ("没有餐具，让我用手抓", D, "negative"),
        ("鸡蛋西红柿太咸", D, "negative"),
        ("翻译得很差，错别字很多", D, "negative"),
    ],
)
def test_lexicon_time_delivery_and_food_phrases(text: str, topic: str, expected: str | None) -> None:
    lex = _Lexicon(DEFAULT_LEXICON, [S, E, D])
    m = lex.matches(prepare([text])[0], [0])[[S, E, D].index(topic), 0]
    assert m.sum() > 0, f"{text!r} does not hit {topic}"
    if expected is not None:
        assert m[0 if expected == "positive" else 1] > 0


@pytest.mark.parametrize("text", ["房间旧了一些", "临街有点吵", "加热效率很高", "快捷键很好用", "味道不错"])
def test_lexicon_leaves_out_non_topics(text: str) -> None:
    """Old rooms and street noise are not defects; a heater's efficiency is not service speed."""
    lex = _Lexicon(DEFAULT_LEXICON, [S, E, D])
    assert lex.matches(prepare([text])[0], [0]).sum() == 0, text


def test_lexicon_negated_match_flips() -> None:
    lex = _Lexicon(DEFAULT_LEXICON, [S, E, D])
    m = lex.matches(prepare(["颜色正，没色差"])[0], [0])
    assert m[2, 0, 1] == 0  # 没色差 is no defect


# ---------------------------------------------------------------- clauses and labels
def test_clause_spans_split_on_contrast() -> None:
    doc = "服务员很热情,但是上菜太慢,不过味道不错"
    assert [doc[a:b] for a, b in clause_spans(doc)] == ["服务员很热情", "上菜太慢", "味道不错"]
    assert clause_spans("") == [(0, 0)]


def test_parse_topic_labels_forms_and_errors() -> None:
    assert parse_topic_labels([{E: "Negative"}, [S], "x", None, {}]) == [
        {E: "negative"}, {S: "neutral"}, {"x": "neutral"}, {}, {}]
    with pytest.raises(ValueError, match="polarity"):
        parse_topic_labels([{E: "bad"}])
    with pytest.raises(TypeError):
        parse_topic_labels([42])


# ---------------------------------------------------------------- predictions
def test_contrast_gives_per_topic_polarity(tiny: TopicModel, sentiment: fn.SentimentModel) -> None:
    hits = tiny.predict_hits(["服务员很热情，但是上菜太慢"], sentiment)[0]
    assert _as_dict(hits) == {S: "positive", E: "negative"}
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_negation_service_attitude_positive(tiny: TopicModel, sentiment: fn.SentimentModel) -> None:
    assert _as_dict(tiny.predict_hits(["服务员态度不差"], sentiment)[0]).get(S) == "positive"
    assert _as_dict(tiny.predict_hits(["工作人员一点也不耐烦"], sentiment)[0]).get(S) == "positive"


def test_traditional_characters(tiny: TopicModel, sentiment: fn.SentimentModel) -> None:
    assert _as_dict(tiny.predict_hits(["服務員態度很差，上菜也慢"], sentiment)[0]) == {S: "negative", E: "negative"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("转账失败，钱却被扣了", {D: "negative"}),
        ("柜台排队两小时，只开了一个窗口", {E: "negative"}),
        ("客服电话一直打不通", {E: "negative"}),
        ("理财经理很耐心，讲解得很清楚", {S: "positive"}),
        ("系统卡顿，经常闪退", {D: "negative"}),
        ("等了四十分钟才上菜", {E: "negative"}),
        ("鱼不新鲜，有股臭味", {D: "negative"}),
        ("老板人很好，上菜也快", {S: "positive", E: "positive"}),
    ],
)
def test_bank_app_restaurant_sentences(
    tiny: TopicModel, sentiment: fn.SentimentModel, text: str, expected: dict[str, str]
) -> None:
    assert _as_dict(tiny.predict_hits([text], sentiment)[0]) == expected


def test_product_defect_is_always_negative(tiny: TopicModel, sentiment: fn.SentimentModel) -> None:
    assert tiny.fixed_polarity_ == {D: "negative"}
    for hits in tiny.predict_hits(["屏幕碎了", "质量太差，用两天就坏了"], sentiment):
        assert _as_dict(hits).get(D) == "negative"


def test_empty_and_batch_shape(tiny: TopicModel) -> None:
    out = tiny.predict_hits(["", "   ", "质量太差"])
    assert len(out) == 3 and out[0] == () and out[1] == ()
    assert tiny.predict_proba(["质量太差"]).shape == (1, 3)
    assert tiny.predict_hits([]) == []


def test_polarity_without_sentiment_model_uses_lexicon(tiny: TopicModel) -> None:
    assert _as_dict(tiny.predict_hits(["服务员态度很好"])[0]) == {S: "positive"}


# ---------------------------------------------------------------- retraining and persistence
def test_custom_taxonomy_retrain_and_round_trip(tmp_path: Path) -> None:
    texts = ["停车位太少了", "停车很方便", "网点太远", "离家很近很方便", "装修很漂亮", "灯光太暗"] * 6
    labels = [{"parking": "negative"}, {"parking": "positive"}, {"location": "negative"},
              {"location": "positive"}, {}, {}] * 6
    lexicon = {"parking": [("parking", r"停车", None)]}
    m = TopicModel(lexicon=lexicon, n_features=2**14, min_df=1, cv_folds=3).fit(
        texts, labels, unlabeled_texts=["停车场很大", "停车费太贵", "附近好停车"] * 10 + ["菜很好吃"] * 30)
    assert m.topics_ == ["location", "parking"]
    assert m.predict(["停车位太少了"]) == [("parking",)]
    m.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topics.json", "topics.npz"]
    state = json.loads((tmp_path / "topics.json").read_text(encoding="utf-8"))
    assert state["lexicon"]["parking"][0][1] == "停车"
    loaded = TopicModel.load(tmp_path)
    probe = ["停车很方便", "网点太远了", "没什么"]
    np.testing.assert_allclose(loaded.predict_proba(probe), m.predict_proba(probe), rtol=1e-5, atol=1e-6)
    assert loaded.predict_hits(probe) == m.predict_hits(probe)
    with np.load(tmp_path / "topics.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)


def test_weak_supervision_trains_when_unlabelled_given() -> None:
    unl = [t for i in range(30) for t in (f"等了{i + 2}分钟才上菜", f"第{i}个服务员很热情", f"第{i}个杯子碎了",
                                          f"第{i}道菜味道不错")]
    m = TopicModel(n_features=2**14, min_df=1, cv_folds=3).fit(
        [t for t, _ in TRAIN] * 3, [y for _, y in TRAIN] * 3, unlabeled_texts=unl)
    assert all(m.weak_trained_) and m.n_weak_clauses_ == 120


def test_thresholds_auto_per_topic_or_fixed() -> None:
    auto = _tiny(threshold="auto")
    assert auto.thresholds_.shape == (3,) and np.all((auto.thresholds_ >= 0.35) & (auto.thresholds_ <= 0.65))
    fixed = _tiny(threshold=0.6)
    np.testing.assert_array_equal(fixed.thresholds_, [0.6, 0.6, 0.6])
    p = fixed.predict_proba(["质量太差", "服务员很热情"])
    assert fixed.predict(["质量太差", "服务员很热情"]) == [
        tuple(t for t, s in zip(fixed.topics_, row) if s >= 0.6) for row in p]
    with pytest.raises(ValueError, match="auto"):
        _tiny(threshold="best")
    with pytest.raises(ValueError, match="auto"):
        _tiny(threshold=1.5)


# ---------------------------------------------------------------- bad input
def test_bad_input() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        TopicModel().predict_proba(["x"])
    with pytest.raises(ValueError, match="texts but"):
        TopicModel().fit(["a", "b"], [{}])
    with pytest.raises(ValueError, match="no topic"):
        TopicModel().fit(["a", "b"], [{}, {}])
    with pytest.raises(ValueError, match="at least 2"):
        TopicModel().fit(["a", "b", "c"], [{"x": "negative"}, {}, {}])
    with pytest.raises(ValueError, match="regex"):
        TopicModel(lexicon={"x": [("bad", "(", None)]}, n_features=2**10).fit(
            ["a", "b", "c", "d"], [["x"], ["x"], [], []])
    with pytest.raises(TypeError):
        TopicModel().fit([1, 2], [{}, {}])  # type: ignore[list-item]


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"topics\.json"):
        TopicModel.load(tmp_path)
    (tmp_path / "topics.json").write_text(json.dumps({"format": "other/9"}), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        TopicModel.load(tmp_path)


# ---------------------------------------------------------------- the shipped model (once it ships topics)
@pytest.mark.skipif(not (SHIPPED / "topics.json").exists(), reason="default model has no topics.json yet")
def test_shipped_model_cross_domain(sentiment: fn.SentimentModel) -> None:
    m = TopicModel.load(SHIPPED)
    rows = [json.loads(x) for x in (FIXTURES / "topics_cross_domain.jsonl").open(encoding="utf-8")]
    hits = m.predict_hits([r["text"] for r in rows], sentiment)
    exact = np.mean([_as_dict(h) == r["topics"] for r, h in zip(rows, hits)])
    assert exact >= 0.8


def test_topic_hits_with_a_precomputed_domain_are_the_same() -> None:
    """The classifier hands the topic model the P(service message) it already computed; same hits either way."""
    import feedback_nlp as fn
    from feedback_nlp.classify.sentiment import prepare

    clf = fn.load()
    docs = prepare(["客服推来推去，等了两个小时", "房间很干净，前台态度很好", "转账失败，app闪退", ""])
    g = clf.sentiment.domain_probability(docs)
    assert g is not None
    assert clf.topics.predict_hits_prepared(docs, clf.sentiment) == clf.topics.predict_hits_prepared(
        docs, clf.sentiment, domain=g)


def test_service_thresholds_follow_the_domain_and_round_trip(tmp_path: Path) -> None:
    """Service thresholds apply in proportion to P(service message); reviews keep ``thresholds_``."""
    import copy

    from feedback_nlp.classify.modelfiles import ModelFormatError

    clf = fn.load()
    assert isinstance(clf.topics, TopicModel)
    m = copy.deepcopy(clf.topics)
    docs = prepare(["客服推来推去，等了两个小时", "这家酒店前台态度冷淡"])
    m.service_thresholds_ = None
    base = m._mixed_proba(docs, m._features(docs)[0], clf.sentiment)[1]
    assert np.allclose(base, m.thresholds_)
    m.service_thresholds_ = np.full(len(m.topics_), 0.05)
    g = np.array([1.0, 0.0])
    p, thr = m._mixed_proba(docs, m._features(docs)[0], clf.sentiment, domain=g)
    assert np.allclose(thr[0], 0.05) and np.allclose(thr[1], m.thresholds_)
    hits = m.predict_hits_prepared(docs, clf.sentiment, domain=g)
    assert len(hits[0]) == int((p[0] >= 0.05).sum())  # the service text gets every topic over 0.05
    m.save(tmp_path)
    back = TopicModel.load(tmp_path)
    assert back.service_thresholds_ is not None and np.allclose(back.service_thresholds_, 0.05)
    state = json.loads((tmp_path / "topics.json").read_text(encoding="utf-8"))
    state["service_thresholds"] = [2.0] * len(m.topics_)
    (tmp_path / "topics.json").write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="service_thresholds"):
        TopicModel.load(tmp_path)
