"""The public API: ``grad``, ``value_and_grad``, ``vjp``, ``source``, ``check_grad``."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dispatch
from .errors import UnsupportedSyntaxError
from .frontend import parse
from .kinds import Kind, kind_of
from .reverse import Request

Wrt = int | str | Sequence[int | str]


def _check_function(f: object, api: str) -> None:
    if not callable(f):
        raise TypeError(f"{api} expects a function, got {type(f).__name__} {f!r}")
    if inspect.ismethod(f):
        raise UnsupportedSyntaxError(
            f"{api} of the bound method {f.__qualname__} is not supported",
            hint="Differentiate a plain function that takes the object's data as arguments.",
        )
    if not hasattr(f, "__code__"):
        name = getattr(f, "__name__", repr(f))
        raise UnsupportedSyntaxError(
            f"{api} needs a Python function with source; `{name}` is {type(f).__name__}",
            hint=f"Wrap it: {api}(lambda x: {name}(x)).",
        )


def _wrt_names(f: Callable, wrt: Wrt, api: str) -> tuple[tuple[str, ...], bool]:
    """Parameter names for ``wrt``, and whether one gradient (not a tuple) is wanted."""
    positional, keyword, _ = dispatch._params(f)
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError(f"{api}: wrt is empty; name at least one parameter")
    names = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise TypeError(f"{api}: wrt must be a parameter position or name, got {item!r}")
        if isinstance(item, int):
            if not -len(positional) <= item < len(positional):
                raise ValueError(
                    f"{api}: wrt={item} is out of range: {f.__name__} has "
                    f"{len(positional)} positional parameters"
                )
            names.append(positional[item])
        else:
            if item not in positional + keyword:
                raise ValueError(
                    f"{api}: wrt={item!r} is not a parameter of {f.__name__}; "
                    f"its parameters are {', '.join(positional + keyword)}"
                )
            names.append(item)
    if len(set(names)) != len(names):
        raise ValueError(f"{api}: wrt names a parameter twice: {wrt!r}")
    return tuple(names), single


def _transform(f: Callable, wrt: Wrt, mode: str, api: str) -> dispatch.Transform:
    _check_function(f, api)
    if isinstance(f, dispatch.types.FunctionType) and hasattr(f, "__s2sad__"):
        raise UnsupportedSyntaxError(
            f"{api} of a function s2sad generated is not supported yet",
            hint="Higher-order derivatives come with forward mode (s2sad.hessian).",
        )
    parse(f)  # unsupported constructs are reported now, not at the first call
    names, single = _wrt_names(f, wrt, api)
    return dispatch.transform(f, Request(mode, names, single))


def grad(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """The gradient of a scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter position or name, or a tuple of them (the result
    is then a tuple of gradients). Works as ``@grad`` and ``@grad(wrt=...)``.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> dx1, dx2 = grad(f, wrt=(0, 1))(2.0, 5.0)
    >>> round(dx1, 3), round(dx2, 3)
    (5.5, 1.716)
    """
    if f is None:
        return lambda g: grad(g, wrt)
    return _transform(f, wrt, "grad", "grad").dispatcher


def value_and_grad(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """Like ``grad``, but the function returns ``(f(...), gradient)`` from one primal sweep.

    >>> value_and_grad(lambda x: x ** 3)(2.0)
    (8.0, 12.0)
    """
    if f is None:
        return lambda g: value_and_grad(g, wrt)
    return _transform(f, wrt, "value_and_grad", "value_and_grad").dispatcher


def vjp(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``(f(*primals), pullback)``; ``pullback(cotangent)`` gives one cotangent per primal.

    >>> out, pullback = vjp(lambda x, y: x * y, 2.0, 3.0)
    >>> out, pullback(1.0)
    (6.0, (3.0, 2.0))
    """
    _check_function(f, "vjp")
    positional, keyword, _ = dispatch._params(f)
    if len(primals) != len(positional):
        raise TypeError(
            f"vjp: {f.__name__} takes {len(positional)} positional arguments, got {len(primals)} primals"
        )
    t = _transform(f, tuple(range(len(positional))), "vjp", "vjp")
    out, pullback = t.dispatcher(*primals)
    out_kind = kind_of(out)

    def checked_pullback(cotangent):
        _check_cotangent(cotangent, out, out_kind)
        return pullback(cotangent)

    checked_pullback.__doc__ = pullback.__doc__
    checked_pullback.__name__ = pullback.__name__
    checked_pullback.__wrapped__ = pullback
    return out, checked_pullback


def _check_cotangent(ct: object, out: object, out_kind: Kind, where: str = "") -> None:
    """The cotangent has the output's structure: a number or an array of its shape for each
    number or array, a tuple or list for a tuple or list, a dict with its keys for a dict."""
    what = f"the cotangent{where}"
    if isinstance(out, (tuple, list)):
        if not isinstance(ct, (tuple, list)) or len(ct) != len(out):
            raise TypeError(
                f"pullback: {what} must be a tuple of {len(out)} items, like the output; got {_describe(ct)}"
            )
        for i, (c, o) in enumerate(zip(ct, out)):
            _check_cotangent(c, o, kind_of(o), f"{where}[{i}]")
        return
    if isinstance(out, dict):
        if not isinstance(ct, dict) or set(ct) != set(out):
            raise TypeError(
                f"pullback: {what} must be a dict with the keys {sorted(out)}; got {_describe(ct)}"
            )
        for key in out:
            _check_cotangent(ct[key], out[key], kind_of(out[key]), f"{where}[{key!r}]")
        return
    if not kind_of(ct).is_numeric:
        raise TypeError(f"pullback: {what} must be a number or an array, got {type(ct).__name__}")
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


