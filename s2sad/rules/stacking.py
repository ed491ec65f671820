"""Rules for making arrays at least 1-, 2- or 3-D, and for stacking them as columns or rows.

``np.r_[a, b]`` and ``np.c_[a, b]`` are lowered to ``np.concatenate`` of
``np.atleast_1d`` pieces and to ``np.column_stack`` (``lower.expressions``), so
these rules serve them too. Each result is a reshape of its input, or pieces of
the cotangent cut back to their shapes:

>>> from s2sad.rules import RULES
>>> sorted(p for p in {r.pattern for r in RULES.values()} if "atleast" in p)
['np.atleast_1d(x)', 'np.atleast_2d(x)', 'np.atleast_3d(x)']
"""

import numpy as np

from ..ir.kinds import Kind, promote
from .kindrules import Arg
from .registry import linear, rule, table

table("arrays")


def _at_least(rank: int):
    """The kind of ``np.atleast_<rank>d(x)``: NumPy adds the missing axes as length one, in
    front for 1-D and 2-D results; a 3-D one gets ``(1, n, 1)`` from ``(n,)`` and ``(m, n, 1)``
    from ``(m, n)``."""

    def kind(a: dict[str, Arg]) -> Kind:
        x = a["x"].kind
        if x.dims is None or len(x.dims) >= rank:
            return Kind(np.ndarray, x.dims, x.dtype, shape=x.shape if x.is_array else None)
        dims = x.dims
        if rank == 3:
            dims = {0: ("1", "1", "1"), 1: ("1", *dims, "1"), 2: (*dims, "1")}[len(dims)]
        else:
            dims = ("1",) * (rank - len(dims)) + dims
        return Kind(np.ndarray, dims, x.dtype)

    return kind


for _rank in (1, 2, 3):
    linear(
        f"np.atleast_{_rank}d(x)",
        x=f"g if x.ndim >= {_rank} else np.reshape(g, np.shape(x))",
        kind=_at_least(_rank),
    )


def _columns(a: dict[str, Arg], param: str = "tup") -> Kind:
    """``np.column_stack``: 1-D pieces become columns of a 2-D result."""
    k = a[param].kind
    parts = k.items if k.items is not None else (k.elem,) if k.elem is not None else ()
    if not parts or any(p is None or not p.is_numeric for p in parts):
        return Kind(np.ndarray, None, "?")
    dtype = promote(*(p.dtype for p in parts))
    if any(p.dims is None or len(p.dims) not in (1, 2) for p in parts):
        return Kind(np.ndarray, None, dtype)
    rows = {p.dims[0] for p in parts}
    return Kind(np.ndarray, (rows.pop() if len(rows) == 1 else "?", "?"), dtype)


linear("np.column_stack(tup)", tup="uncolumn_stack(g, tup)", kind=_columns)
if hasattr(np, "row_stack"):  # np.vstack under its old name (deprecated in NumPy 2.0)
    rule("np.row_stack(tup)", vjp={"tup": "unvstack(g, tup)"}, jvp={"tup": "np.vstack(tup_dot)"})
