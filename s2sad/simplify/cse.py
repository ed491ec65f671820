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
they are), and only pure parts worth a name: not ``2 * x``, not ``x.T``. The
whole value of a name changed in place is its own array, never shared: the
adjoints ``a_bar`` and ``v_bar`` below each start from zeros of their own:

>>> import numpy as np
>>> print(run(cse, '''
... a_bar = np.zeros(a.shape)
... v_bar = np.zeros(a.shape)
... v_bar[0] += g
... a_bar += v_bar
... return a_bar
... ''', a=np.ones(3)))
a_bar = np.zeros(a.shape)
v_bar = np.zeros(a.shape)
v_bar[0] += g
a_bar += v_bar
return a_bar
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import ir
from ..ir import Call, Const, Expr, Name
from .facts import changed_in_place, pure, replace_in
from .state import State


def cse(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Name the parts that statements of one block repeat."""
    counts = state.assignments(body)
    changed = changed_in_place(body, state.kind_of)
    return ir.map_blocks(body, lambda stmts: _cse(stmts, counts, changed, state))


def _cse(stmts: list[ir.Stmt], counts: Counter, changed: set[str], state: State) -> list[ir.Stmt]:
    """Name the largest repeated part, again until none is left; the counts are kept up to
    date statement by statement (only those a naming rewrites are read again), so a block
    is not rescanned whole for every name."""

    def owned(stmt: ir.Stmt) -> Expr | None:
        """The value of ``y = e`` where ``y`` changes in place: ``e`` is ``y``'s alone."""
        return stmt.value if isinstance(stmt, ir.Assign) and stmt.target.id in changed else None

    def holds(stmt: ir.Stmt) -> Expr | None:
        """The value a name assigned once holds (a call there is read from it, not made again)."""
        ok = isinstance(stmt, ir.Assign) and not stmt.accumulate and counts[stmt.target.id] == 1
        return stmt.value if ok and owned(stmt) is None else None

    tally = _Tally(counts, owned, holds)
    infos = [tally.add(s) for s in stmts]
    stmts = list(stmts)
    while tally.repeated:
        biggest = max(tally.size(e) for e in tally.repeated)
        ties = [e for e in tally.repeated if tally.size(e) == biggest]
        target = ties[0] if len(ties) == 1 else tally.first_seen(infos, set(ties))
        first = next(
            i for i, (s, info) in enumerate(zip(stmts, infos)) if target in info.parts and owned(s) != target
        )
        holder_at = None
        if tally.held[target]:
            at = range(first, len(stmts))
            holder_at = next((i for i in at if infos[i].held is not None and infos[i].held == target), None)
        if holder_at is not None:
            # `mean = np.mean(x)` already names it: it moves up to the first use (what it reads
            # is there by then, and nothing reads its name before it), and the uses read `mean`
            holder, holder_info = stmts.pop(holder_at), infos.pop(holder_at)
            stmts.insert(first, holder)
            infos.insert(first, holder_info)
            name, start = holder.target, first + 1
        else:
            name = Name(state.pool.temp())
            state.temps.add(name.id)
            state.kinds[name.id] = state.expr_kind(target)
            start = first
        for i in range(start, len(stmts)):
            s = stmts[i]
            if target in infos[i].parts and owned(s) != target:
                tally.remove(infos[i])
                stmts[i] = replace_in(s, target, name)
                infos[i] = tally.add(stmts[i])
        if holder_at is None:
            assign = ir.Assign(name, target, origin=stmts[first].origin)
            stmts.insert(first, assign)
            infos.insert(first, tally.add(assign))
    return stmts


class _Info:
    __slots__ = ("candidates", "parts", "held")

    def __init__(self, candidates: list[tuple[Expr, bool]], parts: set[Expr], held: Expr | None):
        self.candidates = candidates  # (part, counted only where a name holds it), in order
        self.parts = parts  # every part of the statement's expressions
        self.held = held


class _Tally:
    """How often each part worth naming is evaluated in a block, kept as statements change."""

    def __init__(self, counts: Counter, owned, holds):
        self.counts, self.owned, self.holds = counts, owned, holds
        self.always: Counter = Counter()  # parts worth a name
        self.if_held: Counter = Counter()  # calls worth reading from a name that holds them
        self.held: Counter = Counter()
        self.repeated: dict[Expr, None] = {}
        self._worth: dict[Expr, tuple[bool, bool]] = {}
        self._sizes: dict[Expr, int] = {}

    def size(self, e: Expr) -> int:
        n = self._sizes.get(e)
        if n is None:
            n = self._sizes[e] = ir.count_nodes(e)
        return n

    def worth(self, e: Expr) -> tuple[bool, bool]:
        w = self._worth.get(e)
        if w is None:
            single = all(self.counts[n] <= 1 for n in ir.names_in(e))
            naming = single and _worth_naming(e)
            w = self._worth[e] = (naming, single and not naming and _worth_reading(e))
        return w

    def add(self, stmt: ir.Stmt) -> _Info:
        own = self.owned(stmt)
        candidates, parts = [], set()
        for e in stmt.exprs():
            parts.update(ir.subexpressions(e))
            for sub in _eager_subexpressions(e):
                if sub is own:
                    continue
                naming, reading = self.worth(sub)
                if naming or reading:
                    candidates.append((sub, reading))
        info = _Info(candidates, parts, self.holds(stmt))
        self._count(info, 1)
        return info

    def remove(self, info: _Info) -> None:
        self._count(info, -1)

    def _count(self, info: _Info, sign: int) -> None:
        for sub, reading in info.candidates:
            (self.if_held if reading else self.always)[sub] += sign
            self._check(sub)
        if info.held is not None:
            self.held[info.held] += sign
            self._check(info.held)

    def _check(self, e: Expr) -> None:
        n = self.always[e] + (self.if_held[e] if self.held[e] > 0 else 0)
        if n > 1:
            self.repeated[e] = None
        else:
            self.repeated.pop(e, None)

    def first_seen(self, infos: list[_Info], ties: set[Expr]) -> Expr:
        """Of parts equally large, the one a scan of the block meets first."""
        for info in infos:
            for sub, reading in info.candidates:
                if sub in ties and (not reading or self.held[sub] > 0):
                    return sub
        raise AssertionError("a repeated part is in no statement")


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


def _worth_reading(e: Expr) -> bool:
    """A call a name already holds, read from it rather than made again (``np.exp(x)``)."""
    return (
        isinstance(e, Call)
        and e.op.form in ("call", "method")
        and pure(e)
        and not _allocates(e)
        and not (e.op.form == "call" and e.op.fn is range)
    )


_ALLOCATORS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like"}
_ALLOCATORS |= {"array", "copy", "zeros_of"}


def _allocates(e: Call) -> bool:
    """Whether ``e`` makes a new array (``np.zeros(n)``, ``x.copy()``)."""
    name = getattr(e.op.fn, "__name__", None) if e.op.form == "call" else e.op.symbol
    return e.op.form in ("call", "method") and name in _ALLOCATORS
