"""Rules for NumPy's shape functions: axes moved, differences, splits, pads, appends.

Most are linear, and the VJP undoes what the function did: ``np.split`` is undone by
``np.concatenate``, ``np.pad`` by a slice, ``np.moveaxis`` by moving the axis back.
Where the constants of the call settle it (pad widths, axes), the templates write the
plain NumPy out; otherwise they call a helper of ``s2sad.runtime.shaping``:

>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.rules.instantiate import instantiate
>>> from s2sad.rules.templates import parse_template
>>> def vjp(template, x):
...     return instantiate(parse_template(template, ("x",)), {"x": Name("x"), "g": Name("g")}, {"x": x}.get)
>>> vjp("unpad(g, x, ((1, 1), (0, 2)))", kind_of(np.ones((2, 3))))
g[1:-1, :-2]
>>> vjp("undiff(g, 2, -1, None, None)", kind_of(np.ones(4)))
np.diff(np.diff(g, axis=-1, prepend=0.0, append=0.0), axis=-1, prepend=0.0, append=0.0)
"""

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.kinds import UNKNOWN, Kind, broadcast, promote
from ..runtime.shaping import pad_slices, rolled_to
from .instantiate import Context, np_call, runtime_call
from .kindrules import NOT_CONST, Arg, same_as
from .registry import ZERO, linear, rule, table
from .templates import macro

table("shaping")


def constant_value(e: Expr | None) -> object:
    """The constant an expression spells (a literal, or a tuple or list display of them)."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Call) and e.op.form in ("tuple", "list"):
        items = [constant_value(a) for a in e.args]
        return NOT_CONST if any(i is NOT_CONST for i in items) else tuple(items)
    return NOT_CONST


def arg_value(arg: Arg) -> object:
    return arg.const if arg.const is not NOT_CONST else constant_value(arg.expr)


def is_int(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def array_kind(k: Kind, dims: tuple[str, ...] | None, dtype: str | None = None) -> Kind:
    dtype = dtype or ("f" if k.dtype in "bi" else k.dtype)
    if dims == ():
        return Kind(np.generic, (), dtype)
    return Kind(np.ndarray, dims, dtype)


def _permuted(k: Kind, how) -> Kind:
    """The kind of ``how(x)`` for ``x`` of kind ``k``, where ``how`` moves axes about: found
    by doing it to an array whose axes have lengths 2, 3, ... (with no memory: a broadcast)."""
    if k.dims is None:
        return array_kind(k, None, k.dtype)
    try:
        moved = how(np.broadcast_to(0.0, tuple(range(2, len(k.dims) + 2))))
    except Exception:  # axes known at run time: the same axes, in some order
        same = len(set(k.dims)) <= 1
        return array_kind(k, k.dims if same else ("?",) * len(k.dims), k.dtype)
    return array_kind(k, tuple(k.dims[n - 2] for n in np.shape(moved)), k.dtype)


def size_kind(k: Kind) -> str:
    """Whether an array of kind ``k`` holds one element (``"1"``), not one, or either."""
    if k.type in (list, tuple) and k.items is not None and all(i.dims == () for i in k.items):
        return "1" if len(k.items) == 1 else "n"  # np.append(x, [1.0, 2.0])
    if k.dims is None or "?" in k.dims:
        return "?"
    return "n" if "n" in k.dims else "1"


def joined_length(lengths: list[str]) -> str:
    """The length of pieces of these lengths end to end: lengths that are not one (0, 2,
    3, ...) never add up to one, and two ones make two."""
    return "?" if "?" in lengths else "n" if lengths.count("1") != 1 else "?"


def changed_axis(k: Kind, axis: object, length: str = "?") -> Kind:
    """``k`` with the length of ``axis`` changed (to ``length``)."""
    if k.dims is None or not is_int(axis) or not -len(k.dims) <= axis < len(k.dims):
        return array_kind(k, None)
    dims = list(k.dims)
    dims[axis % len(dims)] = length
    return array_kind(k, tuple(dims))


@macro
def is_number(ctx: Context, x: Expr) -> Expr:
    """Whether ``x`` is one number (not a sequence or an array of them): known from its kind."""
    k = ctx.kind(x)
    if k.dims is not None:
        return Const(k.dims == ())
    if k.type in (list, tuple):
        return Const(False)
    return Call(ir.COMPARE["=="], (np_call("ndim", x), Const(0)))


@macro
def rank(ctx: Context, x: Expr) -> Expr:
    """``np.ndim(x)``: a constant where the kind knows it (a list of numbers has one axis)."""
    k = ctx.kind(x)
    if k.dims is not None:
        return Const(len(k.dims))
    if k.type in (list, tuple) and k.elem is not None and k.elem.dims == ():
        return Const(1)
    return np_call("ndim", x)


# ---------------------------------------------------------------- moving axes
linear("np.flipud(m)", m="np.flipud(g)", kind=same_as("m"))
linear("np.fliplr(m)", m="np.fliplr(g)", kind=same_as("m"))
linear(
    "np.rot90(m, k=1, axes=(0, 1))",
    m="np.rot90(g, negated(k), axes)",
    axes=ZERO,
    kind=lambda a: _permuted(a["m"].kind, lambda x: np.rot90(x, arg_value(a["k"]), arg_value(a["axes"]))),
)
linear(
    "np.moveaxis(a, source, destination)",
    a="np.moveaxis(g, destination, source)",
    source=ZERO,
    destination=ZERO,
    kind=lambda a: _permuted(
        a["a"].kind, lambda x: np.moveaxis(x, arg_value(a["source"]), arg_value(a["destination"]))
    ),
)


@macro
def rolled_axis(ctx: Context, axis: Expr, start: Expr, a: Expr) -> Expr:
    """Where ``np.rollaxis(a, axis, start)`` put the axis: a constant when the call's are."""
    ndim = ctx.kind(a).ndim
    if ndim and is_int(constant_value(axis)) and is_int(constant_value(start)):
        return Const(rolled_to(constant_value(axis), constant_value(start), ndim))
    return runtime_call("rolled_to", axis, start, np_call("ndim", a))


