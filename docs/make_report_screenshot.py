"""Regenerate docs/report_screenshot.png (Chinese) and docs/report_screenshot_en.png (English): the analyst's day on
about 2,000 bank tickets, rendered in headless Chromium.

    python docs/make_report_screenshot.py            # needs chromium (apt-get install chromium) and a CJK font
    python docs/make_report_screenshot.py --html DIR # also keep the two HTML files in DIR

The demo data are hand-written bank and payment tickets (tests/bank_tickets.py: greetings and closing formulas
around the complaint, 刷脸支付 growing each quarter, a few texts in traditional characters) plus an app-crash spike
on 2024-06-18, so the alerts section has something to show. They go through ``fn.classify_frame`` first, as an
analyst would; the report then uses those columns as they are.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import feedback_nlp as fn  # noqa: E402
from feedback_nlp.insights.report import report  # noqa: E402
from tests.bank_tickets import make_bank_tickets  # noqa: E402


def demo_frame() -> pd.DataFrame:
    df = make_bank_tickets(2000, seed=11, start="2024-01-01", quarters=2)[["created_at", "text", "channel"]]
    rng = np.random.default_rng(5)
    spike = pd.DataFrame({
        "created_at": pd.Timestamp("2024-06-18 09:00") + pd.to_timedelta(rng.integers(0, 600, 60), unit="min"),
        "text": rng.choice(["手机银行更新以后经常闪退", "手机银行打开很慢还闪退", "转账失败还扣了手续费",
                            "登录总是提示网络错误"], 60),
        "channel": "APP",
    })
    frame = pd.concat([df, spike], ignore_index=True).sort_values("created_at", kind="mergesort")
    return fn.classify_frame(frame.reset_index(drop=True))


def shoot(chromium: str, html_path: Path, png: Path, profile: str) -> None:
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                    "--hide-scrollbars", f"--screenshot={png}", "--window-size=1280,2950", html_path.as_uri()],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {png} ({png.stat().st_size / 1e3:.0f} kB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", help="folder to keep the HTML reports in")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    df = demo_frame()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.html) if args.html else Path(tmp)
        for lang, png, title in (("zh", "report_screenshot.png", "客户反馈分析报告（示例数据）"),
                                 ("en", "report_screenshot_en.png", "Customer feedback report (demo data)")):
            html_path = report(df, out / f"report_{lang}.html", time_col="created_at", tag_cols=["channel"],
                               lang=lang, title=title)
            shoot(chromium, html_path, ROOT / "docs" / png, f"{tmp}/profile")


if __name__ == "__main__":
    main()
