"""RFM: scores, ties, small groups, the segment grid as data, tiers, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from feedback_nlp.insights.customers import DEFAULT_SEGMENTS, RFM_COLUMNS, SEGMENT_TIERS, rfm, rfm_codes


def _tx(n_customers: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_customers):
        for _ in range(int(rng.integers(1, 6))):
            rows.append({"cid": f"c{c}", "t": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 150))),
                         "amt": float(rng.integers(10, 5000))})
    return pd.DataFrame(rows)


def test_columns_and_one_row_per_customer() -> None:
    tx = _tx(30)
    r = rfm(tx, "cid", "t", "amt", now="2024-06-01")
    assert list(r.columns) == ["cid", *RFM_COLUMNS]
    assert sorted(r["cid"]) == sorted(tx["cid"].unique())
    g = tx.groupby("cid")
    for _, row in r.iterrows():
        assert row["frequency"] == len(g.get_group(row["cid"]))
        assert row["monetary"] == pytest.approx(g.get_group(row["cid"])["amt"].sum())
        last = g.get_group(row["cid"])["t"].max()
        assert row["recency_days"] == pytest.approx((pd.Timestamp("2024-06-01") - last).days)
    for c in ("r_score", "f_score", "m_score"):
        assert r[c].between(1, 5).all()


def test_scores_without_ties_are_equal_count_bins_and_direction() -> None:
    tx = pd.DataFrame({"c": range(10), "t": pd.date_range("2024-01-01", periods=10, freq="D"),
                       "amt": np.arange(1.0, 11.0)})
    r = rfm(tx, "c", "t", "amt", now="2024-02-01").set_index("c")
    assert r["m_score"].value_counts().to_dict() == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2}
    assert r.loc[9, "m_score"] == 5 and r.loc[0, "m_score"] == 1  # more money, higher score
    assert r.loc[9, "r_score"] == 5 and r.loc[0, "r_score"] == 1  # more recent, higher score


def test_ties_share_a_score() -> None:
    # 7 of 10 customers bought once: they must share one f_score, whatever the row order
    tx = pd.DataFrame({"c": [*list(range(10)), 7, 8, 9, 9], "t": ["2024-03-01"] * 14, "amt": [100.0] * 14})
    r = rfm(tx, "c", "t", "amt", now="2024-04-01").set_index("c")
    assert r.loc[list(range(7)), "f_score"].nunique() == 1
    assert r["r_score"].nunique() == 1  # everybody tied on recency
    assert r.loc[9, "f_score"] >= r.loc[7, "f_score"] > r.loc[0, "f_score"]
    shuffled = rfm(tx.sample(frac=1.0, random_state=3), "c", "t", "amt", now="2024-04-01").set_index("c")
    pd.testing.assert_frame_equal(r.sort_index(), shuffled.sort_index())


def test_small_groups() -> None:
    one = rfm(pd.DataFrame({"c": ["a"], "t": ["2024-01-01"], "amt": [5.0]}), "c", "t", "amt")
    assert one[["r_score", "f_score", "m_score"]].iloc[0].tolist() == [3, 3, 3]  # the middle score
    assert one["segment"].iloc[0] == "一般挽留客户"
    two = rfm(pd.DataFrame({"c": ["a", "b"], "t": ["2024-01-01", "2024-02-01"], "amt": [5.0, 50.0]}),
              "c", "t", "amt").set_index("c")
    assert two["m_score"].to_dict() == {"a": 2, "b": 4}


def test_segment_grid_and_english_names() -> None:
    tx = pd.DataFrame({"c": ["张", "张", "李", "李", "王", "赵"],
                       "t": ["2024-05-30", "2024-05-02", "2024-01-05", "2024-01-20", "2024-05-28", "2024-02-01"],
                       "amt": [1800.0, 2600.0, 3000.0, 900.0, 35.0, 80.0]})
    zh = rfm(tx, "c", "t", "amt", now="2024-06-01", bins=2).set_index("c")
    assert zh["rfm_code"].to_dict() == {"张": "HHH", "李": "LHH", "王": "HLL", "赵": "LLL"}
    assert zh.loc["张", "segment"] == "重要价值客户" and zh.loc["李", "segment"] == "重要保持客户"
    en = rfm(tx, "c", "t", "amt", now="2024-06-01", bins=2, lang="en").set_index("c")
    assert en.loc["张", "segment"] == "important value customer"
    assert en.loc["张", "tier"] == "vip" and en.loc["王", "tier"] is None
    assert {n[1] for n in DEFAULT_SEGMENTS.values()} == {
        "重要价值客户", "重要保持客户", "重要发展客户", "重要挽留客户", "一般价值客户", "一般保持客户", "一般发展客户",
        "一般挽留客户"}
    assert sorted(DEFAULT_SEGMENTS) == sorted(rfm_codes())


def test_custom_segments_and_tiers() -> None:
    mine = {code: ("私行客户" if code == "HHH" else f"普通{code}") for code in rfm_codes()}
    tx = _tx(40)
    r = rfm(tx, "cid", "t", "amt", segments=mine, tiers={"私行客户": "svip"})
    assert set(r["segment"]) <= set(mine.values())
    assert (r.loc[r["segment"] == "私行客户", "tier"] == "svip").all()
    assert r.loc[r["segment"] != "私行客户", "tier"].isna().all()
    with pytest.raises(ValueError, match="missing"):
        rfm(tx, "cid", "t", "amt", segments={"HHH": "x"})
    with pytest.raises(ValueError, match="'default'"):
        rfm(tx, "cid", "t", "amt", segments="bank")


def test_segment_tiers_cover_the_important_segments() -> None:
    for code, names in DEFAULT_SEGMENTS.items():
        for name in names:
            assert SEGMENT_TIERS.get(name) == ("vip" if code.endswith("H") else None)


def test_input_not_modified() -> None:
    tx = _tx(10)
    before = tx.copy()
    rfm(tx, "cid", "t", "amt")
    pd.testing.assert_frame_equal(tx, before)


@pytest.mark.parametrize(("change", "exc", "match"), [
    (lambda d: d.drop(columns="amt"), KeyError, "amt"),
    (lambda d: d.assign(amt=-d["amt"]), ValueError, "negative amounts"),
    (lambda d: d.assign(amt=d["amt"].astype(str)), TypeError, "numeric"),
    (lambda d: d.assign(amt=np.where(d.index == 2, np.nan, d["amt"])), ValueError, "no amount"),
    (lambda d: d.assign(cid=np.where(d.index == 1, None, d["cid"])), ValueError, "no customer"),
    (lambda d: d.assign(t=d["t"].astype(str).where(d.index != 0, "not a date")), ValueError, "not dates"),
    (lambda d: d.assign(t=d["t"].where(d.index != 0, pd.NaT)), ValueError, "no time"),
    (lambda d: d.assign(t=d["t"].where(d.index != 0, pd.Timestamp("2999-01-01"))), ValueError, "future"),
    (lambda d: d.iloc[:0], ValueError, "empty"),
])
def test_bad_input(change, exc, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(exc, match=match):
        rfm(change(_tx(8)), "cid", "t", "amt")


def test_after_now_and_other_bad_arguments() -> None:
    tx = _tx(8)
    with pytest.raises(ValueError, match="after now"):
        rfm(tx, "cid", "t", "amt", now="2024-02-01")
    with pytest.raises(ValueError, match="tz"):
        rfm(tx, "cid", "t", "amt", now=pd.Timestamp("2024-09-01", tz="Asia/Shanghai"))
    with pytest.raises(ValueError, match="bins"):
        rfm(tx, "cid", "t", "amt", bins=1)
    with pytest.raises(ValueError, match="lang"):
        rfm(tx, "cid", "t", "amt", lang="fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="DataFrame"):
        rfm(tx.to_dict(), "cid", "t", "amt")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="different"):
        rfm(tx, "cid", "t", "t")


def test_tz_aware_times() -> None:
    tx = _tx(8)
    tx["t"] = tx["t"].dt.tz_localize("Asia/Shanghai")
    r = rfm(tx, "cid", "t", "amt", now=pd.Timestamp("2024-07-01", tz="Asia/Shanghai"))
    assert (r["recency_days"] >= 0).all()


def test_mixed_type_customer_ids() -> None:
    tx = pd.DataFrame({"c": [1, "1", 2.5], "t": ["2024-01-01", "2024-01-02", "2024-01-03"], "amt": [1.0, 2.0, 3.0]})
    assert len(rfm(tx, "c", "t", "amt")) == 3


def test_high_value_complaint_moves_up_one_priority_tier() -> None:
    import feedback_nlp as fn

    tx = pd.DataFrame({"cid": ["张", "张", "张", "王"], "t": ["2024-05-30", "2024-05-02", "2024-04-11", "2024-01-05"],
                       "amt": [1800.0, 2600.0, 900.0, 60.0]})
    value = fn.rfm(tx, "cid", "t", "amt", now="2024-06-01", bins=2)
    tickets = pd.DataFrame({"cid": ["张", "王"], "text": ["排队等了一个多小时，服务太差了"] * 2})
    tickets = tickets.merge(value[["cid", "segment", "tier"]], on="cid", how="left")
    assert tickets["segment"].tolist() == ["重要价值客户", "一般挽留客户"]
    plain = fn.classify_frame(tickets)
    assert plain["kind"].tolist() == ["complaint", "complaint"]
    assert plain["priority"].tolist() == ["normal", "normal"]
    by_segment = fn.classify_frame(tickets, tier_col="segment")
    assert by_segment["priority"].tolist() == ["high", "normal"]  # one step up, for the high-value customer only
    assert by_segment["respond_within"].iloc[0] < plain["respond_within"].iloc[0]
    assert fn.classify_frame(tickets, tier_col="tier")["priority"].tolist() == ["high", "normal"]
    for name in ("important_value", "Important Value Customer", "重要挽留客户"):
        assert fn.raise_for_tier("normal", name).value == "high"
    assert fn.raise_for_tier("normal", "一般价值客户").value == "normal"
    assert fn.raise_for_tier("urgent", "重要价值客户").value == "urgent"  # never lowered, capped at high


def test_segment_names_are_in_the_default_tier_raises() -> None:
    from feedback_nlp.classify.intent import DEFAULT_RULES

    for name, tier in SEGMENT_TIERS.items():
        assert DEFAULT_RULES.tier_raises[name.lower()] == DEFAULT_RULES.tier_raises[tier] == 1
    general = [n for code, names in DEFAULT_SEGMENTS.items() if not code.endswith("H") for n in names]
    assert not any(n.lower() in DEFAULT_RULES.tier_raises for n in general)


def test_report_section_customer_tiers(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from feedback_nlp.insights.report import report

    df = pd.DataFrame({"text": ["转账失败钱被扣了", "服务很好", "排队太久了", "很满意"] * 5,
                       "segment": ["重要价值客户", "重要价值客户", "一般挽留客户", None] * 5})
    page = report(df, tmp_path / "r.html", segment_col="segment").read_text(encoding="utf-8")
    start = page.index('<section id="customers">')
    part = page[start:page.index("</section>", start)]
    assert "重要价值客户" in part and "一般挽留客户" in part and "未知" in part and "<img" in part
    without = report(df, tmp_path / "r2.html", sections=["customers"]).read_text(encoding="utf-8")
    assert "segment_col=" in without
    with pytest.raises(KeyError, match="nope"):
        report(df, tmp_path / "r3.html", segment_col="nope")
