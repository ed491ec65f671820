"""Reverse mode: ``grad``, ``value_and_grad``, ``elementwise_grad`` and ``vjp``.

Each builds a gradient program (a primal sweep, then an adjoint sweep) per kind of
arguments, behind a dispatcher with ``f``'s signature.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import FunctionType
from typing import Any

import numpy as np

from ..driver.generated import concrete, is_generated, per_call
from ..frontend.resolve import parameters
from ..ir.kinds import kind_of
from .arguments import Wrt, check_function, checked_transform, wrt_names
from .compiling import check_compile, warn_not_compiled
from .modes import check_mode, one_mode, with_mode
from .records import gradients_back, record_transform
from .wrappers import library_function, summed


def grad(
    f: Callable | None = None, wrt: Wrt = 0, *, mode: str = "auto", compile: str | None = None
) -> Callable:
    """The gradient of a scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter position or name, or a tuple of them (the result
    is then a tuple of gradients). Works as ``@grad`` and ``@grad(wrt=...)``.

    ``mode`` is ``"reverse"``, ``"forward"`` or ``"auto"`` (``modes.with_mode``): forward
    mode takes Python numbers only (a TypeError for arrays and containers) and carries
    the tangents of all ``wrt`` arguments in one sweep; ``"auto"`` uses it for at most four numbers
    through a loop. The result is the same.

    ``compile="numba"`` compiles the derivative with numba (``compiling``): where numba
    cannot, a ``CompileWarning`` says so and the Python code runs.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> dx1, dx2 = grad(f, wrt=(0, 1))(2.0, 5.0)
    >>> round(dx1, 3), round(dx2, 3)
    (5.5, 1.716)
    """
    check_mode(mode, "grad")
    check_compile(compile, "grad")
    if f is None:
        return lambda g: grad(g, wrt, mode=mode, compile=compile)
    if is_generated(f):  # grad(grad(f))
        return per_call(f, lambda g: grad(g, wrt, mode=mode, compile=compile), "grad")
    reverse = record_transform(f, wrt, "grad", "grad", gradients_back, compile)
    return with_mode(f, wrt, mode, "grad", reverse, with_value=False, compile=compile)


def value_and_grad(
    f: Callable | None = None, wrt: Wrt = 0, *, mode: str = "auto", compile: str | None = None
) -> Callable:
    """Like ``grad``, but the function returns ``(f(...), gradient)`` from one primal sweep
    (in forward mode, the value of the first tangent sweep).

    >>> value_and_grad(lambda x: x ** 3)(2.0)
    (8.0, 12.0)
    """
    check_mode(mode, "value_and_grad")
    check_compile(compile, "value_and_grad")
    if f is None:
        return lambda g: value_and_grad(g, wrt, mode=mode, compile=compile)
    if is_generated(f):
        return per_call(f, lambda g: value_and_grad(g, wrt, mode=mode, compile=compile), "value_and_grad")
    reverse = record_transform(
        f,
        wrt,
        "value_and_grad",
        "value_and_grad",
        lambda r, c, single: (r[0], gradients_back(r[1], c, single)),
        compile,
    )
    return with_mode(f, wrt, mode, "value_and_grad", reverse, with_value=True, compile=compile)


def elementwise_grad(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """The derivative of an elementwise ``f`` at each entry of ``wrt``: the gradient of
    ``sum(f(...))``, as autograd's ``elementwise_grad``. For a function that is not
    elementwise, that is still what it gives (the vector-Jacobian product with ones).

    ``f`` may be a NumPy function (``np.tanh``, a ufunc of another library with a rule);
    the result is differentiated again like ``grad``'s.

    >>> import numpy as np
    >>> elementwise_grad(np.tanh)(np.array([0.0, 1.0]))  # 1 - tanh(x) ** 2
    array([1.        , 0.41997434])
    >>> elementwise_grad(elementwise_grad(np.sin))(0.5)  # -sin(0.5)
    -0.479425538604203
    """
    if f is None:
        return lambda g: elementwise_grad(g, wrt)
    if is_generated(f):  # elementwise_grad(elementwise_grad(f)): of the code it runs
        return per_call(f, lambda g: elementwise_grad(g, wrt), "elementwise_grad")
    if not library_function(f):
        f = check_function(f, "elementwise_grad")
        wrt_names(f, wrt, "elementwise_grad")
    total = summed(f)
    return checked_transform(total, wrt, "grad", "elementwise_grad").dispatcher


def vjp(f: Callable, *primals: Any, mode: str = "auto", compile: str | None = None) -> tuple[Any, Callable]:
    """``(f(*primals), pullback)``; ``pullback(cotangent)`` gives one cotangent per primal.

    A pullback is reverse mode: ``mode`` may be ``"auto"`` or ``"reverse"`` (the same);
    ``"forward"`` is a ValueError (forward mode is ``jvp``).

    ``compile="numba"`` is accepted; the pullback is a closure, which numba cannot return,
    so the Python code runs, with a ``CompileWarning``.

    What a plain function's vjp needs besides its arguments (the checked function, its
    transform) is found once and kept (``_known``): a repeated vjp costs a lookup, the
    dispatcher's guards and the generated program.

    >>> out, pullback = vjp(lambda x, y: x * y, 2.0, 3.0)
    >>> out, pullback(1.0)
    (6.0, (3.0, 2.0))
    """
    one_mode(mode, "vjp", "reverse", "a pullback of cotangents is reverse mode (forward mode is s2sad.jvp)")
    if check_compile(compile, "vjp"):
        warn_not_compiled("vjp", "the pullback is a closure, which numba cannot return")
    known = _known.get(f) if type(f) is FunctionType else None
    if known is not None and known[0] is f.__code__ and len(primals) == known[1]:
        out, pullback = known[2](*primals)
        return out, _checked(pullback, out)
    given = f
    f = check_function(f, "vjp")
    f = concrete(f, primals)
    positional, keyword, _ = parameters(f)
    if len(primals) != len(positional):
        raise TypeError(
            f"vjp: {f.__name__} takes {len(positional)} positional arguments, got {len(primals)} primals"
        )
    t = checked_transform(f, tuple(range(len(positional))), "vjp", "vjp")
    out, pullback = t.dispatcher(*primals)
    if f is given and type(f) is FunctionType and not is_generated(f):  # the same for any arguments
        _known[f] = (f.__code__, len(positional), t.dispatcher)
    return out, _checked(pullback, out)


_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # f -> (its code, primals, dispatcher)


def _checked(pullback: Callable, out: object) -> Callable:
    """``pullback``, checking first that a cotangent has the structure of ``out``."""

    def checked_pullback(cotangent):
        _check_cotangent(cotangent, out)
        return pullback(cotangent)

    checked_pullback.__doc__ = pullback.__doc__
    checked_pullback.__name__ = pullback.__name__
    checked_pullback.__wrapped__ = pullback
    return checked_pullback


_F64 = np.dtype(np.float64)  # the one dtype object of native float64 arrays


def _check_cotangent(ct: object, out: object, where: str = "") -> None:
    """The cotangent has the output's structure: a number or an array of its shape for each
    number or array, a tuple or list for a tuple or list, a dict with its keys for a dict."""
    if type(ct) is float and (type(out) is float or type(out) is np.float64):  # the common cases
        return  # first, checked as below
    if type(ct) is np.ndarray and type(out) is np.ndarray and ct.dtype is _F64 and ct.shape == out.shape:
        return
    what = f"the cotangent{where}"
    if isinstance(out, (tuple, list)):
        if not isinstance(ct, (tuple, list)) or len(ct) != len(out):
            raise TypeError(
                f"pullback: {what} must be a tuple of {len(out)} items, like the output; got {_describe(ct)}"
            )
        for i, (c, o) in enumerate(zip(ct, out)):
            _check_cotangent(c, o, f"{where}[{i}]")
        return
    if isinstance(out, dict):
        if not isinstance(ct, dict) or set(ct) != set(out):
            raise TypeError(
                f"pullback: {what} must be a dict with the keys {sorted(out)}; got {_describe(ct)}"
            )
        for key in out:
            _check_cotangent(ct[key], out[key], f"{where}[{key!r}]")
        return
    if not kind_of(ct).is_numeric:
        raise TypeError(f"pullback: {what} must be a number or an array, got {type(ct).__name__}")
    if np.iscomplexobj(ct):
        raise TypeError(f"pullback: {what} is complex; complex numbers are not supported")
    if np.shape(ct) != np.shape(out):
        raise ValueError(
            f"pullback: {what} has shape {np.shape(ct)}, but the output{where} has shape {np.shape(out)}"
        )


def _describe(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(value)}"
    return type(value).__name__


__all__ = ["elementwise_grad", "grad", "value_and_grad", "vjp"]