linear(
    "np.rollaxis(a, axis, start=0)",
    a="np.moveaxis(g, rolled_axis(axis, start, a), axis)",
    kind=lambda a: _permuted(
        a["a"].kind, lambda x: np.rollaxis(x, arg_value(a["axis"]), arg_value(a["start"]))
    ),
)

# ------------------------------------------------------------ differences
_DIFF_ENDS = "np.diff with prepend or append: the rule covers ends that are numbers"


def _end(ctx: Context, e: Expr) -> bool | None:
    """Whether ``prepend=e`` is one number (whatever its value, the derivative in ``a`` is the
    same); None when it is not given."""
    if constant_value(e) is None:
        return None
    return ctx.kind(e).dims == ()


@macro
def undiff(ctx: Context, g: Expr, n: Expr, axis: Expr, prepend: Expr, append: Expr) -> Expr:
    """The adjoint of ``np.diff(a, n, axis)``: ``-np.diff`` of ``g`` with a zero at each end,
    ``n`` times, written out when ``n`` is a constant. The ends ``prepend`` and ``append`` are
    numbers put before and after ``a``: their part of the adjoint is cut off."""
    times, ends = constant_value(n), (_end(ctx, prepend), _end(ctx, append))
    if False in ends:
        return runtime_call("fail", Const(_DIFF_ENDS))
    if ends == (None, None) and not (is_int(times) and times <= 4):
        return runtime_call("undiff", g, n, axis)
    if times == 0:  # np.diff(a, 0) is a, ends or not
        return g
    if times == 1 and ends != (None, None):  # the adjoint of np.diff(a, prepend=p) is -np.diff(g, append=0)
        zeros = {k: Const(0.0) for k, end in zip(("prepend", "append"), ends) if end is None}
        return Call(ir.NEG, (np_call("diff", g, axis=axis, **zeros),))
    where, ndim = constant_value(axis), ctx.kind(g).ndim if ends != (None, None) else None
    if ends != (None, None) and not (is_int(times) and times <= 4 and is_int(where) and ndim):
        return runtime_call("fail", Const(_DIFF_ENDS + " (and n=1, or n and axis constants)"))
    for _ in range(times):
        g = np_call("diff", g, axis=axis, prepend=Const(0.0), append=Const(0.0))
    g = Call(ir.NEG, (g,)) if times % 2 else g  # each time -np.diff
    if ends == (None, None):
        return g
    cut = slice(1 if ends[0] else None, -1 if ends[1] else None)
    index = (slice(None),) * (where % ndim) + (cut,)
    return Call(ir.GETITEM, (g, Const(index[0] if len(index) == 1 else index)))


@macro
def diff_tangent(ctx: Context, a_dot: Expr, n: Expr, axis: Expr, prepend: Expr, append: Expr) -> Expr:
    """``np.diff`` of the tangent, with zero ends: numbers have no tangent here (the rule has
    no derivative in ``prepend`` and ``append``)."""
    ends = {"prepend": _end(ctx, prepend), "append": _end(ctx, append)}
    if False in ends.values():
        return runtime_call("fail", Const(_DIFF_ENDS))
    return np_call("diff", a_dot, n, axis, **{k: Const(0.0) for k, end in ends.items() if end})


