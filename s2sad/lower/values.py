"""Functions as values, and the containers the lowering knows whole.

A function passed to a helper, kept in a list or a dict, made by ``functools.partial``
or returned by a helper is known when the function is transformed: the lowering
follows it to where it is called and calls it there, as if the user had written
its name (s2sad specialises on which function it is, as it does on the kinds of the
arguments). A helper's ``*args`` is a tuple of known length and its ``**kwargs`` a dict
of known keys: loops over them, ``sum``, ``len``, ``kw["a"]``, ``kw.get`` are done now.

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def apply(fn, x):
...     return fn(x)
...
... def norm2(*xs, **kw):
...     return sum(x * x for x in xs) * kw.get("scale", 1.0)
...
... def f(x, y):
...     layers = [np.tanh, np.sin]
...     for layer in layers:
...         x = apply(layer, x)
...     return norm2(x, y, scale=2.0)
... '''))
def f(x, y):
    v1 = np.tanh(x)
    x_1 = v1
    v2 = np.sin(x_1)
    x_2 = v2
    v3 = x_2 * x_2
    v4 = y * y
    v5 = v3 + v4
    v6 = v5 * 2.0
    return v6

A function passed to the differentiated function itself is known too: its kind names
it, so the derivative is built for it (and again for another). Calling a value that is
not known then (a callable object passed in, a function picked by a computed index) is
refused at its line.
"""

from __future__ import annotations

import builtins
import functools

import gast
import numpy as np

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..frontend.namespaces import canonical_path
from ..ir import Call, Const, Expr, Name, Ref
from ..ir.fold import fold_constant as fold
from ..ir.printer import gast_text
from .expressions import Function, LocalChoice, LocalFunction, Module, UnsettledFunction
from .static import Chosen, Items, Keyed, Partial, Static

FUNCTION_VALUES = (Function, LocalFunction, LocalChoice, UnsettledFunction, Static)
# builtins that do now what they would do when run, given a container known whole
_CONSUMERS = (builtins.sum, builtins.max, builtins.min, builtins.len, builtins.list, builtins.tuple)
_CONSUMERS += (builtins.enumerate, builtins.zip, builtins.reversed)
ORDERED = (builtins.sorted, builtins.min, builtins.max)  # with key=: ordered while lowering (sorting)
_NEW = ("dict", "sorted", "min", "max", "len")  # builtins that read a container into a new value


READS = ("get", "items", "keys", "values")  # methods of a dict that only read it


def is_function(value: object) -> bool:
    """Whether ``value`` is a function known now (not a type: ``dtype=float`` is data)."""
    if isinstance(value, Ref):
        v = value.value
        return callable(v) and not isinstance(v, (type, np.ndarray)) and v is not ir.UNBOUND
    if isinstance(value, Function):
        return not isinstance(value.fn, type)
    return isinstance(value, (LocalFunction, LocalChoice, Static))


def _function(fn, name: str) -> Function:
    """A function argument, called by its canonical name or as the argument is spelled."""
    path = canonical_path(fn)
    return Function(fn, path or name, path is not None)


def refuse_variadic(parsed) -> None:
    """The differentiated function takes named parameters only: ``wrt`` names one of them."""
    args = parsed.node.args
    star = args.vararg or args.kwarg
    if star is not None:
        raise UnsupportedSyntaxError(
            "a `*args` or `**kwargs` parameter of the differentiated function is not supported",
            parsed.location(star),
            "Take the arguments as one tuple or dict (`def f(xs):`), which s2sad differentiates "
            "leaf-wise; the helpers it calls may take `*args` and `**kwargs`.",
        )


