"""Transformer topic head: a tiny BERT built here learns a synthetic multi-label set (custom topic names, one
topic of fixed polarity) through `feedback-nlp train --backend transformers --task topics`, loads with `fn.load`,
passes the shared contract suite, scores a text the same alone or in any batch, and is thread-safe and offline."""

from __future__ import annotations

import json
import pickle
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch", reason="the transformer backend needs torch: pip install 'feedback_nlp[transformers]'")
pytest.importorskip("transformers", reason="the transformer backend needs transformers: pip install "
                                           "'feedback_nlp[transformers]'")

import numpy as np

import feedback_nlp as fn
from feedback_nlp.backends.transformer import TransformerSentiment, load_transformer_classifier
from feedback_nlp.backends.transformer_topics import (
    SUBDIR,
    TOPICS_CONFIG_NAME,
    TransformerTopics,
    is_transformer_topics_dir,
)
from feedback_nlp.classify.results import SENTIMENT_LABELS
from feedback_nlp.classify.sentiment import SentimentModel, prepare
from feedback_nlp.cli import main as cli_main
from tests.backends.test_transformer import make_tiny_base

# The shared contract suite, run against a model whose topic component is a TransformerTopics (the module's
# `any_clf` below overrides conftest's).
from tests.classify.test_contract import (  # noqa: F401
    TEXTS,
    test_batch_accepts_containers_and_keeps_order,
    test_batch_empty_list,
    test_batch_missing_rows_raise_with_row_number_or_score_neutral,
    test_batch_rejects_a_single_string_and_non_str_rows,
    test_classify_rejects_non_str,
    test_classify_returns_frozen_classification,
    test_empty_text_is_neutral,
    test_frame_errors,
    test_frame_is_a_copy_with_index_kept,
    test_frame_kind_priority_and_tier,
    test_kind_priority_and_deadline,
    test_obvious_polarity,
    test_odd_characters_do_not_crash,
    test_one_megabyte_text_is_truncated_not_crashing,
    test_probabilities_are_a_distribution_consistent_with_label,
    test_save_load_round_trip,
    test_topic_hits_are_well_formed,
)
from tests.conftest import read_fixture_reviews

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "feedback-zh-default"
# A custom taxonomy: `service` and `delivery_speed` (both polarities), `product_defect` (always negative).
CLAUSES = {
    "service": {"positive": ["服务员很热情", "店员态度很好", "客服耐心周到"],
                "negative": ["服务员很冷漠", "店员态度很差", "客服爱答不理"]},
    "delivery_speed": {"positive": ["送货很快", "第二天就到了", "物流神速"],
                       "negative": ["送货太慢", "等了一周才到", "物流慢死了"]},
    "product_defect": {"negative": ["商品有破损", "屏幕有划痕", "质量有问题", "漏水了"]},
}
FILLER = ["价格便宜", "颜色好看", "包装一般", "下次再来", "东西不错", "味道可以"]


def synthetic(n: int, seed: int) -> tuple[list[str], list[dict[str, str]]]:
    """Texts of 0-3 topic clauses (+ filler), comma-joined in random order, with their {topic: polarity} labels."""
    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        label, parts = {}, []
        for topic, by_polarity in CLAUSES.items():
            if rng.random() < 0.4:
                polarity = rng.choice(sorted(by_polarity))
                label[topic] = polarity
                parts.append(rng.choice(by_polarity[polarity]))
        if not parts or rng.random() < 0.5:
            parts.append(rng.choice(FILLER))
        rng.shuffle(parts)
        texts.append("，".join(parts))
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def topic_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reviews, _ = read_fixture_reviews()
    vocab_texts = [*synthetic(400, 0)[0], *reviews, *TEXTS, "房间很干净，服务非常满意", "质量太差，非常糟糕"]
    return make_tiny_base(tmp_path_factory.mktemp("base") / "tiny-bert", vocab_texts)


