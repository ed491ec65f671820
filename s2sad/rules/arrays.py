"""Rules for NumPy functions that move elements around: shapes, axes, copies.

All of them are linear: the VJP puts the cotangent back where each element
came from, the JVP does to the tangent what the function does to its input.
"""

import numpy as np

from ..ir.kinds import INT, UNKNOWN, Kind, element_kind, promote
from .indexing_kinds import indexed
from .kindrules import Arg, always, given_dtype, numbers, same_as, shape_kind, with_dtype
from .registry import linear, nondiff, rule, table

table("arrays")


def _transposed(a: dict[str, Arg]) -> Kind:
    k = a["a"].kind if "a" in a else a["x"].kind
    axes = numbers(a["axes"]) if "axes" in a else None
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
    k, axis = a["a"].kind, numbers(a["axis"])
    axes = (axis,) if isinstance(axis, int) else axis
    if k.dims is None or not isinstance(axes, tuple) or not all(isinstance(i, int) for i in axes):
        return Kind(np.ndarray, None, k.dtype)
    n = len(k.dims) + len(axes)
    places = {i % n for i in axes if -n <= i < n}
    if len(places) != len(axes):
        return Kind(np.ndarray, None, k.dtype)  # NumPy refuses it: the call says why
    rest = iter(k.dims)
    return Kind(np.ndarray, tuple("1" if i in places else next(rest) for i in range(n)), k.dtype)


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
linear(  # complex where the array is (a cotangent spread back, in unreduce)
    "np.broadcast_to(array, shape)",
    array="unbroadcast(g, array)",
    kind=lambda a: shape_kind("shape", "c" if a["array"].kind.dtype == "c" else "f")(a),
)
linear("np.copy(a)", a="g", kind=same_as("a"))
linear("x.copy()", x="g", kind=same_as("x"))


def _popped(a: dict[str, Arg]) -> Kind:
    return element_kind(a["x"].kind)


# A list's last item (a tape's): both modes handle it before the rule tables; this gives its kind.
rule("x.pop()", vjp={}, jvp={}, kind=_popped)


def _array_kind(a: dict[str, Arg]) -> Kind:
    """An array made from a number, an array, or a (nested) list of them."""
    k = a["a"].kind
    return _as_array(k) or Kind(np.ndarray, None, "?")


def _as_array(k: Kind) -> Kind | None:
    if k.type is not None and k.is_numeric:
        return Kind(np.ndarray, k.dims, k.dtype)
    if k.type in (list, tuple):
        parts = k.items if k.items is not None else (k.elem,) if k.elem else None
        inner = [_as_array(p) for p in parts] if parts else None
        if not inner or any(i is None or i.dims is None for i in inner) or len({i.dims for i in inner}) > 1:
            return None
        first = ("1" if len(k.items) == 1 else "n") if k.items is not None else "?"
        dtype = max((i.dtype for i in inner), key="bifc?".index)
        return Kind(np.ndarray, (first,) + inner[0].dims, dtype)
    return None


# np.array([a, b]): each item gets its element of the cotangent
linear(
    "np.asarray(a, dtype=None)", a="g if is_sequence(a) else unbroadcast(g, a)", kind=with_dtype(_array_kind)
)
# (the adjoint of a list is a list: Adjoints.as_list_adjoint turns the rows of g into one)
linear(
    "np.array(a, dtype=None)", a="g if is_sequence(a) else unbroadcast(g, a)", kind=with_dtype(_array_kind)
)
linear("x.item()", x="np.reshape(g, np.shape(x))", kind=lambda a: Kind(float, (), "f"))


def _listed(a: dict[str, Arg]) -> Kind:
    """``x.tolist()``: lists of lists of Python numbers, as deep as ``x`` has axes."""
    k = a["x"].kind
    if k.dims is None:
        return Kind(list, None, "o")
    out = Kind({"b": bool, "i": int, "c": complex}.get(k.dtype, float), (), k.dtype)
    for _ in k.dims:
        out = Kind(list, None, "o", elem=out)
    return out


linear("x.tolist()", x="np.array(g)", kind=_listed)
nondiff("x.index(value)", kind=always(INT))  # where in a list: the first item equal to it
linear(
    "x.astype(dtype)",
    x="g if float_dtype(dtype) else np.zeros(np.shape(x))",
    kind=lambda a: Kind(np.ndarray, a["x"].kind.dims, given_dtype(a["dtype"]) or "?"),
)

nondiff("x.shape", kind=lambda a: Kind(tuple, a["x"].kind.dims, "o", shape=a["x"].kind.shape))
nondiff("x.ndim", kind=always(INT))
nondiff("x.size", kind=always(INT))
nondiff("x.dtype", kind=lambda a: Kind(np.dtype, None, a["x"].kind.dtype))  # dtype: its category


# Reading elements; the derivative (writing the cotangent back into place) comes with array updates.
rule("x[index]", vjp={}, jvp={}, kind=indexed)


def _joined_length(lengths: list[str]) -> str:
    """The length of an axis made by joining axes of these lengths end to end."""
    if len(lengths) == 1 or "?" in lengths:
        return lengths[0] if len(lengths) == 1 else "?"
    ones = lengths.count("1")
    return "n" if ones != 1 else "?"  # lengths that are not one (0, 2, 3, ...) never add up to one


def _size(dims: tuple[str, ...]) -> str:
    """Whether the number of elements of an array of these dims is one."""
    if "n" in dims:
        return "n"
    return "?" if "?" in dims else "1"


