"""Containers of functions: a module's tuple, list or dict of functions is known whole, as a
display written in the function is (``LAYERS = (np.tanh, relu)``: loops over it are done
now, its items called by name; it is read when the function is transformed, as the name of
a function is). A function picked from one by a key known only when it runs is a choice:
the key becomes the position of the one picked, and a call of it an ``if`` on the position,
each function called by name in its branch. A key not in the dict (an index out of range)
is the ``KeyError`` (``IndexError``) Python raises, from the dict (tuple) of positions:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, kind):
...     act = {"tanh": np.tanh, "sin": np.sin}[kind]
...     return act(x)
... '''))
def f(x, kind):
    v1 = {'tanh': 0, 'sin': 1}
    which = v1[kind]
    v3 = which == 0
    if v3:
        v4 = np.tanh(x)
        v2 = v4
    else:
        v5 = np.sin(x)
        v2 = v5
    return v2
"""

from __future__ import annotations

import gast
import numpy as np

from .. import ir
from ..ir import Call, Const, Expr, Name, Ref
from .expressions import Function
from .static import Chosen, Items, Keyed
from .values import FUNCTION_VALUES, is_function


def _literal(v: object) -> bool:
    return v is None or type(v) in (bool, int, float, str)


def _holds_functions(obj: object) -> bool:
    """Whether ``obj`` is a tuple, list or dict (of string or int keys) of functions, literals
    and such containers, with a function among them; anything else stays data."""
    if type(obj) in (tuple, list):
        parts = list(obj)
    elif type(obj) is dict and all(type(k) in (str, int) for k in obj):
        parts = list(obj.values())
    else:
        return False
    functions = [callable(v) and not isinstance(v, (type, np.ndarray)) or _holds_functions(v) for v in parts]
    return any(functions) and all(f or _literal(v) for f, v in zip(functions, parts))


class Choosing:
    """The part of the lowering that reads containers of functions and calls a function
    picked from one by a key computed when it runs."""

    def wrap(self, obj: object, path: str, canonical: bool) -> object:
        """A global (or closure) tuple, list or dict holding functions is known whole, as a
        display the user wrote here would be: ``LAYERS = (np.tanh, relu)`` at module level is
        iterated, zipped and indexed while lowering (read when the function is transformed)."""
        if not _holds_functions(obj):
            return super().wrap(obj, path, canonical)

        def item(v: object, at: str) -> object:
            return Const(v) if _literal(v) else self.wrap(v, at, canonical)

        if isinstance(obj, dict):
            return Keyed({k: item(v, f"{path}[{k!r}]") for k, v in obj.items()})
        form = "tuple" if isinstance(obj, tuple) else "list"
        return Items(form, tuple(item(v, f"{path}[{i}]") for i, v in enumerate(obj)))

    def _Subscript(self, node: gast.Subscript) -> object:
        base = self.value(node.value)
        if isinstance(base, (Items, Keyed)):
            key = self.value(node.slice)
            if isinstance(base, Keyed) and isinstance(key, Const) and key.value in base.entries:
                return base.entries[key.value]
            if isinstance(base, Items) and isinstance(key, Const) and type(key.value) is int:
                if -len(base.items) <= key.value < len(base.items):
                    return base.items[key.value]
            if isinstance(base, Items) and isinstance(key, Const) and type(key.value) is slice:
                return Items(base.form, base.items[key.value])
            if isinstance(base, Items) and isinstance(key, Call) and key.op.form == "slice":
                if all(isinstance(a, Const) for a in key.args):
                    return Items(base.form, base.items[slice(*(a.value for a in key.args))])
            values = base.items if isinstance(base, Items) else base.entries.values()
            if not isinstance(key, Const) and all(
                isinstance(v, FUNCTION_VALUES) or is_function(v) for v in values
            ):
                return self.chosen(node, base, self.atom(self.settle(node.slice, key)))
            if any(is_function(v) for v in values):
                raise self.error(
                    node,
                    f"`{self.text(node)}`: which function this is is not known when the "
                    "function is transformed",
                    "Index a list or dict of functions by a constant, or loop over it.",
                )
        with self.holding():
            key_node = self.hold(key, node.slice) if isinstance(base, (Items, Keyed)) else node.slice
            held = gast.Subscript(self.hold(base, node.value), key_node, gast.Load())
            return super()._Subscript(gast.copy_location(held, node))

    def chosen(self, node: gast.expr, base: Items | Keyed, key: Expr, default: object = None) -> Chosen:
        """``base[key]`` (``base.get(key, default)`` with a ``default``): which function, as a
        position computed when the code runs."""
        with self.holding():
            k = self.hold(key, node)
            if isinstance(base, Keyed):
                options = list(base.entries.values())
                keys = [gast.Constant(key, None) for key in base.entries]
                positions = gast.Dict(keys, [gast.Constant(i, None) for i in range(len(keys))])
            else:
                options = list(base.items)
                positions = gast.Tuple([gast.Constant(i, None) for i in range(len(options))], gast.Load())
            if default is None:
                index = gast.Subscript(positions, k, gast.Load())
            else:  # d.get(key, f): the last option when the key is not in d
                get = gast.Attribute(positions, "get", gast.Load())
                index = gast.Call(get, [k, gast.Constant(len(options), None)], [])
                options.append(default)
            gast.copy_location(index, node)
            for n in gast.walk(index):
                gast.copy_location(n, node)
            return Chosen(self.atom(self.expr(index), "which"), tuple(options))

    def _IfExp(self, node: gast.IfExp) -> object:
        """``relu if kind == "relu" else np.tanh``: a choice of two functions known now."""
        if not all(self.names_function(n) for n in (node.body, node.orelse)):
            return super()._IfExp(node)
        test = self.atom(self.expr(node.test))
        which = self.atom(Call(ir.IFEXP, (test, Const(0), Const(1))), "which")
        return Chosen(which, (self.value(node.body), self.value(node.orelse)))

    def names_function(self, node: gast.expr) -> bool:
        return (
            isinstance(node, gast.Lambda)
            or isinstance(node, (gast.Name, gast.Attribute))
            and self.is_function_name(node)
        )

    def join_chosen(self, var: str, values: tuple, blocks: tuple, joins: list, origin) -> Chosen | None:
        """After an ``if`` whose branches bind ``var`` to functions known now (``act = relu`` in
        one, ``act = np.tanh`` in the other): a choice, its position set in each branch."""
        if not all(isinstance(v, Function) or isinstance(v, Ref) and is_function(v) for v in values):
            return None
        selector = self.pool.fresh(f"{var}_choice")
        for i, block in enumerate(blocks):
            block.append(self.copy(selector, Const(i), origin))
        joins.append(selector)
        options = tuple(Function(v.value, v.path, v.canonical) if isinstance(v, Ref) else v for v in values)
        return Chosen(Name(selector), options)

    def call_chosen(self, node: gast.Call, chosen: Chosen) -> Expr:
        """``f(args)`` of a chosen function: the arguments evaluated once, then an ``if`` on
        the position, each option called in its branch."""
        join = Name(self.pool.temp())
        with self.holding():
            args = [self.hold(self.passed(a, self.value(a)), a) for a in node.args]
            keywords = [
                gast.keyword(k.arg, self.hold(self.passed(k.value, self.value(k.value)), k.value))
                for k in node.keywords
            ]

            def call(option: object) -> object:
                held = gast.Call(self.hold(option, node.func), args, keywords)
                return self.settle(node, self.value(gast.copy_location(held, node)))

            return self.choose(chosen.which, chosen.options, join, call)
