"""Local rewriting of expressions: folding and algebraic identities.

``simplify_expr`` rewrites bottom-up, each node once its arguments are
simplified. It is what turns an instantiated rule into what a person would
write::

    g * (1.0 / x)        ->  g / x            (with g = 1.0:  1.0 / x)
    g * (-math.sin(x))   ->  -g * math.sin(x)
    1.0 * (2 * x ** (2 - 1))  ->  2 * x
    g if axis is None else np.expand_dims(g, axis)   (axis = None)  ->  g

The identities only fire when they keep the value's type and shape: ``1.0 *
e`` is not ``e`` when ``e`` is an integer, so kinds decide.

>>> from s2sad.ir import BINARY, NEG, Call, Const, Name
>>> from s2sad.ir.kinds import FLOAT, INT
>>> floats = lambda e: FLOAT
>>> simplify_expr(Call(BINARY["*"], (Name("g"), Call(BINARY["/"], (Const(1.0), Name("x"))))), floats)
g / x
>>> simplify_expr(Call(BINARY["*"], (Const(1.0), Name("n"))), floats)
n
>>> simplify_expr(Call(BINARY["*"], (Const(1.0), Name("n"))), lambda e: INT)  # the result is still a float
float(n)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import ir
from ..ir import ADD, DIV, MUL, NEG, POW, SUB, Call, Const, Expr, Name, attr_op
from ..ir.fold import fold_constant, strip_minus
from ..ir.kinds import Kind
from .registry import lookup

KindOf = Callable[[Expr], Kind]


def _num(e: Expr, value: float) -> bool:
    return isinstance(e, Const) and type(e.value) in (int, float) and e.value == value


def _num_none(e: Expr) -> bool:
    return isinstance(e, Const) and e.value is None


def _neg(e: Expr) -> Expr | None:
    """``a`` if ``e`` is ``-a``."""
    return e.args[0] if isinstance(e, Call) and e.op is NEG else None


def _float_like(e: Expr, kind: KindOf) -> bool:
    """Whether multiplying by 1.0 leaves ``e`` as it is."""
    k = kind(e)
    return k.type is None or k.dtype in "fc?"


def rewrite(e: Call, kind: KindOf) -> Expr:
    """One step of simplification at the root of ``e``."""
    folded = fold_constant(e)
    if folded is not e:
        return folded
    op, args = e.op, e.args
    if op.form == "attr" and op.symbol == "ndim":
        ndim = kind(args[0]).ndim
        if ndim is not None:
            return Const(ndim)
    if op.name in ("is_", "is_not") and any(_num_none(a) for a in args):
        other = args[1] if _num_none(args[0]) else args[0]
        k = kind(other)
        if k.type is not None and k.type is not type(None):  # a float is not None
            return Const(op.name == "is_not")
    if op is ir.GETITEM and isinstance(args[1], Const):
        item = _display_item(args[0], args[1].value)
        if item is not None:  # [a, b][0]  ->  a
            return item
    if op is ir.GETITEM and _is_display(args[0]) and _constant_slice(args[1]) is not None:
        return Call(args[0].op, args[0].args[_constant_slice(args[1])])  # [a, b, c][1:]  ->  [b, c]
    if op is ir.JOIN and all(_is_display(a) and a.op is args[0].op for a in args):
        return Call(args[0].op, args[0].args + args[1].args)  # [a] + [b]  ->  [a, b]
    if op is ir.IFEXP and isinstance(args[0], Const):
        return args[1] if args[0].value else args[2]
    if op.form == "boolop" and isinstance(args[0], Const):
        first = bool(args[0].value)
        return args[1] if first == (op is ir.AND) else args[0]
    if op.form in ("binary", "call"):
        implicit = _implicit_broadcast(e, kind)
        if implicit is not e:
            return implicit
    if op.form == "call":
        new = _call_rewrite(e, kind)
        if new is not e:
            return new
    if op.form == "attr" and op.symbol == "T":
        new = _transposed(e, kind)
        if new is not e:
            return new
    if op.form == "attr" and op.symbol == "shape" and isinstance(args[0], Call) and args[0].op is ir.MATMUL:
        new = _shape_of_product(e, kind)
        if new is not e:
            return new
    if op.form == "attr" and op.symbol == "shape" and isinstance(args[0], Call):
        whole = kind(args[0])  # (a * 2.0).shape  ->  a.shape
        for part in args[0].children():
            if isinstance(part, Name) and kind(part).is_array and kind(part).same_shape(whole):
                return Call(op, (part,))
    if op is MUL:
        a, b = args
        if _num(a, 1) and (type(a.value) is int or _float_like(b, kind)):
            return b
        if _num(b, 1) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if _num(a, 1) and kind(b).type in (int, bool):  # 1.0 * i  ->  float(i)
            return Call(ir.call_op(float, "float", True, canonical=True), (b,))
        if _num(a, -1) and (type(a.value) is int or _float_like(b, kind)):
            return simplify_node(Call(NEG, (b,)), kind)
        if _neg(a) is not None and isinstance(b, Const) and type(b.value) in (int, float) and b.value < 0:
            return simplify_node(Call(MUL, (Const(-b.value), _neg(a))), kind)  # -x * -2  ->  2 * x
        if _num(b, -1) and (type(b.value) is int or _float_like(a, kind)):
            return simplify_node(Call(NEG, (a,)), kind)
        if not isinstance(b, Const) and strip_minus(b) is not None:  # a * -b  ->  -(a * b)
            return simplify_node(Call(NEG, (simplify_node(Call(MUL, (a, strip_minus(b))), kind),)), kind)
        if isinstance(b, Call) and b.op is DIV and _num(b.args[0], 1):  # a * (1 / b)
            return simplify_node(Call(DIV, (a, b.args[1])), kind)
        if isinstance(a, Call) and a.op is DIV and _num(a.args[0], 1):  # (1 / a) * b
            return simplify_node(Call(DIV, (b, a.args[1])), kind)
        if isinstance(a, Const) and isinstance(b, Call) and b.op is MUL and isinstance(b.args[0], Const):
            c = fold_constant(Call(MUL, (a, b.args[0])))  # 3.0 * (2 * x)  ->  6.0 * x
            if isinstance(c, Const):
                return simplify_node(Call(MUL, (c, b.args[1])), kind)
        factors = _factors(e)
        numbers = [f for f in factors if isinstance(f, Const) and type(f.value) in (int, float)]
        if len(numbers) >= 2 and len(factors) > len(numbers):  # 3 * x ** 2 * 4  ->  12 * x ** 2
            c = numbers[0]
            for n in numbers[1:]:
                c = fold_constant(Call(MUL, (c, n)))
            rest = [f for f in factors if not any(f is n for n in numbers)]
            out = rest[0]
            for f in rest[1:]:
                out = Call(MUL, (out, f))
            if isinstance(c, Const):
                return simplify_node(Call(MUL, (c, out)), kind)
    elif op is DIV:
        a, b = args
        if _num(b, 1) and _float_like(a, kind):
            return a
        if _neg(b) is not None:
            return simplify_node(Call(NEG, (simplify_node(Call(DIV, (a, _neg(b))), kind),)), kind)
    elif op is ADD:
        a, b = args
        if _num(a, 0) and (type(a.value) is int or _float_like(b, kind)):
            return b
        if _num(b, 0) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if not isinstance(b, Const) and strip_minus(b) is not None:  # a + -b * c  ->  a - b * c
            return simplify_node(Call(SUB, (a, strip_minus(b))), kind)
        if a == b and _float_like(a, kind):  # a + a  ->  2.0 * a
            return simplify_node(Call(MUL, (Const(2.0), a)), kind)
        common = _common_tangent(a, b)
        if common is not None:  # x_dot * a + x_dot * b  ->  x_dot * (a + b)
            rest_a, rest_b = _without(a, common), _without(b, common)
            return Call(MUL, (common, simplify_node(Call(ADD, (rest_a, rest_b)), kind)))
    elif op is SUB:
        a, b = args
        if _num(b, 0) and (type(b.value) is int or _float_like(a, kind)):
            return a
        if _num(a, 0) and (type(a.value) is int or _float_like(b, kind)):
            return simplify_node(Call(NEG, (b,)), kind)
        if not isinstance(b, Const) and strip_minus(b) is not None:
            return simplify_node(Call(ADD, (a, strip_minus(b))), kind)
    elif op is NEG:
        (a,) = args
        if _neg(a) is not None:
            return _neg(a)
        if isinstance(a, Call) and a.op in (MUL, DIV):  # -(a * b)  ->  -a * b
            return simplify_node(Call(a.op, (simplify_node(Call(NEG, (a.args[0],)), kind), a.args[1])), kind)
        if isinstance(a, Call) and a.op is SUB:  # -(a - b)  ->  b - a
            return Call(SUB, (a.args[1], a.args[0]))
    elif op is POW:
        a, b = args
        if _num(b, 1) and (type(b.value) is int or _float_like(a, kind)):
            return a
    return e


def _is_display(e: Expr) -> bool:
    """A tuple or list display that computes nothing but its items."""
    return isinstance(e, Call) and e.op.form in ("tuple", "list") and all(_pure(c) for c in e.children())


def _constant_slice(e: Expr) -> slice | None:
    if isinstance(e, Const) and isinstance(e.value, slice):
        return e.value
    if isinstance(e, Call) and e.op is ir.SLICE and all(isinstance(p, Const) for p in e.args):
        return slice(*(p.value for p in e.args))
    return None


def _display_item(e: Expr, key: object) -> Expr | None:
    """The item of a display at a constant key, where the display computes nothing else."""
    if not isinstance(e, Call) or not all(_pure(c) for c in e.children()):
        return None
    if e.op.form in ("tuple", "list") and type(key) is int and -len(e.args) <= key < len(e.args):
        return e.args[key]
    if e.op.form == "dict":
        return next((v for k, v in e.kwargs if type(k) is type(key) and k == key), None)
    return None


def _pure(e: Expr) -> bool:
    return not isinstance(e, Call) or e.op.pure and all(_pure(c) for c in e.children())


def _factors(e: Expr) -> list[Expr]:
    if isinstance(e, Call) and e.op is MUL:
        return _factors(e.args[0]) + _factors(e.args[1])
    return [e]


def _common_tangent(a: Expr, b: Expr) -> Name | None:
    """A tangent (``x_dot``) that is a factor of both products."""
    fa = _factors(a)
    fb = _factors(b)
    for f in fa:
        if isinstance(f, Name) and f.id.endswith("_dot") and f in fb and len(fa) + len(fb) > 2:
            return f
    return None


def _without(e: Expr, factor: Name) -> Expr:
    """The product ``e`` with one ``factor`` taken out (``1.0`` if nothing is left)."""
    rest = _factors(e)
    rest.remove(factor)
    if not rest:
        return Const(1.0)
    out = rest[0]
    for f in rest[1:]:
        out = Call(MUL, (out, f))
    return out


def broadcast_value(e: Expr) -> Expr | None:
    """``c`` for ``np.full(s, c)``, ``a`` for ``np.broadcast_to(a, s)``, ``1.0`` for
    ``np.ones(s)``: what gets spread out."""
    if not (isinstance(e, Call) and e.op.form == "call" and not e.kwargs):
        return None
    if len(e.args) == 2 and e.op.fn is np.full:
        return e.args[1]
    if len(e.args) == 2 and e.op.fn is np.broadcast_to:
        return e.args[0]
    if len(e.args) == 1 and e.op.fn in (np.ones, np.zeros):
        return Const(1.0 if e.op.fn is np.ones else 0.0)
    return None


def _rule(e: Call):
    return lookup(e.op)


def _implicit_broadcast(e: Call, kind: KindOf) -> Expr:
    """``np.full(s, c) * y``  ->  ``c * y`` when ``y`` surely has the shape of the
    result: an elementwise operation broadcasts by itself.

    Only then: ``x * np.ones(3)`` of a number ``x`` is an array, and ``h + np.ones(5)``
    of an ``h`` of length 3 raises, so neither is ``x * 1.0``."""
    if all(broadcast_value(arg) is None for arg in e.args):
        return e
    rule = _rule(e)
    if rule is None or not rule.elementwise:
        return e
    before = kind(e)
    if before.dims is None or not before.is_array:
        return e
    for i, arg in enumerate(e.args):
        value = broadcast_value(arg)
        others = e.args[:i] + e.args[i + 1 :]
        if value is not None and any(kind(o).same_shape(before) for o in others):
            new = Call(e.op, e.args[:i] + (value,) + e.args[i + 1 :], e.kwargs, e.pos)
            if kind(new).dims == before.dims and kind(new).dtype == before.dtype:
                return new
    return e


def _shape_of_product(e: Call, kind: KindOf) -> Expr:
    """``(a @ b).shape``  ->  ``(a.shape[0], b.shape[1])``: no product just for its shape."""
    (prod,) = e.args
    a, b = prod.args
    ka, kb = kind(a), kind(b)
    if ka.ndim is None or kb.ndim is None or ka.ndim > 2 or kb.ndim > 2:
        return e
    shape = _attr_op("shape")

    def dim(x: Expr, i: int) -> Expr:
        return Call(ir.GETITEM, (Call(shape, (x,)), Const(i)))

    dims = ([dim(a, 0)] if ka.ndim == 2 else []) + ([dim(b, 1)] if kb.ndim == 2 else [])
    return Call(ir.TUPLE, tuple(dims))


def _transposed(e: Call, kind: KindOf) -> Expr:
    """``x.T.T``  ->  ``x``; ``(a @ b).T``  ->  ``b.T @ a.T``; ``v.T``  ->  ``v`` for a vector."""
    (x,) = e.args
    if kind(x).ndim is not None and kind(x).ndim <= 1:
        return x
    if isinstance(x, Call) and x.op is e.op:
        return x.args[0]
    if isinstance(x, Call) and x.op is ir.MATMUL and kind(x.args[0]).ndim == 2 == kind(x.args[1]).ndim:
        a, b = x.args
        return Call(ir.MATMUL, (simplify_node(Call(e.op, (b,)), kind), simplify_node(Call(e.op, (a,)), kind)))
    return e


def _attr_op(name: str) -> ir.Op:
    return attr_op(name)


def _call_rewrite(e: Call, kind: KindOf) -> Expr:
    """Rewrites of calls to NumPy functions."""
    fn = e.op.fn
    if fn is np.full and len(e.args) == 2 and not e.kwargs and isinstance(e.args[1], Const):
        for value, other in ((1.0, np.ones), (0.0, np.zeros)):
            if type(e.args[1].value) is float and e.args[1].value == value:
                return Call(ir.call_op(other, f"np.{other.__name__}", True, canonical=True), e.args[:1])
    if fn in _AT_LEAST and len(e.args) == 1 and not e.kwargs:
        k = kind(e.args[0])
        if k.is_array and k.ndim is not None and k.ndim >= _AT_LEAST[fn]:
            return e.args[0]  # an array with the axes already: itself
    if fn is np.column_stack and _single(e):  # a piece of np.c_[a, b]: a column, or itself
        x = e.args[0].args[0]
        ndim = kind(x).ndim if kind(x).is_array else None
        if ndim == 2:
            return x
        if ndim == 1:
            return Call(ir.call_op(np.reshape, "np.reshape", True, canonical=True), (x, Const((-1, 1))))
    if fn is np.transpose and len(e.args) == 2 and not e.kwargs:
        new = _permuted(e.args[0], e.args[1], kind)
        if new is not None:
            return new
    rule = _rule(e)
    first = e.args[0] if e.args else None
    if rule is not None and rule.linear and first is not None and not isinstance(first, Const):
        if not kind(e).is_numeric:  # -unstack(x) is no list: f(-x) == -f(x) for arrays and numbers
            return e
        stripped = strip_minus(first)
        if stripped is not None and rule.params and rule.vjp.get(rule.params[0]) not in (None, "0"):
            inner = Call(e.op, (stripped,) + e.args[1:], e.kwargs, e.pos)  # f(-x) == -f(x)
            return Call(NEG, (simplify_node(inner, kind),))
    return e


def _permuted(x: Expr, axes: Expr, kind: KindOf) -> Expr | None:
    """``np.transpose(x, (0, 1))``  ->  ``x``; ``np.transpose(m, [1, 0])``  ->  ``m.T``."""
    if (
        isinstance(axes, Call)
        and axes.op.form in ("list", "tuple")
        and all(isinstance(a, Const) for a in axes.args)
    ):
        order = tuple(a.value for a in axes.args)
    elif isinstance(axes, Const) and isinstance(axes.value, tuple):
        order = axes.value
    else:
        return None
    ndim = kind(x).ndim if kind(x).is_array else None
    if ndim is None or len(order) != ndim or not all(type(i) is int for i in order):
        return None
    if order == tuple(range(ndim)):
        return x
    if order == tuple(reversed(range(ndim))):
        return Call(_attr_op("T"), (x,))
    return None


_AT_LEAST = {np.atleast_1d: 1, np.atleast_2d: 2, np.atleast_3d: 3}


def _single(e: Call) -> bool:
    """Whether ``e`` is a call on a one-item tuple display alone: ``np.column_stack((a,))``."""
    return (
        len(e.args) == 1
        and not e.kwargs
        and isinstance(e.args[0], Call)
        and e.args[0].op is ir.TUPLE
        and len(e.args[0].args) == 1
    )


def simplify_node(e: Expr, kind: KindOf) -> Expr:
    """Rewrite the root of ``e`` until nothing applies."""
    while isinstance(e, Call):
        new = rewrite(e, kind)
        if new is e:
            break
        e = new
    return e


def simplify_expr(e: Expr, kind: KindOf, hook: Callable[[Call], Expr] | None = None) -> Expr:
    """Simplify bottom-up. ``hook`` may replace a simplified call (macros)."""
    if not isinstance(e, Call):
        return e
    e = e.map(lambda a: simplify_expr(a, kind, hook))
    e = simplify_node(e, kind)
    if hook is not None and isinstance(e, Call):
        new = hook(e)
        if new is not e:
            return simplify_expr(new, kind, hook)
    return e
