"""Test helper: a model file with one field changed must be refused on load."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from feedback_nlp.classify.modelfiles import ModelFormatError


def assert_edit_refused(model: Any, directory: Path, file: str, field: str, value: Any,
                        load: Callable[[Path], Any], match: str) -> None:
    """Save ``model`` to ``directory``, set ``field`` of its JSON ``file`` to ``value`` and expect ``load`` to raise
    :class:`ModelFormatError` matching ``match``."""
    model.save(directory)
    path = directory / file
    state = json.loads(path.read_text(encoding="utf-8"))
    state[field] = value
    path.write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(ModelFormatError, match=match):
        load(directory)
