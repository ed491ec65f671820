"""Many tangents at once: a forward program along every direction in one sweep.

A Hessian of a function of an array of n numbers needs the derivative of the
gradient along each of the n unit directions. Rather than run the tangent
program n times, ``batched`` rewrites it so that every tangent carries the
directions on a new first axis: ``x_dot`` of shape ``(n,) + x.shape`` gives
every column in one sweep. Elementwise operations need no change (NumPy lines
shapes up from the right, so a primal of shape ``s`` meets a tangent of shape
``(n,) + s``); what looks at axes does::

    v1_dot = x_dot[1:]                     v1_dot = x_dot[:, 1:]
    t_dot = np.sum(v_dot)                  t_dot = np.sum(v_dot, axis=(1,))
    x_bar_dot = np.zeros(x_bar.shape)      x_bar_dot = np.zeros(x_dot.shape)  (x_bar shaped like x)
    x_bar_dot[:-1] += e                    x_bar_dot[:, :-1] = e  (the first update of zeros)

A program that does anything else to a tangent (a matrix product, a reshape, a
conversion to float) is not batched: ``batched`` returns None and the caller
runs the tangent program once per direction.

For arguments that are numbers, ``unroll.unrolled`` writes the directions out instead.
Both take the tangent program of the pipeline:

>>> import numpy as np
>>> from s2sad.derive.request import Request
>>> from s2sad.driver.dispatch import CALLEES
>>> from s2sad.driver.pipeline import build
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.ir.printer import function_source
>>> def f(x):
...     return np.sum(x[1:] * x[:-1])
>>> tangent = build(f, Request("jvp", ("x",)), {"x": kind_of(np.ones(3))}, CALLEES)
>>> print(tangent.source(), end="")  # doctest: +ELLIPSIS
def f_jvp(x, x_dot):
    ...
    v1 = x[1:]
    v2 = x[:-1]
    v4_dot = np.sum(x_dot[1:] * v2 + x_dot[:-1] * v1)
    v4 = np.sum(v1 * v2)
    return v4, v4_dot
>>> print(function_source(batched(tangent.final, ["x_dot"], tangent.kinds)), end="")  # doctest: +ELLIPSIS
def f_jvp(x, x_dot):
    ...
    v1 = x[1:]
    v2 = x[:-1]
    v4_dot = np.sum(x_dot[:, 1:] * v2 + x_dot[:, :-1] * v1, axis=(1,))
    return v4_dot
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr, Name, attr_op
from ..ir.kinds import UNKNOWN, Kind
from ..rules.algebra import simplify_expr
from ..rules.instantiate import expr_kind, np_call
from ..rules.registry import lookup
from ..simplify import Simplifier, filled

_ARITHMETIC = {ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.NEG, ir.UNARY["+"]}
_REDUCTIONS = {np.sum, np.mean}
_ALL = Const(slice(None))


class NotBatchable(Exception):
    """An operation on a tangent that ``batched`` does not know how to batch."""


def batched(fn: ir.Function, tangents: list[str], kinds: dict[str, Kind]) -> ir.Function | None:
    """``fn`` (a forward program) with a leading axis of directions on every tangent, the
    parameters ``tangents`` first among them; None if it cannot be batched."""
    try:
        return Batcher(fn, tangents, kinds).run()
    except NotBatchable:
        return None


class Batcher:
    def __init__(self, fn: ir.Function, tangents: list[str], kinds: dict[str, Kind]):
        self.fn = fn
        self.kinds = kinds
        self.first = tangents[0]
        self.tangent = set(tangents)
        self._spread(fn.body)

    def _spread(self, body: list[ir.Stmt]) -> None:
        """Every name that holds a tangent: what is computed from one, or updated with one."""
        while True:
            before = len(self.tangent)
            for stmt in ir.walk(body):
                if isinstance(stmt, (ir.Assign, ir.SetItem)) and self.reads_tangent(stmt.value):
                    self.tangent.add(stmt.target.id)
                elif isinstance(stmt, ir.Unpack) and self.reads_tangent(stmt.value):
                    raise NotBatchable("unpacking a tangent")
            if len(self.tangent) == before:
                return

    def reads_tangent(self, e: Expr) -> bool:
        return any(n in self.tangent for n in ir.names_in(e))

    def kind(self, e: Expr) -> Kind:
        return expr_kind(e, lambda n: self.kinds.get(n, UNKNOWN))

    # statements ----------------------------------------------------------------------
    def run(self) -> ir.Function:
        """The batched program, returning the tangents only (the primal part that only the
        value needed goes)."""

        body = self.block(self.fn.body)
        ret = body[-1]
        if not (isinstance(ret, ir.Return) and isinstance(ret.value, Call) and ret.value.op is ir.TUPLE):
            raise NotBatchable("a program that does not return (value, tangent)")
        body[-1] = ir.replace(ret, value=ret.value.args[1])
        fn = ir.replace(self.fn, body=_settled(body))
        # only dead code goes: the simplifier would undo the regrouping (-t * v, not t * -v)
        return ir.replace(fn, body=Simplifier(fn, dict(self.kinds)).live_code(fn.body))

    def block(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        return [self.statement(s) for s in stmts]

    def statement(self, stmt: ir.Stmt) -> ir.Stmt:
        if isinstance(stmt, ir.Assign):
            if stmt.target.id in self.tangent:
                return ir.replace(stmt, value=self.start(stmt.value))
            return stmt
        if isinstance(stmt, ir.SetItem):
            if stmt.target.id not in self.tangent:
                if self.reads_tangent(stmt.value):
                    raise NotBatchable("a tangent stored into a primal")
                return stmt
            if self.reads_tangent(stmt.index):
                raise NotBatchable("a tangent as an index")
            return ir.replace(stmt, index=_with_directions(stmt.index), value=self.expr(stmt.value))
        if isinstance(stmt, ir.Return):
            return ir.replace(stmt, value=self.expr(stmt.value))
        if stmt.blocks():  # control flow: what it tests stays primal, its blocks are batched
            if any(self.reads_tangent(e) for e in stmt.exprs()):
                raise NotBatchable("control flow on a tangent")
            return ir.with_blocks(stmt, self.block)
        if any(n in self.tangent for n in stmt.reads()):
            raise NotBatchable(f"{type(stmt).__name__} of a tangent")
        return stmt

    def start(self, e: Expr) -> Expr:
        """The value a tangent name is assigned: batched, or zeros with the directions' axis."""
        if self.reads_tangent(e):
            return self.expr(e)
        if isinstance(e, Const) and e.value in (0, 0.0):
            return e  # a zero broadcasts against any number of directions
        if filled(e, np.zeros):
            shape = e.args[0]
            if isinstance(shape, Call) and shape.op.form == "attr" and shape.op.symbol == "shape":
                token = self.kind(shape.args[0]).shape
                if token is not None and token == self.kinds.get(self.first, UNKNOWN).shape:
                    return Call(e.op, (_shape(Name(self.first)),), e.kwargs, e.pos)  # (directions, *x.shape)
            directions = Call(ir.GETITEM, (_shape(Name(self.first)), Const(slice(None, 1))))
            return Call(e.op, (Call(ir.ADD, (directions, _as_tuple(e.args[0]))),), e.kwargs, e.pos)
        raise NotBatchable(f"a tangent that starts as {e!r}")

    # expressions ---------------------------------------------------------------------
    def expr(self, e: Expr) -> Expr:
        if not isinstance(e, Call) or not self.reads_tangent(e):
            return e
        op = e.op
        if op.form in ("tuple", "list"):
            return e.map(self.expr)
        if op is ir.MUL or op is ir.NEG:
            e = self.regroup(e)
        if op in _ARITHMETIC or op is ir.POW and not self.reads_tangent(e.args[1]):
            return self.elementwise(e)
        if op is ir.GETITEM:
            obj, index = e.args
            if self.reads_tangent(index):
                raise NotBatchable("a tangent as an index")
            display = isinstance(obj, Call) and obj.op.form in ("tuple", "list", "dict")
            if display or self.kind(obj).is_container:  # the directions are not its first axis
                raise NotBatchable("an item of a container")
            return Call(op, (self.expr(obj), _with_directions(index)), e.kwargs, e.pos)
        if op.form == "method" and op.symbol == "copy" and len(e.args) == 1:
            return e.map(self.expr)
        if op.form == "call" and op.fn in _REDUCTIONS and len(e.args) == 1:
            kwargs = dict(e.kwargs)
            if set(kwargs) - {"axis"}:
                raise NotBatchable("a reduction with options")
            ndim = self.kind(e.args[0]).ndim
            axis = kwargs.get("axis", Const(None))
            if ndim is None or not isinstance(axis, Const):
                raise NotBatchable("a reduction over unknown axes")
            axes = tuple(range(ndim)) if axis.value is None else axis.value
            axes = (axes,) if isinstance(axes, int) else tuple(axes)
            shifted = tuple(a + 1 if a >= 0 else a for a in axes)
            return np_call(op.symbol.split(".", 1)[1], self.expr(e.args[0]), axis=Const(shifted))
        rule = lookup(op)
        if rule is not None and rule.elementwise and op.form == "call" and not e.kwargs:
            return self.elementwise(e)
        raise NotBatchable(f"{e!r} on a tangent")

    def regroup(self, e: Call) -> Call:
        """A product with one tangent factor as ``tangent * (the rest)``: the numbers and
        primals are multiplied first, so the stack of tangents is touched once.
        ``-t * (2 * v)`` becomes ``t * (-2 * v)``."""

        factors: list[Expr] = []
        negative = False

        def collect(x: Expr) -> None:
            nonlocal negative
            if isinstance(x, Call) and x.op is ir.MUL:
                collect(x.args[0])
                collect(x.args[1])
            elif isinstance(x, Call) and x.op is ir.NEG:
                negative = not negative
                collect(x.args[0])
            else:
                factors.append(x)

        collect(e)
        tangents = [f for f in factors if self.reads_tangent(f)]
        rest = [f for f in factors if not self.reads_tangent(f)]
        if len(tangents) != 1 or not rest:
            return e  # -t stays -t: y[i] += -t prints as y[i] -= t
        others = rest[0] if rest else Const(1.0)
        for f in rest[1:]:
            others = Call(ir.MUL, (others, f))
        if negative:
            others = Call(ir.NEG, (others,))
        return Call(ir.MUL, (tangents[0], simplify_expr(others, self.kind)), e.kwargs, e.pos)

    def elementwise(self, e: Call) -> Expr:
        """Operands line up from the right, after the directions' axis: a tangent of fewer
        axes than the result gets length-one axes after its first (``t[:, None]``)."""
        rank = self.kind(e).ndim
        if rank is None:
            raise NotBatchable(f"{e!r}: unknown rank")
        args = []
        for a in e.args:
            b = self.expr(a)
            if self.reads_tangent(a):
                r = self.kind(a).ndim
                if r is None or r > rank:
                    raise NotBatchable(f"{a!r}: unknown rank")
                if r < rank:
                    b = Call(ir.GETITEM, (b, Const((slice(None),) + (None,) * (rank - r))))
            args.append(b)
        return Call(e.op, tuple(args), e.kwargs, e.pos)


