"""Reversing loops, and the tape: what each iteration keeps for the adjoint.

A loop is reversed by a loop over the same iterations, backwards. Its body's
adjoint reads primal values that the next iteration overwrote; at the start
of each reversed iteration (or branch) they are restored:

- a value that is cheap to compute again (arithmetic, elementwise NumPy,
  indexing) from values already there is recomputed;
- anything else is pushed on a tape, a list per value, after it is computed,
  and popped back;
- a loop's carried value (``x_1``, the state at the start of an iteration)
  is pushed at the start of the iteration.

For the logistic map, one float per step::

    x_1_tape = []                          for i in reversed(range(n)):
    x_1 = x                                    x_1 = x_1_tape.pop()
    for i in range(n):              ...        v1 = r * x_1
        x_1_tape.append(x_1)                   v2 = 1 - x_1
        v1 = r * x_1                           ...adjoint of the body...
        v2 = 1 - x_1
        x_2 = v1 * v2
        x_1 = x_2

A ``while`` loop, or a loop that may ``break``, counts its iterations; the
reversed loop runs that many times.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from .. import ir
from ..ir import Call, Const, Expr, Name, method_op
from ..ir.kinds import INT
from ..rules.registry import lookup
from .sweep import Sweep


class Tapes:
    """The tape lists of one derivative."""

    def __init__(self, rev: Sweep):
        self.rev = rev
        self.lists: list[str] = []

    @property
    def names(self) -> set[str]:
        return set(self.lists)

    def new(self, value: str) -> str:
        tape = self.rev.pool.fresh(f"{value}_tape")
        self.lists.append(tape)
        return tape

    def initial(self) -> list[ir.Stmt]:
        return [ir.Assign(Name(t), Call(ir.LIST, ())) for t in self.lists]

    def private_copies(self, forward: list[ir.Stmt], sweep: list[ir.Stmt]) -> list[ir.Stmt]:
        """A pullback may run more than once: it pops from copies of the tapes, and
        starts from the primal values as the forward sweep left them."""
        assigned = {w for s in ir.walk(sweep) for w in s.writes()}
        primal = {w for s in ir.walk(forward) for w in s.writes()}
        shared = sorted(
            (assigned & primal) | (set(self.lists) & {r for s in ir.walk(sweep) for r in s.reads()})
        )
        if not shared:
            return sweep
        mapping = {n: self.rev.pool.fresh(f"{n}_final") for n in shared}
        for n, final in mapping.items():
            forward.append(ir.Assign(Name(final), Name(n)))
        start = []
        for n in shared:
            value = Call(method_op("copy"), (Name(mapping[n]),)) if n in self.lists else Name(mapping[n])
            start.append(ir.Assign(Name(n), value))
        return start + sweep

    # restoring what a reversed block reads -------------------------------------
    def restore(
        self,
        stmts: list[ir.Stmt],
        parts: list[list[ir.Stmt]],
        adjoint: list[ir.Stmt],
        loop: Loop,
        carried: list[str],
        floor: int = 0,
    ) -> tuple[list, list, list]:
        """Push what the adjoint of this block reads, and restore it at the block's reversed start.

        Returns the forward statements of ``stmts[:floor]`` (a while loop's test,
        which runs once more than the body: nothing is pushed there), those of
        the rest, and the adjoint statements."""
        owners = _owners(stmts, self.rev.defines)
        enclosing = loop
        while enclosing is not None:  # a copy to a loop's join name ends an iteration: not a value here
            for name in enclosing.carried:
                owners.pop(name, None)
            enclosing = enclosing.parent
        for name in carried:  # the value the adjoint of an iteration reads is the one it started with
            owners[name] = -1
        needed = {n for n in _reads(adjoint) if n in owners}
        rotated = _rotations(stmts, loop, carried, owners, needed, self.rev) if carried else {}
        recompute: dict[str, ir.Assign] = {}
        store: list[str] = []
        for name in sorted(needed - set(rotated), key=lambda n: (owners[n], n)):
            self._plan(name, stmts, owners, set(rotated), recompute, store)
        before: dict[int, list[ir.Stmt]] = {}  # pushes before part j
        pops: list[ir.Stmt] = []
        for name in store:
            tape = self.new(name)
            j = max(owners[name] + 1, floor)
            origin = stmts[min(j, len(stmts) - 1)].origin if stmts else None
            value = Name(name)
            if name in self.rev.mutated:  # the array changes in place later: keep it as it is now
                value = Call(method_op("copy"), (value,))
            push = ir.Effect(Call(method_op("append"), (Name(tape), value)), origin=origin)
            before.setdefault(j, []).append(push)
            pops.append(ir.Assign(Name(name), Call(method_op("pop"), (Name(tape),)), origin=_adjoint(origin)))
        test = [s for part in parts[:floor] for s in part]
        body: list[ir.Stmt] = []
        for j in range(floor, len(parts) + 1):
            body += before.get(j, []) + (parts[j] if j < len(parts) else [])
        again = []
        renames: dict[str, Expr] = {}  # a temporary computed again gets a name of its own
        for name in sorted(recompute, key=lambda n: (owners[n], n)):
            stmt = recompute[name]
            target = stmt.target
            if name in self.rev.fn.temps:
                target = Name(self.rev.pool.temp() if _is_temp_name(name) else self.rev.pool.fresh(name))
                if name in self.rev.kinds:
                    self.rev.kinds[target.id] = self.rev.kinds[name]
                self.rev.temps.add(target.id)
                renames[name] = target
            copy = ir.Assign(target, ir.substitute(stmt.value, renames), origin=_adjoint(stmt.origin))
            copy.recomputed = True  # type: ignore[attr-defined]
            again.append(copy)
        if renames:
            adjoint = _renamed(adjoint, renames)
        rotations = [
            ir.Assign(Name(value), Name(c), origin=_adjoint(stmts[owners[value]].origin))
            for value, c in rotated.items()
        ]
        return test, body, rotations + pops + again + adjoint

    def _plan(
        self,
        name: str,
        stmts: list[ir.Stmt],
        owners: dict[str, int],
        rotated: set[str],
        recompute: dict[str, ir.Assign],
        store: list[str],
    ) -> None:
        """Recompute ``name`` if that is cheap and its inputs are there; else store it."""
        if name in recompute or name in store or name in rotated:
            return
        stmt = stmts[owners[name]] if owners[name] >= 0 else None
        if (
            isinstance(stmt, ir.Assign)
            and stmt.target.id == name
            and name not in self.rev.multi
            and (_cheap(stmt.value, self.rev.mutated))
        ):
            for dep in ir.names_in(stmt.value):
                if dep in owners and owners[dep] < owners[name]:
                    self._plan(dep, stmts, owners, rotated, recompute, store)
            recompute[name] = stmt
            return
        store.append(name)


def _rotations(
    stmts: list[ir.Stmt],
    loop: Loop,
    carried: list[str],
    owners: dict[str, int],
    needed: set[str],
    rev: Sweep,
) -> dict[str, str]:
    """Values an iteration hands to the next one, that its adjoint reads: ``{x_2: x_1}``.

    ``x_1 = x_2`` ends the iteration, so the reversed iteration finds ``x_2`` in
    ``x_1`` before popping ``x_1``: the value the later iteration started with,
    or for the last iteration the value the loop ended with. Not in a loop that
    may break (its last iteration may not end with the copy)."""
    if _has_break(loop.stmt.body):
        return {}
    out: dict[str, str] = {}
    for stmt in stmts:
        if (
            isinstance(stmt, ir.Assign)
            and not stmt.accumulate
            and stmt.target.id in carried
            and stmt.target.id in needed
            and isinstance(stmt.value, Name)
        ):
            value = stmt.value.id
            if (
                value in needed
                and owners.get(value, -1) >= 0
                and value not in carried
                and value not in rev.mutated
                and value not in rev.multi
                and value not in out
            ):
                out[value] = stmt.target.id
    return out


def _is_temp_name(name: str) -> bool:
    return name[:1] == "v" and name[1:].isdigit()


def _renamed(stmts: list[ir.Stmt], mapping: dict[str, Expr]) -> list[ir.Stmt]:
    """``stmts`` reading ``mapping``'s values for its names (nested blocks too)."""

    def stmt(s: ir.Stmt) -> ir.Stmt:
        fields = {
            f: ir.substitute(getattr(s, f), mapping)
            for f in ("value", "test", "msg", "index", "iter")
            if isinstance(getattr(s, f, None), Expr)
        }
        new = ir.replace(s, **fields) if fields else s
        for marker in ("recomputed", "restore_of"):
            if hasattr(s, marker):
                setattr(new, marker, getattr(s, marker))
        return ir.with_blocks(new, lambda b: [stmt(x) for x in b])

    return [stmt(s) for s in stmts]


