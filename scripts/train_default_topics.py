"""Train the default topic model (``topics.json`` + ``topics.npz``) from ``../shared/data``.

    python scripts/train_default_topics.py --data-dir ../shared/data --out models/feedback-zh-default --seed 0

Recipe (every step is recorded under ``"training"`` in the written ``topics.json``):

1. Labelled data: ``topic_labels_dev.jsonl`` (1,400 reviews, ``topics`` = ``{topic: polarity}``) and
   ``service_feedback_labeled.jsonl`` (1,100 service messages, same topics).
2. Unlabelled data for weak supervision: ``reviews_sentiment_train.csv`` minus every id of the dev file (the
   sentiment labels are not used here) and ``service_feedback_unlabeled.csv``.
3. Hold out 30% of the dev labels, stratified by source and topic set (seed ``--seed``), and 20% of the service
   messages (``split_service`` of ``train_default_model.py``); fit on the rest and report the held-out F1 per topic,
   per domain and per service source (the full benchmarks: ``benchmarks/bench_topics.py`` for reviews,
   ``benchmarks/bench_service_messages.py`` for service messages).
   Service thresholds (``TopicModel.service_thresholds_``, used in proportion to ``P(service message)``) are chosen
   from out-of-fold scores of the training part's service messages (5 folds, ``choose_service_thresholds``).
4. Refit the same recipe on all 2,500 labelled rows (``--no-refit`` keeps the partial model), choose the service
   thresholds again from out-of-fold scores of all 1,100 messages, and save it.

Nothing else is needed for ``feedback_nlp.classify.intent`` (kind and priority are rules over the sentiment and topic
outputs), so this script writes only the two topic files.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from feedback_nlp.classify.sentiment import SentimentModel
from feedback_nlp.classify.topics import TopicModel
from scripts.train_default_model import load_service, load_service_unlabeled, split_service

DEFAULT_TOPICS = ("service_attitude", "efficiency", "product_defect")


def load_dev(data_dir: str | Path) -> list[dict[str, Any]]:
    """Rows of ``topic_labels_dev.jsonl`` (id, source, text, sentiment, topics, kind)."""
    with open(Path(data_dir) / "topic_labels_dev.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_unlabeled(data_dir: str | Path, exclude_ids: set[str]) -> list[str]:
    """Texts of ``reviews_sentiment_train.csv`` whose id is not in ``exclude_ids``."""
    import pandas as pd

    df = pd.read_csv(Path(data_dir) / "reviews_sentiment_train.csv", usecols=["id", "text"], dtype=str)
    df = df[~df["id"].isin(exclude_ids)].dropna(subset=["text"])
    return df["text"].tolist()


def dev_strata(rows: list[dict[str, Any]], min_count: int) -> list[str]:
    """Per row: source + sorted topic names, or the source alone for strata with fewer than ``min_count`` rows."""
    from collections import Counter

    strata = [r["source"] + "/" + "+".join(sorted(r["topics"])) for r in rows]
    counts = Counter(strata)
    return [s if counts[s] >= min_count else r["source"] for s, r in zip(strata, rows)]


def split_dev(rows: list[dict[str, Any]], test_size: float = 0.3, seed: int = 0
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Stratified (:func:`dev_strata`) train / held-out split."""
    from sklearn.model_selection import train_test_split

    strata = dev_strata(rows, 4)
    idx = np.arange(len(rows))
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=strata)
    return [rows[i] for i in sorted(tr)], [rows[i] for i in sorted(te)]


def fit_topics(train: list[dict[str, Any]], unlabeled: list[str] | None, seed: int = 0,
               review_rows: list[dict[str, Any]] | None = None, **params: Any) -> TopicModel:
    """The default recipe: :class:`TopicModel` with the default lexicon, weak supervision over ``unlabeled``; with
    ``review_rows`` also the review-only labelled parts (``TopicModel.add_review_variant``), mixed with the main
    ones by the sentiment model's ``P(service message)`` at inference."""
    model = TopicModel(random_state=seed, **params).fit(
        [r["text"] for r in train], [r["topics"] for r in train], unlabeled_texts=unlabeled
    )
    if review_rows is not None:
        model.add_review_variant([r["text"] for r in review_rows], [r["topics"] for r in review_rows])
    return model


#: Thresholds tried for service messages (``TopicModel.service_thresholds_``), and how much F1 may be given up to
#: stay nearer 0.5 (``choose_threshold``).
SERVICE_GRID = tuple(round(x, 2) for x in np.arange(0.2, 0.651, 0.05))
SERVICE_TOLERANCE = 0.01


