"""Names that share an array changed in place: refuse a read SSA form cannot follow.

SSA form gives each name one value; a change in place (``y[i] = v``, ``y += v`` on an
array, ``np.add.at``) gives a new value to every name bound to that array. A name bound to
it before the change (``z = y``, ``z = y[1:]``), read after it, sees a value SSA form says it
does not have, which the adjoint cannot follow. ``check_aliases`` raises an error at the
line that reads it, saying which copy to make:

>>> import numpy as np
>>> from s2sad.analysis.examples import argument_kinds, lowered
>>> from s2sad.analysis.infer import infer
>>> def f(x):
...     y = x * 2.0
...     z = y[1:]
...     y[0] = 0.0
...     return np.sum(z)
>>> fn = lowered(f)
>>> try:
...     check_aliases(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))
... except UnsupportedSyntaxError as error:
...     print(error.message, error.hint, sep="\\n")
`z` shares memory with `y`, which is changed in place, and it is read after the change
Copy it where it is made (y[1:].copy()), or change a copy of `y`.

A copy, or a view made after the change, is fine; so is a copy made anew on each
iteration and bound to the loop's variable after its change:

>>> def g(x):
...     y = x * 2.0
...     z = y[1:].copy()
...     y[0] = 0.0
...     for i in range(3):
...         new = y.copy()
...         new[1:] = 0.5 * y[:-1]
...         y = new
...     return np.sum(z) + np.sum(y)
>>> fn = lowered(g)
>>> check_aliases(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))

The analysis goes statement by statement: which names hold one array (a copy or a view
joins the array's names, any other assignment leaves them), and which of them a change
has made *stale*; reading a stale name is the error. Through branches and loops, what
holds on some path holds after it. A change whose slots are put back later (``old =
y[i]``, a change of ``y[i]``, then ``y[i] = old``: what adjoint code does) leaves the
names it made stale as they were, so derivative code can be differentiated again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import expr_source
from ..rules.instantiate import expr_kind
from .activity import adds_at, appends
from .aliases import source_name
from .views import view_of


def check_aliases(fn: ir.Function, kinds: dict[str, Kind]) -> None:
    """Raise at the first read of a name whose array changed in place after it was bound."""
    _check_item_adds(fn, kinds)
    _Sharing(fn, kinds).block(fn.body, _State())


def _check_item_adds(fn: ir.Function, kinds: dict[str, Kind]) -> None:
    """``items[k] += v`` on an array that a list or dict holds changes that array in place,
    which other names may hold too (``b`` in ``items = [b, x]``): refused, unless the
    container is an adjoint's own zeros."""
    made = {s.target.id: s.value for s in ir.walk(fn.body) if isinstance(s, ir.Assign)}
    for s in ir.walk(fn.body):
        if not (isinstance(s, ir.SetItem) and s.accumulate and kinds.get(s.target.id, UNKNOWN).is_container):
            continue
        slot = expr_kind(Call(ir.GETITEM, (s.target, s.index)), lambda n: kinds.get(n, UNKNOWN))
        owner = made.get(s.target.id)
        zeros = isinstance(owner, Call) and getattr(owner.op.fn, "__name__", "") in ("zeros_of", "zero_like")
        if slot.is_array and not zeros:
            key = repr(s.index.value) if isinstance(s.index, ir.Const) else expr_source(s.index)
            item = f"{source_name(fn, s.target.id)}[{key}]"
            raise UnsupportedSyntaxError(
                f"`{item} += ...` (or `-=`) changes the array the container holds, in place, "
                "which is not supported",
                ir.location(fn, s.origin),
                f"Make a new array: {item} = {item} + ... (or - ...)",
            )


@dataclass
class _State:
    shared: dict[str, set[str]] = field(default_factory=dict)  # name -> other names of its array
    stale: dict[str, tuple] = field(default_factory=dict)  # name -> (array changed, made, change)
    slots: dict[str, tuple] = field(default_factory=dict)  # view name -> (array, index)
    saved: dict[str, tuple] = field(default_factory=dict)  # old -> (array, index, changes since)
    holders: dict[str, set[tuple]] = field(default_factory=dict)  # name -> (container, key) holding it
    held: dict[str, tuple] = field(default_factory=dict)  # stale container -> (item changed, its keys)

    def copy(self) -> _State:
        return _State(
            {n: set(o) for n, o in self.shared.items()},
            dict(self.stale),
            dict(self.slots),
            {n: (y, i, list(c)) for n, (y, i, c) in self.saved.items()},
            {n: set(o) for n, o in self.holders.items()},
            {n: (c, set(k)) for n, (c, k) in self.held.items()},
        )

    def merge(self, other: _State) -> _State:
        """What may hold after either of two paths."""
        out = self.copy()
        for n, o in other.shared.items():
            out.shared.setdefault(n, set()).update(o)
        for n, o in other.holders.items():
            out.holders.setdefault(n, set()).update(o)
        out.held = {n: (c, set(k)) for n, (c, k) in {**other.held, **self.held}.items()}
        out.stale = {**other.stale, **self.stale}
        out.slots = {n: v for n, v in self.slots.items() if other.slots.get(n) == v}
        out.saved = {n: v for n, v in out.saved.items() if other.saved.get(n) == v}
        return out


