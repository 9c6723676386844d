"""Train a SMALL Chinese BERT from scratch on the shared review corpus (no pretrained checkpoint can be downloaded).

    python scripts/train_small_transformer.py --data-dir ../shared/data --out /tmp/small-zh-bert \\
        --layers 2 --hidden 128 --max-length 128 --mlm-steps 1500 --ft-steps 2500 --seed 0

Steps (CPU-sized; every step is bounded by a step count and a wall-time budget):

1. Data exactly as ``scripts/train_default_model.py``: ``load_data`` (the ids of ``topic_labels_dev.jsonl``
   dropped) and ``split(df, seed)`` (80/20, stratified by source/label, ``random_state=0``), both imported.
   Only the 80% part is used below; the 20% is what ``benchmarks/bench_transformer.py`` reports on.
2. A character vocabulary of the prepared training texts (characters seen at least ``--min-char-count`` times,
   plus ``##x`` continuations for Latin letters/digits so ``vip`` splits into characters) -> ``vocab.txt``.
3. Optional masked-LM pre-training (15% of the characters; 80/10/10 mask/random/keep) of a ``BertForMaskedLM``
   on the same training texts (no label used).
4. Fine-tuning with :class:`feedback_nlp.backends.transformer.TransformerSentiment` (binary softmax head, balanced class
   weights, a 5% validation split for early stopping and temperature scaling).

Writes ``OUT/base`` (the vocabulary + untrained model), ``OUT/mlm`` (after pre-training), ``OUT/model`` (the
FeedbackClassifier directory) and ``OUT/train_metrics.json``. Nothing is written to ``models/``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.classify.sentiment import prepare  # noqa: E402
from scripts.train_default_model import load_data, split  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_vocab(docs: list[str], min_count: int) -> list[str]:
    """Special tokens, then characters by frequency; ``##c`` for Latin letters/digits (WordPiece continuations)."""
    counts = Counter(c for d in docs for c in d if not c.isspace())
    chars = [c for c, n in counts.most_common() if n >= min_count]
    cont = [f"##{c}" for c in chars if c.isascii() and c.isalnum()]
    return [*SPECIALS, *chars, *cont]


def make_base(out: Path, vocab: list[str], layers: int, hidden: int, heads: int, max_length: int, seed: int) -> Any:
    import torch
    import transformers

    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizerFast.from_pretrained(str(out), local_files_only=True)
    tok.save_pretrained(str(out))
    cfg = transformers.BertConfig(vocab_size=len(tok), hidden_size=hidden, num_hidden_layers=layers,
                                  num_attention_heads=heads, intermediate_size=4 * hidden,
                                  max_position_embeddings=max_length)
    torch.manual_seed(seed)
    model = transformers.BertForMaskedLM(cfg)
    model.save_pretrained(str(out))
    return tok, model


