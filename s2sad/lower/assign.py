"""Assignments: to a name, to several names at once, into an array, and augmented.

A name gets a new version at each assignment (``y``, then ``y_1``). Unpacking
evaluates every value before binding any name, as Python does. ``y[i] = v``
and ``y[i] += v`` update an array the function made, in place; ``y += v`` on a
name is ``y_1 = y + v``, marked ``in_place`` for the passes that must know
that an array changes where it is:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, y):
...     a, b = x * y, x + y
...     out = np.zeros(3)
...     out[0] = a
...     out[1:] += b
...     a += (z := b * b) + z
...     return out, a
... '''))
def f(x, y):
    v1 = x * y
    v2 = x + y
    a = v1
    b = v2
    out = np.zeros(3)
    out[0] = a
    out[1:] += b
    z = b * b
    v3 = z + z
    a_1 = a + v3
    return out, a_1
"""

from __future__ import annotations

import gast

from .. import ir
from ..ir import Call, Const, Expr, Name
from ..ir.fold import fold_constant as fold
from ..ir.syntax import BINARY_SYMBOLS
from .expressions import LOCAL_FUNCTIONS
from .static import Items


class Assignments:
    """Lowers assignment targets, binding names in ``self.env``; the values come flattened
    (``self.atom``) into the current block."""

    def assign(self, target: gast.expr, value: Expr) -> None:
        """Bind ``target`` (a name, a tuple of targets, an item) to ``value``."""
        if isinstance(value, Items) and isinstance(target, (gast.Tuple, gast.List)):
            if len(value.items) == len(target.elts):  # k, v = max(d.items(), key=...): item by item
                for t, part in zip(target.elts, value.items):
                    if isinstance(t, gast.Name) and not isinstance(part, Expr):  # a function value
                        self.env[t.id] = part
                    else:
                        self.assign(t, part)
                return
        if isinstance(value, LOCAL_FUNCTIONS):
            if not isinstance(target, gast.Name):
                raise self.error(target, "a function can only be given a plain name here")
            self.env[target.id] = value
            return
        if isinstance(target, gast.Name):
            self.env[target.id] = self.atom(value, target.id)
            return
        if isinstance(target, gast.Subscript):
            array, index = self.subscript_target(target)
            self.emit(ir.SetItem(array, index, self.item_value(value)))
            return
        # a, b = ...: evaluate every value before binding any name
        elts = target.elts
        if isinstance(value, Call) and value.op.form in ("tuple", "list") and len(value.args) == len(elts):
            parts = [self.atom(v) if isinstance(t, gast.Name) else v for t, v in zip(elts, value.args)]
        elif isinstance(value, Const) and isinstance(value.value, tuple) and len(value.value) == len(elts):
            parts = [Const(v) for v in value.value]
        else:
            whole = self.atom(value)
            parts = [Call(ir.GETITEM, (whole, Const(i))) for i in range(len(elts))]
        for t, part in zip(elts, parts):
            self.assign(t, part)

    def item_value(self, value: Expr) -> Expr:
        """What ``c[k] = value`` stores, as a name or a constant: a display (``c[k] = a, b``)
        is named first, so that the item's adjoint goes to it whole."""
        atom = self.atom(value)
        if isinstance(atom, Call):
            name = Name(self.pool.temp())
            self.emit(ir.Assign(name, atom))
            return name
        return atom

    def augassign(self, node: gast.AugAssign) -> None:
        """``t op= v``: a new version ``t_1 = t op v``, or ``y[i] += v`` in place."""
        op = ir.BINARY[BINARY_SYMBOLS[type(node.op)]]
        target = node.target
        if isinstance(target, gast.Subscript) and op in (ir.ADD, ir.SUB):
            array, index = self.subscript_target(target)
            value = self.expr(node.value)
            if op is ir.SUB:  # y[i] -= v adds -v in place: y[i] is not read, and its adjoint passes
                value = fold(Call(ir.NEG, (value,)))
            self.emit(ir.SetItem(array, index, self.item_value(value), accumulate=True))
            return
        before = self.env.get(target.id) if isinstance(target, gast.Name) else None
        self.assign(target, fold(Call(op, (self.expr(target), self.expr(node.value)))))
        last = self.body[-1] if self.body else None
        if (
            isinstance(before, Name)
            and isinstance(last, ir.Assign)
            and self.env.get(target.id) == last.target
        ):
            last.in_place = before.id  # type: ignore[attr-defined]  # an array changes in place

    def subscript_target(self, target: gast.Subscript) -> tuple[Name, Expr]:
        """The array and the index of ``y[i] = ...``: an array the function made."""
        base = target.value
        if not isinstance(base, gast.Name) or base.id not in self.env:
            raise self.error(
                target,
                "assignment into this is not supported",
                "Assign into an array the function makes, by its name: y[i] = ...",
            )
        array = self.env[base.id]
        if not isinstance(array, Name):
            raise self.error(
                target,
                f"`{base.id}` is a constant here: it cannot be assigned into",
                "Make an array first, for example with np.zeros.",
            )
        index = self.flatten(self.expr(target.slice), root=False)

        def settled(e: Expr) -> Expr:
            """A mask or computed index gets a name: the adjoint must index the same slots,
            after the assignment may have changed what it was computed from."""
            if isinstance(e, Call) and e.op.form == "tuple":
                return Call(e.op, tuple(settled(a) for a in e.args))
            if isinstance(e, Call) and e.op.form != "slice":
                return self.atom(e)
            return e

        return array, settled(index)

    def named(self, node: gast.NamedExpr) -> Expr:
        """``(y := e)``: ``y`` gets a new version, and the value is that name."""
        value = self.atom(self.expr(node.value), node.target.id)
        self.env[node.target.id] = value
        return value
