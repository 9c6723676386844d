"""The package map: no import circles between modules (lazy imports count), one docstring per subpackage, the public
API as listed in ``__all__``, and the deprecated old module paths still importable."""

from __future__ import annotations

import ast
import importlib
import warnings
from pathlib import Path

import pytest

import feedback_nlp as fn

PACKAGE = Path(fn.__file__).resolve().parent
SUBPACKAGES = ("text", "classify", "backends", "insights", "scale", "cli")


def module_names() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("feedback_nlp", *path.relative_to(PACKAGE).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Edges module -> module of the package, from every import statement (module level or inside functions)."""
    mods = module_names()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in mods else base)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                # the root package's __init__ only re-exports; a module may read __version__ from it
                if t in mods and t != name and t != "feedback_nlp" and not name.startswith(t + "."):
                    graph[name].add(t)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        stack.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                return [*stack[stack.index(w):], w]
            if w not in state and (found := visit(w)):
                return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_no_import_circles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_find_cycle_detects_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_lower_layers_never_import_higher_ones() -> None:
    order = {"text": 0, "classify": 1, "backends": 2, "insights": 3, "scale": 4, "cli": 5}
    bad = []
    for src, targets in import_graph().items():
        sp = src.split(".")
        for t in targets:
            tp = t.split(".")
            if len(sp) > 2 and len(tp) > 2 and sp[1] in order and tp[1] in order and order[tp[1]] > order[sp[1]]:
                bad.append(f"{src} -> {t}")
    assert not bad, bad


@pytest.mark.parametrize("sub", SUBPACKAGES)
def test_every_subpackage_says_what_lives_there(sub: str) -> None:
    doc = importlib.import_module(f"feedback_nlp.{sub}").__doc__
    assert doc and len(doc.strip()) > 40


def test_public_api_is_listed_and_importable() -> None:
    assert sorted(set(fn.__all__)) == sorted(fn.__all__)
    assert all(hasattr(fn, name) for name in fn.__all__)
    assert {"classify", "classify_batch", "classify_frame", "load", "FeedbackClassifier", "forecast_volume",
            "mine_cooccurrence", "report", "plotting"} <= set(fn.__all__)


@pytest.mark.parametrize("old,new,name", [
    ("feedback_nlp.forecast", "feedback_nlp.insights.forecast", "forecast_volume"),
    ("feedback_nlp.plotting", "feedback_nlp.insights.plotting", "use_cjk_font"),
    ("feedback_nlp.transformer_topics", "feedback_nlp.backends.transformer_topics", "TransformerTopics"),
    ("feedback_nlp.dask", "feedback_nlp.scale.dask", "score_partition"),
    ("feedback_nlp.analytics", "feedback_nlp.insights.terms", "keywords"),
])
def test_old_module_paths_still_work_and_warn(old: str, new: str, name: str) -> None:
    import sys

    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = importlib.import_module(old)
    assert any(issubclass(w.category, DeprecationWarning) and new.rsplit(".", 1)[0] in str(w.message)
               for w in caught)
    assert getattr(mod, name) is getattr(importlib.import_module(new), name)
    assert "Deprecated" in (mod.__doc__ or "")


def test_old_dask_name_is_the_new_function() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import feedback_nlp.dask as old
    from feedback_nlp.scale.dask import classify_dataframe

    assert old.classify_frame is classify_dataframe
