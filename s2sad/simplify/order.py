"""Statements in the order a person writes them.

- ``hoist_common``: what both branches of an ``if`` start with happens before
  it (when the test does not read what it writes), and an ``if`` left with an
  empty body tests the opposite instead;
- ``tangent_first``: ``x_2 = e; x_2_dot = t`` is ``x_2_dot = t; x_2 = e`` when
  neither reads the other: by hand, a tangent is updated before the value it
  is read from is overwritten, which also lets ``coalesce`` give both their
  variable's name.

>>> from s2sad.simplify.examples import run
>>> print(run(hoist_common, '''
... if c > 0:
...     y_bar = 2.0 * g
...     x_bar = y_bar
... else:
...     y_bar = 2.0 * g
... return y_bar
... '''))
y_bar = 2.0 * g
if c > 0:
    x_bar = y_bar
return y_bar
>>> print(run(tangent_first, '''
... x_2 = x_1 * x_1
... x_2_dot = 2.0 * x_1 * x_1_dot
... return [x_2, x_2_dot]
... '''))
x_2_dot = 2.0 * x_1 * x_1_dot
x_2 = x_1 * x_1
return [x_2, x_2_dot]
"""

from __future__ import annotations

from .. import ir
from ..ir import Call
from ..ir.fold import fold_constant
from .facts import all_writes, pure, same_code
from .state import State


def hoist_common(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``if c: a = b; ... else: a = b; ...``  ->  ``a = b; if c: ...``."""
    return ir.map_blocks(body, _hoist_common)


def _hoist_common(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for stmt in stmts:
        lead: list[ir.Stmt] = []
        while (
            isinstance(stmt, ir.If)
            and stmt.body
            and stmt.orelse
            and isinstance(stmt.body[0], ir.Assign)
            and same_code(stmt.body[:1], stmt.orelse[:1])
            and not all_writes(stmt.body[0]) & set(ir.names_in(stmt.test))
            and pure(stmt.body[0].value)
        ):
            lead.append(stmt.body[0])
            stmt = ir.replace(stmt, body=stmt.body[1:], orelse=stmt.orelse[1:])
        out += lead
        if isinstance(stmt, ir.If) and not stmt.body and not stmt.orelse and pure(stmt.test):
            continue
        if isinstance(stmt, ir.If) and not stmt.body and stmt.orelse:
            test = fold_constant(Call(ir.UNARY["not"], (stmt.test,)))
            stmt = ir.replace(stmt, test=test, body=stmt.orelse, orelse=[])
        out.append(stmt)
    return out


def tangent_first(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``x_2 = e; x_2_dot = t``  ->  ``x_2_dot = t; x_2 = e`` when ``t`` does not read ``x_2``."""
    return ir.map_blocks(body, _tangent_first)


def _tangent_first(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    out = list(stmts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (
            isinstance(a, ir.Assign)
            and isinstance(b, ir.Assign)
            and not a.accumulate
            and not b.accumulate
            and b.target.id == f"{a.target.id}_dot"
            and a.target.id not in ir.names_in(b.value)
            and b.target.id not in ir.names_in(a.value)
        ):
            out[i], out[i + 1] = b, a
    return out
