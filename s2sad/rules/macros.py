"""Template functions that expand by the kinds of their arguments.

A macro receives the simplified argument expressions and a context that knows
their kinds, and returns the expression to use. What kinds settle is written
out as plain NumPy; what they leave open becomes a call to a helper in
``s2sad.runtime``.

>>> import numpy as np
>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import FLOAT, kind_of
>>> from s2sad.rules.instantiate import instantiate
>>> from s2sad.rules.templates import parse_template
>>> undo = parse_template("unbroadcast(g, x)", ("x",))
>>> def expand(x, g):
...     return instantiate(undo, {"x": Name("x"), "g": Name("g")}, {"x": x, "g": g}.get)
>>> expand(FLOAT, FLOAT)
g
>>> expand(kind_of(np.ones(3)), kind_of(np.ones((2, 3))))
np.sum(g, axis=0)
>>> expand(kind_of(np.ones((2, 1))), kind_of(np.ones((2, 3))))
np.sum(g, axis=1, keepdims=True)
>>> expand(FLOAT, kind_of(np.ones(3)))
np.sum(g)
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr, attr_op
from ..ir.kinds import normalize_axes
from .instantiate import Context, np_call, runtime_call
from .templates import macro


def _shape(ctx: Context, x: Expr) -> Expr:
    k = ctx.kind(x)
    if k.is_array:
        return Call(_attr("shape"), (x,))
    return np_call("shape", x)


def _attr(name: str) -> ir.Op:
    return attr_op(name)


def _axis(axes: tuple[int, ...]) -> Const:
    return Const(axes[0] if len(axes) == 1 else axes)


@macro
def unbroadcast(ctx: Context, value: Expr, like: Expr) -> Expr:
    """``value`` summed down to the shape of ``like``."""
    v, x = ctx.kind(value), ctx.kind(like)
    if v.dims is not None and x.dims is not None:
        if v.same_shape(x):
            return value
        if x.dims == ():
            return value if v.dims == () else np_call("sum", value)
        lead = len(v.dims) - len(x.dims)
        if lead >= 0:
            tail = v.dims[lead:]
            keep = tuple(i for i, (a, b) in enumerate(zip(x.dims, tail)) if a == "1" and b != "1")
            unsure = [i for i, (a, b) in enumerate(zip(x.dims, tail)) if a == "?" and b != "1"]
            if not unsure:
                out = value
                if lead:
                    out = np_call("sum", out, axis=_axis(tuple(range(lead))))
                if keep:
                    out = np_call("sum", out, axis=_axis(keep), keepdims=Const(True))
                return out
    return runtime_call("unbroadcast", value, _shape(ctx, like))


@macro
def unreduce(ctx: Context, g: Expr, x: Expr, axis: Expr, keepdims: Expr) -> Expr:
    """The cotangent ``g`` of a reduction of ``x`` spread back over ``x``'s shape."""
    k = ctx.kind(x)
    if k.dims == () and not k.is_array:
        return g  # reducing a number gives the number
    if isinstance(axis, Const) and isinstance(keepdims, Const) and k.dims is not None:
        axes = normalize_axes(axis.value, len(k.dims))
        if axes is not None:
            shape = _shape(ctx, x)
            if keepdims.value:
                return np_call("broadcast_to", g, shape)
            if axis.value is None:
                return np_call("full", shape, g)
            if axes == tuple(range(len(axes))):  # leading axes come back by broadcasting
                return np_call("broadcast_to", g, shape)
            return np_call("broadcast_to", np_call("expand_dims", g, _axis(axes)), shape)
    return runtime_call("unreduce", g, _shape(ctx, x), axis, keepdims)


@macro
def count(ctx: Context, x: Expr, axis: Expr) -> Expr:
    """How many elements of ``x`` a reduction over ``axis`` combines."""
    k = ctx.kind(x)
    if isinstance(axis, Const) and k.dims is not None and k.is_array:
        axes = normalize_axes(axis.value, len(k.dims))
        if axes is not None:
            if axis.value is None:
                return Call(_attr("size"), (x,))
            shape = Call(_attr("shape"), (x,))
            sizes = [Call(ir.GETITEM, (shape, Const(a))) for a in axes]
            out = sizes[0]
            for s in sizes[1:]:
                out = Call(ir.MUL, (out, s))
            return out
    if k.dims == () and not k.is_array:
        return Const(1)
    return runtime_call("reduced_size", _shape(ctx, x), axis)


@macro
def expand(ctx: Context, g: Expr, x: Expr, axis: Expr, keepdims: Expr) -> Expr:
    """A reduced value with the reduced axes back as length one, to broadcast against ``x``."""
    k = ctx.kind(x)
    if isinstance(keepdims, Const) and keepdims.value is True:
        return g
    if isinstance(axis, Const) and axis.value is None:
        return g
    if k.dims == () and not k.is_array:
        return g
    if isinstance(axis, Const) and k.dims is not None:
        axes = normalize_axes(axis.value, len(k.dims))
        if axes is not None:
            if axes == tuple(range(len(axes))):  # leading axes come back by broadcasting
                return g
            return np_call("expand_dims", g, _axis(axes))
    return runtime_call("expand_reduced", g, axis, keepdims)


@macro
def length(ctx: Context, xs: Expr) -> Expr:
    """``len(xs)`` of a list or tuple, written out where its kind knows its items."""
    k = ctx.kind(xs)
    if k.type in (list, tuple) and k.items is not None:
        return Const(len(k.items))
    return Call(ir.call_op(len, "len", True, canonical=True), (xs,))


