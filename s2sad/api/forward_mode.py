"""Forward mode: ``jvp`` and ``derivative``.

The tangent program computes each value and, next to it, its derivative along the
tangents given for the arguments.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from types import FunctionType
from typing import Any

import numpy as np

from ..derive.request import Request
from ..driver.directions import as_tangent, jvp_at
from ..driver.dispatch import transform
from ..driver.generated import is_generated, per_call
from ..frontend.resolve import parameters
from .arguments import Wrt, check_function, checked_transform
from .compiling import check_compile, transform_for
from .records import jvp_fields


def jvp(
    f: Callable, primals: Sequence[Any], tangents: Sequence[Any], *, compile: str | None = None
) -> tuple[Any, Any]:
    """``(f(*primals), tangent_out)``: forward mode, the derivative of ``f`` along ``tangents``.

    A tangent for an argument that is not differentiated (an int used as a count or
    flag, an integer array) is ignored, whatever it is. ``compile="numba"`` runs the
    tangent program compiled by numba (built once per kinds of the primals). What a
    plain function's jvp needs besides its arguments is found once and kept (``_known``);
    a repeated jvp checks the tangents and runs the program the transform's table has
    for the primals.

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    (6.0, 3.0)
    """
    check_compile(compile, "jvp")
    known = _known.get(f) if type(f) is FunctionType and compile is None else None
    if (
        known is not None
        and known[0] is f.__code__
        and type(primals) is tuple
        and type(tangents) is tuple
        and len(primals) == known[1] == len(tangents)
        and _PLAIN.issuperset(map(type, primals))  # no record to take apart
    ):
        tangents = _tangents(tangents, primals)
        keywords = f.__kwdefaults__ or {}
        return known[2].choose(*primals, **keywords)(*primals, *tangents, **keywords)
    given = f
    f = check_function(f, "jvp")
    f, primals, tangents = jvp_fields(f, _as_tuple(primals, "primals"), _as_tuple(tangents, "tangents"))
    if compile is not None:
        return jvp_at(f, primals, tangents, make=lambda g, request: transform_for(g, request, compile))
    out = jvp_at(f, primals, tangents)
    if f is given and type(f) is FunctionType and not is_generated(f):  # the same for any arguments
        positional = parameters(f)[0]
        if len(primals) == len(positional):  # every one given: what ``jvp_at`` transformed
            _known[f] = (f.__code__, len(positional), transform(f, Request("jvp", tuple(positional), False)))
    return out


# f -> (its code, primals, transform): what a plain function's jvp finds once, ``jvp_at``
# checked, and a repeated jvp only looks up (it still checks the tangents)
_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_F64 = np.dtype(np.float64)  # the one dtype object of native float64 arrays
_PLAIN = frozenset({float, int, bool, np.ndarray, tuple, list, dict, type(None)})


def _tangents(tangents: tuple, primals: tuple) -> tuple:
    """The tangents as ``jvp_at`` takes them (``directions.as_tangent``); the common ones,
    floats for floats and float arrays of their primals' shapes, as they are."""
    for t, x in zip(tangents, primals):
        if type(x) is float and type(t) is float:
            continue
        if type(x) is np.ndarray and type(t) is np.ndarray and t.dtype is _F64 and x.dtype.kind == "f":
            if t.shape == x.shape:
                continue
        pairs = enumerate(zip(tangents, primals))
        return tuple(as_tangent(a, b, f"tangents[{i}]") for i, (a, b) in pairs)
    return tangents


def _as_tuple(values: Any, what: str) -> tuple:
    if not isinstance(values, (tuple, list)):
        raise TypeError(
            f"jvp: `{what}` must be a tuple (one item per positional argument), got {type(values).__name__}"
        )
    return tuple(values)


def derivative(f: Callable | None = None, wrt: Wrt = 0, *, compile: str | None = None) -> Callable:
    """The derivative of ``f`` with respect to the number ``wrt``, by forward mode: the
    output may be a number, an array or a container of them. ``compile="numba"``
    compiles the tangent program with numba, as ``grad``'s.

    >>> derivative(lambda x: [x ** 2, 3.0 * x])(2.0)
    [4.0, 3.0]
    """
    check_compile(compile, "derivative")
    if f is None:
        return lambda g: derivative(g, wrt, compile=compile)
    if isinstance(wrt, (tuple, list)):
        raise ValueError("derivative: `wrt` must be one parameter (a number); use s2sad.jacobian for several")
    if is_generated(f):
        return per_call(f, lambda g: derivative(g, wrt, compile=compile), "derivative")
    return checked_transform(f, wrt, "derivative", "derivative", compile).dispatcher


__all__ = ["jvp", "derivative"]
