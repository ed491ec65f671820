"""Rules for ``np.linalg.norm``, ``vector_norm`` and ``matrix_norm``: every ``ord``, ``axis`` and
``keepdims``.

One macro, ``norm_gradient``, writes the derivative of the norm in each entry of ``x``, ``W``,
from the constants ``ord`` and ``axis``: the VJP is ``W`` times ``g`` with the reduced axes
back, the JVP the sum of ``W * x_dot`` over them. For the 2-norm ``W`` is ``x / norm``; for
the largest entry, row or column sum (``inf``, matrix ``1``), the sign of ``x`` where the
maximum is attained; for the nuclear norm ``U @ Vh``.

>>> _norm_text(2, None, 1)
'x / expanded(ans, x, axis, keepdims)'
>>> _norm_text("nuc", None, 2)
'np.linalg.svd(x, full_matrices=False)[0] @ np.linalg.svd(x, full_matrices=False)[2]'

Over other axes than the last two, the nuclear and spectral norms move them there first:

>>> print(_norm_text("nuc", (0, 1), 3).replace(" @ ", " @\\n    "))
np.moveaxis(np.linalg.svd(np.moveaxis(x, (0, 1), (-2, -1)), full_matrices=False)[0] @
    np.linalg.svd(np.moveaxis(x, (0, 1), (-2, -1)), full_matrices=False)[2], (-2, -1), (0, 1))
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.kinds import Kind, normalize_axes
from .instantiate import Context, instantiate, np_call
from .kindrules import Arg, reduced
from .macros import expand
from .registry import rule, table
from .templates import macro, parse_template

table("linalg")


def _fail(message: str) -> str:
    return f"fail({message!r})"


def _norm_text(ord: object, axis: object, nd: int, vector: bool = False) -> str:
    """The gradient of ``np.linalg.norm(x, ord, axis)`` at ``x``, as a template (``ans`` the norm
    with its reduced axes back), or a ``fail(...)`` for what it does not cover; with ``vector``,
    of ``np.linalg.vector_norm``, whose axes are those of one vector."""
    matrix = not vector and (isinstance(axis, tuple) or (axis is None and nd == 2 and ord is not None))
    big, k = "expanded(ans, x, axis, keepdims)", "np.linalg.svd(x, full_matrices=False)"
    if not matrix:
        if ord is None or ord == 2:
            return f"x / {big}"
        if ord == 1:
            return "np.sign(x)"
        if ord in (np.inf, -np.inf):  # the largest (smallest) entries share the derivative
            m = f"(np.abs(x) == {big})"
            return f"np.sign(x) * {m} / np.sum({m}, axis=axis, keepdims=True)"
        if ord == 0:  # the count of entries that are not zero
            return "0.0 * x"
        if isinstance(ord, (int, float)) and not isinstance(ord, bool):
            return f"np.sign(x) * (np.abs(x) / {big}) ** ({ord!r} - 1)"
        return _fail(f"np.linalg.norm of a vector with ord={ord!r}")
    axes = (0, 1) if axis is None else tuple(x % nd for x in axis) if len(axis) == 2 else None
    if axes is None:
        return _fail("np.linalg.norm with more than two axes")
    if ord is None or ord == "fro":
        return f"x / {big}"
    rows, cols = axes
    if ord in (1, -1, np.inf, -np.inf):  # the largest (smallest) column or row sum of |x|
        summed, picked = (rows, cols) if ord in (1, -1) else (cols, rows)
        m = f"(np.sum(np.abs(x), axis={summed}, keepdims=True) == {big})"
        return f"np.sign(x) * {m} / np.sum({m}, axis={picked}, keepdims=True)"
    if ord not in ("nuc", 2, -2):
        return _fail(f"np.linalg.norm of a matrix with ord={ord!r}")
    last = sorted(axes) == [nd - 2, nd - 1]  # (in either order: these norms are the transpose's)
    if not last:  # the axes moved to the end, the rule there, and the axes moved back
        k = f"np.linalg.svd(np.moveaxis(x, {axes}, (-2, -1)), full_matrices=False)"
    if ord == "nuc":
        w = f"{k}[0] @ {k}[2]"
    else:  # the largest (smallest) singular value
        i = "0:1" if ord == 2 else "-1:"
        w = f"{k}[0][..., :, {i}] @ {k}[2][..., {i}, :]"
    return w if last else f"np.moveaxis({w}, (-2, -1), {axes})"


def _constant(e: Expr) -> Expr:
    """``np.inf`` and ``-np.inf`` as constants."""
    if isinstance(e, ir.Ref) and e.canonical:
        return Const(e.value)
    if isinstance(e, Call) and e.op is ir.NEG and isinstance(_constant(e.args[0]), Const):
        return Const(-_constant(e.args[0]).value)
    return e


@macro
def expanded(ctx: Context, g: Expr, x: Expr, axis: Expr, keepdims: Expr) -> Expr:
    """``expand(g, x, axis, keepdims)``, a pair of axes put back one at a time (the kinds know
    the shape of ``np.expand_dims`` with one axis)."""
    nd = ctx.kind(x).ndim
    if isinstance(axis, Const) and isinstance(axis.value, tuple) and nd and keepdims == Const(False):
        axes = normalize_axes(axis.value, nd)
        if axes is not None:
            for i in axes:
                g = np_call("expand_dims", g, Const(i))
            return g
    return expand(ctx, g, x, axis, keepdims)


@macro
def norm_gradient(
    ctx: Context, x: Expr, ans: Expr, ord: Expr, axis: Expr, keepdims: Expr, vector: Expr | None = None
) -> Expr:
    """The derivative of ``np.linalg.norm(x, ord, axis, keepdims)`` in each entry of ``x`` (of
    ``np.linalg.vector_norm`` with ``vector``)."""
    nd, vector = ctx.kind(x).ndim, isinstance(vector, Const) and vector.value is True
    ord = _constant(ord)
    if not all(isinstance(e, Const) for e in (axis, keepdims)) or nd is None:
        text = _fail("np.linalg.norm with axis or keepdims not constants")
    elif not (axis.value is None or isinstance(axis.value, int) or isinstance(axis.value, tuple)):
        text = _fail("np.linalg.norm with this axis")
    elif not isinstance(ord, Const):
        # -np.inf reaches the rule as a name: the rule for either infinity serves both
        text = _norm_text(np.inf, axis.value, nd, vector)
        text = (
            f"checked({text}, np.isinf(ord), {'np.linalg.norm with ord not a constant, nor an infinity'!r})"
        )
    else:
        text = _norm_text(ord.value, axis.value, nd, vector)
    template = parse_template(text, ("x", "ord", "axis", "keepdims"))
    bound = {"x": x, "ans": ans, "ord": ord, "axis": axis, "keepdims": keepdims}
    return instantiate(template, bound, ctx.kind_of_name)


def _norm_rule(pattern: str, gradient: str, axis: str, kind) -> None:
    """A norm's rule, from the template of its gradient (``norm_gradient(...)``): the
    cotangent spread over the axes reduced, the tangent summed over them."""
    rule(
        pattern,
        vjp={"x": f"{gradient} * expanded(g, x, {axis}, keepdims)"},
        jvp={"x": f"np.sum({gradient} * x_dot, axis={axis}, keepdims=keepdims)"},
        kind=kind,
    )


def _norm_kind(a: dict[str, Arg]) -> Kind:
    return reduced("x", dtype="f+")(a)


_norm_rule(
    "np.linalg.norm(x, ord=None, axis=None, keepdims=False)",
    "norm_gradient(x, ans, ord, axis, keepdims)",
    "axis",
    _norm_kind,
)
if hasattr(np.linalg, "vector_norm"):  # NumPy 2 has them
    _norm_rule(
        "np.linalg.vector_norm(x, axis=None, keepdims=False, ord=2)",
        "norm_gradient(x, ans, ord, axis, keepdims, True)",
        "axis",
        _norm_kind,
    )
    _norm_rule(
        "np.linalg.matrix_norm(x, keepdims=False, ord='fro')",
        "norm_gradient(x, ans, ord, (-2, -1), keepdims)",
        "(-2, -1)",
        lambda a: _matrix_norm_kind(a),
    )


def _matrix_norm_kind(a: dict[str, Arg]) -> Kind:
    k, keep = a["x"].kind, a["keepdims"].const
    if k.dims is None or len(k.dims) < 2 or not isinstance(keep, bool):
        return Kind(np.ndarray, None, "f")
    dims = k.dims[:-2] + (("1", "1") if keep else ())
    return Kind(np.ndarray, dims, "f") if dims else Kind(np.generic, (), "f")