def pretrain_mlm(model: Any, tok: Any, docs: list[str], out: Path, steps: int, batch_size: int, lr: float,
                 max_length: int, max_seconds: float, seed: int) -> dict[str, Any]:
    """Masked-LM pre-training; returns its log. Batches group texts of similar length (less padding)."""
    import torch
    import transformers

    from feedback_nlp.backends.transformer import _batches

    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    enc = tok(docs, add_special_tokens=False, truncation=False, return_attention_mask=False,
              return_token_type_ids=False)["input_ids"]
    budget = max_length - 2
    head = round(budget * 0.75)
    seqs = [[tok.cls_token_id, *(s if len(s) <= budget else s[:head] + s[len(s) - (budget - head):]),
             tok.sep_token_id] for s in enc]
    n_special = len(SPECIALS)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = transformers.get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    model.train()
    t0, step, log = time.time(), 0, []
    idx = np.arange(len(seqs))
    while step < steps and time.time() - t0 < max_seconds:
        for rows in _batches(rng, idx, [len(s) for s in seqs], batch_size, True):
            length = max(len(seqs[i]) for i in rows)
            ids = torch.zeros((len(rows), length), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for r, i in enumerate(rows):
                ids[r, : len(seqs[i])] = torch.tensor(seqs[i])
                mask[r, : len(seqs[i])] = 1
            labels = ids.clone()
            real = mask.bool() & (ids >= n_special)
            chosen = (torch.rand(ids.shape) < 0.15) & real
            labels[~chosen] = -100
            roll = torch.rand(ids.shape)
            ids[chosen & (roll < 0.8)] = tok.mask_token_id
            rand = chosen & (roll >= 0.8) & (roll < 0.9)
            ids[rand] = torch.randint(n_special, len(tok), (int(rand.sum()),))
            # the vocabulary projection only at the masked positions (the full one costs most of the step)
            hidden = model.bert(input_ids=ids, attention_mask=mask).last_hidden_state
            picked = labels != -100
            loss = torch.nn.functional.cross_entropy(model.cls(hidden[picked]), labels[picked])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step % 100 == 0:
                log.append({"step": step, "loss": round(loss.item(), 4), "seconds": round(time.time() - t0, 1)})
                print(f"mlm step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
            if step >= steps or time.time() - t0 > max_seconds:
                break
    model.eval()
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return {"steps": step, "seconds": round(time.time() - t0, 1), "log": log,
            "final_loss": log[-1]["loss"] if log else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="../shared/data")
    ap.add_argument("--out", default="/tmp/small-zh-bert")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--min-char-count", type=int, default=2)
    ap.add_argument("--mlm-steps", type=int, default=1500, help="0: no pre-training")
    ap.add_argument("--mlm-batch-size", type=int, default=64)
    ap.add_argument("--mlm-lr", type=float, default=1e-3)
    ap.add_argument("--mlm-minutes", type=float, default=5.0)
    ap.add_argument("--ft-steps", type=int, default=2500)
    ap.add_argument("--ft-batch-size", type=int, default=32)
    ap.add_argument("--ft-lr", type=float, default=3e-4)
    ap.add_argument("--ft-minutes", type=float, default=9.0)
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    args = ap.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    out = Path(args.out)
    df, _dev = load_data(args.data_dir)
    train, test = split(df, args.seed)
    t0 = time.time()
    docs = prepare(train["text"].astype(str).tolist())
    vocab = build_vocab(docs, args.min_char_count)
    print(f"{len(train)} training rows ({len(test)} held out, unused here); vocab {len(vocab)}; "
          f"prepare {time.time() - t0:.0f}s", flush=True)
    tok, model = make_base(out / "base", vocab, args.layers, args.hidden, args.heads, args.max_length, args.seed)
    n_params = sum(p.numel() for p in model.bert.parameters())
    print(f"encoder parameters: {n_params:,}", flush=True)
    mlm: dict[str, Any] = {"steps": 0}
    base = out / "base"
    if args.mlm_steps > 0:
        mlm = pretrain_mlm(model, tok, docs, out / "mlm", args.mlm_steps, args.mlm_batch_size, args.mlm_lr,
                           args.max_length, 60 * args.mlm_minutes, args.seed)
        base = out / "mlm"
    from feedback_nlp.backends.transformer import train_transformer_classifier

    steps_per_epoch = math.ceil(0.95 * len(train) / args.ft_batch_size)
    clf = train_transformer_classifier(
        train["text"].astype(str).tolist(), train["label"].tolist(), base=base,
        model_params={"max_length": args.max_length},
        epochs=max(1.0, args.ft_steps / steps_per_epoch), max_steps=args.ft_steps, batch_size=args.ft_batch_size,
        lr=args.ft_lr, seed=args.seed, val_fraction=0.05, early_stopping_patience=3,
        eval_steps=max(100, args.ft_steps // 8), max_seconds=60 * args.ft_minutes, progress=False,
    )
    sent: Any = clf.sentiment
    command = "python scripts/train_small_transformer.py " + " ".join(sys.argv[1:])
    info = {"vocab_size": len(vocab), "encoder_parameters": n_params, "layers": args.layers, "hidden": args.hidden,
            "heads": args.heads, "max_length": args.max_length, "mlm": mlm,
            "fine_tune": {k: v for k, v in sent.metrics_.items()}, "train_rows": len(train),
            "command": command, "date": date.today().isoformat(), "python": platform.python_version(),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    clf.meta = {**clf.meta, "name": "small-zh-bert", "version": fn.__version__,
                "description": "A small Chinese BERT trained from scratch (character vocabulary, masked-LM "
                               "pre-training, then fine-tuning) on the 80% split of reviews_sentiment_train.csv.",
                "training": {**sent.training_, **{k: v for k, v in info.items() if k not in ("mlm", "fine_tune")},
                             "mlm_steps": mlm.get("steps"), "mlm_seconds": mlm.get("seconds")},
                "limitations": "Trained from scratch on ~49k reviews in minutes on 2 CPU cores: a smoke-scale model."}
    clf.save(out / "model")
    (out / "train_metrics.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in info["fine_tune"].items() if k != "history"}, indent=2))
    print(f"saved {out / 'model'}")


if __name__ == "__main__":
    main()
