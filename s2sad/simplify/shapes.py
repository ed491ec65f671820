"""Shapes read off what is already there, and arrays of ones that only scale.

Two things keep array temporaries alive that nothing needs:

- ``reroot_shapes``: a rule's adjoint reads ``v5.shape`` (to make zeros, to
  undo broadcasting) of an elementwise result ``v5 = v4 ** 2``; ``v4`` has the
  same shape, and once the shape is read off it ``v5`` is dead;
- ``fold_ones``: the cotangent of ``np.sum(e)`` spread over ``e`` is
  ``np.ones(e.shape)``; multiplying by it changes nothing where the other
  operand surely has that shape, and then it goes.

Both keep the value's shape, dtype and kind: ``h * np.ones(5)`` of a number ``h``
is not ``h``.

>>> import numpy as np
>>> from s2sad.simplify.examples import run
>>> print(run(reroot_shapes, '''
... v1 = np.sin(x)
... v2 = v1 ** 2
... v3 = np.zeros(v2.shape)
... return v3
... ''', x=np.ones(3)))
v1 = np.sin(x)
v2 = v1 ** 2
v3 = np.zeros(x.shape)
return v3
>>> print(run(fold_ones, '''
... g = np.ones(x.shape)
... x_bar = g * np.cos(x)
... return x_bar
... ''', x=np.ones(3)))
g = np.ones(x.shape)
x_bar = np.cos(x)
return x_bar
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import ir
from ..ir import MUL, NEG, Call, Const, Expr, Name
from ..ir.kinds import Kind
from ..rules.algebra import simplify_expr
from ..rules.registry import lookup
from .facts import filled
from .state import State


def reroot_shapes(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Read ``x.shape`` off an operand of the same shape when ``x`` is elementwise.

    ``v5 = v4 ** 2`` kept only for ``v5.size`` is dead once that reads ``v4.size``."""
    if not _any_call(body, _reads_shape):
        return body
    counts = state.assignments(body)
    defs = {
        s.target.id: s.value for s in ir.walk(body) if isinstance(s, ir.Assign) and counts[s.target.id] == 1
    }

    def root(name: str) -> str:
        if name not in state.temps:
            return name  # a variable of the user's lives anyway
        k = state.kind_of(name)
        value = defs.get(name)
        if not (isinstance(value, Call) and k.is_array and k.same_shape(k)):
            return name
        rule = lookup(value.op)
        if rule is None or not rule.elementwise:
            return name
        for arg in value.args:
            if isinstance(arg, Name) and state.kind_of(arg.id).same_shape(k):
                return root(arg.id)
        return name

    def fix(e: Call) -> Expr:
        if _reads_shape(e) and e.args and isinstance(e.args[0], Name):
            new = root(e.args[0].id)
            if new != e.args[0].id:
                return Call(e.op, (Name(new), *e.args[1:]), e.kwargs, e.pos)
        return e

    return ir.map_exprs_in(body, lambda e: ir.map_calls(e, fix))


def fold_ones(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``g * y`` is ``y`` where ``g = np.ones(s)`` and ``y`` surely has the shape ``s``."""
    if not _any_call(body, _is_ones):
        return body
    counts = state.assignments(body)
    ones = {
        s.target.id
        for s in ir.walk(body)
        if isinstance(s, ir.Assign) and counts[s.target.id] == 1 and _is_ones(s.value)
    }

    def one(e: Expr, other: Expr, product: Kind) -> Expr:
        """``1.0`` for the ones ``e`` where ``other`` alone has the shape of the product."""
        inner = e.args[0] if isinstance(e, Call) and e.op == NEG else e
        if not (isinstance(inner, Name) and inner.id in ones or _is_ones(inner)):
            return e
        if not state.expr_kind(other).same_shape(product):
            return e
        return Call(NEG, (Const(1.0),)) if inner is not e else Const(1.0)

    def fix(e: Call) -> Expr:
        if e.op == MUL and len(e.args) == 2:
            product = state.expr_kind(e)
            a, b = e.args
            a = one(a, b, product)
            b = one(b, a, product)  # not both: ``np.ones(3) * np.ones(3)`` is not ``1.0``
            if (a, b) != e.args:
                return simplify_expr(Call(MUL, (a, b), e.kwargs, e.pos), state.expr_kind)
        return e

    return ir.map_exprs_in(body, lambda e: ir.map_calls(e, fix))


def _any_call(body: list[ir.Stmt], test: Callable[[Call], bool]) -> bool:
    """Whether some call in ``body`` (nested blocks included) passes ``test``."""
    return any(isinstance(e, Call) and test(e) for e in ir.walk_exprs(body))


def _reads_shape(e: Call) -> bool:
    """``x.shape``, ``x.size``, ``x.ndim`` or ``np.shape(x)`` and the like."""
    return (
        e.op.form == "attr"
        and e.op.symbol in ("shape", "size", "ndim")
        or (e.op.form == "call" and e.op.fn in (np.shape, np.size, np.ndim))
    )


def _is_ones(e: Expr) -> bool:
    """``np.ones(shape)``: an array of float ones."""
    return filled(e, np.ones)
