"""Canonical names for the modules generated code uses.

Whatever the import style in user code (``import numpy``, ``import numpy as
np``, ``from numpy import sin``), generated code says ``np.sin``: it gets
``np`` and ``math`` as closure cells of its own, so these names never depend
on the user's globals. A user name that would clash takes a fallback.

SciPy is optional and never imported here: once the user's code has imported
``scipy.special``, ``scipy.linalg`` or ``scipy.stats``, the first name looked up
and not found indexes them (``expit`` is ``scipy.special.expit``, the bound
method ``norm.logpdf`` is ``scipy.stats.norm.logpdf``) and tells the
listeners of ``on_load`` (the rule tables) which module came in.

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
MODULES = {"np": np, "math": math}  # and ``scipy``, once the user's code imported it
FALLBACKS = {"np": ("numpy", "np_"), "math": ("math_", "pymath"), "scipy": ("scipy_", "sp")}

_index: dict[int, str] | None = None
# indexed once imported (importing numpy.random costs ~20 ms, scipy is optional)
_LAZY = {
    "numpy.random": "np.random.",
    "scipy.special": "scipy.special.",
    "scipy.linalg": "scipy.linalg.",
    "scipy.stats": "scipy.stats.",
    "scipy.signal": "scipy.signal.",
    "scipy.integrate": "scipy.integrate.",
}
# the methods of SciPy's distributions (``norm.logpdf``): a bound method is a new object
# each time it is read, equal to the last one and with the same hash, so it is looked up by value
_METHODS: dict[object, str] = {}
DISTRIBUTION_METHODS = (
    *("pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"),
    *("rvs", "mean", "median", "var", "std", "entropy", "interval", "stats", "moment"),
)
_LISTENERS: list = []
_PREFERRED = {"scipy.special": ("digamma",)}  # not its other name, psi


def on_load(listener) -> None:
    """Call ``listener(module_name)`` whenever a lazily indexed module (``scipy.special``) is
    indexed: the rule tables for it load then."""
    _LISTENERS.append(listener)


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


def _add_methods(module: types.ModuleType, prefix: str) -> None:
    """The methods of the distribution objects of ``scipy.stats`` (``norm.logpdf``)."""
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, type):
            continue
        if not any(hasattr(obj, m) for m in ("cdf", "pdf", "pmf")):  # dirichlet has no cdf
            continue
        for method in DISTRIBUTION_METHODS:
            bound = getattr(obj, method, None)
            if isinstance(bound, types.MethodType):
                _METHODS.setdefault(bound, f"{prefix}{name}.{method}")


def _load_lazy() -> bool:
    """Index the lazy modules the user's code has imported; whether any came in."""
    assert _index is not None
    loaded = False
    for module_name, prefix in list(_LAZY.items()):
        # the user's code has it, so it may be calling it (and a listener may have indexed it)
        if module_name in sys.modules and module_name in _LAZY:
            module = sys.modules[module_name]
            del _LAZY[module_name]
            for name in _PREFERRED.get(module_name, ()):  # of two names for one function
                _index[id(getattr(module, name))] = f"{prefix}{name}"
            _add(_index, module, prefix)
            if module_name == "scipy.stats":
                _add_methods(module, prefix)
            for listener in _LISTENERS:
                listener(module_name)
            loaded = True
    return loaded


def canonical_path(obj: object) -> str | None:
    """``np.sin`` for numpy.sin, ``abs`` for the builtin, ``None`` if unknown."""
    global _index
    if _index is None:
        _index = _build_index()
    found = _index.get(id(obj))
    if found is None and isinstance(obj, types.MethodType):
        try:
            found = _METHODS.get(obj)
        except TypeError:  # a method of an unhashable object
            return None
    if found is None and _LAZY and _load_lazy():
        return canonical_path(obj)
    return found


def module_path(module: types.ModuleType) -> str | None:
    """``np`` for numpy, ``np.linalg`` for numpy.linalg, ``math`` for math."""
    name = module.__name__
    if name == "math":
        return "math"
    if name == "numpy" or name.startswith("numpy."):
        return "np" + name[len("numpy") :]
    if name.split(".")[0] == "scipy" and not any(part.startswith("_") for part in name.split(".")):
        canonical_path(module)  # its functions are indexed, and their rules loaded
        return name
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
        scipy_taken = head == "scipy" and value is not sys.modules.get("scipy")  # our name for SciPy
        if (
            RULE_NAMES.get(head, value) is value
            and head not in MODULES
            and not _ours(head)
            and not scipy_taken
        ):
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
    if head == "scipy":  # only in code that calls SciPy, so the user's code imported it
        return sys.modules["scipy"]
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
