"""Print IR as Python source.

Printing goes through gast and astor (``ast.unparse`` where astor cannot run),
so every stage of the pipeline is valid Python. Comments, which the AST cannot
hold, travel as marker strings and become ``#`` lines after printing:

>>> from s2sad import ir
>>> from s2sad.ir import MUL, Call, Name
>>> body = [
...     ir.Comment("y = x * w"),
...     ir.Assign(Name("x_bar"), Call(MUL, (Name("g"), Name("w"))), accumulate=True),
...     ir.Return(Name("x_bar")),
... ]
>>> print(function_source(ir.Function("f_grad", [ir.Param("x"), ir.Param("w"), ir.Param("g")], body)))
def f_grad(x, w, g):
    # y = x * w
    x_bar += g * w
    return x_bar
<BLANKLINE>

Our module names are printed under their aliases where the user's code took the
name (``np`` becomes ``numpy`` when the user has a variable ``np``).
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import sys
import warnings

import gast

from . import stmt as ir
from .expr import Call, Const, Expr, Name, Ref
from .fold import strip_minus
from .syntax import BINARY_NODES, COMPARE_NODES, UNARY_NODES

try:  # astor cannot run on Python 3.14+, where ast.Num and friends are gone
    if sys.version_info >= (3, 14):
        raise ImportError
    with warnings.catch_warnings():  # astor reads ast.Num, deprecated since Python 3.12
        warnings.simplefilter("ignore", DeprecationWarning)
        import astor

    def unparse(tree: ast.AST) -> str:
        # astor splits long lines wherever it can, even inside `x.shape`; keep lines whole
        return astor.to_source(tree, pretty_source="".join)

    PRINTER = "astor"
except ImportError:  # pragma: no cover - depends on the Python version

    def unparse(tree: ast.AST) -> str:
        return ast.unparse(tree) + "\n"

    PRINTER = "ast.unparse"

_COMMENT = "__s2sad_comment_"


# ------------------------------------------------------------------ expressions


def _name(id: str, ctx: type = gast.Load) -> gast.Name:
    return gast.Name(id=id, ctx=ctx(), annotation=None, type_comment=None)


def _const(value: object) -> gast.expr:
    if isinstance(value, float) and not math.isfinite(value):
        if value != value:
            return Printer().path("math.nan", True)
        inf = Printer().path("math.inf", True)
        return inf if value > 0 else gast.UnaryOp(op=gast.USub(), operand=inf)
    if isinstance(value, tuple):
        return gast.Tuple(elts=[_const(v) for v in value], ctx=gast.Load())
    if isinstance(value, slice):
        parts = (value.start, value.stop, value.step)
        return gast.Slice(*(None if v is None else _const(v) for v in parts))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=-value, kind=None))
    return gast.Constant(value=value, kind=None)


def _as_value(node: gast.expr) -> gast.expr:
    """A slice outside an index, as in an index passed to a function (``np.add.at(y, (1:, i),
    v)`` is not Python): ``slice(1, None)``, in a tuple too."""
    if isinstance(node, gast.Tuple) and any(isinstance(e, (gast.Slice, gast.Tuple)) for e in node.elts):
        return gast.Tuple(elts=[_as_value(e) for e in node.elts], ctx=gast.Load())
    if not isinstance(node, gast.Slice):
        return node
    parts = [node.lower, node.upper] + ([node.step] if node.step is not None else [])
    args = [gast.Constant(value=None, kind=None) if p is None else p for p in parts]
    return gast.Call(func=_name("slice"), args=args, keywords=[])


def _as_test(node: gast.expr) -> gast.expr:
    """A condition as Python reads it: a tuple display (``if (a, b):``, printed without its
    parentheses, is no Python) is true when it has items, whatever they are."""
    if isinstance(node, gast.Tuple):
        return gast.Constant(value=bool(node.elts), kind=None)
    return node


_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class Printer:
    """IR to gast. ``aliases`` renames our module names where they would clash
    with a user's name (``np`` -> ``numpy``); only canonical paths are renamed."""

    def __init__(self, aliases: dict[str, str] | None = None):
        self.aliases = aliases or {}
        self.comments: list[str] = []  # printed as marker names, then as `#` lines
        self.depth = 1

    def path(self, path: str, canonical: bool = False) -> gast.expr:
        if not _IDENTIFIER_PATH.match(path):  # a default value's source expression
            return gast.parse(path, mode="eval").body
        head, *rest = path.split(".")
        if canonical:
            head = self.aliases.get(head, head)
        node: gast.expr = _name(head)
        for attr in rest:
            node = gast.Attribute(value=node, attr=attr, ctx=gast.Load())
        return node

    def expr(self, e: Expr) -> gast.expr:
        if isinstance(e, Name):
            return _name(e.id)
        if isinstance(e, Const):
            return _const(e.value)
        if isinstance(e, Ref):
            return self.path(e.path, e.canonical)
        assert isinstance(e, Call), e
        op, args = e.op, [self.expr(a) for a in e.args]
        keywords = [gast.keyword(arg=k, value=_as_value(self.expr(v))) for k, v in e.kwargs]
        form = op.form
        if form not in ("subscript", "tuple", "slice"):  # an index's parts stay slices
            args = [_as_value(a) for a in args]
        if form == "binary":
            return gast.BinOp(left=args[0], op=BINARY_NODES[op.symbol](), right=args[1])
        if form == "unary":
            return gast.UnaryOp(op=UNARY_NODES[op.symbol](), operand=args[0])
        if form == "compare":
            return gast.Compare(left=args[0], ops=[COMPARE_NODES[op.symbol]()], comparators=[args[1]])
        if form == "attr":
            return gast.Attribute(value=args[0], attr=op.symbol, ctx=gast.Load())
        if form == "method":
            func = gast.Attribute(value=args[0], attr=op.symbol, ctx=gast.Load())
            return gast.Call(func=func, args=args[1:], keywords=keywords)
        if form == "subscript":
            return gast.Subscript(value=args[0], slice=args[1], ctx=gast.Load())
        if form == "tuple":
            return gast.Tuple(elts=args, ctx=gast.Load())
        if form == "list":
            return gast.List(elts=args, ctx=gast.Load())
        if form == "dict":
            return gast.Dict(
                keys=[gast.Constant(value=k, kind=None) for k, _ in e.kwargs],
                values=[self.expr(v) for _, v in e.kwargs],
            )
        if form == "slice":
            none = [isinstance(a, Const) and a.value is None for a in e.args]
            return gast.Slice(*(None if n else g for n, g in zip(none, args)))
        if form == "ifexp":
            return gast.IfExp(test=args[0], body=args[1], orelse=args[2])
        if form == "boolop":
            op_node = gast.And() if op.symbol == "and" else gast.Or()
            return gast.BoolOp(op=op_node, values=args)
        if form == "call":
            return gast.Call(func=self.path(op.symbol, op.canonical), args=args, keywords=keywords)
        if form == "apply":
            return gast.Call(func=args[0], args=args[1:], keywords=keywords)
        raise AssertionError(f"cannot print {op}")

    # statements ------------------------------------------------------------------
    def stmt(self, s: ir.Stmt) -> list[gast.stmt]:
        if isinstance(s, ir.Assign):
            target = _name(s.target.id, gast.Store)
            if s.accumulate:
                value, op = s.value, gast.Add()
                stripped = strip_minus(value)
                if stripped is not None:  # x += -a * b  ->  x -= a * b
                    value, op = stripped, gast.Sub()
                return [gast.AugAssign(target=target, op=op, value=self.expr(value))]
            return [gast.Assign(targets=[target], value=_as_value(self.expr(s.value)), type_comment=None)]
        if isinstance(s, ir.Return):
            return [gast.Return(value=_as_value(self.expr(s.value)))]
        if isinstance(s, ir.Effect):
            return [gast.Expr(value=_as_value(self.expr(s.value)))]
        if isinstance(s, ir.Assert):
            msg = None if s.msg is None else self.expr(s.msg)
            return [gast.Assert(test=_as_test(self.expr(s.test)), msg=msg)]
        if isinstance(s, ir.Comment):
            out = []
            for line in s.text.splitlines() or [""]:
                self.comments.append(line)
                out.append(gast.Expr(value=_name(f"{_COMMENT}{len(self.comments) - 1}")))
            return out
        if isinstance(s, ir.Def):
            return [self.function(s.function, self.depth + 1)]
        if isinstance(s, ir.Unpack):
            target = gast.Tuple(elts=[_name(t.id, gast.Store) for t in s.targets], ctx=gast.Store())
            return [gast.Assign(targets=[target], value=_as_value(self.expr(s.value)), type_comment=None)]
        if isinstance(s, ir.SetItem):
            target = gast.Subscript(value=_name(s.target.id), slice=self.expr(s.index), ctx=gast.Store())
            if s.accumulate:
                value, op = s.value, gast.Add()
                stripped = strip_minus(value)
                if stripped is not None:  # y[i] += -v  ->  y[i] -= v
                    value, op = stripped, gast.Sub()
                return [gast.AugAssign(target=target, op=op, value=_as_value(self.expr(value)))]
            return [gast.Assign(targets=[target], value=_as_value(self.expr(s.value)), type_comment=None)]
        if isinstance(s, ir.If):
            if not s.body and s.orelse:  # if c: pass else: ...  ->  if not c: ...
                test = gast.UnaryOp(op=gast.Not(), operand=self.expr(s.test))
                return [gast.If(test=test, body=self.body(s.orelse), orelse=[])]
            return [
                gast.If(test=_as_test(self.expr(s.test)), body=self.body(s.body), orelse=self.block(s.orelse))
            ]
        if isinstance(s, ir.For):
            return [
                gast.For(
                    target=self.target(s.target),
                    iter=self.expr(s.iter),
                    body=self.body(s.body),
                    orelse=[],
                    type_comment=None,
                )
            ]
        if isinstance(s, ir.While):
            if not s.test_body:
                return [gast.While(test=_as_test(self.expr(s.test)), body=self.body(s.body), orelse=[])]
            # a test that takes statements: while True: <test>; if not test: break; <body>
            stop = gast.If(
                test=gast.UnaryOp(op=gast.Not(), operand=self.expr(s.test)), body=[gast.Break()], orelse=[]
            )
            body = self.block(s.test_body) + [stop] + self.block(s.body)
            return [gast.While(test=gast.Constant(value=True, kind=None), body=body, orelse=[])]
        if isinstance(s, ir.Break):
            return [gast.Break()]
        raise AssertionError(f"cannot print {s!r}")

    def block(self, stmts: list[ir.Stmt]) -> list[gast.stmt]:
        """A block that may stay empty (an else branch)."""
        return [node for s in stmts for node in self.stmt(s)]

    def target(self, e: Expr) -> gast.expr:
        if isinstance(e, Name):
            return _name(e.id, gast.Store)
        assert isinstance(e, Call) and e.op.form == "tuple", e
        return gast.Tuple(elts=[self.target(a) for a in e.args], ctx=gast.Store())

    def body(self, stmts: list[ir.Stmt]) -> list[gast.stmt]:
        out = [node for s in stmts for node in self.stmt(s)]
        return out or [gast.Pass()]

    def arguments(self, params: list[ir.Param]) -> gast.arguments:
        posonly = [p for p in params if p.kind == "positional_only"]
        normal = [p for p in params if p.kind == "positional"]
        kwonly = [p for p in params if p.kind == "keyword_only"]
        # Python gives defaults to the last positional parameters only: those after the last
        # one without (a tangent parameter after the primals has none, so neither do they)
        positional = posonly + normal
        plain = [i for i, p in enumerate(positional) if p.default is None]
        tail = positional[plain[-1] + 1 :] if plain else positional
        defaults = [self.expr(p.default) for p in tail]
        return gast.arguments(
            posonlyargs=[_name(p.name, gast.Param) for p in posonly],
            args=[_name(p.name, gast.Param) for p in normal],
            vararg=None,
            kwonlyargs=[_name(p.name, gast.Param) for p in kwonly],
            kw_defaults=[None if p.default is None else self.expr(p.default) for p in kwonly],
            kwarg=None,
            defaults=defaults,
        )

    def function(self, f: ir.Function, depth: int = 1) -> gast.FunctionDef:
        self.depth = depth
        body = self.body(f.body)
        self.depth = depth
        if f.doc:
            body.insert(0, gast.Expr(value=gast.Constant(value=_docstring(f.doc, depth), kind=None)))
        return gast.FunctionDef(
            name=f"{f.name}_" if keyword.iskeyword(f.name) else f.name,  # a lambda's SSA: lambda_
            args=self.arguments(f.params),
            body=body,
            decorator_list=[],
            returns=None,
            type_comment=None,
            type_params=[],
        )


