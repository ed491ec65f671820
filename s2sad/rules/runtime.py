"""Rules for the helpers in ``s2sad.runtime`` that generated code may call.

They matter when generated code is differentiated again, and for the kinds
of what they return.
"""

import numpy as np

from ..ir.kinds import FLOAT, INT, UNKNOWN, Kind, element_kind
from .indexing_kinds import indexed
from .kindrules import Arg, always, same_as, shape_kind
from .registry import ZERO, linear, nondiff, rule, table

table("runtime")


def _expanded(a: dict[str, Arg]) -> Kind:
    k = a["value"].kind
    if a["keepdims"].const is True or a["axis"].const is None:
        return k
    return Kind(k.type, None, k.dtype) if k.type is not None else k


linear(
    "broadcast_like(value, like)", value="unbroadcast(g, value)", like=ZERO, kind=same_as("like", dtype="f+")
)
# The macros of the same names take a value to match, not a shape: the JVPs call the helpers.


def _unbroadcast(a: dict[str, Arg]) -> Kind:
    """An array of the shape, where it has axes; for the shape ``()``, a number: the value
    itself, or the sum of an array (a NumPy float); unknown while the shape's length is."""
    value = a["value"].kind
    cat = _value_dtype(value)
    k = shape_kind("shape", cat)(a)
    if k.dims is None:
        return UNKNOWN
    if k.dims == ():
        return value if value.dims == () and not value.is_array else Kind(np.generic, (), cat)
    return k


def _value_dtype(k: Kind) -> str:
    """The dtype category of a cotangent moved about: complex where a complex value in between
    sends it, else float."""
    return "c" if k.dtype == "c" else "f"


rule(
    "unbroadcast(value, shape)",
    vjp={"value": "np.broadcast_to(g, np.shape(value))"},
    jvp={"value": "rt.unbroadcast(value_dot, shape)"},
    kind=_unbroadcast,
)
rule(
    "unreduce(value, shape, axis=None, keepdims=False)",
    vjp={"value": "np.sum(g, axis=axis, keepdims=keepdims)"},
    jvp={"value": "rt.unreduce(value_dot, shape, axis, keepdims)"},
    kind=lambda a: shape_kind("shape", _value_dtype(a["value"].kind))(a),
)
linear(
    "expand_reduced(value, axis=None, keepdims=False)", value="np.reshape(g, np.shape(value))", kind=_expanded
)
rule(
    "gradient_like(value, like)",
    vjp={"value": "unbroadcast(g, value)", "like": ZERO},
    jvp={"value": "gradient_like(value_dot, like)", "like": ZERO},
    kind=same_as("like", dtype="f+"),
)
nondiff("reduced_size(shape, axis=None)", kind=always(INT))
nondiff("fail(message)")
nondiff("first_extreme(keys, largest=True)", kind=always(INT))  # which item max(xs, key=k) picks
rule(
    "prod_others(x, axis=None)",
    vjp={"x": "prod_others_jvp(x, g, axis)"},  # symmetric: the VJP is the JVP along g
    jvp={"x": "prod_others_jvp(x, x_dot, axis)"},
    kind=same_as("x"),
)
# Linear in t (and symmetric); its derivative in x is the third of a product, not written yet.
rule(
    "prod_others_jvp(x, t, axis=None)",
    vjp={"t": "prod_others_jvp(x, g, axis)"},
    jvp={"t": "prod_others_jvp(x, t_dot, axis)"},
    kind=same_as("x"),
)


