"""Binding the arguments of a call to a user function to its parameters."""

from __future__ import annotations

from .. import ir
from ..frontend.resolve import parameters
from ..ir import Call, Const, Expr
from .lowering import default_expr


def bind_call(fn, call: Call, loc) -> tuple[list[str], list[str], dict[str, Expr]]:
    """The positional and keyword-only parameters of ``fn``, and what the call passes to each."""
    positional, keyword, _ = parameters(fn)
    bound: dict[str, Expr] = dict(zip(positional, call.args))
    bound.update(dict(call.kwargs))
    defaults = dict(zip(positional[len(positional) - len(fn.__defaults__ or ()) :], fn.__defaults__ or ()))
    defaults.update(fn.__kwdefaults__ or {})
    for p in positional + keyword:
        if p not in bound:
            if p not in defaults:
                raise TypeError(f"{loc}: {fn.__name__}() is missing the argument '{p}'")
            bound[p] = (
                Const(defaults[p])
                if isinstance(default_expr(defaults[p], None), Const)
                else (ir.Ref(p, defaults[p]))
            )
    return positional, keyword, bound
