"""The rule of ``np.gradient(f, *varargs, axis=None, edge_order=1)``: one array per axis, each
the one-axis rule (central differences inside, one-sided ones at the ends) divided by that
axis's spacing.

``np.gradient`` is linear in ``f``, so its JVP is ``np.gradient`` of the tangent; its VJP
sums the adjoints of the axes (``ungradient``, the transpose of one axis's differences),
written out one axis at a time where the rank and the axes are known:

>>> import numpy as np
>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.rules.instantiate import instantiate
>>> from s2sad.rules.registry import lookup
>>> from s2sad.rules.templates import parse_template
>>> rule = lookup(ir.call_op(np.gradient, "np.gradient"))
>>> bound = rule.bind(parse_template("np.gradient(f, 0.5, 2.0)", ("f",)))
>>> template = rule.template("vjp", "f")
>>> instantiate(template, {**bound, "g": Name("g")}, {"f": kind_of(np.ones((3, 4)))}.get)
ungradient(g[0], 0, 1) / 0.5 + ungradient(g[1], 1, 1) / 2.0
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.kinds import UNKNOWN, Kind
from .instantiate import Context, np_call, runtime_call
from .kindrules import Arg
from .registry import rule, table
from .shaping import arg_value, array_kind, constant_value, is_int, is_number
from .templates import macro

table("numpy")
_SPACINGS = "np.gradient with coordinates: the rule covers spacings that are numbers, one or one per axis"
_AXES = "np.gradient of an array whose rank is not known when the derivative is built: give the axes (axis=k)"


def _gradient_axes(ndim: int | None, axis: object) -> tuple[int, ...] | None:
    """The axes ``np.gradient`` differentiates along: every axis when ``axis`` is None."""
    if axis is None:
        return tuple(range(ndim)) if ndim is not None else None
    if is_int(axis):
        return (axis,)
    if isinstance(axis, tuple) and axis and all(is_int(a) for a in axis):
        return axis
    return None


def _items(varargs: Expr) -> list[Expr]:
    """The spacings the call passes (``varargs`` is their tuple, perhaps folded to a constant)."""
    if isinstance(varargs, Const):
        return [Const(v) for v in varargs.value]
    return list(varargs.args)


def _spacings(ctx: Context, varargs: Expr, count: int) -> list[Expr | None] | None:
    """The spacing of each of ``count`` axes (None for 1), or None where one is not a number."""
    items = _items(varargs)
    if not items:
        return [None] * count
    if len(items) not in (1, count) or any(is_number(ctx, h) != Const(True) for h in items):
        return None
    return items * count if len(items) == 1 else items


def _outputs(ctx: Context, ans: Expr, count: int) -> list[Expr]:
    """The arrays ``np.gradient`` returned: ``ans`` itself for one axis, else its items."""
    return [ans] if count == 1 else [Call(ir.GETITEM, (ans, Const(k))) for k in range(count)]


def _total(terms: list[Expr]) -> Expr:
    total = terms[0]
    for term in terms[1:]:
        total = Call(ir.ADD, (total, term))
    return total


def _over(e: Expr, h: Expr | None) -> Expr:
    return e if h is None else Call(ir.DIV, (e, h))


@macro
def ungradients(ctx: Context, g: Expr, f: Expr, varargs: Expr, axis: Expr, edge_order: Expr) -> Expr:
    """The cotangent of ``f`` in ``np.gradient(f, *varargs, axis=axis)``: the one-axis adjoint
    of each output's cotangent, divided by its spacing, summed over the axes."""
    axes = _gradient_axes(ctx.kind(f).ndim, constant_value(axis))
    if axes is None:
        if constant_value(axis) is None:
            return runtime_call("fail", Const(_AXES))
        axes = None  # an axis known only when it runs: one axis, as ungradient checks
    spacings = _spacings(ctx, varargs, 1 if axes is None else len(axes))
    if spacings is None:
        return runtime_call("fail", Const(_SPACINGS))
    if axes is None:
        return _over(runtime_call("ungradient", g, axis, edge_order), spacings[0])
    cotangents = _outputs(ctx, g, len(axes))
    return _total(
        [
            _over(runtime_call("ungradient", gk, Const(ax), edge_order), h)
            for gk, ax, h in zip(cotangents, axes, spacings)
        ]
    )


