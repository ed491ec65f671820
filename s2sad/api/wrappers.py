"""Small functions with source that the API builds around the user's, for s2sad to read.

- ``positional_form(f)``: ``f`` with its keyword-only parameters made positional, for
  the engines that pass every argument by position (Jacobians, Hessian-vector products;
  ``by_position`` picks the function they run);
- ``summed(f)``: ``sum(f(...))``, whose gradient ``elementwise_grad`` returns;
- ``contracted(f)``: ``sum(weights * f(...))``, whose second derivatives are the first
  derivatives of ``f``'s Jacobian.

Each is built once per function (the derivatives s2sad caches are keyed by it), and
its body is one call that s2sad inlines, or a call to a function with a rule:

>>> import inspect
>>> import numpy as np
>>> print(inspect.getsource(summed(np.tanh)), end="")
def tanh_elementwise(x):
    return np.sum(np.tanh(x))
>>> def scaled(x, *, k=2.0):
...     return k * x
>>> print(inspect.getsource(positional_form(scaled)), end="")
def scaled(x, k):
    return __f(x, k=k)
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable

import numpy as np

from ..backend.compiler import compile_function
from ..driver.generated import concrete
from ..frontend.resolve import parameters

_positional: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_summed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_contracted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_summed_library: dict[object, Callable] = {}  # ufuncs are not weakly referenceable, and live long


def positional_form(f: Callable) -> Callable:
    """``f`` itself, or for a function with keyword-only parameters, a function that takes
    them by position after the others (same names) and calls ``f``."""
    positional, keyword, _ = parameters(f)
    if not keyword:
        return f
    if f in _positional:
        return _positional[f]
    call = ", ".join(positional + [f"{k}={k}" for k in keyword])
    text = f"def {_base(f)}({', '.join(positional + keyword)}):\n    return __f({call})\n"
    wrapper = compile_function(text, f"positional form of {_base(f)}", {}, {"__f": f})
    _positional[f] = wrapper
    return wrapper


def by_position(f: Callable, values: tuple) -> Callable:
    """What the engines that pass every argument by position run for ``values`` (one per
    parameter, in order): ``f``, or for a function s2sad returned the code it runs for
    them, with its keyword-only parameters made positional."""
    n = len(parameters(f)[0])
    return positional_form(concrete(f, values[:n], dict(zip(parameters(f)[1], values[n:]))))


def summed(f: Callable) -> Callable:
    """``sum(f(...))`` with ``f``'s parameters and defaults; a NumPy ufunc takes ``x`` (or
    ``x1, x2``, ...), another NumPy function its required parameters."""
    table = _summed_library if library_function(f) else _summed
    if f in table:
        return table[f]
    numpy_name = _numpy_name(f)
    if isinstance(f, np.ufunc):
        positional, keyword, posonly = ["x"] if f.nin == 1 else [f"x{i + 1}" for i in range(f.nin)], [], 0
        defaults, kwdefaults = None, None
    elif not hasattr(f, "__code__"):  # a NumPy function with a rule: its required parameters
        positional, keyword, posonly = _required(f), [], 0
        defaults, kwdefaults = None, None
    else:
        positional, keyword, posonly = parameters(f)
        defaults, kwdefaults = f.__defaults__, f.__kwdefaults__
    base = _base(f)
    name = f"{base}_elementwise"
    taken = set(positional + keyword) | {name}
    numpy = "np" if "np" not in taken else "__np"
    if numpy_name is not None:
        callee, cells = f"{numpy}.{numpy_name}", {numpy: np}  # reads as the user wrote it
    else:
        callee = base if base not in taken | {numpy} else "__f"
        cells = {numpy: np, callee: f}
    first_default = len(positional) - len(defaults or ())
    params = [f"{p}=..." if i >= first_default else p for i, p in enumerate(positional)]
    if posonly:
        params.insert(posonly, "/")
    if keyword:  # the values are the function's: ``...`` only marks that there is one
        params += ["*", *(f"{k}=..." if k in (kwdefaults or {}) else k for k in keyword)]
    call = ", ".join(positional + [f"{k}={k}" for k in keyword])
    text = f"def {name}({', '.join(params)}):\n    return {numpy}.sum({callee}({call}))\n"
    wrapper = compile_function(text, f"sum of {base}", {}, cells, defaults, kwdefaults)
    wrapper.__doc__ = f"The sum of {base}'s output, which elementwise_grad differentiates."
    table[f] = wrapper
    return wrapper


def contracted(f: Callable) -> Callable:
    """``sum(weights * f(...))``: ``f``'s positional parameters, then the weights. Its
    Hessian-vector products in two parameters are the derivatives of ``f``'s Jacobian
    (``api.nested``)."""
    if f in _contracted:
        return _contracted[f]
    positional = parameters(f)[0]
    base = _base(f)
    name, weights = f"{base}_contracted", "weights"
    taken = set(positional) | {name}
    while weights in taken:
        weights = f"{weights}_"
    numpy = "np" if "np" not in taken else "__np"
    callee = base if base not in taken | {numpy, weights} else "__f"
    text = (
        f"def {name}({', '.join([*positional, weights])}):\n"
        f"    return {numpy}.sum({weights} * {callee}({', '.join(positional)}))\n"
    )
    wrapper = compile_function(text, f"contraction of {base}", {}, {numpy: np, callee: f})
    _contracted[f] = wrapper
    return wrapper


def library_function(f: object) -> bool:
    """Whether ``f`` is a ufunc (NumPy's, SciPy's) or another NumPy function: s2sad uses its
    rule, not its source."""
    return isinstance(f, np.ufunc) or _numpy_name(f) is not None


def _numpy_name(f: object) -> str | None:
    name = getattr(f, "__name__", None)
    return name if isinstance(name, str) and getattr(np, name, None) is f else None


def _required(f: object) -> list[str]:
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return ["x"]
    return [p.name for p in params if p.default is p.empty and p.kind <= p.POSITIONAL_OR_KEYWORD]


def _base(f: Callable) -> str:
    name = getattr(f, "__name__", "f")
    return name if name.isidentifier() else "f"


__all__ = ["by_position", "contracted", "library_function", "positional_form", "summed"]
