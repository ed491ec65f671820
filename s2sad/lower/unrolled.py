"""Loops and builtins over containers known whole, done while lowering; ``map`` and
``filter`` as the comprehensions they mean.

A ``for`` over a helper's ``*args`` or over a list of functions runs now, once per
item, so each call is to a function known by name; ``sum``, ``max``, ``min``, ``len``,
``list``, ``tuple``, ``zip``, ``enumerate`` and ``reversed`` of such a container give
what they give when run. ``map(f, xs)`` is ``[f(x) for x in xs]`` and ``filter(f, xs)``
is ``[x for x in xs if f(x)]`` (over a display, the list is written out):

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, xs):
...     return sum(map(np.sin, [x, 2.0 * x])) + sum(filter(lambda v: v > 0, xs))
... '''))
def f(x, xs):
    v1 = 2.0 * x
    v2 = np.sin(x)
    v3 = np.sin(v1)
    items = []
    for item in xs:
        v4 = item > 0
        if v4:
            items.append(item)
    v5 = v2 + v3
    v6 = sum(items)
    v7 = v5 + v6
    return v7
"""

from __future__ import annotations

import builtins

import gast

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.fold import fold_constant as fold
from .expressions import Function, Module
from .static import Items, Keyed
from .values import FUNCTION_VALUES, is_function

_VIEWS = ("items", "keys", "values")
_ITERATORS = (builtins.zip, builtins.enumerate, builtins.reversed, builtins.list, builtins.tuple)


