"""Many tangents of numbers at once: the directions written out, loops included.

For arguments that are numbers, ``unrolled`` writes the tangent program out along
each unit direction of its tangent parameters: the primal statements once, then
each tangent statement once per direction, with the tangents that are zero along a
direction left out (``x1_dot`` is 1 along ``x1`` and 0 along ``x2``)::

    r_dot = (x1_dot * (2 * x1) + x2_dot * (2 * x2)) * (0.5 / r)
                    ->  r_dot_0 = 2 * x1 * (0.5 / r)
                        r_dot_1 = 2 * x2 * (0.5 / r)

In a loop (or a branch) a tangent keeps one variable per direction, set before the
loop to what it is there, unless it is zero along that direction on every pass:

>>> from s2sad.derive.request import Request
>>> from s2sad.driver.dispatch import CALLEES
>>> from s2sad.driver.pipeline import build
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.ir.printer import function_source
>>> def logistic(r, x):
...     for _ in range(10):
...         x = r * x * (1 - x)
...     return x
>>> floats = {"r": kind_of(1.0), "x": kind_of(1.0)}
>>> tangent = build(logistic, Request("jvp", ("r", "x"), False), floats, CALLEES)
>>> print(tangent.source(), end="")  # doctest: +ELLIPSIS
def logistic_jvp(r, x, r_dot, x_dot):
    ...
    x_1_dot = x_dot
    x_1 = x
    for _ in range(10):
        v1 = r * x_1
        v2 = 1.0 - x_1
        x_1_dot = (r_dot * x_1 + x_1_dot * r) * v2 - x_1_dot * v1
        x_1 = v1 * v2
    # return x
    return x_1, x_1_dot
>>> both = unrolled(tangent.final, ["r_dot", "x_dot"], dict(tangent.kinds), False, True, True)
>>> print(function_source(both), end="")  # doctest: +ELLIPSIS
def logistic_jvp(r, x):
    ...
    x_1 = x
    x_1_dot_0 = 0.0
    x_1_dot_1 = 1.0
    for _ in range(10):
        v1 = r * x_1
        v2 = 1.0 - x_1
        x_1_dot_0 = (x_1 + x_1_dot_0 * r) * v2 - x_1_dot_0 * v1
        x_1_dot_1 = x_1_dot_1 * r * v2 - x_1_dot_1 * v1
        x_1 = v1 * v2
    # return x
    return x_1, (x_1_dot_0, x_1_dot_1)

A tuple of outputs gives the rows of its Jacobian (what the Hessian programs of
``driver.hessian`` return):

>>> def g(x1, x2):
...     return (x2 * x1, x1 * x1)
>>> tangent = build(g, Request("jvp", ("x1", "x2"), False), {"x1": kind_of(1.0), "x2": kind_of(1.0)}, CALLEES)
>>> rows = unrolled(tangent.final, ["x1_dot", "x2_dot"], dict(tangent.kinds), False)
>>> print(function_source(rows), end="")  # doctest: +ELLIPSIS
def g_jvp(x1, x2):
    ...
    v2_dot_0 = 2.0 * x1
    return (x2, x1), (v2_dot_0, 0.0)
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..rules.algebra import simplify_expr
from ..simplify import simplify
from .batch import Batcher, NotBatchable


def unrolled(
    fn: ir.Function,
    tangents: list[str],
    kinds: dict[str, Kind],
    single: bool,
    value: bool = False,
    one_output: bool = False,
) -> ir.Function | None:
    """``fn`` (a tangent program of numbers) along every unit direction of its tangent
    parameters ``tangents``, in one function: the primal part once, the tangent part once
    per direction, with the tangents that are zero along a direction left out. It returns
    the rows of the Jacobian of ``fn``'s tuple of outputs (the element itself if
    ``single``), or, with ``one_output``, for one number output its row (a tuple, one
    entry per direction; the entry itself if ``single``); with ``value``, ``(value, rows)``.
    None if the program does something to a tangent other than arithmetic on numbers."""
    try:
        return _Unroller(fn, tangents, kinds, single, value, one_output).run()
    except NotBatchable:
        return None


Along = dict[str, Expr | None]  # a tangent's value along one direction, None where it is zero


class _Unroller(Batcher):
    def __init__(
        self,
        fn: ir.Function,
        tangents: list[str],
        kinds: dict[str, Kind],
        single: bool,
        value: bool,
        one_output: bool,
    ):
        super().__init__(fn, tangents, kinds)
        self.one_output = one_output
        self.params = tangents
        self.single, self.value = single, value
        self.taken = ir.names_in_function(fn) | {p.name for p in fn.params}
        self.taken |= {w for s in ir.walk(fn.body) for w in s.writes()}
        # per direction: a tangent's name there, or None where it is zero along it
        self.along: list[Along] = [
            {t: Const(1.0) if i == j else None for i, t in enumerate(tangents)} for j in range(len(tangents))
        ]
        self.made: set[str] = set()  # the variables this program writes tangents into
        self.owner: dict[str, str] = {}  # a variable a loop or branch keeps -> the tangent it holds

    def run(self) -> ir.Function:
        body = self.block(self.fn.body, top=True)
        keep = [p for p in self.fn.params if p.name not in self.params]
        return simplify(ir.replace(self.fn, params=keep, body=body), self.kinds)

    def block(self, stmts: list[ir.Stmt], top: bool = False) -> list[ir.Stmt]:
        body: list[ir.Stmt] = []
        for stmt in stmts:
            if isinstance(stmt, ir.Return):
                if not top:
                    raise NotBatchable("a return inside a block")
                body.append(ir.replace(stmt, value=self.result(stmt.value)))
                break
            if isinstance(stmt, ir.Assign) and stmt.target.id in self.tangent:
                body += self.assign(stmt)
            elif stmt.blocks():
                body += self.compound(stmt)
            elif any(n in self.tangent for s in ir.walk([stmt]) for n in set(s.reads()) | set(s.writes())):
                raise NotBatchable(f"{type(stmt).__name__} with a tangent")
            else:
                body.append(stmt)
        return body

    def assign(self, stmt: ir.Assign) -> list[ir.Stmt]:
        """``t_dot = e`` along each direction: nothing where it is zero or a constant there
        (unless a loop keeps ``t_dot`` in a variable), else a statement."""
        out = []
        target = stmt.target.id
        for j, along in enumerate(self.along):
            value = self.fold(_updated(stmt), along)
            kept = along.get(target)
            if isinstance(kept, Name) and self.owner.get(kept.id) == target:
                if value is None:
                    value = Const(0.0)
                out.append(ir.Assign(kept, simplify_expr(value, self.kind), origin=stmt.origin))
                continue
            if value is None or isinstance(value, Const):
                along[target] = value
                continue
            name = self.name_along(target, j)
            self.kinds[name] = self.kinds.get(target, UNKNOWN)
            out.append(ir.Assign(Name(name), simplify_expr(value, self.kind), origin=stmt.origin))
            along[target] = Name(name)
        return out

    def compound(self, stmt: ir.Stmt) -> list[ir.Stmt]:
        """A loop or a branch: what it tests stays primal; each tangent it sets that is not
        zero along a direction gets one variable there, set before it, for every pass."""
        if any(self.reads_tangent(e) for e in stmt.exprs()) or any(w in self.tangent for w in stmt.writes()):
            raise NotBatchable("control flow on a tangent")
        inside = [s for block in stmt.blocks() for s in ir.walk(block)]
        if any(isinstance(s, ir.Return) for s in inside):
            raise NotBatchable("a return inside a block")
        sets = [s for s in inside if isinstance(s, ir.Assign) and s.target.id in self.tangent]
        written = {s.target.id for s in sets}
        before: list[ir.Stmt] = []
        kept: list[str] = []
        for j, along in enumerate(self.along):
            nonzero = self._nonzero(written, sets, along)
            for w in sorted(nonzero):
                entry = along.get(w)
                if isinstance(entry, Name) and self.owner.get(entry.id) == w:
                    continue  # an enclosing loop keeps it already
                name = self.name_along(w, j)
                self.owner[name] = w
                self.kinds[name] = self.kinds.get(w, UNKNOWN)
                if w in along:
                    before.append(ir.Assign(Name(name), Const(0.0) if entry is None else entry))
                along[w] = Name(name)
                kept.append(name)
            for w in written - nonzero:
                along[w] = None
        new = ir.with_blocks(stmt, self.block)
        if hasattr(new, "joins"):
            new = ir.replace(new, joins=[n for n in new.joins if n not in self.tangent] + kept)
        return [*before, new]

    def _nonzero(self, written: set[str], sets: list[ir.Assign], along: Along) -> set[str]:
        """The tangents in ``written`` that are not zero along a direction, on some pass: those
        not zero on entry, and those set from one that is not (to a fixed point)."""
        nonzero = {w for w in written if along.get(w) is not None}
        while True:
            trial = dict(along)
            trial.update({w: Name(w) if w in nonzero else None for w in written})
            more = {s.target.id for s in sets if self.fold(_updated(s), trial) is not None}
            if more <= nonzero:
                return nonzero
            nonzero |= more

    def name_along(self, tangent: str, j: int) -> str:
        """A new variable for ``tangent`` along direction ``j``: ``t_dot_0``, ``t_dot_1``, ...;
        along a single direction ``t_dot`` itself where it is free (each tangent statement
        is written again, so the program's own names are not read any more)."""
        if len(self.along) == 1 and tangent not in self.made and tangent not in self.params:
            self.made.add(tangent)
            return tangent
        return self.fresh(tangent if len(self.along) == 1 else f"{tangent}_{j}")

    def fresh(self, name: str) -> str:
        while name in self.taken or name in self.made:
            name += "_"
        self.taken.add(name)
        self.made.add(name)
        return name

    def result(self, value: Expr) -> Expr:
        """``(value, tangents)`` becomes the rows ``((d0 t0, d1 t0, ...), (d0 t1, ...))``."""

        if not (isinstance(value, Call) and value.op is ir.TUPLE and len(value.args) == 2):
            raise NotBatchable("a program that does not return (value, tangent)")
        primal, outs = value.args
        several = isinstance(outs, Call) and outs.op is ir.TUPLE
        if not several and not (self.one_output and self.kind(outs).is_scalar):
            raise NotBatchable("a tangent that is not a tuple")
        rows = []
        for out in outs.args if several else (outs,):
            row = []
            for along in self.along:
                entry = self.fold(out, along)
                row.append(Const(0.0) if entry is None else simplify_expr(entry, self.kind))
            rows.append(Call(ir.TUPLE, tuple(row)))
        if not several and len(rows[0].args) != len(self.along):
            raise NotBatchable("a tangent that is not a number")
        result = rows[0] if not several else Call(ir.TUPLE, tuple(rows))
        if self.single:
            result = rows[0].args[0]
        return Call(ir.TUPLE, (primal, result)) if self.value else result

    def fold(self, e: Expr, along: Along) -> Expr | None:
        """``e`` along one direction: its tangents replaced, None if it is zero there (a
        tangent expression is linear in the tangents, so a zero factor makes it zero)."""
        if isinstance(e, Name):
            if e.id in self.tangent and e.id not in along:
                raise NotBatchable(f"{e.id} read before it is set")
            return along[e.id] if e.id in along else e
        if not isinstance(e, Call) or not self.reads_tangent(e):
            return e
        if any(self.reads_tangent(v) for _, v in e.kwargs):
            raise NotBatchable(f"{e!r}: a tangent as a keyword argument")
        args = [self.fold(a, along) for a in e.args]
        op = e.op
        if op is ir.MUL:
            return None if None in args else Call(op, tuple(args), e.kwargs, e.pos)
        if op is ir.DIV:
            if args[1] is None:
                raise NotBatchable("division by a tangent")
            return None if args[0] is None else Call(op, tuple(args), e.kwargs, e.pos)
        if op is ir.ADD:
            a, b = args
            return b if a is None else a if b is None else Call(op, (a, b), e.kwargs, e.pos)
        if op is ir.SUB:
            a, b = args
            if b is None:
                return a
            return Call(ir.NEG, (b,)) if a is None else Call(op, (a, b), e.kwargs, e.pos)
        if op in (ir.NEG, ir.UNARY["+"]) or op.form == "call" and op.fn is float and len(args) == 1:
            return None if args[0] is None else Call(op, tuple(args), e.kwargs, e.pos)
        if None in args:
            raise NotBatchable(f"{e!r} of a tangent")
        return Call(op, tuple(args), e.kwargs, e.pos)


def _updated(stmt: ir.Assign) -> Expr:
    """What ``stmt`` sets its target to: ``t += e`` sets it to ``t + e``."""
    return Call(ir.ADD, (stmt.target, stmt.value)) if stmt.accumulate else stmt.value


__all__ = ["unrolled"]