class _Sharing:
    def __init__(self, fn: ir.Function, kinds: dict[str, Kind]):
        self.fn, self.kinds = fn, kinds
        self.made: dict[str, ir.Stmt] = {}  # the statement that last bound each name

    def block(self, stmts: list[ir.Stmt], state: _State) -> _State:
        for stmt in stmts:
            state = self.statement(stmt, state)
        return state

    def statement(self, stmt: ir.Stmt, state: _State) -> _State:
        if isinstance(stmt, ir.If):
            self.reads(stmt, state)
            return self.block(stmt.body, state.copy()).merge(self.block(stmt.orelse, state.copy()))
        if isinstance(stmt, (ir.For, ir.While)):
            return self.loop(stmt, state)
        if isinstance(stmt, ir.Def):
            return state
        if isinstance(stmt, ir.Assign) and not stmt.accumulate and _makes_view(stmt, self.kinds):
            base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
            self.bind(stmt.target.id, stmt, state, base)
            if base in state.stale:  # bound to a changed array: as stale as the name it comes from
                state.stale[stmt.target.id] = (state.stale[base][0], stmt, state.stale[base][2])
            if isinstance(stmt.value, Call) and stmt.value.op is ir.GETITEM:
                state.slots[stmt.target.id] = (base, stmt.value.args[1])
            return state
        self.reads(stmt, state)
        if self.item_read(stmt, state):
            return state
        if self.restores(stmt, state):
            return state
        changed = _changed_array(stmt, self.kinds)
        if changed is not None:
            others = state.shared.get(changed, set()) | ({changed} if isinstance(stmt, ir.Assign) else set())
            for other in others - set(stmt.writes()):
                state.stale.setdefault(other, (changed, self.made.get(other), stmt))
            self.holders_changed(changed, state.shared.get(changed, set()) | {changed}, state)
            for array, _, changes in state.saved.values():
                if array == changed:
                    changes.append(stmt)
        if not isinstance(stmt, ir.SetItem):
            for target in stmt.writes():  # y_1 = y + v in place: y_1 is y's array
                in_place = changed is not None and isinstance(stmt, ir.Assign)
                self.bind(target, stmt, state, changed if in_place else None)
            if isinstance(stmt, ir.Assign):
                self.saves(stmt, state)
                self.holds(stmt, state)
        return state

    def holds(self, stmt: ir.Assign, state: _State) -> None:
        """``c = [y, a]``: the container holds the array (or list) ``y`` itself; a display in a
        display (``{"p": [y, a]}``) is a container of its own, named ``c['p']``, which ``c``
        holds."""

        def register(container: str, value: Expr) -> None:
            items = list(value.kwargs) if value.op.form == "dict" else list(enumerate(value.args))
            for key, e in items:
                if isinstance(e, Name) and not self.kinds.get(e.id, UNKNOWN).is_scalar:
                    state.holders.setdefault(e.id, set()).add((container, key))
                elif isinstance(e, Call) and e.op.form in ("tuple", "list", "dict"):
                    inner = f"{container}[{key!r}]"
                    state.holders.setdefault(inner, set()).add((container, key))
                    register(inner, e)

        if isinstance(stmt.value, Call) and stmt.value.op.form in ("tuple", "list", "dict"):
            register(stmt.target.id, stmt.value)

    def item_read(self, stmt: ir.Stmt, state: _State) -> bool:
        """``v = c[k]``, ``a, b = c``: a name bound to an item a container holds is that item,
        and shares its array (``v = d["p"]`` after ``d = {"p": y}``: a change of ``y`` in
        place changes ``v``); a container read from a container holds what that one holds."""
        if isinstance(stmt, ir.Assign) and not stmt.accumulate:
            value = stmt.value
            if not (isinstance(value, Call) and value.op is ir.GETITEM and isinstance(value.args[0], Name)):
                return False
            key = value.args[1].value if isinstance(value.args[1], ir.Const) else _ANY
            pairs = [(stmt.target.id, key)]
            container = value.args[0].id
        elif isinstance(stmt, ir.Unpack) and isinstance(stmt.value, Name):
            pairs = [(t.id, i) for i, t in enumerate(stmt.targets)]
            container = stmt.value.id
        else:
            return False
        held = {name: keys for name, keys in _held_by(container, state).items()}
        if not held:
            return False
        for target, key in pairs:
            items = [name for name, keys in held.items() if key is _ANY or key in keys or _ANY in keys]
            self.bind(target, stmt, state, items[0] if items else None)
            for other in items[1:]:
                state.shared.setdefault(other, set()).add(target)
                state.shared.setdefault(target, set()).add(other)
            for item in items:  # the item is itself a container: what it holds, the target holds
                for name, keys in _held_by(item, state).items():
                    state.holders.setdefault(name, set()).update((target, k) for k in keys)
                if item in state.stale:
                    state.stale[target] = (state.stale[item][0], stmt, state.stale[item][2])
        return True

    def holders_changed(self, changed: str, names: set[str], state: _State) -> None:
        """The containers that hold the array changed (through any of its ``names``), and
        those that hold them, see the change: stale."""
        todo, seen = list(names), set(names)
        while todo:
            for holder, key in state.holders.get(todo.pop(), set()):
                _, keys = state.held.setdefault(holder, (changed, set()))
                keys.add(key)
                if holder not in seen:
                    seen.add(holder)
                    todo.append(holder)

    def loop(self, stmt: ir.For | ir.While, state: _State) -> _State:
        self.reads(stmt, state)
        head = state.copy()
        for _ in range(8):  # until what holds at the top of some iteration settles
            inner = head.copy()
            for target in stmt.writes():
                self.bind(target, stmt, inner, None)
            if isinstance(stmt, ir.While):
                inner = self.block(stmt.test_body, inner)
                self.reads(stmt, inner)
            new = head.merge(self.block(stmt.body, inner))
            if new == head:
                break
            head = new
        return self.block(stmt.test_body, head) if isinstance(stmt, ir.While) else head

    def bind(self, name: str, stmt: ir.Stmt, state: _State, base: str | None) -> None:
        """``name`` bound anew: to ``base``'s array, or to an array of its own."""
        group = state.shared.get(base, set()) | {base} if base is not None else set()
        for other in state.shared.pop(name, set()):
            state.shared.get(other, set()).discard(name)
        state.stale.pop(name, None)
        state.held.pop(name, None)
        state.holders.pop(name, None)
        state.slots.pop(name, None)
        state.saved = {
            old: (y, index, changes)
            for old, (y, index, changes) in state.saved.items()
            if old != name and y != name and name not in set(ir.names_in(index))
        }
        self.made[name] = stmt
        group.discard(name)
        for other in group:
            state.shared.setdefault(other, set()).add(name)
        if group:
            state.shared[name] = group

    def saves(self, stmt: ir.Assign, state: _State) -> None:
        """``old = y[i]``, ``old = y[i].copy()``: the slots, kept to be put back."""
        value = stmt.value
        if isinstance(value, Call) and value.op.form == "method" and value.op.symbol == "copy":
            value = value.args[0]
        if isinstance(value, Call) and value.op is ir.GETITEM and isinstance(value.args[0], Name):
            state.saved[stmt.target.id] = (value.args[0].id, value.args[1], [])
        elif isinstance(value, Name) and value.id in state.slots:
            state.saved[stmt.target.id] = (*state.slots[value.id], [])

    def restores(self, stmt: ir.Stmt, state: _State) -> bool:
        """``y[i] = old``, putting back what ``old = y[i]`` kept, after changes of ``y[i]``
        only: the names those changes made stale are not stale any more."""
        if not (isinstance(stmt, ir.SetItem) and not stmt.accumulate and isinstance(stmt.value, Name)):
            return False
        kept = state.saved.get(stmt.value.id)
        if kept is None or kept[0] != stmt.target.id or kept[1] != stmt.index:
            return False
        changes = kept[2]
        if not all(isinstance(c, ir.SetItem) and c.index == stmt.index for c in changes):
            return False
        state.stale = {n: v for n, v in state.stale.items() if not any(v[2] is c for c in changes)}
        for array, _, since in state.saved.values():
            if array == stmt.target.id:
                since.append(stmt)
        return True

    def reads(self, stmt: ir.Stmt, state: _State) -> None:
        for name in sorted(_value_reads(stmt)):
            if name in state.stale:
                changed, made, _ = state.stale[name]
                raise _shared_error(self.fn, name, changed, made, stmt)
            if name in state.held and not _other_items_only(stmt, name, state.held[name][1]):
                changed, _ = state.held[name]
                holder, item = source_name(self.fn, name), source_name(self.fn, changed)
                raise UnsupportedSyntaxError(
                    f"`{holder}` holds `{item}`, which is changed in place after, and `{holder}` "
                    "is read after the change",
                    ir.location(self.fn, stmt.origin),
                    f"Put a copy in it ({item}.copy()), or change a copy of `{item}`.",
                )


