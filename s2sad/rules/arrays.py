"""Rules for NumPy functions that move elements around: shapes, axes, copies.

All of them are linear: the VJP puts the cotangent back where each element
came from, the JVP does to the tangent what the function does to its input.
"""

import numpy as np

from ..kinds import INT, UNKNOWN, Kind
from .core import Arg, always, linear, nondiff, rule, same_as, shape_kind, table

table("arrays")


def _transposed(a: dict[str, Arg]) -> Kind:
    k = a["a"].kind if "a" in a else a["x"].kind
    axes = a["axes"].const if "axes" in a else None
    if k.dims is None:
        return k
    if axes is None:
        return k.with_dims(tuple(reversed(k.dims)))
    if isinstance(axes, tuple) and sorted(axes) == list(range(len(k.dims))):
        return k.with_dims(tuple(k.dims[i] for i in axes))
    return k.with_dims(None)


def _reshaped(a: dict[str, Arg]) -> Kind:
    k = shape_kind("shape")(a)
    return Kind(np.ndarray, k.dims, a["a"].kind.dtype)


def _swapped(a: dict[str, Arg]) -> Kind:
    k, i, j = a["a"].kind, a["axis1"].const, a["axis2"].const
    if k.dims is None or not isinstance(i, int) or not isinstance(j, int):
        return k.with_dims(None) if k.type is not None else UNKNOWN
    dims = list(k.dims)
    dims[i], dims[j] = dims[j], dims[i]
    return k.with_dims(tuple(dims))


def _expanded(a: dict[str, Arg]) -> Kind:
    k, axis = a["a"].kind, a["axis"].const
    if k.dims is None or not isinstance(axis, int):
        return Kind(np.ndarray, None, k.dtype)
    dims = list(k.dims)
    dims.insert(axis if axis >= 0 else len(dims) + 1 + axis, "1")
    return Kind(np.ndarray, tuple(dims), k.dtype)


def _squeezed(a: dict[str, Arg]) -> Kind:
    k, axis = a["a"].kind, a["axis"].const
    if k.dims is None or (axis is None and "?" in k.dims):
        return Kind(np.ndarray, None, k.dtype)
    if axis is None:
        return Kind(np.ndarray, tuple(d for d in k.dims if d != "1"), k.dtype)
    axes = axis if isinstance(axis, tuple) else (axis,)
    drop = {x % len(k.dims) for x in axes if isinstance(x, int)}
    return Kind(np.ndarray, tuple(d for i, d in enumerate(k.dims) if i not in drop), k.dtype)


def _raveled(a: dict[str, Arg]) -> Kind:
    k = a["a"].kind
    return Kind(np.ndarray, ("?",), k.dtype)


linear(
    "np.transpose(a, axes=None)",
    a="np.transpose(g) if axes is None else np.transpose(g, inverse_permutation(axes))",
    kind=_transposed,
)
linear("x.T", x="g.T", kind=_transposed)
linear("np.reshape(a, shape, order='C')", a="np.reshape(g, np.shape(a), order=order)", kind=_reshaped)
linear("np.ravel(a, order='C')", a="np.reshape(g, np.shape(a), order=order)", kind=_raveled)
linear(
    "x.flatten(order='C')",
    x="np.reshape(g, np.shape(x), order=order)",
    kind=lambda a: _raveled({"a": a["x"]}),
)
linear("np.squeeze(a, axis=None)", a="np.reshape(g, np.shape(a))", kind=_squeezed)
linear("np.expand_dims(a, axis)", a="np.reshape(g, np.shape(a))", kind=_expanded)
linear("np.swapaxes(a, axis1, axis2)", a="np.swapaxes(g, axis1, axis2)", kind=_swapped)
linear("np.broadcast_to(array, shape)", array="unbroadcast(g, array)", kind=shape_kind("shape"))
linear("np.copy(a)", a="g", kind=same_as("a"))
linear("x.copy()", x="g", kind=same_as("x"))
linear(
    "np.asarray(a, dtype=None)",
    a="unbroadcast(g, a)",
    kind=lambda a: Kind(np.ndarray, a["a"].kind.dims, a["a"].kind.dtype),
)
linear(
    "np.array(a, dtype=None)",
    a="unbroadcast(g, a)",
    kind=lambda a: Kind(np.ndarray, a["a"].kind.dims, a["a"].kind.dtype),
)
linear("x.item()", x="np.reshape(g, np.shape(x))", kind=lambda a: Kind(float, (), "f"))
linear(
    "x.astype(dtype)",
    x="g if float_dtype(dtype) else np.zeros(np.shape(x))",
    kind=lambda a: Kind(
        np.ndarray,
        a["x"].kind.dims,
        dtype_category(a["dtype"].const) if a["dtype"].kind.type is not np.dtype else a["dtype"].kind.dtype,
    ),
)

