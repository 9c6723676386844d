"""Reading users' files as written, no cache; atomic writes; output paths checked before any work (issue 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from feedback_nlp._files import atomic_write, check_output_path, read_table, write_table

ROOT = Path(__file__).resolve().parents[1]


def test_csv_cells_are_kept_as_written(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("id,order,text,note\n000123,1234567890123456789,很好,NA\n000124,,太差,\n"
                 "000125,1234567890123456788,一般,null\n", encoding="utf-8")
    df = read_table(p, ["text"])
    assert df["id"].tolist() == ["000123", "000124", "000125"]
    assert df.loc[0, "order"] == "1234567890123456789" and df.loc[2, "order"] == "1234567890123456788"
    assert pd.isna(df.loc[1, "order"]) and pd.isna(df.loc[1, "note"])  # a blank stays a blank ...
    assert df.loc[0, "note"] == "NA" and df.loc[2, "note"] == "null"   # ... and "NA" stays the string "NA"
    out = tmp_path / "out.csv"
    write_table(df, out)
    assert out.read_text(encoding="utf-8") == p.read_text(encoding="utf-8")  # round trip, byte for byte


def test_jsonl_and_parquet_keep_exact_integers(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "000123", "order": 1234567890123456789, "text": "很好"}\n'
                 '{"id": "000124", "order": null, "text": "太差"}\n', encoding="utf-8")
    df = read_table(p)
    assert df["order"].tolist()[0] == 1234567890123456789 and df["order"].tolist()[1] is None
    for name in ("out.jsonl", "out.parquet"):
        write_table(df, tmp_path / name)
        back = read_table(tmp_path / name)
        assert back["order"].tolist()[0] == 1234567890123456789
        assert back["id"].tolist() == ["000123", "000124"]


def test_replaced_file_with_the_same_mtime_is_read_afresh(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("text\n很好\n", encoding="utf-8")
    st = p.stat()
    assert len(read_table(p)) == 1
    p.write_text("text\n很好\n太差\n", encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime, new content
    assert read_table(p)["text"].tolist() == ["很好", "太差"]


def test_no_hugging_face_cache_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    p = tmp_path / "in.csv"
    p.write_text("text\n很好\n", encoding="utf-8")
    read_table(p)
    assert not (tmp_path / "cache").exists() and not (tmp_path / "hf").exists()


def test_unreadable_inputs_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(FileNotFoundError, match="not a file"):
        read_table(tmp_path)
    (tmp_path / "a.xlsx").write_bytes(b"x")
    with pytest.raises(ValueError, match="unknown file type"):
        read_table(tmp_path / "a.xlsx")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("text\n服务很好\n".encode("gb18030"))
    with pytest.raises(ValueError, match="--encoding gb18030"):
        read_table(gbk)
    assert read_table(gbk, encoding="gb18030")["text"].tolist() == ["服务很好"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "好"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_table(bad)
    with pytest.raises(KeyError, match="comment"):
        read_table(gbk, ["comment"], encoding="gb18030")


def test_output_path_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        check_output_path(tmp_path / "no_such_dir" / "out.csv")
    with pytest.raises(IsADirectoryError):
        check_output_path(tmp_path)
    with pytest.raises(ValueError, match="unknown output type"):
        check_output_path(tmp_path / "out.xlsx")
    ro = Path("/proc") if os.geteuid() == 0 else tmp_path / "ro"  # root may write anywhere but /proc
    if ro != Path("/proc"):
        ro.mkdir()
        ro.chmod(0o555)
    with pytest.raises(PermissionError, match="cannot write"):
        check_output_path(ro / "out.csv")


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    out.write_text("old complete content\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(out) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    with pytest.raises(KeyboardInterrupt), atomic_write(out) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert out.read_text(encoding="utf-8") == "old complete content\n"
    assert os.listdir(tmp_path) == ["scored.csv"]


@pytest.mark.slow
def test_sigterm_during_a_write_leaves_the_old_file(tmp_path: Path) -> None:
    """A writer process killed with SIGTERM while writing a big table: old file intact, no temporary left."""
    out = tmp_path / "big.csv"
    out.write_text("old complete content\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import signal, sys
        import pandas as pd
        from feedback_nlp._files import write_table
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))   # what the CLI installs
        df = pd.DataFrame({{"text": ["快递三天才到，客服态度还很差"] * 3_000_000, "id": range(3_000_000)}})
        print("writing", flush=True)
        write_table(df, {str(out)!r})
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert out.read_text(encoding="utf-8") == "old complete content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]


@pytest.mark.parametrize("step", ["atomic_write", "check_output_path"])
def test_an_interrupt_the_instant_a_temporary_file_exists_leaves_nothing(tmp_path: Path, step: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal can arrive right after the temporary file is created: its name was held before, so it is removed."""
    import feedback_nlp._files as files

    out = tmp_path / "scored.csv"
    out.write_text("old complete content\n", encoding="utf-8")
    real_close = os.close

    def close_then_interrupt(fd: int) -> None:
        real_close(fd)
        raise KeyboardInterrupt  # as the CLI's SIGTERM handler or Ctrl-C would, the moment the file exists

    monkeypatch.setattr(os, "close", close_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        if step == "atomic_write":
            with files.atomic_write(out):
                pass
        else:
            files.check_output_path(out)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["scored.csv"]
    assert out.read_text(encoding="utf-8") == "old complete content\n"
