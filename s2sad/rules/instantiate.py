"""Instantiating templates: a rule's template with the call's arguments bound, simplified by kinds.

The same template reads differently by the kinds of what it is applied to: for
floats it is plain arithmetic, for a vector against a matrix cotangent it sums
the broadcast axis, and a helper runs only where kinds leave the shape open:

>>> import numpy as np
>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import FLOAT, UNKNOWN, kind_of
>>> from s2sad.rules.templates import parse_template
>>> template = parse_template("unbroadcast(g * np.cos(x), x)", ("x",))
>>> bound = {"x": Name("x"), "g": Name("g")}
>>> instantiate(template, bound, {"x": FLOAT, "g": FLOAT}.get)
g * np.cos(x)
>>> arrays = {"x": kind_of(np.ones(3)), "g": kind_of(np.ones((2, 3)))}
>>> instantiate(template, bound, arrays.get)
np.sum(g * np.cos(x), axis=0)
>>> instantiate(template, bound, lambda name: UNKNOWN)  # the run-time helper
unbroadcast(g * np.cos(x), np.shape(x))
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import ir, runtime
from ..ir import Call, Const, Expr, Name, Ref
from ..ir.kinds import UNKNOWN, Kind, kind_of
from .algebra import simplify_expr
from .registry import BindError, lookup
from .templates import MACROS


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
    if e.op is ir.IFEXP:
        return sub(e.args[1]).join(sub(e.args[2]))
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


def runtime_call(name: str, *args: Expr, pure: bool = True) -> Call:
    """A call to the helper ``name`` of ``s2sad.runtime``."""
    return Call(ir.call_op(getattr(runtime, name), name, pure, canonical=True), args)