_ANY = object()  # an item read by a key known only when the code runs: it may be any of them


def _held_by(container: str, state: _State) -> dict[str, set]:
    """The names ``container`` holds, with the keys it holds them at."""
    out: dict[str, set] = {}
    for name, places in state.holders.items():
        for holder, key in places:
            if holder == container:
                out.setdefault(name, set()).add(key)
    return out


def _changed_array(stmt: ir.Stmt, kinds: dict[str, Kind]) -> str | None:
    """The array (or list) ``stmt`` changes in place: ``y[i] = v``, ``np.add.at(y, i, v)``,
    ``y += v``, ``xs.append(v)``."""
    if isinstance(stmt, ir.SetItem):
        return stmt.target.id
    if isinstance(stmt, ir.Effect) and (adds_at(stmt.value) or appends(stmt.value)):
        return stmt.value.args[0].id
    before = getattr(stmt, "in_place", None)  # y += v, marked by lowering: the array before
    if before is not None and not kinds.get(before, UNKNOWN).is_scalar:
        return before
    return None


def _shared_error(fn: ir.Function, other: str, name: str, made: ir.Stmt | None, use: ir.Stmt):
    made = made if isinstance(made, ir.Assign) else None
    temp = other in fn.temps and made is not None
    value = None
    if made is not None:  # as the user wrote it: y, not y_1
        spelled = {n: Name(source_name(fn, n)) for n in ir.names_in(made.value)}
        value = expr_source(ir.substitute(made.value, spelled))
    what = f"`{value}`" if temp else f"`{source_name(fn, other)}`"
    made_as = value if value is not None else source_name(fn, other)
    fix = made_as if made_as.endswith(".copy()") else f"{made_as}.copy()"
    changed = source_name(fn, name)
    return UnsupportedSyntaxError(
        f"{what} shares memory with `{changed}`, which is changed in place, and it is read after the change",
        ir.location(fn, use.origin),
        f"Copy it where it is made ({fix}), or change a copy of `{changed}`.",
    )