def _joined(a: dict[str, Arg], param: str = "arrays", how: str = "concatenate") -> Kind:
    """Arrays joined along ``axis`` (a new one for np.stack); np.hstack and np.vstack first
    make every piece at least 1-D or 2-D."""
    k = a[param].kind
    if k.type not in (list, tuple):
        return Kind(np.ndarray, None, "?")
    parts, count = (
        (k.items, len(k.items)) if k.items is not None else ((k.elem,), None) if k.elem else ((), None)
    )
    if not parts or any(p is None or p.dims is None or not p.is_numeric for p in parts):
        return Kind(np.ndarray, None, "?")
    dims = [p.dims for p in parts]
    if how == "hstack":
        dims = [d or ("1",) for d in dims]
    elif how == "vstack":
        dims = [("1", "1") if not d else ("1",) + d if len(d) == 1 else d for d in dims]
    dtype = promote(*(p.dtype for p in parts))
    if len({len(d) for d in dims}) > 1:
        return Kind(np.ndarray, None, dtype)
    rank = len(dims[0])
    axis = a["axis"].const if "axis" in a else 1 if how == "hstack" and rank > 1 else 0
    if not isinstance(axis, int) or not -rank - (how == "stack") <= axis < rank + (how == "stack"):
        return Kind(np.ndarray, None, dtype)
    shared = [d[0] if len(set(d)) == 1 else "?" for d in zip(*dims)]
    if how == "stack":
        shared.insert(axis % (rank + 1), "?" if count is None else "1" if count == 1 else "n")
    else:
        axis %= rank
        shared[axis] = "?" if count is None else _joined_length([d[axis] for d in dims])
    return Kind(np.ndarray, tuple(shared), dtype)


linear("np.concatenate(arrays, axis=0)", arrays="unconcatenate(g, arrays, axis)", kind=_joined)
linear("np.stack(arrays, axis=0)", arrays="unstack(g, axis)", kind=lambda a: _joined(a, how="stack"))
linear("np.hstack(tup)", tup="unhstack(g, tup)", kind=lambda a: _joined(a, "tup", "hstack"))
linear("np.vstack(tup)", tup="unvstack(g, tup)", kind=lambda a: _joined(a, "tup", "vstack"))
linear("np.flip(m, axis=None)", m="np.flip(g, axis)", kind=same_as("m"))
rule(
    "np.sort(a, axis=-1)",
    vjp={"a": "unsort(g, a, axis)"},
    jvp={"a": "take_sorted(a_dot, a, axis)"},
    kind=lambda a: same_as("a")(a) if a["axis"].const is not None else _flattened(a["a"].kind),
)
linear("np.roll(a, shift, axis=None)", a="np.roll(g, negated(shift), axis)", kind=same_as("a"))


def _flattened(k: Kind) -> Kind:
    if k.ndim == 1:
        return Kind(np.ndarray, k.dims, k.dtype, shape=k.shape)
    return Kind(np.ndarray, None if k.dims is None else (_size(k.dims),), k.dtype)


linear(
    "np.cumsum(a, axis=None)",
    a="np.reshape(np.flip(np.cumsum(np.flip(np.ravel(g)))), np.shape(a)) if axis is None else "
    "np.flip(np.cumsum(np.flip(g, axis), axis), axis)",
    kind=lambda a: same_as("a")(a) if a["axis"].const is not None else _flattened(a["a"].kind),
)


def _repeated(a: dict[str, Arg]) -> Kind:
    k, axis = a["a"].kind, a["axis"].const
    if axis is None or k.dims is None or not isinstance(axis, int) or not k.dims:
        return Kind(np.ndarray, ("?",), k.dtype)
    dims = list(k.dims)
    dims[axis % len(dims)] = "?"
    return Kind(np.ndarray, tuple(dims), k.dtype)


def _tiled(a: dict[str, Arg]) -> Kind:
    k, reps = a["A"].kind, a["reps"].const
    reps = (reps,) if isinstance(reps, int) else reps
    if k.dims is None or not isinstance(reps, tuple) or not all(isinstance(r, int) for r in reps):
        return Kind(np.ndarray, None, k.dtype)
    rank = max(len(reps), len(k.dims))
    dims = ("1",) * (rank - len(k.dims)) + k.dims
    reps = (1,) * (rank - len(reps)) + reps
    out = tuple(d if r == 1 else "n" if d != "?" and r != 1 else "?" for d, r in zip(dims, reps))
    return Kind(np.ndarray, out, k.dtype)


def _diag(a: dict[str, Arg]) -> Kind:
    v, k = a["v"].kind, a["k"].const
    if v.ndim == 1:
        side = v.dims[0] if k == 0 else "n" if isinstance(k, int) else "?"
        return Kind(np.ndarray, (side, side), v.dtype)
    return Kind(np.ndarray, ("?",) if v.ndim == 2 else None, v.dtype)


linear("np.repeat(a, repeats, axis=None)", a="unrepeat(g, a, repeats, axis)", kind=_repeated)
linear("np.tile(A, reps)", A="untile(g, A, reps)", kind=_tiled)
linear("np.diag(v, k=0)", v="np.diag(g, k) if v.ndim == 1 else undiag(g, v, k)", kind=_diag)
linear("np.triu(m, k=0)", m="np.triu(g, k)", kind=same_as("m"))
linear("np.tril(m, k=0)", m="np.tril(g, k)", kind=same_as("m"))
