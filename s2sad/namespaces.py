"""Canonical names for the modules generated code uses.

Whatever the import style in user code (``import numpy``, ``import numpy as
np``, ``from numpy import sin``), generated code says ``np.sin``: it gets
``np`` and ``math`` as closure cells of its own, so these names never depend
on the user's globals. A user name that would clash takes a fallback.
"""

from __future__ import annotations

import builtins
import math
import types

import numpy as np

#: module -> the name generated code uses for it, and the names to fall back on
MODULES = {"np": np, "math": math}
FALLBACKS = {"np": ("numpy", "np_"), "math": ("math_", "pymath")}

_index: dict[int, str] | None = None


def _build_index() -> dict[int, str]:
    index: dict[int, str] = {}

    def add(module: types.ModuleType, prefix: str) -> None:
        for name, obj in vars(module).items():
            if not name.startswith("_") and not isinstance(obj, (types.ModuleType, int, float, str)):
                index.setdefault(id(obj), f"{prefix}{name}")

    add(builtins, "")
    add(math, "math.")
    add(np, "np.")
    add(np.linalg, "np.linalg.")
    add(np.random, "np.random.")
    return index


def canonical_path(obj: object) -> str | None:
    """``np.sin`` for numpy.sin, ``abs`` for the builtin, ``None`` if unknown."""
    global _index
    if _index is None:
        _index = _build_index()
    return _index.get(id(obj))


def module_path(module: types.ModuleType) -> str | None:
    """``np`` for numpy, ``np.linalg`` for numpy.linalg, ``math`` for math."""
    name = module.__name__
    if name == "math":
        return "math"
    if name == "numpy" or name.startswith("numpy."):
        return "np" + name[len("numpy") :]
    return None


def head_object(head: str) -> object:
    """What a first name in a canonical path stands for (``np``, ``math``, ``abs``, a helper)."""
    if head in MODULES:
        return MODULES[head]
    if hasattr(builtins, head):
        return getattr(builtins, head)
    from . import runtime

    return getattr(runtime, head)


def fallback_names(head: str):
    """Names to try for one of our names when the user's code already uses it."""
    yield from FALLBACKS.get(head, ())
    k = 1
    while True:
        yield f"{head}_{k}" if k > 1 else f"{head}_"
        k += 1
