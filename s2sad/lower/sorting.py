"""``sorted``, ``min`` and ``max`` with ``key=`` (and ``reverse=``) over a container known whole,
done while lowering: the keys are computed now (dict keys, names, positions,
``operator.itemgetter(k)``, a ``lambda``, ``len``), the items put in their order, and the
derivative reads as if the user had written them out in that order:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import operator
...
... def f(x, y):
...     d = {"b": x, "a": 2.0 * y}
...     first = [v for _, v in sorted(d.items(), key=operator.itemgetter(0))]
...     return first[0] - max(d.items(), key=lambda kv: kv[0])[1]
... '''))
def f(x, y):
    v1 = 2.0 * y
    d = {'b': x, 'a': v1}
    first = []
    v2 = [('a', v1), ('b', x)]
    for _, v in v2:
        first.append(v)
    v3 = first[0]
    v4 = v3 - x
    return v4

``min`` and ``max`` by keys known only when the function runs (``max(d, key=d.get)`` of a
dict of floats) pick their item then: ``which = first_extreme([d['a'], d['b']])``, the item
``('a', 'b')[which]``. ``sorted`` by such keys is refused: the order would decide the
structure of the program, call by call.
"""

from __future__ import annotations

import builtins
import operator

import gast

from .. import ir, runtime
from ..ir import Call, Const, Expr, Name, Ref
from .expressions import Function
from .static import Items, Keyed

# what a key may call on values known now: it is computed while lowering
_NOW = {
    builtins.len,
    builtins.abs,
    builtins.str,
    builtins.int,
    builtins.float,
    builtins.tuple,
    builtins.round,
}
_NOW |= {operator.neg, operator.add, operator.sub, operator.mul, operator.getitem, operator.mod}
_STR_METHODS = ("lower", "upper", "strip", "split", "startswith", "endswith", "casefold")


class _Unknown:
    """A part of a key known only when the code runs: comparing it is an error (a dict's
    ``(key, value)`` pairs compare by their keys alone, which differ)."""

    def __lt__(self, other: object) -> bool:
        raise _NotKnown

    __gt__ = __le__ = __ge__ = __lt__


class _NotKnown(Exception):
    pass


