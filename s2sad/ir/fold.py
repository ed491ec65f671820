"""Folding constants, and the minus sign of a leading factor.

Lowering folds operations on literals as it builds them; printing and the algebra
pull a minus out of a product (``-a * b`` reads as ``-(a * b)``):

>>> from s2sad.ir import BINARY, NEG, Call, Const, Name
>>> fold_constant(Call(BINARY["*"], (Const(2), Const(3))))
6
>>> fold_constant(Call(BINARY["/"], (Const(1.0), Const(3.0))))  # 1.0 / 3.0 reads better
1.0 / 3.0
>>> strip_minus(Call(BINARY["*"], (Call(NEG, (Name("a"),)), Name("b"))))
a * b
"""

from __future__ import annotations

from .expr import Call, Const, Expr
from .ops import DIV, MUL, NEG

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


def strip_minus(e: Expr) -> Expr | None:
    """``a * b`` for ``-a * b`` (the minus on the leftmost factor), else None."""
    if isinstance(e, Call) and e.op is NEG:
        return e.args[0]
    if isinstance(e, Call) and e.op in (MUL, DIV):
        inner = strip_minus(e.args[0])
        if inner is not None:
            return Call(e.op, (inner, e.args[1]), e.kwargs, e.pos)
    if isinstance(e, Const) and type(e.value) in (int, float) and e.value < 0:
        return Const(-e.value)
    return None
