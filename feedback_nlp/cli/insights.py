"""Command-line subcommands ``feedback-nlp mine``, ``forecast`` and ``report`` (wired in by :mod:`feedback_nlp.cli`).

    feedback-nlp mine --input tickets.jsonl --tag-cols topics sentiment_label channel --min-support 0.01
    feedback-nlp mine --input tags.csv --id-col ticket --tag-col tag --output rules.csv --chains chains.csv
    feedback-nlp forecast --input volume.csv --time-col date --value-col count --horizon 28 --output fc.csv
    feedback-nlp forecast --input tickets.csv --time-col created_at --by topic --horizon 14   # counts rows first
    feedback-nlp forecast --input volume.csv --time-col date --value-col count --horizon 28 --backtest 4
    feedback-nlp forecast -i counts.csv --id-col branch --time-col day --value-col n --horizon 28 --holidays CN
    feedback-nlp report -i tickets.csv --time-col created_at -o report.html --tag-cols channel   # 中文 by default
    feedback-nlp report -i classified.jsonl -o report.html --lang en --sections overview topics issues
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..insights.forecast import MODELS

__all__ = ["add_forecast_parser", "add_mine_parser", "add_report_parser"]


_TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")


def _read(path: str, encoding: str) -> Any:
    from .._files import read_table

    return read_table(path, encoding=encoding, infer_types=True)  # counts and 0/1 columns as numbers


def _write(df: Any, path: str) -> None:
    from ._common import write_table

    write_table(df, Path(path))


def _flat_rules(rules: Any) -> Any:
    """Frozensets → ``"a;b"`` strings so rules survive CSV."""
    out = rules.copy()
    for col in [c for c in ("antecedents", "consequents") if c in out.columns]:
        out[col] = [";".join(sorted(str(i) for i in s)) for s in out[col]]
    if "steps" in out.columns:
        out["steps"] = [" ⇒ ".join(";".join(str(i) for i in s) for s in steps) for steps in out["steps"]]
    return out


def _cmd_mine(args: argparse.Namespace) -> int:
    from ..insights.cooccurrence import mine_cooccurrence, rule_chains, transactions_from_frame
    from ._common import check_outputs

    if args.chains is not None and Path(args.chains).suffix.lower() not in _TABLE_SUFFIXES:
        raise ValueError(f"--chains takes the file to write the chains to ({' '.join(_TABLE_SUFFIXES)}), e.g. "
                         f"--chains chains.csv; got {args.chains!r}. The most rules in one chain is --chain-rules N "
                         "(default 3)")
    if args.chain_rules < 2:
        raise ValueError(f"--chain-rules must be at least 2 (a chain links two rules or more); got {args.chain_rules}")
    check_outputs(args.output, args.chains)  # before any work
    df = _read(args.input, args.encoding)
    transactions: Any
    if args.tag_cols:
        prefix = args.prefix if args.prefix is not None else len(args.tag_cols) > 1
        transactions = transactions_from_frame(df, args.tag_cols, prefix=prefix, sep=args.sep)
        n = len(transactions)
    elif args.tag_col:
        if args.id_col not in df.columns or args.tag_col not in df.columns:
            raise KeyError(f"--id-col {args.id_col!r} / --tag-col {args.tag_col!r} not in {list(df.columns)}")
        transactions = df
        n = int(df[args.id_col].nunique())
    else:
        transactions = df.drop(columns=[args.id_col]) if args.id_col in df.columns else df
        n = len(df)
    rules = mine_cooccurrence(
        transactions, min_support=args.min_support, min_confidence=args.min_confidence, min_lift=args.min_lift,
        max_len=args.max_len, algorithm=args.algorithm, id_col=args.id_col, tag_col=args.tag_col or "tag",
        lang=args.lang,
        max_items=args.max_items, max_rules=args.max_rules,
    )
    print(f"{n} transactions, {len(rules)} rules", file=sys.stderr)
    if args.output:
        _write(_flat_rules(rules), args.output)
        print(f"wrote {len(rules)} rules to {args.output}", file=sys.stderr)
    else:
        cols = ["rule", "support", "confidence", "lift", "count"]
        print(rules[cols].head(args.top).to_string(index=False) if len(rules) else "no rules: lower --min-support "
              "or --min-confidence")
    if args.chains:
        chains = rule_chains(rules, max_rules=args.chain_rules, lang=args.lang)
        _write(_flat_rules(chains), args.chains)
        print(f"wrote {len(chains)} chains to {args.chains}", file=sys.stderr)
    return 0


def add_mine_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``mine`` (co-occurrence rules from a file of tagged tickets) to an argparse subparsers object."""
    m = subparsers.add_parser(
        "mine", help="association rules between tags that occur together (FP-growth / Apriori)",
        description="Tickets as: a tag-list column per row (--tag-cols, e.g. classify output topics), a long file "
                    "(--id-col + --tag-col, one row per ticket and tag), or a one-hot file (0/1 columns).")
    m.add_argument("--input", "-i", required=True, help="file (.csv .tsv .jsonl .json .parquet)")
    m.add_argument("--output", "-o", help="rules file (.csv .tsv .jsonl .parquet); a table on stdout if absent")
    m.add_argument("--tag-cols", nargs="+", help="columns holding tags of each row (lists or --sep separated)")
    m.add_argument("--sep", default=";", help="separator inside string tag cells (default ;)")
    m.add_argument("--prefix", action=argparse.BooleanOptionalAction, default=None,
                   help="name tags column=value (default: on when several --tag-cols)")
    m.add_argument("--id-col", default="id", help="ticket id column of a long file (default id)")
    m.add_argument("--tag-col", help="tag column of a long file (one row per ticket and tag)")
    m.add_argument("--min-support", type=float, default=0.01, help="share of tickets, in (0, 1] (default 0.01)")
    m.add_argument("--min-confidence", type=float, default=0.3)
    m.add_argument("--min-lift", type=float)
    m.add_argument("--max-len", type=int, default=3, help="most tags in one rule (default 3)")
    m.add_argument("--max-items", type=int, help="mine only the N most frequent tags (a remedy for runs over the "
                                                "rule budget)")
    m.add_argument("--max-rules", type=int, default=200_000,
                   help="refuse runs that could produce more rules than this (memory budget, default 200000)")
    m.add_argument("--algorithm", choices=["fpgrowth", "apriori"], default="fpgrowth")
    m.add_argument("--top", type=int, default=20, help="rules shown on stdout (default 20)")
    m.add_argument("--chains", metavar="FILE", help="also write root-cause chains (A ⇒ B ⇒ C) to this file "
                   "(.csv .tsv .jsonl .parquet), e.g. --chains chains.csv")
    m.add_argument("--chain-rules", type=int, default=3, metavar="N", help="most rules linked in one chain (default 3)")
    m.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="label names in the rule text: zh (效率, 负面; default) or en (efficiency, negative)")
    m.add_argument("--encoding", default="utf-8")
    m.set_defaults(func=_cmd_mine)
    parser: argparse.ArgumentParser = m
    return parser


