"""Containers written out item by item: lists, tuples and dicts whose items are known.

The adjoint of a container is built one item at a time (``c_bar = zeros_of(c);
c_bar[0] += a``), and the primal often builds one only to read it back
(``d = {"a": x}; ... d["a"]``). Where every item is known these read as what a
person writes:

- ``read_displays``: an item read by its constant key is the item itself, where
  that is a constant or a name assigned once;
- ``gather``: ``c = zeros_of(p)`` followed by one ``c[k] += e`` for each item is
  the display ``c = [a, b]`` (a dict display for a dict);
- ``split_unpacks``: ``a, b = [e1, e2]`` is ``a = e1; b = e2``.

>>> from s2sad.simplify.examples import run
>>> print(run(read_displays, '''
... d = {"a": x, "b": y}
... z = d["a"] * d["b"]
... return z
... '''))
d = {'a': x, 'b': y}
z = x * y
return z
>>> print(run(gather, '''
... c_bar = zeros_of(c)
... c_bar[0] += g
... c_bar[1] += 2.0 * g
... return c_bar
... ''', c=(1.0, 2.0)))
c_bar = [g, 2.0 * g]
return c_bar
>>> print(run(split_unpacks, '''
... a, b = [x, 2.0 * x]
... return a + b
... '''))
a = x
b = 2.0 * x
return a + b
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr, Name, attr_op
from ..rules.algebra import simplify_expr
from ..rules.instantiate import np_call, runtime_call
from .facts import all_reads, all_writes
from .state import State


def read_displays(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``d = {"a": x, "b": y}; ... d["a"]``  ->  ``x``: an item read by its constant key is
    the item itself, where that is a constant or a name assigned once."""
    counts = state.assignments(body)
    changed = _changed_in_place(body)
    displays: dict[str, dict] = {}
    sizes: dict[str, int] = {}
    for stmt in ir.walk(body):
        if (
            isinstance(stmt, ir.Assign)
            and not stmt.accumulate
            and counts[stmt.target.id] == 1
            and stmt.target.id not in changed
            and isinstance(stmt.value, Call)
            and stmt.value.op.form in ("tuple", "list", "dict")
        ):
            v = stmt.value
            items = dict(v.kwargs) if v.op.form == "dict" else dict(enumerate(v.args))
            displays[stmt.target.id] = {
                k: e
                for k, e in items.items()
                if isinstance(e, Const) or isinstance(e, Name) and counts[e.id] == 1
            }
            if v.op.form != "dict":
                sizes[stmt.target.id] = len(v.args)
    if not displays:
        return body

    def item(e: Call) -> Expr:
        if e.op is ir.GETITEM and isinstance(e.args[0], Name) and isinstance(e.args[1], Const):
            items = displays.get(e.args[0].id, {})
            key = e.args[1].value
            size = sizes.get(e.args[0].id)
            if type(key) is int and size is not None and -size <= key < 0:
                key += size  # xs[-1] of a list of three is xs[2]
            if isinstance(key, (int, str)) and not isinstance(key, bool) and key in items:
                return items[key]
        return e

    return ir.map_exprs_in(body, lambda e: ir.map_calls(e, item))


_CHANGES = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem"}


def _changed_in_place(body: list[ir.Stmt]) -> set[str]:
    """Containers changed after they are made (``ys.append(v)``, ``d[k] = v``), and the names
    that may be them (``zs = ys``): their items are no longer those of the display."""
    changed: set[str] = set()
    copies: list[tuple[str, str]] = []
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.SetItem):
            changed.add(stmt.target.id)
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name):
            copies.append((stmt.target.id, stmt.value.id))
    for call in ir.walk_exprs(body):
        if not (isinstance(call, Call) and call.args and isinstance(call.args[0], Name)):
            continue
        if call.op.form == "method" and call.op.symbol in _CHANGES or call.op.symbol == "np.add.at":
            changed.add(call.args[0].id)
    for _ in copies:  # an alias changed is the display changed
        grown = {b for a, b in copies if a in changed} | {a for a, b in copies if b in changed}
        if grown <= changed:
            break
        changed |= grown
    return changed


