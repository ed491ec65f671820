"""Python expressions to IR expression trees, and what the free names in them are.

``ExprBuilder`` turns a gast expression into one IR expression tree and emits
no statement; a subclass says what local and free names mean:

>>> import math
>>> from s2sad.ir import Name
>>> class Builder(ExprBuilder):
...     def local(self, name):
...         return Name(name) if name in ("x1", "x2") else None
...
...     def resolve(self, name, node):
...         return self.wrap(math, name, canonical=False)
>>> tree = Builder().expr(gast.parse("math.log(x1) + x1 * x2", mode="eval").body)
>>> tree.op.symbol, tree.args
('+', (math.log(x1), x1 * x2))

Free names become what they stand for (a ``Module``, a ``Function``, data), and
method calls on arrays become the NumPy functions they mean
(``x.sum(axis=0)`` is ``np.sum(x, axis=0)``), so one rule serves both. The
lowering (``statements``) and the rule templates (``s2sad.rules.templates``)
are the two builders; in the lowering, the tree is then flattened:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, w):
...     return x.sum(axis=0) + np.dot(w, x.T) * x.reshape(2, 3)
... '''))
def f(x, w):
    v1 = np.sum(x, axis=0)
    v2 = x.T
    v3 = np.reshape(x, (2, 3))
    v4 = np.dot(w, v2)
    v5 = v4 * v3
    v6 = v1 + v5
    return v6
"""

from __future__ import annotations

import builtins
import types
from collections.abc import Callable
from dataclasses import dataclass

import gast
import numpy as np

from .. import ir
from ..errors import DifferentiationError, MissingRuleError, UnsupportedSyntaxError
from ..frontend.namespaces import canonical_path, module_path
from ..frontend.parse import Parsed
from ..ir import Call, Const, Expr, Name, Ref, attr_op, method_op
from ..ir.fold import fold_constant as fold
from ..ir.printer import gast_text
from ..ir.syntax import BINARY_SYMBOLS, COMPARE_SYMBOLS, UNARY_SYMBOLS
from .index_tricks import joined
from .static import Static

# ------------------------------------------------------- what free names can be


@dataclass(frozen=True)
class Module:
    """A module a free name stands for: its attributes are read when the code runs."""

    module: types.ModuleType
    path: str  # as printed in generated code
    canonical: bool


@dataclass(frozen=True)
class Function:
    """A function (or a type) a free name stands for: called through a rule or inlined."""

    fn: Callable
    path: str  # as printed in generated code
    canonical: bool  # ``path`` goes through one of our module names (np.linalg.norm)


@dataclass(frozen=True, eq=False)
class LocalFunction:
    """A ``def`` or ``lambda`` inside the function: inlined where it is called."""

    node: gast.FunctionDef | gast.Lambda
    owner: ExprBuilder  # the lowering of the function it is defined in: its free names are read there
    defaults: dict[str, Expr]


@dataclass(frozen=True, eq=False)
class LocalChoice:
    """A name bound to one of several local functions, which one decided where paths joined:
    ``selector`` (an ``int`` join name) says which of ``options`` was bound last."""

    selector: Name
    options: tuple[LocalFunction, ...]


@dataclass(frozen=True, eq=False)
class UnsettledFunction:
    """A name bound to a local function on some paths and to something else on others, in a
    way the lowering cannot follow: an error where it is used (``why`` says what)."""

    why: str
    hint: str = ""


LOCAL_FUNCTIONS = (LocalFunction, LocalChoice, UnsettledFunction, Static)


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


# builtins that read (or run code on) the caller's variables; vars and dir only without arguments
_FRAME_READERS = (
    builtins.eval,
    builtins.exec,
    builtins.locals,
    builtins.globals,
    builtins.vars,
    builtins.dir,
)


def max_of(iterable, **options):
    """``max(iterable)``: Python's max of one list (the first of equal items), which s2sad
    reads as a call apart from ``max(a, b)``, with a derivative rule of its own."""
    return max(iterable, **options)


def min_of(iterable, **options):
    """``min(iterable)``: Python's min of one list (the first of equal items)."""
    return min(iterable, **options)


# max and min of one iterable: calls apart from max(a, b) and min(a, b), for the rules
ONE_ITERABLE: dict[object, Callable] = {builtins.max: max_of, builtins.min: min_of}


