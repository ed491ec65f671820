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
import types
from collections.abc import Callable
from dataclasses import dataclass

import gast
import numpy as np

from . import ir
from .algebra import fold_constant as fold
from .errors import DifferentiationError, UnsupportedSyntaxError
from .frontend import Parsed, Resolver
from .ir import Call, Const, Expr, Name, Ref
from .namespaces import canonical_path, module_path

# ------------------------------------------------------------------- name pool


class NamePool:
    """Hands out names that collide with nothing in the function."""

    def __init__(self, reserved: set[str]):
        self.used = set(reserved)
        self.defined: set[str] = set()
        self.temps = 0
        self.temp_names: list[str] = []

    def version(self, var: str) -> str:
        """The name for a new assignment to source variable ``var``."""
        if var not in self.defined:
            self.defined.add(var)
            self.used.add(var)
            return var
        return self.fresh(var + "_", start=1)

    def fresh(self, base: str, start: int | None = None) -> str:
        """``base`` if free, else ``base1``, ``base2``... (or from ``start``)."""
        if start is None and base not in self.used:
            self.used.add(base)
            return base
        k = start or 1
        while f"{base}{k}" in self.used:
            k += 1
        self.used.add(f"{base}{k}")
        return f"{base}{k}"

    def temp(self) -> str:
        while True:
            self.temps += 1
            name = f"v{self.temps}"
            if name not in self.used:
                self.used.add(name)
                self.temp_names.append(name)
                return name


def identifiers(node: gast.AST) -> set[str]:
    """Every identifier spelled in a tree."""
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}


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


_IMPURE = {print, input, open, exec, eval, setattr, delattr, next, iter, id}


def is_pure(fn: object, path: str) -> bool:
    """Whether a call may be reordered or dropped when its result is unused."""
    if path.startswith("np.random") or fn in _IMPURE:
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

_PURE_METHODS = {"copy", "astype", "item", "tolist", "conjugate", "flatten", "__abs__"}
_method_ops: dict[str, ir.Op] = {}
_attr_ops: dict[str, ir.Op] = {}


def method_op(name: str) -> ir.Op:
    """The op for ``x.name(...)``: printed as a method call on its first argument."""
    op = _method_ops.get(name)
    if op is None:
        pure = name in _PURE_METHODS
        op = _method_ops[name] = ir.Op(f"method.{name}", "method", name, None, pure=pure)
    return op


def attr_op(name: str) -> ir.Op:
    """The op for ``x.name``."""
    op = _attr_ops.get(name)
    if op is None:
        op = _attr_ops[name] = ir.Op(f"attr.{name}", "attr", name, None)
    return op


# ----------------------------------------------------------------- expressions

_BINARY = {
    gast.Add: "+",
    gast.Sub: "-",
    gast.Mult: "*",
    gast.Div: "/",
    gast.FloorDiv: "//",
    gast.Mod: "%",
    gast.Pow: "**",
    gast.MatMult: "@",
    gast.BitAnd: "&",
    gast.BitOr: "|",
    gast.BitXor: "^",
    gast.LShift: "<<",
    gast.RShift: ">>",
}
_UNARY = {gast.USub: "-", gast.UAdd: "+", gast.Not: "not", gast.Invert: "~"}
_COMPARE = {
    gast.Lt: "<",
    gast.LtE: "<=",
    gast.Gt: ">",
    gast.GtE: ">=",
    gast.Eq: "==",
    gast.NotEq: "!=",
    gast.Is: "is",
    gast.IsNot: "is not",
    gast.In: "in",
    gast.NotIn: "not in",
}


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
        op = ir.BINARY[_BINARY[type(node.op)]]
        return fold(Call(op, (self.expr(node.left), self.expr(node.right))))

    def _UnaryOp(self, node: gast.UnaryOp) -> Expr:
        return fold(Call(ir.UNARY[_UNARY[type(node.op)]], (self.expr(node.operand),)))

    def _Compare(self, node: gast.Compare) -> Expr:
        if len(node.ops) > 1:
            raise self.error(node, "a chained comparison is not supported", "Compare two values at a time.")
        op = ir.COMPARE[_COMPARE[type(node.ops[0])]]
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
    from .codegen import _unparse

    try:
        return _unparse(gast.gast_to_ast(gast.Expression(body=node))).strip()
    except Exception:
        return type(node).__name__


