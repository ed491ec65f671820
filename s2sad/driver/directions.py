"""Directions: the tangents Jacobians and Hessians are built from, and forward mode along them.

A column of a Jacobian is the derivative along a unit tangent of one argument
(``basis``, or ``unit_tangents`` stacked), the other arguments held still by zero
tangents (``zero_tangents``); the columns go back together in the shape
``out.shape + x.shape`` (``assemble``). ``jvp_at`` runs forward mode along given
tangents: what ``s2sad.jvp`` runs once it has checked its arguments, and what the
Hessian engine runs on generated gradient programs.

>>> import numpy as np
>>> list(basis(np.zeros(2)))
[array([1., 0.]), array([0., 1.])]
>>> zero_tangents([2.0, np.ones(2), 3])
[0.0, array([0., 0.]), 0.0]
>>> assemble([np.array([2.0, 0.0]), np.array([0.0, 4.0])], (2,), np.zeros(2))
array([[2., 0.],
       [0., 4.]])
>>> def area(w, h):
...     return w * h
>>> jvp_at(area, (2.0, 3.0), (1.0, 0.0))  # the value, and its derivative along w
(6.0, 3.0)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..derive.request import Request
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from ..ir.kinds import kind_of
from .dispatch import transform
from .generated import concrete


def check_array_like(x: Any, what: str) -> None:
    """A Jacobian or Hessian is taken of numbers and arrays, not of containers."""
    if not kind_of(x).is_numeric or isinstance(x, (tuple, list, dict)):
        raise TypeError(f"{what} must be a number or an array, got {type(x).__name__}")
    if np.iscomplexobj(x):
        raise TypeError(f"{what} is complex; complex numbers are not supported")


def basis(x: Any):
    """Unit tangents of the shape of ``x``, one per entry, in C order."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        yield 1.0
        return
    for j in range(np.size(x)):
        e = np.zeros(np.shape(x))
        e.flat[j] = 1.0
        yield e


def unit_tangents(x: np.ndarray) -> np.ndarray:
    """The unit tangents of the shape of ``x``, one per entry in C order, stacked (read-only,
    and made once per shape)."""
    return _units(x.shape)


@functools.lru_cache(maxsize=64)
def _units(shape: tuple[int, ...]) -> np.ndarray:
    n = math.prod(shape)
    units = np.eye(n).reshape((n,) + shape)
    units.flags.writeable = False
    return units


def zero_tangents(args: Sequence[Any]) -> list[Any]:
    """A tangent for each argument that holds it still."""
    out = []
    for x in args:
        if isinstance(x, (tuple, list, dict)) or not kind_of(x).is_numeric:
            out.append(_zeros_like_tree(x))
        else:
            out.append(np.zeros(np.shape(x)) if isinstance(x, np.ndarray) else 0.0)
    return out


def _zeros_like_tree(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _zeros_like_tree(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_zeros_like_tree(v) for v in x)
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape)
    return 0.0


def assemble(parts: list[Any], out_shape: tuple, x: Any) -> Any:
    """Columns (or rows) of a Jacobian into an array of shape ``out.shape + x.shape``."""
    x_shape = np.shape(x)
    if not out_shape and not x_shape and not isinstance(x, np.ndarray):
        return float(parts[0])
    return np.reshape(np.stack([np.asarray(p, dtype=float) for p in parts], axis=-1), out_shape + x_shape)


def _holds_numbers(x: Any) -> bool:
    """Whether a container has a number or a numeric array among its leaves."""
    if isinstance(x, dict):
        return any(_holds_numbers(v) for v in x.values())
    if isinstance(x, (tuple, list)):
        return any(_holds_numbers(v) for v in x)
    return kind_of(x).is_numeric