def product_vjp(name: str, ct_of_a: str, ct_of_b: str, extra: str = "", dtype: str | None = None) -> None:
    """The rule of ``name(ct, a, b[, extra], which)``, the cotangent of ``a`` (which=0) or of
    ``b`` (which=1) in a product of the two (``a @ b``, ``np.kron(a, b)``): linear in ``ct``
    and in the other factor, reading only the shape of its own. Each partial VJP is again the
    product (``ct_of_a``, ``ct_of_b``: written with ``g``) or ``name`` itself; ``extra`` (the
    axes of a tensordot) is held constant."""
    x = f", {extra}" if extra else ""
    vjp = {
        "ct": f"{ct_of_a} if which == 0 else {ct_of_b}",
        "a": f"{name}(ct, a, g{x}, 0) if which == 1 else zero_like(a)",
        "b": f"{name}(ct, g, b{x}, 1) if which == 0 else zero_like(b)",
    }
    jvp = {
        "ct": f"{name}(ct_dot, a, b{x}, which)",
        "a": f"{name}(ct, a_dot, b{x}, 1) if which == 1 else zero_like(ans)",
        "b": f"{name}(ct, a, b_dot{x}, 0) if which == 0 else zero_like(ans)",
    }
    if extra:
        vjp[extra] = jvp[extra] = ZERO
    rule(
        f"{name}(ct, a, b{x}, which)",
        vjp=vjp,
        jvp=jvp,
        kind=lambda a: same_as("a" if a["which"].const == 0 else "b", dtype)(a),
    )


product_vjp("matmul_vjp", "unbroadcast(g @ b, ct)", "unbroadcast(a @ g, ct)")


def _zero_like(a: dict[str, Arg]) -> Kind:
    k = a["x"].kind
    if k.is_container:
        return zeros_kind(k)  # a list (or dict) of the items' zeros, as zeros_of makes
    if k.is_array or k.type is None:
        return k
    return Kind(float, (), "f")


nondiff("zero_like(x)", kind=_zero_like)
rule("add_leaves(a, b)", vjp={"a": "g", "b": "g"}, jvp={"a": "a_dot", "b": "b_dot"}, kind=same_as("a"))

# a permutation, the same almost everywhere: linear in the value, constant in the order's key
linear("take_sorted(value, a, axis=-1)", value="unsort(g, a, axis)", a=ZERO, kind=same_as("value", "f"))
linear("unsort(value, a, axis=-1)", value="take_sorted(g, a, axis)", a=ZERO, kind=same_as("a", "f"))
linear("sorted_items(values, key)", values="unsorted_items(g, key)", key=ZERO, kind=same_as("values"))
linear("unsorted_items(values, key)", values="sorted_items(g, key)", key=ZERO, kind=same_as("values"))


def _folded(a: dict[str, Arg]) -> Kind:
    k, size = a["value"].kind, a["size"].const
    if k.items is not None and isinstance(size, int):
        return Kind(list, None, "o", items=k.items[:size], elem=k.elem)
    return Kind(list, None, "o", elem=k.elem)


# its transpose repeats: the n copies of xs each get the adjoint of the sum
linear("fold_repeats(value, size)", value="g * (len(value) // size) if size else []", kind=_folded)


def zeros_kind(k: Kind | None) -> Kind | None:
    """The kind of ``zeros_of`` a value of kind ``k``: float arrays and numbers, in lists and dicts."""
    if k is None or k.type is None:
        return k
    if k.is_array:
        return Kind(np.ndarray, k.dims, "f")
    if k.is_container:
        items = tuple(zeros_kind(i) for i in k.items) if k.items is not None else None
        return Kind(
            dict if k.type is dict else list, None, "o", items=items, keys=k.keys, elem=zeros_kind(k.elem)
        )
    return Kind(np.generic, (), "f") if k.dims == () else Kind()  # a float, or a NumPy float added in


nondiff("zeros_of(x)", kind=lambda a: zeros_kind(a["x"].kind))
# what `d[key] = v` overwrites in a dict, put back by the adjoint sweep
nondiff("saved_item(d, key)")
nondiff("restore_item(d, key, old)")


def _spread(a: dict[str, Arg]) -> Kind:
    """Cotangents like each of ``xs``: arrays, and NumPy scalars for numbers."""

    def like(k: Kind | None) -> Kind | None:
        if k is None or not k.is_numeric or k.dims is None:
            return None
        return Kind(np.ndarray if k.dims else np.generic, k.dims, "c" if k.dtype == "c" else "f")

    xs = a["xs"].kind
    items = tuple(like(k) for k in xs.items) if xs.items is not None else None
    return Kind(list, None, "o", items=None if items is None or None in items else items, elem=like(xs.elem))


linear("spread(value, xs)", value="unspread(g, value)", xs=ZERO, kind=_spread)
linear("unspread(cotangents, value)", cotangents="spread(g, cotangents)", value=ZERO, kind=same_as("value"))