@pytest.fixture(scope="module")
def cli_dir(topic_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`feedback-nlp train --backend transformers --task topics` into a new directory (sentiment: the default's)."""
    tmp = tmp_path_factory.mktemp("cli")
    texts, labels = synthetic(240, 0)
    data = tmp / "topics.jsonl"
    data.write_text("".join(json.dumps({"body": t, "tags": y}, ensure_ascii=False) + "\n"
                            for t, y in zip(texts, labels)), encoding="utf-8")
    out = tmp / "tiny-topics"
    rc = cli_main(["train", "--backend", "transformers", "--task", "topics", "--base", str(topic_base),
                   "--data", str(data), "--out", str(out), "--text-col", "body", "--label-col", "tags",
                   "--epochs", "15", "--batch-size", "16", "--lr", "5e-3", "--seed", "0", "--max-length", "32",
                   "--patience", "-1", "--no-progress"])
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def any_clf(cli_dir: Path) -> fn.FeedbackClassifier:
    """Overrides conftest's `any_clf`: the contract tests imported above run on this loaded model."""
    return fn.load(cli_dir)


@pytest.fixture(scope="module")
def topics(any_clf: fn.FeedbackClassifier) -> TransformerTopics:
    assert isinstance(any_clf.topics, TransformerTopics)
    return any_clf.topics


# ---------------------------------------------------------------- learning
def test_learns_the_synthetic_set(topics: TransformerTopics) -> None:
    texts, labels = synthetic(200, 1)  # rows it never saw
    scores = topics.evaluate(texts, labels)
    for name in CLAUSES:
        assert scores["per_topic"][name]["f1"] > 0.9, (name, scores["per_topic"][name])
    assert scores["polarity_accuracy"] > 0.9 and scores["polarity_n"] > 100
    val = topics.metrics_
    assert val["n_val"] == 48 and set(val["per_topic"]) == set(CLAUSES)
    assert val["macro_f1"] > 0.9 and len(val["history"]) == val["steps"] // 12


def test_fixed_and_learned_polarity(topics: TransformerTopics) -> None:
    assert topics.topics_ == ("delivery_speed", "product_defect", "service")
    assert topics.fixed_polarity_ == {"product_defect": "negative"}
    assert topics.polarity_source_ == {"delivery_speed": "head", "product_defect": "fixed", "service": "head"}
    hits = topics.predict_hits(["服务员很热情，但是送货太慢", "商品有破损，客服耐心周到", "屏幕有划痕"])
    assert [(h.name, h.polarity) for h in hits[0]] == [("delivery_speed", "negative"), ("service", "positive")]
    assert [(h.name, h.polarity) for h in hits[1]] == [("product_defect", "negative"), ("service", "positive")]
    assert [(h.name, h.polarity) for h in hits[2]] == [("product_defect", "negative")]


def test_classify_end_to_end(any_clf: fn.FeedbackClassifier, cli_dir: Path) -> None:
    r = any_clf.classify("等了一周才到，客服爱答不理")
    assert r.topic_names == ("delivery_speed", "service")
    assert {h.polarity for h in r.topics} == {"negative"}
    assert r.sentiment.label in SENTIMENT_LABELS and r.kind in ("complaint", "other")
    frame = any_clf.classify_frame(__import__("pandas").DataFrame({"text": ["物流神速", "价格便宜"]}))
    assert frame["topics"].tolist() == [("delivery_speed",), ()]
    assert frame["topic_polarities"].iloc[0] == {"delivery_speed": "positive"}


# ---------------------------------------------------------------- API shapes and invariances
def test_shapes_and_ranges(topics: TransformerTopics) -> None:
    texts = ["送货很快", "", "价格便宜", "   ", "质量有问题，店员态度很差"]
    p = topics.predict_proba(texts)
    assert p.shape == (5, 3) and p.dtype == np.float64
    assert ((p >= 0) & (p <= 1)).all()
    assert (p[[1, 3]] == 0).all()  # empty texts: no topic
    assert topics.predict(texts) == [("delivery_speed",), (), (), (), ("product_defect", "service")]
    hits = topics.predict_hits_prepared(prepare(texts))
    assert len(hits) == 5 and hits[1] == () and hits[3] == ()
    for row, probs in zip(hits, p):
        for h in row:
            assert 0 <= h.score <= 1 and h.polarity in SENTIMENT_LABELS
            assert h.score == round(float(probs[topics.topics_.index(h.name)]), 4)
    assert topics.predict_proba([]).shape == (0, 3) and topics.predict_hits_prepared([]) == []
    assert ((topics.thresholds_ >= 0.05) & (topics.thresholds_ <= 0.95)).all()


def test_a_text_scores_the_same_alone_or_in_any_batch(topics: TransformerTopics,
                                                      any_clf: fn.FeedbackClassifier) -> None:
    texts = synthetic(37, 5)[0] + ["好" * 300]
    batch = topics.predict_proba(texts)
    singles = np.vstack([topics.predict_proba([t]) for t in texts])
    assert np.array_equal(batch, singles)  # bit for bit: fixed-shape forward passes
    assert np.array_equal(topics.predict_proba(texts[::-1]), batch[::-1])
    assert [r.topics for r in any_clf.classify_batch(texts, batch_size=7)] == [any_clf.classify(t).topics
                                                                               for t in texts]


def test_head_and_tail_truncation(topics: TransformerTopics) -> None:
    (ids,) = topics._encode(["送" * 100 + "慢" * 100])
    assert len(ids) == topics.max_length
    body = topics.tokenizer_.convert_ids_to_tokens(ids[1:-1])
    assert body[0] == "送" and body[-1] == "慢"


def test_concurrent_classify_from_8_threads(any_clf: fn.FeedbackClassifier) -> None:
    texts = synthetic(96, 7)[0]
    expected = [r.topics for r in any_clf.classify_batch(texts)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        singles = list(pool.map(lambda t: any_clf.classify(t).topics, texts))
        chunks = list(pool.map(lambda k: any_clf.classify_batch(texts[k:k + 12], batch_size=5), range(0, 96, 12)))
    assert singles == expected
    assert [r.topics for c in chunks for r in c] == expected


def test_topic_net_class_is_one_class_for_all_threads() -> None:
    import feedback_nlp.backends.transformer_topics as tt

    with ThreadPoolExecutor(4) as ex:
        classes = set(ex.map(lambda _: tt._topic_net_class(), range(8)))
    assert classes == {tt._TopicNet}  # the name pickle looks up


def test_pickle_round_trip(topics: TransformerTopics) -> None:
    again = pickle.loads(pickle.dumps(topics))
    texts = synthetic(10, 9)[0]
    assert np.array_equal(again.predict_proba(texts), topics.predict_proba(texts))


# ---------------------------------------------------------------- files
def test_directory_layout_and_model_card(cli_dir: Path) -> None:
    names = {p.name for p in cli_dir.iterdir()}
    assert {TOPICS_CONFIG_NAME, SUBDIR, "meta.json", "README.md", "metrics.json", "sentiment.json"} <= names
    assert "topics.json" not in names and is_transformer_topics_dir(cli_dir)
    sub = {p.name for p in (cli_dir / SUBDIR).iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= sub
    assert not any(n.endswith((".bin", ".pkl", ".pt")) for n in names | sub)
    meta = json.loads((cli_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["components"] == ["sentiment", "topics"]
    assert meta["training"]["topics"]["sentiment_from"].startswith("shipped default model feedback-zh-default")
    assert meta["training"]["topics"]["command"].startswith("feedback-nlp train --backend transformers")
    assert meta["topics"]["names"] == ["delivery_speed", "product_defect", "service"]
    assert "sentiment from shipped default model" in (cli_dir / "README.md").read_text(encoding="utf-8")
    metrics = json.loads((cli_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["topics"]["validation"]["per_topic"]["service"]["f1"] > 0.8 and metrics["topics"]["history"]


@pytest.fixture
def copy_of(cli_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "broken"
    shutil.copytree(cli_dir, d)
    return d


@pytest.mark.parametrize("drop", [f"{SUBDIR}/model.safetensors", f"{SUBDIR}/tokenizer.json", f"{SUBDIR}/config.json"])
def test_missing_files_give_a_clear_error(copy_of: Path, drop: str) -> None:
    (copy_of / drop).unlink()
    with pytest.raises(FileNotFoundError, match=f"{drop}: listed in meta.json but missing"):  # a ModelFormatError too
        fn.load(copy_of)


def test_missing_config_or_directory(copy_of: Path, tmp_path: Path) -> None:
    (copy_of / TOPICS_CONFIG_NAME).unlink()
    with pytest.raises(FileNotFoundError, match=f"lacks {TOPICS_CONFIG_NAME}"):
        TransformerTopics.load(copy_of)
    with pytest.raises(FileNotFoundError, match=f"{TOPICS_CONFIG_NAME}: listed in meta.json but missing"):
        fn.load(copy_of)  # listed in meta.json, so required
    with pytest.raises(FileNotFoundError, match="does not exist"):
        TransformerTopics.load(tmp_path / "nope")


@pytest.mark.parametrize("subdir", ["../../outside", "/etc", "topics_transformer/../../x"])
def test_subdir_may_not_leave_the_model_directory(copy_of: Path, subdir: str) -> None:
    """issue 14: ``subdir`` in transformer_topics.json is resolved and must stay inside the model directory."""
    from feedback_nlp.classify.modelfiles import ModelFormatError

    state = json.loads((copy_of / TOPICS_CONFIG_NAME).read_text(encoding="utf-8"))
    state["subdir"] = subdir
    (copy_of / TOPICS_CONFIG_NAME).write_text(json.dumps(state), encoding="utf-8")
    meta = json.loads((copy_of / "meta.json").read_text(encoding="utf-8"))
    meta["files"][TOPICS_CONFIG_NAME] = (copy_of / TOPICS_CONFIG_NAME).stat().st_size
    (copy_of / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="must stay inside"):
        fn.load(copy_of)


@pytest.mark.parametrize("name", [f"{SUBDIR}/model.safetensors", f"{SUBDIR}/tokenizer.json", f"{SUBDIR}/config.json"])
def test_corrupt_files_give_a_typed_error(copy_of: Path, name: str) -> None:
    """issue 14: a damaged component file (same size, garbage inside) is a ModelFormatError naming the directory."""
    from feedback_nlp.classify.modelfiles import ModelFormatError

    path = copy_of / name
    path.write_bytes(b"\x00" * path.stat().st_size)
    with pytest.raises(ModelFormatError, match=SUBDIR):
        fn.load(copy_of)


def test_nan_weights_are_refused(copy_of: Path) -> None:
    """issue 14: NaN weights in a transformer component are refused on load, not served as NaN scores."""
    from safetensors.torch import load_file, save_file

    from feedback_nlp.classify.modelfiles import ModelFormatError

    path = copy_of / SUBDIR / "model.safetensors"
    tensors = load_file(str(path))
    name = next(k for k, v in tensors.items() if v.is_floating_point())
    tensors[name] = tensors[name].clone()
    tensors[name].view(-1)[0] = float("nan")
    save_file(tensors, str(path))
    meta = json.loads((copy_of / "meta.json").read_text(encoding="utf-8"))
    meta["files"][f"{SUBDIR}/model.safetensors"] = path.stat().st_size
    (copy_of / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="NaN"):
        fn.load(copy_of)


def test_transformer_sentiment_and_topics_share_a_directory(topic_base: Path, topics: TransformerTopics,
                                                            tmp_path: Path) -> None:
    texts, labels = read_fixture_reviews()
    sentiment = TransformerSentiment(max_length=32).fit(texts, labels, base=topic_base, max_steps=2, lr=1e-3)
    clf = fn.FeedbackClassifier(sentiment, {"name": "both"}, topics)  # type: ignore[arg-type]
    clf.save(tmp_path / "both")
    again = load_transformer_classifier(tmp_path / "both", device="cpu")
    assert isinstance(again.sentiment, TransformerSentiment) and isinstance(again.topics, TransformerTopics)
    loaded = fn.load(tmp_path / "both")
    sample = synthetic(20, 3)[0]
    assert [r.topics for r in loaded.classify_batch(sample)] == [r.topics for r in clf.classify_batch(sample)]
    assert [r.sentiment for r in loaded.classify_batch(sample)] == [r.sentiment for r in clf.classify_batch(sample)]


def test_cli_keeps_the_sentiment_already_in_out(topic_base: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "existing"
    shutil.copytree(tiny_model_dir, out)
    for name in ("topics.json", "topics.npz"):  # a linear topic component, replaced by the new one
        shutil.copy(MODEL_DIR / name, out / name)
    texts, labels = synthetic(60, 2)
    data = tmp_path / "t.jsonl"
    data.write_text("".join(json.dumps({"text": t, "topics": sorted(y)}, ensure_ascii=False) + "\n"
                            for t, y in zip(texts, labels)), encoding="utf-8")
    rc = cli_main(["train", "--backend", "transformers", "--task", "topics", "--base", str(topic_base),
                   "--data", str(data), "--out", str(out), "--max-steps", "2", "--max-length", "32", "--no-progress"])
    assert rc == 0 and not (out / "topics.json").exists()
    clf = fn.load(out)
    assert isinstance(clf.sentiment, SentimentModel) and isinstance(clf.topics, TransformerTopics)
    assert clf.meta["training"]["topics"]["sentiment_from"].startswith(str(out))
    tiny = fn.load(tiny_model_dir)
    assert [r.sentiment for r in clf.classify_batch(TEXTS)] == [r.sentiment for r in tiny.classify_batch(TEXTS)]
    # names without polarity: the polarity comes from the sentiment model
    assert set(clf.topics.polarity_source_.values()) == {"sentiment"}


class _FixedSentiment:
    def __init__(self, p: float) -> None:
        self.p = p

    def prepared_positive_probability(self, docs: Any) -> np.ndarray:
        return np.full(len(docs), self.p)


def test_polarity_from_the_sentiment_model_when_labels_have_none(topic_base: Path) -> None:
    texts, labels = synthetic(40, 4)
    m = TransformerTopics(max_length=32, threshold=0.01).fit(texts, [sorted(y) for y in labels], base=topic_base,
                                                             max_steps=1, val_fraction=0.2)
    assert m.fixed_polarity_ == {} and m.thresholds_.tolist() == [0.01] * 3
    docs = prepare(["送货很快"])
    for sentiment, want in ((_FixedSentiment(0.95), "positive"), (_FixedSentiment(0.02), "negative"),
                            (_FixedSentiment(0.52), "neutral"), (None, "neutral")):
        (hits,) = m.predict_hits_prepared(docs, sentiment)
        assert len(hits) == 3 and {h.polarity for h in hits} == {want}


# ---------------------------------------------------------------- bad input
def test_bad_labels_params_and_inputs(topic_base: Path, topics: TransformerTopics) -> None:
    texts = ["送货很快", "送货太慢", "价格便宜", "颜色好看"]
    with pytest.raises(ValueError, match="polarity"):
        TransformerTopics().fit(texts, [{"speed": "great"}, {}, {}, {}], base=topic_base)
    with pytest.raises(ValueError, match="at least 2 texts with it"):
        TransformerTopics().fit(texts, [{"speed": "positive"}, {}, {}, {}], base=topic_base)
    with pytest.raises(ValueError, match="no topic appears"):
        TransformerTopics().fit(texts, [{}, {}, None, []], base=topic_base)
    with pytest.raises(ValueError, match="4 texts but 3"):
        TransformerTopics().fit(texts, [{}, {}, {}], base=topic_base)
    with pytest.raises(TypeError, match="not a dict"):
        TransformerTopics().fit(texts, [1, {}, {}, {}], base=topic_base)
    with pytest.raises(ValueError, match="threshold"):
        TransformerTopics(threshold="high").fit(texts, [["a"], ["a"], [], []], base=topic_base)
    with pytest.raises(ValueError, match="max_length"):
        TransformerTopics(max_length=2).fit(texts, [["a"], ["a"], [], []], base=topic_base)
    with pytest.raises(RuntimeError, match="not fitted"):
        TransformerTopics().predict_proba(["好"])
    with pytest.raises(TypeError, match="single str"):
        topics.predict_proba("送货很快")
    with pytest.raises(TypeError, match="row 1"):
        topics.predict(["送货很快", None])  # type: ignore[list-item]


def test_cli_errors(tmp_path: Path, topic_base: Path) -> None:
    data = tmp_path / "t.jsonl"
    data.write_text(json.dumps({"text": "送货很快", "topics": {"speed": "positive"}}) + "\n", encoding="utf-8")
    out = str(tmp_path / "m")
    common = ["train", "--backend", "transformers", "--task", "topics", "--data", str(data), "--out", out]
    assert cli_main(common) == 2  # no --base
    assert cli_main([*common, "--base", str(tmp_path / "nope")]) == 2
    assert cli_main([*common, "--base", str(topic_base), "--no-progress"]) == 2  # a topic with one text


def test_hub_id_refused_when_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(FileNotFoundError, match="HF_HUB_OFFLINE"):
        TransformerTopics().fit(["好", "差", "好", "差"], [["a"], ["a"], [], []], base="hfl/chinese-roberta-wwm-ext")


def test_importing_the_module_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import sys, feedback_nlp.backends.transformer_topics; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