def split_unpacks(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``a, b = [e1, e2]``  ->  ``a = e1; b = e2`` (when no item reads a target)."""
    return ir.map_blocks(body, _split_unpacks)


def _split_unpacks(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for stmt in stmts:
        v = stmt.value if isinstance(stmt, ir.Unpack) else None
        if (
            isinstance(v, Call)
            and v.op.form in ("tuple", "list")
            and len(v.args) == len(stmt.targets)
            and not {t.id for t in stmt.targets} & {n for a in v.args for n in ir.names_in(a)}
        ):
            out += [ir.Assign(t, e, origin=stmt.origin) for t, e in zip(stmt.targets, v.args)]
        else:
            out.append(stmt)
    return out


def gather(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """``c = zeros_of(p); c[0] += a; c[1] += b; ...`` where every item is added once by
    a constant index: ``c = [a, b]`` (a dict display for a dict)."""
    changed = _changed_in_place(body)  # a list that grows has more items than its kind says
    return ir.map_blocks(body, lambda stmts: _gather(stmts, state, changed))


def _gather(stmts: list[ir.Stmt], state: State, changed: set[str]) -> list[ir.Stmt]:
    for i, stmt in enumerate(stmts):
        if not (isinstance(stmt, ir.Assign) and _calls_helper(stmt.value, "zeros_of")):
            continue
        name, like = stmt.target.id, stmt.value.args[0]
        if set(ir.names_in(like)) & changed:
            continue
        k = state.expr_kind(like)
        slots = k.keys if k.type is dict else range(len(k.items)) if k.items is not None else None
        if slots is None:
            continue
        adds: dict[object, Expr] = {}
        used = []
        for j, later in enumerate(stmts[i + 1 :], i + 1):
            if name not in all_reads(later) | all_writes(later):
                continue
            index = later.index if isinstance(later, ir.SetItem) else None
            if isinstance(index, Const) and type(index.value) is int and k.type is not dict:
                n = len(list(slots))
                index = Const(index.value + n) if -n <= index.value < 0 else index  # xs[-1]
            if (
                isinstance(later, ir.SetItem)
                and later.accumulate
                and later.target.id == name
                and isinstance(index, Const)
                and index.value in slots
                and name not in ir.names_in(later.value)
            ):
                key = index.value
                if key in adds:
                    adds[key] = simplify_expr(Call(ir.ADD, (adds[key], later.value)), state.expr_kind)
                else:
                    adds[key] = later.value
                used.append(j)
            else:
                break  # read, or changed otherwise: keep the list
        else:
            continue
        if not used:
            continue
        for key in slots:  # an item nothing was added to: its zero
            if key not in adds:
                adds[key] = _zero(Call(ir.GETITEM, (like, Const(key))), state)
        if k.type is dict:
            value = Call(ir.DICT, (), tuple((key, adds[key]) for key in slots))
        else:
            value = Call(ir.LIST, tuple(adds[j] for j in slots))
        last = used[-1]
        rebuilt = [s for j, s in enumerate(stmts) if j != i and j not in used]
        position = last - len(used)  # where the last addition stood, once the others are gone
        rebuilt.insert(position, ir.Assign(stmt.target, value, origin=stmts[last].origin))
        state.kinds[name] = state.expr_kind(value)
        return _gather(rebuilt, state, changed)
    return stmts


def _zero(item: Expr, state: State) -> Expr:
    """The zero adjoint of an item: 0.0 for a number, zeros of its shape for an array."""
    k = state.expr_kind(item)
    if k.is_array:
        return np_call("zeros", Call(attr_op("shape"), (item,)))
    if k.is_scalar:
        return Const(0.0)
    return runtime_call("zeros_of", item)


def _calls_helper(e: Expr, name: str) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and getattr(e.op.fn, "__name__", "") == name
