"""Reading users' tables and writing results safely: every column as written, and no half-written file.

* :func:`read_table` reads CSV / TSV / JSON Lines / JSON / Parquet straight from disk with pandas / pyarrow (no
  cache, so a replaced file is always read afresh). CSV cells are kept as the strings written (``000123`` stays
  ``000123``, a 19-digit order number keeps every digit); a blank cell is missing (``NaN``) and is written back
  blank. ``"NA"`` / ``"null"`` stay strings. JSON values keep their JSON type (integers with nulls stay exact).
* :func:`atomic_write` writes to a temporary file in the target directory and moves it into place with
  :func:`os.replace`: on an error or an interrupt (``KeyboardInterrupt``, ``SIGTERM`` under the CLI) the old file is
  untouched and the temporary file is removed. :func:`check_output_path` checks the target before any work.

>>> import pandas as pd, tempfile, os
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "订单.csv")
>>> write_table(pd.DataFrame({"id": ["000123"], "text": ["很好"]}), p)
>>> read_table(p)["id"].tolist()
['000123']
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["INPUT_SUFFIXES", "OUTPUT_SUFFIXES", "atomic_write", "check_output_path", "read_table", "reserve_hidden",
           "write_table"]

INPUT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")
OUTPUT_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")


def read_table(
    path: str | Path, columns: Sequence[str] = (), encoding: str = "utf-8", infer_types: bool = False
) -> pd.DataFrame:
    """Read a CSV / TSV / JSONL / JSON / Parquet file, checking that ``columns`` exist.

    CSV / TSV cells are strings as written (``infer_types=True``: numbers parsed, for count or one-hot columns);
    a blank cell is missing (NaN) either way. JSON and Parquet values keep their own types; integer columns with
    nulls hold exact Python ints.

    >>> read_table("reviews.csv", ["text", "label"])  # doctest: +SKIP
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such file: {p}" if not p.exists() else f"{p} is not a file")
    suffix = p.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise ValueError(f"{p}: unknown file type {suffix!r}; use {', '.join(INPUT_SUFFIXES)}")
    try:
        if suffix in (".csv", ".tsv"):
            df = pd.read_csv(p, sep="\t" if suffix == ".tsv" else ",", encoding=encoding,
                             dtype=None if infer_types else str, keep_default_na=False, na_values=[""],
                             skip_blank_lines=False, low_memory=False)
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            df = pq.read_table(p).to_pandas(integer_object_nulls=True)
        else:
            df = _read_json(p, encoding)
    except UnicodeDecodeError as e:
        raise ValueError(f"{p} is not valid {encoding}: pass the file's encoding (e.g. --encoding gb18030)") from e
    except (ValueError, OSError, pd.errors.ParserError) as e:
        raise ValueError(f"could not read {p}: {e}") from e
    except Exception as e:  # pyarrow errors and the like: one clear type
        raise ValueError(f"could not read {p}: {type(e).__name__}: {e}") from e
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{p} has no column(s) {missing}; its columns are {list(df.columns)}")
    return df


def _read_json(p: Path, encoding: str) -> pd.DataFrame:
    """JSON Lines (one object per line) or a JSON array of objects; each column object dtype, values as parsed."""
    import pandas as pd

    with open(p, encoding=encoding) as f:
        text = f.read()
    stripped = text.lstrip()
    rows: list[Any]
    if stripped.startswith("["):
        rows = json.loads(stripped)
    else:
        rows = []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"line {i} is not JSON: {e}") from None
    if not all(isinstance(r, dict) for r in rows):
        raise ValueError("expected one JSON object per line (or an array of objects)")
    names: dict[str, None] = {}
    for r in rows:
        names.update(dict.fromkeys(r))
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in names},
                        index=pd.RangeIndex(len(rows)))


