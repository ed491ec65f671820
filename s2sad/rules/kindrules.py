"""Kind functions: what a rule says of the kind of its result, from the kinds of its arguments.

A rule's ``kind`` is a function of its bound arguments (``Arg``: the kind, the value
when constant, the expression). The common ones are made here:

>>> import numpy as np
>>> from s2sad.ir.kinds import kind_of
>>> matrix, vector = Arg(kind_of(np.ones((2, 3)))), Arg(kind_of(np.ones(3)))
>>> elementwise("x", "y")({"x": matrix, "y": vector}).describe()
'ndarray[2-D float]'
>>> reduced("a")({"a": matrix, "axis": Arg(kind_of(0), 0), "keepdims": Arg(kind_of(False), False)}).describe()
'ndarray[1-D float]'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..ir import Call, Const, Expr, Name, Ref
from ..ir.kinds import FLOAT, UNKNOWN, Kind, broadcast, dtype_category, kind_of, reduction

NOT_CONST = object()


@dataclass(frozen=True)
class Arg:
    """What a kind function knows of an argument: its kind, its value if
    constant, and the expression (to see inside a tuple display)."""

    kind: Kind
    const: object = NOT_CONST
    expr: Expr | None = None
    kind_of: Callable[[Expr], Kind] | None = None  # kinds of the parts of `expr`


KindRule = Callable[[dict[str, Arg]], Kind]


def given_dtype(arg: Arg) -> str | None:
    """The dtype category a ``dtype=`` argument names (``complex``, ``np.float32``, ``"c16"``):
    ``None`` where it is ``None``, ``?`` where it is not known before the call runs."""
    value = arg.const
    if value is NOT_CONST:
        if isinstance(arg.expr, Ref):
            value = arg.expr.value
        elif arg.kind.type is np.dtype:
            return arg.kind.dtype
        else:
            return "?"
    if value is None:
        return None
    try:
        return dtype_category(np.dtype(value))
    except TypeError:
        return "?"


def with_dtype(rule: KindRule, param: str = "dtype") -> KindRule:
    """``rule``'s kind, with the dtype category the call's ``dtype=`` names, where it names one."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = rule(a)
        cat = given_dtype(a[param]) if param in a else None
        if cat is None or k.type is None:
            return k
        return Kind(k.type, k.dims, cat, shape=k.shape)

    return kind


def numbers(arg: Arg) -> object:
    """A constant argument's value, with a list or tuple display of constants (``[1, 0]``, as
    axes) read as a tuple of them; ``NOT_CONST`` otherwise."""
    e = arg.expr
    if arg.const is NOT_CONST and isinstance(e, Call) and e.op.form in ("list", "tuple"):
        if all(isinstance(p, Const) for p in e.args):
            return tuple(p.value for p in e.args)
    return arg.const


def default_kind(pattern: str, params: tuple[str, ...]) -> KindRule:
    """Elementwise kinds: NumPy functions give NumPy values, math gives floats."""
    if pattern.startswith("math."):
        return always(FLOAT)  # math functions return floats or raise
    if pattern.startswith("np."):
        return lambda a: broadcast(*(a[p].kind for p in params), numpy=True, dtype="f+")
    return lambda a: broadcast(*(a[p].kind for p in params))


