"""Service-message benchmark of the default model: sentiment, kind, priority, topics, boilerplate flips, speed.

    python benchmarks/bench_service_messages.py [--data-dir ../shared/data] [--model models/feedback-zh-default]
                                                [--folds 5] [--seed 0] [--out benchmarks/results_service_messages.json]

Run from the repository root after ``scripts/train_default_model.py`` and ``scripts/train_default_topics.py``.
(``bench_service.py`` is the HTTP-service benchmark; this one is about service *messages*.) What it measures, on
``service_feedback_labeled.jsonl`` (1,100 messages from four sources):

1. **5-fold cross-validation** (``service_folds`` of ``scripts/train_default_model.py``: stratified by source and
   kind, near-duplicates in one fold). Per fold the service heads (``fit_heads``: 3-class sentiment, kind,
   priority) are refitted on the other folds + the 3-class reviews + the unlabelled questions, and the topic
   model's labelled parts on the other folds + the labelled reviews (``TopicModel.refit_labelled``; its weak
   supervision never sees a label); its service thresholds are chosen on the other folds' out-of-fold scores
   (the test fold's labels never pick its thresholds, though they trained the models that scored the other
   folds); the intent component's severity offsets and kind-sentiment weight are nested the same way
   (``choose_oof`` of the training script on the other folds' out-of-fold readings), and so is the topics' register
   recalibration (``choose_service_calibration``, before the thresholds). The binary review model is
   the shipped one: it never saw a service message.
   Metrics pooled over the folds and per source, with the kind and priority confusion matrices.
2. **Held-out part**: fold 0 alone (the 20% ``split_service`` holds out), per source.
3. **Baseline**: a plain char 1-4-gram TF-IDF logistic regression (one-vs-rest, C=10) on the same folds, trained
   on the service labels only (sentiment, kind, priority, and one per topic), as in the issue.
4. **Boilerplate flip rate** of the shipped model: every message with each of the :data:`PERTURBATIONS` added;
   a flip is a changed sentiment label or kind (priority and topic flips reported too).
5. **Speed**: ``classify_batch`` texts/s with topics on the service messages (median of 3 passes).

BLAS/OpenMP threads are set to 1 unless already set. Writes the JSON and prints a Markdown summary.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.classify.training import evaluate_service  # noqa: E402

#: (prefix, suffix) pairs added to every message for the flip rate: greetings, closings, platform tags, @mentions,
#: location tails, URLs, phone and order numbers.
PERTURBATIONS: tuple[tuple[str, str], ...] = (
    ("您好，", ""),
    ("客服你好！", ""),
    ("", "。谢谢"),
    ("", "，麻烦了"),
    ("", "，希望尽快处理，谢谢！"),
    ("【客户留言】", ""),
    ("标题：", ""),
    ("@客服中心 ", ""),
    ("", " 我在:解放路"),
    ("", " http://t.cn/x9y8z7"),
    ("", "，联系电话：13900001111"),
    ("【投诉】您好，", "。请尽快回复，谢谢！@客服中心"),
)
TOPICS = ("service_attitude", "efficiency", "product_defect")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def script(name: str) -> Any:
    """A training script as a module, by path."""
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def cross_validate(shipped: fn.FeedbackClassifier, rows: list[dict[str, Any]], folds: np.ndarray, dev: Any,
                   dev_topics: list[dict[str, Any]], questions: list[str], tdm: Any, tdt: Any) -> list[Any]:
    """Out-of-fold classifications of ``rows`` (heads and topic labelled parts refitted per fold).

    The topic model's service thresholds are nested: pass 1 scores every fold with the topic parts fitted on the
    other folds; in pass 2 each fold gets the thresholds chosen (``choose_service_thresholds``) on the other
    folds' pass-1 scores, so a fold's labels never choose its own thresholds. The topics' register recalibration,
    the severity offsets and the kind-sentiment weight likewise (``choose_service_calibration`` and ``choose_oof``
    of the training scripts on the other folds' pass-1 scores and readings)."""
    ks = sorted(set(folds.tolist()))
    reading_parts = []
    # The topics' register recalibration reads label-free inputs of the shipped model (P(service), registers).
    context = tdt.service_context_of(shipped.sentiment, shipped.intent, [str(r["text"]) for r in rows]) \
        if shipped.topics is not None and shipped.topics.service_calibration_ is not None else None
    models: dict[int, fn.FeedbackClassifier] = {}
    topic_p = np.zeros((len(rows), len(shipped.topics.topics_) if shipped.topics is not None else 0))
    for k in ks:
        t0 = time.time()
        train = [r for r, f in zip(rows, folds) if f != k]
        test = np.flatnonzero(folds == k)
        m = copy.deepcopy(shipped)
        tdm.fit_heads(m, dev, train, questions)
        if shipped.topics is not None:
            m.topics = shipped.topics.refit_labelled([r["text"] for r in dev_topics + train],
                                                     [r["topics"] for r in dev_topics + train])
            topic_p[test] = m.topics.predict_proba([rows[i]["text"] for i in test], m.sentiment)
        if m.intent is not None:
            reading_parts.append((test.tolist(), tdm.ServiceOOF.read(m.sentiment, m.intent,
                                                                     [str(rows[i]["text"]) for i in test])))
        models[k] = m
        log(f"fold {k}: {len(train)} train / {len(test)} test, {time.time() - t0:.0f}s")
    readings = tdm.ServiceOOF.gather(reading_parts, len(rows)) if reading_parts else None
    out: list[Any] = [None] * len(rows)
    for k in ks:
        m, test, other = models[k], np.flatnonzero(folds == k), np.flatnonzero(folds != k)
        if m.intent is not None and readings is not None and shipped.intent is not None \
                and shipped.intent.severity_offsets_ is not None:
            offsets, weight = tdm.choose_oof(readings.take(other), [rows[i] for i in other])
            m.intent.severity_offsets_ = offsets
            m.intent.kind_sentiment_weight_ = weight if shipped.intent.kind_sentiment_weight_ > 0 else 0.0
        if m.topics is not None and shipped.topics.service_thresholds_ is not None:
            p_other, rows_other, topics = topic_p[other], [rows[i] for i in other], list(m.topics.topics_)
            if context is not None:
                g, register, names = context
                m.topics.service_calibration_, p_other = tdt.choose_service_calibration(
                    p_other, register[other], g[other], rows_other, topics)
                m.topics.service_registers_ = names
            m.topics.service_thresholds_ = tdt.choose_service_thresholds(p_other, rows_other, topics)
        for i, res in zip(test, m.classify_batch([rows[i]["text"] for i in test])):
            out[i] = res
    return out


def baseline(rows: list[dict[str, Any]], folds: np.ndarray) -> list[Any]:
    """Out-of-fold predictions of the plain char n-gram LR, as light result objects."""
    from types import SimpleNamespace

    from feedback_nlp.classify.stack import StackedHead
    from feedback_nlp.text.normalize import normalize

    docs = [normalize(str(r["text"])) for r in rows]
    none = np.zeros((len(rows), 0))
    pred: dict[str, np.ndarray] = {t: np.empty(len(rows), dtype=object) for t in ("sentiment", "kind", "priority")}
    topic_pred = np.zeros((len(rows), len(TOPICS)), dtype=bool)
    for k in sorted(set(folds.tolist())):
        tr, te = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        d_tr, d_te = [docs[i] for i in tr], [docs[i] for i in te]
        for task in pred:
            h = StackedHead(C=10.0, ngram_range=(1, 4)).fit(d_tr, none[tr], [rows[i][task] for i in tr])
            pred[task][te] = h.predict(d_te, none[te])
        for j, t in enumerate(TOPICS):
            h = StackedHead(C=10.0, ngram_range=(1, 4)).fit(d_tr, none[tr], [str(t in rows[i]["topics"]) for i in tr])
            topic_pred[te, j] = h.predict(d_te, none[te]) == "True"
    return [SimpleNamespace(sentiment=SimpleNamespace(label=pred["sentiment"][i]), kind=pred["kind"][i],
                            priority=pred["priority"][i],
                            topic_names=tuple(t for j, t in enumerate(TOPICS) if topic_pred[i, j]))
            for i in range(len(rows))]


def flip_rate(clf: fn.FeedbackClassifier, texts: list[str]) -> dict[str, Any]:
    """Share of (message, perturbation) pairs whose sentiment label or kind changes (and priority, topics)."""
    base = clf.classify_batch(texts)
    counts = {"sentiment_or_kind": 0, "sentiment": 0, "kind": 0, "priority": 0, "topics": 0}
    per: dict[str, float] = {}
    for prefix, suffix in PERTURBATIONS:
        got = clf.classify_batch([prefix + t + suffix for t in texts])
        flips = 0
        for a, b in zip(base, got):
            s, k = a.sentiment.label != b.sentiment.label, a.kind != b.kind
            counts["sentiment"] += s
            counts["kind"] += k
            counts["sentiment_or_kind"] += s or k
            counts["priority"] += str(a.priority) != str(b.priority)
            counts["topics"] += a.topic_names != b.topic_names
            flips += s or k
        per[f"{prefix}…{suffix}"] = flips / len(texts)
    n = len(texts) * len(PERTURBATIONS)
    return {"pairs": n, **{f"rate_{k}": v / n for k, v in counts.items()}, "by_perturbation": per}


def speed(clf: fn.FeedbackClassifier, texts: list[str]) -> float:
    clf.classify_batch(texts[:100])
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        clf.classify_batch(texts, batch_size=1024)
        times.append(time.perf_counter() - t0)
    return len(texts) / float(np.median(times))


def slim(m: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of an ``evaluate_service`` block (no matrices)."""
    keys = ("n", "sentiment_accuracy", "sentiment_macro_f1", "kind_accuracy", "kind_macro_f1", "priority_accuracy",
            "urgent_high_recall", "urgent_high_precision")
    out = {k: m[k] for k in keys if k in m}
    if "sentiment_f1" in m:
        out["neutral_f1"] = m["sentiment_f1"]["neutral"]
    if "topic_f1" in m:
        out["topic_f1"] = m["topic_f1"]
    return out


def table(title: str, blocks: dict[str, dict[str, Any]]) -> str:
    cols = ["n", "sent acc", "sent mF1", "neutral F1", "kind acc", "kind mF1", "prio acc", "U+H rec", "U+H prec",
            "attitude F1", "efficiency F1", "defect F1"]
    lines = [f"**{title}**", "", "| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, m in blocks.items():
        tf = m.get("topic_f1", {})
        vals = [m.get("n"), m.get("sentiment_accuracy"), m.get("sentiment_macro_f1"), m.get("neutral_f1"),
                m.get("kind_accuracy"), m.get("kind_macro_f1"), m.get("priority_accuracy"),
                m.get("urgent_high_recall"), m.get("urgent_high_precision"), tf.get("service_attitude"),
                tf.get("efficiency"), tf.get("product_defect")]
        lines.append(f"| {name} | " + " | ".join("" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
                                                 for v in vals) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--model", default=str(REPO / "models" / "feedback-zh-default"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results_service_messages.json"))
    args = ap.parse_args()
    tdm, tdt = script("train_default_model"), script("train_default_topics")
    rows, questions = tdm.load_service(args.data_dir)
    _, dev = tdm.load_data(args.data_dir)
    dev_topics = tdt.load_dev(args.data_dir)
    shipped = fn.load(args.model)
    folds = tdm.service_folds(rows, args.folds, args.seed)
    sources = [r["source"] for r in rows]
    log("cross-validating the recipe ...")
    cv = cross_validate(shipped, rows, folds, dev, dev_topics, questions, tdm, tdt)
    cv_eval = evaluate_service(shipped, rows, sources, results=cv)
    held = [i for i in range(len(rows)) if folds[i] == 0]
    held_eval = evaluate_service(shipped, [rows[i] for i in held], [sources[i] for i in held],
                                 results=[cv[i] for i in held])
    log("baseline ...")
    base = baseline(rows, folds)
    base_eval = evaluate_service(shipped, rows, sources, results=base)
    log("flip rate and speed ...")
    texts = [str(r["text"]) for r in rows]
    flips = flip_rate(shipped, texts)
    tps = speed(shipped, (texts * 2)[:2000])
    result = {
        "benchmark": "bench_service_messages",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "omp_threads": os.environ.get("OMP_NUM_THREADS")},
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "model": args.model,
        "folds": {"how": f"service_folds(k={args.folds}, seed={args.seed}): stratified by source/kind, "
                         "near-duplicates grouped", "n": len(rows)},
        "cv": cv_eval,
        "heldout_fold0": held_eval,
        "baseline_char_ngram_lr_cv": base_eval,
        "boilerplate_flips": flips,
        "classify_batch_texts_per_s": tps,
    }
    tmp = Path(args.out).with_suffix(".tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, args.out)
    blocks = {"all (CV)": slim(cv_eval), **{f"{s} (CV)": slim(m) for s, m in cv_eval["by_group"].items()},
              "baseline (CV)": slim(base_eval)}
    print(table("5-fold CV", blocks))
    print()
    print(table("held-out fold 0", {"all": slim(held_eval),
                                    **{s: slim(m) for s, m in held_eval["by_group"].items()}}))
    print()
    print(f"kind confusion (CV, rows = truth): {json.dumps(cv_eval['kind_confusion'])}")
    print(f"priority confusion (CV, rows = truth): {json.dumps(cv_eval['priority_confusion'])}")
    print(f"boilerplate flip rate (sentiment or kind): {flips['rate_sentiment_or_kind']:.4f} over {flips['pairs']} "
          f"pairs; priority {flips['rate_priority']:.4f}; topics {flips['rate_topics']:.4f}")
    print(f"classify_batch with topics: {tps:.0f} texts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