def check_output_path(path: str | Path, suffixes: Sequence[str] = OUTPUT_SUFFIXES) -> Path:
    """Raise a clear error now (before hours of scoring) when ``path`` cannot be written.

    Checks: a known suffix, an existing parent directory, the path is not a directory, and the directory is
    writable (a file can be created there).
    """
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"output {p} is a directory: give a file name, e.g. {p / 'scored.csv'}")
    if suffixes and p.suffix.lower() not in suffixes:
        raise ValueError(f"{p}: unknown output type {p.suffix!r}; use {', '.join(suffixes)}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"output directory {parent} does not exist: create it first (mkdir -p {parent})")
    held: list[Path] = []
    try:
        reserve_hidden(p, ".check", held)
    except OSError as e:
        raise PermissionError(f"cannot write to {parent} ({e.strerror}): choose a writable directory") from None
    finally:
        for probe in held:
            probe.unlink(missing_ok=True)
    if p.exists() and not os.access(p, os.W_OK):
        raise PermissionError(f"output {p} is read-only: choose another file or make it writable")
    return p


def reserve_hidden(target: Path, suffix: str, held: list[Path], *, directory: bool = False) -> Path:
    """Create a new, empty hidden file (or, with ``directory=True``, directory) ``.NAME.<random>SUFFIX`` next to
    ``target``, exclusively (``O_EXCL`` / ``mkdir``: never someone else's), and return it.

    Its path goes into ``held`` *before* it exists, so a caller that removes what ``held`` names whenever it fails
    leaves nothing behind, even when a signal (``SIGTERM`` under the CLI, ``Ctrl-C``) arrives the instant it is
    created: ``tempfile.mkstemp`` returns the name only afterwards, a window in which an interrupt left an orphan.

    >>> import tempfile
    >>> held = []
    >>> p = reserve_hidden(Path(tempfile.mkdtemp()) / "out.csv", ".tmp", held)
    >>> p.name.startswith(".out.csv.") and p.name.endswith(".tmp") and held == [p] and p.exists()
    True
    """
    parent = target.parent if str(target.parent) else Path(".")
    for _ in range(100):
        candidate = parent / f".{target.name}.{secrets.token_hex(6)}{suffix}"
        held.append(candidate)
        try:
            if directory:
                os.mkdir(candidate, 0o700)
            else:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as e:
            held.remove(candidate)  # nothing of ours was created
            if isinstance(e, FileExistsError):
                continue
            raise
        if not directory:
            os.close(fd)
        return candidate
    raise FileExistsError(f"could not create a new temporary name next to {target}")


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[Path]:
    """Context manager yielding a temporary path in ``path``'s directory; on success it replaces ``path``.

    On any exception (including ``KeyboardInterrupt`` and ``SystemExit``) the temporary file is removed and
    ``path`` is left as it was (the temporary file is named before it is created, :func:`reserve_hidden`). A process
    killed with SIGKILL may leave a hidden ``.NAME.*.tmp`` file, never a partial ``path``.

    >>> import tempfile, os
    >>> target = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with atomic_write(target) as tmp:
    ...     _ = tmp.write_text("完整")
    >>> open(target, encoding="utf-8").read()
    '完整'
    """
    p = Path(path)
    held: list[Path] = []
    try:
        tmp = reserve_hidden(p, ".tmp", held)
        yield tmp
        with open(tmp, "rb+") as f:  # the data reaches the disk before the name points to it
            os.fsync(f.fileno())
        if p.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, p.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        for t in held:
            t.unlink(missing_ok=True)
        raise


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` atomically as CSV / TSV / JSON Lines (``.jsonl`` or ``.json``) / Parquet, by the suffix."""
    p = check_output_path(path)
    writer = _writer(p.suffix.lower())
    with atomic_write(p) as tmp:
        writer(df, tmp)


def _writer(suffix: str) -> Callable[[pd.DataFrame, Path], None]:
    if suffix in (".jsonl", ".json"):
        return lambda df, t: df.to_json(t, orient="records", lines=True, force_ascii=False, date_format="iso")
    if suffix == ".parquet":
        return lambda df, t: df.to_parquet(t)
    sep = "\t" if suffix == ".tsv" else ","
    return lambda df, t: df.to_csv(t, index=False, sep=sep)
