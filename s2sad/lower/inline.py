"""Calls to the user's own functions: inlined, their arguments bound to their parameters.

A call to a function of the user's (the driver says which: ``inlinable``) is
lowered in place: the callee's body goes into the caller's block, its
parameters bound to the atoms the call passes, its free names read where it
was defined. Its value is what it returns:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import math
...
... def softplus(x, beta=1.0):
...     return math.log(1.0 + math.exp(beta * x)) / beta
...
... def f(x, y):
...     scale = lambda t: 2.0 * t
...     return softplus(x, beta=scale(y)) + softplus(y)
... '''))
def f(x, y):
    v1 = 2.0 * y
    v2 = v1 * x
    v3 = math.exp(v2)
    v4 = 1.0 + v3
    v5 = math.log(v4)
    v6 = v5 / v1
    v7 = 1.0 * y
    v8 = math.exp(v7)
    v9 = 1.0 + v8
    v10 = math.log(v9)
    v11 = v10 / 1.0
    v12 = v6 + v11
    return v12

A recursive call stays a call (``recursive_call``): the derivative calls the
function's own derivative. ``bind_call`` binds the arguments of such a call,
for the passes that build it.

>>> print(lower_source('''
... def power(x, n):
...     if n == 0:
...         return 1.0
...     return x * power(x, n - 1)
... '''))
def power(x, n):
    v1 = n == 0
    if v1:
        result = 1.0
    else:
        v2 = n - 1
        v3 = power(x, v2)
        v4 = x * v3
        result = v4
    return result
"""

from __future__ import annotations

import sys
import types

import gast

from .. import ir
from ..checkpointing import checkpoint
from ..frontend.parse import parse, split_docstring
from ..frontend.resolve import Resolver, parameters
from ..ir import Call, Const, Expr, Name, Ref
from .expressions import Function, LocalChoice, LocalFunction, Module, UnsettledFunction, default_expr
from .static import Items, Keyed