def _settled(body: list[ir.Stmt]) -> list[ir.Stmt]:
    """Updates of an array of zeros written as a person writes them: the first update of
    a part is an assignment (``t = np.zeros(s)`` then ``t[:-1] += a`` is ``t[:-1] = a``), and
    a later update of the same part, with nothing in between that touches the array or
    what the first reads, takes it in (``t[:-1] = a`` then ``t[:-1] -= b`` is ``t[:-1] = a - b``)."""
    out: list[ir.Stmt] = []
    fresh: dict[str, bool] = {}  # arrays made as zeros here: updated yet?
    for stmt in body:
        name = stmt.target.id if isinstance(stmt, (ir.Assign, ir.SetItem)) else ""
        reads = {*ir.names_in(stmt.value), *ir.names_in(stmt.index)} if isinstance(stmt, ir.SetItem) else ()
        if isinstance(stmt, ir.Assign) and not stmt.accumulate and filled(stmt.value, np.zeros):
            fresh[name] = False
        elif isinstance(stmt, ir.SetItem) and stmt.accumulate and name in fresh and name not in reads:
            joined = _join(out, stmt)
            if joined is not None:  # the earlier update moves down to this one
                del out[joined[0]]
                stmt = joined[1]
            elif not fresh[name]:  # the first update of the zeros: nothing to add to
                stmt = ir.replace(stmt, accumulate=False)
            fresh[name] = True
        else:
            touched = set(stmt.reads()) | set(stmt.writes()) if not stmt.blocks() else set(fresh)
            for n in touched & set(fresh):
                del fresh[n]
        out.append(stmt)
    return out