def _adjoint(origin: ir.Origin | None) -> ir.Origin | None:
    return ir.replace(origin, adjoint=True) if origin else None


def _owners(stmts: list[ir.Stmt], defines: dict[int, list[str]]) -> dict[str, int]:
    """The names a block defines for what follows it, and the index of the statement
    that last defines them (a compound statement defines its joins; a loop may define
    the counter of its iterations, and a call its pullback)."""
    owners: dict[str, int] = {}
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ir.Assign):
            owners[stmt.target.id] = i
        elif isinstance(stmt, ir.Unpack):
            owners.update({t.id: i for t in stmt.targets})
        for join in getattr(stmt, "joins", ()):
            owners[join] = i
        for name in defines.get(id(stmt), ()):
            owners[name] = i
    return owners


def _reads(stmts: list[ir.Stmt]) -> set[str]:
    out: set[str] = set()
    for stmt in ir.walk(stmts):
        out.update(stmt.reads())
        if isinstance(stmt, (ir.For, ir.While)):
            out.update(ir.names_in(stmt.iter) if isinstance(stmt, ir.For) else ())
    return out


_CHEAP_FORMS = {"binary", "unary", "compare", "attr", "tuple", "slice", "boolop", "ifexp"}


def _cheap(value: Expr, mutated: set[str]) -> bool:
    """Arithmetic, elementwise functions and indexing: as cheap to redo as to store."""
    if not isinstance(value, Call):
        return True
    if value.op.form == "binary" and value.op.symbol == "@":
        return False
    if value.op is ir.GETITEM:
        base = value.args[0]
        return not (isinstance(base, Name) and base.id in mutated) and all(
            _cheap(c, mutated) for c in value.children()
        )
    if value.op.form in _CHEAP_FORMS:
        return all(_cheap(c, mutated) for c in value.children())
    if value.op.form == "call":
        rule = lookup(value.op)
        return rule is not None and rule.elementwise and all(_cheap(c, mutated) for c in value.children())
    return False