def _events_arg(value: str | None, encoding: str) -> Any:
    """``--events``: a table file (date[, name, lower_window, upper_window]) or comma-separated dates."""
    if not value:
        return None
    if Path(value).exists():
        return _read(value, encoding)
    return [d.strip() for d in value.split(",") if d.strip()]


def _cmd_forecast(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..insights.forecast import backtest_volume, count_volume, forecast_volume, forecast_volumes
    from ._common import check_outputs

    check_outputs(args.output)  # before any work
    df = _read(args.input, args.encoding)
    if args.time_col not in df.columns:
        raise KeyError(f"--time-col {args.time_col!r} not in {list(df.columns)}")
    group: str | None = args.id_col or args.by
    if group and group not in df.columns:
        raise KeyError(f"--{'id-col' if args.id_col else 'by'} {group!r} not in {list(df.columns)}")
    freq = args.freq
    if args.value_col:
        if args.value_col not in df.columns:
            raise KeyError(f"--value-col {args.value_col!r} not in {list(df.columns)}")
        df[args.time_col] = pd.to_datetime(df[args.time_col])
        if group:
            data: Any = df.pivot_table(index=args.time_col, columns=group, values=args.value_col, aggfunc="sum")
        else:
            data = df.set_index(args.time_col)[args.value_col]
    else:  # one row per ticket: count them first
        data = count_volume(df, args.time_col, freq=freq or "D", by=group)
        freq = freq or "D"
    season = None
    if args.season_length:
        season = args.season_length[0] if len(args.season_length) == 1 else tuple(args.season_length)
    kwargs: dict[str, Any] = {"freq": freq, "season_length": season, "level": args.level, "model": args.model,
                              "holidays": args.holidays, "events": _events_arg(args.events, args.encoding),
                              "nan": args.nan}
    if args.backtest:
        series = {"": data} if isinstance(data, pd.Series) else {str(c): data[c] for c in data.columns}
        kwargs.pop("freq")
        frames = []
        for key, s in series.items():
            bt = backtest_volume(s, args.horizon, folds=args.backtest, freq=freq, **kwargs)
            if key:
                bt.insert(0, group, key)
            frames.append(bt)
        out = pd.concat(frames, ignore_index=True)
        summary = out[["mae", "snaive_mae", "relative_mae", "mase", "coverage", "seconds"]].mean()
        print(summary.round(3).to_string(), file=sys.stderr)
    elif isinstance(data, pd.Series):
        fc = forecast_volume(data, args.horizon, **kwargs)
        out = fc.to_frame()
        print(fc.model, file=sys.stderr)
    else:  # several series: one long table (group, time, mean, lo-95, hi-95, model)
        out = forecast_volumes(data, args.horizon, n_jobs=args.n_jobs, **kwargs)
        out = out.rename(columns={"unique_id": group, "ds": args.time_col})
        for series_id, model in out.groupby(str(group), sort=False)["model"].first().items():
            print(f"{series_id}: {model}", file=sys.stderr)
    if args.output:
        _write(out, args.output)
        print(f"wrote {len(out)} rows to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.to_csv(index=False))
    return 0


def add_forecast_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``forecast`` (complaint-volume forecast or backtest from a CSV) to an argparse subparsers object."""
    f = subparsers.add_parser(
        "forecast", help="forecast complaint volume (counts per day/week) with a prediction interval",
        description="Input: a count series (--time-col + --value-col, optionally --by for several series), or one "
                    "row per ticket (--time-col only: rows are counted per --freq first).")
    f.add_argument("--input", "-i", required=True, help="file (.csv .tsv .jsonl .json .parquet)")
    f.add_argument("--output", "-o", help="output file; CSV on stdout if absent")
    f.add_argument("--time-col", default="date")
    f.add_argument("--value-col", help="count column; absent: each row is one ticket")
    f.add_argument("--by", help="column naming the series (topic, channel...): one forecast per value")
    f.add_argument("--id-col", help="same as --by, for a long table of counts (id, time, value columns)")
    f.add_argument("--n-jobs", type=int, help="series forecast in parallel (joblib; -1 all cores; default 1)")
    f.add_argument("--horizon", type=int, required=True, help="periods ahead (e.g. 28 days)")
    f.add_argument("--freq", help="pandas frequency (D, W, MS); inferred from the dates if absent")
    f.add_argument("--season-length", type=float, nargs="+", help="seasonal periods in steps (default: 7 365.25 "
                   "for daily)")
    f.add_argument("--level", type=float, default=95, help="prediction interval in percent (default 95)")
    f.add_argument("--model", choices=list(MODELS), default="auto",
                   help="auto (default): per series, the best three candidates of a backtest in its history")
    f.add_argument("--holidays", help="country or subdivision code: CN (with 调休 make-up working days), HK, TW, "
                   "SG, US-PA, GB... (needs feedback_nlp[holidays])")
    f.add_argument("--events", help="your own dates: a file with a date column (and name, lower_window, "
                   "upper_window), or comma-separated dates such as 2024-11-11,2025-11-11")
    f.add_argument("--nan", choices=["raise", "zero", "interpolate"], default="raise",
                   help="what to do with empty counts (missing dates are always 0)")
    f.add_argument("--backtest", type=int, metavar="FOLDS",
                   help="instead of forecasting, backtest over FOLDS rolling origins and write per-fold metrics")
    f.add_argument("--encoding", default="utf-8")
    f.set_defaults(func=_cmd_forecast)
    parser: argparse.ArgumentParser = f
    return parser


#: Classification columns a CSV holds as JSON text (written so by ``feedback-nlp classify``), and numeric ones.
_JSON_COLUMNS = ("topics", "topic_polarities")
_NUMBER_COLUMNS = ("sentiment_score",)


def _decoded(df: Any) -> Any:
    """A table read back from a file with its classification columns as ``report()`` takes them: JSON cells of
    ``topics`` / ``topic_polarities`` parsed, ``sentiment_score`` as numbers (a CSV holds them as text). A cell that
    is not valid JSON is a clear error, never silently dropped."""
    import json

    import pandas as pd

    out = df.copy()
    for col in [c for c in _JSON_COLUMNS if c in out.columns]:
        empty = list if col == "topics" else dict  # what a blank or missing cell holds
        cells = []
        for i, v in enumerate(out[col].tolist()):
            if isinstance(v, str) and v.strip():
                try:
                    v = json.loads(v)
                except json.JSONDecodeError as e:
                    raise ValueError(f"row {i}: column {col!r} holds {v[:40]!r}, not JSON as written by "
                                     "`feedback-nlp classify`; drop the column to have it computed") from e
            elif isinstance(v, str) or v is None or (isinstance(v, float) and v != v):
                v = empty()
            cells.append(v)
        out[col] = pd.Series(cells, index=out.index, dtype=object)
    for col in [c for c in _NUMBER_COLUMNS if c in out.columns]:
        try:
            out[col] = pd.to_numeric(out[col])
        except (TypeError, ValueError) as e:
            raise ValueError(f"column {col!r} must hold numbers (as written by `feedback-nlp classify`): {e}") from e
    return out


def _cmd_report(args: argparse.Namespace) -> int:
    from .._files import check_output_path, read_table
    from ..insights.report import report

    if Path(args.output).suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"--output is the HTML page to write, e.g. -o report.html; got {args.output!r}")
    check_output_path(args.output, ())  # directory, permissions: before any work (the suffix is checked above)
    columns = [c for c in (args.text_col, args.time_col, args.segment_col, *(args.tag_cols or ())) if c]
    df = _decoded(read_table(args.input, columns, encoding=args.encoding))
    out = report(
        df, args.output, text_col=args.text_col, time_col=args.time_col,
        model=None if args.model == "default" else args.model, lang=args.lang, sections=args.sections,
        title=args.title, freq=args.freq, horizon=args.horizon, top_n=args.top_n, tag_cols=tuple(args.tag_cols or ()),
        min_support=args.min_support, min_confidence=args.min_confidence, batch_size=args.batch_size,
        segment_col=args.segment_col,
    )
    print(f"wrote the report of {len(df)} rows to {out}", file=sys.stderr)
    return 0


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``report`` (a self-contained HTML report of a file of feedback) to an argparse subparsers object."""
    from ..insights.report import SECTIONS

    r = subparsers.add_parser(
        "report", help="write a self-contained HTML report (sentiment, topics, issues, rules, forecast, alerts)",
        description="One row per feedback text. Classification columns already in the file (e.g. the output of "
                    "`feedback-nlp classify`) are used as they are; the missing ones are computed with --model.")
    r.add_argument("--input", "-i", required=True, help="file (.csv .tsv .jsonl .json .parquet)")
    r.add_argument("--output", "-o", required=True, help="the HTML page to write (e.g. report.html)")
    r.add_argument("--text-col", default="text")
    r.add_argument("--time-col", help="date/time column: enables the trend, forecast and alert sections")
    r.add_argument("--model", "-m", default="default", help="shipped model name or model directory")
    r.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the page (default zh)")
    r.add_argument("--sections", nargs="+", choices=list(SECTIONS), help="only these sections (default: all that "
                   "the given columns allow)")
    r.add_argument("--title", help="page title")
    r.add_argument("--freq", help="trend period: D, W or MS (default: from the time span)")
    r.add_argument("--horizon", type=int, default=14, help="forecast days (default 14)")
    r.add_argument("--top-n", type=int, default=3, help="top issues per topic (default 3)")
    r.add_argument("--tag-cols", nargs="+", help="your tag columns (channel, product...) for the co-occurrence rules")
    r.add_argument("--min-support", type=float, default=0.02)
    r.add_argument("--min-confidence", type=float, default=0.3)
    r.add_argument("--segment-col", help="customer segment column (e.g. the segment of fn.rfm) for the customers "
                                         "section")
    r.add_argument("--batch-size", type=int, default=1024)
    r.add_argument("--encoding", default="utf-8", help="input file encoding (e.g. gb18030)")
    r.set_defaults(func=_cmd_report)
    parser: argparse.ArgumentParser = r
    return parser