_SHAPE_ONLY = {"shape", "ndim", "size", "dtype"}


def _other_items_only(stmt: ir.Stmt, name: str, keys: set) -> bool:
    """Whether ``stmt`` reads ``name`` only by constant keys other than ``keys`` (``t[1]`` of
    ``t = (y, x)`` after ``y`` changed: ``x``, not ``y``)."""
    found: list[bool] = []

    def visit(e: Expr) -> None:
        if isinstance(e, Name) and e.id == name:
            found.append(False)
        elif isinstance(e, Call):
            if e.op is ir.GETITEM and e.args[0] == Name(name) and isinstance(e.args[1], ir.Const):
                key = e.args[1].value
                found.append(type(key) in (int, str) and key not in keys)
                return
            for c in e.children():
                visit(c)

    for e in stmt.exprs():
        if e is not None:
            visit(e)
    return bool(found) and all(found)


def _value_reads(stmt: ir.Stmt) -> set[str]:
    """The names ``stmt`` reads, less those it reads only for their shape (``y.shape``), which
    no change in place changes."""
    shaped, plain = set(), set()

    def visit(e: Expr) -> None:
        if isinstance(e, Name):
            plain.add(e.id)
        elif isinstance(e, Call):
            name = e.op.symbol if e.op.form == "attr" else getattr(getattr(e.op, "fn", None), "__name__", "")
            of_name = bool(e.args) and isinstance(e.args[0], Name)
            if e.op.form in ("attr", "call") and name in _SHAPE_ONLY and of_name:
                shaped.add(e.args[0].id)
                return
            for c in e.children():
                visit(c)

    for e in stmt.exprs():
        if e is not None:
            visit(e)
    return set(stmt.reads()) - (shaped - plain)


def _makes_view(stmt: ir.Assign, kinds: dict[str, Kind]) -> bool:
    """``z = y`` or ``z = y[1:]`` (an array, not a number read from one)."""
    base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
    if base is None or base == stmt.target.id or kinds.get(stmt.target.id, UNKNOWN).is_scalar:
        return False
    # an item of a list is the item itself: a change to the list does not change it
    return isinstance(stmt.value, Name) or not kinds.get(base, UNKNOWN).is_container
