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
from ..rules.registry import ONCE
from .arguments import Wrt, bind, check_function, wrt_names
from .compiling import check_compile, warn_not_compiled
from .modes import one_mode
from .wrappers import by_position

_ONE_WAY = "second derivatives are forward mode over the reverse-mode gradient (not reverse over reverse)"


def hessian(f: Callable, wrt: Wrt = 0, *, mode: str = "auto", compile: str | None = None) -> Callable:
    """The Hessian of a scalar ``f``, by forward mode over the generated gradient.

    That is the one way it is computed: ``mode`` may be ``"auto"`` or ``"forward"`` (the
    same); ``"reverse"`` (reverse over reverse) is a ValueError.

    A float for a number argument; an array of shape ``s + s`` for an array of shape
    ``s``; for a tuple ``wrt``, a tuple of tuples of blocks.

    Like ``grad``, the result is a dispatcher: for each new kind of arguments it builds
    a Hessian program once (the gradient program, differentiated in forward mode once
    per number argument and with one tangent per entry of an array argument), and
    later calls run that program. A sparse Hessian of one array argument takes one
    sweep per colour of its columns instead: to find its pattern, ``f`` is called once
    more with tracer objects for the argument (so side effects in ``f`` run again),
    once per shape of the argument and values of the other arguments.
    ``s2sad.source(f, mode="hessian", args=...)`` prints the program.
    ``compile="numba"`` is accepted; the Hessian program
    runs as Python code, with a ``CompileWarning``.

    >>> hessian(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0)
    54.0
    """
    one_mode(mode, "hessian", "forward", _ONE_WAY)
    if check_compile(compile, "hessian"):
        warn_not_compiled("hessian", "Hessian programs are not compiled yet")
    f = check_function(f, "hessian")
    names, single = wrt_names(f, wrt, "hessian")
    if is_generated(f):
        return _slow_hessian(f, names, single)
    parse(f)
    return HessianTransform(f, names, single).dispatcher


def _slow_hessian(f: Callable, names: tuple[str, ...], single: bool) -> Callable:
    """The Hessian of a function s2sad returned, called like it (defaults, keywords)."""
    positional, keyword, _ = parameters(f)
    slow = slow_hessian(f, names, single)

    def hess(*args: Any, **kwargs: Any) -> Any:
        values = bind(f, args, kwargs, "hessian")
        if not keyword:
            return slow(*values)
        return slow_hessian(by_position(f, values), names, single)(*values)

    setattr(hess, ONCE, "s2sad.hessian")
    hess.__name__ = slow.__name__
    return hess


def hvp(
    f: Callable, wrt: Wrt = 0, *, mode: str = "auto", scipy: bool = False, compile: str | None = None
) -> Callable:
    """``hvp(f, wrt)(*args, v)``: the Hessian of scalar ``f`` times ``v``, without forming the
    Hessian (one forward sweep over the gradient program). ``v`` has the shape of the
    ``wrt`` argument (a tuple of them for a tuple ``wrt``). Arguments left out take their
    defaults, and keyword arguments are passed by keyword, as in a call of ``f``.

    Like ``hessian``, forward mode over the gradient: ``mode`` may be ``"auto"`` or
    ``"forward"``; ``"reverse"`` is a ValueError.

    ``compile="numba"`` is accepted; the product runs as Python code, with a ``CompileWarning``.

    ``scipy=True`` gives SciPy's form ``hessp(x, v, *args)``, the direction second, for
    ``scipy.optimize.minimize(f, x0, args, jac=grad(f), hessp=hvp(f, scipy=True))``.

    >>> hvp(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0, 1.0)
    54.0
    >>> hvp(lambda x, c: c * x ** 4, scipy=True)(2.0, 1.0, 0.5)
    24.0
    """
    one_mode(mode, "hvp", "forward", _ONE_WAY)
    if check_compile(compile, "hvp"):
        warn_not_compiled("hvp", "Hessian-vector products are not compiled yet")
    f = check_function(f, "hvp")
    names, single = wrt_names(f, wrt, "hvp")
    positional, keyword, _ = parameters(f)
    params = positional + keyword
    if scipy and (not single or names != tuple(positional[:1])):
        raise ValueError(
            "hvp: scipy=True is SciPy's hessp(x, v, *args): the Hessian in f's first parameter; "
            f"leave wrt at 0 (got wrt={wrt!r})"
        )
    required = len(positional) - len(f.__defaults__ or ())
    count = str(len(positional)) if required == len(positional) else f"{required} to {len(positional)}"
    usage = (
        f"call it as hessp(x, v, *args): {f.__name__}'s first argument, the direction, then its others"
        if scipy
        else f"call it with {f.__name__}'s {count} positional arguments and then v"
    )

    def product(*args_and_v: Any, **kwargs: Any) -> Any:
        if len(args_and_v) < (2 if scipy else 1):
            raise TypeError(f"hvp: {usage}")
        if scipy:
            x, v, *rest = args_and_v
            args = (x, *rest)
        else:
            *args, v = args_and_v
        values = bind(f, tuple(args), kwargs, "hvp", f"{usage}: ")
        vs = (v,) if single else tuple(v)
        if len(vs) != len(names):
            raise ValueError(f"hvp: v must be a tuple of {len(names)} directions, one per wrt parameter")
        for name in names:
            check_array_like(values[params.index(name)], f"hvp: `{name}`")
        g = by_position(f, values) if keyword else f  # the engine passes every argument by position
        directional = second_derivatives(g, names, values)
        tangents = zero_tangents(values)
        for name, direction in zip(names, vs):
            tangents[params.index(name)] = direction
        products = tuple(directional(tangents, k) for k in range(len(names)))
        return products[0] if single else products

    setattr(product, ONCE, "s2sad.hvp")
    product.__name__ = f"{getattr(f, '__name__', 'f')}_hvp"
    return product


__all__ = ["hessian", "hvp"]
