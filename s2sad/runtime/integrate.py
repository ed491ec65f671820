"""Helpers for the rules of ``scipy.integrate.odeint``: the derivatives of an ODE's solution,
from ODEs solved again with ``odeint``, and s2sad's own derivatives of the user's ``func``.

With ``ys[i] = y(t[i])`` the solution of ``y' = f(y, t, *args)`` from ``y(t[0]) = y0``:

- forward mode solves the sensitivity equations beside the ODE: ``s' = J_y s + J_args
  args_dot`` from ``s(t[0]) = y0_dot - f(y0, t[0]) t_dot[0]``; the tangent of ``ys[i]`` is
  ``s(t[i]) + f(ys[i], t[i]) t_dot[i]``;
- reverse mode solves the adjoint ODE backwards, from ``t[-1]`` to ``t[0]``, with the state:
  ``a' = -J_y^T a`` and ``args_bar' = -J_args^T a``, ``a`` taking ``g[i]`` at each ``t[i]``.
  The cotangent of ``t[i]`` is ``g[i] . f(ys[i], t[i])``, and of ``t[0]`` minus the adjoint
  arriving there times ``f(y0, t[0])``.

``J_y s`` and ``a^T J_y`` are ``jvp`` and ``vjp`` of ``func`` at one point, which only the
API can build: it hands them over (``differentiate_with``), since the run-time helpers come
before it in the pipeline. SciPy is imported only when these run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .core import fail

__all__ = ["odeint_vjp", "odeint_tangent"]

#: s2sad's ``vjp`` and ``jvp``, handed over by ``s2sad.api`` when it is imported
_DERIVATIVES: dict[str, Callable] = {}


def differentiate_with(vjp: Callable, jvp: Callable) -> None:
    """Use ``vjp`` and ``jvp`` (s2sad's) to differentiate the user's ``func`` at a point."""
    _DERIVATIVES.update(vjp=vjp, jvp=jvp)


def _numeric(x) -> bool:
    return isinstance(x, (int, float, np.ndarray, np.generic)) and not isinstance(x, bool)


def _checked_args(args) -> tuple:
    """``args`` as a tuple of numbers, arrays and constants (flags, names), or an error: the
    helpers flatten the derivatives of numbers and arrays alone."""
    args = tuple(args)
    if any(isinstance(x, (list, tuple, dict, set)) for x in args):
        fail(
            "scipy.integrate.odeint with a list, tuple or dict in args: the rule covers numbers and "
            "arrays (pass their items as args of their own)"
        )
    return args


def _flat(values, like) -> np.ndarray:
    """The values (cotangents or tangents of ``like``'s numbers and arrays; ``None``: zeros),
    flat, one after another."""
    parts = [
        np.zeros(np.size(x)) if v is None else np.ravel(np.asarray(v, dtype=float))
        for v, x in zip(values, like)
        if _numeric(x)
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


def _unflat(flat: np.ndarray, like: tuple) -> tuple:
    """Cut ``flat`` back into values shaped like ``like``'s items (floats for numbers)."""
    out, at = [], 0
    for x in like:
        if not _numeric(x):
            out.append(None)
            continue
        size = np.size(x)
        part = flat[at : at + size]
        at += size
        out.append(np.reshape(part, np.shape(x)) if isinstance(x, np.ndarray) else float(part[0]))
    return tuple(out)


def _point(func, tfirst: bool, args: tuple):
    """``f(y, s)``, and the order of ``func``'s arguments with the state and time in place."""

    def primals(y, s):
        return (s, y, *args) if tfirst else (y, s, *args)

    return (lambda y, s: np.asarray(func(*primals(y, s)), dtype=float)), primals


def _same(a, b) -> bool:
    """Whether two keys of ``odeint_vjp``'s calls are equal: functions the same object,
    arrays equal in shape and values."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if callable(a) or callable(b):
        return a is b
    return type(a) is type(b) and np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))


#: the last cotangents odeint_vjp gave, with what they were for: derivative code reads their
#: three parts in three statements, and one backward solve serves them all
_LAST: list = [None]


def odeint_vjp(g, ans, func, y0, t, args=(), rtol=None, atol=None, mxstep=0, tfirst=False) -> tuple:
    """The cotangents ``(y0_bar, t_bar, args_bar)`` of ``ans = odeint(func, y0, t, args)``
    for the cotangent ``g`` of ``ans``: the adjoint ODE solved backwards, interval by interval.

    >>> decay = lambda y, t, k: -k * y
    >>> t = np.array([0.0, 1.0])
    >>> from scipy.integrate import odeint
    >>> import s2sad
    >>> ys = odeint(decay, np.array([2.0]), t, args=(0.5,), rtol=1e-10, atol=1e-10)
    >>> g = np.array([[0.0], [1.0]])
    >>> y0_bar, t_bar, (k_bar,) = odeint_vjp(g, ys, decay, np.array([2.0]), t, (0.5,), 1e-10, 1e-10)
    >>> bool(np.isclose(y0_bar[0], np.exp(-0.5))), bool(np.isclose(k_bar, -2.0 * np.exp(-0.5)))
    (True, True)
    """
    key = (g, ans, func, y0, t, _checked_args(args), rtol, atol, mxstep, tfirst)
    last = _LAST[0]
    if last is not None and _same(last[0], key):
        return last[1]
    cotangents = _solve_adjoint(g, ans, func, y0, t, tuple(args), rtol, atol, mxstep, tfirst)
    key = tuple(np.copy(k) if isinstance(k, np.ndarray) else k for k in key)  # g may change later
    _LAST[0] = (key, cotangents)
    return cotangents


def _solve_adjoint(g, ans, func, y0, t, args, rtol, atol, mxstep, tfirst) -> tuple:
    from scipy.integrate import odeint

    vjp = _DERIVATIVES["vjp"]
    shape, n = np.shape(y0), int(np.size(y0))
    ys, g = np.reshape(ans, (len(t), n)), np.reshape(g, (len(t), n))
    f, primals = _point(func, tfirst, args)
    state_at = 1 if tfirst else 0

    def adjoint(state, s):
        y, a = np.reshape(state[:n], shape), state[n : 2 * n]
        out, pullback = vjp(func, *primals(y, s))
        cts = pullback(np.reshape(a, np.shape(out)))
        rest = _flat(cts[2:], args)
        return np.concatenate([np.ravel(out), -np.ravel(cts[state_at]), -rest])

    a, args_bar = g[-1], _flat((None,) * len(args), args)
    t_bar = np.zeros(len(t))
    for i in range(len(t) - 1, 0, -1):
        t_bar[i] = g[i] @ np.ravel(f(np.reshape(ys[i], shape), t[i]))
        state = np.concatenate([ys[i], a, args_bar])
        state = odeint(adjoint, state, [t[i], t[i - 1]], rtol=rtol, atol=atol, mxstep=mxstep)[-1]
        a, args_bar = state[n : 2 * n], state[2 * n :]
        if i > 1:
            a = a + g[i - 1]
    if len(t) > 1:
        t_bar[0] = -(a @ np.ravel(f(np.reshape(ys[0], shape), t[0])))
        a = a + g[0]
    return np.reshape(a, shape), t_bar, _unflat(args_bar, args)


def _tangents(values, like: tuple) -> tuple:
    """Tangents of ``like``'s items: zeros where there are none."""
    values = (None,) * len(like) if values is None else tuple(values)
    return tuple(
        (np.zeros(np.shape(x)) if isinstance(x, np.ndarray) else 0.0) if v is None or not _numeric(x) else v
        for v, x in zip(values, like)
    )


def odeint_tangent(
    func,
    ans,
    t,
    args=(),
    y0_dot=None,
    t_dot=None,
    args_dot=None,
    rtol=None,
    atol=None,
    mxstep=0,
    tfirst=False,
):
    """The tangent of ``ans = odeint(func, y0, t, args)`` along the tangents given (``None``:
    held still): the sensitivity equations solved beside the ODE, over all of ``t`` at once.

    >>> decay = lambda y, t, k: -k * y
    >>> t = np.array([0.0, 1.0])
    >>> from scipy.integrate import odeint
    >>> import s2sad
    >>> ys = odeint(decay, np.array([2.0]), t, args=(0.5,))
    >>> dk = odeint_tangent(decay, ys, t, (0.5,), args_dot=(1.0,), rtol=1e-10, atol=1e-10)
    >>> bool(np.isclose(dk[-1, 0], -2.0 * np.exp(-0.5)))
    True
    """
    from scipy.integrate import odeint

    jvp = _DERIVATIVES["jvp"]
    args = _checked_args(args)
    shape = np.shape(ans)[1:]
    n = int(np.prod(shape))
    f, primals = _point(func, tfirst, args)
    y0 = np.reshape(ans[0], shape)
    t_dot = np.zeros(len(t)) if t_dot is None else np.broadcast_to(np.asarray(t_dot, dtype=float), (len(t),))
    args_dot = _tangents(args_dot, args)
    s0 = np.zeros(shape) if y0_dot is None else np.asarray(y0_dot, dtype=float)
    s0 = s0 - f(y0, t[0]) * t_dot[0]

    def sensitivity(state, s):
        y, ds = np.reshape(state[:n], shape), np.reshape(state[n:], shape)
        zero = 0.0
        tangents = (zero, ds, *args_dot) if tfirst else (ds, zero, *args_dot)
        out, out_dot = jvp(func, primals(y, s), tangents)
        return np.concatenate([np.ravel(out), np.ravel(out_dot)])

    solved = odeint(
        sensitivity, np.concatenate([np.ravel(y0), np.ravel(s0)]), t, rtol=rtol, atol=atol, mxstep=mxstep
    )
    ys, ss = solved[:, :n], solved[:, n:]
    moved = np.stack([np.ravel(f(np.reshape(y, shape), s)) for y, s in zip(ys, t)]) * t_dot[:, None]
    return np.reshape(ss + moved, np.shape(ans))
