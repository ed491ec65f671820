"""Kind inference: the kind of every value, from the kinds of the arguments.

A forward pass over the SSA form; each operation's rule says what kind it
returns (``np.sum(x, axis=0)`` of a ``2-D`` array is ``1-D``). Values no rule
describes are ``UNKNOWN``, which makes generated code use run-time helpers
rather than guess::

    def f(W, x):            # W: ndarray[2-D], x: ndarray[1-D]
        v1 = W @ x          # v1: ndarray[1-D]
        v2 = np.sum(v1)     # v2: numpy float
        return v2
"""

from __future__ import annotations

from . import ir
from .kinds import UNKNOWN, Kind
from .rules.core import expr_kind


def infer(fn: ir.Function, params: dict[str, Kind]) -> dict[str, Kind]:
    """Kinds of all names assigned in ``fn``, parameters included."""
    kinds = dict(params)
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign):
            k = expr_kind(stmt.value, lambda n: kinds.get(n, UNKNOWN))
            if stmt.accumulate:
                old = kinds.get(stmt.target.id, k)
                k = old if old == k else old.join(k)
            kinds[stmt.target.id] = k
    return kinds
