"""How derivative rules are written, looked up and instantiated.

A rule is the call it differentiates, spelled with parameter names, and one
Python template per parameter::

    scalar("np.sin(x)", "np.cos(x)")          # the partial derivative
    scalar("x / y", "1.0 / y", "-ans / y")
    linear("np.sum(a, axis=None, keepdims=False)", a="unreduce(g, a, axis, keepdims)")
    rule("np.linalg.inv(a)", vjp={"a": "-ans.T @ g @ ans.T"}, jvp={"a": "-ans @ a_dot @ ans"})

In a template, ``g`` is the cotangent of the result, ``ans`` the result and
``x_dot`` the tangent of parameter ``x``. ``scalar`` rules (elementwise
functions) give partial derivatives, from which the VJP ``unbroadcast(g *
partial, x)`` and the JVP ``x_dot * partial`` follow; ``linear`` rules get
their JVP by applying the function to the tangent. Other names are NumPy
(``np``), ``math``, builtins, and *macros*: template functions that expand
when the rule is used, once the kinds of the arguments are known. So
``unbroadcast(g * y, x)`` is ``g * y`` for floats, ``np.sum(g * y, axis=0)``
when ``x`` lost a leading axis, and a run-time helper only when nothing is
known.

Rules are looked up by the function object (``numpy.sin``), or by the op for
operators, attributes and methods. Users register rules with the same
functions (``s2sad.custom_vjp`` builds on ``rule``).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import gast
import numpy as np

from .. import ir
from ..algebra import simplify_expr
from ..errors import DifferentiationError
from ..ir import Call, Const, Expr, Name, Ref
from ..kinds import UNKNOWN, Kind, broadcast, kind_of
from ..lower import ExprBuilder, Function, Module, attr_op, method_op

REQUIRED = object()
NOT_CONST = object()


@dataclass(frozen=True)
class Arg:
    """What a kind function knows of an argument: its kind, its value if
    constant, and the expression (to see inside a tuple display)."""

    kind: Kind
    const: object = NOT_CONST
    expr: Expr | None = None
    kind_of: Callable[[Expr], Kind] | None = None  # kinds of the parts of `expr`


KindRule = Callable[[dict[str, Arg]], Kind]


@dataclass
class Rule:
    key: object
    pattern: str
    table: str
    params: tuple[str, ...]
    defaults: dict[str, object]
    vjp: dict[str, str] = field(default_factory=dict)
    jvp: dict[str, str] = field(default_factory=dict)
    python_vjp: dict[str, str] = field(default_factory=dict)  # when all args are Python numbers
    python_jvp: dict[str, str] = field(default_factory=dict)
    kind: KindRule | None = None
    differentiable: bool = True
    elementwise: bool = False  # the result has the broadcast shape of the arguments
    linear: bool = False  # linear in each differentiable parameter (f(-x) == -f(x))
    _parsed: dict[tuple[str, str, bool], Expr] = field(default_factory=dict, repr=False)

    def covers(self, direction: str, param: str) -> bool:
        """Whether the rule says what happens to a derivative through ``param``."""
        return param in (self.vjp if direction == "vjp" else self.jvp)

    def template(self, direction: str, param: str, python: bool = False) -> Expr | None:
        """The parsed template for ``param`` (``None``: nothing flows through it)."""
        table = {
            "vjp": self.python_vjp if python else self.vjp,
            "jvp": self.python_jvp if python else self.jvp,
        }[direction]
        if python and param not in table:
            return self.template(direction, param, python=False)
        text = table.get(param)
        if text is None or text == ZERO:
            return None
        key = (direction, param, python)
        if key not in self._parsed:
            self._parsed[key] = parse_template(text, self.params)
        return self._parsed[key]

    def bind(self, call: Call) -> dict[str, Expr]:
        """Match a call's arguments to the rule's parameters."""
        if len(call.args) > len(self.params):
            raise BindError(f"takes at most {len(self.params)} positional arguments")
        bound: dict[str, Expr] = dict(zip(self.params, call.args))
        for name, value in call.kwargs:
            if name not in self.params:
                raise BindError(f"argument `{name}` is not supported")
            if name in bound:
                raise BindError(f"argument `{name}` given twice")
            bound[name] = value
        for p in self.params:
            if p not in bound:
                default = self.defaults.get(p, REQUIRED)
                if default is REQUIRED:
                    raise BindError(f"argument `{p}` is missing")
                bound[p] = Const(default)
        out = bound.get("out")
        if out is not None and not (isinstance(out, Const) and out.value is None):
            raise BindError("writing into `out=` is not supported; assign the result instead")
        return bound

    def result_kind(self, bound: dict[str, Expr], kind_of_expr: Callable[[Expr], Kind]) -> Kind:
        if self.kind is None:
            return UNKNOWN
        args = {p: Arg(kind_of_expr(e), _constant(e), e, kind_of_expr) for p, e in bound.items()}
        try:
            return self.kind(args)
        except Exception:
            return UNKNOWN


class BindError(Exception):
    pass


def _constant(e: Expr) -> object:
    """The value of a constant argument: a literal, or one of our names (``float``, ``np.pi``)."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Ref) and e.canonical:
        return e.value
    return NOT_CONST


