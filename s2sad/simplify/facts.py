"""What the passes ask of statements and expressions: what a statement reads and
writes (nested blocks included), whether an expression may move or go, whether two
blocks do the same.

>>> from s2sad.simplify.examples import read
>>> loop = read('''
... for i in range(n):
...     y[i] += x
... ''')
>>> sorted(all_reads(loop[0])), sorted(all_writes(loop[0]))
(['i', 'n', 'x', 'y'], ['i', 'y'])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .. import ir
from ..analysis.inplace import changed_by
from ..analysis.views import view_of
from ..ir import Call, Expr, Name
from ..ir.kinds import UNKNOWN, Kind

MAX_NODES = 24  # no expression grows past this many operations and leaves


def pure(e: Expr) -> bool:
    """Whether ``e`` may be computed elsewhere, or not at all (no call in it has an effect)."""
    if isinstance(e, Call):
        return e.op.pure and all(pure(c) for c in e.children())
    return True


def changed_in_place(body: list[ir.Stmt], kind_of: Callable[[str], Kind] | None = None) -> set[str]:
    """Containers and arrays changed after they are made (``ys.append(v)``, ``d[k] = v``,
    ``np.add.at(y, i, v)``; with ``kind_of``, also ``y += v`` where ``y`` may be an array),
    and the names that may be them (``zs = ys``)."""
    changed: set[str] = set()
    copies: list[tuple[str, str]] = []
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.SetItem):
            changed.add(stmt.target.id)
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name):
            copies.append((stmt.target.id, stmt.value.id))
        if kind_of is not None and isinstance(stmt, ir.Assign) and stmt.accumulate:
            if not kind_of(stmt.target.id).is_scalar:
                changed.add(stmt.target.id)
    for call in ir.walk_exprs(body):
        if not (isinstance(call, Call) and call.args):
            continue
        target = changed_by(call)
        if isinstance(target, Name):
            changed.add(target.id)
    for _ in copies:  # an alias changed is the value changed
        grown = {b for a, b in copies if a in changed} | {a for a, b in copies if b in changed}
        if grown <= changed:
            break
        changed |= grown
    return changed


def all_reads(stmt: ir.Stmt) -> set[str]:
    """The names ``stmt`` reads, in its nested blocks too."""
    return {n for s in ir.walk([stmt]) for n in s.reads()}


def all_writes(stmt: ir.Stmt) -> set[str]:
    """The names ``stmt`` writes, in its nested blocks too."""
    return {n for s in ir.walk([stmt]) for n in s.writes()}


def read_counts(stmts: list[ir.Stmt]) -> Counter:
    """How many times each name is read, nested blocks included."""
    out: Counter = Counter()
    for stmt in ir.walk(stmts):
        out.update(stmt.reads())
    return out


def mentions(stmts: list[ir.Stmt], name: str) -> bool:
    """Whether ``stmts`` read or write ``name`` anywhere."""
    return any(name in set(s.reads()) | all_writes(s) for s in ir.walk(stmts))


def fingerprint(body: list[ir.Stmt]) -> tuple:
    """A cheap structural summary, to see when a round of passes changed nothing: what
    each statement assigns, whether it accumulates, and every expression it evaluates
    (tests, iterables and indexes too: ``y[0] = x`` and ``y[1] = x`` differ)."""
    out = []
    for s in ir.walk(body):
        target = getattr(s, "target", None)  # a name, a loop target, or none
        out.append((type(s).__name__, target, getattr(s, "accumulate", None), *s.exprs()))
    return tuple(out)


def same_code(a: list[ir.Stmt], b: list[ir.Stmt]) -> bool:
    """Whether two blocks do the same (by their fingerprints, nested blocks included)."""

    def nested(stmt: ir.Stmt) -> list[ir.Stmt]:
        return [s for block in stmt.blocks() for s in block]

    return (
        len(a) == len(b)
        and fingerprint(a) == fingerprint(b)
        and all(type(x) is type(y) and same_code(nested(x), nested(y)) for x, y in zip(a, b))
    )


def filled(e: Expr, maker: Callable) -> bool:
    """``maker(shape)`` with nothing else: ``np.zeros(s)``, ``np.ones(s)``."""
    return (
        isinstance(e, Call) and e.op.form == "call" and e.op.fn is maker and len(e.args) == 1 and not e.kwargs
    )


def viewers(body: list[ir.Stmt], kinds: dict[str, Kind] | None = None) -> dict[str, set[str]]:
    """For each array, the names that may be views of it (``v = y[1:]``, ``w = v.T``);
    a number read from an array (``y[0]``) is a copy."""
    base: dict[str, str] = {}
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.Assign) and view_of(stmt.value) is not None:
            if kinds is not None and kinds.get(stmt.target.id, UNKNOWN).is_scalar:
                continue
            base[stmt.target.id] = view_of(stmt.value)
    out: dict[str, set[str]] = {}
    for view in base:
        seen, b = set(), base[view]
        while b is not None and b not in seen:
            seen.add(b)
            out.setdefault(b, set()).add(view)
            b = base.get(b)
    return out


def replace_in(stmt: ir.Stmt, old: Expr, new: Expr) -> ir.Stmt:
    """``stmt`` with every ``old`` in its expressions replaced by ``new`` (not in nested blocks)."""

    def sub(e: Expr) -> Expr:
        if e == old:
            return new
        return e.map(sub) if isinstance(e, Call) else e

    return stmt.map_exprs(sub)


def replace_name(stmt: ir.Stmt, name: str, value: Expr) -> ir.Stmt:
    return replace_in(stmt, Name(name), value)


def live_after(body: list[ir.Stmt]) -> dict[int, set[str]]:
    """For each statement (by ``id``), the names read after it before they are assigned
    again: on the next iteration of the loops around it too.

    >>> from s2sad.simplify.examples import read
    >>> body = read('''
    ... y = x
    ... for i in range(n):
    ...     z = y * 2.0
    ...     y = z
    ... return y
    ... ''')
    >>> live = live_after(body)
    >>> sorted(live[id(body[0])]), sorted(live[id(body[1].body[0])])
    (['n', 'y'], ['z'])
    """
    out: dict[int, set[str]] = {}

    def block(stmts: list[ir.Stmt], live: set[str]) -> set[str]:
        live = set(live)
        for stmt in reversed(stmts):
            out[id(stmt)] = set(live)
            if isinstance(stmt, ir.If):
                live = block(stmt.body, live) | block(stmt.orelse, live)
            elif isinstance(stmt, (ir.For, ir.While)):
                head = set(live)  # what is read at the top of an iteration, or after the loop
                for _ in range(10):
                    top = set(head)
                    if isinstance(stmt, ir.While):
                        top = block(stmt.test_body, top | block(stmt.body, head) | set(stmt.reads()))
                    else:
                        top = head | (block(stmt.body, head) - set(stmt.writes()))
                    if top <= head:
                        break
                    head |= top
                live = head
            elif isinstance(stmt, ir.Def):
                live |= {n for s in ir.walk(stmt.function.body) for n in s.reads()}
            elif not isinstance(stmt, ir.SetItem) and not (isinstance(stmt, ir.Assign) and stmt.accumulate):
                live -= set(stmt.writes())
            live |= set(stmt.reads())
        return live

    block(body, set())
    return out
