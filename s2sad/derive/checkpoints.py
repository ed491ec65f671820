"""Checkpointing: loops reversed by the binomial schedule, calls whose values are recomputed.

A loop ``for t in checkpoint(range(n)):`` runs forward as written, without a
tape, keeping only the state it starts from. Its reverse is two functions and
a call: ``step``, the loop's body, and ``step_adjoint``, the body with its tape
followed by its adjoint, which takes the adjoints of the state after the step
(and of what the body reads from outside, which add up) and returns them from
before it. ``reverse_steps`` calls them in the order of Griewank and Walther's
binomial schedule (``s2sad.checkpointing``): at most ``snapshots`` copies of
the state, steps run again from them.

>>> from s2sad.checkpointing import checkpoint
>>> from s2sad.derive.examples import show
>>> def f(x, r, n):
...     for i in checkpoint(range(n), snapshots=2):
...         x = r * x * (1 - x)
...     return x
>>> show(f, wrt=("x", "r"))
def f_grad(x, r, n):
    x_1 = x
    start = x_1,
    for i in range(n):
        v1 = r * x_1
        v2 = 1 - x_1
        x_2 = v1 * v2
        x_1 = x_2
    x_1_bar = 1.0
    r_bar = 0.0
<BLANKLINE>
    def step(i, x_1):
        v1 = r * x_1
        v2 = 1 - x_1
        x_2 = v1 * v2
        x_1 = x_2
        return x_1,
<BLANKLINE>
    def step_adjoint(i, x_1, x_1_bar, r_bar):
        x_1_kept = x_1
        v1 = r * x_1
        v2 = 1 - x_1
        x_2 = v1 * v2
        x_1 = x_2
        x_1 = x_1_kept
        v3 = r * x_1
        v4 = 1 - x_1
        x_2_bar = x_1_bar
        v1_bar = x_2_bar * v4
        v2_bar = x_2_bar * v3
        x_1_bar = -v2_bar
        r_bar += v1_bar * x_1
        x_1_bar += v1_bar * r
        return x_1_bar, r_bar
    x_1_bar, r_bar = reverse_steps(step, step_adjoint, range(n), start, (x_1_bar, r_bar), snapshots=2)
    x_bar = x_1_bar
    return as_gradient(x_bar, x), as_gradient(r_bar, r)
<BLANKLINE>

A call ``checkpoint(f)(x)`` of the user's function stays a call in the
forward sweep; the adjoint sweep calls ``f``'s vjp from the arguments, which
computes ``f``'s forward values again, and its pullback.
"""

from __future__ import annotations

import builtins

from .. import ir
from ..analysis.activity import adds_at, appends
from ..analysis.aliases import makes_new_array
from ..checkpointing import checkpoint, reverse_steps
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name
from ..ir.kinds import NP_FLOAT, UNKNOWN
from .adjoints import Adjoints, Loop, adjoint_origin
from .sweep import adjoint_kind


def checkpointed(stmt: ir.Stmt) -> tuple[Expr, Expr] | None:
    """The iterable and the number of snapshots of ``for t in checkpoint(it, snapshots=s)``."""
    if not isinstance(stmt, ir.For):
        return None
    it = stmt.iter
    if not (isinstance(it, Call) and it.op.form == "call" and it.op.fn is checkpoint):
        return None
    return it.args[0], dict(it.kwargs).get("snapshots", Const(None))


def uses_checkpoint(fn: ir.Function) -> bool:
    """Whether ``fn`` has a checkpointed loop or call."""
    calls = any(isinstance(e, Call) and e.op.checkpointed for e in ir.walk_exprs(fn.body))
    return calls or any(checkpointed(s) for s in ir.walk(fn.body))


def unwrap_checkpoint(stmt: ir.For) -> ir.For:
    """The loop as it runs: over the iterable ``checkpoint`` hands back as it is."""
    found = checkpointed(stmt)
    return stmt if found is None else ir.replace(stmt, iter=found[0])