RULES: dict[object, Rule] = {}


def lookup(op: ir.Op) -> Rule | None:
    """The rule for an op, if any."""
    if op.form == "call":
        try:
            return RULES.get(op.fn)
        except TypeError:  # an unhashable callable
            return None
    return RULES.get(op)


# --------------------------------------------------------------------- parsing

MACROS: dict[str, Callable] = {}


def macro(fn: Callable) -> Callable:
    """Register a template function that expands at instantiation."""
    MACROS[fn.__name__] = fn
    return fn


def _template_names(macros: bool = True) -> dict[str, object]:
    """Names in templates: builtins, np, math, the run-time helpers, and macros
    (which take precedence: in a template, ``unbroadcast`` expands by kind)."""
    from .. import runtime

    names: dict[str, object] = dict(vars(builtins))
    names.update(np=np, math=math)
    names.update({name: getattr(runtime, name) for name in runtime.__all__})
    names["rt"] = runtime  # rt.unbroadcast: the run-time helper itself, where a macro has its name
    if macros:
        names.update(MACROS)
    return names


class TemplateBuilder(ExprBuilder):
    """Parses rule patterns and templates; placeholders are the only locals."""

    def __init__(self, placeholders: set[str], macros: bool = True):
        super().__init__(None)
        self.placeholders = placeholders
        self.names = _template_names(macros)

    def local(self, name: str) -> Expr | None:
        return Name(name) if name in self.placeholders else None

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        if name not in self.names:
            raise NameError(f"unknown name `{name}` in a rule template")
        return self.wrap(self.names[name], name, canonical=True)


def parse_template(text: str, params: tuple[str, ...]) -> Expr:
    placeholders = {"g", "ans", *params, *(f"{p}_dot" for p in params)}
    node = gast.parse(text.strip(), mode="eval").body
    return _helpers_by_name(TemplateBuilder(placeholders).expr(node))


def _helpers_by_name(e: Expr) -> Expr:
    """``rt.unbroadcast(...)`` in a template is the run-time helper, printed ``unbroadcast(...)``."""
    if not isinstance(e, Call):
        return e
    e = e.map(_helpers_by_name)
    if e.op.form == "call" and e.op.symbol.startswith("rt."):
        return Call(ir.call_op(e.op.fn, e.op.symbol[3:], True, canonical=True), e.args, e.kwargs)
    return e


