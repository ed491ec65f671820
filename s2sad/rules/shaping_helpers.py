"""Rules for the helpers in ``s2sad.runtime.shaping``, so that derivative code calling them
can be differentiated again.

Each helper is linear in its first argument and is the transpose of a NumPy function,
so its VJP is that function (``unpad`` is undone by ``np.pad``), and the others are read
only for shapes and positions (``ZERO``). ``kron_vjp`` and ``tensordot_vjp`` are also
linear in the other operand, as ``matmul_vjp`` is.

>>> from s2sad import ir, runtime
>>> from s2sad.rules.registry import lookup
>>> unpad = lookup(ir.call_op(runtime.unpad, "unpad"))
>>> unpad.vjp["value"], unpad.jvp["value"]
('np.pad(g, pad_width)', 'rt.unpad(value_dot, pad_width)')
"""

import numpy as np

from ..ir.kinds import INT, Kind, broadcast
from .kindrules import Arg, always, same_as
from .registry import ZERO, linear, nondiff, rule, table
from .runtime import product_vjp
from .shaping import arg_value, array_kind, changed_axis

table("runtime")

# (undiff and unpad are also macros, for the rules of np.diff and np.pad: rt. names the helpers)
rule(
    "undiff(value, n=1, axis=-1)",
    vjp={"value": "np.diff(g, n, axis)"},
    jvp={"value": "rt.undiff(value_dot, n, axis)"},
    kind=lambda a: changed_axis(a["value"].kind, arg_value(a["axis"])),
)
linear(
    "ungradient(value, axis=0, edge_order=1)",
    value="np.gradient(g, axis=axis, edge_order=edge_order)",
    kind=same_as("value", "f+"),
)
rule(
    "unpad(value, pad_width)",
    vjp={"value": "np.pad(g, pad_width)", "pad_width": ZERO},
    jvp={"value": "rt.unpad(value_dot, pad_width)", "pad_width": ZERO},
    kind=lambda a: array_kind(
        a["value"].kind, None if a["value"].kind.dims is None else ("?",) * len(a["value"].kind.dims)
    ),
)
linear(
    "unpad_copies(value, a, pad_width, mode)",
    value="np.pad(g, pad_width, mode=mode)",
    a=ZERO,
    pad_width=ZERO,
    kind=same_as("a", "f+"),
)
nondiff("rolled_to(axis, start, ndim)", kind=always(INT))
linear(
    "undiagonal(value, a, offset=0, axis1=0, axis2=1)",
    value="np.diagonal(g, offset, axis1, axis2)",
    a=ZERO,
    kind=same_as("a", "f+"),
)
# <h, kron_vjp(ct, a, b, 0)> = <ct, kron(h, b)>: the cotangent of ct is a kron, of b a kron_vjp;
# the same for a tensordot
product_vjp("kron_vjp", "np.kron(g, b)", "np.kron(a, g)", dtype="f+")
product_vjp("tensordot_vjp", "np.tensordot(g, b, axes)", "np.tensordot(a, g, axes)", "axes", dtype="f+")
linear(
    "untake(value, a, indices, axis=None, mode='raise')",
    value="np.take(g, indices, axis, mode=mode)",
    a=ZERO,
    indices=ZERO,
    kind=same_as("a", "f+"),
)
linear(
    "untake_along_axis(value, arr, indices, axis)",
    value="np.take_along_axis(g, indices, axis)",
    arr=ZERO,
    indices=ZERO,
    kind=same_as("arr", "f+"),
)


def _flat_unless(param: str):
    """Like ``param``, or flattened when ``axis`` is None."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = a[param].kind
        return array_kind(k, ("?",)) if arg_value(a["axis"]) is None else same_as(param, "f+")(a)

    return kind


# permutations: linear in the value, constant in the arrays that say how it was permuted
linear(
    "take_like(value, a, arranged, axis=-1)",
    value="untake_like(g, a, arranged, axis)",
    a=ZERO,
    arranged=ZERO,
    kind=_flat_unless("value"),
)
linear(
    "untake_like(value, a, arranged, axis=-1)",
    value="take_like(g, a, arranged, axis)",
    a=ZERO,
    arranged=ZERO,
    kind=same_as("a", "f+"),
)


def _choices(a: dict[str, Arg]) -> Kind:
    """Cotangents like each of the choices: float arrays and numbers, in a list."""
    k = a["choicelist"].kind

    def like(item: Kind | None) -> Kind | None:
        if item is None or not item.is_numeric or item.dims is None:
            return None
        return Kind(np.ndarray, item.dims, "f") if item.dims else Kind(float, (), "f")

    items = tuple(like(i) for i in k.items) if k.items is not None else None
    return Kind(list, None, "o", items=None if items is None or None in items else items, elem=like(k.elem))


linear(
    "unselect(value, condlist, choicelist)",
    value="unbroadcast(np.select(condlist, g), value)",
    condlist=ZERO,
    choicelist=ZERO,
    kind=_choices,
)
linear(
    "select_default(value, condlist, shape=None)",
    value="unbroadcast(select_default(g, condlist), value)",
    condlist=ZERO,
    shape=ZERO,
    kind=lambda a: _masked(a),
)


def _masked(a: dict[str, Arg]) -> Kind:
    """The value broadcast against the conditions (or to ``shape``)."""
    conds = a["condlist"].kind.items
    if a["shape"].const is not None or conds is None:
        return Kind(np.ndarray, None, "f")
    out = broadcast(a["value"].kind, *conds, dtype="f+", numpy=True)
    return out if out.type is not None else Kind(np.ndarray, None, "f")
