"""Temporaries folded back into the expressions that use them.

Three-address form names every intermediate value; code a person writes names
only what is used twice or reads better with a name. Two passes fold names back:

- ``inline``: a temporary assigned once and read once is computed where it is
  read, when nothing in between changes what it reads, no effect changes order,
  and the expression stays small (``MAX_NODES``); it never moves into a
  nested function, where it would run at another time;
- ``inline_views``: a transpose ``v2 = K.T``, or a filled array read only by
  elementwise operations, is written out at every use: it costs nothing there.

>>> from s2sad.simplify.examples import run
>>> print(run(inline, '''
... v1 = np.cos(x)
... v2 = g * v1
... x_bar = v2 + 1.0
... return x_bar
... '''))
x_bar = g * np.cos(x) + 1.0
return x_bar
>>> print(run(inline_views, '''
... v2 = K.T
... v3 = v2 @ g
... v4 = v2 @ v3
... return v4
... '''))
v3 = K.T @ g
v4 = K.T @ v3
return v4
"""

from __future__ import annotations

from collections import Counter

from .. import ir
from ..ir import Call, Expr, Name, Ref
from ..rules.algebra import broadcast_value
from ..rules.registry import lookup
from .facts import (
    MAX_NODES,
    all_reads,
    all_writes,
    changed_in_place,
    pure,
    read_counts,
    replace_name,
    viewers,
)
from .state import State


def inline(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Fold temporaries that are read once into the statement that reads them."""
    views = viewers(body, state.kinds)
    counts = state.assignments(body)
    reads: Counter = Counter()
    for stmt in ir.walk(body):
        reads.update(stmt.reads())

    def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        stmts = list(stmts)
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            name = stmt.target.id if isinstance(stmt, ir.Assign) else None
            gathered = (
                isinstance(stmt, ir.Assign)
                and isinstance(stmt.value, Call)
                and (stmt.value.op.form in ("list", "dict"))
            )  # a container's gradient, item by item
            if (
                (name in state.temps or gathered)
                and not stmt.accumulate
                and counts[name] == 1
                and reads[name] == 1
            ):
                j = next((k for k in range(i + 1, len(stmts)) if name in stmts[k].reads()), None)
                if j is not None and _can_move(stmts, i, j, views):
                    new = state.rewrite(replace_name(stmts[j], name, stmt.value), {})
                    if all(ir.count_nodes(v) <= MAX_NODES for v in new.exprs()):
                        stmts[j] = new
                        del stmts[i]
                        continue
            i += 1
        return stmts

    return ir.map_blocks(body, block)


def _can_move(stmts: list[ir.Stmt], i: int, j: int, views: dict[str, set[str]]) -> bool:
    """Whether statement ``i``'s value may be computed at statement ``j`` instead."""
    value = stmts[i].value
    target = stmts[j]
    display = isinstance(value, Call) and value.op.form in ("list", "dict")
    if isinstance(target, ir.Def) or isinstance(target, ir.Return) and not display:
        return False
    if isinstance(target, ir.Assign) and target.accumulate and target.target.id in ir.names_in(value):
        return False
    if not pure(value) and set(ir.names_in(value)) & (set(target.reads()) | set(all_writes(target))):
        return False  # xs[-1] += xs.pop(): the entry is read before the pop
    between = stmts[i + 1 : j]
    written = {w for s in between for w in all_writes(s)}
    for w in list(written):  # y[1:] = ... changes what the views of y read
        written |= views.get(w, set())
    if written & set(ir.names_in(value)):
        return False
    if not pure(value) and any(not pure(v) for s in between for v in s.exprs()):
        return False
    changed = changed_in_place([stmts[i]]) if not pure(value) else set()
    if any(changed & all_reads(s) for s in between):
        return False  # a, = xs after v = xs.pop(): xs is read with one item fewer
    return not any(isinstance(s, ir.Def) for s in between)


def inline_views(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``v2 = K.T`` folds into every use: ``K.T`` reads as well as ``v2`` and costs nothing.

    Assignments are counted in the function as it came, so the names ``cse`` made
    stay."""
    counts = state.assignments(state.fn.body)
    reads = read_counts(body)
    return ir.map_blocks(body, lambda stmts: _inline_views(stmts, counts, reads, state))


def _inline_views(stmts: list[ir.Stmt], counts: Counter, reads: Counter, state: State) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    mapping: dict[str, Expr] = {}
    here = read_counts(stmts)  # a view read outside this block too (an adjoint's if) stays
    for stmt in stmts:
        if mapping:
            stmt = ir.map_exprs_in([stmt], lambda e: state.rewrite_expr(e, mapping))[0]
        if (
            isinstance(stmt, ir.Assign)
            and not stmt.accumulate
            and stmt.target.id in state.temps
            and counts[stmt.target.id] == 1
            and here[stmt.target.id] == reads[stmt.target.id]
            and (
                _is_view(stmt.value)
                or (broadcast_value(stmt.value) is not None and _only_elementwise_uses(stmt.target.id, stmts))
            )
        ):
            mapping[stmt.target.id] = stmt.value
            continue
        out.append(stmt)
    return out if mapping else stmts


def _only_elementwise_uses(name: str, stmts: list[ir.Stmt]) -> bool:
    """Whether every use of ``name`` is an operand of an elementwise operation,
    where a filled array can be replaced by its fill value."""

    def uses(e: Expr, parent: Call | None) -> bool:
        if isinstance(e, Name):
            if e.id != name:
                return True
            rule = lookup(parent.op) if parent is not None else None
            return rule is not None and rule.elementwise
        if isinstance(e, Call):
            return all(uses(c, e) for c in e.children())
        return True

    every = list(ir.walk(stmts))
    return all(uses(v, None) for s in every for v in s.exprs()) and not any(
        isinstance(s, (ir.Assign, ir.SetItem)) and s.target.id == name and s is not every[0] for s in every
    )


def _is_view(e: Expr) -> bool:
    """A transpose of a name: as cheap to write again as to name."""
    is_transpose = isinstance(e, Call) and e.op.form == "attr" and e.op.symbol == "T"
    return is_transpose and isinstance(e.args[0], (Name, Ref))
