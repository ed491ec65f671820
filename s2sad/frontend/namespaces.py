"""Canonical names for the modules generated code uses.

Whatever the import style in user code (``import numpy``, ``import numpy as
np``, ``from numpy import sin``), generated code says ``np.sin``: it gets
``np`` and ``math`` as closure cells of its own, so these names never depend
on the user's globals. A user name that would clash takes a fallback.

>>> import math, numpy
>>> [canonical_path(f) for f in (numpy.sin, numpy.linalg.norm, math.exp, abs)]
['np.sin', 'np.linalg.norm', 'math.exp', 'abs']
>>> module_path(numpy.linalg), canonical_path(lambda x: x)
('np.linalg', None)
>>> import itertools; list(itertools.islice(fallback_names("np"), 2))
['numpy', 'np_']
"""

from __future__ import annotations

import builtins
import itertools
import math
import sys
import types

import numpy as np

from .. import runtime

#: module -> the name generated code uses for it, and the names to fall back on
MODULES = {"np": np, "math": math}
FALLBACKS = {"np": ("numpy", "np_"), "math": ("math_", "pymath")}

_index: dict[int, str] | None = None
_LAZY = {"numpy.random": "np.random."}  # indexed once imported (importing it costs ~20 ms)


def _add(index: dict[int, str], module: types.ModuleType, prefix: str) -> None:
    for name, obj in vars(module).items():
        if not name.startswith("_") and not isinstance(obj, (types.ModuleType, int, float, str)):
            index.setdefault(id(obj), f"{prefix}{name}")


def _build_index() -> dict[int, str]:
    index: dict[int, str] = {}
    _add(index, builtins, "")
    _add(index, math, "math.")
    _add(index, np, "np.")
    _add(index, np.linalg, "np.linalg.")
    return index


def canonical_path(obj: object) -> str | None:
    """``np.sin`` for numpy.sin, ``abs`` for the builtin, ``None`` if unknown."""
    global _index
    if _index is None:
        _index = _build_index()
    found = _index.get(id(obj))
    if found is None and _LAZY:
        for module_name, prefix in list(_LAZY.items()):
            if module_name in sys.modules:  # the user's code has it, so it may be calling it
                _add(_index, sys.modules[module_name], prefix)
                del _LAZY[module_name]
                found = _index.get(id(obj))
    return found


def module_path(module: types.ModuleType) -> str | None:
    """``np`` for numpy, ``np.linalg`` for numpy.linalg, ``math`` for math."""
    name = module.__name__
    if name == "math":
        return "math"
    if name == "numpy" or name.startswith("numpy."):
        return "np" + name[len("numpy") :]
    return None


#: names the user's derivative rules read (a module, a function, a constant), by the name
#: generated code uses for them: rules are inlined far from the module they were written in
RULE_NAMES: dict[str, object] = {}


def rule_name(name: str, value: object) -> str:
    """The name generated code uses for ``value``, which a user's rule calls ``name``.

    >>> import operator
    >>> rule_name("mul", operator.mul), rule_name("mul", operator.mul), rule_name("mul", max)
    ('mul', 'mul', 'mul_')
    """
    for head in itertools.chain((name,), fallback_names(name)):
        if RULE_NAMES.get(head, value) is value and head not in MODULES and not _ours(head):
            RULE_NAMES[head] = value
            return head
    raise AssertionError("unreachable: fallback names never end")


def _ours(head: str) -> bool:
    return hasattr(builtins, head) or head in runtime.__all__


def head_object(head: str) -> object:
    """What a first name in a canonical path stands for (``np``, ``math``, ``abs``, a helper,
    a name a user's rule reads)."""
    if head in MODULES:
        return MODULES[head]
    if head in RULE_NAMES:
        return RULE_NAMES[head]
    if hasattr(builtins, head):
        return getattr(builtins, head)

    return getattr(runtime, head)


def fallback_names(head: str):
    """Names to try for one of our names when the user's code already uses it."""
    yield from FALLBACKS.get(head, ())
    k = 1
    while True:
        yield f"{head}_{k}" if k > 1 else f"{head}_"
        k += 1