def _parse_pattern(pattern: str) -> tuple[object, tuple[str, ...], dict[str, object]]:
    """The lookup key, parameter names and defaults of a rule pattern."""
    node = gast.parse(pattern, mode="eval").body

    def names(nodes: list[gast.expr]) -> tuple[str, ...]:
        assert all(isinstance(n, gast.Name) for n in nodes), pattern
        return tuple(n.id for n in nodes)

    if isinstance(node, gast.BinOp):
        from ..lower import _BINARY

        return ir.BINARY[_BINARY[type(node.op)]], names([node.left, node.right]), {}
    if isinstance(node, gast.UnaryOp):
        from ..lower import _UNARY

        return ir.UNARY[_UNARY[type(node.op)]], names([node.operand]), {}
    if isinstance(node, gast.Compare):
        from ..lower import _COMPARE

        return ir.COMPARE[_COMPARE[type(node.ops[0])]], names([node.left, *node.comparators]), {}
    if isinstance(node, gast.Attribute):
        return attr_op(node.attr), names([node.value]), {}
    if isinstance(node, gast.Subscript):
        return ir.GETITEM, names([node.value, node.slice]), {}
    assert isinstance(node, gast.Call), pattern
    params = names(node.args)
    defaults = {kw.arg: gast.literal_eval(kw.value) for kw in node.keywords}
    params += tuple(defaults)
    func = node.func
    if (
        isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and (func.value.id not in _template_names())
    ):
        return method_op(func.attr), (func.value.id, *params), defaults
    callee = TemplateBuilder(set(), macros=False).value(func)
    assert isinstance(callee, Function), pattern
    return callee.fn, params, defaults


# ---------------------------------------------------------------- registration

_TABLE = ["builtin"]


def table(name: str) -> None:
    """Name the table the following rules belong to (for tests and docs)."""
    _TABLE[0] = name


def _register(pattern: str, **fields: object) -> Rule:
    key, params, defaults = _parse_pattern(pattern)
    rule = Rule(key, pattern, _TABLE[0], params, defaults, **fields)
    RULES[key] = rule
    return rule


ZERO = "0"  # a template for a parameter the result does not vary with (almost everywhere)


def _partials(params: tuple[str, ...], partials: tuple[str | None, ...]) -> tuple[dict, dict]:
    vjp, jvp = {}, {}
    for p, d in zip(params, partials):
        if d == ZERO:
            vjp[p] = jvp[p] = ZERO
        elif d is not None:
            vjp[p] = f"unbroadcast(g * ({d}), {p})"
            jvp[p] = f"{p}_dot * ({d})"
    return vjp, jvp


def scalar(
    pattern: str, *partials: str | None, python: tuple | str | None = None, kind: KindRule | None = None
) -> Rule:
    """An elementwise function, given by its partial derivatives.

    One partial per parameter, in order: ``ZERO`` where the result does not
    vary with it (almost everywhere), ``None`` where it takes no float.
    ``python`` gives partials to use instead when every argument is a Python
    number, so scalar code gets ``math`` rather than NumPy.
    """
    _, params, _ = _parse_pattern(pattern)
    vjp, jvp = _partials(params, partials)
    py_vjp, py_jvp = {}, {}
    if python is not None:
        py_vjp, py_jvp = _partials(params, (python,) if isinstance(python, str) else python)
    return _register(
        pattern,
        vjp=vjp,
        jvp=jvp,
        python_vjp=py_vjp,
        python_jvp=py_jvp,
        kind=kind or _default_kind(pattern, params),
        elementwise=True,
    )


def linear(pattern: str, kind: KindRule | None = None, **vjp: str) -> Rule:
    """A function linear in each differentiable parameter separately.

    Its JVP in parameter ``p`` is the function applied with ``p_dot`` in
    place of ``p``; the VJP templates are given by keyword, ``ZERO`` for a
    parameter only read for its shape.
    """
    _, params, defaults = _parse_pattern(pattern)
    node = gast.parse(pattern, mode="eval").body
    jvp = {}
    for p, template in vjp.items():
        jvp[p] = ZERO if template == ZERO else _unparse(_swap_name(node, p, f"{p}_dot"))
    return _register(pattern, vjp=dict(vjp), jvp=jvp, kind=kind, linear=True)


def rule(
    pattern: str,
    vjp: dict[str, str],
    jvp: dict[str, str],
    kind: KindRule | None = None,
    python_vjp: dict[str, str] | None = None,
    python_jvp: dict[str, str] | None = None,
    elementwise: bool = False,
) -> Rule:
    """A rule with VJP and JVP templates given per parameter."""
    assert set(vjp) == set(jvp), f"{pattern}: VJP and JVP must cover the same parameters"
    return _register(
        pattern,
        vjp=vjp,
        jvp=jvp,
        kind=kind,
        python_vjp=python_vjp or {},
        python_jvp=python_jvp or {},
        elementwise=elementwise,
    )


