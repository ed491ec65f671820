"""The tape: what each iteration of a loop keeps for the adjoint sweep.

A reversed loop body's adjoint reads primal values that the next iteration
overwrote; at the start of each reversed iteration (or branch) they are
restored:

- a value that is cheap to compute again (arithmetic, elementwise NumPy,
  indexing) from values already there is recomputed;
- anything else is pushed on a tape, a list per value, after it is computed,
  and popped back; an array the block changes in place is pushed as the block
  leaves it (after its last change), since the reversed block puts the old
  slots back as it passes each change, and nothing read from it is recomputed;
- a loop's carried value (``x_1``, the state at the start of an iteration)
  is pushed at the start of the iteration, unless the iteration hands it on
  unchanged: the reversed iteration then finds it in the carried name, which
  it *rotates* back.

For the logistic map, one float per step; ``v1`` and ``v2`` are cheap, and are
computed again from ``x_1`` (as ``v3`` and ``v4``: a temporary computed again
gets a name of its own). ``loops`` reverses the loop itself:

>>> from s2sad.derive.examples import show
>>> def f(x, r, n):
...     for i in range(n):
...         x = r * x * (1 - x)
...     return x
>>> show(f)
def f_grad(x, r, n):
    x_1_tape = []
    x_1 = x
    for i in range(n):
        x_1_tape.append(x_1)
        v1 = r * x_1
        v2 = 1 - x_1
        x_2 = v1 * v2
        x_1 = x_2
    x_1_bar = 1.0
    for i in reversed(range(n)):
        x_1 = x_1_tape.pop()
        v3 = r * x_1
        v4 = 1 - x_1
        x_2_bar = x_1_bar
        v1_bar = x_2_bar * v4
        v2_bar = x_2_bar * v3
        x_1_bar = -v2_bar
        x_1_bar += v1_bar * r
    x_bar = x_1_bar
    return as_gradient(x_bar, x)
<BLANKLINE>

Outside loops every primal value is still a local variable when the adjoint
needs it, and nothing is kept.
"""

from __future__ import annotations

from .. import ir
from ..analysis.activity import adds_at, appends
from ..analysis.activity import pops as pops_a_list
from ..ir import Call, Const, Expr, Name, method_op
from ..rules.registry import lookup
from .adjoints import Adjoints, Loop, adjoint_origin


