"""Copy propagation: a name that only copies another value is read as that value.

Rule templates and the reverse sweep write a name for every intermediate
adjoint (``v4_bar = v5_bar``, ``v5_bar = 1.0``); each such copy is one more line
for a reader to follow. ``propagate`` replaces the reads of a name assigned
once from a name, a constant or a reference by what it copies, and simplifies
the expressions it rewrites (so ``1.0 * e`` is ``e``):

>>> from s2sad.simplify.examples import run
>>> print(run(propagate, '''
... v5_bar = 1.0
... v4_bar = v5_bar
... x_bar = v4_bar * math.cos(x)
... return x_bar
... '''))
x_bar = math.cos(x)
return x_bar

A copy of a name that changes later is propagated only up to that change, and
only where every read comes before it. ``rename_into_results`` runs first: a
gradient keeps its own name rather than the name of the temporary it copies

>>> print(run(rename_into_results, '''
... v1_bar = 2.0 * x
... x_bar = v1_bar
... return as_gradient(x_bar, x)
... '''))
x_bar = 2.0 * x
return as_gradient(x_bar, x)
"""

from __future__ import annotations

from collections import Counter

from .. import ir
from ..ir import Const, Expr, Name, Ref
from .facts import all_writes, read_counts
from .state import State


def rename_into_results(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``v1_bar = ...; x_bar = v1_bar``  ->  ``x_bar = ...``: a gradient keeps its name."""
    counts = state.assignments(body)
    reads: Counter = Counter()
    assigned: set[str] = set()  # by an assignment or an unpacking, which `renamed` can rename
    for stmt in ir.walk(body):
        reads.update(stmt.reads())
        if isinstance(stmt, ir.Assign):
            assigned.add(stmt.target.id)
        elif isinstance(stmt, ir.Unpack):
            assigned.update(t.id for t in stmt.targets)
    renames: dict[str, str] = {}
    for stmt in ir.walk(body):
        if (
            isinstance(stmt, ir.Assign)
            and not stmt.accumulate
            and stmt.target.id in state.results
            and isinstance(stmt.value, Name)
            and stmt.value.id in state.temps
            and stmt.value.id in assigned
            and reads[stmt.value.id] == 1
            and counts[stmt.value.id] == 1
            and counts[stmt.target.id] == 1
        ):
            renames[stmt.value.id] = stmt.target.id
    if not renames:
        return body
    mapping = {old: Name(new) for old, new in renames.items()}

    def the_copy(stmt: ir.Stmt) -> bool:
        return (
            isinstance(stmt, ir.Assign)
            and isinstance(stmt.value, Name)
            and renames.get(stmt.value.id) == stmt.target.id
        )

    def renamed(stmt: ir.Stmt) -> ir.Stmt:
        stmt = state.rewrite(stmt, mapping)
        if isinstance(stmt, ir.Assign) and stmt.target.id in renames:
            stmt = ir.Assign(Name(renames[stmt.target.id]), stmt.value, stmt.accumulate, origin=stmt.origin)
        if isinstance(stmt, ir.Unpack) and any(t.id in renames for t in stmt.targets):
            targets = tuple(Name(renames.get(t.id, t.id)) for t in stmt.targets)
            stmt = ir.Unpack(targets, stmt.value, origin=stmt.origin)
        return stmt

    return ir.map_blocks(body, lambda stmts: [renamed(s) for s in stmts if not the_copy(s)])


def propagate(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Reads of a copy ``a = b`` (``b`` a name, a constant or a reference) read ``b``."""
    counts = state.assignments(body)
    reads = read_counts(body)

    def single(e: Expr) -> bool:
        return not isinstance(e, Name) or counts[e.id] == 1

    def read_before_rewritten(name: str, source: str, rest: list[ir.Stmt]) -> bool:
        """``name = source``, and every read of ``name`` comes before ``source`` changes."""
        for j, stmt in enumerate(rest):
            if source in all_writes(stmt):
                simple = isinstance(stmt, (ir.Assign, ir.SetItem))
                before = rest[: j + 1] if simple else rest[:j]
                later = any(isinstance(d, ir.Def) for d in ir.walk(before))  # runs after
                return not later and read_counts(before)[name] == reads[name]
        return True

    def block(stmts: list[ir.Stmt], mapping: dict[str, Expr]) -> list[ir.Stmt]:
        out = []
        stmts = _drop_copies_back(stmts)
        until: dict[str, list[str]] = {}  # a copy's source -> the copies that end when it is written
        later = read_counts(stmts)  # reads in the statements after the current one
        last_write = {n: i for i, s in enumerate(stmts) for n in all_writes(s)}  # one scan, not one a copy
        for i, stmt in enumerate(stmts):
            for inner in ir.walk([stmt]):
                for n in inner.reads():
                    later[n] -= 1
            stmt = state.rewrite(stmt, mapping)
            for written in all_writes(stmt) & set(until):
                for name in until.pop(written):
                    mapping.pop(name, None)
            if (
                isinstance(stmt, ir.Assign)
                and not stmt.accumulate
                and counts[stmt.target.id] == 1
                and (isinstance(stmt.value, (Name, Const, Ref)) or _negated_constant(stmt.value))
                and stmt.target.id not in state.results
            ):
                source = stmt.value
                rest = stmts[i + 1 :]
                if later[stmt.target.id] != reads[stmt.target.id]:
                    pass  # read after this block too, where the mapping does not reach
                elif single(source) or last_write.get(source.id, -1) <= i:
                    mapping[stmt.target.id] = source
                    continue
                elif read_before_rewritten(stmt.target.id, source.id, rest):
                    mapping[stmt.target.id] = source
                    until.setdefault(source.id, []).append(stmt.target.id)
                    continue
            if isinstance(stmt, ir.Assign) and stmt.value == stmt.target and not stmt.accumulate:
                continue  # x = x
            out.append(ir.with_blocks(stmt, lambda b: block(b, dict(mapping))))
        return out

    return block(body, {})


def _negated_constant(e: Expr) -> bool:
    """``-np.inf``, ``-np.pi``: a constant, written where it is used, as the user wrote it."""
    return isinstance(e, ir.Call) and e.op is ir.NEG and isinstance(e.args[0], (Const, Ref))


def _drop_copies_back(stmts: list[ir.Stmt], equal: frozenset = frozenset()) -> list[ir.Stmt]:
    """``a = b; ...; b = a`` with neither written in between: the second copy changes nothing.

    ``equal`` holds the pairs of names known to be equal at the start of the
    block. The branches of an ``if`` start with what holds before it; a loop body
    does not (it also starts after its own last iteration)."""
    partners: dict[str, set[str]] = {}  # the pairs, by each of their names: a write ends them in one step
    for pair in equal:
        a, b = pair
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    out: list[ir.Stmt] = []
    for stmt in stmts:
        copy = isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate
        if copy and (stmt.value.id == stmt.target.id or stmt.value.id in partners.get(stmt.target.id, ())):
            continue
        if isinstance(stmt, ir.If):
            now = frozenset(frozenset((a, b)) for a, bs in partners.items() for b in bs)
            stmt = ir.replace(
                stmt, body=_drop_copies_back(stmt.body, now), orelse=_drop_copies_back(stmt.orelse, now)
            )
        for name in all_writes(stmt):
            for other in partners.pop(name, ()):
                partners[other].discard(name)
        if copy:
            partners.setdefault(stmt.value.id, set()).add(stmt.target.id)
            partners.setdefault(stmt.target.id, set()).add(stmt.value.id)
        out.append(stmt)
    return out
