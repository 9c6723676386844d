"""Model directories: atomic saves, exactly the listed components, typed errors, containment, checked values."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import feedback_nlp as fn
from feedback_nlp.classify.modelfiles import ModelFormatError, contained

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def model_dir(tiny_model_dir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "model"
    fn.load(tiny_model_dir).save(d)
    return d


def _score(d: Path) -> float:
    return fn.load(d).classify("快递三天才到，客服态度还很差").sentiment.score


def test_save_lists_exactly_its_files(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file())
    assert sorted([*meta["files"], "meta.json", "README.md"]) == on_disk
    assert meta["components"] == ["sentiment"]
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]  # no temporary directory left


def test_stale_components_do_not_survive_a_save(model_dir: Path, default_clf: fn.FeedbackClassifier) -> None:
    default_clf.save(model_dir)              # a model with topics ...
    assert fn.load(model_dir).topics is not None
    fn.load(model_dir).__class__(fn.load(model_dir).sentiment, {"name": "x"}).save(model_dir)  # ... then without
    assert not (model_dir / "topics.json").exists()
    assert fn.load(model_dir).topics is None


def test_a_listed_file_missing_or_corrupt_is_a_typed_error(model_dir: Path) -> None:
    for name, damage in (("sentiment.npz", b""), ("sentiment.npz", b"PK\x03\x04garbage"),
                         ("sentiment.json", b"{not json"), ("meta.json", b"[]")):
        backup = (model_dir / name).read_bytes()
        (model_dir / name).write_bytes(damage)
        with pytest.raises(ModelFormatError, match=name.replace(".", r"\.")):
            fn.load(model_dir)
        (model_dir / name).write_bytes(backup)
    (model_dir / "sentiment.npz").unlink()
    with pytest.raises(ModelFormatError, match=r"sentiment\.npz.*missing"):
        fn.load(model_dir)


def test_a_non_model_directory_is_not_replaced(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="holds no feedback_nlp model"):
        fn.load(tiny_model_dir).save(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_failed_save_keeps_the_old_model(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _score(model_dir)
    clf = fn.load(model_dir)

    def boom(directory: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(clf.sentiment, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        clf.save(model_dir)
    assert _score(model_dir) == pytest.approx(before)
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]


def test_replacing_without_an_atomic_exchange(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the OS has no atomic directory exchange the previous model moves aside under a spare name first; an
    interrupt the instant that name is taken leaves the previous model in place and no hidden directory."""
    import importlib

    modelfiles = importlib.import_module("feedback_nlp.classify.modelfiles")  # fn.classify is also a function
    before = _score(model_dir)
    monkeypatch.setattr(modelfiles, "_exchange", lambda a, b: False)
    fn.load(model_dir).save(model_dir)
    assert _score(model_dir) == pytest.approx(before)
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]

    real_rmdir = os.rmdir

    def rmdir_then_interrupt(path: str | os.PathLike[str]) -> None:
        if ".old" in str(path):  # the spare name was just reserved (a new, empty directory)
            monkeypatch.setattr(os, "rmdir", real_rmdir)
            raise KeyboardInterrupt
        real_rmdir(path)

    monkeypatch.setattr(os, "rmdir", rmdir_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        fn.load(model_dir).save(model_dir)
    monkeypatch.undo()
    assert _score(model_dir) == pytest.approx(before)
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]


@pytest.mark.slow
def test_killing_a_save_leaves_a_loadable_model(model_dir: Path) -> None:
    """SIGKILL at a random moment of repeated saves over the same directory: it always loads."""
    script = textwrap.dedent(f"""
        import feedback_nlp as fn
        clf = fn.load({str(model_dir)!r})
        print("saving", flush=True)
        while True:
            clf.save({str(model_dir)!r})
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.3, 0.7, 1.1):
        proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "saving"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert fn.load(model_dir).classify("房间干净，前台很热情").sentiment.label == "positive"


def test_paths_stay_inside_the_model_directory(tmp_path: Path) -> None:
    for bad in ("../x", "/etc", "a/../../b", ""):
        with pytest.raises(ModelFormatError, match="stay inside"):
            contained(tmp_path, bad)
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(ModelFormatError, match="stay inside"):
        contained(tmp_path, "link/passwd")
    assert contained(tmp_path, "sub/model.safetensors") == (tmp_path / "sub" / "model.safetensors").resolve()


def test_meta_files_may_not_point_outside(model_dir: Path) -> None:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    meta["files"]["../../etc/passwd"] = 1
    (model_dir / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="stay inside"):
        fn.load(model_dir)


@pytest.mark.parametrize(("key", "value"), [("n_features", 10**12), ("n_features", 2.5), ("n_features", -1),
                                            ("intercept", float("nan")), ("ngram_range", [1, 10**9])])
def test_implausible_config_values_are_refused_before_allocation(model_dir: Path, key: str, value: object) -> None:
    state = json.loads((model_dir / "sentiment.json").read_text(encoding="utf-8"))
    state[key] = value
    (model_dir / "sentiment.json").write_text(json.dumps(state), encoding="utf-8")
    _refresh_sizes(model_dir)
    with pytest.raises(ModelFormatError, match=r"sentiment\.json"):
        fn.load(model_dir)


def test_nan_weights_are_refused(model_dir: Path) -> None:
    with np.load(model_dir / "sentiment.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["coef"] = arrays["coef"].copy()
    arrays["coef"][0] = np.nan
    np.savez_compressed(model_dir / "sentiment.npz", **arrays)
    _refresh_sizes(model_dir)
    with pytest.raises(ModelFormatError, match="NaN"):
        fn.load(model_dir)


def _refresh_sizes(d: Path) -> None:
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    meta["files"] = {k: (d / k).stat().st_size for k in meta["files"]}
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def test_linear_model_saved_over_a_transformer_directory_loads_as_linear(model_dir: Path) -> None:
    (model_dir / "transformer_sentiment.json").write_text("{}", encoding="utf-8")  # what a transformer save leaves
    (model_dir / "config.json").write_text("{}", encoding="utf-8")
    fn.load(model_dir.parent / "model").save(model_dir)
    assert not (model_dir / "transformer_sentiment.json").exists()
    assert type(fn.load(model_dir).sentiment).__name__ == "SentimentModel"
