"""Benchmark the small from-scratch transformer against the default model, honestly, on CPU.

    python scripts/train_small_transformer.py --out /tmp/small-zh-bert          # trains (see its docstring)
    python benchmarks/bench_transformer.py --model /tmp/small-zh-bert/model [--data-dir ../shared/data]

What it measures (run from the repository root; writes ``benchmarks/results_transformer.json``):

1. Held-out accuracy on the 20% split of ``scripts/train_default_model.py`` (``load_data`` + ``split(df, 0)``,
   imported, so the rows are the same as the default model's ``holdout_20pct``): accuracy of ``P(positive) >= 0.5``
   overall and per source, ROC AUC, Brier, ECE. The default model's figure is the one recorded in its model card
   (fitted on the same 80%); the shipped default is trained on all rows, so it is not re-scored here.
2. 3-class on ``topic_labels_dev.jsonl`` with the binary model's neutral band (the transformer never saw these
   rows or any neutral label) next to the default's cross-validated figure from its card.
3. Throughput of the sentiment component (``predict_proba`` on raw texts, normalisation included) on a fixed
   sample of held-out texts: default vs transformer (fp32) vs transformer with dynamic int8 quantisation
   (``torch.ao.quantization.quantize_dynamic`` on the Linear layers), at 1 and 2 torch threads; median of 3
   passes after a warm-up. The int8 model's held-out accuracy is measured too.
4. Size on disk of both models.

With ``--runtimes torch,int8,onnx,onnx-int8`` it compares inference runtimes of the same model instead (and writes
``benchmarks/results_transformer_runtimes.json``): torch fp32, torch dynamic int8 (``quantize_dynamic`` on the
Linear layers), ONNX Runtime fp32 (the model exported with ``torch.onnx.export``) and ONNX Runtime dynamic int8
(``onnxruntime.quantization.quantize_dynamic``, int8 weights). Every runtime goes through the same pipeline
(normalisation, head + tail tokenisation, fixed-shape length-bucketed batches of ``micro_batch`` rows); only the
forward pass differs. Reported per runtime: held-out accuracy / ROC AUC on all held-out rows, the largest absolute
difference of ``P(positive)`` from torch fp32 and the share of identical labels, and texts/s on the
``--speed-sample`` texts at 1 and 2 threads (median of ``--repeats`` passes, runtimes interleaved within each
repeat so that load from other processes hits them alike). Needs ``pip install onnx onnxruntime``.

    python benchmarks/bench_transformer.py --model /root/small-zh-bert/model --data-dir ../shared/data \\
        --runtimes torch,int8,onnx,onnx-int8
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.backends.transformer import TransformerSentiment, load_transformer_classifier  # noqa: E402
from feedback_nlp.classify.sentiment import prepare  # noqa: E402
from feedback_nlp.classify.training import expected_calibration_error  # noqa: E402
from scripts.train_default_model import load_data, split  # noqa: E402


def heldout(args: argparse.Namespace) -> tuple[list[str], np.ndarray, np.ndarray, Any]:
    """Texts, labels and sources of the default model's 20% held-out split (first ``--limit`` rows), and the dev
    file."""
    df, dev = load_data(args.data_dir)
    _, test = split(df, 0)
    if args.limit:
        test = test.iloc[: args.limit]
    return (test["text"].astype(str).tolist(), test["label"].to_numpy().astype(int),
            test["source"].astype(str).to_numpy(), dev)


def binary_metrics(p: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    pred = (p >= 0.5).astype(int)
    return {"n": len(y), "accuracy": float((pred == y).mean()), "roc_auc": float(roc_auc_score(y, p)),
            "brier": float(brier_score_loss(y, p)), "ece": expected_calibration_error(p, y),
            "accuracy_by_group": {str(g): float((pred[groups == g] == y[groups == g]).mean())
                                  for g in sorted(set(groups.tolist()))}}


def dir_size(d: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in d.glob(pattern) if p.is_file())


def texts_per_second(fn_: Any, texts: list[str], repeats: int = 3) -> float:
    fn_(texts[:64])  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn_(texts)
        times.append(time.perf_counter() - t)
    return len(texts) / float(np.median(times))


RUNTIMES = ("torch", "int8", "onnx", "onnx-int8")


def export_onnx(sent: TransformerSentiment, path: Path) -> None:
    """The sentiment model's forward pass (ids, mask -> logits) as ONNX (TorchScript exporter, opset 17)."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    ids, mask = sent._pad([[2, 3]], 32, sent.micro_batch)
    axes = {0: "batch", 1: "length"}
    torch.onnx.export(Logits(sent.model_).eval(), (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                                             "logits": {0: "batch"}},
                      opset_version=17, dynamo=False)


