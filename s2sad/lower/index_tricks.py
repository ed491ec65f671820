"""``np.r_`` and ``np.c_``: indexing that builds an array, lowered to the calls it means.

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... def f(x, y):
...     return np.r_[x, y, 0:2]
... '''))
def f(x, y):
    v1 = np.atleast_1d(x)
    v2 = np.atleast_1d(y)
    v3 = np.arange(0, 2, 1)
    v4 = np.atleast_1d(v3)
    v5 = np.concatenate((v1, v2, v4))
    return v5
"""

from __future__ import annotations

import gast
import numpy as np

from .. import ir
from ..ir import Call, Const, Expr


def joined(builder, node: gast.Subscript, rows: bool) -> Expr:
    """``np.r_[a, b]`` as ``np.concatenate((np.atleast_1d(a), np.atleast_1d(b)))``, and
    ``np.c_[a, b]`` as ``np.concatenate`` of ``np.column_stack((a,))`` pieces along the
    last axis (columns for 1-D pieces, as they are for others): what NumPy computes, in
    functions with derivatives (the simplifier shortens both where kinds allow). A slice
    ``lo:hi:step`` is ``np.arange(lo, hi, step)``."""
    items = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
    pieces = []
    for item in items:
        if isinstance(item, gast.Slice):
            if item.step is not None and not isinstance(builder.expr(item.step), Const):
                raise builder.error(item, "a computed step in `np.r_`/`np.c_` is not supported")
            step = builder.expr(item.step) if item.step is not None else Const(1)
            if isinstance(step.value, complex):
                raise builder.error(
                    item,
                    "a number of points (a complex step) in `np.r_`/`np.c_` is not supported",
                    "Use np.linspace.",
                )
            lo = builder.expr(item.lower) if item.lower is not None else Const(0)
            value = _np_call(np.arange, (lo, builder.expr(item.upper), step))
        elif isinstance(item, gast.Constant) and isinstance(item.value, str):
            raise builder.error(
                item, "a directive string in `np.r_`/`np.c_` is not supported", "Use np.concatenate."
            )
        else:
            value = builder.expr(item)
        one = (
            _np_call(np.atleast_1d, (value,))
            if rows
            else _np_call(np.column_stack, (Call(ir.TUPLE, (value,)),))
        )
        pieces.append(one)
    kwargs = () if rows else (("axis", Const(-1)),)
    return _np_call(np.concatenate, (Call(ir.TUPLE, tuple(pieces)),), kwargs)


def _np_call(fn, args: tuple[Expr, ...], kwargs: tuple = ()) -> Call:
    return Call(ir.call_op(fn, f"np.{fn.__name__}", True, canonical=True), args, kwargs)
