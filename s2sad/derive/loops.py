"""Reversing loops: a loop over the same iterations, backwards.

The forward loop runs as written (pushing on the tape what its adjoint needs,
``tape``); the reversed loop runs the adjoint of the body once per iteration,
last iteration first. Over a sequence whose items have adjoints it runs over
the indices, so that each item's adjoint goes back to its place; an adjoint of
a name from before the loop starts at zero before it and adds up:

>>> import numpy as np
>>> from s2sad.derive.examples import show
>>> def f(xs, w):
...     s = 0.0
...     for x in xs:
...         s = s + np.sin(x * w)
...     return s
>>> show(f, wrt="xs", xs=[1.0, 2.0])
def f_grad(xs, w):
    s = 0.0
    s_1 = s
    for x in xs:
        v1 = x * w
        v2 = np.sin(v1)
        s_2 = s_1 + v2
        s_1 = s_2
    s_1_bar = 1.0
    xs_bar = zeros_of(xs)
    for k in reversed(range(len(xs))):
        x = xs[k]
        v3 = x * w
        s_2_bar = s_1_bar
        s_1_bar = s_2_bar
        v2_bar = s_2_bar
        v1_bar = v2_bar * np.cos(v3)
        x_bar = v1_bar * w
        xs_bar[k] += x_bar
    return as_gradient(xs_bar, xs)
<BLANKLINE>

The adjoint of a carried variable (``s_1``) lives across iterations: each
reversed iteration leaves for the one before it what it found. A ``while``
loop, or a loop that may ``break``, counts its iterations, and the reversed
loop runs that many times:

>>> def g(x):
...     while x < 10.0:
...         x = x * 2.0
...     return x
>>> show(g)
def g_grad(x):
    x_1 = x
    iterations = 0
    while True:
        v1 = x_1 < 10.0
        if not v1:
            break
        iterations = iterations + 1
        x_2 = x_1 * 2.0
        x_1 = x_2
    x_1_bar = 1.0
    for _ in range(iterations):
        x_2_bar = x_1_bar
        x_1_bar = x_2_bar * 2.0
    x_bar = x_1_bar
    return as_gradient(x_bar, x)
<BLANKLINE>
"""

from __future__ import annotations

import builtins

from .. import ir
from ..analysis.activity import adds_at, appends
from ..ir import Call, Const, Expr, Name
from ..ir.kinds import INT
from .adjoints import Loop, adjoint_origin, assigned_in
from .checkpoints import Checkpoints, checkpointed


