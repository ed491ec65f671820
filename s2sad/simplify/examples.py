"""Python read as IR just as written, to show and test one pass at a time.

The pipeline's own frontend lowers a function to SSA three-address form, which
is not the code the simplification passes meet: they work on derivative code,
with ``+=``, tapes and names used many times. ``read`` turns a few lines of such
code into IR as they stand, and ``run`` applies one pass to them and prints the
result, so that each pass's docstring shows its effect as a doctest:

>>> from s2sad.simplify.dce import live_code
>>> print(run(live_code, '''
... v1 = x * 2.0
... v2 = np.sin(x)
... return v1
... '''))
v1 = x * 2.0
return v1

In an example, names spelled ``v1`` (a temporary) or ending in ``_bar``, ``_dot``
(an adjoint, a tangent) are names the transformer made up, which passes may fold
away; a name read before anything assigns it is a parameter.
"""

from __future__ import annotations

import builtins
import math
import textwrap

import gast
import numpy as np

from .. import ir, runtime
from ..analysis.infer import infer
from ..derive.request import AS_GRADIENT
from ..ir import Call, Const, Expr, Name
from ..ir.kinds import kind_of
from ..ir.printer import body_source
from ..ir.syntax import BINARY_SYMBOLS, COMPARE_SYMBOLS, UNARY_SYMBOLS
from ..lower.expressions import is_pure
from .state import Pass, State

MODULES = {"np": np, "math": math}


def read(source: str) -> list[ir.Stmt]:
    """The statements of ``source`` as IR, one statement for each."""
    return _block(gast.parse(textwrap.dedent(source)).body)


def run(pass_: Pass, source: str, tapes: tuple[str, ...] = (), **samples: object) -> str:
    """``source`` after ``pass_`` alone, printed. ``samples`` are values of parameters that
    give them their kinds (``x=np.ones(3)``); the kinds of the other names are inferred."""
    body = read(source)
    return body_source(pass_(body, state(body, tapes, **samples))).rstrip("\n")


def state(body: list[ir.Stmt], tapes: tuple[str, ...] = (), **samples: object) -> State:
    """The state a pass on ``body`` starts from, as ``run`` makes it."""
    assigned: set[str] = set()
    params: list[str] = list(samples)
    for stmt in ir.walk(body):
        params += [n for n in stmt.reads() if n not in assigned and n not in params]
        assigned.update(stmt.writes())
    made_up = {n for n in assigned if _made_up(n)}
    fn = ir.Function("f", [ir.Param(p) for p in params], body, temps=made_up, tapes=set(tapes))
    kinds = {}
    for name, value in samples.items():
        k = kind_of(value)
        kinds[name] = k.with_shape(name) if k.is_array else k
    return State.of(fn, infer(fn, kinds))


def _made_up(name: str) -> bool:
    return name[:1] == "v" and name[1:].isdigit() or name.endswith(("_bar", "_dot"))


# ----------------------------------------------------------------------- statements


def _block(nodes: list[gast.stmt]) -> list[ir.Stmt]:
    return [_stmt(node) for node in nodes if not isinstance(node, gast.Pass)]


def _stmt(node: gast.stmt) -> ir.Stmt:
    if isinstance(node, (gast.Assign, gast.AugAssign)):
        accumulate = isinstance(node, gast.AugAssign)
        if accumulate and not isinstance(node.op, gast.Add):
            raise ValueError("only += accumulates")
        target = node.target if accumulate else node.targets[0]
        value = _expr(node.value)
        if isinstance(target, gast.Name):
            return ir.Assign(Name(target.id), value, accumulate)
        if isinstance(target, gast.Subscript):
            return ir.SetItem(Name(target.value.id), _expr(target.slice), value, accumulate)
        return ir.Unpack(tuple(Name(t.id) for t in target.elts), value)
    if isinstance(node, gast.Return):
        return ir.Return(_expr(node.value))
    if isinstance(node, gast.Expr):
        return ir.Effect(_expr(node.value))
    if isinstance(node, gast.If):
        return ir.If(_expr(node.test), _block(node.body), _block(node.orelse))
    if isinstance(node, gast.For):
        return ir.For(_expr(node.target), _expr(node.iter), _block(node.body))
    if isinstance(node, gast.While):
        return ir.While([], _expr(node.test), _block(node.body))
    if isinstance(node, gast.Break):
        return ir.Break()
    raise ValueError(f"cannot read {type(node).__name__}")


