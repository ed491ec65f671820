"""IR expression trees to three-address statements: one operation per statement.

``Flattening`` is the part of the lowering that emits statements. ``atom(e)``
emits what ``e`` computes and gives back a name or a constant for its value;
temporaries are numbered ``v1, v2, ...`` as in the evaluation traces of Baydin
et al. (2018). Within one statement, pure operations are emitted level by
level (all the leaves first), which is a valid order for pure code and the
one textbooks use:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import math
...
... def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
... '''))
def f(x1, x2):
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return v5

When one of the operations has side effects (a draw from ``np.random``), all of
them keep Python's left-to-right order:

>>> print(lower_source('''
... import math
... import numpy as np
...
... def f(x1, x2):
...     return math.log(x1) * np.random.normal() + x1 * x2
... '''))
def f(x1, x2):
    v1 = math.log(x1)
    v2 = np.random.normal()
    v3 = v1 * v2
    v4 = x1 * x2
    v5 = v3 + v4
    return v5
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Expr, Name


class Flattening:
    """Emits statements into the current block (``self.body``), each marked with the
    user's statement it comes from (``self.origin``), naming values from ``self.pool``."""

    def emit(self, stmt: ir.Stmt, at: tuple[int, int] | None = None) -> None:
        """Append ``stmt`` to the current block; ``at`` (by default where the call it
        computes stands) points error messages at the operation within the statement."""
        origin = self.origin
        if origin is not None:
            value = getattr(stmt, "value", None)
            at = at or (value.pos if isinstance(value, Call) else None)
            origin = ir.replace(origin, at=at)
        stmt.origin = origin
        self.body.append(stmt)

    def atom(self, e: Expr, var: str | None = None) -> Expr:
        """Emit statements computing ``e`` and return an atom for its value.

        With ``var``, the value is bound to a new version of that variable,
        even when it is already atomic (``y = x`` stays a statement).
        """
        if var is None and ir.is_atomic(e):
            return e
        flat = self.flatten(e, root=True)
        if var is None and ir.is_atomic(flat):  # a tuple of atoms stays a display: unpacking needs no tuple
            return flat
        name = Name(self.pool.version(var) if var else self.pool.temp())
        self.emit(ir.Assign(name, flat))
        return name

    def flatten(self, e: Expr, root: bool) -> Expr:
        """Emit the operations inside ``e``; return ``e`` over atoms only.

        Pure operations are emitted level by level, leaves first; anything
        with side effects keeps Python's left-to-right order.
        """
        if not isinstance(e, Call):
            return e
        order: list[Call] = []
        height: dict[int, int] = {}
        # a display read by subscript, ``[a, b][i]``, is a value of its own: named, it has an adjoint
        subscripted = {
            id(c.args[0])
            for c in ir.subexpressions(e)
            if isinstance(c, Call) and c.op is ir.GETITEM and _is_display(c.args[0])
        }

        def visit(c: Expr) -> int:
            if not isinstance(c, Call):
                return 0
            h = max((visit(a) for a in c.children()), default=0)
            if c.op.form in ir.STRUCTURAL and id(c) not in subscripted:
                return h
            height[id(c)] = h + 1
            order.append(c)
            return h + 1

        visit(e)
        if order and order[-1] is e:
            order.pop()  # the root is returned, not named
        if all(c.op.pure for c in order):
            order.sort(key=lambda c: height[id(c)])
        names: dict[int, Expr] = {}

        def rebuild(c: Expr) -> Expr:
            if not isinstance(c, Call):
                return c
            if id(c) in names:
                return names[id(c)]
            return c.map(rebuild)

        for c in order:
            name = Name(self.pool.temp())
            self.emit(ir.Assign(name, rebuild(c)), at=c.pos)
            names[id(c)] = name
        return rebuild(e)


def _is_display(e: Expr) -> bool:
    return isinstance(e, Call) and e.op.form in ("tuple", "list", "dict")
