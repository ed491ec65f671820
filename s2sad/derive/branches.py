"""Reversing ``if``: an ``if`` on the same condition.

The condition is a primal value, still there when the adjoint sweep comes back
to the ``if``, so no tape is needed: the branch taken forwards is the branch
reversed. Each branch sets the adjoints its own contributions reach; an
adjoint that only one branch sets is set to zero in the other, so that after
the ``if`` it exists whichever way the program went:

>>> from s2sad.derive.examples import show
>>> def f(x, y):
...     if x > 0.0:
...         y = y * x
...     return y
>>> show(f)
def f_grad(x, y):
    v1 = x > 0.0
    if v1:
        y_1 = y * x
        y_2 = y_1
    else:
        y_2 = y
    y_2_bar = 1.0
    if v1:
        y_1_bar = y_2_bar
        x_bar = y_1_bar * y
    else:
        x_bar = 0.0
    return as_gradient(x_bar, x)
<BLANKLINE>
"""

from __future__ import annotations

from collections import Counter

from .. import ir
from ..analysis.activity import appends, pops
from ..ir import Name
from .adjoints import Adjoints, Loop, adjoint_origin, assigned_in


class Branches(Adjoints):
    """The part of ``Reverse`` that reverses ``if`` statements."""

    def if_(self, stmt: ir.If, state: set[str], loop: Loop | None) -> tuple[list, list]:
        then_state, else_state = set(state), set(state)
        f_then, a_then = self.block(stmt.body, then_state, loop)
        f_else, a_else = self.block(stmt.orelse, else_state, loop)
        # y[i] = v changes y in place: y's adjoint goes on before the if
        inside = assigned_in(stmt.body + stmt.orelse) - set(stmt.joins)
        both = (then_state | else_state) - inside  # adjoints of the branches' own values end here
        if loop is not None:  # accumulators of the loop start at zero before it: leave them be
            both = {n for n in both if n in loop.defs or n in state}
        origin = adjoint_origin(stmt.origin)
        for taken, branch_state, adjoint in ((True, then_state, a_then), (False, else_state, a_else)):
            for name in sorted(both - branch_state):  # a path that adds nothing: zero
                if self.undefined_on(name, stmt.test, taken):
                    continue  # nor is there a primal value, whose reversal would read it
                adjoint.append(ir.Assign(Name(self.adjoint(name)), self.zero(name), origin=origin))
        state.clear()
        state.update(both)
        forward = [ir.If(stmt.test, f_then, f_else, stmt.joins, origin=stmt.origin)]
        adjoint = [ir.If(stmt.test, a_then, a_else, origin=origin)] if a_then or a_else else []
        return forward, adjoint

    def maybe_unbound(self, name: str) -> bool:
        self.undefined_on(name, None, False)  # the names assigned in one branch only, found once
        return name in self.one_sided or name in self.nothing_yet

    def holds_nothing_yet(self, name: str) -> bool:
        self.undefined_on(name, None, False)
        return name in self.nothing_yet

    def bound_when(self, name: str) -> list[tuple[str, bool]] | None:
        """The flags, and their values, on which a name assigned in one branch only has a value:
        one per ``if`` around it, the outermost first (an inner flag has a value where the
        outer ones hold)."""
        if not self.maybe_unbound(name) or name not in self.one_sided:
            return None
        return [(flag, not unbound) for flag, unbound in self.one_sided[name]]

    def undefined_on(self, name: str, test: ir.Expr, taken: bool) -> bool:
        """Whether ``name`` surely has no value where ``test`` is ``taken``: it is assigned only
        inside one branch of an earlier ``if`` on the same condition (generated code splits one
        ``if`` in two that way: the primal sweep's, then the adjoint sweep's)."""
        if not hasattr(self, "one_sided"):
            self.one_sided: dict[str, list[tuple[str, bool]]] = {}  # in the order of the ifs
            everywhere = _writes(self.fn.body)
            self.nothing_yet = unbound_before_loops(self.fn.body)
            self.negations = _negations(self.fn.body, everywhere)
            for s in ir.walk(self.fn.body):
                condition = _condition(s.test, self.negations) if isinstance(s, ir.If) else None
                if condition is not None:
                    flag, sense = condition
                    for branch, block in ((True, s.body), (False, s.orelse)):
                        inside = _writes(block)
                        for n, count in inside.items():
                            if count == everywhere[n]:  # assigned there and nowhere else
                                sides = self.one_sided.setdefault(n, [])
                                if (flag, sense != branch) not in sides:
                                    sides.append((flag, sense != branch))
        condition = _condition(test, self.negations) if test is not None else None
        if condition is None:
            return False
        flag, sense = condition
        return (flag, taken == sense) in self.one_sided.get(name, ())


def unbound_before_loops(body: list[ir.Stmt]) -> set[str]:
    """The names that may hold ``UNBOUND``: a loop's variable that the loop assigns first
    (``v = UNBOUND`` before it), the names it is copied to where paths join, what a tape of
    it gives back, and its zero (``zero_like(UNBOUND)`` is ``0.0``, whatever its kind: a zero
    that adds to anything)."""
    copies = [s for s in ir.walk(body) if isinstance(s, ir.Assign) and not s.accumulate]
    pushes = [s.value for s in ir.walk(body) if isinstance(s, ir.Effect) and appends(s.value)]
    names = {s.target.id for s in copies if ir.is_unbound(s.value)}
    grown = True
    while grown:
        tapes = {xs.id for xs, v in (c.args for c in pushes) if isinstance(v, Name) and v.id in names}
        more = {s.target.id for s in copies if _passes_nothing(s.value, names, tapes)}
        grown = not more <= names
        names |= more
    return names


def _passes_nothing(value: ir.Expr, names: set[str], tapes: set[str]) -> bool:
    """Whether ``value`` is ``UNBOUND`` where a name in ``names`` is: a copy, a zero of it, a
    tape's last item."""
    if isinstance(value, Name):
        return value.id in names
    if not (isinstance(value, ir.Call) and value.args and isinstance(value.args[0], Name)):
        return False
    if pops(value):
        return value.args[0].id in tapes
    return getattr(value.op.fn, "__name__", None) == "zero_like" and value.args[0].id in names


def _negations(body: list[ir.Stmt], writes: Counter) -> dict[str, str]:
    """``v5 = not v3``, assigned once: ``{"v5": "v3"}``."""
    out = {}
    for s in ir.walk(body):
        if isinstance(s, ir.Assign) and writes[s.target.id] == 1 and _negated(s.value) is not None:
            out[s.target.id] = _negated(s.value)
    return out


def _negated(e: ir.Expr) -> str | None:
    if isinstance(e, ir.Call) and e.op is ir.UNARY["not"] and isinstance(e.args[0], Name):
        return e.args[0].id
    return None


def _condition(test: ir.Expr, negations: dict[str, str]) -> tuple[str, bool] | None:
    """A test as a flag and whether it is the flag itself or its negation: ``v3`` is
    ``("v3", True)``; ``not v3``, and ``v5`` after ``v5 = not v3``, are ``("v3", False)``."""
    sense = True
    if _negated(test) is not None:
        test, sense = Name(_negated(test)), False
    if not isinstance(test, Name):
        return None
    while test.id in negations:
        test, sense = Name(negations[test.id]), not sense
    return test.id, sense


def _writes(stmts: list[ir.Stmt]) -> Counter:
    """How many statements of ``stmts`` (nested blocks too) assign each name."""
    return Counter(w for s in ir.walk(stmts) for w in s.writes())
