"""A loop body's blocks after a ``break``: what follows an ``if`` that may exit goes into its
branches that go on, so that every statement of a block runs whenever the block does.

>>> from s2sad import ir
>>> from s2sad.ir import Const, Name
>>> from s2sad.ir.printer import body_source
>>> body = [ir.If(Name("c"), [ir.Break()], []), ir.Assign(Name("x"), Const(1.0))]
>>> print(body_source(sink_after_exits(body)), end="")
if c:
    break
else:
    x = 1.0
"""

from __future__ import annotations

from .. import ir


def _exits(stmts: list[ir.Stmt]) -> bool:
    """Whether a block of the loop body ends in a ``break`` on every path."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ir.If):
        return _exits(last.body) and _exits(last.orelse)
    return isinstance(last, ir.Break)


def _may_exit(stmts: list[ir.Stmt]) -> bool:
    """Whether some path through a block of the loop body (not into a nested loop) breaks."""
    return any(
        isinstance(s, ir.Break) or isinstance(s, ir.If) and (_may_exit(s.body) or _may_exit(s.orelse))
        for s in stmts
    )


def sink_after_exits(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """Move what follows an ``if`` with a ``break`` into its branches that go on.

    Then every statement in a block runs whenever the block does, which is
    what reversing a block assumes. Only ``if`` statements are entered: the body of a
    nested loop was done when it was lowered, and its ``break`` leaves only that loop."""
    out: list[ir.Stmt] = []
    for i, s in enumerate(stmts):
        if isinstance(s, ir.If):
            s = ir.with_blocks(s, sink_after_exits)
            rest = stmts[i + 1 :]
            if rest and (_may_exit(s.body) or _may_exit(s.orelse)):
                # into every branch that can fall through, also when the exit is deeper
                # (``if a: if b: break``): the exit is followed by nothing of the block
                if not _exits(s.body):
                    s = ir.replace(s, body=sink_after_exits(s.body + rest))
                if not _exits(s.orelse):
                    s = ir.replace(s, orelse=sink_after_exits(s.orelse + rest))
                out.append(s)
                return out
        out.append(s)
    return out
