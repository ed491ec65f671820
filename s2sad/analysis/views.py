"""Which array an expression may be a view of.

Indexing with slices, ``.T`` and NumPy's reshaping functions give views that
share memory with their array; a change in place to one is seen through the
other, which the reverse sweep must know (``aliases``), and so must
simplification before it moves a read past a change:

>>> from s2sad.ir import GETITEM, SLICE, Call, Const, Name, attr_op
>>> tail = Call(GETITEM, (Name("y"), Call(SLICE, (Const(1), Const(None), Const(None)))))
>>> tail, view_of(tail), view_of(Call(attr_op("T"), (Name("y"),)))
(y[1:], 'y', 'y')
>>> print(view_of(Call(attr_op("shape"), (Name("y"),))))
None
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Expr, Name

_VIEW_FUNCTIONS = {
    "reshape",
    "transpose",
    "ravel",
    "squeeze",
    "expand_dims",
    "swapaxes",
    "moveaxis",
    "diagonal",
    "real",  # np.real(z), np.imag(z): views of a complex array's parts (of a real one: itself)
    "imag",
}


def view_of(e: Expr) -> str | None:
    """The array ``e`` may be a view of: ``y`` for ``y[1:]``, ``y.T``, ``np.reshape(y, s)``."""
    if not (isinstance(e, Call) and e.args and isinstance(e.args[0], Name)):
        return None
    op = e.op
    if op is ir.GETITEM or op.form == "attr" and op.symbol in ("T", "real", "imag"):
        return e.args[0].id
    if op.form in ("call", "method") and getattr(op.fn, "__name__", op.symbol) in _VIEW_FUNCTIONS:
        return e.args[0].id
    return None