def same_as(param: str, dtype: str | None = None) -> KindRule:
    """The kind of parameter ``param`` (with another dtype category)."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = a[param].kind
        if not dtype or k.type is None:
            return k
        cat = ("f" if k.dtype in "bi" else k.dtype) if dtype == "f+" else dtype
        return Kind(k.type, k.dims, cat, shape=k.shape)

    return kind


def always(k: Kind) -> KindRule:
    return lambda a: k


def reduced(param: str = "a", dtype: str | None = None) -> KindRule:
    """A reduction of ``param`` over ``axis`` (with ``keepdims``)."""

    def kind(a: dict[str, Arg]) -> Kind:
        axis = a["axis"].const if "axis" in a else None
        keepdims = a["keepdims"].const if "keepdims" in a else False
        x = a[param].kind
        cat = dtype
        if dtype == "f+":
            cat = "f" if x.dtype in "bi" else x.dtype
        return reduction(
            x, None if axis is NOT_CONST else axis, keepdims, cat, known_axis=axis is not NOT_CONST
        )

    return kind


def elementwise(*params: str, dtype: str | None = None, numpy: bool = True) -> KindRule:
    return lambda a: broadcast(*(a[p].kind for p in params), dtype=dtype, numpy=numpy)


def shape_kind(param: str, dtype: str = "f", like: str | None = None) -> KindRule:
    """An array whose shape is the value of ``param`` (an int or a tuple)."""

    def kind(a: dict[str, Arg]) -> Kind:
        cat = dtype
        if like is not None and a[like].kind.dtype in "bifc":
            cat = a[like].kind.dtype if dtype == "like" else dtype
        arg = a[param]
        return shape_of(arg, cat)

    return kind


def shape_of(arg: Arg, cat: str) -> Kind:
    """An array whose shape is the value of ``arg`` (an int or a tuple).

    Its shape token names where the shape came from (``(n,)``, ``(n, 3)``, or
    the token of ``x`` for ``x.shape``), so arrays made alike match."""

    def length(e: Expr) -> str:
        return "1" if isinstance(e, Const) and e.value == 1 else "n" if isinstance(e, Const) else "?"

    if isinstance(arg.const, int) and not isinstance(arg.const, bool):
        return Kind(np.ndarray, ("1" if arg.const == 1 else "n",), cat, shape=f"({arg.const},)")
    if isinstance(arg.const, tuple):
        dims = tuple("1" if n == 1 else "?" if n == -1 else "n" for n in arg.const)
        token = None if -1 in arg.const else repr(arg.const)  # a constant shape names itself
        return Kind(np.ndarray, dims, cat, shape=token)
    e = arg.expr
    if isinstance(e, Call) and e.op.form == "tuple":
        dims = tuple(length(x) for x in e.args)
        names = [
            x.id if isinstance(x, Name) else repr(x.value) if isinstance(x, Const) else None for x in e.args
        ]
        token = None if None in names or "-1" in names else f"({', '.join(names)}{',' * (len(names) == 1)})"
        return Kind(np.ndarray, dims, cat, shape=token)
    if arg.kind.type is tuple and arg.kind.dims is not None:  # x.shape: see `shape` below
        return Kind(np.ndarray, arg.kind.dims, cat, shape=arg.kind.shape)
    if arg.kind.type is int:
        return Kind(np.ndarray, ("?",), cat, shape=f"({e.id},)" if isinstance(e, Name) else None)
    return Kind(np.ndarray, None, cat)


def probed(fn: Callable, params: tuple[str, ...]) -> KindRule:
    """The kind of ``fn``'s result, found by calling it on small examples of its arguments'
    kinds (at two sizes, so that a length the example happens to give is not taken for
    the rule: axes whose length differs between them are ``"?"``). For a function no rule
    describes (a user's C function); ``UNKNOWN`` when it fails on the examples.

    >>> rule = probed(np.outer, ("a", "b"))
    >>> rule({"a": Arg(kind_of(np.ones(3))), "b": Arg(kind_of(np.ones(1)))}).describe()
    'ndarray[2-D float, shape (n, 1)]'
    """
    memo: dict[tuple, Kind] = {}

    def kind(a: dict[str, Arg]) -> Kind:
        key = tuple((a[p].kind, _hashable_const(a[p].const)) for p in params)
        if key not in memo:
            if len(memo) > 256:
                memo.clear()
            memo[key] = _probe(fn, [a[p] for p in params])
        return memo[key]

    return kind


def _hashable_const(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value


def _probe(fn: Callable, args: list[Arg]) -> Kind:
    import random
    import warnings

    kinds = []
    streams = random.getstate(), np.random.get_state()  # a function that draws leaves no trace
    try:
        for size in (3, 4):
            values = [a.const if a.const is not NOT_CONST else _example(a.kind, size) for a in args]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kinds.append(kind_of(fn(*values)))
    except Exception:  # the examples do not suit it: the helpers decide at run time
        return UNKNOWN
    finally:
        random.setstate(streams[0])
        np.random.set_state(streams[1])
    return kinds[0].join(kinds[1])


_EXAMPLES = {"f": 0.5, "i": 2, "b": False, "c": 0.5 + 0.5j}


def _example(k: Kind, size: int) -> object:
    """A value of kind ``k`` whose axes that are not one have length ``size``."""
    if k.type in (float, int, bool, complex):
        return k.type(_EXAMPLES[k.dtype])
    if k.type is tuple and k.items is not None:
        return tuple(_example(item, size) for item in k.items)
    if k.type is list and k.items is not None:
        return [_example(item, size) for item in k.items]
    if k.dims is not None and k.dtype in _EXAMPLES:
        value = np.full(tuple(1 if d == "1" else size for d in k.dims), _EXAMPLES[k.dtype])
        if k.type is np.ndarray:
            return value
        if k.type is not None and issubclass(k.type, np.generic):
            return value[()]
    raise TypeError(f"no example value of kind {k.describe()}")
