"""Methods of dicts, and ``dict(...)``, done while lowering where the entries are known: ``kw.get("b", 1.0)``,
``kw.items()``; of any dict, ``d.get(k, default)`` as ``d[k] if k in d else default`` and
``d.values()`` as ``[d[k] for k in d]``, each item read by its key:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... def scale(x, **kw):
...     return x * kw.get("a", 2.0) + sum(kw.values())
...
... def f(x, d):
...     return scale(x, b=x) + d.get("w", 0.0)
... '''))
def f(x, d):
    v1 = x * 2.0
    v2 = v1 + x
    v3 = 'w' in d
    if v3:
        v5 = d['w']
        v4 = v5
    else:
        v4 = 0.0
    v6 = v2 + v4
    return v6
"""

from __future__ import annotations

import gast

from ..ir import Const, Expr, Name
from .static import Items, Keyed, Static
from .values import READS, is_function


class DictMethods:
    """The part of the lowering that reads dicts by their methods, and makes them with ``dict``."""

    def method(self, node: gast.Call, receiver: object, name: str) -> object:
        """Methods of known containers, done now; ``d.get(k, default)`` of any dict."""
        if isinstance(receiver, Name) and name in READS:  # a dict display the function keeps as is
            known = self.root.displays.get(receiver.id)
            receiver = Keyed(dict(known)) if isinstance(known, dict) else receiver
        if isinstance(receiver, Keyed):
            entries = receiver.entries
            args = [self.value(a) for a in node.args]
            if name == "get" and 1 <= len(args) <= 2 and isinstance(args[0], Const) and not node.keywords:
                return entries.get(args[0].value, args[1] if len(args) == 2 else Const(None))
            options = [*entries.values(), *args[1:]]
            if (
                name == "get"
                and len(args) == 2
                and all(is_function(v) or isinstance(v, Static) for v in options)
            ):
                return self.chosen(node, receiver, self.atom(self.settle(node.args[0], args[0])), args[1])
            if name in ("items", "keys", "values") and not args:
                rows = {
                    "items": [Items("tuple", (Const(k), v)) for k, v in entries.items()],
                    "keys": [Const(k) for k in entries],
                    "values": list(entries.values()),
                }[name]
                return Items("list", tuple(rows))
            if name == "copy" and not args:
                return Keyed(dict(entries))
        if isinstance(receiver, Items) and name in ("index", "count") or isinstance(receiver, Static):
            if any(is_function(v) for v in getattr(receiver, "items", ())):
                raise self.error(node, f"`.{name}()` of a container of functions is not supported")
            if isinstance(receiver, Keyed) and name in ("update", "pop", "setdefault", "clear"):
                raise self.error(
                    node,
                    f"`.{name}()` of a helper's `**kwargs` or of a dict of functions is not supported",
                    "Build a new dict: `{**kw, 'b': 2.0}`.",
                )
            receiver = self.atom(self.settle(node, receiver))
        if name == "get" and 1 <= len(node.args) <= 2 and not node.keywords:
            return self.dict_get(node, receiver)
        if name in ("items", "keys", "values") and not node.args and not node.keywords:
            return self.dict_view(node, receiver, name)
        return super().method(node, receiver, name)

    def dict_view(self, node: gast.Call, receiver: Expr, name: str) -> Expr:
        """``d.values()`` as ``[d[k] for k in d]`` (and ``.items()``, ``.keys()``): each item read
        by its key, so that its adjoint goes back to its place."""
        with self.holding():
            d = self.hold(self.atom(receiver), node.func)
            key = self.loop_name("key", [])
            load = gast.Name(key, gast.Load(), None, None)
            item = gast.Subscript(d, load, gast.Load())
            elt = {"keys": load, "values": item, "items": gast.Tuple([load, item], gast.Load())}[name]
            target = gast.Name(key, gast.Store(), None, None)
            comp = gast.ListComp(elt, [gast.comprehension(target, d, [], 0)])
            for n in gast.walk(comp):
                gast.copy_location(n, node)
            return self.comprehension(comp)

    def dict_get(self, node: gast.Call, receiver: Expr) -> Expr:
        """``d.get(k, default)`` as ``d[k] if k in d else default``: each read an adjoint can reach."""
        with self.holding():
            d = self.hold(self.atom(receiver), node.func)
            k = self.hold(self.atom(self.expr(node.args[0])), node.args[0])
            default = node.args[1] if len(node.args) == 2 else gast.Constant(None, None)
            test = gast.Compare(k, [gast.In()], [d])
            choice = gast.IfExp(test, gast.Subscript(d, k, gast.Load()), default)
            gast.copy_location(choice, node)
            gast.fix_missing_locations(choice)
            return self.value(choice)

    def dict_display(self, node: gast.Call, value: object) -> object | None:
        """``dict(a=x)``, ``dict(d, b=y)``, ``dict([("a", x), ("b", y)])``: the display they
        make from the first argument's ``value``, where its entries are known now (``None``
        where they are not)."""
        entries = self.known_pairs(value)
        if entries is None:
            return None
        with self.holding():
            keys = [gast.Constant(k, None) for k in entries] + [
                gast.Constant(k.arg, None) for k in node.keywords
            ]
            values = [self.hold(v, node) for v in entries.values()] + [k.value for k in node.keywords]
            return self.value(gast.copy_location(gast.Dict(keys, values), node))

    def known_pairs(self, value: object) -> dict | None:
        """The entries of a dict known now, or of a sequence of ``(key, value)`` pairs with
        constant keys."""
        entries = self.known_entries(value)
        if entries is not None:
            return entries
        pairs = self.known_items(value)
        if pairs is None:
            return None
        entries = {}
        for pair in pairs:
            items = self.known_items(pair)
            if items is None or len(items) != 2 or not isinstance(items[0], Const):
                return None
            entries[items[0].value] = items[1]
        return entries
