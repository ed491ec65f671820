"""Reversing what builds, takes apart or changes a container: tuples, lists, dicts, arrays.

A display ``(a, b)`` hands the items of its adjoint back to ``a`` and ``b``;
``xs.append(v)`` and ``x = xs.pop()`` undo each other (the adjoint of ``v`` is
popped off the end of ``xs_bar``, that of ``x`` appended to it). An array
changed in place, ``y[i] = v``, passes ``y_bar[i]`` to ``v`` and zeroes it: the
old slot no longer reaches the output. The adjoint sweep may read ``y`` as it
was before the change, so the old slot is kept and put back on the way back:

>>> import numpy as np
>>> from s2sad.derive.examples import show
>>> def f(x):
...     y = x * 1.0
...     z = np.sum(y * y)
...     y[0] = x[1]
...     return z + np.sum(y * x)
>>> show(f, x=np.ones(3))
def f_grad(x):
    y = x * 1.0
    v1 = y * y
    z = np.sum(v1)
    v2 = x[1]
    y_old = y[0]
    y[0] = v2
    v3 = y * x
    v4 = np.sum(v3)
    v5 = z + v4
    v5_bar = 1.0
    z_bar = v5_bar
    v4_bar = v5_bar
    v3_bar = np.full(v3.shape, v4_bar)
    y_bar = v3_bar * x
    x_bar = v3_bar * y
    v2_bar = y_bar[0]
    y_bar[0] = 0.0
    y[0] = y_old
    x_bar[1] += v2_bar
    v1_bar = np.full(v1.shape, z_bar)
    y_bar += v1_bar * y
    y_bar += v1_bar * y
    x_bar += y_bar
    return as_gradient(x_bar, x)
<BLANKLINE>

Through an index that may name a slot twice (``y[idx] = v`` with an integer array), NumPy
writes the slot once per time it is named and the last write stays: ``last_written(y_bar,
idx, v)`` hands each slot's adjoint to that write alone, where ``y_bar[idx]`` would give it
to every one. ``drop_unneeded_restores`` removes the pairs whose array nothing in the adjoint
sweep reads after the slot is put back. A list or dict written by item (``items[0] = v``,
``d["a"] = v``) is reversed the same way: its items are values of their own, so the adjoint
of the overwritten item is a zero like it, and a key the dict did not have is taken out again.
"""

from __future__ import annotations

from .. import ir
from ..analysis.aliases import check_owned
from ..analysis.views import view_of
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name, method_op
from ..rules.instantiate import runtime_call
from .adjoints import Adjoints, Loop, adjoint_origin, may_repeat


