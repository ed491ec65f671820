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
they are), and only pure parts worth a name: not ``2 * x``, not ``x.T``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import ir
from ..ir import Call, Const, Expr, Name
from .facts import pure, replace_in
from .state import State


def cse(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Name the parts that statements of one block repeat."""
    counts = state.assignments(body)
    return ir.map_blocks(body, lambda stmts: _cse(stmts, counts, state))


def _cse(stmts: list[ir.Stmt], counts: Counter, state: State) -> list[ir.Stmt]:
    while True:
        seen: Counter = Counter()
        for stmt in stmts:
            for e in stmt.exprs():
                for sub in _eager_subexpressions(e):
                    if _worth_naming(sub) and all(counts[n] <= 1 for n in ir.names_in(sub)):
                        seen[sub] += 1
        repeated = [e for e, n in seen.items() if n > 1]
        if not repeated:
            return stmts
        target = max(repeated, key=ir.count_nodes)
        first = next(i for i, s in enumerate(stmts) if any(target in ir.subexpressions(v) for v in s.exprs()))
        holder = stmts[first]
        if (
            isinstance(holder, ir.Assign)
            and holder.value == target
            and not holder.accumulate
            and counts[holder.target.id] == 1
        ):
            # `mean = np.mean(x)` already names it: later uses read `mean`
            later = [replace_in(s, target, holder.target) for s in stmts[first + 1 :]]
            stmts = stmts[: first + 1] + later
            continue
        name = Name(state.pool.temp())
        state.temps.add(name.id)
        state.kinds[name.id] = state.expr_kind(target)
        stmts = [replace_in(s, target, name) for s in stmts]
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


_ALLOCATORS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like"}
_ALLOCATORS |= {"array", "copy", "zeros_of"}


def _allocates(e: Call) -> bool:
    """Whether ``e`` makes a new array (``np.zeros(n)``, ``x.copy()``)."""
    name = getattr(e.op.fn, "__name__", None) if e.op.form == "call" else e.op.symbol
    return e.op.form in ("call", "method") and name in _ALLOCATORS
