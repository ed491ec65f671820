"""Starred things: ``f(*xs)``, ``f(**opts)``, ``(*xs, y)``, ``[*a, b]``, ``{**d, "k": v}``,
spread when the function is transformed, as if the items were written out.

The length must be known then: a display, a tuple the function built, a helper's
``*args``, or an argument whose kind says it (a tuple passed to the differentiated
function). A call with a spread is lowered as the same call with every argument a name
held for the moment (``hold``), so each is evaluated once, in order:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, y):
...     p = (x, 2.0 * y)
...     return np.hypot(*p) + np.sum(np.stack([*p, x]))
... '''))
def f(x, y):
    v1 = 2.0 * y
    p = x, v1
    v2 = np.hypot(x, v1)
    v3 = np.stack([x, v1, x])
    v4 = np.sum(v3)
    v5 = v2 + v4
    return v5
"""

from __future__ import annotations

from contextlib import contextmanager

import gast

from .. import ir
from ..ir import Call, Const, Name
from .static import Items, Keyed

_HINT = (
    "Spread a display, a tuple the function builds, or a tuple argument "
    "(a list argument's length is not part of what s2sad specialises on: pass a tuple)."
)


class Spreading:
    """The part of the lowering that spreads starred items into calls and displays."""

    def hold(self, value: object, at: gast.AST) -> gast.Name:
        """A name, for the moment, for a value already evaluated (inside ``holding()``)."""
        self.held = getattr(self, "held", 0) + 1
        name = f" held{self.held}"  # a space: no source name can be it, and it never prints
        self.env[name] = value
        self.root.held_at = getattr(self.root, "held_at", {})
        self.root.held_at[name] = at  # what the user wrote there, for messages
        self.holds[-1].append(name)
        return gast.copy_location(gast.Name(name, gast.Load(), None, None), at)

    @contextmanager
    def holding(self):
        """The names held inside are dropped at the end."""
        if not hasattr(self, "holds"):
            self.holds = []
        self.holds.append([])
        try:
            yield
        finally:
            for name in self.holds.pop():
                self.env.pop(name, None)

    def known_items(self, value: object) -> list | None:
        """The items of a sequence whose length is known now, or ``None``."""
        if isinstance(value, Items):
            return list(value.items)
        if isinstance(value, Keyed):
            return [Const(k) for k in value.entries]
        if isinstance(value, Call) and value.op.form in ("tuple", "list") and not value.kwargs:
            return list(value.args)
        if isinstance(value, Const) and isinstance(value.value, tuple):
            return [Const(v) for v in value.value]
        if isinstance(value, Call) and value.op is ir.GETITEM:
            index = value.args[1]
            if isinstance(index, Call) and index.op.form == "slice":
                index = Const(
                    slice(*(a.value for a in index.args))
                    if all(isinstance(a, Const) for a in index.args)
                    else None
                )
            if isinstance(index, Const) and isinstance(index.value, slice):
                base = self.known_items(value.args[0])
                return None if base is None else base[index.value]  # xs[1:]
        if isinstance(value, Name):
            known = self.root.displays.get(value.id)
            if isinstance(known, tuple):
                return list(known)
            kind = self.root.param_kinds.get(value.id)
            if kind is not None and kind.type in (tuple, list) and kind.items is not None:
                return [Call(ir.GETITEM, (value, Const(i))) for i in range(len(kind.items))]
        return None

    def known_entries(self, value: object) -> dict | None:
        """The entries of a dict whose keys are known now, or ``None``."""
        if isinstance(value, Keyed):
            return dict(value.entries)
        if isinstance(value, Call) and value.op.form == "dict":
            return dict(value.kwargs)
        if isinstance(value, Name):
            known = self.root.displays.get(value.id)
            if isinstance(known, dict):
                return dict(known)
            kind = self.root.param_kinds.get(value.id)
            if kind is not None and kind.type is dict and kind.keys is not None:
                return {k: Call(ir.GETITEM, (value, Const(k))) for k in kind.keys}
        return None

    def spread(self, star: gast.Starred) -> list:
        """The items ``*xs`` stands for."""
        items = self.known_items(self.value(star.value))
        if items is None:
            raise self.error(
                star,
                f"`*{self.text(star.value)}`: its length is not known when the function is transformed",
                _HINT,
            )
        return items

    def spread_keywords(self, value_node: gast.expr) -> dict:
        """The entries ``**opts`` stands for."""
        entries = self.known_entries(self.value(value_node))
        if entries is None:
            raise self.error(
                value_node,
                f"`**{self.text(value_node)}`: its keys are not known when the function is transformed",
                "Spread a dict display, a dict argument, or a helper's `**kwargs`.",
            )
        return entries

    def spread_call(self, node: gast.Call) -> gast.Call:
        """``node`` with every argument a held name, the starred ones spread (in ``holding()``)."""
        func = node.func
        if isinstance(func, gast.Attribute):
            base = self.value(func.value)
            if not self.is_namespace(base):
                func = gast.copy_location(gast.Attribute(self.hold(base, func), func.attr, gast.Load()), func)
        elif not isinstance(func, gast.Name):
            func = self.hold(self.value(func), func)
        args = []
        for a in node.args:
            values = self.spread(a) if isinstance(a, gast.Starred) else [self.passed(a, self.value(a))]
            args += [self.hold(self.passed(a, v), a) for v in values]
        keywords: dict[str, gast.Name] = {}
        for kw in node.keywords:
            if kw.arg is None:
                for k, v in self.spread_keywords(kw.value).items():
                    self.repeated(node, k, keywords)
                    keywords[k] = self.hold(self.passed(kw.value, v), kw.value)
            else:
                self.repeated(node, kw.arg, keywords)
                keywords[kw.arg] = self.hold(self.passed(kw.value, self.value(kw.value)), kw.value)
        keywords_ = [gast.keyword(k, v) for k, v in keywords.items()]
        return gast.copy_location(gast.Call(func, args, keywords_), node)

    def repeated(self, node: gast.Call, key: str, keywords: dict) -> None:
        if key in keywords:
            raise TypeError(f"{self.parsed.location(node)}: the call gets the keyword argument '{key}' twice")

    def display_items(self, elts: list[gast.expr]) -> list:
        """The items of a tuple or list display, starred ones spread, each evaluated once, and
        where each was written."""
        out, nodes = [], []
        for e in elts:
            items = self.spread(e) if isinstance(e, gast.Starred) else [self.value(e)]
            out += items
            nodes += [e] * len(items)
        return out, nodes

    def dict_entries(self, node: gast.Dict) -> dict:
        """The entries of a dict display, ``**d`` spread; a later key wins, as in Python."""
        out = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                out.update(self.spread_keywords(v))
            else:
                out[k.value] = self.value(v)
        return out

    def _Starred(self, node: gast.Starred):
        raise self.error(
            node,
            "a starred expression is supported only in a call or a display",
            "Write `f(*xs)`, `(*xs, y)` or `[*xs, y]`.",
        )