def nondiff(pattern: str, kind: KindRule | None = None) -> Rule:
    """A function whose result carries no derivative (comparisons, shapes, ...)."""
    return _register(pattern, kind=kind, differentiable=False)


def _swap_name(node: gast.AST, old: str, new: str) -> gast.AST:
    import copy

    node = copy.deepcopy(node)
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id == old:
            n.id = new
    for n in gast.walk(node):  # drop `=default` markers: a keyword keeps its name
        if isinstance(n, gast.Call):
            n.keywords = [
                gast.keyword(
                    arg=k.arg, value=gast.Name(id=k.arg, ctx=gast.Load(), annotation=None, type_comment=None)
                )
                for k in n.keywords
            ]
    return node


def _unparse(node: gast.AST) -> str:
    from ..codegen import _unparse as unparse

    return unparse(gast.gast_to_ast(gast.Expression(body=node))).strip()


def _default_kind(pattern: str, params: tuple[str, ...]) -> KindRule:
    """Elementwise kinds: NumPy functions give NumPy values, math gives floats."""
    if pattern.startswith("math."):
        from ..kinds import FLOAT

        return always(FLOAT)  # math functions return floats or raise
    if pattern.startswith("np."):
        return lambda a: broadcast(*(a[p].kind for p in params), numpy=True, dtype="f+")
    return lambda a: broadcast(*(a[p].kind for p in params))


# --------------------------------------------------------------- instantiation


class Context:
    """What macros may ask while a template is instantiated."""

    def __init__(self, kind_of_name: Callable[[str], Kind]):
        self.kind_of_name = kind_of_name
        self.memo: dict = {}

    def kind(self, e: Expr) -> Kind:
        return expr_kind(e, self.kind_of_name, self.memo)


def expr_kind(e: Expr, kind_of_name: Callable[[str], Kind], memo: dict | None = None) -> Kind:
    """The kind of an expression, from the kinds of the names in it.

    ``memo`` (by identity: expressions are immutable) saves working out the kinds of
    subexpressions again, while the kinds of names stay the same."""
    if isinstance(e, Name):
        return kind_of_name(e.id)
    if memo is not None and isinstance(e, Call):
        hit = memo.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        k = _expr_kind(e, lambda x: expr_kind(x, kind_of_name, memo))
        memo[id(e)] = (e, k)  # holding e keeps its id from being reused
        return k
    return _expr_kind(e, lambda x: expr_kind(x, kind_of_name))


def _expr_kind(e: Expr, sub: Callable[[Expr], Kind]) -> Kind:
    """``expr_kind`` of ``e`` (not a name), with ``sub`` for the kinds of its parts."""
    if isinstance(e, Const):
        return kind_of(e.value)
    if isinstance(e, Ref):
        return kind_of(e.value)
    assert isinstance(e, Call)
    if e.op.form in ("tuple", "list"):
        items = tuple(sub(a) for a in e.args)
        if e.op.form == "tuple":
            return Kind(tuple, None, "o", items=items)
        elem = None
        for k in items:
            elem = k if elem is None else elem.join(k)
        return Kind(list, None, "o", items=items, elem=elem)
    if e.op.form == "dict":
        keys = tuple(k for k, _ in e.kwargs)
        return Kind(dict, None, "o", items=tuple(sub(v) for _, v in e.kwargs), keys=keys)
    if e.op.form == "slice":
        return Kind(slice, None, "o")
    rule = lookup(e.op)
    if rule is None or rule.kind is None:
        return UNKNOWN
    try:
        bound = rule.bind(e)
    except BindError:
        return UNKNOWN
    return rule.result_kind(bound, sub)


def instantiate(template: Expr, bindings: dict[str, Expr], kind_of_name: Callable[[str], Kind]) -> Expr:
    """A template with its placeholders bound, simplified and its macros expanded."""
    ctx = Context(kind_of_name)
    e = ir.substitute(template, bindings)

    def expand(call: Call) -> Expr:
        fn = call.op.fn if call.op.form == "call" else None
        name = getattr(fn, "__name__", None)
        if name in MACROS and MACROS[name] is fn:
            return fn(ctx, *call.args, **dict(call.kwargs))
        return call

    return simplify_expr(e, ctx.kind, expand)


