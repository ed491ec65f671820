"""Jacobians: column by column with JVPs, or row by row with VJPs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..driver.directions import assemble, basis, check_array_like, jvp_at, zero_tangents
from ..frontend.resolve import parameters
from ..rules.registry import ONCE
from .arguments import Wrt, bind, check_function, checked_transform, wrt_names
from .compiling import check_compile, warn_not_compiled
from .modes import check_mode
from .wrappers import by_position

JACOBIAN_OF = "__s2sad_jacobian_of__"  # on what jacobian returns: the function, wrt, one or a tuple


def jacobian(f: Callable, wrt: Wrt = 0, mode: str = "auto", *, compile: str | None = None) -> Callable:
    """The Jacobian of ``f`` with respect to ``wrt``, of shape ``out.shape + arg.shape``.

    ``mode="forward"`` builds it column by column with JVPs, ``"reverse"`` row by
    row with VJPs, ``"auto"`` picks forward when the argument has fewer entries
    than the output. A tuple ``wrt`` gives a tuple of Jacobians. ``compile="numba"`` is
    accepted; the Jacobian's sweeps run as Python code, with a ``CompileWarning``.

    >>> import numpy as np
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    check_mode(mode, "jacobian")
    if check_compile(compile, "jacobian"):
        warn_not_compiled("jacobian", "Jacobians are not compiled yet")
    f = check_function(f, "jacobian")
    names, single = wrt_names(f, wrt, "jacobian")
    positional, keyword, _ = parameters(f)
    params = positional + keyword

    def jac(*args: Any, **kwargs: Any) -> Any:
        values = bind(f, args, kwargs, "jacobian")  # every parameter, defaults filled in
        if len(values) != len(params):
            raise TypeError(
                f"jacobian: {f.__name__} takes {len(positional)} positional arguments, got {len(values)}"
            )
        for name in names:
            check_array_like(values[params.index(name)], f"jacobian: `{name}`")
        g = by_position(f, values)
        out = None
        if mode == "auto":
            out = g(*values)
        results = []
        for name in names:
            i = params.index(name)
            x = values[i]
            chosen = mode
            if mode == "auto":
                check_array_like(out, "jacobian: the output")
                chosen = "forward" if np.size(x) <= np.size(out) else "reverse"
            results.append(
                _jacobian_forward(g, values, i) if chosen == "forward" else _jacobian_reverse(g, values, i)
            )
        return results[0] if single else tuple(results)

    setattr(jac, ONCE, "s2sad.jacobian")
    setattr(jac, JACOBIAN_OF, (f, names, single))  # its derivatives: api.nested
    jac.__name__ = f"{getattr(f, '__name__', 'f')}_jacobian"
    jac.__doc__ = f"Jacobian of {getattr(f, '__name__', 'f')} with respect to {', '.join(names)}."
    return jac


def _jacobian_forward(g: Callable, args: Sequence[Any], i: int) -> Any:
    tangents = zero_tangents(args)
    moving = (parameters(g)[0][i],)  # the others are constants of the tangent program
    columns, out = [], None
    for e in basis(args[i]):
        tangents[i] = e
        out, column = jvp_at(g, tuple(args), tuple(tangents), moving)
        columns.append(column)
    check_array_like(out, "jacobian: the output")
    return assemble(columns, np.shape(out), args[i])


def _jacobian_reverse(g: Callable, args: Sequence[Any], i: int) -> Any:
    out, pullback = checked_transform(g, (i,), "vjp", "jacobian").dispatcher(*args)
    check_array_like(out, "jacobian: the output")
    rows = [pullback(e)[0] for e in basis(out)]
    x = args[i]
    if not rows:
        return np.zeros(np.shape(out) + np.shape(x))
    stacked = np.stack([np.asarray(r, dtype=float) for r in rows])  # (out.size,) + x.shape
    result = np.reshape(stacked, np.shape(out) + np.shape(x))
    if result.shape == () and not isinstance(x, np.ndarray) and not isinstance(out, np.ndarray):
        return float(result)
    return result


__all__ = ["jacobian"]
