"""Lower a parsed function to SSA three-address form.

Every operation gets its own statement and every name is assigned once.
Temporaries are numbered ``v1, v2, ...`` as in the evaluation traces of
Baydin et al. (2018), and a reassigned variable gets a version suffix::

    def f(x1, x2):                            def f(x1, x2):
        y = math.log(x1) + x1 * x2      ->        v1 = math.log(x1)
        y = y - math.sin(x2)                      v2 = x1 * x2
        return y                                  v3 = math.sin(x2)
                                                  y = v1 + v2
                                                  y_1 = y - v3
                                                  return y_1

Within one statement, pure operations are emitted level by level (all the
leaves first), which is a valid order for pure code and the one textbooks
use. Names resolve through locals, then the resolver (closure, globals,
builtins). Method calls on arrays become the NumPy functions they stand for
(``x.sum(axis=0)`` is ``np.sum(x, axis=0)``), so one rule serves both.
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import DifferentiationError, UnsupportedSyntaxError
from ..frontend.namespaces import canonical_path, module_path
from ..frontend.parse import Parsed, parse
from ..frontend.resolve import Resolver
from ..ir import Call, Const, Expr, Name, Ref, attr_op, method_op
from ..ir.fold import fold_constant as fold
from ..ir.names import NamePool, identifiers
from ..ir.printer import gast_text
from ..ir.syntax import BINARY_SYMBOLS, COMPARE_SYMBOLS, UNARY_SYMBOLS
from .restructure import restructured

# ------------------------------------------------------------------- name pool


# ------------------------------------------------------- what free names can be


@dataclass(frozen=True)
class Module:
    module: types.ModuleType
    path: str  # as printed in generated code
    canonical: bool


@dataclass(frozen=True)
class Function:
    fn: Callable
    path: str
    canonical: bool


_IMPURE = {
    print,
    input,
    open,
    exec,
    eval,
    setattr,
    delattr,
    next,
    iter,
    id,
    reversed,
    enumerate,
    zip,
    map,
    filter,
}


def is_pure(fn: object, path: str) -> bool:
    """Whether a call may be reordered or dropped when its result is unused."""
    if path.startswith("np.random") or fn in _IMPURE or path.endswith(".at"):  # np.add.at changes its array
        return False
    return canonical_path(fn) is not None or path.startswith(("np.", "math."))


# Methods on arrays that mean a NumPy function of the array; the argument
# spelling of reshape and transpose differs (x.reshape(2, 3)).
METHODS = {
    name: getattr(np, name)
    for name in (
        "sum",
        "mean",
        "prod",
        "max",
        "min",
        "var",
        "std",
        "dot",
        "cumsum",
        "cumprod",
        "clip",
        "ravel",
        "squeeze",
        "trace",
        "round",
        "argmax",
        "argmin",
        "any",
        "all",
        "nonzero",
        "diagonal",
        "repeat",
        "conj",
        "sort",
        "argsort",
        "swapaxes",
    )
}
_VARARG_METHODS = {"reshape": np.reshape, "transpose": np.transpose}


# ----------------------------------------------------------------- expressions


class ExprBuilder:
    """Turns gast expressions into IR expression trees.

    ``local(name)`` gives the current value of a local name or ``None``;
    ``resolve(name)`` gives what a free name means. Subclasses (the lowering
    below, and the rule templates) decide both.
    """

    def __init__(self, parsed: Parsed | None = None):
        self.parsed = parsed

    # hooks -------------------------------------------------------------------
    def local(self, name: str) -> Expr | None:
        raise NotImplementedError

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        raise NotImplementedError

    def error(self, node: gast.AST, what: str, hint: str = "") -> DifferentiationError:
        loc = self.parsed.location(node) if self.parsed else None
        return UnsupportedSyntaxError(what, loc, hint)

    def named(self, node: gast.NamedExpr) -> Expr:
        raise self.error(node, "`:=` is not supported here")

    # expressions -------------------------------------------------------------
    def expr(self, node: gast.expr) -> Expr:
        value = self.value(node)
        if isinstance(value, LocalFunction):
            raise self.error(
                node,
                "a function defined here can only be called, not passed or stored",
                "Call it, or define it at module level to pass it around.",
            )
        if isinstance(value, Function):  # a type or a function passed along: dtype=float
            return Ref(value.path, value.fn, value.canonical)
        if isinstance(value, Module):
            raise self.error(
                node,
                f"the module `{value.path}` is used as a value, which is not supported",
                "Use the functions and values it holds.",
            )
        return value

    def value(self, node: gast.expr) -> Expr | Module | Function:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.error(node, f"the expression `{_text(node)}` is not supported")
        result = method(node)
        if isinstance(result, Call) and result.pos is None and self.parsed is not None:
            loc = self.parsed.location(node)
            object.__setattr__(result, "pos", (loc.line, loc.col))
        return result

    def _Constant(self, node: gast.Constant) -> Expr:
        return Const(node.value)

    def _Name(self, node: gast.Name) -> Expr | Module | Function:
        value = self.local(node.id)
        return value if value is not None else self.resolve(node.id, node)

    def _NamedExpr(self, node: gast.NamedExpr) -> Expr:
        return self.named(node)

    def _BinOp(self, node: gast.BinOp) -> Expr:
        op = ir.BINARY[BINARY_SYMBOLS[type(node.op)]]
        return fold(Call(op, (self.expr(node.left), self.expr(node.right))))

    def _UnaryOp(self, node: gast.UnaryOp) -> Expr:
        return fold(Call(ir.UNARY[UNARY_SYMBOLS[type(node.op)]], (self.expr(node.operand),)))

    def _Compare(self, node: gast.Compare) -> Expr:
        if len(node.ops) > 1:
            raise self.error(node, "a chained comparison is not supported", "Compare two values at a time.")
        op = ir.COMPARE[COMPARE_SYMBOLS[type(node.ops[0])]]
        return fold(Call(op, (self.expr(node.left), self.expr(node.comparators[0]))))

    def _BoolOp(self, node: gast.BoolOp) -> Expr:
        op = ir.AND if isinstance(node.op, gast.And) else ir.OR
        values = [self.expr(v) for v in node.values]
        result = values[-1]
        for v in reversed(values[:-1]):  # a and b and c == a and (b and c)
            result = Call(op, (v, result))
        return result

    def _IfExp(self, node: gast.IfExp) -> Expr:
        return Call(ir.IFEXP, (self.expr(node.test), self.expr(node.body), self.expr(node.orelse)))

    def _Tuple(self, node: gast.Tuple) -> Expr:
        return fold(Call(ir.TUPLE, tuple(self.expr(e) for e in node.elts)))

    def _List(self, node: gast.List) -> Expr:
        return Call(ir.LIST, tuple(self.expr(e) for e in node.elts))

    def _Dict(self, node: gast.Dict) -> Expr:
        items = tuple((k.value, self.expr(v)) for k, v in zip(node.keys, node.values))
        return Call(ir.DICT, (), items)

    def _Slice(self, node: gast.Slice) -> Expr:
        parts = (node.lower, node.upper, node.step)
        args = tuple(Const(None) if p is None else self.expr(p) for p in parts)
        return fold(Call(ir.SLICE, args))

    def _Subscript(self, node: gast.Subscript) -> Expr:
        return fold(Call(ir.GETITEM, (self.expr(node.value), self.expr(node.slice))))

    def _Attribute(self, node: gast.Attribute) -> Expr | Module | Function:
        base = self.value(node.value)
        if isinstance(base, Module):
            try:
                obj = getattr(base.module, node.attr)
            except AttributeError:
                raise self.error(node, f"module `{base.path}` has no attribute `{node.attr}`") from None
            return self.wrap(obj, f"{base.path}.{node.attr}", base.canonical)
        if isinstance(base, Function) and isinstance(base.fn, np.ufunc) and node.attr == "at":
            return Function(getattr(base.fn, node.attr), f"{base.path}.at", base.canonical)  # np.add.at
        if isinstance(base, Function):
            raise self.error(node, f"the attribute `{_text(node)}` of a function is not supported")
        return Call(attr_op(node.attr), (base,))

    def wrap(self, obj: object, path: str, canonical: bool) -> Expr | Module | Function:
        """A resolved object, as what it is: a module, a callable or data.

        ``canonical`` says that ``path`` goes through one of our module
        aliases (``np.linalg.norm``); otherwise it is spelled as in the source
        and generated code reads it from the user's globals or closure."""
        if isinstance(obj, types.ModuleType):
            mpath = module_path(obj)
            return Module(obj, mpath or path, mpath is not None)
        if callable(obj) and not isinstance(obj, np.ndarray):
            if canonical:
                return Function(obj, path, True)
            cpath = canonical_path(obj)
            return Function(obj, cpath or path, cpath is not None)
        return Ref(path, obj, canonical)

    def _Call(self, node: gast.Call) -> Expr:
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(
                    kw.value,
                    "`**kwargs` in a call is not supported",
                    "Pass the keyword arguments one by one.",
                )
        func = node.func
        if isinstance(func, gast.Attribute):
            base = self.value(func.value)
            if not isinstance(base, (Module, Function)):
                return self.method(node, base, func.attr)
        callee = self.value(func)
        if not isinstance(callee, Function):
            raise self.error(
                func, f"calling `{_text(func)}` is not supported", "Call a function by its name."
            )
        return self.call(node, callee)

    def call(self, node: gast.Call, callee: Function) -> Expr:
        args = tuple(self.expr(a) for a in node.args)
        kwargs = tuple((kw.arg, self.expr(kw.value)) for kw in node.keywords)
        fn = callee.fn
        if fn in (builtins.max, builtins.min) and len(args) > 2 and not kwargs:
            # max(a, b, c) is max(max(a, b), c): ties keep the first, as Python does
            op = ir.call_op(fn, callee.path, True)
            result = Call(op, args[:2])
            for arg in args[2:]:
                result = Call(op, (result, arg))
            return result
        op = ir.call_op(fn, callee.path, is_pure(fn, callee.path), canonical=callee.canonical)
        return fold(Call(op, args, kwargs))

    def method(self, node: gast.Call, receiver: Expr, name: str) -> Expr:
        args = tuple(self.expr(a) for a in node.args)
        kwargs = tuple((kw.arg, self.expr(kw.value)) for kw in node.keywords)
        if name in METHODS:
            fn = METHODS[name]
            return Call(ir.call_op(fn, f"np.{name}", True, canonical=True), (receiver, *args), kwargs)
        if name in _VARARG_METHODS:
            fn = _VARARG_METHODS[name]
            op = ir.call_op(fn, f"np.{name}", True, canonical=True)
            if len(args) > 1:  # x.reshape(2, 3) means np.reshape(x, (2, 3))
                args = (fold(Call(ir.TUPLE, args)),)
            return Call(op, (receiver, *args), kwargs)
        return Call(method_op(name), (receiver, *args), kwargs)