class Loops(Checkpoints):
    """The part of ``Reverse`` that reverses ``for`` and ``while`` loops."""

    def reverse_loop(self, stmt: ir.For | ir.While, state: set[str], outer: Loop | None) -> tuple[list, list]:
        schedule = checkpointed(stmt)  # for t in checkpoint(range(n)): (range(n), snapshots)
        if schedule is not None:
            original, stmt = stmt, ir.replace(stmt, iter=schedule[0])
            self.defines[id(stmt)] = self.defines.setdefault(id(original), [])  # one list for both
            if self.request.taped:
                schedule = None
        defs = assigned_in([stmt])  # an array changed in place keeps its adjoint from outside
        if isinstance(stmt, ir.For):
            defs |= set(ir.names_in(stmt.target))
        changed = defs | {n for s in ir.walk(stmt.body) for n in _changed_in_place(s)}
        if not changed & self.active:
            return [stmt], []  # nothing in the loop needs a derivative
        tapes = len(self.tapes.lists)
        carried = list(stmt.joins)
        loop = Loop(stmt, defs, carried, parent=outer)
        origin = adjoint_origin(stmt.origin)

        counting = isinstance(stmt, ir.While) or ir.breaks(stmt.body)
        count = Name(self.pool.fresh("iterations")) if counting else None
        if count is not None:
            self.kinds[count.id] = INT
            self.defines.setdefault(id(stmt), []).append(count.id)
        if schedule is not None:
            self.check_checkpointed(stmt, counting)

        n_test = len(stmt.test_body) if isinstance(stmt, ir.While) else 0
        body = (stmt.test_body if isinstance(stmt, ir.While) else []) + stmt.body
        active_carried = [c for c in carried if c in self.active]
        for name in active_carried:
            self.adjoint(name)  # it has an adjoint from the start of each reversed iteration
        # an array from outside changed in place and read in the loop: the adjoint its reads add
        # to in one reversed iteration reaches the changes of the iteration before
        read = {n for s in ir.walk(body) for n in _read_values(s)}
        arrays = {n for n in changed - defs if n in self.active and n in read and n not in state}
        for name in arrays:
            self.adjoint(name)
        loop.outer |= arrays
        start = set(state) | set(active_carried) | arrays
        body_state = set(start)
        test_part, forward_body, adjoint_body = self.block_parts(body, body_state, loop, carried, n_test)
        # every reversed iteration must leave for the one before what it found
        for name in sorted(start - body_state):
            adjoint_body.append(ir.Assign(Name(self.adjoint(name)), self.zero(name), origin=origin))

        bindings, flows, target, iterable = self.reversed_iteration(stmt, count)
        loop.defs |= {b.target.id for b in flows}
        for binding in reversed(flows):  # x = xs[k]: x's adjoint goes back to xs_bar[k]
            adjoint_body += self.assign(ir.replace(binding, origin=stmt.origin), body_state, loop)

        # accumulators start at zero before the outermost loop they are outer to
        fresh = (set(active_carried) | loop.outer) - state
        if outer is not None:
            lifted = {n for n in fresh if n not in outer.defs}
            outer.outer |= lifted
            fresh -= lifted
        before = [ir.Assign(Name(self.adjoint(n)), self.zero(n), origin=origin) for n in sorted(fresh)]
        state |= loop.outer | set(active_carried)
        if schedule is not None:  # the tapes of one step live in its step_adjoint
            local, self.tapes.lists[tapes:] = self.tapes.lists[tapes:], []
            self.tapes.local += local
            forward, adjoint = self.checkpointed_loop(
                stmt,
                schedule[1],
                loop,
                forward_body,
                (bindings, flows, target, iterable),
                adjoint_body,
                local,
            )
            return forward, before + adjoint

        forward: list[ir.Stmt] = []
        if count is not None:
            forward.append(ir.Assign(count, Const(0), origin=stmt.origin))
            step = ir.Assign(count, Call(ir.ADD, (count, Const(1))), origin=stmt.origin)
        new_body = ([step] if count is not None else []) + forward_body
        if isinstance(stmt, ir.While):
            forward.append(ir.While(test_part, stmt.test, new_body, stmt.joins, origin=stmt.origin))
        else:
            forward.append(ir.For(stmt.target, stmt.iter, new_body, stmt.joins, origin=stmt.origin))
        reversed_loop = ir.For(target, iterable, bindings + adjoint_body, origin=origin)
        return forward, before + [reversed_loop]

    def reversed_iteration(self, stmt: ir.For | ir.While, count: Name | None):
        """The reversed loop's target and iterable, the bindings it starts its body with,
        and where each loop variable's adjoint goes: ``(name, sequence, index)``."""
        if isinstance(stmt, ir.While):
            return [], [], Name(self.pool.fresh("_")), Call(_builtin(builtins.range), (count,))
        it, target = stmt.iter, stmt.target
        if _is(it, builtins.reversed) and _is(it.args[0], builtins.range) and count is None:
            return [], [], target, it.args[0]  # the reverse of reversed(range(n)) is range(n)
        if _is(it, builtins.range):
            rng = Call(it.op, it.args, it.kwargs)
            if count is not None:
                rng = Call(ir.GETITEM, (rng, Call(ir.SLICE, (Const(None), count, Const(None)))))
            return [], [], target, Call(_builtin(builtins.reversed), (rng,))
        flows = []
        index = Name(self.pool.fresh("k"))
        self.kinds[index.id] = INT
        if _is(it, builtins.reversed) and _is(it.args[0], builtins.list):  # reversed(list(zip(...)))
            inner = it.args[0].args[0]  # reversed again: forwards
            bindings = self.bind(target, inner, index, flows)
            if not flows and count is None:
                return [], [], target, inner
            length = _length(inner)
            bounds = (length,) if count is None else (Call(ir.SUB, (length, count)), length)
            return bindings, flows, index, Call(_builtin(builtins.range), bounds)
        if _is(it, builtins.reversed) and isinstance(it.args[0], (Name, ir.Ref)):  # reversed again: forwards
            seq = it.args[0]
            bindings = self.bind(target, seq, index, flows)
            length = Call(_builtin(builtins.len), (seq,))
            first = Call(ir.SUB, (length, count)) if count is not None else None
            if not flows:
                part = (
                    seq
                    if first is None
                    else Call(ir.GETITEM, (seq, Call(ir.SLICE, (first, Const(None), Const(None)))))
                )
                return [], [], target, part
            bounds = (length,) if first is None else (first, length)
            return bindings, flows, index, Call(_builtin(builtins.range), bounds)
        bindings = self.bind(target, it, index, flows)
        if not flows:  # no adjoint goes back into the sequence: iterate it backwards
            seq = it if isinstance(it, (Name, ir.Ref)) else Call(_builtin(builtins.list), (it,))
            if count is not None:
                seq = Call(ir.GETITEM, (seq, Call(ir.SLICE, (Const(None), count, Const(None)))))
            return [], [], target, Call(_builtin(builtins.reversed), (seq,))
        indices = Call(_builtin(builtins.range), (count if count is not None else _length(it),))
        return bindings, flows, index, Call(_builtin(builtins.reversed), (indices,))

    def bind(self, target: Expr, it: Expr, index: Name, flows: list) -> list[ir.Stmt]:
        """``x = xs[k]`` for each loop variable, at index ``k`` of the iteration."""
        if _is(it, builtins.enumerate):
            start = dict(it.kwargs).get("start", it.args[1] if len(it.args) > 1 else Const(0))
            i, x = target.args
            first = index if isinstance(start, Const) and start.value == 0 else Call(ir.ADD, (index, start))
            return [ir.Assign(i, first)] + self.bind(x, it.args[0], index, flows)
        if _is(it, builtins.zip):
            return [s for t, a in zip(target.args, it.args) for s in self.bind(t, a, index, flows)]
        if _is(it, builtins.reversed) or _is(it, builtins.range):
            element = _element_at(it, index)
            return _unpack(target, element)
        element = Call(ir.GETITEM, (it, index))
        if not (isinstance(it, Name) and it.id in self.active):
            return _unpack(target, element)
        return self.bind_item(target, it, index, flows)

    def bind_item(self, target: Expr, seq: Name, index: Expr, flows: list) -> list[ir.Stmt]:
        """``x = xs[k]``, or for ``for W, b in params`` the item named and taken apart:
        ``params_item = params[k]``, ``W = params_item[0]``, ... Each binding a derivative
        flows through goes in ``flows``, to be reversed like any assignment."""
        element = Call(ir.GETITEM, (seq, index))
        if isinstance(target, Name):
            binding = ir.Assign(target, element)
            if target.id in self.active:
                flows.append(binding)
            return [binding]
        item = Name(self.pool.fresh(f"{seq.id}_item"))
        self.kinds[item.id] = self.kind_of_expr(element)
        self.active.add(item.id)
        binding = ir.Assign(item, element)
        flows.append(binding)
        out: list[ir.Stmt] = [binding]
        for j, part in enumerate(target.args):
            out += self.bind_item(part, item, Const(j), flows)
        return out