def _join(out: list[ir.Stmt], stmt: ir.SetItem) -> tuple[int, ir.Stmt] | None:
    """The earlier update of ``t[i]`` that ``stmt`` (``t[i] += v``) takes in, and the two as one."""
    written: set[str] = set()
    for k in range(len(out) - 1, -1, -1):
        prior = out[k]
        if isinstance(prior, ir.SetItem) and prior.target == stmt.target and prior.index == stmt.index:
            if written & {*ir.names_in(prior.value), *ir.names_in(prior.index)}:
                return None
            v = stmt.value
            minus = isinstance(v, Call) and v.op is ir.NEG
            return k, ir.replace(
                prior, value=Call(ir.SUB if minus else ir.ADD, (prior.value, v.args[0] if minus else v))
            )
        if prior.blocks() or stmt.target.id in set(prior.reads()) | set(prior.writes()):
            return None
        written |= set(prior.writes())
    return None


def _with_directions(index: Expr) -> Expr:
    """``[i]`` of one tangent is ``[:, i]`` of the stack of them."""
    if isinstance(index, Call) and index.op is ir.TUPLE:
        return Call(ir.TUPLE, (_ALL, *index.args))
    if isinstance(index, Const) and isinstance(index.value, tuple):
        return Const((slice(None), *index.value))
    return Call(ir.TUPLE, (_ALL, index))


def _shape(e: Expr) -> Expr:
    return Call(attr_op("shape"), (e,))


def _as_tuple(shape: Expr) -> Expr:
    """A shape as a tuple (``n`` -> ``(n,)``) to put the directions in front of."""
    if isinstance(shape, Call) and shape.op.form == "attr" and shape.op.symbol == "shape":
        return shape
    if isinstance(shape, Call) and shape.op is ir.TUPLE:
        return shape
    return Call(ir.TUPLE, (shape,))
