"""Common subexpressions: a part that rule templates repeat gets one name.

The adjoint of ``y = x / s`` spells ``x / s ** 2`` and its neighbours spell
``s ** 2`` again; a person computes it once. Within a block, the largest
expression that two statements evaluate (always, not in one branch of ``a if
c else b``) gets a new temporary, or the name of a statement that already
assigns exactly that:

>>> from s2sad.simplify.examples import run
>>> print(run(cse, '''
... x_bar = g / np.sqrt(s + 1.0)
... s_bar = -x / np.sqrt(s + 1.0)
... return [x_bar, s_bar]
... '''))
v1 = np.sqrt(s + 1.0)
x_bar = g / v1
s_bar = -x / v1
return [x_bar, s_bar]

Only names assigned once take part (the parts then mean the same wherever
they are), and only pure parts worth a name: not ``2 * x``, not ``x.T``. The
whole value of a name changed in place is its own array, never shared: the
adjoints ``a_bar`` and ``v_bar`` below each start from zeros of their own:

>>> import numpy as np
>>> print(run(cse, '''
... a_bar = np.zeros(a.shape)
... v_bar = np.zeros(a.shape)
... v_bar[0] += g
... a_bar += v_bar
... return a_bar
... ''', a=np.ones(3)))
a_bar = np.zeros(a.shape)
v_bar = np.zeros(a.shape)
v_bar[0] += g
a_bar += v_bar
return a_bar
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import ir
from ..ir import Call, Const, Expr, Name
from .facts import changed_in_place, pure, replace_in
from .state import State


def cse(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Name the parts that statements of one block repeat."""
    counts = state.assignments(body)
    changed = changed_in_place(body, state.kind_of)
    return ir.map_blocks(body, lambda stmts: _cse(stmts, counts, changed, state))


def _cse(stmts: list[ir.Stmt], counts: Counter, changed: set[str], state: State) -> list[ir.Stmt]:
    def owned(stmt: ir.Stmt) -> Expr | None:
        """The value of ``y = e`` where ``y`` changes in place: ``e`` is ``y``'s alone."""
        return stmt.value if isinstance(stmt, ir.Assign) and stmt.target.id in changed else None

    def replaced(stmt: ir.Stmt, target: Expr, name: Name) -> ir.Stmt:
        return stmt if owned(stmt) == target else replace_in(stmt, target, name)

    while True:
        seen: Counter = Counter()
        # a call too small to name (np.exp(x)) is still not computed twice where a name holds it
        held = {
            s.value
            for s in stmts
            if isinstance(s, ir.Assign) and not s.accumulate and counts[s.target.id] == 1 and owned(s) is None
        }
        for stmt in stmts:
            for e in stmt.exprs():
                for sub in _eager_subexpressions(e):
                    if sub is owned(stmt):
                        continue
                    worth = _worth_naming(sub) or sub in held and _worth_reading(sub)
                    if worth and all(counts[n] <= 1 for n in ir.names_in(sub)):
                        seen[sub] += 1
        repeated = [e for e, n in seen.items() if n > 1]
        if not repeated:
            return stmts
        target = max(repeated, key=ir.count_nodes)
        first = next(
            i
            for i, s in enumerate(stmts)
            if owned(s) != target and any(target in ir.subexpressions(v) for v in s.exprs())
        )
        holders = [
            i
            for i, s in enumerate(stmts)
            if i >= first
            and isinstance(s, ir.Assign)
            and s.value == target
            and not s.accumulate
            and counts[s.target.id] == 1
            and owned(s) is None
        ]
        if holders:
            # `mean = np.mean(x)` already names it: it moves up to the first use (what it reads
            # is there by then, and nothing reads its name before it), and the uses read `mean`
            holder = stmts.pop(holders[0])
            later = [replaced(s, target, holder.target) for s in stmts[first:]]
            stmts = stmts[:first] + [holder] + later
            continue
        name = Name(state.pool.temp())
        state.temps.add(name.id)
        state.kinds[name.id] = state.expr_kind(target)
        stmts = [replaced(s, target, name) for s in stmts]
        stmts.insert(first, ir.Assign(name, target, origin=stmts[first].origin))


def _eager_subexpressions(e: Expr) -> Iterator[Expr]:
    """Subexpressions always evaluated with ``e`` (not a branch of ``a if c else b``)."""
    yield e
    if isinstance(e, Call):
        children = list(e.children())
        if e.op is ir.IFEXP or e.op.form == "boolop":
            children = children[:1]
        for c in children:
            yield from _eager_subexpressions(c)


def _worth_naming(e: Expr) -> bool:
    if not isinstance(e, Call) or not pure(e) or e.op.form in ir.STRUCTURAL or e.op.form == "attr":
        return False
    if _allocates(e):  # two new arrays, each changed in place later, are not one
        return False
    if e.op is ir.NEG and not isinstance(e.args[0], Call):
        return False
    if e.op.form == "call" and e.op.fn is range:  # range(len(xs)) reads best where it is used
        return False
    if (
        e.op.form == "binary"
        and all(isinstance(a, (Name, Const)) for a in e.args)
        and any(isinstance(a, Const) for a in e.args)
    ):
        return False  # 2 * x: as cheap to write twice as to name
    return ir.count_nodes(e) >= 3


def _worth_reading(e: Expr) -> bool:
    """A call a name already holds, read from it rather than made again (``np.exp(x)``)."""
    return (
        isinstance(e, Call)
        and e.op.form in ("call", "method")
        and pure(e)
        and not _allocates(e)
        and not (e.op.form == "call" and e.op.fn is range)
    )


_ALLOCATORS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like"}
_ALLOCATORS |= {"array", "copy", "zeros_of"}


def _allocates(e: Call) -> bool:
    """Whether ``e`` makes a new array (``np.zeros(n)``, ``x.copy()``)."""
    name = getattr(e.op.fn, "__name__", None) if e.op.form == "call" else e.op.symbol
    return e.op.form in ("call", "method") and name in _ALLOCATORS
