"""Out of SSA: versions of one variable that never live at once share a name again.

Lowering gives every assignment of a variable its own version (``x``, ``x_1``,
``x_2``) and joins them with copies at the end of a loop body or a branch; in
generated code these read as noise. ``coalesce`` finds a copy ``a = b``
between versions of one variable where ``b`` is read only by the copy and ``a``
is not used while ``b`` lives, and gives both one name, so the copy becomes
``a = a`` and goes. An adjoint follows its variable's name (``x_2_bar`` becomes
``x_1_bar``); a gradient that is returned keeps its own.

>>> from s2sad.simplify.examples import run
>>> print(run(coalesce, '''
... x_1 = x
... for i in range(n):
...     x_2 = x_1 * 0.5
...     x_1 = x_2
... return x_1
... '''))
x_1 = x
for i in range(n):
    x_1 = x_1 * 0.5
return x_1

Before that, ``forward_copies`` reads ``x_1`` for ``x_2`` after a copy
``x_1 = x_2``, until either changes, so that ``x_2`` is read only by the copy.
"""

from __future__ import annotations

from collections import Counter

from .. import ir
from ..ir import Name
from .facts import all_writes, mentions, read_counts
from .state import State


def coalesce(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Rename versions of one variable to one name, one pair at a time."""
    params = {p.name for p in state.fn.params}
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.Def):
            params |= {p.name for p in stmt.function.params}
    body = ir.map_blocks(body, _forward_copies)
    for _ in range(20):
        renames = _coalescible(body, read_counts(body), state.assignments(body), params, state)
        if not renames:
            return body
        old, new = renames
        if old in state.kinds and new in state.kinds:
            state.set_kind(new, state.kinds[new].join(state.kinds[old]))
        mapping = {old: new}
        names = {n for st in ir.walk(body) for n in (*st.reads(), *st.writes())}
        if f"{old}_bar" in names and f"{new}_bar" not in names | params and f"{old}_bar" not in state.results:
            mapping[f"{old}_bar"] = f"{new}_bar"  # the adjoint follows its variable's name
        body = ir.map_blocks(ir.rename(body, mapping), _drop_self_copies)
    return body


def _coalescible(
    body: list[ir.Stmt], reads: Counter, writes: Counter, params: set[str], state: State
) -> tuple[str, str] | None:
    """One pair ``(old, new)`` to rename, that turns a copy ``a = b`` into ``a = a``:
    ``b`` is read only by the copy, and ``a`` is not used while ``b`` lives."""
    for stmts in ir.walk_blocks(body):
        for i, stmt in enumerate(stmts):
            if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate):
                continue
            a, b = stmt.target.id, stmt.value.id
            if not _versions_of_one(a, b) or a in params or {a, b} <= state.results:
                continue
            if b in params:  # the hand-over of gradients reads the argument itself
                continue
            # b lives from its first write in this block to the copy, and a is unused meanwhile
            j = next((j for j in range(i) if b in all_writes(stmts[j])), None)
            if j is None or mentions(stmts[j + 1 : i], a):
                continue
            if not isinstance(stmts[j], ir.Assign) and mentions(stmts[j : j + 1], a):
                continue
            span = stmts[j : i + 1]
            if read_counts(span)[b] != reads[b] or state.assignments(span)[b] - (b in params) != writes[b]:
                continue
            old, new = (a, b) if _version(a) > _version(b) else (b, a)
            return (new, old) if old in state.results else (old, new)  # a result keeps its name
    return None


def _forward_copies(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """After ``x_1 = x_2``, read ``x_1`` for ``x_2`` (versions of one variable), until either
    changes: ``x_2`` is then read only by the copy, and the two can share a name."""
    out = list(stmts)
    for i, stmt in enumerate(out):
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate):
            continue
        a, b = stmt.target.id, stmt.value.id
        if not _versions_of_one(a, b):
            continue
        mapping = {b: Name(a)}
        for j in range(i + 1, len(out)):
            later = out[j]
            if {a, b} & all_writes(later):
                if isinstance(later, (ir.Assign, ir.SetItem)):  # read before it writes
                    out[j] = later.map_exprs(lambda e, m=mapping: ir.substitute(e, m))
                break
            out[j] = ir.map_exprs_in([later], lambda e, m=mapping: ir.substitute(e, m))[0]
    return out


def _drop_self_copies(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """Without ``x = x``: the copies that renaming joined."""
    return [s for s in stmts if not (isinstance(s, ir.Assign) and s.value == s.target and not s.accumulate)]


def _version(n: str) -> int:
    n = n.removesuffix("_dot")
    head, _, tail = n.rpartition("_")
    return int(tail) if head and tail.isdigit() else 0


def _versions_of_one(a: str, b: str) -> bool:
    """``x`` and ``x_1``, ``x_1`` and ``x_2``: SSA versions of one variable of the user's."""

    def base(n: str) -> str:
        suffix = "_dot" if n.endswith("_dot") else ""  # tangents: x_1_dot and x_2_dot
        n = n.removesuffix(suffix)
        head, _, tail = n.rpartition("_")
        return (head if head and tail.isdigit() else n) + suffix

    return a != b and base(a) == base(b) and not a.endswith("_bar")
