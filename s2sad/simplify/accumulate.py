"""Accumulations: adjoints summed the way a person sums them.

The reverse sweep adds each use's contribution to an adjoint as it meets it
(``x_bar = a`` ... ``x_bar += b``). Two passes turn that into plain code:

- ``fuse``: ``x = a; ...; x += b`` is ``...; x = a + b`` when nothing in
  between reads or writes ``x`` or changes what ``a`` reads;
- ``first_writes``: in a loop over distinct indices into fresh zeros, each
  ``a[i] += e`` is the first write of its element, so it is ``a[i] = e``;
- ``plain_complex``: the adjoint of a complex array set from a real cotangent is made
  complex (``np.asarray(g, dtype=complex)``) so that complex parts can be added to it in
  place; where nothing is added in place any more, it is ``g`` again.

>>> from s2sad.simplify.examples import run
>>> print(run(fuse, '''
... x_bar = y * g
... y_bar = x * g
... x_bar += 1.0 / x
... return [x_bar, y_bar]
... '''))
y_bar = x * g
x_bar = y * g + 1.0 / x
return [x_bar, y_bar]
>>> print(run(first_writes, '''
... c_bar = np.zeros(c.shape)
... for i in range(1, n):
...     c_bar[i] += p_bar
... return c_bar
... '''))
c_bar = np.zeros(c.shape)
for i in range(1, n):
    c_bar[i] = p_bar
return c_bar
>>> print(run(plain_complex, '''
... z_bar = np.asarray(g, dtype=complex)
... w_bar = np.asarray(g, dtype=complex)
... w_bar[0] += h
... return [z_bar, w_bar]
... '''))
z_bar = g
w_bar = np.asarray(g, dtype=complex)
w_bar[0] += h
return [z_bar, w_bar]
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import ir
from ..ir import Call, Const, Name
from ..rules.algebra import simplify_expr
from .facts import MAX_NODES, all_reads, all_writes, filled, mentions, pure
from .state import State


def fuse(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``x = a; ...; x += b``  ->  ``...; x = a + b`` when nothing in between cares."""
    return ir.map_blocks(body, lambda stmts: _fuse(stmts, state))


def _fuse(stmts: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """One pass forward: each name keeps the places of the statements that mention it and
    of those that write it, so the assignment an update fuses with is found without a scan
    back. A fused assignment leaves a hole (``None``) that the lookups step over."""
    out: list[ir.Stmt | None] = []
    mentioned: dict[str, list[int]] = {}  # name -> where statements read or write it, rising
    written: dict[str, list[int]] = {}

    def last(places: dict[str, list[int]], name: str) -> int:
        at = places.get(name)
        while at and out[at[-1]] is None:
            at.pop()
        return at[-1] if at else -1

    def put(stmt: ir.Stmt) -> None:
        k = len(out)
        out.append(stmt)
        writes = all_writes(stmt)
        for n in writes | all_reads(stmt):
            mentioned.setdefault(n, []).append(k)
        for n in writes:
            written.setdefault(n, []).append(k)

    for stmt in stmts:
        if isinstance(stmt, ir.Assign) and stmt.accumulate:
            name = stmt.target.id
            j = last(mentioned, name)
            first = out[j] if j >= 0 else None
            if isinstance(first, ir.Assign) and first.target.id == name:
                merged = simplify_expr(Call(ir.ADD, (first.value, stmt.value)), state.expr_kind)
                if (
                    all(last(written, n) <= j for n in ir.names_in(first.value))
                    and pure(first.value)
                    and ir.count_nodes(merged) <= MAX_NODES
                ):
                    out[j] = None
                    put(ir.Assign(stmt.target, merged, first.accumulate, origin=stmt.origin))
                    continue
        put(stmt)
    return [s for s in out if s is not None]


def first_writes(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``a[i] += e`` is ``a[i] = e`` in a loop over distinct ``i`` into fresh zeros.

    Each iteration writes an element no other iteration writes (the indices of a range
    that starts at zero or above are distinct, and not negative), into an array of
    zeros that nothing else touches in between."""
    return ir.map_blocks(body, _first_writes)


def _first_writes(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    out = list(stmts)
    for k, stmt in enumerate(out):
        if not (isinstance(stmt, ir.Assign) and not stmt.accumulate and filled(stmt.value, np.zeros)):
            continue
        name = stmt.target.id
        for j in range(k + 1, len(out)):
            loop = out[j]
            if isinstance(loop, ir.For) and _distinct_indices(loop):
                writes = [
                    i
                    for i, st in enumerate(loop.body)
                    if isinstance(st, ir.SetItem)
                    and st.target.id == name
                    and st.accumulate
                    and st.index == loop.target
                    and name not in ir.names_in(st.value)
                ]
                others = [st for i, st in enumerate(loop.body) if i not in writes[:1]]
                if len(writes) == 1 and not any(mentions([st], name) for st in others):
                    body = list(loop.body)
                    body[writes[0]] = ir.replace(body[writes[0]], accumulate=False)
                    out[j] = ir.replace(loop, body=body)
            if mentions([loop], name):
                break
    return out


def _distinct_indices(loop: ir.For) -> bool:
    """``for i in range(...)`` (or its reverse) over indices that are all at least zero, with
    ``i`` not changed in the body."""
    if not isinstance(loop.target, Name) or loop.target.id in {
        w for s in ir.walk(loop.body) for w in s.writes()
    }:
        return False
    it = loop.iter
    if isinstance(it, Call) and it.op.form == "call" and it.op.fn is builtins.reversed:
        it = it.args[0]
    if not (isinstance(it, Call) and it.op.form == "call" and it.op.fn is builtins.range and not it.kwargs):
        return False
    bounds = [a.value if isinstance(a, Const) else None for a in it.args]
    if len(bounds) == 1:
        return True
    start, *rest = bounds
    step = rest[1] if len(rest) > 1 else 1
    if type(step) is not int or step == 0:
        return False
    if step > 0:
        return type(start) is int and start >= 0
    stop = rest[0]
    return type(stop) is int and stop >= -1


def plain_complex(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``x = np.asarray(e, dtype=complex)`` is ``x = e`` where nothing adds to ``x`` in place."""
    added = {
        st.target.id for st in ir.walk(body) if isinstance(st, (ir.Assign, ir.SetItem)) and st.accumulate
    }
    added |= {n for st in ir.walk(body) if isinstance(st, ir.Effect) for n in st.writes()}

    def plain(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        out = []
        for st in stmts:
            if isinstance(st, ir.Assign) and st.target.id not in added and _as_complex(st.value):
                st = st.copy(value=st.value.args[0])
            out.append(ir.with_blocks(st, plain))
        return out

    return plain(body)


def _as_complex(e: ir.Expr) -> bool:
    return (
        isinstance(e, Call)
        and e.op.fn is np.asarray
        and len(e.args) == 1
        and len(e.kwargs) == 1
        and e.kwargs[0][0] == "dtype"
        and _names_complex(e.kwargs[0][1])
    )


def _names_complex(e: ir.Expr) -> bool:
    return isinstance(e, ir.Ref) and e.value is complex or isinstance(e, Name) and e.id == "complex"