class Sorting:
    """The part of the lowering that orders containers known whole."""

    def ordered(self, node: gast.Call, fn) -> object | None:
        """``sorted(xs, key=k, reverse=r)``, ``min(xs, key=k)``, ``max(xs, key=k)`` done now, for
        ``xs`` known whole; ``None`` for a call without those keywords (a rule's, when it runs)."""
        allowed = {"key", "reverse"} if fn is builtins.sorted else {"key", "default"}
        keywords = {k.arg: k.value for k in node.keywords}
        if not keywords or len(node.args) != 1 or not set(keywords) <= allowed:
            return None
        items = self.sequence_now(node.args[0])
        if items is None:
            raise self.error(
                node,
                f"`{fn.__name__}` with `{next(iter(keywords))}=` of a sequence whose items are not known "
                "when the function is transformed is not supported",
                "Order a container s2sad knows whole (a display, a dict's items, a tuple argument), "
                "or order it outside the differentiated function.",
            )
        items = [self.known_item(node, v) for v in items]
        reverse = self.value(keywords["reverse"]) if "reverse" in keywords else Const(False)
        if not isinstance(reverse, Const):
            raise self.error(
                keywords["reverse"], "`reverse=` known only when the function runs is not supported"
            )
        keys = [self.order_key(node, keywords.get("key"), item) for item in items]
        if fn is not builtins.sorted and items and any(isinstance(k, _Unknown) for k in keys):
            return self.picked_when_run(node, fn, items, keywords["key"])
        positions = range(len(items))
        try:
            if fn is builtins.sorted:
                order = sorted(positions, key=keys.__getitem__, reverse=bool(reverse.value))
                return Items("list", tuple(items[i] for i in order))
            if not items:
                if "default" in keywords:
                    return self.value(keywords["default"])
                raise self.error(node, f"`{fn.__name__}` of an empty container")
            return items[fn(positions, key=keys.__getitem__)]
        except _NotKnown:
            raise self.unknown_key(node, keywords.get("key")) from None

    def known_item(self, node: gast.Call, value: object) -> object:
        """An item, evaluated once now: the parts of a pair (``d.items()``) each an atom."""
        if isinstance(value, Items):
            return Items(value.form, tuple(self.known_item(node, v) for v in value.items))
        return self.passed(node, value)

    def entries_now(self, value: object) -> dict | None:
        """The entries of a dict known now: a display, a dict argument's keys, a module's dict
        of numbers and strings (read when the function is transformed)."""
        if isinstance(value, Ref) and type(value.value) is dict:
            plain = all(v is None or type(v) in (bool, int, float, str) for v in value.value.values())
            return {k: Const(v) for k, v in value.value.items()} if plain else None
        return self.known_entries(value)

    def sequence_now(self, arg: gast.expr) -> list | None:
        """The items ``arg`` iterates over, where they are known now: a container known whole, a
        dict's keys, ``d.items()`` of a dict whose keys are known (a dict argument's)."""
        if isinstance(arg, gast.Call) and isinstance(arg.func, gast.Attribute) and not arg.args:
            view = arg.func.attr
            if view in ("items", "keys", "values") and not arg.keywords:
                base = self.value(arg.func.value)
                entries = self.entries_now(base)
                if entries is None:
                    value = self.method(arg, base, view)
                    return self.known_items(value) if isinstance(value, (Items, Keyed)) else None
                return {
                    "items": [Items("tuple", (Const(k), v)) for k, v in entries.items()],
                    "keys": [Const(k) for k in entries],
                    "values": list(entries.values()),
                }[view]
        value = self.value(arg)
        items = self.known_items(value)
        if items is None:
            entries = self.entries_now(value)
            items = None if entries is None else [Const(k) for k in entries]
        return items

    def order_key(self, node: gast.Call, key: gast.expr | None, item: object) -> object:
        """The key of ``item`` as a Python value, lowered now (parts known only when the
        code runs are ``_Unknown``)."""
        if key is None:
            return self.known_key(item)
        getter = self.itemgetter(key)
        if getter is not None:
            parts = self.known_items(item) if not isinstance(item, Keyed) else None
            entries = item.entries if isinstance(item, Keyed) else None
            picked = []
            for k in getter:
                if parts is not None and type(k) is int and -len(parts) <= k < len(parts):
                    picked.append(parts[k])
                elif entries is not None and k in entries:
                    picked.append(entries[k])
                else:
                    raise self.error(key, f"`{self.text(key)}` of an item it cannot read while lowering")
            return self.known_key(picked[0] if len(picked) == 1 else Items("tuple", tuple(picked)))
        if isinstance(key, gast.Attribute) and key.attr == "get":  # key=d.get: the dict's values
            entries = self.entries_now(self.value(key.value))
            if entries is not None and isinstance(item, Const) and item.value in entries:
                return self.known_key(entries[item.value])
        saved, self.body = self.body, []
        try:
            with self.holding():
                call = gast.copy_location(gast.Call(key, [self.hold(item, node)], []), node)
                value = self.value(call)
            scratch = {st.target.id: st.value for st in self.body if isinstance(st, ir.Assign)}
        finally:
            self.body = saved  # the key's own statements: only its value is kept
        return self.known_key(value, scratch)

    def picked_when_run(self, node: gast.Call, fn, items: list, key: gast.expr) -> Expr:
        """``max(d, key=d.get)`` by keys computed from the inputs: the keys computed when the
        code runs, and the item at the position of the first largest (smallest) one. Only the
        pick depends on them: the items are a dict's keys or values known now, never functions."""
        if not all(isinstance(v, Expr) for v in items):
            raise self.unknown_key(node, key)
        entries = self.entries_now(self.value(key.value)) if isinstance(key, gast.Attribute) else None
        with self.holding():
            keys = [
                self.atom(entries[v.value])  # key=d.get of a dict known now: its entries
                if entries and key.attr == "get" and isinstance(v, Const) and v.value in entries
                else self.atom(self.settle(node, self.value(self.key_call(node, key, v))))
                for v in items
            ]
        largest = Const(fn is builtins.max)
        pick = ir.call_op(runtime.first_extreme, "first_extreme", canonical=True)
        which = self.atom(Call(pick, (Call(ir.LIST, tuple(keys)), largest)), "which")
        return self.atom(Call(ir.GETITEM, (Call(ir.TUPLE, tuple(items)), which)))

    def key_call(self, node: gast.Call, key: gast.expr, item: Expr) -> gast.Call:
        if isinstance(key, gast.Attribute) and key.attr == "get" or self.itemgetter(key) is None:
            return gast.copy_location(gast.Call(key, [self.hold(item, node)], []), node)
        parts = [gast.Constant(k, None) for k in self.itemgetter(key)]
        index = parts[0] if len(parts) == 1 else gast.Tuple(parts, gast.Load())
        return gast.copy_location(gast.Subscript(self.hold(item, node), index, gast.Load()), node)

    def known_key(self, value: object, scratch: dict | None = None) -> object:
        """A lowered value as the Python value it is now (a name the key's own statements
        assign, in ``scratch``, as what they assign); ``_Unknown`` for what is not known."""
        if isinstance(value, Name) and scratch and value.id in scratch:
            return self.known_key(scratch[value.id], scratch)  # SSA: each name assigned once, before
        if isinstance(value, Const):
            return value.value
        method = isinstance(value, Call) and value.op.form == "method" and value.op.symbol in _STR_METHODS
        if isinstance(value, Call) and (value.op.fn in _NOW or method) and not value.kwargs:
            args = [self.known_key(a, scratch) for a in value.args]  # len(key), key.lower(), -len(key)
            if not any(isinstance(a, _Unknown) for a in args) and (not method or type(args[0]) is str):
                try:
                    return getattr(args[0], value.op.symbol)(*args[1:]) if method else value.op.fn(*args)
                except Exception:
                    return _Unknown()
        if isinstance(value, Items):
            return tuple(self.known_key(v, scratch) for v in value.items)
        parts = self.known_items(value) if not isinstance(value, Keyed) else None
        if parts is not None and all(isinstance(p, Const) for p in parts):
            return tuple(p.value for p in parts)
        return _Unknown()

    def itemgetter(self, key: gast.expr) -> tuple | None:
        """The constants of ``operator.itemgetter(k, ...)``, or ``None`` for another key."""
        if not (isinstance(key, gast.Call) and key.args and not key.keywords):
            return None
        if not isinstance(key.func, (gast.Name, gast.Attribute)) or not self.is_global(key.func):
            return None
        f = self.value(key.func)
        if not (isinstance(f, Function) and f.fn is operator.itemgetter):
            return None
        ks = [self.value(a) for a in key.args]
        if not all(isinstance(k, Const) for k in ks):
            raise self.error(key, "`operator.itemgetter` of a value known only when the function runs")
        return tuple(k.value for k in ks)

    def unknown_key(self, node: gast.Call, key: gast.expr | None) -> Exception:
        what = f"`key={self.text(key)}`" if key is not None else "the items themselves"
        return self.error(
            node,
            f"`{self.text(node.func)}`: the keys ({what}) are known only when the function runs: s2sad "
            "orders a container known whole while it transforms the function, and an order that "
            "depends on the inputs would change the program's structure from call to call",
            "Sort by keys known now (a dict's keys, names, positions, `len`), or sort outside the "
            "differentiated function.",
        )