def _users(ctx: Context, f: Expr, varargs: Expr, axis: Expr, i: Expr) -> tuple[list[int], int] | None:
    """Which outputs spacing ``i`` divides, and how many outputs there are."""
    count = len(_items(varargs))
    axes = _gradient_axes(ctx.kind(f).ndim, constant_value(axis))
    n = 1 if axes is None and constant_value(axis) is not None else None if axes is None else len(axes)
    if n is None or _spacings(ctx, varargs, n) is None:
        return None
    return (list(range(n)) if count == 1 else [constant_value(i)]), n


@macro
def gradient_spacing_vjp(ctx: Context, g, ans, f, varargs, axis, i) -> Expr:
    """The cotangent of spacing ``i``: each output it divides is ``-output / h`` in ``h``."""
    found = _users(ctx, f, varargs, axis, i)
    if found is None:
        return runtime_call("fail", Const(_SPACINGS))
    users, n = found
    g_k, ans_k = _outputs(ctx, g, n), _outputs(ctx, ans, n)
    terms = [np_call("sum", Call(ir.MUL, (g_k[k], ans_k[k]))) for k in users]
    return Call(ir.NEG, (_over(_total(terms), _items(varargs)[constant_value(i)]),))


@macro
def gradient_spacing_jvp(ctx: Context, h_dot, ans, f, varargs, axis, i) -> Expr:
    """The tangent of the outputs from spacing ``i``'s: ``-output * h_dot / h`` where it divides."""
    found = _users(ctx, f, varargs, axis, i)
    if found is None:
        return runtime_call("fail", Const(_SPACINGS))
    users, n = found
    h = _items(varargs)[constant_value(i)]
    outs = _outputs(ctx, ans, n)
    tangents = [
        Call(ir.NEG, (_over(Call(ir.MUL, (out, h_dot)), h),)) if k in users else np_call("zeros_like", out)
        for k, out in enumerate(outs)
    ]
    return tangents[0] if n == 1 else Call(ir.TUPLE, tuple(tangents))


@macro
def gradient_tangent(ctx: Context, f_dot, f, varargs, axis, edge_order) -> Expr:
    """``np.gradient`` of the tangent (it is linear in ``f``), where the spacings are numbers."""
    axes = _gradient_axes(ctx.kind(f).ndim, constant_value(axis))
    if axes is None and constant_value(axis) is None:
        return runtime_call("fail", Const(_AXES))
    if _spacings(ctx, varargs, 1 if axes is None else len(axes)) is None:
        return runtime_call("fail", Const(_SPACINGS))
    return np_call("gradient", f_dot, *_items(varargs), axis=axis, edge_order=edge_order)


def _gradients(a: dict[str, Arg]) -> Kind:
    """One array like ``f`` for one axis, a tuple of them for more."""
    f = a["f"].kind
    each = array_kind(f, f.dims)
    axes = _gradient_axes(f.ndim, arg_value(a["axis"]))
    if axes is None:
        return each if is_int(arg_value(a["axis"])) else UNKNOWN
    return each if len(axes) == 1 else Kind(tuple, None, "o", items=(each,) * len(axes))


_ARGS = "f, varargs, axis, edge_order"
rule(
    "np.gradient(f, *varargs, axis=None, edge_order=1)",
    vjp={"f": f"ungradients(g, {_ARGS})", "varargs": "gradient_spacing_vjp(g, ans, f, varargs, axis, {i})"},
    jvp={
        "f": f"gradient_tangent(f_dot, {_ARGS})",
        "varargs": "gradient_spacing_jvp(varargs_{i}_dot, ans, f, varargs, axis, {i})",
    },
    kind=_gradients,
)