def _example_kinds(f: Callable, args: Sequence[Any] | None) -> dict[str, object]:
    positional, keyword, _ = dispatch._params(f)
    if args is not None:
        if len(args) > len(positional):
            raise TypeError(f"source: {f.__name__} takes {len(positional)} positional arguments")
        values = dict(zip(positional, args))
        sig = inspect.signature(f)
        for name, p in sig.parameters.items():
            if name not in values and p.default is not inspect.Parameter.empty:
                values[name] = p.default
        return values
    # No example arguments: the annotation where it names a type, else a float.
    values = {}
    annotations = getattr(f, "__annotations__", {})
    for name in positional + keyword:
        ann = annotations.get(name)
        values[name] = {int: 1, np.ndarray: np.zeros(2), float: 1.0}.get(ann, 1.0)
    return values


def source(
    f: Callable,
    mode: str = "reverse",
    wrt: Wrt = 0,
    stage: str = "final",
    args: Sequence[Any] | None = None,
    kind: str = "grad",
) -> str:
    """The generated source of ``f``'s derivative, as a string.

    ``stage`` is ``"final"`` (what runs), ``"raw"`` (before simplification) or
    ``"ssa"`` (the lowered three-address form of ``f`` itself). Generated code
    is specialised on the kinds of the arguments: pass example ``args`` to see
    the code for arrays; by default every parameter is taken as a float.
    ``kind`` is ``"grad"``, ``"value_and_grad"`` or ``"vjp"``.

    >>> print(source(lambda x: x * x))  # doctest: +ELLIPSIS
    def lambda_grad(x):
    ...
        return x + x
    <BLANKLINE>
    """
    if mode != "reverse":
        raise ValueError(f"source: mode={mode!r} is not available; mode='reverse' is")
    if stage not in ("final", "raw", "ssa"):
        raise ValueError(f"source: stage must be 'final', 'raw' or 'ssa', got {stage!r}")
    if kind not in ("grad", "value_and_grad", "vjp"):
        raise ValueError(f"source: kind must be 'grad', 'value_and_grad' or 'vjp', got {kind!r}")
    t = _transform(f, tuple(range(len(dispatch._params(f)[0]))) if kind == "vjp" else wrt, kind, "source")
    return t.stages(_example_kinds(f, args)).source(stage)


def check_grad(f: Callable, *args: Any, wrt: Wrt = 0, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Compare ``grad(f, wrt)(*args)`` with central finite differences.

    Raises ``AssertionError`` naming the worst entry when they disagree.

    >>> check_grad(lambda x: x ** 3, 2.0)
    """
    names, single = _wrt_names(f, wrt, "check_grad")
    positional, _, _ = dispatch._params(f)
    ad = grad(f, wrt)(*args)
    ad = (ad,) if single else ad
    for name, g in zip(names, ad):
        i = positional.index(name)
        fd = numerical_gradient(f, args, i)
        _compare(f"d{f.__name__}/d{name}", np.asarray(g, dtype=float), fd, rtol, atol)


def numerical_gradient(f: Callable, args: Sequence[Any], i: int, step: float = 1e-6) -> np.ndarray:
    """Central differences of scalar ``f`` in argument ``i`` (any shape)."""
    x0 = args[i]
    x = np.array(x0, dtype=float)
    grad_fd = np.zeros_like(x)

    def call(value):
        new = list(args)
        new[i] = float(value) if np.ndim(x0) == 0 and not isinstance(x0, np.ndarray) else value
        return float(f(*new))

    flat = x.reshape(-1)
    out = grad_fd.reshape(-1)
    for j in range(flat.size):
        h = step * max(1.0, abs(flat[j]))
        plus, minus = flat.copy(), flat.copy()
        plus[j] += h
        minus[j] -= h
        out[j] = (call(plus.reshape(x.shape)) - call(minus.reshape(x.shape))) / (2 * h)
    return grad_fd


def _compare(what: str, ad: np.ndarray, fd: np.ndarray, rtol: float, atol: float) -> None:
    if ad.shape != fd.shape:
        raise AssertionError(f"{what}: the gradient has shape {ad.shape}, expected {fd.shape}")
    scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
    err = np.abs(ad - fd)
    bound = atol * scale + rtol * np.maximum(np.abs(fd), scale * 1e-3)
    bad = err > np.maximum(bound, 1e-5 * scale)
    if np.any(bad) or not np.all(np.isfinite(ad)) and np.all(np.isfinite(fd)):
        j = int(np.argmax(np.where(np.isfinite(err), err, math.inf)))
        idx = np.unravel_index(j, ad.shape) if ad.shape else ()
        where = f"[{', '.join(map(str, idx))}]" if idx else ""
        raise AssertionError(
            f"{what}{where} = {ad.reshape(-1)[j]!r} by AD but {fd.reshape(-1)[j]!r} "
            f"by central differences (error {err.reshape(-1)[j]:.3g})"
        )


__all__ = ["grad", "value_and_grad", "vjp", "source", "check_grad"]