# -------------------------------------------------------------------- lowering


class Lowering(ExprBuilder):
    """Builds the SSA body of one function."""

    def __init__(self, parsed: Parsed, resolver: Resolver):
        super().__init__(parsed)
        self.resolver = resolver
        self.pool = NamePool(identifiers(parsed.node))
        self.env: dict[str, Expr] = {}
        self.body: list[ir.Stmt] = []
        self.origin: ir.Origin | None = None
        self.free: dict[str, object] = {}  # free names read, and what they were

    def local(self, name: str) -> Expr | None:
        return self.env.get(name)

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        where, value = self.resolver.lookup(name)
        if where == "missing":
            loc = self.parsed.location(node)
            raise NameError(f"{loc}: name '{name}' is not defined")
        self.free[name] = value
        return self.wrap(value, name, canonical=False)

    def named(self, node: gast.NamedExpr) -> Expr:
        value = self.atom(self.expr(node.value), node.target.id)
        self.env[node.target.id] = value
        return value

    # statements ----------------------------------------------------------------
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
            for stmt in body:
                if self.stmt(stmt):
                    break
        return ir.Function(
            self.parsed.name, params, self.body, doc, self.parsed.source, temps=set(self.pool.temp_names)
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
            default = _default(defaults[j], args.defaults[j]) if j >= 0 else None
            out.append(ir.Param(a.id, kind, default))
        kwdefaults = fn.__kwdefaults__ or {}
        for a, node in zip(args.kwonlyargs, args.kw_defaults):
            default = _default(kwdefaults[a.id], node) if a.id in kwdefaults else None
            out.append(ir.Param(a.id, "keyword_only", default))
        return out

    def stmt(self, node: gast.stmt) -> bool:
        """Lower one statement; true when control cannot pass it (``return``)."""
        self.origin = self.parsed.origin(node)
        if isinstance(node, gast.Assign):
            value = self.expr(node.value)
            first, *others = node.targets
            self.assign(first, value)
            for target in others:  # a = b = value
                self.assign(target, self.env[first.id] if isinstance(first, gast.Name) else value)
        elif isinstance(node, gast.AugAssign):
            op = ir.BINARY[_BINARY[type(node.op)]]
            self.assign(node.target, fold(Call(op, (self.expr(node.target), self.expr(node.value)))))
        elif isinstance(node, gast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value))
        elif isinstance(node, gast.Return):
            value = Const(None) if node.value is None else self.expr(node.value)
            self.emit(ir.Return(self.atom(value)))
            return True
        elif isinstance(node, gast.Expr):
            if isinstance(node.value, gast.Call):
                self.emit(ir.Effect(self.flatten(self.expr(node.value), root=False)))
        elif isinstance(node, gast.Assert):
            msg = None if node.msg is None else self.atom(self.expr(node.msg))
            self.emit(ir.Assert(self.atom(self.expr(node.test)), msg))
        elif not isinstance(node, gast.Pass):
            raise self.error(node, f"the statement `{type(node).__name__}` is not supported")
        return False

    def assign(self, target: gast.expr, value: Expr) -> None:
        if isinstance(target, gast.Name):
            self.env[target.id] = self.atom(value, target.id)
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


def _is_docstring(node: gast.stmt) -> bool:
    return (
        isinstance(node, gast.Expr)
        and isinstance(node.value, gast.Constant)
        and isinstance(node.value.value, str)
    )


def _default(value: object, node: gast.expr) -> Expr:
    """A parameter default as it prints: a literal, or its source expression.

    Generated functions take the original's default values, not the printed
    expression, so the text is never evaluated again."""
    if value is None or type(value) in (bool, int, float, str):
        return Const(value)
    if isinstance(value, tuple) and all(v is None or type(v) in (bool, int, float, str) for v in value):
        return Const(value)
    return Ref(_text(node), value)


def lower(parsed: Parsed, resolver: Resolver) -> tuple[ir.Function, dict[str, object]]:
    """The SSA form of a parsed function, and the free names it reads."""
    lowering = Lowering(parsed, resolver)
    return lowering.function(), lowering.free
