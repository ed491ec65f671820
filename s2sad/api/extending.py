"""Extending s2sad: derivative rules of the user's own, and values held still.

``defvjp(fn, *vjps)`` and ``defjvp(fn, *jvps)`` give ``fn`` a derivative: one rule per
positional argument, ``vjp_i(g, ans, *args, **kwargs)`` the cotangent of argument ``i``
from the result's cotangent ``g``, ``jvp_i(t, ans, *args, **kwargs)`` the result's
tangent from the tangent ``t`` of argument ``i``. ``None`` (and any argument past the
last rule) has no derivative. The rule's formula goes into generated code:

>>> import math
>>> import s2sad
>>> from s2sad.frontend.parse import parse_source
>>> softplus = parse_source('''
... import math
...
... def softplus(x):
...     return math.log(1.0 + math.exp(x))
... ''').fn
>>> _ = defvjp(softplus, lambda g, ans, x: g / (1.0 + math.exp(-x)))
>>> s2sad.grad(softplus)(0.0)
0.5

``custom_vjp``/``custom_jvp`` decorate a function whose body runs as written but whose
derivative comes from the rules given with ``f.defvjp(...)``/``f.defjvp(...)`` (a
straight-through estimator, a formula that is safer than the body's).
``stop_gradient(x)`` is ``x`` with a derivative of zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..rules.user import declare, held_still, register

F = TypeVar("F", bound=Callable[..., Any])


def defvjp(fn: Callable, *vjps: Callable | None) -> Callable:
    """Register ``fn``'s reverse-mode rules, one per positional argument; returns ``fn``.

    Each ``vjp_i(g, ans, *args, **kwargs)`` gives the cotangent of ``args[i]``. Derivatives
    built later use the rules; those built before are built again when next called."""
    _check(fn, vjps, "defvjp")
    register(fn, "vjp", vjps)
    return fn


def defjvp(fn: Callable, *jvps: Callable | None) -> Callable:
    """Register ``fn``'s forward-mode rules, one per positional argument; returns ``fn``.

    Each ``jvp_i(t, ans, *args, **kwargs)`` gives the tangent of the result along the
    tangent ``t`` of ``args[i]``; the result's tangent is the sum over the arguments."""
    _check(fn, jvps, "defjvp")
    register(fn, "jvp", jvps)
    return fn


def custom_vjp(f: F) -> F:
    """Decorate ``f`` so that s2sad uses the rules given with ``f.defvjp(*vjps)`` (and
    ``f.defjvp(*jvps)`` for forward mode) instead of differentiating its body.

    ``f`` is returned as itself and runs as written."""
    return _custom(f, "custom_vjp")


def custom_jvp(f: F) -> F:
    """Decorate ``f`` so that s2sad uses the rules given with ``f.defjvp(*jvps)`` (and
    ``f.defvjp(*vjps)`` for reverse mode) instead of differentiating its body."""
    return _custom(f, "custom_jvp")


def stop_gradient(x: Any) -> Any:
    """``x`` itself, whose derivative is zero in both modes and at every order.

    >>> stop_gradient(2.5)
    2.5
    """
    return x


held_still(stop_gradient)


def _custom(f: F, api: str) -> F:
    if not callable(f):
        raise TypeError(f"{api} expects a function, got {type(f).__name__} {f!r}")
    declare(f)
    f.defvjp = lambda *vjps: defvjp(f, *vjps)  # type: ignore[attr-defined]
    f.defjvp = lambda *jvps: defjvp(f, *jvps)  # type: ignore[attr-defined]
    return f


def _check(fn: object, rules: tuple, api: str) -> None:
    if not callable(fn):
        raise TypeError(f"{api}: `fn` must be a callable, got {type(fn).__name__} {fn!r}")
    for i, r in enumerate(rules):
        if r is not None and not callable(r):
            raise TypeError(f"{api}: the rule for argument {i} must be a callable or None, got {r!r}")


__all__ = ["custom_jvp", "custom_vjp", "defjvp", "defvjp", "stop_gradient"]