def is_pure(fn: object, path: str) -> bool:
    """Whether a call may be reordered or dropped when its result is unused."""
    if path.startswith("np.random") or path.endswith(".rvs"):  # random draws (scipy.stats.norm.rvs)
        return False
    if fn in _IMPURE or path.endswith(".at"):  # np.add.at changes its array
        return False
    return canonical_path(fn) is not None or path.startswith(("np.", "math."))


# Methods on arrays that mean a NumPy function of the array; the argument
# spelling of reshape and transpose differs (x.reshape(2, 3)). Not ``sort``: ``x.sort()``
# sorts in place (``analysis.inplace`` refuses it), where ``np.sort(x)`` makes a copy.
METHODS = {
    name: getattr(np, name)
    for name in (
        "sum mean prod max min var std dot cumsum cumprod clip ravel squeeze trace round argmax argmin any "
        "all nonzero diagonal repeat conj argsort swapaxes take searchsorted argpartition"
    ).split()
}
_VARARG_METHODS = {"reshape": np.reshape, "transpose": np.transpose}


# ----------------------------------------------------------------- expressions


class ExprBuilder:
    """Turns gast expressions into IR expression trees.

    ``local(name)`` gives the current value of a local name or ``None``;
    ``resolve(name)`` gives what a free name means. Subclasses (the lowering,
    and the rule templates) decide both.
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
        return self.settle(node, self.value(node))

    def settle(self, node: gast.expr, value: object) -> Expr:
        """``value`` (of ``node``) as an expression of generated code."""
        if isinstance(value, UnsettledFunction):
            raise self.error(node, value.why, value.hint)
        if isinstance(value, LOCAL_FUNCTIONS):
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

    def _JoinedStr(self, node: gast.JoinedStr) -> Expr:
        """``f"{x:.3f} {n}"`` as ``'{:.3f} {}'.format(x, n)``: text, with no derivative."""
        template, values = "", []
        for part in node.values:
            if isinstance(part, gast.Constant):
                template += str(part.value).replace("{", "{{").replace("}", "}}")
                continue
            spec = part.format_spec
            if spec is not None and not all(isinstance(p, gast.Constant) for p in spec.values):
                raise self.error(node, "a computed format spec in an f-string is not supported")
            conversion = {115: "!s", 114: "!r", 97: "!a"}.get(part.conversion, "")
            template += "{" + conversion
            template += (":" + "".join(str(p.value) for p in spec.values) if spec is not None else "") + "}"
            values.append(self.expr(part.value))
        return Call(method_op("format"), (Const(template), *values))

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
        base = self.expr(node.value)
        if isinstance(base, Ref) and (base.value is np.r_ or base.value is np.c_):
            return joined(self, node, rows=base.value is np.r_)
        return fold(Call(ir.GETITEM, (base, self.expr(node.slice))))

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
            method = getattr(base.fn, node.attr, None)
            path = canonical_path(method) if isinstance(method, types.MethodType) else None
            if path is not None:  # a method of one of SciPy's distributions: scipy.stats.norm.logpdf
                return Function(method, path, True)
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
        fn = callee.fn
        bare = not node.args and not node.keywords
        if fn in _FRAME_READERS and (bare or fn not in (builtins.vars, builtins.dir)):
            # what it reads are the function's variables, not its arguments: a derivative of 0
            # would be a guess
            raise MissingRuleError(
                f"no derivative rule for `{callee.path}`: it runs code or reads variables s2sad cannot see",
                self.parsed.location(node) if self.parsed else None,
                "Write the computation out in the function, where s2sad can read it, or put it in a "
                "function of its inputs and register its rules: s2sad.defvjp(fn, lambda g, ans, x: ...).",
            )
        args = tuple(self.expr(a) for a in node.args)
        kwargs = tuple((kw.arg, self.expr(kw.value)) for kw in node.keywords)
        if fn in ONE_ITERABLE and len(args) == 1:
            # max(xs) is not max(a, b): a call of its own, printed as written
            op = ir.call_op(ONE_ITERABLE[fn], callee.path, True, canonical=callee.canonical)
            return Call(op, args, kwargs)
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


def default_expr(value: object, node: gast.expr | None) -> Expr:
    """A parameter default as it prints: a literal, or its source expression.

    Generated functions take the original's default values, not the printed
    expression, so the text is never evaluated again."""
    if value is None or type(value) in (bool, int, float, str):
        return Const(value)
    if isinstance(value, tuple) and all(v is None or type(v) in (bool, int, float, str) for v in value):
        return Const(value)
    return Ref(_text(node) if node is not None else "...", value)