def np_call(name: str, *args: Expr, **kwargs: Expr) -> Call:
    """A call to ``np.<name>`` (dotted names reach submodules)."""
    obj = np
    for part in name.split("."):
        obj = getattr(obj, part)
    op = ir.call_op(obj, f"np.{name}", True, canonical=True)
    return Call(op, args, tuple(kwargs.items()))


def runtime_call(name: str, *args: Expr) -> Call:
    from .. import runtime

    return Call(ir.call_op(getattr(runtime, name), name, True, canonical=True), args)


def missing_rule(op: ir.Op, why: str = "") -> DifferentiationError:
    from ..errors import MissingRuleError

    what = f".{op.symbol}" if op.form in ("attr", "method") else op.symbol
    return MissingRuleError(f"no derivative rule for `{what}`{why}")


# ---------------------------------------------------------------- kind helpers
# Small functions tables pass as ``kind=``: each maps the bound arguments to
# the kind of the result.


def same_as(param: str, dtype: str | None = None) -> KindRule:
    """The kind of parameter ``param`` (with another dtype category)."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = a[param].kind
        if not dtype or k.type is None:
            return k
        cat = ("f" if k.dtype in "bi" else k.dtype) if dtype == "f+" else dtype
        return Kind(k.type, k.dims, cat, shape=k.shape)

    return kind


def always(k: Kind) -> KindRule:
    return lambda a: k


def reduced(param: str = "a", dtype: str | None = None) -> KindRule:
    """A reduction of ``param`` over ``axis`` (with ``keepdims``)."""
    from ..kinds import reduction

    def kind(a: dict[str, Arg]) -> Kind:
        axis = a["axis"].const if "axis" in a else None
        keepdims = a["keepdims"].const if "keepdims" in a else False
        x = a[param].kind
        cat = dtype
        if dtype == "f+":
            cat = "f" if x.dtype in "bi" else x.dtype
        return reduction(
            x, None if axis is NOT_CONST else axis, keepdims, cat, known_axis=axis is not NOT_CONST
        )

    return kind


def elementwise(*params: str, dtype: str | None = None, numpy: bool = True) -> KindRule:
    return lambda a: broadcast(*(a[p].kind for p in params), dtype=dtype, numpy=numpy)


def shape_kind(param: str, dtype: str = "f", like: str | None = None) -> KindRule:
    """An array whose shape is the value of ``param`` (an int or a tuple)."""

    def kind(a: dict[str, Arg]) -> Kind:
        cat = dtype
        if like is not None and a[like].kind.dtype in "bifc":
            cat = a[like].kind.dtype if dtype == "like" else dtype
        arg = a[param]
        return shape_of(arg, cat)

    return kind


def shape_of(arg: Arg, cat: str) -> Kind:
    """An array whose shape is the value of ``arg`` (an int or a tuple).

    Its shape token names where the shape came from (``(n,)``, ``(n, 3)``, or
    the token of ``x`` for ``x.shape``), so arrays made alike match."""

    def length(e: Expr) -> str:
        return "1" if isinstance(e, Const) and e.value == 1 else "n" if isinstance(e, Const) else "?"

    if isinstance(arg.const, int) and not isinstance(arg.const, bool):
        return Kind(np.ndarray, ("1" if arg.const == 1 else "n",), cat)
    if isinstance(arg.const, tuple):
        return Kind(np.ndarray, tuple("1" if n == 1 else "?" if n == -1 else "n" for n in arg.const), cat)
    e = arg.expr
    if isinstance(e, Call) and e.op.form == "tuple":
        dims = tuple(length(x) for x in e.args)
        names = [
            x.id if isinstance(x, Name) else repr(x.value) if isinstance(x, Const) else None for x in e.args
        ]
        token = None if None in names or "-1" in names else f"({', '.join(names)})"
        return Kind(np.ndarray, dims, cat, shape=token)
    if arg.kind.type is tuple and arg.kind.dims is not None:  # x.shape: see `shape` below
        return Kind(np.ndarray, arg.kind.dims, cat, shape=arg.kind.shape)
    if arg.kind.type is int:
        return Kind(np.ndarray, ("?",), cat, shape=f"({e.id},)" if isinstance(e, Name) else None)
    return Kind(np.ndarray, None, cat)
