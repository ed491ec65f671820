"""Rules for NumPy's products of whole arrays: ``np.cross``, ``np.kron``, ``np.tensordot``.

Each is bilinear: the JVP is the product with one tangent, and the VJP in one operand
is a product of the cotangent with the other (``<g, a x b> = <b x g, a>``). Where ranks
and axes are known the templates write that product out; otherwise a helper of
``s2sad.runtime.shaping`` does it:

>>> from s2sad import ir
>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.rules.instantiate import instantiate
>>> from s2sad.rules.registry import lookup
>>> tensordot = lookup(ir.call_op(np.tensordot, "np.tensordot"))
>>> names = {p: Name(p) for p in ("g", "a", "b")} | {"axes": ir.Const(((0,), (1,)))}
>>> kinds = {"a": kind_of(np.ones((2, 3))), "b": kind_of(np.ones((4, 2)))}
>>> instantiate(tensordot.template("vjp", "a"), names, kinds.get)
np.transpose(np.tensordot(g, b, axes=((1,), (0,))), (1, 0))
"""

import numpy as np

from ..ir import Const, Expr
from ..ir.kinds import UNKNOWN, Kind, broadcast, promote
from ..runtime.shaping import tensordot_plan
from .instantiate import Context, np_call, runtime_call
from .kindrules import NOT_CONST, Arg
from .registry import ZERO, linear, table
from .shaping import arg_value, array_kind, constant_value, is_int
from .templates import macro

table("shaping")


def _cross(a: dict[str, Arg]) -> Kind:
    """3-vectors give 3-vectors along ``axisc``, the other axes broadcast (the kind of the
    cross product of 2-vectors, a number, deprecated in NumPy 2, is not this)."""
    x, y = a["a"].kind, a["b"].kind
    cat = promote(x.dtype, y.dtype)
    axis = arg_value(a["axis"])
    axes = [arg_value(a[p]) if axis is None else axis for p in ("axisa", "axisb", "axisc")]
    if x.dims is None or y.dims is None or not x.dims or not y.dims or not all(map(is_int, axes)):
        return Kind(np.ndarray, None, cat)
    rest = [
        Kind(np.ndarray, k.dims[: i % len(k.dims)] + k.dims[i % len(k.dims) + 1 :], cat)
        for k, i in ((x, axes[0]), (y, axes[1]))
    ]
    dims = list(broadcast(*rest).dims)
    dims.insert(axes[2] % (len(dims) + 1), "n")
    return Kind(np.ndarray, tuple(dims), cat)


# c = a x b: <g, a x b> = <b x g, a> = <g x a, b>. The vector axes are taken to the end and
# back. 2-vectors (whose cross product is a number, deprecated in NumPy 2) are not covered:
# refused where the kinds leave the ranks open, and where they claim 3-vectors, NumPy refuses
# the cross product of the vectors with the cotangent.
_AXES = {p: f"({p} if axis is None else axis)" for p in ("axisa", "axisb", "axisc")}
_VECTORS3 = "ans.ndim >= a.ndim and ans.ndim >= b.ndim"
_DEFAULT_AXES = "axis is None and axisa == -1 and axisb == -1 and axisc == -1"
_CROSS2 = "fail('np.cross of 2-vectors: the rule covers 3-vectors')"
linear(
    "np.cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None)",
    a=f"(unbroadcast(np.cross(b, g), a) if {_DEFAULT_AXES} else np.moveaxis(unbroadcast(np.cross(b, g, "
    f"axisa={_AXES['axisb']}, axisb={_AXES['axisc']}), np.moveaxis(a, {_AXES['axisa']}, -1)), -1, "
    f"{_AXES['axisa']})) if {_VECTORS3} else {_CROSS2}",
    b=f"(unbroadcast(np.cross(g, a), b) if {_DEFAULT_AXES} else np.moveaxis(unbroadcast(np.cross(g, a, "
    f"axisa={_AXES['axisc']}, axisb={_AXES['axisa']}), np.moveaxis(b, {_AXES['axisb']}, -1)), -1, "
    f"{_AXES['axisb']})) if {_VECTORS3} else {_CROSS2}",
    kind=_cross,
)


