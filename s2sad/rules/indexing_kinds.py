"""The kinds of array reads: ``x[i]``, ``x[i, :]``, ``x[mask]``, ``xs[k]`` of a list or
tuple, ``d[key]`` of a dict; and the dtype category of a NumPy dtype.

>>> from s2sad.ir import Const
>>> from s2sad.ir.kinds import kind_of
>>> matrix = Arg(kind_of(np.ones((2, 3))))
>>> indexed({"x": matrix, "index": Arg(kind_of(0), 0, Const(0))}).describe()
'ndarray[1-D float]'
>>> dtype_category(np.int32)
'i'
"""

import numpy as np

from .. import ir
from ..ir import Call, Const
from ..ir.kinds import INT, UNKNOWN, Kind, broadcast
from .kindrules import NOT_CONST, Arg


def dtype_category(dtype: object) -> str:
    try:
        kind = np.dtype(dtype).kind
    except (TypeError, ValueError):
        return "?"
    return {"u": "i"}.get(kind, kind) if kind in "biufc" else "o"


def _constant_slice(index: Arg) -> slice | None:
    """The slice an index spells with constants (``2:``, ``:-1``), if it does."""
    if isinstance(index.const, slice):
        return index.const
    e = index.expr
    if isinstance(e, Call) and e.op is ir.SLICE and all(isinstance(p, Const) for p in e.args):
        return slice(*(p.value for p in e.args))
    return None


def indexed(a: dict[str, Arg]) -> Kind:
    """Basic indexing: ints drop an axis, slices keep it, None adds one."""
    x, index = a["x"].kind, a["index"]
    if x.type in (tuple, list) and (
        index.kind.type is slice or index.kind.dtype == "i" and index.const is NOT_CONST
    ):
        elem = x.elem if x.type is list else None
        for item in x.items or ():
            elem = item if elem is None else elem.join(item)
        if index.kind.type is not slice:
            return elem or UNKNOWN  # xs[k]: any of the items
        cut = _constant_slice(index)
        if x.items is not None and cut is not None:  # xs[2:]: those items
            return Kind(x.type, None, "o", items=x.items[cut], elem=elem)
        return Kind(x.type, None, "o", elem=elem)  # xs[1:]: some of the items, as a list or tuple
    if x.type is tuple and x.items is not None:  # a tuple: its item (or a shape's length)
        i = index.const
        return x.items[i] if isinstance(i, int) and -len(x.items) <= i < len(x.items) else UNKNOWN
    if x.type is tuple:  # a shape
        return INT if isinstance(index.const, int) else UNKNOWN
    if x.type is dict and x.keys is not None and index.const is NOT_CONST and x.items:  # d[k]: any
        elem = x.items[0]
        for item in x.items[1:]:
            elem = elem.join(item)
        return elem
    if x.type is dict and x.keys is not None:
        return x.items[x.keys.index(index.const)] if index.const in x.keys else UNKNOWN
    if x.type is dict and x.elem is not None:  # keys known when it runs, values all of one kind
        return x.elem
    if x.type is list:
        i = index.const
        if x.items is not None and isinstance(i, int) and -len(x.items) <= i < len(x.items):
            return x.items[i]
        return x.elem if x.elem is not None and index.kind.dtype == "i" else UNKNOWN
    if not x.is_array or x.dims is None:
        return UNKNOWN
    items = _index_items(index)
    if items is None:
        return _advanced(x, index)
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
    token = f"{x.shape}[{_index_text(index)}]" if x.shape is not None and dims else None
    return Kind(np.ndarray if dims else np.generic, tuple(dims), x.dtype, shape=token)


def _index_text(index: Arg) -> str:
    """Indexing that always picks the same shape prints the same: any int index is ``#``."""

    def text(e, bound: bool = False) -> str:
        if isinstance(e, ir.Const) and isinstance(e.value, slice):
            v = e.value
            dropped = _slice_drops([ir.Const(v.start), ir.Const(v.stop), ir.Const(v.step)])
            return repr(v) if dropped is None else f"~{dropped}"
        if isinstance(e, ir.Const) and isinstance(e.value, tuple) and not bound:  # x[:, 1:]
            return ", ".join(text(ir.Const(v)) for v in e.value)
        if isinstance(e, ir.Const):
            return "#" if type(e.value) is int and not bound else repr(e.value)
        if isinstance(e, ir.Call) and e.op.form == "slice":
            dropped = _slice_drops(e.args)
            if dropped is not None:  # x[1:] and x[:-1] have the same length
                return f"~{dropped}"
            return ":".join(
                "" if isinstance(a, ir.Const) and a.value is None else text(a, True) for a in e.args
            )
        if isinstance(e, ir.Call) and e.op.form == "tuple":
            return ", ".join(text(a) for a in e.args)
        if (
            isinstance(e, ir.Name)
            and not bound
            and index.kind_of is not None
            and index.kind_of(e).dtype == "i"
        ):
            return "#"
        return f"<{e!r}>"  # matches only itself

    return text(index.expr)


def _slice_drops(bounds) -> int | None:
    """How many items the slice ``start:stop`` drops from any axis, when that does not
    depend on the axis' length: ``1:`` and ``:-1`` drop one; None otherwise."""

    values = [b.value if isinstance(b, ir.Const) else "?" for b in bounds]
    start, stop, step = (values + [None, None, None])[:3]
    if step not in (None, 1) or not (start is None or type(start) is int and start >= 0):
        return None
    if not (stop is None or type(stop) is int and stop < 0):
        return None
    return (start or 0) - (stop or 0)


def _as_index_array(k: Kind) -> Kind:
    """A list of ints used as an index is a 1-D int array (``x[[0, 2, 1]]``)."""
    if k.type is list:
        parts = list(k.items or ()) + ([k.elem] if k.elem is not None else [])
        if parts and all(p.dtype == "i" and p.dims == () for p in parts):
            return Kind(np.ndarray, ("?",), "i")
    return k


def _advanced(x: Kind, index: Arg) -> Kind:
    """``x[mask]`` with a mask of x's rank is 1-D; ``x[idx]`` and ``x[rows, cols]`` with
    integer arrays take the (broadcast) shape of the index arrays, then x's other axes."""
    e = index.expr
    parts = list(e.args) if isinstance(e, Call) and e.op.form == "tuple" else [e]
    kinds = [_as_index_array(index.kind_of(p)) if index.kind_of else UNKNOWN for p in parts]
    if len(parts) == 1 and kinds[0].dtype == "b" and kinds[0].dims == x.dims:
        return Kind(np.ndarray, ("?",), x.dtype)
    if all(k.dtype == "i" and k.dims is not None for k in kinds) and len(parts) <= len(x.dims):
        ints = [k for k in kinds if k.dims]
        if ints:
            together = broadcast(*ints)
            rest = x.dims[len(parts) :]
            token = f"{together.shape}+{x.shape}[{len(parts)}:]" if together.shape and x.shape else None
            return Kind(np.ndarray, together.dims + rest, x.dtype, shape=token if rest else together.shape)
    return Kind(np.ndarray, None, x.dtype)


def _index_items(index: Arg) -> list | None:
    """``"int"``, ``"slice"``, ``"full"`` (``:``), ``None`` or ``Ellipsis`` per item; None if advanced."""

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
