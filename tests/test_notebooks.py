"""Execute every example notebook (notebooks/*.ipynb) with nbclient so that they never rot.

Slow (about 10-30 s per notebook): run with ``pytest -m slow tests/test_notebooks.py``. Needs ``nbclient``,
``nbformat`` and ``ipykernel`` (the ``[test]`` extra) plus matplotlib, jieba and a CJK font for the charts.

Re-execute the notebooks in place (outputs written back into the .ipynb files)::

    python tests/test_notebooks.py            # all notebooks
    python tests/test_notebooks.py 03         # the ones whose name contains "03"
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIMEOUT_S = 300  # per cell; the whole notebook must also finish within this


def _missing() -> str | None:
    for mod in ("nbformat", "nbclient", "ipykernel", "matplotlib"):
        try:
            __import__(mod)
        except ImportError:
            return f"{mod} is not installed (pip install nbformat nbclient ipykernel matplotlib, or the [test] extra)"
    return None


def execute(path: Path, write: bool = False) -> float:
    """Run all cells of ``path`` in a fresh kernel started in notebooks/; raise on the first cell error."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # the kernel inherits the environment: make the checkout importable even without `pip install -e .`
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env_path) if p)
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
        if not env_path:
            del os.environ["PYTHONPATH"]
    elapsed = time.perf_counter() - start
    if write:
        nbformat.write(nb, path)
    return elapsed


@pytest.mark.slow
def test_notebooks_exist() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01_quickstart", "02_root_causes", "03_forecasting", "04_retraining",
                     "05_customers_and_spread"], names


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from nbclient.exceptions import CellExecutionError

    try:
        elapsed = execute(path)
    except CellExecutionError as e:  # the message holds the cell source and the traceback
        pytest.fail(f"{path.name}: a cell raised\n{e}", pytrace=False)
    print(f"{path.name}: {elapsed:.0f} s")  # each cell is bounded by the client's timeout (TIMEOUT_S), not asserted


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs(path: Path) -> None:
    """The committed notebook holds outputs (executed), no error output, at least one chart, and stays small."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), f"{path.name} has cells that were not executed"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"], f"{path.name} holds an error output"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} has no chart"
    assert path.stat().st_size < 1_000_000, f"{path.name} is {path.stat().st_size} bytes (keep it < 1 MB)"


if __name__ == "__main__":
    reason = _missing()
    if reason:
        sys.exit(reason)
    for p in NOTEBOOKS:
        if len(sys.argv) == 1 or any(a in p.name for a in sys.argv[1:]):
            print(f"{p.name}: {execute(p, write=True):.1f} s, {p.stat().st_size / 1024:.0f} KB", flush=True)
