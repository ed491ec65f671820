"""Reversing a call to the user's function that lowering could not inline: recursion.

Lowering inlines the user's own functions; one that calls itself stays a call.
Its derivative is another generated function, ``f``'s vjp for the kinds of the
arguments, which the driver builds (and caches) on demand and hands over in a
closure cell (``Callees``). The forward sweep calls it for the value and a
pullback; the adjoint sweep calls the pullback for the arguments' cotangents
(a function of s2sad's own would need a rule: here it stands in a user's module):

>>> from s2sad.derive.examples import show
>>> def power(x, n):
...     if n == 0:
...         return 1.0
...     return x * power(x, n - 1)
>>> power.__module__ = "model"
>>> show(power)
def power_grad(x, n):
    v1 = n == 0
    if v1:
        result = 1.0
    else:
        v2 = n - 1
        v3, v3_pullback = power_vjp(x, v2)
        v4 = x * v3
        result = v4
    result_bar = 1.0
    if v1:
        x_bar = 0.0
    else:
        v4_bar = result_bar
        x_bar = v4_bar * v3
        v3_bar = v4_bar * x
        x_ct, n_ct = v3_pullback(v3_bar)
        x_bar += x_ct
    return as_gradient(x_bar, x)
<BLANKLINE>
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Name
from ..ir.kinds import UNKNOWN
from .adjoints import Adjoints, Loop, adjoint_origin
from .sweep import adjoint_kind


class Recursion(Adjoints):
    """The part of ``Reverse`` that reverses calls to the user's functions through their vjp."""

    def user_call(self, stmt: ir.Assign, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """A call to the user's function that was not inlined (recursion): call its vjp.

        y, y_pullback = f_vjp(x, n)          (forward)
        x_ct, n_ct = y_pullback(y_bar)       (adjoint)
        """
        call = stmt.value
        _, positional, _, bound, kinds, _, head = self.recursive_call(stmt, self.callees.vjp_cell)
        y = stmt.target
        pullback = Name(self.pool.fresh(f"{y.id}_pullback"))
        self.kinds[pullback.id] = UNKNOWN
        self.defines.setdefault(id(stmt), []).append(pullback.id)
        vjp = Call(ir.call_op(None, head, pure=False, canonical=True), call.args, call.kwargs)
        forward = [ir.Unpack((y, pullback), vjp, origin=stmt.origin)]
        origin = adjoint_origin(stmt.origin)
        cts = tuple(Name(self.pool.fresh(f"{p}_ct")) for p in positional)
        self.kinds.update({ct.id: adjoint_kind(kinds[p]) for ct, p in zip(cts, positional)})
        adjoint: list[ir.Stmt] = [
            ir.Unpack(cts, Call(ir.APPLY, (pullback, Name(self.bar[y.id]))), origin=origin)
        ]
        for ct, p in zip(cts, positional):
            arg = bound[p]
            if isinstance(arg, Name) and arg.id in self.active:
                adjoint += self.contribute(arg.id, ct, stmt.origin, state, loop)
        if y.id in self.multi:
            state.discard(y.id)
        self.temps.update(ct.id for ct in cts)
        return forward, adjoint