def _as_lists(a: dict[str, Arg]) -> Kind:
    """Lists of lists, ``depth`` levels, of the rows of ``value``."""
    k, depth = a["value"].kind, a["depth"].const
    if not isinstance(depth, int):
        return Kind(list, None, "o")
    if depth == 0:
        return k
    rows = _as_lists({"value": Arg(element_kind(k)), "depth": Arg(INT, depth - 1)})
    return Kind(list, None, "o", elem=rows)


linear("as_lists(value, depth)", value="np.array(g)", kind=_as_lists)


def _at_index(a: dict[str, Arg]) -> Kind:
    """Zeros like ``xs`` (a float array, or a list), ``value`` at one index."""
    k = a["xs"].kind
    if k.is_array:
        return Kind(np.ndarray, k.dims, "f", shape=k.shape)
    return Kind(list, None, "o", elem=a["value"].kind)


linear("at_index(value, xs, index)", value="g[index]", xs=ZERO, kind=_at_index)


def _pieces(a: dict[str, Arg]) -> Kind:
    """A list of cotangent arrays shaped like the pieces that were joined."""
    k = a["arrays"].kind
    if k.is_array:  # the rows of an array were the pieces: an array like it
        return Kind(np.ndarray, k.dims, "c" if k.dtype == "c" else "f", shape=k.shape)
    if k.type not in (list, tuple):
        return Kind(list, None, "o")

    def piece(item: Kind | None) -> Kind | None:
        if item is None or not item.is_numeric:
            return None
        return Kind(np.ndarray, item.dims, "c" if item.dtype == "c" else "f")

    items = tuple(piece(i) for i in k.items) if k.items is not None else None
    if items is not None and None in items:
        items = None
    return Kind(list, None, "o", items=items, elem=piece(k.elem))


def _slices(a: dict[str, Arg]) -> Kind:
    """The slices of an array along ``axis``."""
    k, axis = a["value"].kind, a["axis"].const
    if not k.is_array or k.dims is None or not isinstance(axis, int) or not k.dims:
        return Kind(list, None, "o")
    dims = list(k.dims)
    del dims[axis % len(dims)]
    return Kind(list, None, "o", elem=Kind(np.ndarray, tuple(dims), k.dtype))


linear(
    "unconcatenate(value, arrays, axis=0)", value="np.concatenate(g, axis=axis)", arrays=ZERO, kind=_pieces
)
linear("unstack(value, axis=0)", value="np.stack(g, axis=axis)", kind=_slices)
linear("unhstack(value, arrays)", value="np.hstack(g)", arrays=ZERO, kind=_pieces)
linear("unvstack(value, arrays)", value="np.vstack(g)", arrays=ZERO, kind=_pieces)
linear("uncolumn_stack(value, arrays)", value="np.column_stack(g)", arrays=ZERO, kind=_pieces)
linear(
    "unrepeat(value, a, repeats, axis=None)",
    value="np.repeat(g, repeats, axis=axis)",
    a=ZERO,
    kind=same_as("a"),
)
linear("untile(value, a, reps)", value="np.tile(g, reps)", a=ZERO, kind=same_as("a"))
linear("undiag(value, v, k=0)", value="np.diag(g, k)", v=ZERO, kind=same_as("v"))


def _last_written(a: dict[str, Arg]) -> Kind:
    """Shaped like the value written, or without one like ``slots[index]``."""
    if a["value"].const is None:
        return indexed({"x": a["slots"], "index": a["index"]})
    return same_as("value", dtype="f+")(a) if a["value"].kind.is_array else FLOAT


# `y[index] = value` through an index that may name a slot twice: linear in the adjoint of y,
# and the transpose writes by the same index (the index and the value are read only for
# where and in which order NumPy writes)
linear(
    "last_written(slots, index, value=None)",
    slots="written_back(g, slots, index, value)",
    index=ZERO,
    value=ZERO,
    kind=_last_written,
)
linear(
    "written_back(writes, slots, index, value=None)",
    writes="last_written(g, index, value)",
    slots=ZERO,
    index=ZERO,
    value=ZERO,
    kind=same_as("slots", dtype="f+"),
)