nondiff("x.shape", kind=lambda a: Kind(tuple, a["x"].kind.dims, "o"))
nondiff("x.ndim", kind=always(INT))
nondiff("x.size", kind=always(INT))
nondiff("x.dtype", kind=lambda a: Kind(np.dtype, None, a["x"].kind.dtype))  # dtype: its category


def dtype_category(dtype: object) -> str:
    try:
        kind = np.dtype(dtype).kind
    except (TypeError, ValueError):
        return "?"
    return {"u": "i"}.get(kind, kind) if kind in "biufc" else "o"


def _indexed(a: dict[str, Arg]) -> Kind:
    """Basic indexing: ints drop an axis, slices keep it, None adds one."""
    x, index = a["x"].kind, a["index"]
    if x.type is tuple:  # a shape
        return INT if isinstance(index.const, int) else UNKNOWN
    if not x.is_array or x.dims is None:
        return UNKNOWN
    items = _index_items(index)
    if items is None:
        return Kind(np.ndarray, None, x.dtype)
    if Ellipsis in items:
        i = items.index(Ellipsis)
        fill = len(x.dims) - sum(1 for it in items if it not in (None, Ellipsis))
        items = items[:i] + ["full"] * fill + items[i + 1 :]
    dims, axis = [], 0
    for it in items:
        if it is None:
            dims.append("1")
            continue
        if axis >= len(x.dims):
            return UNKNOWN
        if it == "full":
            dims.append(x.dims[axis])
        elif it == "slice":
            dims.append("?")
        axis += 1
    dims += list(x.dims[axis:])
    return Kind(np.ndarray if dims else np.generic, tuple(dims), x.dtype)


def _index_items(index: Arg) -> list | None:
    """``"int"``, ``"slice"``, ``"full"`` (``:``), ``None`` or ``Ellipsis`` per item; None if advanced."""
    from .. import ir

    def item(e) -> object:
        if isinstance(e, ir.Const):
            v = e.value
            if v is None or v is Ellipsis:
                return v
            if isinstance(v, slice):
                return "full" if v == slice(None) else "slice"
            if isinstance(v, int) and not isinstance(v, bool):
                return "int"
            return "advanced"
        if isinstance(e, ir.Call) and e.op.form == "slice":
            return "slice"
        k = index.kind_of(e) if index.kind_of else None
        if k is not None and k.type is not None and k.dims == () and k.dtype == "i":
            return "int"
        if k is not None and k.type is slice:
            return "slice"
        return "advanced"

    e = index.expr
    if isinstance(e, ir.Const) and isinstance(e.value, tuple):
        elts = [ir.Const(v) for v in e.value]
    elif isinstance(e, ir.Call) and e.op.form == "tuple":
        elts = list(e.args)
    else:
        elts = [e]
    items = [item(x) for x in elts]
    return None if "advanced" in items else items


# Reading elements; the derivative (writing the cotangent back into place) comes with array updates.
rule("x[index]", vjp={}, jvp={}, kind=_indexed)
