"""Activity analysis: which values need a derivative.

A value is *varied* if it depends on a ``wrt`` parameter through
differentiable operations, *useful* if the output depends on it, and *active*
if both. Only active values get adjoints (reverse mode) or tangents (forward
mode). Two passes over the SSA form, as in Hascoët and Pascual's Tapenade::

    def f(x, n):            wrt = {x}
        v1 = x * 2.0        active
        v2 = n + 1          not varied: depends on n only
        v3 = v1 > 0.0       not varied: a comparison has no derivative
        v4 = v1 * v2        active
        v5 = np.sin(x)      not useful: the output does not depend on it
        return v4
"""

from __future__ import annotations

from collections.abc import Iterator

from . import ir
from .ir import Call, Expr, Name
from .rules.core import ZERO, BindError, lookup


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


def active_names(fn: ir.Function, wrt: set[str]) -> set[str]:
    """Names that depend on ``wrt`` and influence what ``fn`` returns."""
    stmts = list(ir.walk(fn.body))
    varied = set(wrt)
    for stmt in stmts:
        if isinstance(stmt, ir.Assign) and any(n in varied for n in differentiable_reads(stmt.value)):
            varied.add(stmt.target.id)
    useful: set[str] = set()
    for stmt in reversed(stmts):
        if isinstance(stmt, ir.Return):
            useful.update(ir.names_in(stmt.value))
        elif isinstance(stmt, ir.Assign) and stmt.target.id in useful:
            useful.update(differentiable_reads(stmt.value))
    return varied & useful
