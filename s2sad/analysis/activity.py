"""Activity analysis: which values need a derivative.

A value is *varied* if it depends on a ``wrt`` parameter through
differentiable operations, *useful* if the output depends on it, and *active*
if both. Only active values get adjoints (reverse mode) or tangents (forward
mode), as in Hascoët and Pascual's Tapenade. Here ``k`` is not varied (it
depends on ``n`` only), nor is ``big`` (a comparison has no derivative), and
``unused`` is not useful:

>>> import numpy as np
>>> from s2sad.analysis.examples import lowered
>>> def f(x, n):
...     y = x * 2.0
...     k = n + 1
...     big = y > 0.0
...     unused = np.sin(x)
...     return y * k
>>> sorted(active_names(lowered(f), {"x"}))  # v1 is y * k
['v1', 'x', 'y']

Each statement gives flow edges (from the names a derivative can flow
through to the name assigned); varied and useful are closures over them.
In SSA form that is as precise as following the control flow, and loops need
no special care. Branch conditions carry no derivative.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator

from .. import ir
from ..ir import Call, Expr, Name
from ..rules.registry import ZERO, BindError, inlinable, lookup


def differentiable_reads(value: Expr) -> Iterator[str]:
    """The names a derivative can flow through, in an SSA right-hand side.

    Without a rule nothing is known, so every argument counts; the reverse
    pass then reports the missing rule if the value turns out to be active.
    """
    if isinstance(value, Name):
        yield value.id
        return
    if not isinstance(value, Call):
        return
    if value.op is ir.GETITEM:  # x[i]: through x, not through the index
        yield from ir.names_in(value.args[0])
        return
    if value.op.form in ("tuple", "list"):
        yield from ir.names_in(value)
        return
    rule = lookup(value.op)
    if rule is None:
        yield from ir.names_in(value)
        return
    if not rule.differentiable:
        return
    try:
        bound = rule.bind(value)
    except BindError:
        yield from ir.names_in(value)
        return
    for param in rule.params:  # a parameter the rule does not cover counts: the reverse pass reports it
        if rule.vjp.get(param) != ZERO:
            yield from ir.names_in(bound[param])


def edges(stmts: list[ir.Stmt]) -> Iterator[tuple[str, set[str]]]:
    """``(target, sources)``: a derivative of a source can reach the target."""
    for stmt in ir.walk(stmts):
        if isinstance(stmt, ir.Assign):
            sources = set(differentiable_reads(stmt.value))
            yield stmt.target.id, sources
        elif isinstance(stmt, ir.SetItem):
            yield stmt.target.id, set(ir.names_in(stmt.value))
        elif isinstance(stmt, ir.For):
            yield from _loop_targets(stmt.target, stmt.iter)
        elif isinstance(stmt, ir.Effect) and appends(stmt.value):
            yield stmt.value.args[0].id, set(ir.names_in(stmt.value.args[1]))
        elif isinstance(stmt, ir.Effect) and adds_at(stmt.value):
            yield stmt.value.args[0].id, set(ir.names_in(stmt.value.args[2]))


def appends(e: Expr) -> bool:
    """``xs.append(v)`` on a list the function holds."""
    return _updates(e, "method", "append", 2)


def pops(e: Expr) -> bool:
    """``xs.pop()`` of a list the function holds."""
    return _updates(e, "method", "pop", 1)


def adds_at(e: Expr) -> bool:
    """``np.add.at(y, index, v)`` on an array the function holds."""
    return _updates(e, "call", "np.add.at", 3)


def calls_user_function(value: Expr) -> bool:
    """A call to one of the user's own functions that lowering left as a call (recursion)."""
    return isinstance(value, Call) and value.op.form == "call" and inlinable(value.op.fn)


def _updates(e: Expr, form: str, symbol: str, arity: int) -> bool:
    """A call that changes its first argument, a name, in place."""
    return (
        isinstance(e, Call)
        and e.op.form == form
        and e.op.symbol == symbol
        and len(e.args) == arity
        and isinstance(e.args[0], Name)
    )


def _loop_targets(target: Expr, it: Expr) -> Iterator[tuple[str, set[str]]]:
    """Loop variables get derivatives from the sequences they run over (not from range)."""
    if isinstance(it, Call) and it.op.form == "call":
        fn = it.op.fn
        if fn is builtins.range:
            return
        if fn is builtins.enumerate:
            yield from _loop_targets(target.args[1], it.args[0]) if isinstance(target, Call) else ()
            return
        if fn is builtins.zip and isinstance(target, Call):
            for t, a in zip(target.args, it.args):
                yield from _loop_targets(t, a)
            return
        if fn is builtins.reversed:
            yield from _loop_targets(target, it.args[0])
            return
    for name in ir.names_in(target):
        yield name, set(ir.names_in(it))


def active_names(fn: ir.Function, wrt: set[str]) -> set[str]:
    """Names that depend on ``wrt`` and influence what ``fn`` returns."""
    flow = list(edges(fn.body))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, sources in flow:
            if target not in varied and sources & varied:
                varied.add(target)
                changed = True
    useful: set[str] = set()
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Return):
            useful.update(ir.names_in(stmt.value))
    changed = True
    while changed:
        changed = False
        for target, sources in flow:
            if target in useful and not sources <= useful:
                useful |= sources
                changed = True
    return varied & useful