def _kron(a: dict[str, Arg]) -> Kind:
    x, y = a["a"].kind, a["b"].kind
    cat = promote(x.dtype, y.dtype)
    if x.dims is None or y.dims is None:
        return Kind(np.ndarray, None, cat)
    ndim = max(len(x.dims), len(y.dims))
    if ndim == 0:
        return Kind(np.generic, (), cat)
    dx, dy = ("1",) * (ndim - len(x.dims)) + x.dims, ("1",) * (ndim - len(y.dims)) + y.dims
    # a product of lengths that are not one (0, 2, 3, ...) is not one
    return Kind(
        np.ndarray,
        tuple("?" if "?" in (p, q) else "1" if p == q == "1" else "n" for p, q in zip(dx, dy)),
        cat,
    )


# K = kron(a, b) holds a[i, j] * b[k, l] at [i * p + k, j * q + l]: g read as (m, p, n, q)
_BLOCKS = {
    1: "np.reshape(g, (a.shape[0], b.shape[0]))",
    2: "np.reshape(g, (a.shape[0], b.shape[0], a.shape[1], b.shape[1]))",
}
linear(
    "np.kron(a, b)",
    a=f"{_BLOCKS[1]} @ b if a.ndim == 1 and b.ndim == 1 else np.einsum('ikjl,kl->ij', {_BLOCKS[2]}, b) "
    "if a.ndim == 2 and b.ndim == 2 else kron_vjp(g, a, b, 0)",
    b=f"a @ {_BLOCKS[1]} if a.ndim == 1 and b.ndim == 1 else np.einsum('ikjl,ij->kl', {_BLOCKS[2]}, a) "
    "if a.ndim == 2 and b.ndim == 2 else kron_vjp(g, a, b, 1)",
    kind=_kron,
)


@macro
def untensordot(ctx: Context, g: Expr, a: Expr, b: Expr, axes: Expr, which: Expr) -> Expr:
    """The cotangent of operand ``which`` of ``np.tensordot(a, b, axes)``: a tensordot of ``g``
    with the other operand, and a transpose, written out when the ranks and axes are known."""
    na, nb, spec = ctx.kind(a).ndim, ctx.kind(b).ndim, constant_value(axes)
    if na is None or nb is None or spec is NOT_CONST:
        return runtime_call("tensordot_vjp", g, a, b, axes, which)
    try:
        first, second, perm = tensordot_plan(na, nb, spec, which.value)
    except (ValueError, IndexError, TypeError):
        return runtime_call("fail", Const("np.tensordot: axes that do not fit the arrays"))
    pair = Const((first, second))
    out = np_call("tensordot", g, b, axes=pair) if which.value == 0 else np_call("tensordot", a, g, axes=pair)
    return out if perm is None else np_call("transpose", out, Const(perm))


def _tensordot(a: dict[str, Arg]) -> Kind:
    """The free axes of ``a``, then those of ``b``."""
    x, y, spec = a["a"].kind, a["b"].kind, arg_value(a["axes"])
    cat = promote(x.dtype, y.dtype)
    if x.dims is None or y.dims is None or spec is NOT_CONST:
        return Kind(np.ndarray, None, cat)
    na, nb = len(x.dims), len(y.dims)
    try:
        if is_int(spec):
            ia, ib = range(na - spec, na), range(spec)
        else:
            ia, ib = ((s,) if is_int(s) else tuple(s) for s in spec)
        ia, ib = {i % na for i in ia}, {j % nb for j in ib}
    except (TypeError, ValueError, ZeroDivisionError):
        return UNKNOWN
    dims = tuple(d for i, d in enumerate(x.dims) if i not in ia) + tuple(
        d for j, d in enumerate(y.dims) if j not in ib
    )
    return array_kind(x, dims, cat)


linear(
    "np.tensordot(a, b, axes=2)",
    a="untensordot(g, a, b, axes, 0)",
    b="untensordot(g, a, b, axes, 1)",
    axes=ZERO,
    kind=_tensordot,
)
