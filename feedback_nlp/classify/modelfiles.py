"""Model directories on disk: saved whole or not at all, read only where they point, checked before use.

* :func:`save_model_dir` writes a model into a temporary directory next to the target and swaps it in (an atomic
  exchange on Linux), so a crash or ``kill`` during a save leaves the previous model loadable, and no file of the
  previous model survives into the new one.
* :func:`contained` resolves a path named inside a model directory (symlinks too) and refuses one that leaves it.
* :func:`read_json`, :func:`read_arrays` and the ``check_*`` helpers turn a missing, truncated or implausible file
  into a :class:`ModelFormatError` naming the file, before any large allocation.

>>> import tempfile
>>> d = Path(tempfile.mkdtemp())
>>> contained(d, "../x")
Traceback (most recent call last):
...
feedback_nlp.classify.modelfiles.ModelFormatError: ../x: a path in a model directory must stay inside it
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._files import reserve_hidden

__all__ = ["MAX_FEATURES", "MissingModelFile", "ModelFormatError", "check_files", "check_finite", "check_float",
           "check_int", "check_model_target", "contained", "file_sizes", "read_arrays", "read_json", "save_model_dir"]

#: Largest hashed feature space a model file may declare (2**24 columns: 64 MB per float32 weight row).
MAX_FEATURES = 2**24


class ModelFormatError(ValueError):
    """A model directory is incomplete, damaged or implausible; the message names the file and what to do."""


class MissingModelFile(ModelFormatError, FileNotFoundError):
    """A file a model directory needs is not there (also a ``FileNotFoundError``, as before)."""


def contained(directory: str | Path, relative: str | Path) -> Path:
    """``directory / relative`` resolved (symlinks followed); :class:`ModelFormatError` if it leaves ``directory``.

    Nothing is said about whether a path outside exists.
    """
    root = Path(directory).resolve()
    rel = Path(relative)
    if rel.is_absolute() or not str(relative).strip():
        raise ModelFormatError(f"{relative}: a path in a model directory must stay inside it")
    target = (root / rel).resolve()
    if target != root and root not in target.parents:
        raise ModelFormatError(f"{relative}: a path in a model directory must stay inside it")
    return target


def _damaged(path: Path, why: str) -> ModelFormatError:
    kind = MissingModelFile if why.endswith("missing") else ModelFormatError
    return kind(f"{path}: {why}; the model directory is incomplete or damaged: save or copy it again")


def read_json(directory: str | Path, name: str) -> dict[str, Any]:
    """The JSON object in ``directory/name``; :class:`ModelFormatError` if missing, unreadable or not an object."""
    path = contained(directory, name)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _damaged(path, "missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _damaged(path, f"unreadable ({type(e).__name__}: {e})") from None
    if not isinstance(state, dict):
        raise _damaged(path, "not a JSON object")
    return state


def read_arrays(directory: str | Path, name: str, keys: tuple[str, ...], max_size: int) -> dict[str, np.ndarray]:
    """Arrays ``keys`` of the ``.npz`` file ``directory/name`` (no pickle), each at most ``max_size`` elements (checked
    from the header, before reading) and finite."""
    import zipfile

    path = contained(directory, name)
    out: dict[str, np.ndarray] = {}
    try:
        with np.load(path, allow_pickle=False) as z:
            for key in keys:
                if key not in z.files:
                    raise _damaged(path, f"lacks the array {key!r}")
                shape = _npz_shape(z, key)
                if shape is not None and math.prod(shape) > max_size:
                    raise _damaged(path, f"array {key!r} has shape {shape}, more than {max_size} values")
                out[key] = z[key]
    except FileNotFoundError:
        raise _damaged(path, "missing") from None
    except ModelFormatError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, KeyError) as e:
        raise _damaged(path, f"unreadable ({type(e).__name__}: {e})") from None
    for key, arr in out.items():
        if arr.dtype.kind not in "iuf":
            raise _damaged(path, f"array {key!r} has dtype {arr.dtype}, not numbers")
        check_finite(path, key, arr)
    return out


def _npz_shape(z: Any, key: str) -> tuple[int, ...] | None:
    """Shape of ``key`` read from its .npy header, without reading the data."""
    try:
        from numpy.lib import format as npy

        with z.zip.open(f"{key}.npy") as f:
            version = npy.read_magic(f)
            shape = (npy.read_array_header_1_0(f) if version == (1, 0) else npy.read_array_header_2_0(f))[0]
        return tuple(int(s) for s in shape)
    except Exception:  # an unusual layout: the size is checked after reading instead
        return None


def check_finite(path: str | Path, key: str, value: Any) -> None:
    """:class:`ModelFormatError` if ``value`` (number or array) holds NaN or infinity."""
    arr = np.asarray(value)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise _damaged(Path(path), f"{key!r} holds NaN or infinite values")
    if arr.dtype.kind not in "iufb":
        raise _damaged(Path(path), f"{key!r} is not numeric")


def check_int(path: str | Path, state: Mapping[str, Any], key: str, lo: int, hi: int) -> int:
    """``state[key]`` as an int in ``[lo, hi]``; :class:`ModelFormatError` otherwise (missing, float, bool, huge)."""
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _damaged(Path(path), f"{key!r} is {value!r}, not an integer in [{lo}, {hi}]")
    return value


def check_float(path: str | Path, state: Mapping[str, Any], key: str) -> float:
    """``state[key]`` as a finite float; :class:`ModelFormatError` otherwise."""
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _damaged(Path(path), f"{key!r} is {value!r}, not a finite number")
    return float(value)


def file_sizes(directory: str | Path) -> dict[str, int]:
    """``{relative posix path: size}`` of every file under ``directory`` (what ``meta.json`` lists as ``files``)."""
    root = Path(directory)
    return {p.relative_to(root).as_posix(): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()}


def check_files(directory: str | Path, files: Any) -> None:
    """Every file ``meta.json`` lists exists inside ``directory`` with the recorded size."""
    if not isinstance(files, dict):
        raise _damaged(Path(directory) / "meta.json", "'files' is not an object")
    for rel, size in files.items():
        path = contained(directory, rel)
        if not path.is_file():
            raise _damaged(path, "listed in meta.json but missing")
        if isinstance(size, int) and path.stat().st_size != size:
            raise _damaged(path, f"is {path.stat().st_size} bytes, meta.json says {size} (truncated or replaced?)")


def _looks_like_model(d: Path) -> bool:
    return any((d / f).is_file() for f in ("meta.json", "sentiment.json", "transformer_sentiment.json",
                                            "topics.json", "transformer_topics.json"))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def check_model_target(directory: str | Path) -> Path:
    """Raise now (before training) if a model cannot be saved to ``directory``: a file, a non-empty directory
    holding no model, or a parent directory that cannot be created or written."""
    d = Path(directory).expanduser()
    if d.exists() and not d.is_dir():
        raise FileExistsError(f"{d} is a file: give a directory name for the model")
    if d.is_dir() and any(d.iterdir()) and not _looks_like_model(d):
        raise FileExistsError(f"{d} is a non-empty directory that holds no feedback_nlp model: saving would replace "
                              "its files; choose a new or empty directory")
    parent = d.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write to {parent}: choose a writable directory for the model")
    return d


def save_model_dir(directory: str | Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` on a fresh temporary directory next to ``directory``, then put it in ``directory``'s place.

    The previous content of ``directory`` (a model) is replaced as a whole; an existing non-empty directory that
    is not a model is refused, so a typo cannot wipe a folder of other files. On any error or interrupt the
    temporary directory is removed and ``directory`` is untouched.
    """
    d = check_model_target(directory)
    d.parent.mkdir(parents=True, exist_ok=True)
    held: list[Path] = []  # named before it exists: an interrupt at any moment leaves no orphan (reserve_hidden)
    spare: list[Path] = []  # the name the previous model moves to: removed only while empty, never with a model
    try:
        tmp = reserve_hidden(d, ".saving", held, directory=True)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        write(tmp)
        for p in tmp.rglob("*"):  # the data reaches the disk before the directory name points to it
            if p.is_file():
                with open(p, "rb") as f:
                    os.fsync(f.fileno())
        if d.is_dir():
            if _exchange(tmp, d):
                shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous model
                return d
            old = reserve_hidden(d, ".old", spare, directory=True)
            os.rmdir(old)  # only the name is needed
            os.rename(d, old)
            try:
                os.rename(tmp, d)
            except BaseException:
                os.rename(old, d)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, d)
    except BaseException:
        for t in held:
            shutil.rmtree(t, ignore_errors=True)
        for name in spare:
            with contextlib.suppress(OSError):
                os.rmdir(name)
        raise
    return d