# ---------------------------------------------------------------------- expressions


def _expr(node: gast.expr) -> Expr:
    if isinstance(node, gast.Name):
        return Name(node.id)
    if isinstance(node, gast.Constant):
        return Const(node.value)
    if isinstance(node, gast.BinOp):
        return Call(ir.BINARY[BINARY_SYMBOLS[type(node.op)]], (_expr(node.left), _expr(node.right)))
    if isinstance(node, gast.UnaryOp):
        operand = _expr(node.operand)
        if isinstance(node.op, gast.USub) and isinstance(operand, Const):
            return Const(-operand.value)
        return Call(ir.UNARY[UNARY_SYMBOLS[type(node.op)]], (operand,))
    if isinstance(node, gast.Compare):
        op = ir.COMPARE[COMPARE_SYMBOLS[type(node.ops[0])]]
        return Call(op, (_expr(node.left), _expr(node.comparators[0])))
    if isinstance(node, gast.IfExp):
        return Call(ir.IFEXP, (_expr(node.test), _expr(node.body), _expr(node.orelse)))
    if isinstance(node, (gast.Tuple, gast.List)):
        return Call(ir.TUPLE if isinstance(node, gast.Tuple) else ir.LIST, tuple(map(_expr, node.elts)))
    if isinstance(node, gast.Dict):
        return Call(ir.DICT, (), tuple((k.value, _expr(v)) for k, v in zip(node.keys, node.values)))
    if isinstance(node, gast.Subscript):
        return Call(ir.GETITEM, (_expr(node.value), _expr(node.slice)))
    if isinstance(node, gast.Slice):
        parts = (node.lower, node.upper, node.step)
        return Call(ir.SLICE, tuple(Const(None) if p is None else _expr(p) for p in parts))
    if isinstance(node, gast.Attribute):
        path = _path(node)
        if path is not None:
            return ir.Ref(path, _resolve(path), canonical=True)
        return Call(ir.attr_op(node.attr), (_expr(node.value),))
    if isinstance(node, gast.Call):
        return _call(node)
    raise ValueError(f"cannot read {type(node).__name__}")


def _call(node: gast.Call) -> Call:
    args = tuple(map(_expr, node.args))
    kwargs = tuple((k.arg, _expr(k.value)) for k in node.keywords)
    func = node.func
    path = _path(func) if isinstance(func, gast.Attribute) else None
    if path is not None:
        fn = _resolve(path)
        return Call(ir.call_op(fn, path, is_pure(fn, path), canonical=True), args, kwargs)
    if isinstance(func, gast.Attribute):  # a method
        return Call(ir.method_op(func.attr), (_expr(func.value), *args), kwargs)
    if func.id == "as_gradient":
        return Call(AS_GRADIENT, args, kwargs)
    if hasattr(runtime, func.id):  # what generated code calls: zeros_of, unbroadcast, ...
        return Call(ir.call_op(getattr(runtime, func.id), func.id, True, canonical=True), args, kwargs)
    if hasattr(builtins, func.id):
        fn = getattr(builtins, func.id)
        return Call(ir.call_op(fn, func.id, is_pure(fn, func.id)), args, kwargs)
    return Call(ir.APPLY, (Name(func.id), *args), kwargs)  # a function value: a pullback


def _path(node: gast.expr) -> str | None:
    """``np.linalg.norm``: the dotted path of something in a module, else None."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not (isinstance(node, gast.Name) and node.id in MODULES):
        return None
    return ".".join([node.id, *reversed(parts)])


def _resolve(path: str) -> object:
    head, *rest = path.split(".")
    obj = MODULES[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj
