"""Arguments equal to a function's default are dropped.

Rule templates spell every argument so that they hold for every call
(``np.sum(g, axis=None, keepdims=False)``); a person writes only the ones that
differ from the defaults. The rule registered for the function says what its
parameters and their defaults are; a call no rule binds is left alone.

>>> from s2sad.simplify.examples import run
>>> print(run(drop_defaults, '''
... s = np.sum(g, axis=None, keepdims=False)
... m = np.mean(g, None, keepdims=True)
... return s * m
... '''))
s = np.sum(g)
m = np.mean(g, keepdims=True)
return s * m
"""

from __future__ import annotations

from .. import ir
from ..ir import Call, Const, Expr
from ..rules.registry import REQUIRED, BindError, lookup
from .state import State


def drop_defaults(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
    """Every call in ``body`` without the arguments that say what its defaults say."""
    return ir.map_exprs_in(body, lambda e: ir.map_calls(e, _drop_defaults))


def _drop_defaults(e: Call) -> Expr:
    """``np.mean(a, axis=None, keepdims=True)``  ->  ``np.mean(a, keepdims=True)``."""
    if e.op.form not in ("call", "method"):
        return e
    rule = lookup(e.op)
    if rule is None:
        return e
    try:
        rule.bind(e)
    except BindError:
        return e
    params = rule.params

    def is_default(p: str, v: Expr) -> bool:
        d = rule.defaults.get(p, REQUIRED)
        return d is not REQUIRED and isinstance(v, Const) and Const(d) == v

    kwargs = tuple((k, v) for k, v in e.kwargs if not is_default(k, v))
    args = list(e.args)
    while args and len(args) <= len(params) and is_default(params[len(args) - 1], args[-1]):
        args.pop()
    if len(args) == len(e.args) and len(kwargs) == len(e.kwargs):
        return e
    return Call(e.op, tuple(args), kwargs, e.pos)
