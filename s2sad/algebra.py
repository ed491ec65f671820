"""Local rewriting of expressions: folding and algebraic identities.

``simplify_expr`` rewrites bottom-up, each node once its arguments are
simplified. It is what turns an instantiated rule into what a person would
write::

    g * (1.0 / x)        ->  g / x            (with g = 1.0:  1.0 / x)
    g * (-math.sin(x))   ->  -g * math.sin(x)
    1.0 * (2 * x ** (2 - 1))  ->  2 * x
    g if axis is None else np.expand_dims(g, axis)   (axis = None)  ->  g

The identities only fire when they keep the value's type and shape: ``1.0 *
e`` is not ``e`` when ``e`` is an integer, so kinds decide.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import ir
from .ir import ADD, DIV, MUL, NEG, POW, SUB, Call, Const, Expr
from .kinds import Kind

KindOf = Callable[[Expr], Kind]

_FOLD = {
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "neg",
    "pos",
    "lt",
    "le",
    "gt",
    "ge",
    "eq",
    "ne",
    "is_",
    "is_not",
    "not_",
    "ifexp",
    "and_then",
    "or_else",
}


def _num(e: Expr, value: float) -> bool:
    return isinstance(e, Const) and type(e.value) in (int, float) and e.value == value


def _num_none(e: Expr) -> bool:
    return isinstance(e, Const) and e.value is None


def _neg(e: Expr) -> Expr | None:
    """``a`` if ``e`` is ``-a``."""
    return e.args[0] if isinstance(e, Call) and e.op is NEG else None


def _float_like(e: Expr, kind: KindOf) -> bool:
    """Whether multiplying by 1.0 leaves ``e`` as it is."""
    k = kind(e)
    return k.type is None or k.dtype in "fc?"


def fold_constant(e: Call) -> Expr:
    if e.kwargs or not all(isinstance(a, Const) for a in e.args):
        return e
    if e.op.form == "tuple":
        return Const(tuple(a.value for a in e.args))
    if e.op.form == "slice":
        return Const(slice(*(a.value for a in e.args)))
    if e.op.name not in _FOLD:
        return e
    try:
        value = e.op.fn(*(a.value for a in e.args))
    except Exception:
        return e
    if type(value) not in (int, float, bool, type(None)):
        return e
    if type(value) is float and len(repr(value)) > 8 and e.op.form != "unary":
        return e  # 1.0 / 3.0 reads better than 0.3333333333333333
    return Const(value)


def rewrite(e: Call, kind: KindOf) -> Expr:
    """One step of simplification at the root of ``e``."""
    folded = fold_constant(e)
    if folded is not e:
        return folded
    op, args = e.op, e.args
    if op.form == "attr" and op.symbol == "ndim":
        ndim = kind(args[0]).ndim
        if ndim is not None:
            return Const(ndim)
    if op.name in ("is_", "is_not") and any(_num_none(a) for a in args):
        other = args[1] if _num_none(args[0]) else args[0]
        k = kind(other)
        if k.type is not None and k.type is not type(None):  # a float is not None
            return Const(op.name == "is_not")
    if op is ir.IFEXP and isinstance(args[0], Const):
        return args[1] if args[0].value else args[2]
    if op.form == "boolop" and isinstance(args[0], Const):
        first = bool(args[0].value)
        return args[1] if first == (op is ir.AND) else args[0]
    if op in (MUL, ADD, SUB, DIV):
        implicit = _implicit_broadcast(e, kind)
        if implicit is not e:
            return implicit
    if op is MUL:
        a, b = args
        if _num(a, 1) and (type(a.value) is int or _float_like(b, kind)):
            return b
        if _num(b, 1) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if _num(a, -1) and (type(a.value) is int or _float_like(b, kind)):
            return simplify_node(Call(NEG, (b,)), kind)
        if _num(b, -1) and (type(b.value) is int or _float_like(a, kind)):
            return simplify_node(Call(NEG, (a,)), kind)
        if _neg(b) is not None:  # a * -b  ->  -(a * b), then the minus moves left
            return simplify_node(Call(NEG, (simplify_node(Call(MUL, (a, _neg(b))), kind),)), kind)
        if isinstance(b, Call) and b.op is DIV and _num(b.args[0], 1):  # a * (1 / b)
            return simplify_node(Call(DIV, (a, b.args[1])), kind)
        if isinstance(a, Call) and a.op is DIV and _num(a.args[0], 1):  # (1 / a) * b
            return simplify_node(Call(DIV, (b, a.args[1])), kind)
        if isinstance(a, Const) and isinstance(b, Call) and b.op is MUL and isinstance(b.args[0], Const):
            c = fold_constant(Call(MUL, (a, b.args[0])))  # 3.0 * (2 * x)  ->  6.0 * x
            if isinstance(c, Const):
                return simplify_node(Call(MUL, (c, b.args[1])), kind)
    elif op is DIV:
        a, b = args
        if _num(b, 1) and _float_like(a, kind):
            return a
        if _neg(b) is not None:
            return simplify_node(Call(NEG, (simplify_node(Call(DIV, (a, _neg(b))), kind),)), kind)
    elif op is ADD:
        a, b = args
        if _num(a, 0) and (type(a.value) is int or _float_like(b, kind)):
            return b
        if _num(b, 0) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if _neg(b) is not None:
            return simplify_node(Call(SUB, (a, _neg(b))), kind)
    elif op is SUB:
        a, b = args
        if _num(b, 0) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if _num(a, 0) and (type(a.value) is int or _float_like(b, kind)):
            return simplify_node(Call(NEG, (b,)), kind)
        if _neg(b) is not None:
            return simplify_node(Call(ADD, (a, _neg(b))), kind)
    elif op is NEG:
        (a,) = args
        if _neg(a) is not None:
            return _neg(a)
        if isinstance(a, Call) and a.op in (MUL, DIV):  # -(a * b)  ->  -a * b
            return simplify_node(Call(a.op, (simplify_node(Call(NEG, (a.args[0],)), kind), a.args[1])), kind)
        if isinstance(a, Call) and a.op is SUB:  # -(a - b)  ->  b - a
            return Call(SUB, (a.args[1], a.args[0]))
    elif op is POW:
        a, b = args
        if _num(b, 1) and (type(b.value) is int or _float_like(a, kind)):
            return a
    return e


def _broadcast_value(e: Expr) -> Expr | None:
    """``c`` for ``np.full(s, c)``, ``a`` for ``np.broadcast_to(a, s)``: what gets spread out."""
    if isinstance(e, Call) and e.op.form == "call" and len(e.args) == 2 and not e.kwargs:
        if e.op.fn is np.full:
            return e.args[1]
        if e.op.fn is np.broadcast_to:
            return e.args[0]
    return None


def _implicit_broadcast(e: Call, kind: KindOf) -> Expr:
    """``np.full(s, c) * y``  ->  ``c * y`` when ``y`` has shape ``s`` already:
    the operator broadcasts by itself."""
    a, b = e.args
    for spread, other, first in ((a, b, True), (b, a, False)):
        value = _broadcast_value(spread)
        if value is not None:
            ks, ko = kind(spread), kind(other)
            if ks.dims is not None and ks.dims == ko.dims and "?" not in ks.dims and ko.is_array:
                return Call(e.op, (value, other) if first else (other, value))
    return e


def simplify_node(e: Expr, kind: KindOf) -> Expr:
    """Rewrite the root of ``e`` until nothing applies."""
    while isinstance(e, Call):
        new = rewrite(e, kind)
        if new is e:
            break
        e = new
    return e


def simplify_expr(e: Expr, kind: KindOf, hook: Callable[[Call], Expr] | None = None) -> Expr:
    """Simplify bottom-up. ``hook`` may replace a simplified call (macros)."""
    if not isinstance(e, Call):
        return e
    e = e.map(lambda a: simplify_expr(a, kind, hook))
    e = simplify_node(e, kind)
    if hook is not None and isinstance(e, Call):
        new = hook(e)
        if new is not e:
            return simplify_expr(new, kind, hook)
    return e
