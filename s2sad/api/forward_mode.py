"""Forward mode: ``jvp`` and ``derivative``.

The tangent program computes each value and, next to it, its derivative along the
tangents given for the arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..driver.directions import jvp_at
from ..driver.generated import is_generated, per_call
from .arguments import Wrt, check_function, checked_transform
from .compiling import check_compile, transform_for
from .records import jvp_fields


def jvp(
    f: Callable, primals: Sequence[Any], tangents: Sequence[Any], *, compile: str | None = None
) -> tuple[Any, Any]:
    """``(f(*primals), tangent_out)``: forward mode, the derivative of ``f`` along ``tangents``.

    A tangent for an argument that is not differentiated (an int used as a count or
    flag, an integer array) is ignored, whatever it is. ``compile="numba"`` runs the
    tangent program compiled by numba (built once per kinds of the primals).

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    (6.0, 3.0)
    """
    check_compile(compile, "jvp")
    f = check_function(f, "jvp")
    f, primals, tangents = jvp_fields(f, _as_tuple(primals, "primals"), _as_tuple(tangents, "tangents"))
    if compile is None:
        return jvp_at(f, primals, tangents)
    return jvp_at(f, primals, tangents, make=lambda g, request: transform_for(g, request, compile))


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