def oof_service_proba(model: TopicModel, dev_rows: list[dict[str, Any]], service: list[dict[str, Any]],
                      sentiment: Any, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Out-of-fold topic probabilities (n_service, n_topics) of the labelled service messages: per fold the
    labelled parts are refitted on ``dev_rows`` + the other folds (``TopicModel.refit_labelled``; the label-free
    parts are kept) and the fold is scored as the classifier scores it (mixed by ``sentiment``'s domain model)."""
    from scripts.train_default_model import service_folds

    fold = service_folds(service, folds, seed)
    out = np.zeros((len(service), len(model.topics_)))
    for k in range(folds):
        train = dev_rows + [r for r, f in zip(service, fold) if f != k]
        test = np.flatnonzero(fold == k)
        m = model.refit_labelled([r["text"] for r in train], [r["topics"] for r in train])
        out[test] = m.predict_proba([service[i]["text"] for i in test], sentiment)
    return out


def choose_service_thresholds(proba: np.ndarray, service: list[dict[str, Any]], topics: list[str]) -> np.ndarray:
    """Per topic, the threshold of :data:`SERVICE_GRID` with the best F1 of ``proba`` on ``service`` (the nearest
    0.5 within :data:`SERVICE_TOLERANCE` of it)."""
    from sklearn.metrics import f1_score

    from feedback_nlp.classify.topics import choose_threshold

    out = []
    for j, t in enumerate(topics):
        y = [t in r["topics"] for r in service]
        f1_at = {float(c): float(f1_score(y, proba[:, j] >= c, zero_division=0)) for c in SERVICE_GRID}
        out.append(choose_threshold(f1_at, SERVICE_TOLERANCE))
    return np.asarray(out)


#: Inverse regularisation of the per-topic register recalibration (``choose_service_calibration``).
CALIBRATION_C = 1.0


def service_context(out: str | Path, texts: list[str]) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None:
    """P(service message), the register probabilities and the register names of ``texts`` from the model in
    ``out`` (written by ``train_default_model.py``), or ``None`` when it has no domain or register model."""
    from feedback_nlp.classify.intent_model import IntentModel

    if not (Path(out) / "sentiment.json").exists() or not (Path(out) / "intent.json").exists():
        return None
    return service_context_of(SentimentModel.load(out), IntentModel.load(out), texts)


def service_context_of(sentiment: Any, intent: Any, texts: list[str]
                       ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None:
    """:func:`service_context` from loaded components (``None`` without a domain or a register model)."""
    from feedback_nlp.classify.sentiment import prepare

    if intent is None or getattr(intent, "register_head_", None) is None:
        return None
    docs = prepare(texts)
    g = sentiment.domain_probability(docs)
    reg = intent.register_proba(docs)
    if g is None or reg is None:
        return None
    return g, reg, tuple(str(c) for c in intent.register_head_.classes_)


def _best_f1(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return max(float(f1_score(y, p >= c, zero_division=0)) for c in SERVICE_GRID)


def _calibration_row(x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``[weights..., intercept]`` of a logistic regression of ``y`` on ``x`` over ``rows``."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=CALIBRATION_C, max_iter=2000).fit(x[rows], y[rows])
    out: np.ndarray = np.r_[lr.coef_.ravel(), lr.intercept_]
    return out


def choose_service_calibration(proba: np.ndarray, register: np.ndarray, g: np.ndarray, service: list[dict[str, Any]],
                               topics: list[str], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The topics' service recalibration (``TopicModel.service_calibration_``) from out-of-fold topic probabilities
    ``proba`` of the labelled ``service`` messages, their ``register`` probabilities and P(service message) ``g``.

    Per topic, a logistic regression of the label on ``[logit(p), register]`` (``CALIBRATION_C``) is kept only
    when, refitted in 5 folds (``service_folds``), its recalibrated scores reach a better best-threshold F1 than
    ``proba``; otherwise the topic keeps the identity row. Returns the rows and the recalibrated out-of-fold
    probabilities (for choosing the service thresholds on them)."""
    from feedback_nlp._numeric import logit
    from feedback_nlp.classify.topics import recalibrate
    from scripts.train_default_model import service_folds

    n_reg = register.shape[1]
    fold = service_folds(service, 5, seed)
    x_logit = logit(proba)
    rows = np.zeros((len(topics), n_reg + 2))
    rows[:, 0] = 1.0
    out = np.array(proba, dtype=np.float64, copy=True)
    for j, t in enumerate(topics):
        y = np.asarray([t in r["topics"] for r in service], dtype=int)
        if y.sum() < 10 or (1 - y).sum() < 10:
            continue
        x = np.hstack([x_logit[:, [j]], register])
        inner = np.zeros(len(service))
        for k in sorted(set(fold.tolist())):
            test = np.flatnonzero(fold == k)
            cal = _calibration_row(x, y, np.flatnonzero(fold != k))[None, :]
            inner[test] = recalibrate(proba[test, j:j + 1], register[test], g[test], cal)[:, 0]
        if _best_f1(y, inner) > _best_f1(y, proba[:, j]) + 1e-9:
            rows[j] = _calibration_row(x, y, np.arange(len(service)))
            out[:, j] = inner
    return rows, out


def f1_per_topic(model: TopicModel, rows: list[dict[str, Any]], sentiment: Any = None) -> dict[str, float]:
    """F1 per topic of the topics ``model`` finds (with ``sentiment``: as the classifier does, domain-mixed)."""
    from sklearn.metrics import f1_score

    pred = [tuple(h.name for h in hs) for hs in model.predict_hits([r["text"] for r in rows], sentiment)]
    return {t: float(f1_score([t in r["topics"] for r in rows], [t in p for p in pred]))
            for t in model.topics_}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--out", required=True, help="model directory to write topics.json / topics.npz into")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test-size", type=float, default=0.3)
    ap.add_argument("--no-refit", action="store_true", help="save the model fitted on the 70%% part")
    args = ap.parse_args(argv)

    dev_rows = load_dev(args.data_dir)
    service, _ = load_service(args.data_dir)
    rows = dev_rows + service
    unlabeled = load_unlabeled(args.data_dir, {r["id"] for r in dev_rows}) + load_service_unlabeled(args.data_dir)
    dev_train, dev_test = split_dev(dev_rows, args.test_size, args.seed)
    svc_train, svc_test = split_service(service, args.seed)
    train = dev_train + svc_train
    t0 = time.perf_counter()
    model = fit_topics(train, unlabeled, args.seed, review_rows=dev_train)
    # The sentiment component written by train_default_model.py (run it first): its domain model mixes the parts.
    sentiment = SentimentModel.load(args.out) if (Path(args.out) / "sentiment.json").exists() else None
    if sentiment is not None:  # service thresholds from out-of-fold scores of the training part's messages
        model.service_thresholds_ = choose_service_thresholds(
            oof_service_proba(model, dev_train, svc_train, sentiment, seed=args.seed), svc_train, model.topics_)
    fit_s = time.perf_counter() - t0
    heldout = {"reviews": f1_per_topic(model, dev_test, sentiment), "service": f1_per_topic(model, svc_test, sentiment),
               "service_by_source": {s: f1_per_topic(model, [r for r in svc_test if r["source"] == s], sentiment)
                                     for s in sorted({r["source"] for r in svc_test})}}
    print(f"held-out F1 ({len(dev_test)} reviews, {len(svc_test)} service messages, fit {fit_s:.0f}s):",
          json.dumps(heldout))
    if not args.no_refit:
        model = fit_topics(rows, unlabeled, args.seed, review_rows=dev_rows)
        if sentiment is not None:
            oof = oof_service_proba(model, dev_rows, service, sentiment, seed=args.seed)
            context = service_context(args.out, [str(r["text"]) for r in service])
            if context is not None:  # the register recalibration, then thresholds on the recalibrated scores
                g, register, names = context
                model.service_calibration_, oof = choose_service_calibration(oof, register, g, service,
                                                                             list(model.topics_), args.seed)
                model.service_registers_ = names
            model.service_thresholds_ = choose_service_thresholds(oof, service, model.topics_)
    print("service thresholds:", None if model.service_thresholds_ is None else model.service_thresholds_.tolist())
    if model.service_calibration_ is not None:
        kept = [t for t, row in zip(model.topics_, model.service_calibration_) if row[1:].any() or row[0] != 1.0]
        print("register recalibration kept for:", kept)
    training = {
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]) if argv is None else
        "train_default_topics.main(" + repr(argv) + ")",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "labelled": {"file": "topic_labels_dev.jsonl + service_feedback_labeled.jsonl",
                     "rows": len(rows) if not args.no_refit else len(train)},
        "unlabelled": {"file": "reviews_sentiment_train.csv minus dev ids + service_feedback_unlabeled.csv",
                       "rows": len(unlabeled), "weak_clauses": model.n_weak_clauses_},
        "heldout": {"how": f"split_dev(test_size={args.test_size}, seed={args.seed}) of the reviews and "
                    f"split_service(seed={args.seed}) of the service messages, model fit on the rest",
                    "rows": len(dev_test) + len(svc_test), "f1": heldout},
        "service_thresholds": {"how": "choose_service_thresholds(oof_service_proba(...)): per topic the threshold "
                               f"of {list(SERVICE_GRID)} with the best out-of-fold F1 on the labelled service "
                               f"messages (5 folds, nearest 0.5 within {SERVICE_TOLERANCE})",
                               "values": None if model.service_thresholds_ is None
                               else model.service_thresholds_.tolist()},
        "service_calibration": {"how": "choose_service_calibration(...): per topic a logistic regression of the "
                                "label on [logit(out-of-fold probability), register probabilities of the intent "
                                "component], kept where its 5-fold recalibrated scores beat the plain ones (best-"
                                "threshold F1); service thresholds then chosen on the recalibrated scores. The "
                                "held-out F1 above is before this step (the benchmark measures it nested)",
                                "registers": None if model.service_registers_ is None
                                else list(model.service_registers_)},
        "refit_on_all": not args.no_refit,
        "params": model.get_config(),
    }
    if (Path(args.out) / "meta.json").exists():
        # A full model directory: save it whole (atomically), so meta.json's file list, sizes and the model card
        # stay in step with the new topic files.
        import feedback_nlp as fn

        clf = fn.load(args.out)
        model.training_ = training
        clf.topics = model
        clf.save(args.out)
        print(f"wrote {args.out} (topics.json, topics.npz, meta.json, README.md)")
    else:
        model.save(args.out, training=training)
        print(f"wrote {Path(args.out) / 'topics.json'} and topics.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
