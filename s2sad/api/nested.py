"""Derivatives s2sad made, called inside code s2sad differentiates.

A function ``grad`` (or ``jvp``, ``hessian``, ...) returned has no source of its own to
read: it dispatches to generated code for the arguments at hand. Called inside a function
being differentiated (``dg = s2sad.grad(g)``, then ``np.dot(dg(x), v)`` in ``f``), its
derivative comes from s2sad again, through the code it runs: the VJP in argument ``i`` is
the pullback of ``dg``'s code in that argument, the JVP its tangent program along it (the
other arguments constants of it). These are rules like
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

What ``s2sad.jacobian(g)`` returns has rules too (``np.sum(np.sin(jacobian(g)(x)))`` in
``f``): the cotangent ``G`` of a Jacobian ``J`` pulls back to the gradient of ``sum(G * J)``,
a sum of Hessian-vector products of ``sum(weights * g(...))`` (``wrappers.contracted``),
one per entry of the argument; its tangent is one such product per entry of the output.

A second derivative through them (the Hessian of ``work``) would need the rules' own
derivatives, which are not written: that is a ``MissingRuleError`` that says so. What
``s2sad.hessian`` and ``hvp`` return has no rules (its derivative is a third one).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..driver.directions import basis, jvp_at
from ..driver.generated import concrete, is_generated, positional_params
from ..frontend.resolve import parameters
from ..rules.registry import NESTED, Rule, fallback
from ..rules.user import register
from .arguments import checked_transform
from .jacobians import JACOBIAN_OF
from .second_order import hvp
from .wrappers import contracted


class _Pullback:
    """``vjp_i(g, ans, *args)``: the cotangent of argument ``i`` of ``f`` from ``g``."""

    def __init__(self, f: Any, i: int):
        self.f, self.i = f, i
        setattr(self, NESTED, getattr(f, "__name__", "f"))

    def __call__(self, g: Any, ans: Any, *args: Any) -> Any:
        code = concrete(self.f, args)  # in argument i only: the others' partials are not needed
        return checked_transform(code, (self.i,), "vjp", "vjp").dispatcher(*args)[1](g)[0]


class _Pushforward:
    """``jvp_i(t, ans, *args)``: the tangent of ``f``'s result from the tangent ``t`` of
    argument ``i``, the others held still."""

    def __init__(self, f: Any, i: int):
        self.f, self.i = f, i
        setattr(self, NESTED, getattr(f, "__name__", "f"))

    def __call__(self, t: Any, ans: Any, *args: Any) -> Any:
        tangents = [_zeros(a) for a in args]
        tangents[self.i] = t
        moving = parameters(concrete(self.f, args))[0][self.i]  # the others constants: no 0 * nan
        return jvp_at(self.f, tuple(args), tuple(tangents), (moving,))[1]


def _zeros(x: Any) -> Any:
    """A tangent of zero shaped like ``x`` (``None`` for what has none: ints, strings)."""
    if isinstance(x, (tuple, list)):
        return type(x)(_zeros(v) for v in x)
    if isinstance(x, dict):
        return {k: _zeros(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape) if x.dtype.kind in "fc" else None
    return 0.0 if isinstance(x, float) else None


class _JacobianRule:
    """A derivative of ``jacobian(f, wrt)`` in argument ``i``, from Hessian-vector products of
    ``contracted(f)``, ``sum(weights * f(...))``: the mixed second derivatives of ``f``."""

    def __init__(self, jac: Any, i: int):
        self.i = i
        self.f, self.names, self.single = getattr(jac, JACOBIAN_OF)
        self.params = parameters(self.f)[0]
        self.contracted = contracted(self.f)
        self.products: dict[tuple[int, int], Any] = {}
        setattr(self, NESTED, getattr(jac, "__name__", "jacobian"))

    def mixed(self, a: int, b: int, args: list, weights: Any, v: Any) -> Any:
        """d/dx_a of the derivative of ``sum(weights * f)`` along ``v`` in argument ``b``."""
        if (a, b) not in self.products:
            wrt = a if a == b else (a, b)
            self.products[a, b] = hvp(self.contracted, wrt=wrt)
        if a == b:
            return self.products[a, b](*args, weights, v)
        return self.products[a, b](*args, weights, (_zeros(args[a]), v))[0]


class _JacobianPullback(_JacobianRule):
    """``vjp_i(g, ans, *args)``: for each ``wrt`` argument ``x``, sum over its entries ``k`` of
    d/dx_i of the derivative of ``sum(g[..., k] * f)`` along the unit tangent of entry ``k``."""

    def __call__(self, g: Any, ans: Any, *args: Any) -> Any:
        args = list(args)  # every argument of f: the rules of a call are given all of them
        total = _zeros(args[self.i])
        for name, g_w in zip(self.names, [g] if self.single else g):
            w = self.params.index(name)
            g_w = np.asarray(g_w, dtype=float)
            out_shape = g_w.shape[: g_w.ndim - np.ndim(args[w])]
            by_entry = g_w.reshape(out_shape + (-1,))
            for k, e in enumerate(basis(args[w])):
                weights = by_entry[..., k] if out_shape else float(by_entry[..., k])
                total = total + self.mixed(self.i, w, args, weights, e)
        return total


class _JacobianPushforward(_JacobianRule):
    """``jvp_j(t, ans, *args)``: for each ``wrt`` argument ``x``, row by row of the output,
    d/dx of the derivative of ``f``'s entry along ``t`` in argument ``j``."""

    def __call__(self, t: Any, ans: Any, *args: Any) -> Any:
        args = list(args)  # every argument of f: the rules of a call are given all of them
        tangents = []
        for name, jac in zip(self.names, [ans] if self.single else ans):
            w = self.params.index(name)
            x = args[w]
            out_shape = np.shape(jac)[: np.ndim(jac) - np.ndim(x)]
            units = basis(np.zeros(out_shape) if out_shape else 0.0)  # one per entry of f's output
            rows = [self.mixed(w, self.i, args, e, t) for e in units]
            if not out_shape and not isinstance(x, np.ndarray):
                tangents.append(float(rows[0]))
            else:
                tangents.append(np.reshape(np.stack(rows), out_shape + np.shape(x)).astype(float))
        return tangents[0] if self.single else tuple(tangents)


def nested_rule(fn: object) -> Rule | None:
    """The rules of a function s2sad returned; ``None`` for any other function."""
    if not callable(fn) or getattr(fn, NESTED, None) is not None:
        return None
    if getattr(fn, JACOBIAN_OF, None) is not None:
        f = getattr(fn, JACOBIAN_OF)[0]
        if is_generated(f) or parameters(f)[1]:  # a third derivative; keyword-only parameters
            return None
        n = len(parameters(f)[0])
        register(fn, "vjp", [_JacobianPullback(fn, i) for i in range(n)], notify=False, shaped=True)
        return register(fn, "jvp", [_JacobianPushforward(fn, i) for i in range(n)], notify=False)
    if not is_generated(fn):
        return None
    n = len(positional_params(fn))
    register(fn, "vjp", [_Pullback(fn, i) for i in range(n)], notify=False, shaped=True)
    return register(fn, "jvp", [_Pushforward(fn, i) for i in range(n)], notify=False)


fallback(nested_rule)