def as_tangent(t: Any, x: Any, what: str) -> Any:
    """A tangent for the primal ``x``: of its structure and shape, as floats; ``0.0`` for an
    argument that has none (a bool, an integer array). A Python int is differentiated as a
    float: its tangent counts (``None`` holds it still, as for a count or an index)."""
    if type(x) is float and type(t) is float:  # the common cases first, checked as below
        return t
    if type(x) is np.ndarray and type(t) is np.ndarray and x.dtype.kind == "f" and t.dtype == np.float64:
        if t.shape == x.shape:
            return t
    k = kind_of(x)
    if isinstance(x, (tuple, list, dict)) and len(x) and not _holds_numbers(x):
        return 0.0  # ignored: a tuple of functions, a dict of names
    if t is None and isinstance(x, (tuple, list, dict)):  # held still: zeros for what counts
        t = dict.fromkeys(x) if isinstance(x, dict) else type(x)(None for _ in x)
    if isinstance(x, dict):
        if not isinstance(t, dict) or set(t) != set(x):
            raise ValueError(f"jvp: {what} must be a dict with the keys {sorted(x)}, like its primal")
        return {key: as_tangent(t[key], x[key], f"{what}[{key!r}]") for key in x}
    if isinstance(x, (tuple, list)):
        if not isinstance(t, (tuple, list)) or len(t) != len(x):
            raise ValueError(f"jvp: {what} must be a {type(x).__name__} of {len(x)} items, like its primal")
        return type(x)(as_tangent(a, b, f"{what}[{i}]") for i, (a, b) in enumerate(zip(t, x)))
    if type(x) is int and t is None:
        return 0.0
    if not k.is_numeric or k.dtype in "bi" and type(x) is not int:
        return 0.0  # ignored: the argument is not differentiated
    if t is None:
        raise ValueError(
            f"jvp: {what} is None; pass a tangent for each float argument (zeros to hold it still)"
        )
    if np.shape(t) != np.shape(x):
        raise ValueError(f"jvp: {what} has shape {np.shape(t)}, but its primal has shape {np.shape(x)}")
    if k.dtype == "c" or np.iscomplexobj(t):
        raise TypeError(f"jvp: {what} or its primal is complex; complex numbers are not supported")
    return np.asarray(t, dtype=float) if isinstance(x, np.ndarray) else float(t)


def jvp_at(
    f: Callable,
    primals: tuple,
    tangents: tuple,
    wrt: tuple[str, ...] | None = None,
    make: Callable = transform,
) -> tuple[Any, Any]:
    """``(f(*primals), tangent_out)``: the tangent program of ``f`` (of the code it runs, for
    a function s2sad returned), specialised on the primals and run along ``tangents``.

    ``wrt`` names the parameters that move (the others' tangents are zero, and they are
    constants of the tangent program: a Hessian in ``w`` needs no rule for what only the
    data goes through); all of them by default. ``make(f, request)`` gives the transform
    (``compile="numba"`` hands over one that compiles).

    Errors name ``jvp``: this is what ``s2sad.jvp`` runs, and a Hessian-vector product's
    direction reaches the tangent program through it."""
    f = concrete(f, primals)
    positional, keyword_only, _ = parameters(f)
    defaults = tuple(getattr(f, "__defaults__", None) or ())
    keywords = dict(getattr(f, "__kwdefaults__", None) or {})  # keyword-only: their defaults
    unset = [k for k in keyword_only if k not in keywords]
    if unset:
        raise ValueError(
            f"jvp: {f.__name__}'s keyword-only parameter `{unset[0]}` has no default; "
            f"pass a function that sets it, as `lambda x: {f.__name__}(x, {unset[0]}=...)`"
        )
    missing = len(positional) - len(primals)
    if missing < 0 or missing > len(defaults):
        required = len(positional) - len(defaults)
        count = str(len(positional)) if not defaults else f"{required} to {len(positional)}"
        raise ValueError(f"jvp: {f.__name__} takes {count} positional arguments, got {len(primals)} primals")
    if len(tangents) != len(primals):
        raise ValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; pass one tangent per primal"
        )
    tangents = tuple(as_tangent(t, x, f"tangents[{i}]") for i, (t, x) in enumerate(zip(tangents, primals)))
    parse(f)  # unsupported constructs are reported before anything is built
    if not positional:
        raise ValueError("jvp: wrt is empty; name at least one parameter")
    given = positional[: len(primals)]  # arguments left out take their defaults, held constant
    primals = tuple(primals) + (defaults[len(defaults) - missing :] if missing else ())
    names = tuple(n for n in given if wrt is None or n in wrt)
    t = make(f, Request("jvp", names, False))
    function = t.find(primals, keywords)  # the table the dispatcher reads, not a transform check
    moving = (t for name, t in zip(positional, tangents) if name in names)
    return function(*primals, *moving, **keywords)
