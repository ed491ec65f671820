"""Test cases for the rules of ``scipy.integrate`` (and the helpers they call), added to
``rule_cases.CASES``: ``odeint`` in ``y0``, ``t`` and ``args``, in both modes. Its second
derivatives are an error (the cases are not taken twice; ``test_scipy`` checks the error).
"""

from __future__ import annotations

import numpy as np
import scipy.integrate  # noqa: F401

from s2sad import MissingRuleError
from s2sad.rules import load_tables

from .rule_cases import A, S, V, add, case

load_tables("scipy.integrate")


def decay(y, t, k):
    return -k * y + np.sin(t)


def coupled(y, t, a, b):
    return a * y[::-1] - b * y**2 + np.cos(t) * y


def timed(t, y, c):  # tfirst=True
    return -c * y * t


def keyed(y, t, p):  # its parameter in a dict: refused
    return -p["k"] * y


TIMES = V(np.linspace(0.0, 1.0, 4))
TIGHT = "rtol=1e-12, atol=1e-12"
ODEINT = (
    "scipy.integrate.odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None, "
    "rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0, mxordn=12, "
    "mxords=5, printmessg=0, tfirst=False)"
)
add(
    ODEINT,
    [
        case(
            f"scipy.integrate.odeint(fn, y0, t, args=(k,), {TIGHT})",
            fn=V(decay),
            y0=A((2,)),
            t=TIMES,
            k=S(0.5, 1.5),
            twice=False,
        ),
        case(
            f"scipy.integrate.odeint(fn, y0, t, (a, b), {TIGHT})",
            fn=V(coupled),
            y0=A((3,), 0.1, 0.5),
            t=TIMES,
            a=A((3,), -0.5, 0.5),
            b=S(0.5, 1.0),
            twice=False,
        ),
        # the times too: each moves its own row, and the first every row after it
        case(
            f"scipy.integrate.odeint(fn, y0, np.cumsum(dt), args=(0.7,), {TIGHT})",
            fn=V(decay),
            y0=A((2,)),
            dt=A((3,), 0.2, 0.4),
            twice=False,
        ),
        case(
            f"scipy.integrate.odeint(fn, y0, np.cumsum(dt), args=(c,), tfirst=True, {TIGHT})[-1]",
            fn=V(timed),
            y0=A((2,)),
            dt=A((3,), 0.2, 0.4),
            c=A((2,), 0.5, 1.5),
            twice=False,
        ),
        case(
            f"scipy.integrate.odeint(fn, y0 * y0, t, args=(0.5,), {TIGHT})",
            fn=V(decay),
            y0=A((2,)),
            t=V(np.array([0.0, 1.0])),
            twice=False,
        ),
        case(
            f"scipy.integrate.odeint(fn, y0, t, args=({{'k': k}},), {TIGHT})",
            fn=V(keyed),
            y0=A((2,)),
            t=TIMES,
            k=S(0.5, 1.5),
            error=MissingRuleError,
        ),
        case(
            f"scipy.integrate.odeint(fn, y0, t, args=(0.5,), full_output=1, {TIGHT})[0]",
            fn=V(decay),
            y0=A((2,)),
            t=TIMES,
            error=MissingRuleError,
        ),
    ],
)
_SOLVED = V(np.ones((3, 1)))
_AT = {"fn": V(decay), "y0": V(np.array([1.0])), "t": V(np.array([0.0, 0.5, 1.0]))}
add(
    "odeint_vjp(g, ans, func, y0, t, args=(), rtol=None, atol=None, mxstep=0, tfirst=False)",
    [case("odeint_vjp(g, ys, fn, y0, t, (0.5,))[0]", g=A((3, 1)), ys=_SOLVED, **_AT, error=MissingRuleError)],
)
add(
    "odeint_tangent(func, ans, t, args=(), y0_dot=None, t_dot=None, args_dot=None, rtol=None, atol=None, "
    "mxstep=0, tfirst=False)",
    [case("odeint_tangent(fn, ys, t, (0.5,), d)", d=A((1,)), ys=_SOLVED, **_AT, error=MissingRuleError)],
)