def _docstring(doc: str, depth: int) -> str:
    """PEP 257 layout: lines after the first indented like the body."""
    lines = doc.strip("\n").splitlines()
    if len(lines) == 1:
        return lines[0]
    indent = "    " * depth
    return "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]]) + "\n" + indent


def gast_text(node: gast.expr) -> str:
    """A gast expression printed as Python."""
    return unparse(gast.gast_to_ast(gast.Expression(body=node))).strip()


def to_gast(e: Expr) -> gast.expr:
    return Printer().expr(e)


def expr_source(e: Expr, aliases: dict[str, str] | None = None) -> str:
    """``e`` printed as Python."""
    module = gast.Module(body=[gast.Expr(value=Printer(aliases).expr(e))], type_ignores=[])
    return unparse(gast.gast_to_ast(module)).strip()


_COMMENT_LINE = re.compile(r"^(\s*)" + _COMMENT + r"(\d+)\s*$")


def _restore_comments(text: str, comments: list[str]) -> str:
    out = []
    for line in text.splitlines():
        m = _COMMENT_LINE.match(line)
        if m:
            line = f"{m.group(1)}# {comments[int(m.group(2))]}".rstrip()
        out.append(line)
    return "\n".join(out) + "\n"


def function_source(f: ir.Function, aliases: dict[str, str] | None = None) -> str:
    """The function printed as Python, comments included."""
    printer = Printer(aliases)
    module = gast.Module(body=[printer.function(f)], type_ignores=[])
    return _restore_comments(unparse(gast.gast_to_ast(module)), printer.comments)


def body_source(body: list[ir.Stmt], aliases: dict[str, str] | None = None) -> str:
    """Statements printed as Python at the top level, comments included: a pass's
    effect on a body, shown without a function around it.

    >>> from s2sad.ir import Assign, Const, Name, Return
    >>> print(body_source([Assign(Name("y"), Const(2.0)), Return(Name("y"))]), end="")
    y = 2.0
    return y
    """
    printer = Printer(aliases)
    module = gast.Module(body=printer.block(body), type_ignores=[])
    return _restore_comments(unparse(gast.gast_to_ast(module)), printer.comments)


# -------------------------------------------------------------------- compiling


Call.__repr__ = expr_source  # a call reprs as the Python it prints as
