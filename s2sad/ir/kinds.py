"""Kinds: what generated code may assume about a value.

Generated code is specialised on the kinds of the arguments, so a function
of floats gets plain float arithmetic and a function of arrays knows which
axes to sum when it undoes broadcasting. A kind records

- the Python type (``float``, ``int``, ``np.ndarray``, ``np.generic`` for a
  NumPy scalar, ...), ``None`` when unknown;
- for each axis whether its length is one (``"1"``), not one (``"n"``) or
  unknown (``"?"``); ``dims`` is ``()`` for scalars and ``None`` when even the
  rank is unknown;
- the dtype category: ``b`` bool, ``i`` integer, ``f`` float, ``c`` complex,
  ``o`` anything else, ``?`` unknown.

Like Theano's broadcastable patterns, this is exactly what undoing
broadcasting needs, and a batch size changing from 32 to 64 keeps the kind.
Arguments get their kinds at call time (``kind_of``); everything else gets a
kind from the transfer functions below, and ``UNKNOWN`` makes generated code
fall back to run-time helpers, never to a wrong guess.

>>> import numpy as np
>>> kind_of(np.ones((3, 1))).describe()
'ndarray[2-D float, shape (n, 1)]'
>>> broadcast(kind_of(np.ones((3, 1))), kind_of(np.ones(4))).dims
('n', 'n')
>>> kind_of(2.0) == FLOAT
True
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import Unbound

_DTYPES = "bifc"  # promotion order
PYSCALARS = (bool, int, float)


@dataclass(frozen=True)
class Kind:
    type: type | None = None
    dims: tuple[str, ...] | None = None
    dtype: str = "?"
    # containers: a tuple's items, a dict's values (with ``keys``), a list's element kind
    items: tuple[Kind, ...] | None = None
    keys: tuple[str, ...] | None = None
    elem: Kind | None = None
    # A token naming the shape: values with equal tokens have equal shapes, even where
    # the dims say "?" (``y[1:]`` and ``np.sin(y[1:])``). Not part of a kind's identity.
    shape: str | None = field(default=None, compare=False)
    # a function passed as an argument: which one (the derivative calls it by name or inlines it)
    fn: object = None

    @property
    def is_container(self) -> bool:
        return self.type in (tuple, list, dict)

    @property
    def differentiable(self) -> bool:
        """Numbers, arrays, and containers of them."""
        if self.is_container:
            parts = self.items if self.items is not None else (self.elem,) if self.elem else ()
            return all(p.differentiable for p in parts)
        return self.is_numeric

    @property
    def ndim(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    @property
    def is_pyscalar(self) -> bool:
        return self.type in PYSCALARS

    @property
    def is_array(self) -> bool:
        return self.type is np.ndarray

    @property
    def is_scalar(self) -> bool:
        """A number: a Python scalar or a NumPy scalar (not a 0-d array)."""
        return self.dims == () and self.type is not np.ndarray and self.dtype in _DTYPES

    @property
    def is_numeric(self) -> bool:
        return self.dtype in _DTYPES

    @property
    def is_float(self) -> bool:
        return self.dtype in "fc" and self.dtype != "?"

    @property
    def known(self) -> bool:
        return self.type is not None and self.dims is not None and "?" not in self.dims

    def describe(self) -> str:
        if self.type is None:
            return "unknown"
        if self.type is tuple and self.items is not None:
            return f"tuple({', '.join(k.describe() for k in self.items)})"
        if self.type is dict and self.keys is not None:
            return "dict(" + ", ".join(f"{k}: {v.describe()}" for k, v in zip(self.keys, self.items)) + ")"
        if self.type is list:
            return f"list[{self.elem.describe() if self.elem else ''}]"
        if self.type is np.ndarray:
            rank = "?" if self.dims is None else f"{len(self.dims)}-D"
            ones = ""
            if self.dims and "1" in self.dims:
                ones = ", shape " + "(" + ", ".join("1" if d == "1" else "n" for d in self.dims) + ")"
            return f"ndarray[{rank} {_DTYPE_NAMES.get(self.dtype, '?')}{ones}]"
        if self.type is np.generic:
            return f"numpy {_DTYPE_NAMES.get(self.dtype, '?')}"
        return self.type.__name__

    def with_dims(self, dims: tuple[str, ...] | None) -> Kind:
        return Kind(self.type, dims, self.dtype)

    def with_shape(self, token: str | None) -> Kind:
        return self if token == self.shape else replace(self, shape=token)

    def same_shape(self, other: Kind) -> bool:
        """Whether values of these kinds surely have the same shape.

        Axes that are not one (``"n"``) may still differ in length: ``np.ones(5)`` and
        an argument of length 3 are both ``(n,)``. Only a shared token says they are
        equal (or every axis being one), so a rewrite that drops a broadcast keeps the
        error the broadcast would raise."""
        if self.dims is None or self.dims != other.dims:
            return False
        return all(d == "1" for d in self.dims) or (self.shape is not None and self.shape == other.shape)

    def join(self, other: Kind) -> Kind:
        """The least kind covering both (values merged after control flow)."""
        if self == other:
            return self if self.shape == other.shape else self.with_shape(None)
        if self.type is Unbound or other.type is Unbound:  # no value yet on one path
            return other if self.type is Unbound else self
        if self.type is list and other.type is list:
            if self.items is not None and other.items is not None and len(self.items) == len(other.items):
                items = tuple(a.join(b) for a, b in zip(self.items, other.items))  # item by item
                elem = items[0] if items else None
                for k in items[1:]:
                    elem = elem.join(k)
                return Kind(list, None, "o", items=items, elem=elem)
            if self.elem is None or other.elem is None:
                return self if other.elem is None else other
            return Kind(list, None, "o", elem=self.elem.join(other.elem))
        if self.type is dict is other.type and self.keys is not None and other.keys is not None:
            short, long = sorted((self, other), key=lambda k: len(k.keys))
            if long.keys[: len(short.keys)] == short.keys and short.keys != long.keys:
                # a dict that gains keys (d = {}; d["a"] = x): the keys it may have, and their kinds
                grown = short.items + long.items[len(short.items) :]
                return Kind(dict, None, "o", items=grown, keys=long.keys).join(long)
        if self.type in (tuple, dict) and self.type is other.type and self.keys == other.keys:
            if self.items is not None and other.items is not None and len(self.items) == len(other.items):
                items = tuple(a.join(b) for a, b in zip(self.items, other.items))  # (W, b) of each layer
                return Kind(self.type, None, "o", items=items, keys=self.keys)
        if self.type != other.type:
            if (
                self.dims == () == other.dims
                and self.is_numeric
                and other.is_numeric
                and not (self.is_array or other.is_array)
            ):
                return Kind(np.generic, (), promote(self.dtype, other.dtype))  # a float or a NumPy float
            return UNKNOWN
        dims: tuple[str, ...] | None = None
        if self.dims is not None and other.dims is not None and len(self.dims) == len(other.dims):
            dims = tuple(a if a == b else "?" for a, b in zip(self.dims, other.dims))
        dtype = self.dtype if self.dtype == other.dtype else "?"
        return Kind(self.type, dims, dtype)


_DTYPE_NAMES = {"b": "bool", "i": "int", "f": "float", "c": "complex", "o": "object"}

UNKNOWN = Kind()
FLOAT = Kind(float, (), "f")
INT = Kind(int, (), "i")
BOOL = Kind(bool, (), "b")
NP_FLOAT = Kind(np.generic, (), "f")
OBJECT = Kind(object, None, "o")
NOTHING = Kind(Unbound, None, "o")


def dtype_category(dtype: np.dtype) -> str:
    k = dtype.kind
    if k == "u":
        return "i"
    return k if k in _DTYPES else "o"


_LIST_ITEMS = 32  # longer lists are data: one kind for every element


def kind_of(value: object) -> Kind:
    """The kind of a run-time value."""
    t = type(value)
    if t is float:
        return FLOAT
    if t is int:
        return INT
    if t is bool:
        return BOOL
    if t is np.ndarray:
        return Kind(
            np.ndarray, tuple("1" if n == 1 else "n" for n in value.shape), dtype_category(value.dtype)
        )
    if isinstance(value, np.generic):
        return Kind(t, (), dtype_category(value.dtype))
    if t is complex:
        return Kind(complex, (), "c")
    if t is tuple:
        return Kind(tuple, None, "o", items=tuple(kind_of(v) for v in value))
    if t is list:
        kinds = [kind_of(v) for v in value]
        elem = None
        for k in kinds:
            elem = k if elem is None else elem.join(k)
        if len(kinds) <= _LIST_ITEMS and any(k != kinds[0] for k in kinds):
            # a short list of different things (a network's parameters): item by item
            return Kind(list, None, "o", items=tuple(kinds), elem=elem)
        return Kind(list, None, "o", elem=elem)
    if t is dict and all(type(k) is str for k in value):
        return Kind(dict, None, "o", items=tuple(kind_of(v) for v in value.values()), keys=tuple(value))
    if isinstance(value, _FUNCTIONS):  # specialised on which function it is
        return Kind(t, None, "o", fn=value)
    return Kind(t, None, "o")


_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, np.ufunc)


def guard(name: str, kind: Kind, type_expr) -> str:
    """Python source that is true when the value of ``name`` has ``kind``.

    ``type_expr(t)`` is how the guard names the type ``t``.
    """
    t = kind.type
    if kind.fn is not None:  # this very function
        return f"{name} is {type_expr(kind.fn)}"
    if t is np.ndarray:
        dims = kind.dims or ()
        parts = [f"type({name}) is {type_expr(t)}", f"{name}.ndim == {len(dims)}"]
        if dims and all(d == "n" for d in dims):
            parts.append(f"1 not in {name}.shape")
        else:
            parts += [f"{name}.shape[{i}] {'==' if d == '1' else '!='} 1" for i, d in enumerate(dims)]
        if kind.dtype == "i":  # signed and unsigned integers share a category
            parts.append(f"{name}.dtype.kind in 'iu'")
        else:
            parts.append(f"{name}.dtype.kind == {kind.dtype!r}")
        return " and ".join(parts)
    if t is tuple and kind.items is not None:
        parts = [f"type({name}) is tuple", f"len({name}) == {len(kind.items)}"]
        parts += [guard(f"{name}[{i}]", k, type_expr) for i, k in enumerate(kind.items)]
        return " and ".join(parts)
    if t is dict and kind.keys is not None:
        parts = [f"type({name}) is dict", f"tuple({name}) == {kind.keys!r}"]
        parts += [guard(f"{name}[{k!r}]", v, type_expr) for k, v in zip(kind.keys, kind.items)]
        return " and ".join(parts)
    if t is list and kind.items is not None:
        parts = [f"type({name}) is list", f"len({name}) == {len(kind.items)}"]
        parts += [guard(f"{name}[{i}]", k, type_expr) for i, k in enumerate(kind.items)]
        return " and ".join(parts)
    if t is list:
        # the first element stands for the others (checking every one would cost a loop a call)
        exact = (
            kind.elem is not None
            and kind.elem.type is not None
            and kind.elem.known
            or (kind.elem is not None and kind.elem.type in PYSCALARS)
        )
        first = f" and (not {name} or {guard(f'{name}[0]', kind.elem, type_expr)})" if exact else ""
        return f"type({name}) is list{first}"
    return f"type({name}) is {type_expr(t)}"


# ----------------------------------------------------------- transfer functions


def promote(*dtypes: str) -> str:
    if any(d not in _DTYPES for d in dtypes):
        return "?"
    return max(dtypes, key=_DTYPES.index) if dtypes else "?"


def broadcast(
    *kinds: Kind, dtype: str | None = None, python: type | None = None, numpy: bool = False
) -> Kind:
    """The kind of an elementwise operation on ``kinds`` (NumPy broadcasting).

    ``dtype`` overrides the promoted category (``"b"`` for comparisons, ``"f"``
    for true division, ``"f+"`` for at least float). ``python`` is the type the
    operation returns when all operands are Python scalars (``None``: promote
    as arithmetic does); with ``numpy``, a NumPy function, it returns a NumPy
    scalar instead.
    """
    if any(k.type is None or not k.is_numeric for k in kinds):
        return UNKNOWN
    cat = promote(*(k.dtype for k in kinds))
    if dtype == "f+":
        cat = "f" if cat in "bi" else cat
    elif dtype:
        cat = dtype
    if numpy and all(k.dims == () for k in kinds) and not any(k.is_array for k in kinds):
        return Kind(np.generic, (), cat)
    if all(k.is_pyscalar or k.type is complex for k in kinds):
        t = complex if cat == "c" else python or {"b": int, "i": int, "f": float}.get(cat, float)
        if t is bool and cat != "b":
            t = int
        return Kind(t, (), "b" if t is bool else "i" if t is int else "f" if t is float else cat)
    if any(k.dims is None for k in kinds):
        return Kind(np.ndarray, None, cat)
    ndim = max(len(k.dims) for k in kinds)
    dims = []
    for axis in range(-ndim, 0):
        present = [k.dims[axis] for k in kinds if len(k.dims) >= -axis]
        dims.append("n" if "n" in present else "1" if all(d == "1" for d in present) else "?")
    if ndim == 0 and not any(k.is_array and k.ndim for k in kinds):
        return Kind(np.generic, (), cat)
    # the shape of the operands that are not numbers, if they all have the same one
    shaped = [k for k in kinds if k.dims != ()]
    token = shaped[0].shape if shaped and all(k.same_shape(shaped[0]) for k in shaped) else None
    return Kind(np.ndarray, tuple(dims), cat, shape=token if tuple(dims) == shaped[0].dims else None)


def normalize_axes(axis: object, ndim: int) -> tuple[int, ...] | None:
    """Axes as non-negative ints, or ``None`` if ``axis`` is not a valid constant."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    if not all(isinstance(a, int) and not isinstance(a, bool) and -ndim <= a < ndim for a in axes):
        return None
    return tuple(sorted(a % ndim for a in axes))


