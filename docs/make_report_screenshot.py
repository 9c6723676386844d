"""Regenerate docs/report_screenshot.png: build a demo report and render it in headless Chromium.

    python docs/make_report_screenshot.py            # needs chromium (apt-get install chromium) and a CJK font

The demo data are synthetic bank-app feedback (tests/test_analytics.py::make_feedback) with an app-crash spike on
2024-06-18, so the alerts section has something to show. Runs in about 15 s on 2 cores.
"""

from __future__ import annotations

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

from feedback_nlp.insights.report import report  # noqa: E402
from tests.test_analytics import make_feedback  # noqa: E402


def demo_frame() -> pd.DataFrame:
    df = make_feedback(2000, seed=11)[["created_at", "text", "channel"]]
    rng = np.random.default_rng(5)
    spike = pd.DataFrame({
        "created_at": pd.Timestamp("2024-06-18 09:00") + pd.to_timedelta(rng.integers(0, 600, 60), unit="min"),
        "text": rng.choice(["APP更新以后经常闪退", "APP打开很慢还闪退", "转账失败还扣了手续费", "登录总是提示网络错误"],
                           60),
        "channel": "APP",
    })
    return pd.concat([df, spike], ignore_index=True).sort_values("created_at", kind="mergesort")


def main() -> None:
    out_png = ROOT / "docs" / "report_screenshot.png"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        html_path = report(demo_frame(), Path(tmp) / "report.html", time_col="created_at", tag_cols=["channel"],
                              title="客户反馈分析报告（示例数据）")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp}/profile",
                        "--hide-scrollbars", f"--screenshot={out_png}", "--window-size=1280,3000",
                        html_path.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"wrote {out_png} ({out_png.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
