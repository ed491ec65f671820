"""``+`` and ``*`` of lists and tuples: they join and repeat, and their derivatives differ.

Python spells ``xs + ys`` and ``xs * 2`` like arithmetic; on sequences the first joins
two of them, the second repeats one. Once kinds are known, such calls get ops of their
own (``ir.JOIN``, ``ir.REPEAT``, printed as the operators), with rules that cut the
adjoint back into pieces and add up the copies':

>>> from s2sad.analysis.examples import argument_kinds, lowered
>>> from s2sad.analysis.infer import infer
>>> from s2sad.ir.printer import function_source
>>> def f(x):
...     pair = [x] + [x * x]
...     return 2 * pair
>>> fn = lowered(f)
>>> joined = sequence_ops(fn, infer(fn, argument_kinds(fn, x=1.0)))
>>> print(function_source(joined), end="")
def f(x):
    v1 = x * x
    pair = [x] + [v1]
    v2 = pair * 2
    return v2
>>> [s.value.op.name for s in joined.body[1:3]]
['join', 'repeat']
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Expr
from ..ir.kinds import UNKNOWN, Kind
from ..rules.instantiate import expr_kind


def sequence_ops(fn: ir.Function, kinds: dict[str, Kind]) -> ir.Function:
    """``fn`` with ``+`` of two lists (or two tuples) as ``ir.JOIN``, and ``*`` of a list or
    tuple by an integer as ``ir.REPEAT`` (the sequence first)."""

    def kind(e: Expr) -> Kind:
        return expr_kind(e, lambda n: kinds.get(n, UNKNOWN))

    def rewrite(call: Call) -> Expr:
        if call.op is ir.ADD:
            kx, ky = (kind(a) for a in call.args)
            if kx.type in (list, tuple) and kx.type is ky.type:
                return Call(ir.JOIN, call.args)
        elif call.op is ir.MUL:
            x, y = call.args
            if _sequence(kind(x)) and _count(kind(y)):
                return Call(ir.REPEAT, (x, y))
            if _sequence(kind(y)) and _count(kind(x)):
                return Call(ir.REPEAT, (y, x))
        return call

    if not any(isinstance(e, Call) and e.op in (ir.ADD, ir.MUL) for e in ir.walk_exprs(fn.body)):
        return fn
    return ir.replace(fn, body=ir.map_exprs_in(fn.body, lambda e: ir.map_calls(e, rewrite)))


def _sequence(k: Kind) -> bool:
    return k.type in (list, tuple)


def _count(k: Kind) -> bool:
    return k.dtype in "bi" and not k.is_array and k.dims == ()