def reduction(
    x: Kind, axis: object = None, keepdims: object = False, dtype: str | None = None, known_axis: bool = True
) -> Kind:
    """The kind of a reduction such as ``np.sum(x, axis, keepdims=...)``."""
    cat = dtype or (x.dtype if x.dtype != "b" else "i")
    if x.type is None or not x.is_numeric:
        return UNKNOWN
    if x.dims is None or not known_axis or not isinstance(keepdims, bool):
        return Kind(
            np.ndarray if axis is not None or keepdims else np.generic,
            () if axis is None and keepdims is False else None,
            cat,
        )
    axes = normalize_axes(axis, len(x.dims))
    if axes is None:
        return UNKNOWN
    if keepdims:
        dims = tuple("1" if i in axes else d for i, d in enumerate(x.dims))
    else:
        dims = tuple(d for i, d in enumerate(x.dims) if i not in axes)
    return Kind(np.ndarray if dims or keepdims else np.generic, dims, cat)


def element_kind(seq: Kind) -> Kind:
    """The kind of an element of a sequence (a row of an array)."""
    if seq.type is np.ndarray and seq.dims:
        rest = seq.dims[1:]
        return Kind(np.ndarray if rest else np.generic, rest, seq.dtype)
    if seq.type in (list, tuple):
        if seq.elem is not None:
            return seq.elem
        if seq.items:
            out = seq.items[0]
            for k in seq.items[1:]:
                out = out.join(k)
            return out
    return UNKNOWN
