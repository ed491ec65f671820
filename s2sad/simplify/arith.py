"""Arithmetic on Python floats the way a careful person writes it for CPython.

Two rewrites, only where an operand's kind is a Python ``float`` (never arrays,
ints, NumPy scalars or complex, whose dtype or fast paths differ):

- an integer literal next to a float is written as a float literal: ``2 * y`` is
  ``2.0 * y``. CPython has no int-times-float fast path; the value is the same bit
  for bit, since the int is converted to the same float before the operation.
- a small integer power of a float name is a product: ``x ** 2`` is ``x * x`` and
  ``x ** 3`` is ``x * x * x``. ``x * x`` is the correctly rounded square, as
  ``pow(x, 2.0)`` is; ``x * x * x`` rounds twice, so it may differ from ``pow`` in
  the last bit (an error of the order of one rounding, which we allow).

>>> from s2sad.ir import BINARY, Call, Const, Name
>>> from s2sad.ir.kinds import FLOAT
>>> kinds = lambda e: FLOAT if e == Name("x") else None
>>> float_arith(Call(BINARY["*"], (Const(2), Name("x"))), kinds)
2.0 * x
>>> float_arith(Call(BINARY["**"], (Name("x"), Const(3))), kinds)
x * x * x
"""

from __future__ import annotations

from collections.abc import Callable

from .. import ir
from ..ir.expr import Call, Const, Expr, Name
from ..ir.kinds import Kind
from ..ir.ops import ADD, DIV, MUL, POW, SUB
from .state import State

_LITERAL_OPS = (ADD, SUB, MUL, DIV)
_MOST_POWER = 3  # x * x * x is faster than x ** 3 in CPython; past that the products grow long


def _is_float(kind: Kind | None) -> bool:
    return kind is not None and kind.type is float and kind.dims == ()


def float_arith(e: Expr, kind_of: Callable[[Expr], Kind | None]) -> Expr:
    """``e`` (bottom-up) with float literals beside floats and small powers as products."""

    def fix(c: Call) -> Expr:
        if c.kwargs or len(c.args) != 2:
            return c
        a, b = c.args
        if c.op in _LITERAL_OPS:
            if _int_literal(a) and _is_float(kind_of(b)):
                return Call(c.op, (Const(float(a.value)), b), c.kwargs, c.pos)
            if _int_literal(b) and _is_float(kind_of(a)):
                return Call(c.op, (a, Const(float(b.value))), c.kwargs, c.pos)
        if c.op is POW and isinstance(a, Name) and _is_float(kind_of(a)) and _int_literal(b):
            if 2 <= b.value <= _MOST_POWER:
                product: Expr = a
                for _ in range(b.value - 1):
                    product = Call(MUL, (product, a), (), c.pos)
                return product
        return c

    return ir.map_calls(e, fix)


def _int_literal(e: Expr) -> bool:
    # exactly representable, so ``float(n)`` is the value the operation would convert to
    return isinstance(e, Const) and type(e.value) is int and abs(e.value) <= 2**53


def float_literals(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """The pass: ``float_arith`` on every expression of ``body``."""

    def kind_of(e: Expr) -> Kind | None:
        if isinstance(e, Name):
            return state.kind_of(e.id)
        return state.expr_kind(e)

    return ir.map_exprs_in(body, lambda e: float_arith(e, kind_of))