# ------------------------------------------------------------------------ loops


def _has_break(stmts: list[ir.Stmt]) -> bool:
    for stmt in stmts:
        if isinstance(stmt, ir.Break):
            return True
        if isinstance(stmt, ir.If) and (_has_break(stmt.body) or _has_break(stmt.orelse)):
            return True
    return False


def reverse_loop(
    rev: Sweep, stmt: ir.For | ir.While, state: set[str], outer: Loop | None
) -> tuple[list, list]:
    defs = {w for s in ir.walk([stmt]) for w in s.writes()}
    if isinstance(stmt, ir.For):
        defs |= set(ir.names_in(stmt.target))
    if not defs & rev.active:
        return [stmt], []  # nothing in the loop needs a derivative
    carried = list(stmt.joins)
    loop = Loop(stmt, defs, carried, parent=outer)
    origin = _adjoint(stmt.origin)

    counting = isinstance(stmt, ir.While) or _has_break(stmt.body)
    count = Name(rev.pool.fresh("iterations")) if counting else None
    if count is not None:
        rev.kinds[count.id] = INT
        rev.defines.setdefault(id(stmt), []).append(count.id)

    n_test = len(stmt.test_body) if isinstance(stmt, ir.While) else 0
    body = (stmt.test_body if isinstance(stmt, ir.While) else []) + stmt.body
    active_carried = [c for c in carried if c in rev.active]
    for name in active_carried:
        rev.adjoint(name)  # it has an adjoint from the start of each reversed iteration
    start = set(state) | set(active_carried)
    body_state = set(start)
    test_part, forward_body, adjoint_body = rev.block_parts(body, body_state, loop, carried, n_test)
    # every reversed iteration must leave for the one before what it found
    for name in sorted(start - body_state):
        adjoint_body.append(ir.Assign(Name(rev.adjoint(name)), rev.zero(name), origin=origin))

    bindings, flows, target, iterable = _reversed_iteration(rev, stmt, count)
    if isinstance(stmt, ir.For):
        for t, seq, index in flows:
            if t in body_state:
                adjoint_body += rev.contribute_at(seq, index, Name(rev.bar[t]), stmt.origin, body_state, loop)

    # accumulators start at zero before the outermost loop they are outer to
    fresh = (set(active_carried) | loop.outer) - state
    if outer is not None:
        lifted = {n for n in fresh if n not in outer.defs}
        outer.outer |= lifted
        fresh -= lifted
    before = [ir.Assign(Name(rev.adjoint(n)), rev.zero(n), origin=origin) for n in sorted(fresh)]
    state |= loop.outer | set(active_carried)

    forward: list[ir.Stmt] = []
    if count is not None:
        forward.append(ir.Assign(count, Const(0), origin=stmt.origin))
        step = ir.Assign(count, Call(ir.ADD, (count, Const(1))), origin=stmt.origin)
    if isinstance(stmt, ir.While):
        new_body = ([step] if count is not None else []) + forward_body
        forward.append(ir.While(test_part, stmt.test, new_body, stmt.joins, origin=stmt.origin))
    else:
        new_body = ([step] if count is not None else []) + forward_body
        forward.append(ir.For(stmt.target, stmt.iter, new_body, stmt.joins, origin=stmt.origin))
    reversed_loop = ir.For(target, iterable, bindings + adjoint_body, origin=origin)
    return forward, before + [reversed_loop]


