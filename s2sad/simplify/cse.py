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

from bisect import bisect_left
from collections import Counter, defaultdict
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
    date statement by statement (only those a naming rewrites are read again), and each part
    knows the statements it is in, so a block is not rescanned whole for every name."""

    def owned(stmt: ir.Stmt) -> Expr | None:
        """The value of ``y = e`` where ``y`` changes in place: ``e`` is ``y``'s alone."""
        return stmt.value if isinstance(stmt, ir.Assign) and stmt.target.id in changed else None

    def holds(stmt: ir.Stmt) -> Expr | None:
        """The value a name assigned once holds (a call there is read from it, not made again)."""
        ok = isinstance(stmt, ir.Assign) and not stmt.accumulate and counts[stmt.target.id] == 1
        return stmt.value if ok and owned(stmt) is None else None

    tally = _Tally(counts, owned, holds)
    stmts = list(stmts)
    infos = [tally.add(s, float(i)) for i, s in enumerate(stmts)]
    keys = [info.key for info in infos]  # rising: where each statement stands, found by bisection

    def insert(at: int, stmt: ir.Stmt, info: _Info | None = None) -> _Info:
        """``stmt`` put before position ``at``, with a key between its neighbours'."""
        low = keys[at - 1] if at > 0 else keys[0] - 1.0
        key = (low + keys[at]) / 2
        if not low < key < keys[at]:  # no float left between them: number them all again
            for i, other in enumerate(infos):
                other.key = keys[i] = float(2 * i)
            key = keys[at] - 1.0
        if info is None:
            info = tally.add(stmt, key)
        else:
            info.key = key
            tally.place(info)
        stmts.insert(at, stmt)
        infos.insert(at, info)
        keys.insert(at, key)
        return info

    while tally.repeated:
        biggest = max(tally.size(e) for e in tally.repeated)
        ties = [e for e in tally.repeated if tally.size(e) == biggest]
        target = ties[0] if len(ties) == 1 else tally.first_seen(ties)
        first_key = min(i.key for i in tally.containing[target] if owned(i.stmt) != target)
        first = bisect_left(keys, first_key)
        holder = min((i for i in tally.holding[target] if i.key > first_key), key=_key, default=None)
        if infos[first].held is not None and infos[first].held == target:
            holder = infos[first]
        if holder is not None:
            # `mean = np.mean(x)` already names it: it moves up to the first use (what it reads
            # is there by then, and nothing reads its name before it), and the uses read `mean`
            if holder is not infos[first]:
                at = bisect_left(keys, holder.key)
                stmt = stmts.pop(at)
                del infos[at], keys[at]
                tally.unplace(holder)
                insert(first, stmt, holder)
            name = holder.stmt.target
            uses = [i for i in tally.containing[target] if i.key >= first_key and i is not holder]
        else:
            name = Name(state.pool.temp())
            state.temps.add(name.id)
            state.kinds[name.id] = state.expr_kind(target)
            uses = [i for i in tally.containing[target] if i.key >= first_key]
        for info in sorted(uses, key=_key):
            if owned(info.stmt) == target:
                continue
            at = bisect_left(keys, info.key)
            tally.remove(info)
            stmts[at] = replace_in(info.stmt, target, name)
            infos[at] = tally.add(stmts[at], info.key)
        if holder is None:
            insert(first, ir.Assign(name, target, origin=stmts[first].origin))
    return stmts


def _key(info: _Info) -> float:
    return info.key


class _Info:
    __slots__ = ("stmt", "key", "candidates", "parts", "held")

    def __init__(self, stmt, key, candidates: list[tuple[Expr, bool]], parts: set[Expr], held: Expr | None):
        self.stmt, self.key = stmt, key  # the statement, and where it stands in the block
        self.candidates = candidates  # (part, counted only where a name holds it), in order
        self.parts = parts  # every part of the statement's expressions
        self.held = held


class _Tally:
    """How often each part worth naming is evaluated in a block, kept as statements change,
    and which statements each part is in (``containing``), is a candidate of (``candidate``)
    or is held whole by (``holding``)."""

    def __init__(self, counts: Counter, owned, holds):
        self.counts, self.owned, self.holds = counts, owned, holds
        self.always: Counter = Counter()  # parts worth a name
        self.if_held: Counter = Counter()  # calls worth reading from a name that holds them
        self.held: Counter = Counter()
        self.repeated: dict[Expr, None] = {}
        self.containing: defaultdict[Expr, set[_Info]] = defaultdict(set)
        self.candidate: defaultdict[Expr, set[_Info]] = defaultdict(set)
        self.holding: defaultdict[Expr, set[_Info]] = defaultdict(set)
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

    def add(self, stmt: ir.Stmt, key: float) -> _Info:
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
        info = _Info(stmt, key, candidates, parts, self.holds(stmt))
        self._count(info, 1)
        self.place(info)
        return info

    def remove(self, info: _Info) -> None:
        self._count(info, -1)
        self.unplace(info)

    def place(self, info: _Info) -> None:
        for part in info.parts:
            self.containing[part].add(info)
        for sub, _ in info.candidates:
            self.candidate[sub].add(info)
        if info.held is not None:
            self.holding[info.held].add(info)

    def unplace(self, info: _Info) -> None:
        for part in info.parts:
            self.containing[part].discard(info)
        for sub, _ in info.candidates:
            self.candidate[sub].discard(info)
        if info.held is not None:
            self.holding[info.held].discard(info)

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

    def first_seen(self, ties: list[Expr]) -> Expr:
        """Of parts equally large, the one a scan of the block meets first (in the first
        statement that has one, the first of its candidates)."""
        best: tuple[float, int] | None = None
        found = None
        for e in ties:
            if self.worth(e)[1] and self.held[e] <= 0:
                continue  # counted only where a name holds it, and none does
            earliest = min(self.candidate[e], key=_key, default=None)
            if earliest is None:
                continue
            rank = (earliest.key, next(k for k, (sub, _) in enumerate(earliest.candidates) if sub == e))
            if best is None or rank < best:
                best, found = rank, e
        if found is None:
            raise AssertionError("a repeated part is in no statement")
        return found


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
