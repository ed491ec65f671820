"""Rules for ``scipy.integrate``: loaded when the user's code has imported it (SciPy is optional).

``odeint(func, y0, t, args)`` is differentiated in ``y0``, ``t`` and ``args`` by solving
ODEs again: the sensitivity equations in forward mode, the adjoint ODE backwards in
reverse mode (``runtime.integrate``), with s2sad's derivatives of ``func`` at each point
the solver asks for, and the tolerances the user gave. The helpers' own rules are errors: a
second derivative says that it is not supported.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> lookup(ir.call_op(scipy.integrate.odeint, "scipy.integrate.odeint")).vjp["y0"].split(" if ")[0]
'rt.odeint_vjp(g, ans, func, y0, t, args, rtol=rtol, atol=atol, mxstep=mxstep, tfirst=tfirst)[0]'
"""

import numpy as np
import scipy.integrate  # noqa: F401  (in sys.modules, templates can name it)

from ..ir.kinds import Kind
from .kindrules import Arg, same_as
from .registry import ZERO, rule, table
from .runtime import zeros_kind

table("scipy.integrate")

_OPTIONS = "rtol=rtol, atol=atol, mxstep=mxstep, tfirst=tfirst"
_VJP = f"rt.odeint_vjp(g, ans, func, y0, t, args, {_OPTIONS})"
_ONLY = "fail('scipy.integrate.odeint with full_output: the rule covers the solution alone')"


def _covered(template: str) -> str:
    return f"{template} if not full_output else {_ONLY}"


def _tangent(tangent: str) -> str:
    """The tangent of the solution along the tangent of one parameter (``y0_dot=y0_dot``)."""
    return _covered(f"rt.odeint_tangent(func, ans, t, args, {tangent}, {_OPTIONS})")


def _kind(a: dict[str, Arg]) -> Kind:
    """One row of the state per time."""
    y0 = a["y0"].kind
    return Kind(np.ndarray, None if y0.dims is None else ("?", *y0.dims), "f")


rule(
    "scipy.integrate.odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None, "
    "rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0, mxordn=12, "
    "mxords=5, printmessg=0, tfirst=False)",
    vjp={
        "func": ZERO,
        "y0": _covered(f"{_VJP}[0]"),
        "t": _covered(f"{_VJP}[1]"),
        "args": _covered(f"{_VJP}[2]"),
    },
    jvp={
        "func": ZERO,
        "y0": _tangent("y0_dot=y0_dot"),
        "t": _tangent("t_dot=t_dot"),
        "args": _tangent("args_dot=args_dot"),
    },
    kind=_kind,
)


def _cotangents(a: dict[str, Arg]) -> Kind:
    """``(y0_bar, t_bar, args_bar)``: like ``y0``, a float per time, and like each of ``args``."""
    args = a["args"].kind
    items = None if args.items is None else tuple(zeros_kind(k) for k in args.items)
    return Kind(
        tuple,
        None,
        "o",
        items=(zeros_kind(a["y0"].kind), Kind(np.ndarray, ("?",), "f"), Kind(tuple, None, "o", items=items)),
    )


# the helpers of runtime.integrate: at second order, an error that names what is missing
table("runtime")
_TWICE = "fail('scipy.integrate.odeint at second order (its derivatives solve ODEs as they run, once)')"
for _helper, _params in (
    ("odeint_vjp", ("g", "ans", "y0", "t", "args")),
    ("odeint_tangent", ("ans", "t", "args", "y0_dot", "t_dot", "args_dot")),
):
    _signature = "g, ans, func, y0, t" if _helper == "odeint_vjp" else "func, ans, t"
    _defaults = "args=()" + (
        ", y0_dot=None, t_dot=None, args_dot=None" if _helper == "odeint_tangent" else ""
    )
    rule(
        f"{_helper}({_signature}, {_defaults}, rtol=None, atol=None, mxstep=0, tfirst=False)",
        vjp=dict.fromkeys(_params, _TWICE),
        jvp=dict.fromkeys(_params, _TWICE),
        kind=_cotangents if _helper == "odeint_vjp" else (lambda a: same_as("ans", dtype="f")(a)),
    )