def _reversed_iteration(rev: Sweep, stmt: ir.For | ir.While, count: Name | None):
    """The reversed loop's target and iterable, the bindings it starts its body with,
    and where each loop variable's adjoint goes: ``(name, sequence, index)``."""
    if isinstance(stmt, ir.While):
        return [], [], Name(rev.pool.fresh("_")), Call(_builtin(builtins.range), (count,))
    it, target = stmt.iter, stmt.target
    if _is(it, builtins.reversed) and _is(it.args[0], builtins.range) and count is None:
        return [], [], target, it.args[0]  # the reverse of reversed(range(n)) is range(n)
    if _is(it, builtins.range):
        rng = Call(it.op, it.args, it.kwargs)
        if count is not None:
            rng = Call(ir.GETITEM, (rng, Call(ir.SLICE, (Const(None), count, Const(None)))))
        return [], [], target, Call(_builtin(builtins.reversed), (rng,))
    flows = []
    index = Name(rev.pool.fresh("k"))
    rev.kinds[index.id] = INT
    if _is(it, builtins.reversed) and isinstance(it.args[0], (Name, ir.Ref)):  # reversed again: forwards
        seq = it.args[0]
        bindings = _bind(target, seq, index, rev, flows)
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
    bindings = _bind(target, it, index, rev, flows)
    if not flows:  # no adjoint goes back into the sequence: iterate it backwards
        seq = it if isinstance(it, (Name, ir.Ref)) else Call(_builtin(builtins.list), (it,))
        if count is not None:
            seq = Call(ir.GETITEM, (seq, Call(ir.SLICE, (Const(None), count, Const(None)))))
        return [], [], target, Call(_builtin(builtins.reversed), (seq,))
    n = count if count is not None else _length(it)
    return bindings, flows, index, Call(_builtin(builtins.reversed), (Call(_builtin(builtins.range), (n,)),))


def _bind(target: Expr, it: Expr, index: Name, rev: Sweep, flows: list) -> list[ir.Stmt]:
    """``x = xs[k]`` for each loop variable, at index ``k`` of the iteration."""
    if _is(it, builtins.enumerate):
        start = dict(it.kwargs).get("start", it.args[1] if len(it.args) > 1 else Const(0))
        i, x = target.args
        first = index if isinstance(start, Const) and start.value == 0 else Call(ir.ADD, (index, start))
        return [ir.Assign(i, first)] + _bind(x, it.args[0], index, rev, flows)
    if _is(it, builtins.zip):
        return [s for t, a in zip(target.args, it.args) for s in _bind(t, a, index, rev, flows)]
    if _is(it, builtins.reversed) or _is(it, builtins.range):
        element = _element_at(it, index)
        return _unpack(target, element)
    element = Call(ir.GETITEM, (it, index))
    if isinstance(target, Name) and target.id in rev.active and isinstance(it, Name) and it.id in rev.active:
        flows.append((target.id, it.id, index))
    return _unpack(target, element)


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
    if _is(it, builtins.enumerate) or _is(it, builtins.reversed):
        return _length(it.args[0])
    if _is(it, builtins.zip):
        return Call(_builtin(builtins.min), tuple(_length(a) for a in it.args))
    if _is(it, builtins.range):
        return Call(_builtin(builtins.len), (it,))
    return Call(_builtin(builtins.len), (it,))


def _is(e: Expr, fn) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and e.op.fn is fn


def _builtin(fn) -> ir.Op:
    iterator = fn in (builtins.reversed, builtins.enumerate, builtins.zip)  # used up once iterated
    return ir.call_op(fn, fn.__name__, not iterator, canonical=True)


@dataclass
class Loop:
    """What reversing a loop needs to know while its body is reversed."""

    stmt: ir.For | ir.While
    defs: set[str]  # every name assigned inside the loop
    carried: list[str]  # join names of its carried variables
    outer: set[str] = field(default_factory=set)  # adjoints of outer names the body adds to
    parent: Loop | None = None