def _changed_in_place(stmt: ir.Stmt) -> list[str]:
    """The list ``xs.append(v)`` grows, the array ``y[i] = v`` or ``np.add.at(y, i, v)`` changes:
    not assigned, but changed by the loop all the same (their adjoints come from outside it)."""
    if isinstance(stmt, ir.Effect) and (appends(stmt.value) or adds_at(stmt.value)):
        return [stmt.value.args[0].id]
    return [stmt.target.id] if isinstance(stmt, ir.SetItem) else []


def _read_values(stmt: ir.Stmt) -> set[str]:
    """The names ``stmt`` reads, but not the array ``y[i] = v`` or ``y[i] += v`` changes."""
    names = set(stmt.reads())
    if isinstance(stmt, ir.SetItem) and stmt.target.id not in set(ir.names_in(stmt.index)):
        if stmt.target.id not in set(ir.names_in(stmt.value)):
            names.discard(stmt.target.id)
    return names


def _element_at(it: Call, index: Name) -> Expr:
    if _is(it, builtins.range):
        return Call(ir.GETITEM, (it, index))
    seq = it.args[0]
    return Call(ir.GETITEM, (seq, Call(ir.SUB, (Call(ir.NEG, (index,)), Const(1)))))


def _unpack(target: Expr, element: Expr) -> list[ir.Stmt]:
    if isinstance(target, Name):
        return [ir.Assign(target, element)]
    return [s for i, t in enumerate(target.args) for s in _unpack(t, Call(ir.GETITEM, (element, Const(i))))]


def _length(it: Expr) -> Expr:
    if _is(it, builtins.enumerate) or _is(it, builtins.reversed) or _is(it, builtins.list):
        return _length(it.args[0])
    if _is(it, builtins.zip):
        return Call(_builtin(builtins.min), tuple(_length(a) for a in it.args))
    return Call(_builtin(builtins.len), (it,))


def _is(e: Expr, fn) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and e.op.fn is fn


def _builtin(fn) -> ir.Op:
    iterator = fn in (builtins.reversed, builtins.enumerate, builtins.zip)  # used up once iterated
    return ir.call_op(fn, fn.__name__, not iterator, canonical=True)