class Tapes:
    """The tape lists of one derivative."""

    def __init__(self, rev: Adjoints):
        self.rev = rev
        self.lists: list[str] = []
        self.local: list[str] = []  # the tapes of a checkpointed loop's step, made in the step

    @property
    def names(self) -> set[str]:
        return set(self.lists) | set(self.local)

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
            value: Expr = Name(n)
            bound = self.rev.bound_when(n)
            if bound is not None:  # assigned in one branch only: y_final = y if v2 else None
                tests = [
                    Name(flag) if sense else Call(ir.UNARY["not"], (Name(flag),)) for flag, sense in bound
                ]
                test = tests[0]
                for more in tests[1:]:  # `and` looks at an inner flag only where the outer ones hold
                    test = Call(ir.AND, (test, more))
                value = Call(ir.IFEXP, (test, Name(n), Const(None)))
            forward.append(ir.Assign(Name(final), value))
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
        test = [s for part in parts[:floor] for s in part]
        body, pops = self._pushed(stmts, parts, store, owners, floor)
        again, renames = self._recomputed(recompute, owners)
        if renames:
            adjoint = _renamed(adjoint, renames)
        rotations = [
            ir.Assign(Name(value), Name(c), origin=adjoint_origin(stmts[owners[value]].origin))
            for value, c in rotated.items()
        ]
        return test, body, rotations + pops + again + adjoint

    def _pushed(
        self,
        stmts: list[ir.Stmt],
        parts: list[list[ir.Stmt]],
        store: list[str],
        owners: dict[str, int],
        floor: int,
    ) -> tuple[list[ir.Stmt], list[ir.Stmt]]:
        """The forward statements of ``parts[floor:]`` with a push after each stored value is
        computed, and the pops that restore them."""
        before: dict[int, list[ir.Stmt]] = {}  # pushes before part j
        pops: list[ir.Stmt] = []
        for name in store:
            tape = self.new(name)
            j = max(owners[name] + 1, floor)
            # an array changed in place is kept as the block leaves it: the reversed block
            # puts the old slots back as it passes the changes
            j = max([j] + [i + 1 for i, s in enumerate(stmts) if name in _changed([s])])
            origin = stmts[min(j, len(stmts) - 1)].origin if stmts else None
            value = Name(name)
            if name in self.rev.mutated:  # the array may change in place again: keep it as it is now
                value = Call(method_op("copy"), (value,))
            origin = stmts[min(j, len(stmts) - 1)].origin if stmts else None
            push = ir.Effect(Call(method_op("append"), (Name(tape), value)), origin=origin)
            before.setdefault(j, []).append(push)
            pop = Call(method_op("pop"), (Name(tape),))
            pops.append(ir.Assign(Name(name), pop, origin=adjoint_origin(origin)))
        body: list[ir.Stmt] = []
        for j in range(floor, len(parts) + 1):
            body += before.get(j, []) + (parts[j] if j < len(parts) else [])
        return body, pops

    def _recomputed(
        self, recompute: dict[str, ir.Assign], owners: dict[str, int]
    ) -> tuple[list[ir.Stmt], dict[str, Expr]]:
        """The statements that compute values again, in order, and the new names of the
        temporaries among them (a temporary computed again gets a name of its own)."""
        again = []
        renames: dict[str, Expr] = {}
        for name in sorted(recompute, key=lambda n: (owners[n], n)):
            stmt = recompute[name]
            target = stmt.target
            if name in self.rev.fn.temps:
                target = Name(self.rev.pool.temp() if _is_temp_name(name) else self.rev.pool.fresh(name))
                if name in self.rev.kinds:
                    self.rev.kinds[target.id] = self.rev.kinds[name]
                self.rev.temps.add(target.id)
                renames[name] = target
            copy = ir.Assign(target, ir.substitute(stmt.value, renames), origin=adjoint_origin(stmt.origin))
            copy.recomputed = True  # type: ignore[attr-defined]
            again.append(copy)
        return again, renames

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
            and _cheap(stmt.value, self.rev.mutated)
            and not ({name, *ir.names_in(stmt.value)} & _changed(stmts))  # changed after it is made
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
    rev: Adjoints,
) -> dict[str, str]:
    """Values an iteration hands to the next one, that its adjoint reads: ``{x_2: x_1}``.

    ``x_1 = x_2`` ends the iteration, so the reversed iteration finds ``x_2`` in
    ``x_1`` before popping ``x_1``: the value the later iteration started with,
    or for the last iteration the value the loop ended with. Not in a loop that
    may break (its last iteration may not end with the copy)."""
    if ir.breaks(loop.stmt.body):
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


def _changed_in(stmt: ir.Stmt) -> set[str]:
    """The lists and arrays a statement (or one nested in it) changes in place."""
    out = set()
    for s in ir.walk([stmt]):
        if isinstance(s, ir.SetItem):
            out.add(s.target.id)
        elif isinstance(s, ir.Effect) and (appends(s.value) or adds_at(s.value)):
            out.add(s.value.args[0].id)
    return out


def _is_temp_name(name: str) -> bool:
    return name[:1] == "v" and name[1:].isdigit()


def _renamed(stmts: list[ir.Stmt], mapping: dict[str, Expr]) -> list[ir.Stmt]:
    """``stmts`` reading ``mapping``'s values for its names (nested blocks too)."""

    def stmt(s: ir.Stmt) -> ir.Stmt:
        return ir.with_blocks(s.map_exprs(lambda e: ir.substitute(e, mapping)), block)

    def block(b: list[ir.Stmt]) -> list[ir.Stmt]:
        return [stmt(s) for s in b]

    return block(stmts)


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
        for join in stmt.joins if isinstance(stmt, (ir.If, ir.For, ir.While)) else ():
            owners[join] = i
        for name in defines.get(id(stmt), ()):
            owners[name] = i
    return owners


def _changed(stmts: list[ir.Stmt]) -> set[str]:
    """The arrays and lists the statements change in place (nested blocks included):
    ``xs.pop()`` too, so a list is kept as it is after its last pop, as it is where no
    tape restores it."""
    out = set()
    for stmt in ir.walk(stmts):
        if isinstance(stmt, ir.SetItem):
            out.add(stmt.target.id)
        elif isinstance(stmt, ir.Effect) and (adds_at(stmt.value) or appends(stmt.value)):
            out.add(stmt.value.args[0].id)
        elif isinstance(stmt, ir.Assign) and pops_a_list(stmt.value):
            out.add(stmt.value.args[0].id)
    return out


def _reads(stmts: list[ir.Stmt]) -> set[str]:
    """Every name the statements read, nested blocks included."""
    return {name for stmt in ir.walk(stmts) for name in stmt.reads()}


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
