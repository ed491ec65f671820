"""Callables people pass to the API that are not plain functions, made plain functions.

- a bound method ``model.loss``: its parameters after ``self``; ``self`` is read as a
  constant (its arrays are not differentiated, like a closure's);
- a ``functools.partial``: the parameters it leaves open, the others bound to its values;
- a function decorated with ``functools.wraps`` that passes its arguments on and returns
  what the wrapped function returns: the wrapped function (``__wrapped__``);
- a ``functools.lru_cache``d function: the function it caches.

A bound method or a partial becomes a small function with source that calls the
user's function, which s2sad inlines:

>>> import functools, inspect
>>> def power(x, n, scale=1.0):
...     return scale * x ** n
>>> print(inspect.getsource(plain_function(functools.partial(power, n=3), "grad")), end="")
def power(x, *, n=..., scale=...):
    return __f(x, n=n, scale=scale)
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable

import gast

from ..backend.compiler import compile_function
from ..errors import UnsupportedSyntaxError


def plain_function(f: object, api: str) -> object:
    """``f``, or the plain function with source that computes what ``f`` computes."""
    if isinstance(f, functools.partial):
        return _calling(plain_function(f.func, api), f, tuple(f.args), dict(f.keywords), api)
    if inspect.ismethod(f) and hasattr(f.__func__, "__code__"):
        return _calling(f.__func__, f, (f.__self__,), {}, api)
    wrapped = getattr(f, "__wrapped__", None)
    if wrapped is not None and callable(wrapped):
        if hasattr(f, "__code__"):
            _check_passes_through(f, wrapped, api)
        return plain_function(wrapped, api)
    return f


def _calling(target: Callable, f: object, bound: tuple, keywords: dict, api: str) -> Callable:
    """A function with the parameters ``f`` leaves open that calls ``target`` with the
    values ``bound`` first (``self``, a partial's arguments) and ``keywords``."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{api}: cannot read the parameters of {f!r}: {e}") from None
    params, call, defaults, kwdefaults = [], [], [], {}
    cells: dict[str, object] = {"__f": target}
    taken = set(signature.parameters) | set(keywords)
    given = getattr(getattr(target, "__code__", None), "co_varnames", ())
    for i, value in enumerate(bound):
        # the bound values under their parameters' names where free: ``self.W`` reads as written
        name = given[i] if i < len(given) and given[i] not in taken else f"__a{i}"
        cells[name] = value
        call.append(name)
    star = False
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise UnsupportedSyntaxError(
                f"{api} of {f!r}, which takes `*args` or `**kwargs`, is not supported",
                hint="Name every parameter of the function.",
            )
        if p.kind is p.KEYWORD_ONLY:
            if not star:
                params.append("*")
                star = True
            call.append(f"{p.name}={p.name}")
        else:
            call.append(p.name)
        if p.default is p.empty:
            params.append(p.name)
        else:
            params.append(f"{p.name}=...")  # the value is the function's: ``...`` marks that there is one
            if p.kind is p.KEYWORD_ONLY:
                kwdefaults[p.name] = p.default
            else:
                defaults.append(p.default)
    for k, value in keywords.items():  # bound by a partial and not open again: none are
        if k not in signature.parameters:
            cells[f"__k_{k}"] = value
            call.append(f"{k}=__k_{k}")
    name = getattr(target, "__name__", "f")
    name = name if name.isidentifier() else "f"
    text = f"def {name}({', '.join(params)}):\n    return __f({', '.join(call)})\n"
    what = f"bound method {f.__qualname__}" if inspect.ismethod(f) else f"functools.partial of {name}"
    return compile_function(text, what, {}, cells, tuple(defaults) or None, kwdefaults or None)


def _check_passes_through(f: Callable, wrapped: Callable, api: str) -> None:
    """``f`` (a ``functools.wraps`` wrapper) takes ``*args, **kwargs``, passes them on to
    ``wrapped`` unchanged and returns its result: else following ``__wrapped__`` would
    differentiate other code than the code that runs."""
    refuse = UnsupportedSyntaxError(
        f"{api} of `{f.__code__.co_qualname}`, a wrapper of `{wrapped.__qualname__}` (functools.wraps) "
        "that does more than call it, is not supported",
        hint=f"Differentiate `{wrapped.__qualname__}` itself, or write what the wrapper adds "
        "in a function s2sad can read.",
    )
    try:  # the wrapper's own code: inspect.getsource(f) would read the wrapped function's
        node = gast.parse(textwrap.dedent(inspect.getsource(f.__code__))).body[0]
    except (OSError, TypeError, SyntaxError):
        raise refuse from None
    if not isinstance(node, gast.FunctionDef):
        raise refuse
    args = node.args
    if args.args or args.posonlyargs or args.kwonlyargs or args.vararg is None or args.kwarg is None:
        raise refuse
    free = f.__code__.co_freevars
    names = {n for n, cell in zip(free, f.__closure__ or ()) if _contents(cell) is wrapped}
    names |= {n for n, v in f.__globals__.items() if v is wrapped and n not in free}

    def passes(call: gast.expr) -> bool:
        return (
            isinstance(call, gast.Call)
            and isinstance(call.func, gast.Name)
            and call.func.id in names
            and len(call.args) == 1
            and isinstance(call.args[0], gast.Starred)
            and isinstance(call.args[0].value, gast.Name)
            and call.args[0].value.id == args.vararg.id
            and len(call.keywords) == 1
            and call.keywords[0].arg is None
            and isinstance(call.keywords[0].value, gast.Name)
            and call.keywords[0].value.id == args.kwarg.id
        )

    stores: dict[str, list] = {}
    returns = []
    for sub in gast.walk(node):
        if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Store):
            stores.setdefault(sub.id, []).append(sub)
        if isinstance(sub, gast.Return):
            returns.append(sub.value)
        if isinstance(sub, (gast.FunctionDef, gast.Lambda)) and sub is not node:
            raise refuse
    if args.vararg.id in stores or args.kwarg.id in stores or not returns:
        raise refuse
    results = {}
    for sub in gast.walk(node):
        if isinstance(sub, gast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], gast.Name):
            if passes(sub.value) and len(stores[sub.targets[0].id]) == 1:
                results[sub.targets[0].id] = sub
    for value in returns:
        if not (passes(value) or isinstance(value, gast.Name) and value.id in results):
            raise refuse


def _contents(cell: object) -> object:
    try:
        return cell.cell_contents
    except ValueError:
        return None


__all__ = ["plain_function"]
