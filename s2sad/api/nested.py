"""Derivatives s2sad made, called inside code s2sad differentiates.

A function ``grad`` (or ``jvp``, ``hessian``, ...) returned has no source of its own to
read: it dispatches to generated code for the arguments at hand. Called inside a function
being differentiated (``dg = s2sad.grad(g)``, then ``np.dot(dg(x), v)`` in ``f``), its
derivative comes from s2sad again, through the code it runs: the VJP in argument ``i`` is
``vjp(dg, *args)``'s pullback, the JVP ``jvp(dg, args, tangents)``. These are rules like
the user's, called from generated code (``dg_vjp_0(g, ans, x)``), registered the first time
a derivative needs them:

>>> import numpy as np
>>> import s2sad
>>> def energy(x):
...     return np.sum(x ** 4) / 4.0
>>> force = s2sad.grad(energy)  # x ** 3
>>> def work(x, v):
...     return np.dot(force(x), v)
>>> s2sad.grad(work)(np.array([1.0, 2.0]), np.array([1.0, 1.0]))  # 3 x ** 2 * v
array([ 3., 12.])

A second derivative through them (the Hessian of ``work``) would need the rules' own
derivatives, which are not written: that is a ``MissingRuleError`` that says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..driver.generated import is_generated, positional_params
from ..rules.registry import NESTED, Rule, fallback
from ..rules.user import register
from .forward_mode import jvp
from .reverse_mode import vjp


class _Pullback:
    """``vjp_i(g, ans, *args)``: the cotangent of argument ``i`` of ``f`` from ``g``."""

    def __init__(self, f: Any, i: int):
        self.f, self.i = f, i
        setattr(self, NESTED, getattr(f, "__name__", "f"))

    def __call__(self, g: Any, ans: Any, *args: Any) -> Any:
        return vjp(self.f, *args)[1](g)[self.i]


class _Pushforward:
    """``jvp_i(t, ans, *args)``: the tangent of ``f``'s result from the tangent ``t`` of
    argument ``i``, the others held still."""

    def __init__(self, f: Any, i: int):
        self.f, self.i = f, i
        setattr(self, NESTED, getattr(f, "__name__", "f"))

    def __call__(self, t: Any, ans: Any, *args: Any) -> Any:
        tangents = [_zeros(a) for a in args]
        tangents[self.i] = t
        return jvp(self.f, args, tangents)[1]


def _zeros(x: Any) -> Any:
    """A tangent of zero shaped like ``x`` (``None`` for what has none: ints, strings)."""
    if isinstance(x, (tuple, list)):
        return type(x)(_zeros(v) for v in x)
    if isinstance(x, dict):
        return {k: _zeros(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape) if x.dtype.kind in "fc" else None
    return 0.0 if isinstance(x, float) else None


def nested_rule(fn: object) -> Rule | None:
    """The rules of a function s2sad returned; ``None`` for any other function."""
    if not callable(fn) or getattr(fn, NESTED, None) is not None or not is_generated(fn):
        return None
    n = len(positional_params(fn))
    register(fn, "vjp", [_Pullback(fn, i) for i in range(n)], notify=False)
    return register(fn, "jvp", [_Pushforward(fn, i) for i in range(n)], notify=False)


fallback(nested_rule)