class Unrolling:
    """The part of the lowering that iterates known containers now."""

    def consumed(self, node: gast.Call, fn, values: list) -> object | None:
        """``fn(*values)`` done now, for a builtin given a container known whole; else ``None``."""
        first = values[0]
        if fn is builtins.len and len(values) == 1 and isinstance(first, (Items, Keyed)):
            return Const(len(first.items if isinstance(first, Items) else first.entries))
        whole = any(isinstance(v, (Items, Keyed)) for v in values)
        if fn in (builtins.zip, builtins.enumerate) and not whole:  # in a call, not a for header
            whole = all(
                self.known_items(v) is not None for v in values[: 1 if fn is builtins.enumerate else None]
            )
        if not whole:
            return None
        if fn in (builtins.list, builtins.tuple) and len(values) == 1 and not node.keywords:
            return Items(fn.__name__, self.items_now(node, first))
        if fn is builtins.reversed and len(values) == 1:
            return Items("list", tuple(reversed(self.items_now(node, first))))
        if fn is builtins.zip and not node.keywords:
            columns = [self.items_now(node, v) for v in values]
            if any(c is not None for c in columns):  # zip(layers, ws): ws read as far as layers go
                n = min(len(c) for c in columns if c is not None)
                columns = [
                    self.first_items(a, v, n) if c is None else c
                    for a, v, c in zip(node.args, values, columns)
                ]
                return Items("list", tuple(Items("tuple", tuple(row)) for row in zip(*columns)))
        if fn is builtins.enumerate and len(values) == 1:
            start = next((self.value(k.value) for k in node.keywords if k.arg == "start"), Const(0))
            if isinstance(start, Const):
                rows = enumerate(self.items_now(node, first), start.value)
                return Items("list", tuple(Items("tuple", (Const(i), v)) for i, v in rows))
        if fn is builtins.sum and len(values) <= 2 and not node.keywords:
            items = [self.settle(node, v) for v in self.known_items(first)]
            total = self.settle(node, values[1]) if len(values) == 2 else None
            for item in items:
                total = item if total is None else fold(Call(ir.ADD, (total, item)))
            return Const(0) if total is None else total
        if fn in (builtins.max, builtins.min) and len(values) == 1 and not node.keywords:
            items = self.known_items(first)
            if len(items) == 1:
                return items[0]
            if items:
                with self.holding():
                    spread = gast.Call(node.func, [self.hold(v, node) for v in items], [])
                    return self._Call(gast.copy_location(spread, node))
        return None

    def items_now(self, node: gast.AST, value: object) -> tuple | None:
        """The items of a container known whole, each evaluated (once) now."""
        items = self.known_items(value)
        return None if items is None else tuple(self.passed(node, v) for v in items)

    def first_items(self, node: gast.expr, value: object, n: int) -> list[Expr]:
        """``value[0]``, ..., ``value[n - 1]`` of a sequence known only when it runs, zipped with
        one of ``n`` items known now; shorter, zip would stop early: an error when it runs."""
        seq = self.atom(self.settle(node, value))
        size = self.atom(Call(ir.call_op(builtins.len, "len", canonical=True), (seq,)))
        message = (
            f"zip: `{self.text(node)}` has fewer than the {n} items of the container known whole beside it"
        )
        self.emit(ir.Assert(self.atom(Call(ir.COMPARE[">="], (size, Const(n)))), Const(message)))
        return [self.atom(Call(ir.GETITEM, (seq, Const(i)))) for i in range(n)]

    def mapped(self, node: gast.Call, fn) -> object:
        """``map(f, *xs)`` and ``filter(f, xs)`` as comprehensions (written out over displays)."""
        name = fn.__name__
        if node.keywords or len(node.args) < 2 or name == "filter" and len(node.args) != 2:
            raise self.error(node, f"this call of `{name}` is not supported", f"Write `{name}(f, xs)`.")
        f = self.value(node.args[0])
        if not (isinstance(f, FUNCTION_VALUES) or is_function(f) or f == Const(None) and name == "filter"):
            raise self.error(
                node.args[0],
                f"`{self.text(node.args[0])}` is not a function known when the function is transformed",
            )
        iterables = [self.value(a) for a in node.args[1:]]
        with self.holding():
            return self.map_now(node, name, f, iterables)

    def map_now(self, node: gast.Call, name: str, f: object, iterables: list) -> object:
        f_node = self.hold(f, node.args[0])
        columns = [self.known_items(v) for v in iterables]
        if name == "map" and all(c is not None for c in columns):
            columns = [[self.passed(node, v) for v in c] for c in columns]
            out = []
            for row in zip(*columns):
                with self.holding():
                    call = gast.copy_location(gast.Call(f_node, [self.hold(v, node) for v in row], []), node)
                    out.append(self.passed(node, self._Call(call)))
            return Items("list", tuple(out))
        its = [self.hold(self.passed(a, v), a) for a, v in zip(node.args[1:], iterables)]
        targets: list[str] = []
        for _ in its:
            targets.append(self.loop_name("item", targets))
        loads = [gast.Name(t, gast.Load(), None, None) for t in targets]
        if len(its) == 1:
            target, it = gast.Name(targets[0], gast.Store(), None, None), its[0]
        else:
            target = gast.Tuple([gast.Name(t, gast.Store(), None, None) for t in targets], gast.Store())
            it = gast.Call(self.hold(Function(builtins.zip, "zip", False), node), its, [])
        if name == "map":
            elt, ifs = gast.Call(f_node, loads, []), []
        else:
            elt, ifs = loads[0], [loads[0] if f == Const(None) else gast.Call(f_node, loads, [])]
        comp = gast.copy_location(gast.ListComp(elt, [gast.comprehension(target, it, ifs, 0)]), node)
        for n in gast.walk(comp):
            gast.copy_location(n, node)
        return self.comprehension(comp)

    def paired(self, node: gast.Call, fn, values: list) -> Expr:
        """``zip(xs, ys)`` and ``enumerate(xs)`` outside a ``for`` header: the list of pairs,
        ``[(u, v) for u, v in zip(xs, ys)]``, each item read where the loop reads it."""
        with self.holding():
            its = [self.hold(self.passed(a, v), a) for a, v in zip(node.args, values)]
            keywords = [
                gast.keyword(k.arg, self.hold(self.atom(self.expr(k.value)), k.value)) for k in node.keywords
            ]
            targets: list[str] = []
            for base in ["i", "item"] if fn is builtins.enumerate else ["item"] * len(its):
                targets.append(self.loop_name(base, targets))
            it = gast.Call(self.hold(Function(fn, fn.__name__, False), node), its, keywords)
            store = gast.Tuple([gast.Name(t, gast.Store(), None, None) for t in targets], gast.Store())
            elt = gast.Tuple([gast.Name(t, gast.Load(), None, None) for t in targets], gast.Load())
            comp = gast.ListComp(elt, [gast.comprehension(store, it, [], 0)])
            for n in gast.walk(comp):
                gast.copy_location(n, node)
            return self.comprehension(comp)

    def loop_name(self, base: str, taken: list[str]) -> str:
        """A source-like name no code uses yet, for a loop variable the lowering writes."""
        name, k = base, 1
        while name in self.pool.used or name in taken:
            name, k = f"{base}{k}", k + 1
        return name

    # loops -------------------------------------------------------------------
    def static_iterable(self, node: gast.expr) -> bool:
        """Whether ``node`` is a container known whole (looked at, not evaluated)."""
        if isinstance(node, gast.Name):
            value = self.local(node.id)
            if value is None and self.is_global(node):  # LAYERS = (np.tanh, relu) at module level
                value = self.value(node)
            return isinstance(value, (Items, Keyed))
        if isinstance(node, (gast.Tuple, gast.List)):
            return any(
                isinstance(e, gast.Lambda)
                or isinstance(e, gast.Starred)
                and self.static_iterable(e.value)
                or isinstance(e, (gast.Name, gast.Attribute))
                and self.is_function_name(e)
                for e in node.elts
            )
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            return node.func.attr in _VIEWS and self.static_iterable(node.func.value)
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            callee = self.value(node.func)
            return (
                isinstance(callee, Function)
                and callee.fn in _ITERATORS
                and any(self.static_iterable(a) for a in node.args)
            )
        return False

    def is_function_name(self, node: gast.Name | gast.Attribute) -> bool:
        """Whether a name (or a module's attribute, ``np.sin``) is a function known now."""
        if not self.is_global(node) and not (isinstance(node, gast.Name) and self.local(node.id) is not None):
            return False
        value = self.value(node)
        return isinstance(value, FUNCTION_VALUES) or is_function(value)

    def is_global(self, node: gast.expr) -> bool:
        """Whether ``node`` is a free name that resolves, or a module's attribute (``np.sin``):
        reading it emits no code."""
        head = node
        while isinstance(head, gast.Attribute):
            head = head.value
        if not isinstance(head, gast.Name):
            return False
        if self.local(head.id) is None:
            if self.resolver.lookup(head.id)[0] == "missing":
                return False
        elif node is head:
            return False
        return node is head or isinstance(self.value(head), Module)

    def for_(self, node: gast.For) -> None:
        """A ``for`` over a container known whole runs now, its body once per item."""
        if not self.static_iterable(node.iter):
            return super().for_(self.unlisted(node))
        items = self.known_items(self.value(node.iter))
        if items is None:
            raise self.error(node.iter, "this loop over a container of functions is not supported")
        for n in (n for s in node.body for n in gast.walk(s)):
            if isinstance(n, (gast.Break, gast.Continue, gast.Return)):
                raise self.error(
                    n,
                    "a `break`, `continue` or `return` in a loop over a container known whole "
                    "(functions, a helper's *args) is not supported",
                    "Set a flag and test it, or loop over the items' indices.",
                )
        scoped = getattr(node, "comprehension", False)
        targets = {n.id for n in gast.walk(node.target) if isinstance(n, gast.Name)}
        saved = {n: self.env[n] for n in targets if n in self.env}
        for item in items:
            self.bind_now(node.target, item)
            for stmt in node.body:
                self.stmt(stmt)
        if scoped:
            for n in targets:
                self.env.pop(n, None)
            self.env.update(saved)

    def unlisted(self, node: gast.For) -> gast.For:
        """``for u, v in list(zip(xs, ys))`` iterates as ``zip(xs, ys)``: the pairs, read where the
        loop reads them (the reversed loop sends each adjoint back to its place)."""
        it = node.iter
        if not (
            isinstance(it, gast.Call)
            and len(it.args) == 1
            and not it.keywords
            and isinstance(it.args[0], gast.Call)
            and all(isinstance(f, gast.Name) for f in (it.func, it.args[0].func))
        ):
            return node
        outer, inner = self.value(it.func), self.value(it.args[0].func)
        if not (
            isinstance(outer, Function)
            and outer.fn in (builtins.list, builtins.tuple)
            and isinstance(inner, Function)
            and inner.fn in (builtins.zip, builtins.enumerate, builtins.range)
        ):
            return node
        new = gast.For(node.target, it.args[0], node.body, node.orelse, None)
        if getattr(node, "comprehension", False):
            new.comprehension = True
        return gast.copy_location(new, node)

    def comprehension(self, node: gast.ListComp | gast.GeneratorExp, items: str | None = None) -> Expr:
        """Over containers known whole and with no ``if``, the list is written out."""
        if len(node.generators) != 1 or node.generators[0].ifs:
            return super().comprehension(node, items)
        gen = node.generators[0]
        if not self.static_iterable(gen.iter):
            return super().comprehension(node, items)
        values = self.known_items(self.value(gen.iter))
        targets = {n.id for n in gast.walk(gen.target) if isinstance(n, gast.Name)}
        saved = {n: self.env[n] for n in targets if n in self.env}
        out = []
        for value in values:
            self.bind_now(gen.target, value)
            out.append(self.passed(node.elt, self.value(node.elt)))
        for n in targets:
            self.env.pop(n, None)
        self.env.update(saved)
        return Items("list", tuple(out))

    def bind_now(self, target: gast.expr, value: object) -> None:
        """Bind a loop target to an item known now: the item itself, no copy."""
        if isinstance(target, gast.Name):
            static = isinstance(value, FUNCTION_VALUES) or ir.is_atomic(value)
            self.env[target.id] = value if static else self.atom(value)
            return
        parts = self.known_items(value) if isinstance(target, (gast.Tuple, gast.List)) else None
        if parts is None or len(parts) != len(target.elts):
            self.assign(target, self.settle(target, value))
            return
        for t, part in zip(target.elts, parts):
            self.bind_now(t, part)
