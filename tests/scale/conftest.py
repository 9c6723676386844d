"""Fixtures for tests/scale: one local[2] SparkSession for the whole test session (JVM start-up is slow)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A ``local[2]`` SparkSession (UI off, 4 shuffle partitions, loopback only) whose Python workers run this
    interpreter and import this checkout's feedback_nlp. Skips without pyspark or Java."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17+ (java not on PATH, JAVA_HOME unset)")
    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # pyspark reads the workers' interpreter from the environment
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("feedback_nlp-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "4")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.executorEnv.PYTHONPATH", str(ROOT))
               # pyspark 4 warns "does not yet fully support pandas >= 3" on every conversion in every worker
               .config("spark.executorEnv.PYTHONWARNINGS", "ignore::FutureWarning")
               .getOrCreate())
    session.sparkContext.setLogLevel("OFF")
    yield session
    session.stop()
    if saved is None:
        os.environ.pop("PYSPARK_PYTHON", None)
    else:
        os.environ["PYSPARK_PYTHON"] = saved
