"""Dead code: what the result does not need goes.

A gradient function runs the primal sweep for what the adjoint sweep reads, not
for the primal's own result; what nothing reads is most of it when only the
gradient is returned. ``live_code`` walks each block backwards with the set of
names read later (live), and drops pure assignments to names nobody reads:

>>> from s2sad.simplify.examples import run
>>> print(run(live_code, '''
... y = np.sin(x)
... z = y * 2.0
... x_bar = np.cos(x)
... return x_bar
... '''))
x_bar = np.cos(x)
return x_bar

Liveness goes through branches (what either branch reads), loops (what the
next iteration reads, until that settles) and nested functions. Writing into an
array is live while the array or a view of it (``y[1:]``) is. A branch decided
when the code was made (``if True:``) is inlined, and an ``if`` whose branches do
the same is not needed.

A write into a dead array still runs what it writes when that has an effect:

>>> print(run(live_code, '''
... y = np.zeros(2)
... y[0] = ys.pop()
... return len(ys)
... '''))
ys.pop()
return len(ys)

``dead_tapes`` removes a tape nobody pops, with its pushes: once ``live_code``
has dropped a dead ``y = t.pop()``, what pushes onto ``t`` (an effect, which
``live_code`` keeps) has no reader left:

>>> print(run(dead_tapes, '''
... t = []
... t.append(x)
... return 1.0
... ''', tapes=("t",)))
return 1.0

What was pushed is still run when it has an effect (``t.append(ys.pop())`` still pops):

>>> print(run(dead_tapes, '''
... t = []
... t.append(ys.pop())
... return len(ys)
... ''', tapes=("t",)))
ys.pop()
return len(ys)
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr, Name
from .facts import pure, same_code, viewers
from .state import State


def live_code(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``body`` without the statements nothing needs."""
    return _Liveness(state.fn.tapes, viewers(body, state.kinds)).block(body, set())[0]


class _Liveness:
    def __init__(self, tapes: set[str], views: dict[str, set[str]]):
        self.tapes = tapes
        self.views = views  # for each array, the names that may be views of it

    def block(self, stmts: list[ir.Stmt], live_out: set[str]) -> tuple[list[ir.Stmt], set[str]]:
        """The statements of a block that are needed when ``live_out`` is read after it,
        and what the block needs before it."""
        live = set(live_out)
        out: list[ir.Stmt] = []
        for stmt in reversed(stmts):
            if isinstance(stmt, ir.Assign):
                if stmt.target.id not in live and _pops(stmt, self.tapes):
                    continue  # `dead_tapes` then removes the pushes
                if stmt.target.id not in live and pure(stmt.value):
                    continue
                if not stmt.accumulate:
                    live.discard(stmt.target.id)
                live |= set(stmt.reads())
            elif isinstance(stmt, ir.SetItem):
                if stmt.target.id not in live and not self.views.get(stmt.target.id, set()) & live:
                    if pure(stmt.index) and pure(stmt.value):
                        continue
                    if pure(stmt.index):  # `y[i] = ys.pop()` into a dead y still pops
                        stmt = ir.Effect(stmt.value, origin=stmt.origin)
                live |= set(stmt.reads())
            elif isinstance(stmt, ir.If):
                if isinstance(stmt.test, Const):  # a branch decided when the code was made
                    taken, live = self.block(stmt.body if stmt.test.value else stmt.orelse, live)
                    out.extend(reversed(taken))
                    continue
                body, live_then = self.block(stmt.body, live)
                orelse, live_else = self.block(stmt.orelse, live)
                if not body and not orelse and pure(stmt.test):
                    continue
                if same_code(body, orelse) and pure(stmt.test):  # no matter which way: no `if`
                    out.extend(reversed(body))
                    live = live_then
                    continue
                stmt = ir.replace(stmt, body=body, orelse=orelse)
                live = live_then | live_else | set(stmt.reads())
            elif isinstance(stmt, ir.For):
                targets = set(ir.names_in(stmt.target))
                head = set(live)
                for _ in range(10):
                    body, live_body = self.block(stmt.body, head)
                    new_head = live | (live_body - targets)
                    if new_head <= head:
                        break
                    head |= new_head
                if not body:
                    continue
                stmt = ir.replace(stmt, body=body)
                live = head | set(stmt.reads())
            elif isinstance(stmt, ir.While):
                head = set(live)
                for _ in range(10):
                    body, live_body = self.block(stmt.body, head)
                    after_test = live | live_body | set(ir.names_in(stmt.test))
                    test_body, live_test = self.block(stmt.test_body, after_test)
                    if live_test <= head:
                        break
                    head |= live_test
                stmt = ir.replace(stmt, test_body=test_body, body=body)
                live = head
            elif isinstance(stmt, ir.Def):
                f = stmt.function
                inner, reads = self.block(f.body, set())
                if f.name not in live:
                    continue
                live.discard(f.name)
                live |= reads - {p.name for p in f.params}
                stmt = ir.Def(ir.replace(f, body=inner), origin=stmt.origin)
            else:
                live |= set(stmt.reads())
            out.append(stmt)
        out.reverse()
        return out, live


def dead_tapes(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """A tape whose popped values nobody reads goes, with its pushes."""
    popped = {s.value.args[0].id for s in ir.walk(body) if _pops(s, state.fn.tapes)}
    dead = state.fn.tapes - popped
    if not dead:
        return body

    def kept(stmt: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(stmt, ir.Assign) and stmt.target.id in dead or _pops(stmt, dead):
            return []
        if isinstance(stmt, ir.Effect) and _touches(stmt.value, dead):
            # what was pushed may still have an effect of its own: `t.append(ys.pop())`
            pushed = _pushed(stmt.value, dead)
            return [] if pushed is None or pure(pushed) else [ir.replace(stmt, value=pushed)]
        return [stmt]

    return live_code(ir.map_blocks(body, lambda stmts: [s for stmt in stmts for s in kept(stmt)]), state)


def _pushed(e: Expr, tapes: set[str]) -> Expr | None:
    """``v`` of ``tape.append(v)``."""
    if isinstance(e, Call) and e.op.form == "method" and e.op.symbol == "append" and len(e.args) == 2:
        target = e.args[0]
        if isinstance(target, Name) and target.id in tapes and not _touches(e.args[1], tapes):
            return e.args[1]
    return None


def _pops(stmt: ir.Stmt, tapes: set[str]) -> bool:
    """``x = tape.pop()``."""
    if not isinstance(stmt, ir.Assign):
        return False
    v = stmt.value
    return (
        isinstance(v, Call)
        and v.op.form == "method"
        and v.op.symbol == "pop"
        and isinstance(v.args[0], Name)
        and v.args[0].id in tapes
    )


def _touches(e: Expr, names: set[str]) -> bool:
    return bool(set(ir.names_in(e)) & names)
