"""Rules for NumPy functions that pick elements: ``np.take``, ``np.take_along_axis``,
``np.diagonal``, ``np.partition``, ``np.select``.

Each is linear in the array it picks from, and its VJP puts the cotangent back where
each element was picked (adding where one was picked twice): a helper of
``s2sad.runtime.shaping``, as only the run-time indices tell where.

>>> from s2sad import ir
>>> from s2sad.rules.registry import lookup
>>> lookup(ir.call_op(np.take, "np.take")).vjp["a"]
'untake(g, a, indices, axis, mode)'
"""

import numpy as np

from ..ir.kinds import Kind, broadcast, promote
from .kindrules import Arg
from .registry import ZERO, linear, nondiff, rule, table
from .shaping import arg_value, array_kind, changed_axis, is_int

table("shaping")


def _diagonal(a: dict[str, Arg]) -> Kind:
    k, i, j = a["a"].kind, arg_value(a["axis1"]), arg_value(a["axis2"])
    if k.dims is None or not is_int(i) or not is_int(j):
        return array_kind(k, None, k.dtype)
    rest = tuple(d for n, d in enumerate(k.dims) if n not in (i % len(k.dims), j % len(k.dims)))
    return array_kind(k, rest + ("?",), k.dtype)


linear(
    "np.diagonal(a, offset=0, axis1=0, axis2=1)",
    a="undiag(g, a, offset) if a.ndim == 2 and axis1 % 2 == 0 and axis2 % 2 == 1 "
    "else undiagonal(g, a, offset, axis1, axis2)",
    kind=_diagonal,
)


def _index_kind(arg: Arg) -> Kind:
    k = arg.kind
    if k.type is list:  # np.take(a, [0, 2]): a list of ints is a 1-D index
        length = "?" if k.items is None else "1" if len(k.items) == 1 else "n"
        return Kind(np.ndarray, (length,), "i")
    return k


def _taken(a: dict[str, Arg]) -> Kind:
    x, idx, axis = a["a"].kind, _index_kind(a["indices"]), arg_value(a["axis"])
    if idx.dims is None or (axis is not None and (x.dims is None or not is_int(axis))):
        return Kind(np.ndarray, None, x.dtype)
    if axis is None:
        return array_kind(x, idx.dims, x.dtype)
    n = axis % len(x.dims)
    return array_kind(x, x.dims[:n] + idx.dims + x.dims[n + 1 :], x.dtype)


linear(
    "np.take(a, indices, axis=None, out=None, mode='raise')",
    a="untake(g, a, indices, axis, mode)",
    indices=ZERO,
    kind=_taken,
)


def _taken_along(a: dict[str, Arg]) -> Kind:
    x, idx, axis = a["arr"].kind, a["indices"].kind, arg_value(a["axis"])
    if axis is None:
        return array_kind(x, idx.dims, x.dtype)
    if x.dims is None or idx.dims is None or len(x.dims) != len(idx.dims) or not is_int(axis):
        return Kind(np.ndarray, None, x.dtype)
    other = broadcast(changed_axis(x, axis, "1"), changed_axis(idx, axis, "1"))
    dims = list(other.dims)
    dims[axis % len(dims)] = idx.dims[axis]
    return Kind(np.ndarray, tuple(dims), x.dtype)


linear(
    "np.take_along_axis(arr, indices, axis)",
    arr="untake_along_axis(g, arr, indices, axis)",
    indices=ZERO,
    kind=_taken_along,
)
# the orders that sort and partition: indices, constant almost everywhere (np.take_along_axis reads them)
nondiff("np.argsort(a, axis=-1, kind=None, order=None)", kind=lambda a: _order(a))
nondiff("np.argpartition(a, kth, axis=-1)", kind=lambda a: _order(a))


def _order(a: dict[str, Arg]) -> Kind:
    k = a["a"].kind
    if arg_value(a["axis"]) is None:
        return Kind(np.ndarray, ("?",) if k.dims is None or len(k.dims) != 1 else k.dims, "i")
    return Kind(np.ndarray, k.dims, "i", shape=k.shape)


# np.partition reorders a; which item went where is found by matching ranks with the result
rule(
    "np.partition(a, kth, axis=-1)",
    vjp={"a": "untake_like(g, a, ans, axis)", "kth": ZERO},
    jvp={"a": "take_like(a_dot, a, ans, axis)", "kth": ZERO},
    kind=lambda a: a["a"].kind if arg_value(a["axis"]) is not None else array_kind(a["a"].kind, ("?",)),
)


def _selected(a: dict[str, Arg]) -> Kind:
    parts = []
    for p in ("condlist", "choicelist"):
        k = a[p].kind
        items = k.items if k.items is not None else (k.elem,) if k.elem is not None else None
        if k.type not in (list, tuple) or not items or any(i is None for i in items):
            return Kind(np.ndarray, None, "?")
        parts += items
    out = broadcast(*parts, a["default"].kind, numpy=True)
    dtype = promote(*(i.dtype for i in parts[len(parts) // 2 :]), a["default"].kind.dtype)
    return Kind(out.type, out.dims, dtype, shape=out.shape) if out.type is not None else out


rule(
    "np.select(condlist, choicelist, default=0)",
    vjp={
        "condlist": ZERO,
        "choicelist": "unselect(g, condlist, choicelist)",
        "default": "unbroadcast(select_default(g, condlist), default)",
    },
    jvp={
        "condlist": ZERO,
        "choicelist": "np.select(condlist, choicelist_dot)",
        "default": "select_default(default_dot, condlist, np.shape(ans))",
    },
    kind=_selected,
)