@macro
def negated(ctx: Context, shift: Expr) -> Expr:
    """``-shift`` for an integer shift or a tuple of them: written out when it is a constant."""
    if isinstance(shift, Const):
        value = shift.value
        if isinstance(value, int) and not isinstance(value, bool):
            return Const(-value)
        if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
            return Const(tuple(-v for v in value))
    return np_call("negative", shift)


@macro
def float_dtype(ctx: Context, dtype: Expr) -> Expr:
    """Whether a dtype argument names a floating type (``float``, ``np.float32``, "f8")."""
    import numpy as np

    value = dtype.value if isinstance(dtype, (Const, ir.Ref)) else None
    if value is not None:
        try:
            return Const(bool(np.issubdtype(np.dtype(value), np.inexact)))
        except (TypeError, ValueError):
            pass
    k = ctx.kind(dtype)
    if k.type is np.dtype and k.dtype in "bifc":  # x.dtype: its kind knows the category
        return Const(k.dtype in "fc")
    return np_call("issubdtype", dtype, ir.Ref("np.inexact", np.inexact, canonical=True))


@macro
def inverse_permutation(ctx: Context, axes: Expr) -> Expr:
    """The axes that undo a transpose by ``axes``."""
    import numpy as np

    if isinstance(axes, Const) and isinstance(axes.value, tuple):
        return Const(tuple(int(i) for i in np.argsort(axes.value)))
    if isinstance(axes, Call) and axes.op.form in ("list", "tuple"):  # [1, 0]
        if all(isinstance(a, Const) and type(a.value) is int for a in axes.args):
            return Const(tuple(int(i) for i in np.argsort([a.value for a in axes.args])))
    return np_call("argsort", axes)


@macro
def is_sequence(ctx: Context, x: Expr) -> Expr:
    """Whether ``x`` is a list or a tuple (known from its kind)."""
    k = ctx.kind(x)
    if k.type is not None:
        return Const(k.type in (list, tuple))
    return Call(
        ir.call_op(isinstance, "isinstance", True, canonical=True),
        (x, Call(ir.TUPLE, (ir.Ref("list", list, canonical=True), ir.Ref("tuple", tuple, canonical=True)))),
    )


def _binary(symbol: str, a: Expr, b: Expr) -> Call:
    return Call(ir.BINARY[symbol], (a, b))


def _zero_like(ctx: Context, x: Expr) -> Expr:
    """A float zero of the kind of ``x``: the other branch of a conditional, so that its kind
    stays known."""
    if ctx.kind(x).is_pyscalar:
        return Const(0.0)
    return np_call("zeros_like", x, dtype=ir.Ref("float", float, canonical=True))


@macro
def power_dx(ctx: Context, x: Expr, y: Expr) -> Expr:
    """``y * x ** (y - 1)``, the derivative of ``x ** y`` in ``x``; 0 where ``y`` is 0,
    at ``x = 0`` too (``x ** 0`` is constant, though ``0.0 ** -1`` fails).

    Where ``y`` is 0 and ``x`` is not, ``x`` stays in the formula: its value is 0 there,
    but its derivative in ``y`` is ``1 / x`` (the mixed second derivative of ``x ** y``).
    Only ``x = y = 0`` reads ``1.0`` for ``x``."""
    if isinstance(y, Const):
        return Const(0.0) if y.value == 0 else _binary("*", y, _binary("**", x, Const(y.value - 1)))
    general = _binary("*", y, _binary("**", x, _binary("-", y, Const(1))))
    if ctx.kind(x).is_scalar and ctx.kind(y).is_scalar:  # y * x ** (y - 1) if x or y else 0.0
        return Call(ir.IFEXP, (Call(ir.OR, (x, y)), general, Const(0.0)))
    x_zero, y_zero = (Call(ir.COMPARE["=="], (v, Const(0))) for v in (x, y))
    safe = np_call("where", Call(ir.BINARY["&"], (x_zero, y_zero)), Const(1.0), x)
    return _binary("*", y, _binary("**", safe, _binary("-", y, Const(1))))


@macro
def power_dy(ctx: Context, ans: Expr, x: Expr) -> Expr:
    """``ans * log(x)``, the derivative of ``x ** y`` in ``y``; 0 where ``x`` is 0 (``0 ** y``
    is 0 for every positive ``y``), where the logarithm would be infinite."""
    import math

    python = ctx.kind(x).is_pyscalar
    log = ir.call_op(math.log, "math.log", True, canonical=True) if python else None
    if isinstance(x, Const):
        if x.value == 0:
            return Const(0.0)
        return _binary("*", ans, Call(log, (x,)) if python else np_call("log", x))
    if python:  # ans * math.log(x) if x else 0.0
        return Call(ir.IFEXP, (x, _binary("*", ans, Call(log, (x,))), _zero_like(ctx, ans)))
    safe = np_call("where", Call(ir.COMPARE["=="], (x, Const(0))), Const(1.0), x)
    return _binary("*", ans, np_call("log", safe))


@macro
def over(ctx: Context, num: Expr, den: Expr) -> Expr:
    """``num / den``, and 0 where ``den`` is 0: the derivative of ``np.std`` where the values
    are all equal (one value, or constant data), where the formula alone is ``0 / 0``."""
    if ctx.kind(den).dims == () and ctx.kind(num).dims == ():
        return Call(ir.IFEXP, (den, _binary("/", num, den), Const(0.0)))
    inf = ir.Ref("np.inf", float("inf"), canonical=True)
    return _binary("/", num, np_call("where", Call(ir.COMPARE["=="], (den, Const(0))), inf, den))
