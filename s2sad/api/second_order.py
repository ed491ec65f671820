"""Second order: ``hessian`` and ``hvp``, forward mode over the generated gradient.

These are the public faces; the Hessian programs themselves are built, checked and
cached by the driver (``s2sad.driver.hessian``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..driver.directions import check_array_like, zero_tangents
from ..driver.generated import is_generated
from ..driver.hessian import HessianTransform, second_derivatives, slow_hessian
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from .arguments import Wrt, check_function, wrt_names


def hessian(f: Callable, wrt: Wrt = 0) -> Callable:
    """The Hessian of a scalar ``f``, by forward mode over the generated gradient.

    A float for a number argument; an array of shape ``s + s`` for an array of shape
    ``s``; for a tuple ``wrt``, a tuple of tuples of blocks.

    Like ``grad``, the result is a dispatcher: for each new kind of arguments it builds
    a Hessian program once (the gradient program, differentiated in forward mode once
    per number argument and with one tangent per entry of an array argument), and
    later calls run that program.

    >>> hessian(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0)
    54.0
    """
    check_function(f, "hessian")
    names, single = wrt_names(f, wrt, "hessian")
    if is_generated(f):
        return slow_hessian(f, names, single)
    parse(f)
    return HessianTransform(f, names, single).dispatcher


def hvp(f: Callable, wrt: Wrt = 0) -> Callable:
    """``hvp(f, wrt)(*args, v)``: the Hessian of scalar ``f`` times ``v``, without forming the
    Hessian (one forward sweep over the gradient program). ``v`` has the shape of the
    ``wrt`` argument (a tuple of them for a tuple ``wrt``).

    >>> hvp(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0, 1.0)
    54.0
    """
    check_function(f, "hvp")
    names, single = wrt_names(f, wrt, "hvp")
    positional, _, _ = parameters(f)

    defaults = tuple(getattr(f, "__defaults__", None) or ())

    def product(*args_and_v: Any) -> Any:
        *args, v = args_and_v
        missing = len(positional) - len(args)
        if not args_and_v or missing < 0 or missing > len(defaults):
            required = len(positional) - len(defaults)
            count = str(len(positional)) if not defaults else f"{required} to {len(positional)}"
            raise TypeError(f"hvp: call it with {f.__name__}'s {count} positional arguments and then v")
        args += defaults[len(defaults) - missing :] if missing else ()
        vs = (v,) if single else tuple(v)
        if len(vs) != len(names):
            raise ValueError(f"hvp: v must be a tuple of {len(names)} directions, one per wrt parameter")
        for name in names:
            check_array_like(args[positional.index(name)], f"hvp: `{name}`")
        directional = second_derivatives(f, names, args)
        tangents = zero_tangents(args)
        for name, direction in zip(names, vs):
            tangents[positional.index(name)] = direction
        products = tuple(directional(tangents, k) for k in range(len(names)))
        return products[0] if single else products

    product.__name__ = f"{getattr(f, '__name__', 'f')}_hvp"
    return product


__all__ = ["hessian", "hvp"]
