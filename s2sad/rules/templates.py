"""Parsing rule patterns and templates: Python text to IR expressions with placeholders.

A template is Python: ``g`` (the cotangent), ``ans`` (the result), the rule's
parameters and their tangents (``x_dot``) are placeholders; other names are
NumPy, ``math``, builtins, run-time helpers, macros, and ``scipy`` once the
user's code has imported it (``scipy.special.digamma(x)``):

>>> parse_template("unbroadcast(g * np.cos(x), x)", ("x",))
unbroadcast(g * np.cos(x), x)
>>> parse_pattern("np.sum(a, axis=None, keepdims=False)")[1:]
(('a', 'axis', 'keepdims'), {'axis': None, 'keepdims': False})
"""

from __future__ import annotations

import builtins
import math
import sys
from collections.abc import Callable

import gast
import numpy as np

from .. import ir, runtime
from ..ir import Call, Expr, Name, attr_op, method_op
from ..ir.syntax import BINARY_SYMBOLS, COMPARE_SYMBOLS, UNARY_SYMBOLS
from ..lower.expressions import ExprBuilder, Function, Module

MACROS: dict[str, Callable] = {}


def macro(fn: Callable) -> Callable:
    """Register a template function that expands at instantiation."""
    MACROS[fn.__name__] = fn
    return fn


def _template_names(macros: bool = True) -> dict[str, object]:
    """Names in templates: builtins, np, math, scipy if imported, the run-time helpers, and
    macros (which take precedence: in a template, ``unbroadcast`` expands by kind)."""

    names: dict[str, object] = dict(vars(builtins))
    names.update(np=np, math=math)
    names.update({name: getattr(runtime, name) for name in runtime.__all__})
    names["rt"] = runtime  # rt.unbroadcast: the run-time helper itself, where a macro has its name
    if "scipy" in sys.modules:  # the SciPy tables are loaded only then
        names["scipy"] = sys.modules["scipy"]
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


def parse_pattern(pattern: str) -> tuple[object, tuple[str, ...], dict[str, object]]:
    """The lookup key, parameter names and defaults of a rule pattern."""
    node = gast.parse(pattern, mode="eval").body

    def names(nodes: list[gast.expr]) -> tuple[str, ...]:
        # ``*operands`` last: a variadic parameter, spelled with its star (see ``registry.STAR_ITEMS``)
        star = [n.value for n in nodes[-1:] if isinstance(n, gast.Starred)]
        nodes = nodes[: len(nodes) - len(star)]
        assert all(isinstance(n, gast.Name) for n in nodes + star), pattern
        return tuple(n.id for n in nodes) + tuple(f"*{n.id}" for n in star)

    if isinstance(node, gast.BinOp):
        return ir.BINARY[BINARY_SYMBOLS[type(node.op)]], names([node.left, node.right]), {}
    if isinstance(node, gast.UnaryOp):
        return ir.UNARY[UNARY_SYMBOLS[type(node.op)]], names([node.operand]), {}
    if isinstance(node, gast.Compare):
        return ir.COMPARE[COMPARE_SYMBOLS[type(node.ops[0])]], names([node.left, *node.comparators]), {}
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