def _differences(a: dict[str, Arg]) -> Kind:
    """Shorter by ``n`` along ``axis``, longer by one for each end given: the same length when
    those cancel (``np.diff(x, prepend=0.0)``)."""
    ends = sum(arg_value(a[p]) is not None for p in ("prepend", "append"))
    if arg_value(a["n"]) == ends:
        return a["a"].kind
    return changed_axis(a["a"].kind, arg_value(a["axis"]))


rule(
    "np.diff(a, n=1, axis=-1, prepend=None, append=None)",
    vjp={"a": "undiff(g, n, axis, prepend, append)"},
    jvp={"a": "diff_tangent(a_dot, n, axis, prepend, append)"},
    kind=lambda a: _differences(a),
)

# ------------------------------------------------------------ splitting and joining


def _split(param: str, axis: object = None, equal: bool = True):
    """A list of pieces of ``param`` along ``axis`` (the call's own ``axis`` if None). Split
    into a number of sections, the pieces have one shape (``np.array_split``'s need not)."""

    def kind(a: dict[str, Arg]) -> Kind:
        k, sections = a[param].kind, arg_value(a["indices_or_sections"])
        where = arg_value(a["axis"]) if axis is None else axis
        if callable(where):
            where = where(k)
        piece = changed_axis(k, where) if k.dims else array_kind(k, None)
        piece = Kind(np.ndarray, piece.dims, k.dtype)
        if sections == 1 and is_int(sections):
            piece = Kind(np.ndarray, k.dims, k.dtype, shape=k.shape)
        elif is_int(sections) and equal and k.shape is not None:
            piece = piece.with_shape(f"{k.shape}/{sections}@{where}")
        count = sections if is_int(sections) else len(sections) + 1 if isinstance(sections, tuple) else None
        items = (piece,) * count if count is not None else None
        return Kind(list, None, "o", items=items, elem=piece)

    return kind


linear(
    "np.split(ary, indices_or_sections, axis=0)",
    ary="np.concatenate(g, axis=axis)",
    indices_or_sections=ZERO,
    kind=_split("ary"),
)
linear(
    "np.array_split(ary, indices_or_sections, axis=0)",
    ary="np.concatenate(g, axis=axis)",
    indices_or_sections=ZERO,
    kind=_split("ary", equal=False),
)
linear(
    "np.vsplit(ary, indices_or_sections)", ary="np.vstack(g)", indices_or_sections=ZERO, kind=_split("ary", 0)
)
linear(
    "np.hsplit(ary, indices_or_sections)",
    ary="np.hstack(g)",
    indices_or_sections=ZERO,
    kind=_split("ary", lambda k: 1 if k.ndim and k.ndim > 1 else 0),
)
linear(
    "np.dsplit(ary, indices_or_sections)",
    ary="np.concatenate(g, axis=2)",
    indices_or_sections=ZERO,
    kind=_split("ary", 2),
)


def _size(arg: Arg) -> str:
    """``size_kind`` of an argument, which may be a constant list (``[1.0, 2.0]``)."""
    value = arg_value(arg)
    if isinstance(value, (list, tuple)) and all(type(v) in (int, float) for v in value):
        return "1" if len(value) == 1 else "n"
    return size_kind(arg.kind)


def _dtype(k: Kind) -> str:
    """The dtype category of an array made of ``k`` (a list of floats makes a float array)."""
    if k.type in (list, tuple) and k.elem is not None:
        return k.elem.dtype
    return k.dtype


def _appended(a: dict[str, Arg]) -> Kind:
    arr, values, axis = a["arr"].kind, a["values"].kind, arg_value(a["axis"])
    dtype = promote(*(_dtype(k) for k in (arr, values)))
    if axis is None:
        sizes = [_size(a[p]) for p in ("arr", "values")]
        return Kind(np.ndarray, (joined_length(sizes),), dtype)
    if arr.dims is None or values.dims is None or len(arr.dims) != len(values.dims) or not is_int(axis):
        return Kind(np.ndarray, None, dtype)
    joined = broadcast(changed_axis(arr, axis, "1"), changed_axis(values, axis, "1"))
    length = joined_length([arr.dims[axis], values.dims[axis]])
    return Kind(np.ndarray, changed_axis(joined, axis, length).dims, dtype)


_HEAD = "np.split(g, [np.shape(arr)[axis]], axis=axis)"
rule(
    "np.append(arr, values, axis=None)",
    vjp={
        "arr": "(g[:np.size(arr)] if rank(arr) == 1 else g[0] if rank(arr) == 0 else "
        f"np.reshape(g[:np.size(arr)], np.shape(arr))) if axis is None else {_HEAD}[0]",
        "values": "(g[-1] if rank(values) == 0 else g[np.size(arr):] if rank(values) == 1 else "
        f"np.reshape(g[np.size(arr):], np.shape(values))) if axis is None else {_HEAD}[1]",
    },
    jvp={
        "arr": "np.append(arr_dot, np.zeros(np.shape(values)), axis=axis)",
        "values": "np.append(np.zeros(np.shape(arr)), values_dot, axis=axis)",
    },
    kind=_appended,
)