def _text(node: gast.AST) -> str:
    try:
        return gast_text(node)
    except Exception:
        return type(node).__name__


# -------------------------------------------------------------------- lowering


class Lowering(ExprBuilder):
    """Builds the SSA body of one function.

    Structured control flow stays structured. Where paths join, a variable
    assigned on them gets a *join name*, assigned by a copy at the end of each
    path: ``y_1 = y`` in one branch and ``y_1 = y_2`` in the other; a loop's
    carried variable ``x_1`` is copied in before the loop, at the end of the
    body and before a ``break``. Every other name is assigned once.
    """

    def __init__(
        self,
        parsed: Parsed,
        resolver: Resolver,
        inlinable: Callable[[object], bool] | None = None,
        root: Lowering | None = None,
        enclosing: Lowering | None = None,
        stack: tuple = (),
    ):
        super().__init__(parsed)
        self.resolver = resolver
        # which callees are the user's code to inline (the others need rules): the driver says
        self.inlinable = inlinable or root.inlinable
        self.root = root or self  # the function being differentiated, where inlined code goes
        self.enclosing = enclosing  # for a function defined inside another: the one around it
        self.stack = stack  # functions being inlined around this one (recursion shows here)
        if root is None:
            self.pool = NamePool(identifiers(parsed.node))
            self.cells: dict[str, object] = {}
            self.stack = (parsed.fn.__code__,)
        else:
            self.pool = root.pool
            self.pool.used |= identifiers(parsed.node)
        self.env: dict[str, Expr | LocalFunction] = {}
        self.body: list[ir.Stmt] = []
        self.origin: ir.Origin | None = None
        self.free: dict[str, object] = {}  # free names read, and what they were
        self.loops: list[dict[str, str]] = []  # carried variables of enclosing loops -> join names
        self.result: str | None = None  # join name of returns from inside branches
        self.final: Expr | None = None  # what an inlined function returns at its end
        self.inlining = root is not None
        self.depth = 0

    def local(self, name: str) -> Expr | LocalFunction | None:
        value = self.env.get(name)
        if value is None and self.enclosing is not None:
            return self.enclosing.local(name)  # read when called, as Python closures do
        return value

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        if self.enclosing is not None:
            return self.enclosing.resolve(name, node)
        where, value = self.resolver.lookup(name)
        if where == "missing":
            loc = self.parsed.location(node)
            raise NameError(f"{loc}: name '{name}' is not defined")
        if self.root is self:
            self.free[name] = value
            return self.wrap(value, name, canonical=False)
        return self.foreign(name, where, value)

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

    # calls to the user's functions: inlined -------------------------------------
    def call(self, node: gast.Call, callee: Function) -> Expr:
        if self.inlinable(callee.fn):
            return self.inline(node, callee.fn)
        return super().call(node, callee)

    def _Lambda(self, node: gast.Lambda) -> LocalFunction:
        return LocalFunction(node, self, self.defaults(node.args))

    def _Call(self, node: gast.Call) -> Expr:
        if not isinstance(node.func, gast.Attribute):
            callee = self.value(node.func)
            if isinstance(callee, LocalFunction):
                return self.inline_local(node, callee)
        return super()._Call(node)

    def arguments(self, node: gast.Call) -> tuple[list[Expr], dict[str, Expr]]:
        for a in node.args:
            if isinstance(a, gast.Starred):
                raise self.error(a, "`*args` in a call is not supported", "Pass the arguments one by one.")
        args = [self.atom(self.expr(a)) for a in node.args]
        kwargs = {kw.arg: self.atom(self.expr(kw.value)) for kw in node.keywords}
        return args, kwargs

    def inline(self, node: gast.Call, fn: types.FunctionType) -> Expr:
        if fn.__code__ in self.stack:  # recursion: a call, to the function's own derivative
            return self.recursive_call(node, fn)
        parsed = parse(fn)
        args, kwargs = self.arguments(node)
        child = Lowering(parsed, Resolver(fn), None, self.root, None, self.stack + (fn.__code__,))
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
        op = ir.call_op(fn, path, pure=False, canonical=canonical)
        return Call(op, tuple(args), tuple(kwargs.items()))

    def inline_local(self, node: gast.Call, local: LocalFunction) -> Expr:
        if id(local.node) in self.stack:
            raise self.error(
                node,
                "a recursive call to a local function is not supported yet",
                "Write the recursion as a loop.",
            )
        args, kwargs = self.arguments(node)
        owner = local.owner
        child = Lowering(
            owner.parsed.nested(local.node),
            owner.resolver,
            None,
            self.root,
            owner,
            self.stack + (id(local.node),),
        )
        child.bind_params(local.node.args, args, kwargs, local.defaults, node, self)
        return child.run_inline(self)

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
        literal = default_expr(value, node)
        if isinstance(literal, Const):
            return literal
        head = self.pool.fresh(f"{self.parsed.name}_{param}")
        self.root.cells[head] = value
        return Ref(head, value, canonical=True)

    def bind_params(
        self,
        args: gast.arguments,
        values: list[Expr],
        keywords: dict[str, Expr],
        defaults: dict[str, Expr],
        call: gast.Call,
        caller: Lowering,
    ) -> None:
        if args.vararg is not None or args.kwarg is not None:
            raise caller.error(
                call,
                "calling a function with `*args` or `**kwargs` parameters is not supported",
                "Name every parameter of the helper.",
            )
        positional = [a.id for a in args.posonlyargs + args.args]
        keyword_only = [a.id for a in args.kwonlyargs]
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

    def run_inline(self, caller: Lowering) -> Expr:
        """Lower this function's body into the caller's current block; its value."""
        self.body = caller.body
        node = self.parsed.node
        if isinstance(node, gast.Lambda):
            self.origin = self.parsed.origin(node.body)
            return self.atom(self.expr(node.body))
        body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
        for stmt in self.restructured(node, body):
            if self.stmt(stmt):
                break
        if self.result is not None:
            return Name(self.result)
        return self.final if self.final is not None else Const(None)

    def named(self, node: gast.NamedExpr) -> Expr:
        value = self.atom(self.expr(node.value), node.target.id)
        self.env[node.target.id] = value
        return value

    # statements ----------------------------------------------------------------
    def restructured(self, node: gast.FunctionDef, body: list[gast.stmt]) -> list[gast.stmt]:
        """``body`` of ``node`` restructured (one exit, no ``break`` out of a branch), with the
        names that introduces taken from the pool."""
        fn = restructured(
            gast.FunctionDef(
                name=node.name,
                args=node.args,
                body=body,
                decorator_list=[],
                returns=None,
                type_comment=None,
                type_params=[],
            ),
            self.pool.used,
        )
        self.pool.used |= identifiers(fn)
        return fn.body

    def function(self) -> ir.Function:
        node = self.parsed.node
        params = self.params(node.args)
        for p in params:
            self.pool.version(p.name)
            self.env[p.name] = Name(p.name)
        doc = None
        if isinstance(node, gast.Lambda):
            ret = gast.Return(value=node.body)
            self.stmt(gast.copy_location(ret, node.body))
        else:
            body = node.body
            if body and _is_docstring(body[0]):
                doc = body[0].value.value
                body = body[1:]
            exited = False
            for stmt in self.restructured(node, body):
                if self.stmt(stmt):
                    exited = True
                    break
            if self.result is not None and not (self.body and isinstance(self.body[-1], ir.Return)):
                self.emit(ir.Return(Name(self.result)))
            elif not exited:
                self.emit(ir.Return(Const(None)))
        return ir.Function(
            self.parsed.name,
            params,
            self.body,
            doc,
            self.parsed.source,
            temps=set(self.pool.temp_names),
            cells=dict(self.cells),
        )

    def params(self, args: gast.arguments) -> list[ir.Param]:
        fn = self.parsed.fn
        positional = args.posonlyargs + args.args
        defaults = list(fn.__defaults__ or ())
        first_default = len(positional) - len(defaults)
        out = []
        for i, a in enumerate(positional):
            kind = "positional_only" if i < len(args.posonlyargs) else "positional"
            j = i - first_default
            default = default_expr(defaults[j], args.defaults[j]) if j >= 0 else None
            out.append(ir.Param(a.id, kind, default))
        kwdefaults = fn.__kwdefaults__ or {}
        for a, node in zip(args.kwonlyargs, args.kw_defaults):
            default = default_expr(kwdefaults[a.id], node) if a.id in kwdefaults else None
            out.append(ir.Param(a.id, "keyword_only", default))
        return out

    def stmt(self, node: gast.stmt) -> bool:
        """Lower one statement; true when control cannot pass it."""
        self.origin = self.parsed.origin(node)
        if isinstance(node, gast.Assign):
            first, *others = node.targets
            if isinstance(node.value, (gast.ListComp, gast.GeneratorExp)) and isinstance(first, gast.Name):
                self.env[first.id] = self.comprehension(
                    node.value, self.pool.version(first.id)
                )  # the list's name
                for target in others:
                    self.assign(target, self.env[first.id])
                return False
            value = self.value(node.value) if isinstance(node.value, gast.Lambda) else self.expr(node.value)
            self.assign(first, value)
            for target in others:  # a = b = value
                self.assign(target, self.env[first.id] if isinstance(first, gast.Name) else value)
        elif isinstance(node, gast.AugAssign):
            self.augassign(node)
        elif isinstance(node, gast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value))
        elif isinstance(node, gast.Return):
            value = Const(None) if node.value is None else self.expr(node.value)
            if self.depth == 0 and self.result is None and self.inlining:
                self.final = self.atom(value)
            elif self.depth == 0 and self.result is None:
                self.emit(ir.Return(self.atom(value)))
            else:  # a return inside a branch: copy to the join name of all returns
                if self.result is None:
                    self.result = self.pool.fresh("result")
                self.emit(ir.Assign(Name(self.result), self.atom(value)))
            return True
        elif isinstance(node, gast.Expr):
            if isinstance(node.value, gast.Call):
                self.emit(ir.Effect(self.flatten(self.expr(node.value), root=False)))
        elif isinstance(node, gast.Assert):
            msg = None if node.msg is None else self.atom(self.expr(node.msg))
            self.emit(ir.Assert(self.atom(self.expr(node.test)), msg))
        elif isinstance(node, gast.If):
            return self.if_(node)
        elif isinstance(node, gast.For):
            self.for_(node)
        elif isinstance(node, gast.While):
            self.while_(node)
        elif isinstance(node, gast.Break):
            self.copy_out(self.loops[-1])
            self.emit(ir.Break())
            return True
        elif isinstance(node, gast.FunctionDef):
            self.env[node.name] = LocalFunction(node, self, self.defaults(node.args))
        elif not isinstance(node, gast.Pass):
            raise self.error(node, f"the statement `{type(node).__name__}` is not supported")
        return False

    def block(self, stmts: list[gast.stmt]) -> tuple[list[ir.Stmt], dict[str, Expr], bool]:
        """Lower a nested block: its statements, the names at its end, whether it exits."""
        saved = self.body, self.env, self.origin
        self.body, self.env = [], dict(self.env)
        self.depth += 1
        exits = False
        for s in stmts:
            if self.stmt(s):
                exits = True
                break
        out = self.body, self.env, exits
        self.body, self.env, self.origin = saved
        self.depth -= 1
        return out

    def copy(self, join: str, value: Expr, origin: ir.Origin | None) -> ir.Assign:
        return ir.Assign(Name(join), value, origin=origin)

    def if_(self, node: gast.If) -> bool:
        origin = self.parsed.origin(node)
        test = self.atom(self.expr(node.test))
        before = dict(self.env)

        def env_before(var: str) -> Expr | None:
            return before.get(var)

        body, env_then, then_exits = self.block(node.body)
        orelse, env_else, else_exits = self.block(node.orelse)
        self.origin = origin
        joins = []
        if then_exits and else_exits:
            self.emit(ir.If(test, body, orelse, self.exit_joins()))
            return True
        if then_exits or else_exits:  # only one path goes on
            self.env = env_else if then_exits else env_then
            joins = [n.id for v, n in self.env.items() if isinstance(n, Name) and n != env_before(v)]
        else:
            for var in sorted(set(env_then) | set(env_else)):
                a, b = env_then.get(var), env_else.get(var)
                if a == b:
                    self.env[var] = a
                    continue
                join = self.pool.version(var)
                if a is not None:
                    body.append(self.copy(join, a, origin))
                if b is not None:
                    orelse.append(self.copy(join, b, origin))
                self.env[var] = Name(join)
                joins.append(join)
        self.emit(ir.If(test, body, orelse, joins + self.exit_joins()))
        return False

    def exit_joins(self) -> list[str]:
        """Names a `break` or `return` inside assigns on its way out: visible after the loop."""
        names = [j for loop in self.loops for j in loop.values()]
        return names + ([self.result] if self.result else [])

    def enter_loop(self, node: gast.For | gast.While) -> dict[str, str]:
        """Join names for the variables the loop assigns, copied in where they exist."""
        if node.orelse:
            raise self.error(
                node,
                "an `else` clause on a loop is not supported",
                "Use a flag set before `break` and test it after the loop.",
            )
        carried = {}
        for var in sorted(_assigned(node.body)):
            join = self.pool.version(var)
            if var in self.env:
                self.emit(ir.Assign(Name(join), self.env[var]))
            carried[var] = join
            self.env[var] = Name(join)
        return carried

    def copy_out(self, carried: dict[str, str]) -> None:
        """Copy the current values of carried variables to their join names."""
        for var, join in carried.items():
            value = self.env.get(var)
            if value is not None and value != Name(join):
                self.emit(ir.Assign(Name(join), value))

    def loop_body(self, stmts: list[gast.stmt], carried: dict[str, str]) -> list[ir.Stmt]:
        self.loops.append(carried)
        body, env_end, exits = self.block(stmts)
        self.loops.pop()
        if not exits:
            saved, self.body, self.env = (self.body, self.env), body, env_end
            self.copy_out(carried)
            (self.body, self.env), body = saved, self.body
        return _sink_after_exits(body)

    def for_(self, node: gast.For) -> None:
        origin = self.parsed.origin(node)
        iterable = self.iteration(node.iter)
        carried = self.enter_loop(node)
        target = self.bind(node.target)
        body = self.loop_body(node.body, carried)
        self.origin = origin
        self.emit(ir.For(target, iterable, body, list(carried.values())))

    def while_(self, node: gast.While) -> None:
        origin = self.parsed.origin(node)
        carried = self.enter_loop(node)
        saved, self.body = self.body, []
        test = self.atom(self.expr(node.test))
        test_body, self.body = self.body, saved
        body = self.loop_body(node.body, carried)
        self.origin = origin
        self.emit(ir.While(test_body, test, body, list(carried.values())))

    def bind(self, target: gast.expr) -> Expr:
        """Names for a loop target, ``i`` or ``(i, (a, b))``."""
        if isinstance(target, gast.Name):
            name = Name(self.pool.version(target.id))
            self.env[target.id] = name
            return name
        if isinstance(target, (gast.Tuple, gast.List)):
            return Call(ir.TUPLE, tuple(self.bind(e) for e in target.elts))
        raise self.error(target, "this loop target is not supported", "Loop over plain names.")

    def iteration(self, node: gast.expr) -> Expr:
        """The iterable of a ``for``: ``range``, ``enumerate``, ``zip`` and ``reversed`` stay calls."""
        if (
            isinstance(node, gast.Call)
            and not node.keywords
            or (isinstance(node, gast.Call) and all(k.arg == "start" for k in node.keywords))
        ):
            callee = self.value(node.func)
            if isinstance(callee, Function) and callee.fn in _ITERATORS:
                args = tuple(
                    self.iteration(a) if callee.fn is not builtins.range else self.atom(self.expr(a))
                    for a in node.args
                )
                kwargs = tuple((k.arg, self.atom(self.expr(k.value))) for k in node.keywords)
                pure = callee.fn is builtins.range  # zip, enumerate, reversed: used up once iterated
                op = ir.call_op(callee.fn, callee.path, pure, canonical=callee.canonical)
                return Call(op, args, kwargs)
        value = self.atom(self.expr(node))
        if isinstance(value, Call):  # for v in (a, b): a sequence with a name, to index in reverse
            name = Name(self.pool.temp())
            self.emit(ir.Assign(name, value))
            return name
        return value

    def augassign(self, node: gast.AugAssign) -> None:
        op = ir.BINARY[BINARY_SYMBOLS[type(node.op)]]
        target = node.target
        if isinstance(target, gast.Subscript) and op is ir.ADD:
            array, index = self.subscript_target(target)
            self.emit(ir.SetItem(array, index, self.atom(self.expr(node.value)), accumulate=True))
            return
        before = self.env.get(target.id) if isinstance(target, gast.Name) else None
        self.assign(target, fold(Call(op, (self.expr(target), self.expr(node.value)))))
        last = self.body[-1] if self.body else None
        if (
            isinstance(before, Name)
            and isinstance(last, ir.Assign)
            and self.env.get(target.id) == last.target
        ):
            last.in_place = before.id  # type: ignore[attr-defined]  # an array changes in place

    def subscript_target(self, target: gast.Subscript) -> tuple[Name, Expr]:
        base = target.value
        if not isinstance(base, gast.Name) or base.id not in self.env:
            raise self.error(
                target,
                "assignment into this is not supported",
                "Assign into an array the function makes, by its name: y[i] = ...",
            )
        array = self.env[base.id]
        if not isinstance(array, Name):
            raise self.error(
                target,
                f"`{base.id}` is a constant here: it cannot be assigned into",
                "Make an array first, for example with np.zeros.",
            )
        index = self.flatten(self.expr(target.slice), root=False)

        def settled(e: Expr) -> Expr:
            """A mask or computed index gets a name: the adjoint must index the same slots,
            after the assignment may have changed what it was computed from."""
            if isinstance(e, Call) and e.op.form == "tuple":
                return Call(e.op, tuple(settled(a) for a in e.args))
            if isinstance(e, Call) and e.op.form != "slice":
                return self.atom(e)
            return e

        return array, settled(index)

    def assign(self, target: gast.expr, value: Expr) -> None:
        if isinstance(value, LocalFunction):
            if not isinstance(target, gast.Name):
                raise self.error(target, "a function can only be given a plain name here")
            self.env[target.id] = value
            return
        if isinstance(target, gast.Name):
            self.env[target.id] = self.atom(value, target.id)
            return
        if isinstance(target, gast.Subscript):
            array, index = self.subscript_target(target)
            self.emit(ir.SetItem(array, index, self.atom(value)))
            return
        # a, b = ...: evaluate every value before binding any name
        elts = target.elts
        if isinstance(value, Call) and value.op.form in ("tuple", "list") and len(value.args) == len(elts):
            parts = [self.atom(v) if isinstance(t, gast.Name) else v for t, v in zip(elts, value.args)]
        elif isinstance(value, Const) and isinstance(value.value, tuple) and len(value.value) == len(elts):
            parts = [Const(v) for v in value.value]
        else:
            whole = self.atom(value)
            parts = [Call(ir.GETITEM, (whole, Const(i))) for i in range(len(elts))]
        for t, part in zip(elts, parts):
            self.assign(t, part)

    # comprehensions: loops that append -------------------------------------------
    def _ListComp(self, node: gast.ListComp) -> Expr:
        return self.comprehension(node)

    def _GeneratorExp(self, node: gast.GeneratorExp) -> Expr:
        return self.comprehension(node)  # sum(x * x for x in xs) reads a list as well

    def comprehension(self, node: gast.ListComp | gast.GeneratorExp, items: str | None = None) -> Expr:
        """``[e for x in xs if c]``: ``items = []; for x in xs: if c: items.append(e)``."""
        if any(g.is_async for g in node.generators):
            raise self.error(node, "an asynchronous comprehension is not supported")
        items = items or self.pool.fresh("items")
        self.emit(ir.Assign(Name(items), Call(ir.LIST, ())))
        load = gast.Name(id=items, ctx=gast.Load(), annotation=None, type_comment=None)
        append = gast.Attribute(value=load, attr="append", ctx=gast.Load())
        inner: gast.stmt = gast.Expr(value=gast.Call(func=append, args=[node.elt], keywords=[]))
        for gen in reversed(node.generators):
            for cond in reversed(gen.ifs):
                inner = gast.If(test=cond, body=[inner], orelse=[])
            inner = gast.For(target=gen.target, iter=gen.iter, body=[inner], orelse=[], type_comment=None)
        for n in gast.walk(inner):
            if not hasattr(n, "lineno") or getattr(n, "lineno", None) is None:
                n.lineno, n.col_offset = node.lineno, node.col_offset
                n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        scoped = {n.id for g in node.generators for n in gast.walk(g.target) if isinstance(n, gast.Name)}
        saved = {n: self.env[n] for n in scoped if n in self.env}
        self.env[items] = Name(items)
        origin = self.origin
        self.stmt(inner)
        self.origin = origin
        for n in scoped:  # the loop variables of a comprehension do not leak
            self.env.pop(n, None)
        self.env.update(saved)
        return Name(items)

    # expressions that branch ---------------------------------------------------
    def _IfExp(self, node: gast.IfExp) -> Expr:
        test = self.atom(self.expr(node.test))
        join = Name(self.pool.temp())
        branches = []
        for branch in (node.body, node.orelse):
            saved, self.body = self.body, []
            self.emit(ir.Assign(join, self.atom(self.expr(branch))))
            branches.append(self.body)
            self.body = saved
        self.emit(ir.If(test, *branches))
        return join

    def _BoolOp(self, node: gast.BoolOp) -> Expr:
        """``a and b`` is ``b if a else a``; ``a or b`` is ``a if a else b``; b only runs when needed."""
        join = Name(self.pool.temp())
        first = self.atom(self.expr(node.values[0]))
        saved, self.body = self.body, []
        rest = node.values[1:]
        later = self.atom(self.expr(rest[0] if len(rest) == 1 else gast.BoolOp(op=node.op, values=rest)))
        self.emit(ir.Assign(join, later))
        lazy, self.body = self.body, saved
        keep = [ir.Assign(join, first, origin=self.origin)]
        self.emit(ir.If(first, lazy, keep) if isinstance(node.op, gast.And) else ir.If(first, keep, lazy))
        return join

    # plumbing ----------------------------------------------------------------
    def emit(self, stmt: ir.Stmt, at: tuple[int, int] | None = None) -> None:
        origin = self.origin
        if origin is not None:
            value = getattr(stmt, "value", None)
            at = at or (value.pos if isinstance(value, Call) else None)
            origin = ir.replace(origin, at=at)
        stmt.origin = origin
        self.body.append(stmt)

    def atom(self, e: Expr, var: str | None = None) -> Expr:
        """Emit statements computing ``e`` and return an atom for its value.

        With ``var``, the value is bound to a new version of that variable,
        even when it is already atomic (``y = x`` stays a statement).
        """
        if var is None and ir.is_atomic(e):
            return e
        flat = self.flatten(e, root=True)
        if var is None and ir.is_atomic(flat):  # a tuple of atoms stays a display: unpacking needs no tuple
            return flat
        name = Name(self.pool.version(var) if var else self.pool.temp())
        self.emit(ir.Assign(name, flat))
        return name

    def flatten(self, e: Expr, root: bool) -> Expr:
        """Emit the operations inside ``e``; return ``e`` over atoms only.

        Pure operations are emitted level by level, leaves first; anything
        with side effects keeps Python's left-to-right order.
        """
        if not isinstance(e, Call):
            return e
        order: list[Call] = []
        height: dict[int, int] = {}

        def visit(c: Expr) -> int:
            if not isinstance(c, Call):
                return 0
            h = max((visit(a) for a in c.children()), default=0)
            if c.op.form in ir.STRUCTURAL:
                return h
            height[id(c)] = h + 1
            order.append(c)
            return h + 1

        visit(e)
        if order and order[-1] is e:
            order.pop()  # the root is returned, not named
        if all(c.op.pure for c in order):
            order.sort(key=lambda c: height[id(c)])
        names: dict[int, Expr] = {}

        def rebuild(c: Expr) -> Expr:
            if not isinstance(c, Call):
                return c
            if id(c) in names:
                return names[id(c)]
            return c.map(rebuild)

        for c in order:
            name = Name(self.pool.temp())
            self.emit(ir.Assign(name, rebuild(c)), at=c.pos)
            names[id(c)] = name
        return rebuild(e)