class Inlining:
    """Lowers calls to the user's functions into the current block.

    Each callee gets a lowering of its own (``type(self)(...)``, the same composition
    as the caller's) that shares the caller's name pool and root: inlined code goes
    into the function being differentiated, and what it reads from its own module or
    closure reaches generated code through cells of the root (``self.root.cells``).
    ``self.stack`` holds the functions being inlined around this one, so recursion shows.
    """

    def call(self, node: gast.Call, callee: Function) -> Expr:
        """A call to a function: inlined when it is the user's, else an operation with a rule."""
        if callee.fn is checkpoint:  # the for header and checkpoint(f)(x) are read before
            raise self.error(
                node,
                f"`{callee.path}` may be written only as the iterable of a `for` or called on a function",
                f"Write `for t in {callee.path}(range(n)):` or `y = {callee.path}(f)(x)`.",
            )
        if self.inlinable(callee.fn):
            return self.inline(node, callee.fn)
        return super().call(node, callee)

    def _Call(self, node: gast.Call) -> Expr:
        """A call to a ``def`` or ``lambda`` of this function is inlined too."""
        if isinstance(node.func, gast.Call) and self.is_checkpoint(node.func.func):
            return self.checkpointed_call(node)
        if not isinstance(node.func, gast.Attribute):
            callee = self.value(node.func)
            if isinstance(callee, LocalFunction):
                return self.inline_local(node, callee)
            if isinstance(callee, LocalChoice):
                return self.inline_choice(node, callee)
            if isinstance(callee, UnsettledFunction):
                raise self.error(node, callee.why, callee.hint)
        return super()._Call(node)

    def _Lambda(self, node: gast.Lambda) -> LocalFunction:
        return LocalFunction(node, self, self.defaults(node.args))

    def arguments(self, node: gast.Call) -> tuple[list[Expr], dict[str, Expr]]:
        """The atoms a call passes, positionally and by keyword, evaluated in order."""
        args = [self.atom(self.expr(a)) for a in node.args]
        kwargs = {kw.arg: self.atom(self.expr(kw.value)) for kw in node.keywords}
        return args, kwargs

    def inline(self, node: gast.Call, fn: types.FunctionType) -> Expr:
        """The value of a call to the user's function ``fn``, its body lowered here."""
        if fn.__code__ in self.stack:  # recursion: a call, to the function's own derivative
            return self.recursive_call(node, fn)
        parsed = parse(fn)
        args, kwargs = self.arguments(node)
        child = type(self)(parsed, Resolver(fn), None, self.root, None, self.stack + (fn.__code__,))
        defaults = {}
        positional = parsed.node.args.posonlyargs + parsed.node.args.args
        for a, value, d in zip(
            reversed(positional), reversed(fn.__defaults__ or ()), reversed(parsed.node.args.defaults)
        ):
            defaults[a.id] = child.default_value(value, d, a.id)
        for a, d in zip(parsed.node.args.kwonlyargs, parsed.node.args.kw_defaults):
            if fn.__kwdefaults__ and a.id in fn.__kwdefaults__:
                defaults[a.id] = child.default_value(fn.__kwdefaults__[a.id], d, a.id)
        child.bind_params(parsed.node.args, args, kwargs, defaults, node, self)
        return child.run_inline(self)

    def inline_local(
        self, node: gast.Call, local: LocalFunction, passed: tuple[list[Expr], dict[str, Expr]] | None = None
    ) -> Expr:
        """The value of a call to a function defined in this one, its body lowered here
        (``passed``: the arguments, when they are evaluated already)."""
        if id(local.node) in self.stack:
            raise self.error(
                node,
                "a recursive call to a local function is not supported yet",
                "Write the recursion as a loop.",
            )
        args, kwargs = passed or self.arguments(node)
        owner = local.owner
        child = type(self)(
            owner.parsed.nested(local.node),
            owner.resolver,
            None,
            self.root,
            owner,
            self.stack + (id(local.node),),
        )
        child.bind_params(local.node.args, args, kwargs, local.defaults, node, self)
        return child.run_inline(self)

    def inline_choice(self, node: gast.Call, choice: LocalChoice) -> Expr:
        """A call to one of several local functions: an ``if`` on the selector, each
        function inlined in its branch, the arguments evaluated once before."""
        passed = self.arguments(node)
        join = Name(self.pool.temp())

        return self.choose(
            choice.selector, choice.options, join, lambda local: self.inline_local(node, local, passed)
        )

    def choose(self, selector: Expr, options, join: Name, call) -> Name:
        """``join = call(option)`` for the option at position ``selector``: an ``if`` on it,
        each option's call lowered in its branch."""

        def branch(option: object) -> list[ir.Stmt]:
            saved, self.body = self.body, []
            self.emit(ir.Assign(join, self.atom(call(option))))
            block, self.body = self.body, saved
            return block

        tests = [self.atom(Call(ir.COMPARE["=="], (selector, Const(i)))) for i in range(len(options) - 1)]
        blocks = [branch(option) for option in options]
        orelse = blocks[-1]
        for test, block in reversed(list(zip(tests, blocks))):
            orelse = [ir.If(test, block, orelse, [join.id])]
        self.emit(orelse[0])
        return join

    def recursive_call(self, node: gast.Call, fn: types.FunctionType) -> Expr:
        """A call that stays a call: the reverse pass calls the function's generated vjp."""
        name = fn.__name__
        if self.root.resolver.globals.get(name) is fn:
            path, canonical = name, False
        else:
            path = self.pool.fresh(name)
            self.root.cells[path] = fn
            canonical = True
        args, kwargs = self.arguments(node)
        if not all(isinstance(a, Expr) for a in [*args, *kwargs.values()]):
            raise self.error(node, "passing a function to a recursive function is not supported")
        op = ir.call_op(fn, path, pure=False, canonical=canonical)
        return Call(op, tuple(args), tuple(kwargs.items()))

    def checkpointed(self, node: gast.For) -> Expr | None:
        """``for t in checkpoint(range(n), snapshots=s)``: the iterable stays inside the call,
        which the reverse pass reads (binomial checkpointing) and which iterates as the iterable."""
        it = node.iter
        if not (isinstance(it, gast.Call) and self.is_checkpoint(it.func)):
            return None
        callee = self.value(it.func)
        if getattr(node, "comprehension", False):
            raise self.error(
                it,
                f"`{callee.path}` in a comprehension is not supported",
                f"Write the loop as a `for` statement: `for t in {callee.path}(range(n)):`.",
            )
        keywords = {k.arg: k.value for k in it.keywords}
        args = list(it.args) + [keywords.pop(k) for k in ("iterable", "snapshots") if k in keywords]
        if keywords or not 1 <= len(args) <= 2 or any(isinstance(a, gast.Starred) for a in args):
            raise self.error(
                it,
                "checkpoint takes an iterable and `snapshots=`",
                "Write `checkpoint(range(n), snapshots=4)`.",
            )
        inner = self.iteration(args[0])
        snapshots = self.atom(self.expr(args[1])) if len(args) > 1 else ir.Const(None)
        op = ir.call_op(callee.fn, callee.path, True, canonical=callee.canonical)
        return Call(op, (inner,), (("snapshots", snapshots),))

    def is_checkpoint(self, node: gast.expr) -> bool:
        """Does ``node`` name ``s2sad.checkpoint``?"""
        head = node
        while isinstance(head, gast.Attribute):
            head = head.value
        if not isinstance(head, gast.Name):
            return False
        if node is not head and not isinstance(self.value(node.value), Module):
            return False  # a method of a value
        callee = self.value(node)
        return isinstance(callee, Function) and callee.fn is checkpoint

    def checkpointed_call(self, node: gast.Call) -> Expr:
        """``checkpoint(f)(x)``: a call that stays a call, whose vjp the reverse sweep calls
        (f's forward values computed again there); for a function not the user's, a plain call."""
        wrap = node.func
        if len(wrap.args) != 1 or wrap.keywords or isinstance(wrap.args[0], gast.Starred):
            raise self.error(wrap, "checkpoint takes one function here", "Write `checkpoint(f)(x)`.")
        callee = self.value(wrap.args[0])
        plain = gast.copy_location(gast.Call(wrap.args[0], node.args, node.keywords), node)
        if not isinstance(callee, Function) or not self.inlinable(callee.fn) or not self.root.checkpoints:
            if isinstance(callee, (LocalFunction, LocalChoice)):
                raise self.error(
                    wrap,
                    "checkpoint of a function defined inside the differentiated one is not supported",
                    "Define the function at the module's top level.",
                )
            return self._Call(plain)
        if fn_has_varargs(callee.fn):
            raise self.error(wrap, "checkpoint of a function with *args or **kwargs is not supported")
        call = self.recursive_call(node, callee.fn)
        op = call.op
        return Call(
            ir.call_op(op.fn, op.symbol, False, op.canonical, checkpointed=True), call.args, call.kwargs
        )

    def bind_params(
        self,
        args: gast.arguments,
        values: list[Expr],
        keywords: dict[str, Expr],
        defaults: dict[str, Expr],
        call: gast.Call,
        caller: Inlining,
    ) -> None:
        """Bind the parameters of the callee (``self``) to what ``caller`` passes, Python's way."""
        positional = [a.id for a in args.posonlyargs + args.args]
        keyword_only = [a.id for a in args.kwonlyargs]
        if args.vararg is not None:  # *xs: a tuple known whole (``static``)
            self.env[args.vararg.id] = Items("tuple", tuple(values[len(positional) :]))
            values = values[: len(positional)]
        if args.kwarg is not None:  # **kw: the keywords no parameter takes
            named = set(positional[len(values) :] + keyword_only)
            self.env[args.kwarg.id] = Keyed({k: v for k, v in keywords.items() if k not in named})
            keywords = {k: v for k, v in keywords.items() if k in named}
        if len(values) > len(positional):
            raise TypeError(
                f"{caller.parsed.location(call)}: {self.parsed.name}() takes {len(positional)} "
                f"positional arguments but {len(values)} were given"
            )
        bound = dict(zip(positional, values))
        for k, v in keywords.items():
            if k not in positional + keyword_only or k in bound:
                raise TypeError(
                    f"{caller.parsed.location(call)}: {self.parsed.name}() got an unexpected "
                    f"or repeated argument '{k}'"
                )
            bound[k] = v
        for p in positional + keyword_only:
            if p not in bound:
                if p not in defaults:
                    raise TypeError(
                        f"{caller.parsed.location(call)}: {self.parsed.name}() is missing the argument '{p}'"
                    )
                bound[p] = defaults[p]
            self.env[p] = bound[p]

    def defaults(self, args: gast.arguments) -> dict[str, Expr]:
        """Defaults of a function defined inside this one, evaluated where it is defined."""
        out = {}
        positional = args.posonlyargs + args.args
        for a, d in zip(reversed(positional), reversed(args.defaults)):
            out[a.id] = self.atom(self.expr(d))
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                out[a.id] = self.atom(self.expr(d))
        return out

    def default_value(self, value: object, node: gast.expr, param: str) -> Expr:
        """A default of an inlined function: a literal, or its value through a cell."""
        literal = default_expr(value, node)
        if isinstance(literal, Const):
            return literal
        head = self.pool.fresh(f"{self.parsed.name}_{param}")
        self.root.cells[head] = value
        return Ref(head, value, canonical=True)

    def run_inline(self, caller: Inlining) -> Expr:
        """Lower this function's body into the caller's current block; its value."""
        self.body = caller.body
        node = self.parsed.node
        if isinstance(node, gast.Lambda):
            self.origin = self.parsed.origin(node.body)
            return self.atom(self.expr(node.body))
        _, body = split_docstring(node.body)
        for stmt in self.restructured(node, body):
            if self.stmt(stmt):
                break
        if self.result is not None:
            return Name(self.result)
        return self.final if self.final is not None else Const(None)

    def foreign(self, name: str, where: str, value: object) -> Expr | Module | Function:
        """A free name of an inlined function: generated code runs in the caller's
        globals, so it reaches the callee's module and closure through cells of its own."""
        cells = self.root.cells
        if where == "builtin" or where == "global" and self.resolver.globals is self.root.resolver.globals:
            return self.wrap(value, name, canonical=False)
        if where == "closure":
            head = self.pool.fresh(name)
            cells[head] = self.resolver.cells[name]  # the cell itself: read live
            return self.wrap(value, head, canonical=True)
        module = sys.modules.get(self.resolver.globals.get("__name__", ""))
        if module is None:  # no module to read it from later: take the value now
            head = self.pool.fresh(name)
            cells[head] = value
            return self.wrap(value, head, canonical=True)
        root_globals = self.root.resolver.globals
        for alias in (module.__name__.rpartition(".")[2], *root_globals):
            if root_globals.get(alias) is module:  # the caller imports the module too: use its name
                return self.wrap(value, f"{alias}.{name}", canonical=False)
        head = next((h for h, v in cells.items() if v is module), None)
        if head is None:
            head = self.pool.fresh(module.__name__.rpartition(".")[2])
            cells[head] = module
        return self.wrap(value, f"{head}.{name}", canonical=True)


def bind_call(fn, call: Call, loc) -> tuple[list[str], list[str], dict[str, Expr]]:
    """The positional and keyword-only parameters of ``fn``, and what the call passes to each."""
    positional, keyword, _ = parameters(fn)
    bound: dict[str, Expr] = dict(zip(positional, call.args))
    bound.update(dict(call.kwargs))
    defaults = dict(zip(positional[len(positional) - len(fn.__defaults__ or ()) :], fn.__defaults__ or ()))
    defaults.update(fn.__kwdefaults__ or {})
    for p in positional + keyword:
        if p not in bound:
            if p not in defaults:
                raise TypeError(f"{loc}: {fn.__name__}() is missing the argument '{p}'")
            bound[p] = (
                Const(defaults[p])
                if isinstance(default_expr(defaults[p], None), Const)
                else (ir.Ref(p, defaults[p]))
            )
    return positional, keyword, bound


def fn_has_varargs(fn: types.FunctionType) -> bool:
    return bool(fn.__code__.co_flags & (0x04 | 0x08))  # CO_VARARGS, CO_VARKEYWORDS