@macro
def unpad(ctx: Context, g: Expr, array: Expr, pad_width: Expr) -> Expr:
    """The adjoint of ``np.pad(array, pad_width)``: ``g`` with the padding cut off, as a slice
    when the widths are constants (``g[1:-1, 2:]``)."""
    ndim, widths = ctx.kind(array).ndim, constant_value(pad_width)
    if ndim is not None and widths is not NOT_CONST:
        try:
            cut = pad_slices(widths, ndim)
        except ValueError:
            return runtime_call("fail", Const("np.pad: pad widths that do not fit the array"))
        if all(s == slice(None) for s in cut):
            return g
        while cut[-1] == slice(None):  # g[1:-1, :] is g[1:-1]
            cut = cut[:-1]
        return Call(ir.GETITEM, (g, Const(cut[0] if len(cut) == 1 else cut)))
    return runtime_call("unpad", g, pad_width)


def _padded(a: dict[str, Arg]) -> Kind:
    k, widths = a["array"].kind, arg_value(a["pad_width"])
    if k.dims is None or widths is NOT_CONST:
        return array_kind(k, None if k.dims is None else ("?",) * len(k.dims), k.dtype)
    try:
        pairs = np.broadcast_to(np.asarray(widths, dtype=int), (len(k.dims), 2))
    except ValueError:
        return UNKNOWN
    dims = tuple(
        d if b + e == 0 else "n" if b + e >= 2 or d == "1" else "?" for d, (b, e) in zip(k.dims, pairs)
    )
    return array_kind(k, dims, promote(k.dtype, a["constant_values"].kind.dtype))


_CONSTANT = "mode == 'constant'"
_COPIES = "mode == 'edge' or mode == 'reflect' or mode == 'symmetric' or mode == 'wrap'"
_MODES = "fail('np.pad: the rule covers the modes constant, edge, reflect, symmetric and wrap')"
_VALUES = "fail('np.pad: the rule covers one constant_values number')"
# constant mode pads with constant_values: the array's cotangent is g inside, the number's the
# rest; the other modes the rules cover pad with copies of the array's elements
rule(
    "np.pad(array, pad_width, mode='constant', constant_values=0)",
    vjp={
        "array": f"unpad(g, array, pad_width) if {_CONSTANT} else unpad_copies(g, array, pad_width, mode) "
        f"if {_COPIES} else {_MODES}",
        "pad_width": ZERO,
        "constant_values": f"(np.sum(g) - np.sum(unpad(g, array, pad_width)) if is_number(constant_values) "
        f"else {_VALUES}) if {_CONSTANT} else {_MODES}",
    },
    jvp={
        "array": f"np.pad(array_dot, pad_width) if {_CONSTANT} else np.pad(array_dot, pad_width, mode=mode) "
        f"if {_COPIES} else {_MODES}",
        "pad_width": ZERO,
        "constant_values": "(np.pad(np.zeros(np.shape(array)), pad_width, "
        "constant_values=constant_values_dot) "
        f"if is_number(constant_values) else {_VALUES}) if {_CONSTANT} else {_MODES}",
    },
    kind=_padded,
)


# V[:, j] = x ** p[j], with the powers p decreasing (or increasing) from N - 1: dV/dx = p x ** (p - 1)
_COLUMNS = "(len(x) if N is None else N)"
_UP = f"np.arange(1, {_COLUMNS}) * np.vander(x, {_COLUMNS} - 1, increasing=True)"
_DOWN = f"np.arange({_COLUMNS} - 1, 0, -1) * np.vander(x, {_COLUMNS} - 1)"
rule(
    "np.vander(x, N=None, increasing=False)",
    vjp={
        "x": f"(np.sum(g[:, 1:] * {_UP}, axis=1) if increasing else np.sum(g[:, :-1] * {_DOWN}, axis=1)) "
        "if N != 0 else np.zeros(np.shape(x))"  # no columns
    },
    jvp={
        "x": f"(x_dot[:, None] * np.hstack([np.zeros((len(x), 1)), {_UP}]) if increasing else "
        f"x_dot[:, None] * np.hstack([{_DOWN}, np.zeros((len(x), 1))])) if N != 0 else np.zeros((len(x), 0))"
    },
    kind=lambda a: array_kind(
        a["x"].kind,
        None
        if a["x"].kind.dims is None
        else a["x"].kind.dims[:1]
        + (("1" if arg_value(a["N"]) == 1 else "n") if is_int(arg_value(a["N"])) else "?",),
    ),
)