_ITERATORS = (builtins.range, builtins.enumerate, builtins.zip, builtins.reversed)


@dataclass(frozen=True, eq=False)
class LocalFunction:
    """A ``def`` or ``lambda`` inside the function: inlined where it is called."""

    node: gast.FunctionDef | gast.Lambda
    owner: Lowering  # where it is defined: its free names are read there
    defaults: dict[str, Expr]


def _assigned(stmts: list[gast.stmt]) -> set[str]:
    """Names a block assigns, nested blocks included."""
    names: set[str] = set()
    for node in (n for s in stmts for n in gast.walk(s)):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        elif isinstance(node, gast.NamedExpr):
            names.add(node.target.id)
    return names


def _exits(stmts: list[ir.Stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ir.If):
        return _exits(last.body) and _exits(last.orelse)
    return isinstance(last, ir.Break)


def _sink_after_exits(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """Move what follows an ``if`` with a ``break`` into its other branch.

    Then every statement in a block runs whenever the block does, which is
    what reversing a block assumes."""
    out: list[ir.Stmt] = []
    for i, s in enumerate(stmts):
        if isinstance(s, ir.If):
            s.body, s.orelse = _sink_after_exits(s.body), _sink_after_exits(s.orelse)
            rest = stmts[i + 1 :]
            if rest and (_exits(s.body) or _exits(s.orelse)):
                if not _exits(s.body):
                    s.body = _sink_after_exits(s.body + rest)
                elif not _exits(s.orelse):
                    s.orelse = _sink_after_exits(s.orelse + rest)
                out.append(s)
                return out
        out.append(s)
    return out


def _is_docstring(node: gast.stmt) -> bool:
    return (
        isinstance(node, gast.Expr)
        and isinstance(node.value, gast.Constant)
        and isinstance(node.value.value, str)
    )


def default_expr(value: object, node: gast.expr | None) -> Expr:
    """A parameter default as it prints: a literal, or its source expression.

    Generated functions take the original's default values, not the printed
    expression, so the text is never evaluated again."""
    if value is None or type(value) in (bool, int, float, str):
        return Const(value)
    if isinstance(value, tuple) and all(v is None or type(v) in (bool, int, float, str) for v in value):
        return Const(value)
    return Ref(_text(node) if node is not None else "...", value)


def lower(
    parsed: Parsed, resolver: Resolver, inlinable: Callable[[object], bool]
) -> tuple[ir.Function, dict[str, object]]:
    """The SSA form of a parsed function, and the free names it reads.

    ``inlinable(fn)`` says whether a function the code calls is the user's own, to inline
    (the others need derivative rules)."""
    lowering = Lowering(parsed, resolver, inlinable)
    return lowering.function(), lowering.free
