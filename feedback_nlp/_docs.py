"""One description per shared parameter (``text_col``, ``batch_size``, ``errors``, ...), written once and added to
every function that takes it, as statsforecast's ``_param_descriptions`` do.

>>> @shared_params("batch_size")
... def f(texts, batch_size=1024):
...     '''Score texts.
...
...     >>> 1
...     1
...     '''
>>> "batch_size : int, default 1024" in f.__doc__
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["PARAMS", "shared_params"]

F = TypeVar("F", bound=Callable[..., Any])

#: numpydoc entries of the parameters many public functions share.
PARAMS: dict[str, str] = {
    "text_col": 'text_col : str, default "text"\n'
                "    Column of the frame holding the texts. Other columns are passed through untouched.",
    "batch_size": "batch_size : int, default 1024\n"
                  "    Texts scored per model call. Larger is faster up to memory; results do not depend on it "
                  "(linear models exactly, transformer models within 1e-6).",
    "errors": 'errors : {"raise", "neutral"}, default "raise"\n'
              "    What a missing text (None, NaN, pandas.NA) does: raise a ValueError naming the row, or score it "
              "like an empty text (neutral, score 0). Non-str values always raise TypeError.",
    "tier_col": "tier_col : str, optional\n"
                '    Column of customer tiers ("vip", "svip", ...) that raise the priority '
                "(:func:`feedback_nlp.classify.intent.raise_for_tier`).",
    "model": 'model : str or path, default "default"\n'
             "    A shipped model name or a model directory written by ``save`` / ``feedback-nlp train``.",
    "progress": "progress : bool, default False\n    Show a tqdm progress bar.",
    "prefix": 'prefix : str, default ""\n'
              "    Written before every added column name (``prefix=\"pred_\"`` gives ``pred_kind``, ...). A column "
              "that already exists is never overwritten: it raises ValueError naming it.",
}


def shared_params(*names: str) -> Callable[[F], F]:
    """Add a numpydoc ``Parameters`` section with the :data:`PARAMS` entries ``names`` to a function's docstring,
    before its examples."""
    unknown = [n for n in names if n not in PARAMS]
    if unknown:
        raise KeyError(f"no shared description for {unknown}; add it to feedback_nlp._docs.PARAMS")

    def decorate(func: F) -> F:
        doc = func.__doc__ or ""
        lines = doc.split("\n")
        body = [ln for ln in lines[1:] if ln.strip()]
        indent = min((len(ln) - len(ln.lstrip()) for ln in body), default=4)
        pad = " " * indent
        section = ["Parameters", "----------"]
        for n in names:
            section += PARAMS[n].split("\n")
        block = [pad + ln if ln else "" for ln in section] + [""]
        at = next((i for i, ln in enumerate(lines) if ln.strip().startswith(">>>")), len(lines))
        if at == len(lines):
            block = ["", *block]
        func.__doc__ = "\n".join(lines[:at] + block + lines[at:])
        return func

    return decorate
