"""Shared test helpers."""

from __future__ import annotations

import atexit
import itertools
import linecache
import math
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent

# s2sad's disk cache in a directory of this session's own (subprocesses inherit it): tests
# never read what an earlier run, or the user's own cache, left
_CACHE = tempfile.mkdtemp(prefix="s2sad-test-cache-")
os.environ["S2SAD_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
sys.path.insert(0, str(ROOT / "examples"))

_counter = itertools.count()


def make_function(source: str, name: str | None = None, **namespace):
    """Define the function in ``source`` so that its source can be found again.

    The text is registered in ``linecache`` like a file, so s2sad reads it the
    way it reads functions from modules.
    """
    source = textwrap.dedent(source).strip() + "\n"
    filename = f"<test-source-{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    globals_ = {"np": np, "math": math, "__name__": "test_generated", **namespace}
    exec(compile(source, filename, "exec"), globals_)
    if name is None:
        name = source.split("def ", 1)[1].split("(", 1)[0]
    return globals_[name]


@pytest.fixture
def in_root(monkeypatch):
    """Run from the repository root, where generated headers name files relative to it."""
    monkeypatch.chdir(ROOT)


def update_golden() -> bool:
    return os.environ.get("S2SAD_UPDATE_GOLDEN") == "1"