def runtime_models(sent: TransformerSentiment, names: list[str], work: Path) -> dict[str, Any]:
    """name -> (threads -> a TransformerSentiment whose forward pass runs on that runtime)."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    out: dict[str, Any] = {}
    if "torch" in names:
        out["torch"] = lambda threads: sent
    if "int8" in names:
        q = copy.copy(sent)  # shares the tokenizer, gets its own lock
        q.model_ = quantize_dynamic(copy.deepcopy(sent.model_), {torch.nn.Linear}, dtype=torch.qint8)
        out["int8"] = lambda threads: q
    if any(n.startswith("onnx") for n in names):
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType
        from onnxruntime.quantization import quantize_dynamic as ort_quantize

        fp32 = work / "model.onnx"
        export_onnx(sent, fp32)
        paths = {"onnx": fp32}
        if "onnx-int8" in names:
            paths["onnx-int8"] = work / "model.int8.onnx"
            ort_quantize(str(fp32), str(paths["onnx-int8"]), weight_type=QuantType.QInt8)

        def make(path: Path) -> Any:
            cache: dict[int, Any] = {}

            def at(threads: int) -> Any:
                if threads not in cache:
                    so = ort.SessionOptions()
                    so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
                    session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
                    m = copy.copy(sent)
                    m._forward_batch = lambda ids, mask: session.run(  # type: ignore[method-assign]
                        None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
                    cache[threads] = m
                return cache[threads]
            return at

        for n, path in paths.items():
            if n in names:
                out[n] = make(path)
    return out


def compare_runtimes(args: argparse.Namespace) -> None:
    import tempfile

    import torch
    from sklearn.metrics import roc_auc_score

    load_at_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    names = [n.strip() for n in args.runtimes.split(",") if n.strip()]
    unknown = sorted(set(names) - set(RUNTIMES))
    if unknown:
        raise SystemExit(f"unknown runtime(s) {unknown}; choose from {list(RUNTIMES)}")
    if "torch" not in names:
        names.insert(0, "torch")  # the reference for agreement
    texts, y, groups, _ = heldout(args)
    sent = load_transformer_classifier(Path(args.model), device="cpu").sentiment
    assert isinstance(sent, TransformerSentiment)
    docs = prepare(texts)
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(args.speed_sample, len(texts)), replace=False)]
    results: dict[str, Any] = {"runtimes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        models = runtime_models(sent, names, Path(tmp))
        results["prepare_seconds"] = round(time.perf_counter() - t, 1)
        results["onnx_size_bytes"] = {p.name: p.stat().st_size for p in Path(tmp).glob("*.onnx")}
        torch.set_num_threads(2)
        ref = None
        for n in names:
            models[n](2).prepared_positive_probability(docs[:64])  # warm-up
            t = time.perf_counter()
            p = models[n](2).prepared_positive_probability(docs)
            seconds = time.perf_counter() - t
            ref = p if ref is None else ref
            full = models[n](2).predict_proba_prepared(docs[:2000])
            full_ref = models["torch"](2).predict_proba_prepared(docs[:2000])
            results["runtimes"][n] = {
                "holdout_20pct": binary_metrics(p, y, groups),
                "holdout_seconds_2_threads_one_pass_not_interleaved": round(seconds, 1),
                "max_abs_diff_p_positive_vs_torch": float(np.abs(p - ref).max()),
                "max_abs_diff_3way_proba_vs_torch_first_2000": float(np.abs(full - full_ref).max()),
                "same_label_as_torch": float(((p >= 0.5) == (ref >= 0.5)).mean()),
                "roc_auc": float(roc_auc_score(y, p))}
            print(n, json.dumps(results["runtimes"][n]["holdout_20pct"]["accuracy"]),
                  results["runtimes"][n]["max_abs_diff_p_positive_vs_torch"], f"{seconds:.1f}s", flush=True)
        speed: dict[str, Any] = {"n_texts": len(sample), "repeats": args.repeats,
                                 "what": "predict_proba(raw texts): normalisation + tokenisation + forward; median"}
        for threads in (1, 2):
            torch.set_num_threads(threads)
            timed: dict[str, list[float]] = {n: [] for n in names}
            for n in names:
                models[n](threads).predict_proba(sample[:64])  # warm-up (and session creation)
            for _ in range(args.repeats):
                for n in names:
                    m = models[n](threads)
                    t = time.perf_counter()
                    m.predict_proba(sample)
                    timed[n].append(time.perf_counter() - t)
            speed[f"threads_{threads}"] = {n: round(len(sample) / float(np.median(v)), 1) for n, v in timed.items()}
            speed[f"threads_{threads}_all_passes_s"] = {n: [round(x, 2) for x in v] for n, v in timed.items()}
            print(threads, speed[f"threads_{threads}"], flush=True)
        results["throughput_texts_per_s"] = speed
    import onnxruntime

    results["machine"] = {"python": platform.python_version(), "torch": torch.__version__,
                          "onnxruntime": onnxruntime.__version__,
                          "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                          "load_average_at_start": load_at_start,
                          "load_average_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
                          "platform": platform.platform()}
    results["model"] = str(args.model)
    results["command"] = "python benchmarks/bench_transformer.py " + " ".join(sys.argv[1:])
    results["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    Path(args.runtimes_out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.runtimes_out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="/tmp/small-zh-bert/model")
    ap.add_argument("--data-dir", default="../shared/data")
    ap.add_argument("--speed-sample", type=int, default=2000)
    ap.add_argument("--limit", type=int, default=None, help="score only the first N held-out rows (smoke runs)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results_transformer.json"))
    ap.add_argument("--runtimes", default=None,
                    help="compare runtimes instead (comma-separated: torch,int8,onnx,onnx-int8)")
    ap.add_argument("--runtimes-out", default=str(REPO / "benchmarks" / "results_transformer_runtimes.json"))
    ap.add_argument("--repeats", type=int, default=5, help="--runtimes: timed passes per runtime and thread count")
    args = ap.parse_args()
    if args.runtimes:
        compare_runtimes(args)
        return

    import torch
    from torch.ao.quantization import quantize_dynamic

    texts, y, groups, dev = heldout(args)
    model_dir = Path(args.model)
    clf = load_transformer_classifier(model_dir, device="cpu")
    sent = clf.sentiment
    assert isinstance(sent, TransformerSentiment)
    torch.set_num_threads(2)
    docs = prepare(texts)

    t = time.perf_counter()
    p = sent.prepared_positive_probability(docs)
    fp32_s = time.perf_counter() - t
    results: dict[str, Any] = {"transformer_fp32": {"holdout_20pct": binary_metrics(p, y, groups),
                                                    "holdout_inference_seconds_2_threads": round(fp32_s, 1)}}
    print(json.dumps(results, indent=2), flush=True)

    qsent = copy.copy(sent)  # shares the tokenizer, gets its own lock
    qsent.model_ = quantize_dynamic(copy.deepcopy(sent.model_), {torch.nn.Linear}, dtype=torch.qint8)
    t = time.perf_counter()
    pq = qsent.prepared_positive_probability(docs)
    int8_s = time.perf_counter() - t
    results["transformer_int8_dynamic"] = {"holdout_20pct": binary_metrics(pq, y, groups),
                                           "holdout_inference_seconds_2_threads": round(int8_s, 1),
                                           "agreement_with_fp32": float(((pq >= 0.5) == (p >= 0.5)).mean())}
    print(json.dumps(results["transformer_int8_dynamic"], indent=2), flush=True)

    # 3-class on the dev file (band of the binary model)
    from sklearn.metrics import accuracy_score, f1_score

    dev_pred = sent.predict(dev["text"].astype(str).tolist())
    labels3 = ["negative", "neutral", "positive"]
    truth = dev["sentiment"].astype(str).to_numpy()
    results["transformer_fp32"]["topic_labels_dev_3class_band"] = {
        "n": len(truth), "accuracy_3class": float(accuracy_score(truth, dev_pred)),
        "macro_f1_3class": float(f1_score(truth, dev_pred, labels=labels3, average="macro")),
        "f1_3class": dict(zip(labels3, map(float, f1_score(truth, dev_pred, labels=labels3, average=None))))}

    # throughput
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(args.speed_sample, len(texts)), replace=False)]
    default = fn.load("default")
    speed: dict[str, Any] = {"n_texts": len(sample), "what": "sentiment.predict_proba(raw texts), median of 3"}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        speed[f"threads_{threads}"] = {
            "default_linear": round(texts_per_second(default.sentiment.predict_proba, sample), 1),
            "transformer_fp32": round(texts_per_second(sent.predict_proba, sample), 1),
            "transformer_int8_dynamic": round(texts_per_second(qsent.predict_proba, sample), 1),
        }
        print(threads, speed[f"threads_{threads}"], flush=True)
    results["throughput_texts_per_s"] = speed

    default_dir = fn.registry.models_dir() / fn.registry.DEFAULT_MODEL
    default_meta = json.loads((default_dir / "meta.json").read_text(encoding="utf-8"))
    results["default_model_card"] = {
        "holdout_20pct": default_meta["metrics"]["holdout_20pct"],
        "topic_labels_dev_3class_cv": default_meta["metrics"].get("topic_labels_dev_3class_cv"),
        "note": "from models/feedback-zh-default/meta.json: the same recipe fitted on the same 80% split",
    }
    results["size_bytes"] = {
        "transformer_dir": dir_size(model_dir), "transformer_safetensors": dir_size(model_dir, "*.safetensors"),
        "default_dir": dir_size(default_dir),
        "default_sentiment_files": dir_size(default_dir, "sentiment.*"),
    }
    results["transformer_training"] = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))["training"]
    results["machine"] = {"python": platform.python_version(), "torch": torch.__version__,
                          "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                          "platform": platform.platform()}
    results["command"] = "python benchmarks/bench_transformer.py " + " ".join(sys.argv[1:])
    results["date"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