class Values:
    """The part of the lowering that follows function values and known containers."""

    def check_root(self) -> None:
        """The differentiated function itself takes named parameters only."""
        refuse_variadic(self.parsed)

    def param_value(self, name: str) -> Expr | Function:
        """A parameter: its name, or for a function argument (the kinds say which function it
        is, and the derivative is specialised on it) that function, called by name."""
        kind = self.param_kinds.get(name)
        parts = getattr(kind, "items", None) or ()
        if parts and all(k.fn is not None for k in parts) and kind.type in (tuple, list, dict):
            at = [repr(k) for k in kind.keys] if kind.type is dict else [str(i) for i in range(len(parts))]
            functions = [_function(k.fn, f"{name}[{i}]") for i, k in zip(at, parts)]  # (np.sin, relu)
            if kind.type is dict:
                return Keyed(dict(zip(kind.keys, functions)))
            return Items(kind.type.__name__, tuple(functions))
        fn = getattr(kind, "fn", None)
        return Name(name) if fn is None else _function(fn, name)

    def text(self, node: gast.AST) -> str:
        try:
            return gast_text(node)
        except Exception:
            return type(node).__name__

    def is_namespace(self, value: object) -> bool:
        return isinstance(value, (Module, Function))

    def passed(self, node: gast.expr, value: object) -> object:
        """A value as an argument: a function value as itself, data as an atom."""
        if isinstance(value, FUNCTION_VALUES) or is_function(value):
            return value
        return self.atom(self.settle(node, value))

    def settle(self, node: gast.expr, value: object) -> Expr:
        """Known containers used as plain values become the displays they stand for."""
        if isinstance(value, Items):
            op = ir.TUPLE if value.form == "tuple" else ir.LIST
            nodes = value.nodes or (node,) * len(value.items)
            return Call(op, tuple(self.settle(n, v) for n, v in zip(nodes, value.items)))
        if isinstance(value, Keyed):
            return Call(ir.DICT, (), tuple((k, self.settle(node, v)) for k, v in value.entries.items()))
        if isinstance(value, Chosen):
            raise self.error(
                node,
                "a function picked by a key known only when the code runs can only be called here",
                "Call it where it is picked, or pick it by a constant key.",
            )
        if isinstance(value, Partial):
            raise self.error(
                node,
                "a functools.partial can only be called here, not passed to code s2sad does not read",
                "Call it, or pass the function and its arguments.",
            )
        return super().settle(node, value)

    # displays ----------------------------------------------------------------
    def _Tuple(self, node: gast.Tuple) -> Expr | Items:
        return self.display(node, "tuple")

    def _List(self, node: gast.List) -> Expr | Items:
        return self.display(node, "list")

    def display(self, node: gast.Tuple | gast.List, form: str) -> Expr | Items:
        values, nodes = self.display_items(node.elts)
        if any(isinstance(v, FUNCTION_VALUES) or is_function(v) for v in values):
            return Items(form, tuple(self.passed(n, v) for n, v in zip(nodes, values)), tuple(nodes))
        op = ir.TUPLE if form == "tuple" else ir.LIST
        call = Call(op, tuple(self.settle(n, v) for n, v in zip(nodes, values)))
        return fold(call) if form == "tuple" else call

    def _Dict(self, node: gast.Dict) -> Expr | Keyed:
        entries = self.dict_entries(node)
        if any(isinstance(v, FUNCTION_VALUES) or is_function(v) for v in entries.values()):
            return Keyed({k: self.passed(node, v) for k, v in entries.items()})
        return Call(ir.DICT, (), tuple((k, self.settle(node, v)) for k, v in entries.items()))

    # calls -------------------------------------------------------------------
    def _Call(self, node: gast.Call) -> object:
        func = node.func
        starred = any(isinstance(a, gast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        if starred or not isinstance(func, (gast.Name, gast.Attribute)):
            if isinstance(func, gast.Call) and self.is_checkpoint(func.func):
                return super()._Call(node)
            with self.holding():
                return self._Call(self.spread_call(node))
        if isinstance(func, gast.Name):
            callee = self.value(func)
            if isinstance(callee, Ref) and is_function(callee):
                return self.call(node, Function(callee.value, callee.path, callee.canonical))
            if isinstance(callee, Partial):
                return self.call_partial(node, callee)
            if isinstance(callee, Chosen):
                return self.call_chosen(node, callee)
            if isinstance(callee, (Items, Keyed)):
                raise self.error(func, f"`{func.id}` is a container, not a function")
            if isinstance(callee, Expr):
                raise self.not_known(func)
        return super()._Call(node)

    def not_known(self, func: gast.Name) -> UnsupportedSyntaxError:
        param = func.id in self.root.param_kinds and self.root.env.get(func.id) == Name(func.id)
        why = "an argument of the differentiated function" if param else "a value computed when it runs"
        written = getattr(self.root, "held_at", {}).get(func.id)  # a value held for a moment: as written
        name = self.text(written) if written is not None else func.id
        return self.error(
            func,
            f"calling `{name}`, {why}: which function it is is not known when the function is transformed",
            "Pass a function (a def, a lambda, a NumPy function), or bind the object first: "
            "`grad(lambda x: f(x, obj))`.",
        )

    def call_partial(self, node: gast.Call, partial: Partial) -> object:
        with self.holding():
            func = self.hold(partial.fn, node.func)
            args = [self.hold(v, node) for v in partial.args] + list(node.args)
            given = {k.arg for k in node.keywords}
            keywords = [
                gast.keyword(k, self.hold(v, node)) for k, v in partial.kwargs.items() if k not in given
            ]
            held = gast.copy_location(gast.Call(func, args, keywords + list(node.keywords)), node)
            return self._Call(held)

    def call(self, node: gast.Call, callee: Function) -> object:
        fn = callee.fn
        if fn is functools.partial:
            return self.make_partial(node)
        if fn in (builtins.map, builtins.filter):
            return self.mapped(node, fn)
        if fn is builtins.dict and len(node.args) <= 1:
            value = self.value(node.args[0]) if node.args else Keyed({})
            made = self.dict_display(node, value)
            if made is not None:
                return made
            with self.holding():  # dict(pairs) of pairs known when it runs
                held = gast.Call(node.func, [self.hold(value, node.args[0])], node.keywords)
                return super().call(gast.copy_location(held, node), callee)
        if fn in (builtins.list, builtins.tuple) and not node.args and not node.keywords:
            return Call(ir.LIST, ()) if fn is builtins.list else Const(())
        if fn in ORDERED and node.keywords:
            done = self.ordered(node, fn)
            if done is not None:
                return done
        if fn in _CONSUMERS and node.args:
            values = [self.value(a) for a in node.args]
            done = self.consumed(node, fn, values)
            if done is not None:
                return done
            if fn in (builtins.zip, builtins.enumerate):
                return self.paired(node, fn, values)
            with self.holding():
                args = [self.hold(v, a) for v, a in zip(values, node.args)]
                return super().call(
                    gast.copy_location(gast.Call(node.func, args, node.keywords), node), callee
                )
        return super().call(node, callee)

    def make_partial(self, node: gast.Call) -> Partial:
        if not node.args:
            raise TypeError(f"{self.parsed.location(node)}: partial() needs a function")
        fn = self.value(node.args[0])
        if not (isinstance(fn, FUNCTION_VALUES) or is_function(fn)):
            raise self.error(node.args[0], "functools.partial of something that is not a known function")
        args = tuple(self.passed(a, self.value(a)) for a in node.args[1:])
        kwargs = {k.arg: self.passed(k.value, self.value(k.value)) for k in node.keywords}
        if isinstance(fn, Partial):  # a partial of a partial: one partial
            return Partial(fn.fn, fn.args + args, {**fn.kwargs, **kwargs})
        return Partial(fn, args, kwargs)

    def arguments(self, node: gast.Call) -> tuple[list, dict]:
        """What a call to the user's function passes: atoms, and function values as themselves."""
        args = [self.passed(a, self.value(a)) for a in node.args]
        kwargs = {kw.arg: self.passed(kw.value, self.value(kw.value)) for kw in node.keywords}
        return args, kwargs

    def assign(self, target: gast.expr, value: object) -> None:
        """Also remembers the items of a display bound to a name, for ``f(*xs)`` and ``f(**d)``."""
        if isinstance(target, gast.Name) and isinstance(value, Ref) and is_function(value):
            self.env[target.id] = value  # a function known now: the name stands for it
            return
        super().assign(target, value)
        if not isinstance(target, gast.Name):
            return
        bound, last = self.env.get(target.id), self.body[-1] if self.body else None
        if isinstance(value, Const) and type(value.value) is tuple and isinstance(last, ir.Assign):
            if last.target == bound:  # shape = (3, 2)
                self.root.displays[bound.id] = tuple(Const(v) for v in value.value)
            return
        if not isinstance(value, Call):
            return
        if not (isinstance(last, ir.Assign) and last.target == bound and isinstance(last.value, Call)):
            return
        form = last.value.op.form
        if form == "tuple" and value.op.form == "tuple":
            self.root.displays[bound.id] = last.value.args
        elif form in ("list", "dict") and form == value.op.form and target.id not in self.changed():
            self.root.displays[bound.id] = last.value.args if form == "list" else dict(last.value.kwargs)

    def changed(self) -> set[str]:
        """Names that may be changed in place (or aliased) in this function: every name read
        other than as ``*xs``, ``**d``, ``xs[i]``, ``d.get(k)`` or a ``for`` iterable."""
        if getattr(self, "_changed", None) is None:
            safe, seen = set(), set()
            for n in gast.walk(self.tree):
                if isinstance(n, gast.Attribute) and n.attr in READS:
                    safe.add(id(n.value))  # d.get(k), d.items(), key=d.get: reads
                if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id in _NEW:
                    safe |= {id(a) for a in n.args}  # dict(d, b=x), sorted(d, key=len): a new value
                if isinstance(n, gast.Starred) or isinstance(n, gast.keyword) and n.arg is None:
                    safe.add(id(n.value))
                elif isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Load):
                    safe.add(id(n.value))
                elif isinstance(n, (gast.For, gast.comprehension)):
                    safe.add(id(n.iter))
                elif isinstance(n, gast.Dict):  # {**d, "b": x}
                    safe |= {id(v) for k, v in zip(n.keys, n.values) if k is None}
            for n in gast.walk(self.tree):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and id(n) not in safe:
                    seen.add(n.id)
            self._changed = seen
        return self._changed

    def bound_value(self, node: gast.expr) -> object:
        """The value of an assignment or a ``return``: a function value stays one."""
        value = self.value(node)
        if isinstance(value, (LocalFunction, LocalChoice, Static)):
            return value
        return self.settle(node, value)

    def if_(self, node: gast.If) -> bool:
        """In a helper, an ``if`` on a constant (an argument given as a literal) takes its branch
        now: ``if name == "relu": return relu`` returns a function known by name."""
        if not self.inlining:
            return super().if_(node)
        test = self.value(node.test)
        if isinstance(test, Const):
            for stmt in node.body if test.value else node.orelse:
                if self.stmt(stmt):
                    return True
            return False
        with self.holding():
            held = gast.copy_location(gast.If(self.hold(test, node.test), node.body, node.orelse), node)
            return super().if_(held)