class Checkpoints(Adjoints):
    """The part of ``Reverse`` that reverses checkpointed loops and calls."""

    def check_checkpointed(self, stmt: ir.For, counting: bool) -> None:
        loc = ir.location(self.fn, stmt.origin)
        if counting:
            raise UnsupportedSyntaxError(
                "`break` in a checkpointed loop is not supported",
                loc,
                "Loop over the steps that run (a range of the right length), or drop checkpoint.",
            )
        # a list or array a step makes and changes is its own; one that lives across steps is not
        made = {
            s.target.id for s in ir.walk(stmt.body) if isinstance(s, ir.Assign) and makes_new_array(s.value)
        }
        for s in ir.walk(stmt.body):
            changed = s.target.id if isinstance(s, ir.SetItem) else None
            if isinstance(s, ir.Effect) and (appends(s.value) or adds_at(s.value)):
                changed = s.value.args[0].id
            if changed is not None and changed not in made:
                raise UnsupportedSyntaxError(
                    "a checkpointed loop that changes an array or a list in place is not supported",
                    ir.location(self.fn, s.origin) or loc,
                    "Compute new values in the loop (h = f(h)) instead of changing them in place, "
                    "or drop checkpoint.",
                )
            if isinstance(s, ir.Return):
                raise UnsupportedSyntaxError("`return` in a checkpointed loop is not supported", loc)

    def checkpointed_loop(
        self,
        stmt: ir.For,
        snapshots: Expr,
        loop: Loop,
        taped_body: list[ir.Stmt],
        iteration: tuple,
        adjoint_body: list[ir.Stmt],
        tapes: list[str],
    ) -> tuple[list, list]:
        """The forward loop untaped, keeping its start state; the adjoint sweep's
        ``step``, ``step_adjoint`` and the call to ``reverse_steps``."""
        origin = adjoint_origin(stmt.origin)
        bindings, flows, index, backwards = iteration
        items = stmt.iter
        if flows:  # x = xs[k]: the steps go by index, and x's adjoint goes back to xs_bar[k]
            if not (_is(backwards, builtins.reversed) and _is(backwards.args[0], builtins.range)):
                raise UnsupportedSyntaxError(
                    "this checkpointed loop over a sequence that is differentiated is not supported",
                    ir.location(self.fn, stmt.origin),
                    "Loop over its indices: `for t in checkpoint(range(len(xs))):` and read `xs[t]`.",
                )
            items = backwards.args[0]
        # the state: what the loop carries that a step reads (a variable each step assigns before
        # it reads it, or only for after the loop, starts nothing)
        read = {n for s in ir.walk(stmt.body) for n in s.reads()}
        carried = [c for c in stmt.joins if c in read]
        start = Name(self.pool.fresh("start"))
        self.kinds[start.id] = UNKNOWN
        self.temps.add(start.id)
        self.defines.setdefault(id(stmt), []).append(start.id)  # a loop around keeps it per iteration
        # a variable first bound in the loop has no value before it: None stands in
        inside = {id(s) for s in ir.walk(stmt.body)}
        bound = {w for s in ir.walk(self.fn.body) if id(s) not in inside for w in s.writes()}
        values = tuple(Name(c) if c in bound else Const(None) for c in carried)
        forward = [ir.Assign(start, Call(ir.TUPLE, values), origin=stmt.origin)]
        forward.append(stmt)

        item, unpack = (index, bindings) if flows else self.step_target(stmt.target)
        state_params = [ir.Param(c) for c in carried]
        returned = Call(ir.TUPLE, tuple(Name(c) for c in carried))
        step = ir.Function(
            self.pool.fresh("step"),
            [ir.Param(item.id)] + state_params,
            unpack + list(stmt.body) + [ir.Return(returned)],
            source=self.fn.source,
        )
        # the adjoints the body adds to from outside, and those of the state: in, and back out
        adjoints = set(self.bar.values())
        written = {w for s in ir.walk(adjoint_body) for w in s.writes() if w in adjoints}
        primal = {bar: p for p, bar in self.bar.items()}
        bars = [self.bar[c] for c in stmt.joins if c in self.active and c in self.bar]
        bars += sorted(w for w in written if primal[w] not in loop.defs and w not in bars)
        body, tapes = self.kept_in_names(taped_body + adjoint_body, tapes)
        local_tapes = [ir.Assign(Name(t), Call(ir.LIST, ())) for t in tapes]
        back = Call(ir.TUPLE, tuple(Name(b) for b in bars))
        step_adjoint = ir.Function(
            self.pool.fresh("step_adjoint"),
            [ir.Param(item.id)] + state_params + [ir.Param(b) for b in bars],
            local_tapes + unpack + body + [ir.Return(back)],
            source=self.fn.source,
        )
        helper = self.pool.fresh("reverse_steps")
        self.extra_cells[helper] = reverse_steps
        call = Call(
            ir.call_op(reverse_steps, helper, pure=False, canonical=True),
            (Name(step.name), Name(step_adjoint.name), items, start, back),
            () if isinstance(snapshots, Const) and snapshots.value is None else (("snapshots", snapshots),),
        )
        for b in bars:  # what the steps hand back: a NumPy float where a float came in
            k = self.kind_of(b).join(adjoint_kind(self.kinds.get(primal[b], UNKNOWN)))
            self.adjoint_kinds[b] = k.join(NP_FLOAT) if k.dims == () else k
        results = tuple(Name(b) for b in bars)
        run = ir.Unpack(results, call, origin=origin) if bars else ir.Effect(call, origin=origin)
        adjoint = [ir.Def(step, origin=origin), ir.Def(step_adjoint, origin=origin), run]
        if loop.parent is not None:  # the state as the reversed loop leaves it: where it started
            adjoint.append(ir.Unpack(tuple(Name(c) for c in carried), start, origin=origin))
        return forward, adjoint

    def kept_in_names(self, body: list[ir.Stmt], tapes: list[str]) -> tuple[list[ir.Stmt], list[str]]:
        """One step pushes a value once and pops it once, outside any inner loop: a name keeps
        it (``x_1_kept = x_1`` ... ``x_1 = x_1_kept``) instead of a list. The tapes left."""
        pushes = {t: [s for s in ir.walk(body) if _pushes(s, t)] for t in tapes}
        pops = {t: [s for s in ir.walk(body) if _pops(s, t)] for t in tapes}
        top = {id(s) for s in body}
        single = [
            t
            for t in tapes
            if len(pushes[t]) == len(pops[t]) == 1 and id(pushes[t][0]) in top and id(pops[t][0]) in top
        ]
        kept = {t: self.pool.fresh(f"{t.removesuffix('_tape')}_kept") for t in single}
        for t in single:
            self.temps.add(kept[t])
            self.kinds[kept[t]] = self.kinds.get(pops[t][0].target.id, UNKNOWN)
        out = []
        for s in body:
            t = next((t for t in single if s is pushes[t][0]), None)
            if t is not None:
                out.append(ir.Assign(Name(kept[t]), s.value.args[1], origin=s.origin))
                continue
            t = next((t for t in single if s is pops[t][0]), None)
            out.append(s if t is None else ir.replace(s, value=Name(kept[t])))
        self.tapes.local = [t for t in self.tapes.local if t not in kept]
        return out, [t for t in tapes if t not in kept]

    def step_target(self, target: Expr) -> tuple[Name, list[ir.Stmt]]:
        """The parameter ``step`` takes the item by, and the statements that take it apart."""
        if isinstance(target, Name):
            return target, []
        item = Name(self.pool.fresh("item"))
        self.kinds[item.id] = UNKNOWN

        def unpack(t: Expr, e: Expr) -> list[ir.Stmt]:
            if isinstance(t, Name):
                return [ir.Assign(t, e)]
            return [s for i, part in enumerate(t.args) for s in unpack(part, Call(ir.GETITEM, (e, Const(i))))]

        return item, unpack(target, item)

    def checkpointed_call(self, stmt: ir.Assign, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """``y = checkpoint(f)(x)``: ``f(x)`` in the forward sweep; in the adjoint sweep f's vjp
        from the same arguments (f's forward values computed again), then its pullback.

        y = f(x)                              (forward)
        _, y_pullback = f_vjp(x)              (adjoint)
        x_ct, = y_pullback(y_bar)
        """
        call = stmt.value
        _, positional, _, bound, kinds, _, head = self.recursive_call(stmt, self.callees.vjp_cell)
        y = stmt.target
        origin = adjoint_origin(stmt.origin)
        pullback = Name(self.pool.fresh(f"{y.id}_pullback"))
        again = Name(self.pool.fresh("_"))
        self.kinds[pullback.id] = UNKNOWN
        self.kinds[again.id] = self.kinds.get(y.id, UNKNOWN)
        self.temps.update((pullback.id, again.id))
        plain = Call(ir.call_op(call.op.fn, call.op.symbol, False, call.op.canonical), call.args, call.kwargs)
        forward = [ir.replace(stmt, value=plain)]
        vjp = Call(ir.call_op(None, head, pure=False, canonical=True), call.args, call.kwargs)
        adjoint: list[ir.Stmt] = [ir.Unpack((again, pullback), vjp, origin=origin)]
        cts = tuple(Name(self.pool.fresh(f"{p}_ct")) for p in positional)
        self.kinds.update({ct.id: adjoint_kind(kinds[p]) for ct, p in zip(cts, positional)})
        adjoint.append(ir.Unpack(cts, Call(ir.APPLY, (pullback, Name(self.bar[y.id]))), origin=origin))
        for ct, p in zip(cts, positional):
            arg = bound[p]
            if isinstance(arg, Name) and arg.id in self.active:
                adjoint += self.contribute(arg.id, ct, stmt.origin, state, loop)
        if y.id in self.multi:
            state.discard(y.id)
        self.temps.update(ct.id for ct in cts)
        return forward, adjoint


def _is(e: Expr, fn) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and e.op.fn is fn


def _pushes(s: ir.Stmt, tape: str) -> bool:
    """``tape.append(v)``."""
    v = s.value if isinstance(s, ir.Effect) else None
    return appends(v) and v.args[0].id == tape


def _pops(s: ir.Stmt, tape: str) -> bool:
    """``x = tape.pop()``."""
    v = s.value if isinstance(s, ir.Assign) else None
    return isinstance(v, Call) and v.op.form == "method" and v.op.symbol == "pop" and v.args == (Name(tape),)