class Containers(Adjoints):
    """The part of ``Reverse`` that reverses displays, ``append`` and ``pop``, and changes to
    arrays in place (``y[i] = v``, ``np.add.at``)."""

    # displays: (a, b), [a, b], {"a": a} ----------------------------------------------
    def unpackable(self, display: Call, state: set[str], loop: Loop | None, g: Expr | None = None) -> bool:
        """Whether each item of a flat display is a constant or a name whose adjoint starts here
        (as the item of ``g``: not a row of an array where the name is a list)."""
        names = [e.id for e in display.args if isinstance(e, Name) and e.id in self.active]
        rows = g is not None and any(
            isinstance(e, Name) and e.id in self.active and self.as_list_adjoint(e.id, part) != part
            for e, part in ((e, Call(ir.GETITEM, (g, Const(i)))) for i, e in enumerate(display.args))
        )
        return (
            bool(names)
            and not rows
            and all(isinstance(e, (Name, Const)) for e in display.args)
            and len(names) == len(set(names))
            and not any(n in state or loop is not None and n not in loop.defs for n in names)
        )

    def unpack(self, display: Call, g: Expr, origin, state: set[str]) -> ir.Stmt:
        """``a_bar, b_bar = g``: the adjoints of a display's items start as the items of ``g``."""
        targets, ignored = [], None
        for e in display.args:
            if isinstance(e, Name) and e.id in self.active:
                targets.append(Name(self.adjoint(e.id)))
                state.add(e.id)
            else:
                ignored = ignored or Name(self.pool.fresh("_"))
                self.temps.add(ignored.id)
                targets.append(ignored)
        return ir.Unpack(tuple(targets), g, origin=adjoint_origin(origin))

    def distribute(self, display: Call, g: Expr, origin, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """The items of ``g`` to the adjoints of the names in a tuple or list display."""
        out: list[ir.Stmt] = []
        items = display.kwargs if display.op.form == "dict" else enumerate(display.args)
        for key, e in items:
            part = Call(ir.GETITEM, (g, Const(key)))
            if isinstance(e, Name) and e.id in self.active:
                out += self.contribute(e.id, part, origin, state, loop)
            elif is_display(e):
                out += self.distribute(e, part, origin, state, loop)
        return out

    # lists: xs.append(v), x = xs.pop() -------------------------------------------------
    def append(self, stmt: ir.Effect, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``xs.append(v)``: the last item of ``xs_bar`` is ``v``'s adjoint (appends undo in order)."""
        xs, v = stmt.value.args
        if xs.id not in state or xs.id not in self.active:
            return []
        last = Call(method_op("pop"), (Name(self.bar[xs.id]),))
        if isinstance(v, Name) and v.id in self.active:
            return self.contribute(v.id, last, stmt.origin, state, loop)
        if is_display(v) and any(n in self.active for n in ir.names_in(v)):
            # xs.append([a, b]): the last item of xs_bar goes back to a and b
            item = Name(self.pool.fresh(f"{xs.id}_item_bar"))
            self.kinds[item.id] = self.kind_of_expr(last)
            self.temps.add(item.id)
            take = ir.Assign(item, last, origin=adjoint_origin(stmt.origin))
            return [take] + self.distribute(v, item, stmt.origin, state, loop)
        return [ir.Effect(last, origin=adjoint_origin(stmt.origin))]

    def pop(self, stmt: ir.Assign, g: Name, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``x = xs.pop()``: x's adjoint ``g`` goes back on the end of xs's."""
        xs = stmt.value.args[0]
        if not isinstance(xs, Name) and any(n in self.active for n in ir.names_in(xs)):
            message = "`.pop()` of a list display is not supported"
            raise UnsupportedSyntaxError(message, ir.location(self.fn, stmt.origin), "Name the list first.")
        if not (isinstance(xs, Name) and xs.id in self.active):
            return []
        out: list[ir.Stmt] = []
        origin = adjoint_origin(stmt.origin)
        if xs.id not in state and (loop is None or xs.id in loop.defs):
            out.append(ir.Assign(Name(self.adjoint(xs.id)), self.zero(xs.id), origin=origin))
        elif loop is not None and xs.id not in loop.defs:
            loop.outer.add(xs.id)  # made (empty: every item popped) before the loop
        state.add(xs.id)
        push = Call(method_op("append"), (Name(self.adjoint(xs.id)), g))
        return out + [ir.Effect(push, origin=origin)]

    # arrays changed in place: y[i] = v, np.add.at(y, i, v) ------------------------------
    def setitem(self, stmt: ir.SetItem, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """``y[i] = v``: v's adjoint is ``y_bar[i]``, and the overwritten slot's adjoint is zero."""
        check_owned(self.fn, stmt)
        name, index, value = stmt.target.id, stmt.index, stmt.value
        forward: list[ir.Stmt] = [stmt]
        adjoint: list[ir.Stmt] = []
        origin = adjoint_origin(stmt.origin)
        if name in state and name in self.active:
            g = Name(self.bar[name])
            part = Call(ir.GETITEM, (g, index))
            if isinstance(value, Name) and value.id in self.active and self.kind_of(name).is_container:
                # an item of a list or dict is the value itself, and the next line replaces it;
                # after `y[i] += v` it stays, and is added to in place: a copy
                taken: Expr = part
                if stmt.accumulate and self.kind_of_expr(part).is_array:
                    taken = Call(method_op("copy"), (part,))
                elif stmt.accumulate and not self.kind_of_expr(part).is_scalar:
                    taken = runtime_call("add_leaves", runtime_call("zero_like", part), part)
                adjoint += self.contribute(value.id, taken, stmt.origin, state, loop)
            elif isinstance(value, Name) and value.id in self.active and may_repeat(index, self.kind_of_expr):
                # a slot the index names twice keeps the last write: only it reaches the output
                taken = self.last_write(g, index, value, stmt.accumulate)
                adjoint += self.contribute(value.id, taken, stmt.origin, state, loop)
            elif isinstance(value, Name) and value.id in self.active:
                taken = self.unbroadcast(part, value)
                if not self.kind_of_expr(part).is_scalar and _may_be(taken, part):
                    # a view of the slot would change with the next line
                    taken = self.unbroadcast(Call(method_op("copy"), (part,)), value)
                adjoint += self.contribute(value.id, taken, stmt.origin, state, loop)
        save, restore = self.saved_slots(stmt, stmt.target, index, stmt.accumulate)
        old = save.target
        container = self.kind_of(name).is_container
        if name in state and name in self.active and not stmt.accumulate:
            if container and not self.kinds[old.id].is_scalar:
                # an item of a list or dict is a value of its own: its adjoint is zero like it
                zero = ir.SetItem(g, index, runtime_call("zero_like", old), origin=origin)
            else:
                zero = ir.SetItem(g, index, Const(0.0), origin=origin)
            adjoint.append(zero)
        return [save] + forward, adjoint + [restore]

    def saved_slots(self, stmt: ir.Stmt, y: Name, index: Expr, accumulate: bool) -> tuple[ir.Assign, ir.Stmt]:
        """Keep the values ``stmt`` overwrites in ``y[index]``, to put them back when the adjoint
        sweep passes: adjoint code reading ``y`` sees it as it was. ``drop_unneeded_restores``
        drops the pair where nothing reads ``y``."""
        name, origin = y.id, adjoint_origin(stmt.origin)
        old = Name(self.pool.fresh(f"{name}_old"))
        container = self.kind_of(name).is_container
        slot = Call(ir.GETITEM, (y, index))
        self.kinds[old.id] = self.kind_of_expr(slot)
        # `y[i] += v` adds into an array item in place; `y[i] = v` on a list only replaces it
        copied = self.kinds[old.id].is_array and (accumulate or not container)
        read: Expr = Call(method_op("copy"), (slot,)) if copied else slot
        restore: ir.Stmt = ir.SetItem(y, index, old, origin=origin)
        if self.kind_of(name).type is dict and not _has_key(self.fn, name, index):
            read = runtime_call("saved_item", y, index)  # the key may be new: put back none
            restore = ir.Effect(runtime_call("restore_item", y, index, old, pure=False), origin=origin)
        save = ir.Assign(old, read, origin=stmt.origin)
        save.restore_of = restore.restore_of = name  # type: ignore[attr-defined]
        self.defines.setdefault(id(stmt), []).append(old.id)  # in a loop: one per iteration, taped
        return save, restore

    def last_write(self, g: Name, index: Expr, value: Name, accumulate: bool) -> Expr:
        """The adjoint of ``value`` in ``y[index] = value`` (or ``+=``) where ``index`` may name
        a slot twice: each slot's adjoint ``g`` goes to the write NumPy kept there, the last."""
        if accumulate or self.kind_of(value.id).dims == ():
            # `y[index] += v` writes `y[index] + v`, laid out like `y[index]`; a number, to every slot
            return self.unbroadcast(runtime_call("last_written", g, index), value)
        return runtime_call(
            "last_written", g, index, value
        )  # its order of writing follows the value's layout

    def add_at(self, stmt: ir.Effect, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """``np.add.at(y, index, v)``: v's adjoint is ``y_bar[index]`` (each slot as often as it
        was added to); y's adjoint passes through unchanged. The slots' old values are put back
        after, for the adjoints of what read ``y`` before the addition."""
        y, index, v = stmt.value.args
        check_owned(self.fn, ir.SetItem(y, index, v, accumulate=True, origin=stmt.origin))
        save, restore = self.saved_slots(stmt, y, index, accumulate=True)
        if not (y.id in state and y.id in self.active and isinstance(v, Name) and v.id in self.active):
            return [save, stmt], [restore]
        part = Call(ir.GETITEM, (Name(self.bar[y.id]), index))
        adjoint = self.contribute(v.id, self.unbroadcast(part, v), stmt.origin, state, loop)
        return [save, stmt], adjoint + [restore]


def is_display(e: Expr) -> bool:
    """A tuple, list or dict display: ``(a, b)``, ``[a, b]``, ``{"a": a}``."""
    return isinstance(e, Call) and e.op.form in ("tuple", "list", "dict")


def _may_be(e: Expr, part: Expr) -> bool:
    """Whether ``e`` may be ``part`` itself (or a view of it): ``part``, or a run-time helper of it."""
    if e == part:
        return True
    return (
        isinstance(e, Call)
        and e.op.form == "call"
        and e.op.fn.__module__.startswith("s2sad.runtime")
        and e.args[0] == part
    )


def _has_key(fn: ir.Function, name: str, key: Expr) -> bool:
    """Whether the dict display ``name`` is made from has the constant ``key``."""
    owner = next(
        (s.value for s in ir.walk(fn.body) if isinstance(s, ir.Assign) and s.target.id == name), None
    )
    if not (isinstance(owner, Call) and owner.op.form == "dict" and isinstance(key, Const)):
        return False
    return any(type(k) is type(key.value) and k == key.value for k, _ in owner.kwargs)


def drop_unneeded_restores(fn: ir.Function) -> ir.Function:
    """Saving and restoring overwritten slots only matters where adjoint code, or a statement
    the reverse sweep recomputes, reads the array after the slot is put back (later in the
    sweep, or in a loop around both)."""
    stmts = list(ir.walk(fn.body))
    arrays = {s.restore_of for s in stmts if hasattr(s, "restore_of")}
    if not arrays:
        return fn
    owner = {a: a for a in arrays}  # views of the arrays (y[1:], y.T, ...) read their slots too
    for _ in range(3):
        for stmt in stmts:
            if isinstance(stmt, ir.Assign) and view_of(stmt.value) in owner:
                owner.setdefault(stmt.target.id, owner[view_of(stmt.value)])
    order = {id(s): i for i, s in enumerate(stmts)}
    loops: dict[int, set[int]] = {id(s): set() for s in stmts}
    for loop in stmts:
        if isinstance(loop, (ir.For, ir.While)):
            for s in ir.walk([s for block in loop.blocks() for s in block]):
                loops[id(s)].add(id(loop))
    readers: dict[str, list[ir.Stmt]] = {}
    for stmt in stmts:
        if hasattr(stmt, "restore_of"):
            continue
        if stmt.origin is not None and stmt.origin.adjoint or getattr(stmt, "recomputed", False):
            for a in {owner[n] for n in stmt.reads() if n in owner}:
                readers.setdefault(a, []).append(stmt)

    def read_after(restore: ir.Stmt) -> bool:
        return any(
            order[id(r)] > order[id(restore)] or loops[id(r)] & loops[id(restore)]
            for r in readers.get(restore.restore_of, ())
        )

    kept = {
        id(s) for s in stmts if hasattr(s, "restore_of") and not isinstance(s, ir.Assign) and read_after(s)
    }
    needed = {s.restore_of for s in stmts if id(s) in kept}
    # a zeroed adjoint like the old item reads the saved value: that save stays
    read = {n for s in stmts if not hasattr(s, "restore_of") for n in s.reads()}

    def dropped(s: ir.Stmt) -> bool:
        if not hasattr(s, "restore_of") or id(s) in kept:
            return False
        if isinstance(s, ir.Assign):  # a save
            return s.restore_of not in needed and s.target.id not in read
        return True

    def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        return [ir.with_blocks(s, block) for s in stmts if not dropped(s)]

    return ir.replace(fn, body=block(fn.body))
