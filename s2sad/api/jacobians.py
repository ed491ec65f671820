"""Jacobians: column by column with JVPs, or row by row with VJPs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..driver.directions import assemble, basis, check_array_like, zero_tangents
from ..frontend.resolve import parameters
from .arguments import Wrt, check_function, wrt_names
from .forward_mode import jvp
from .reverse_mode import vjp


def jacobian(f: Callable, wrt: Wrt = 0, mode: str = "auto") -> Callable:
    """The Jacobian of ``f`` with respect to ``wrt``, of shape ``out.shape + arg.shape``.

    ``mode="forward"`` builds it column by column with JVPs, ``"reverse"`` row by
    row with VJPs, ``"auto"`` picks forward when the argument has fewer entries
    than the output. A tuple ``wrt`` gives a tuple of Jacobians.

    >>> import numpy as np
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', got {mode!r}")
    check_function(f, "jacobian")
    names, single = wrt_names(f, wrt, "jacobian")
    positional, _, _ = parameters(f)

    def jac(*args: Any) -> Any:
        if len(args) != len(positional):
            raise TypeError(
                f"jacobian: {f.__name__} takes {len(positional)} positional arguments, got {len(args)}"
            )
        for name in names:
            check_array_like(args[positional.index(name)], f"jacobian: `{name}`")
        out = None
        if mode == "auto":
            out = f(*args)
        results = []
        for name in names:
            i = positional.index(name)
            x = args[i]
            chosen = mode
            if mode == "auto":
                check_array_like(out, "jacobian: the output")
                chosen = "forward" if np.size(x) <= np.size(out) else "reverse"
            results.append(
                _jacobian_forward(f, args, i) if chosen == "forward" else _jacobian_reverse(f, args, i)
            )
        return results[0] if single else tuple(results)

    jac.__name__ = f"{getattr(f, '__name__', 'f')}_jacobian"
    jac.__doc__ = f"Jacobian of {getattr(f, '__name__', 'f')} with respect to {', '.join(names)}."
    return jac


def _jacobian_forward(f: Callable, args: Sequence[Any], i: int) -> Any:
    tangents = zero_tangents(args)
    columns, out = [], None
    for e in basis(args[i]):
        tangents[i] = e
        out, column = jvp(f, tuple(args), tuple(tangents))
        columns.append(column)
    check_array_like(out, "jacobian: the output")
    return assemble(columns, np.shape(out), args[i])


def _jacobian_reverse(f: Callable, args: Sequence[Any], i: int) -> Any:
    out, pullback = vjp(f, *args)
    check_array_like(out, "jacobian: the output")
    rows = [pullback(e)[i] for e in basis(out)]
    x = args[i]
    if not rows:
        return np.zeros(np.shape(out) + np.shape(x))
    stacked = np.stack([np.asarray(r, dtype=float) for r in rows])  # (out.size,) + x.shape
    result = np.reshape(stacked, np.shape(out) + np.shape(x))
    if result.shape == () and not isinstance(x, np.ndarray) and not isinstance(out, np.ndarray):
        return float(result)
    return result


__all__ = ["jacobian"]
