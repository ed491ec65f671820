"""What the public functions check before anything is built: the function, and ``wrt``.

``wrt`` is a parameter position or name, or a tuple of them; it becomes the tuple of
parameter names the pipeline differentiates with respect to, and whether one
result (not a tuple) is wanted:

>>> def f(x, y, *, scale=1.0):
...     return scale * x * y
>>> wrt_names(f, 0, "grad"), wrt_names(f, ("y", "scale"), "grad")
((('x',), True), (('y', 'scale'), False))
>>> wrt_names(f, 2, "grad")
Traceback (most recent call last):
...
ValueError: grad: wrt=2 is out of range: f has 2 positional parameters
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from ..derive.request import Request
from ..driver.dispatch import Transform
from ..errors import UnsupportedSyntaxError
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from ..lower.values import refuse_variadic
from ..rules.registry import AGAIN, ONCE
from .callables import plain_function
from .compiling import transform_for

Wrt = int | str | Sequence[int | str]


def check_function(f: object, api: str) -> Callable:
    """The plain Python function ``f`` is, or stands for (a bound method, a partial, a
    wrapper: ``callables.plain_function``); not a builtin."""
    if not callable(f):
        raise TypeError(f"{api} expects a function, got {type(f).__name__} {f!r}")
    made_by = getattr(f, ONCE, None)
    if made_by is not None:
        raise UnsupportedSyntaxError(
            f"{api} of a function {made_by} returned is not supported (a derivative of a derivative "
            "of a derivative, written as loops over other derivatives)",
            hint=AGAIN,
        )
    f = plain_function(f, api)
    if inspect.ismethod(f):
        raise UnsupportedSyntaxError(
            f"{api} of the bound method {f.__qualname__} is not supported",
            hint="Differentiate a plain function that takes the object's data as arguments.",
        )
    if not hasattr(f, "__code__"):
        name = getattr(f, "__name__", repr(f))
        raise UnsupportedSyntaxError(
            f"{api} needs a Python function with source; `{name}` is {type(f).__name__}",
            hint=f"Wrap it: {api}(lambda x: {name}(x)).",
        )
    return f


def wrt_names(f: Callable, wrt: Wrt, api: str) -> tuple[tuple[str, ...], bool]:
    """Parameter names for ``wrt``, and whether one gradient (not a tuple) is wanted."""
    if getattr(getattr(f, "__code__", None), "co_flags", 0) & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        refuse_variadic(parse(f))  # wrt names a parameter: f(*xs) has none to name
    positional, keyword, _ = parameters(f)
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError(f"{api}: wrt is empty; name at least one parameter")
    names = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise TypeError(f"{api}: wrt must be a parameter position or name, got {item!r}")
        if isinstance(item, int):
            if not -len(positional) <= item < len(positional):
                raise ValueError(
                    f"{api}: wrt={item} is out of range: {f.__name__} has "
                    f"{len(positional)} positional parameters"
                )
            names.append(positional[item])
        else:
            if item not in positional + keyword:
                raise ValueError(
                    f"{api}: wrt={item!r} is not a parameter of {f.__name__}; "
                    f"its parameters are {', '.join(positional + keyword)}"
                )
            names.append(item)
    if len(set(names)) != len(names):
        raise ValueError(f"{api}: wrt names a parameter twice: {wrt!r}")
    return tuple(names), single


def checked_transform(f: Callable, wrt: Wrt, mode: str, api: str, compile: str | None = None) -> Transform:
    """The transform of ``f`` for ``mode`` with respect to ``wrt``, once ``f`` and ``wrt``
    are checked and ``f`` parses; ``compile="numba"``: its code compiled by numba."""
    f = check_function(f, api)
    parse(f)  # unsupported constructs are reported now, not at the first call
    names, single = wrt_names(f, wrt, api)
    return transform_for(f, Request(mode, names, single), compile)


def bind(f: Callable, args: tuple, kwargs: dict, api: str, usage: str = "") -> tuple:
    """The value of every parameter of ``f`` for a call ``f(*args, **kwargs)``, the positional
    ones then the keyword-only ones, defaults filled in: what the engines that pass every
    argument by position take (the programs built from ``f`` take every parameter).

    >>> def f(x, scale=2.0, *, power=3):
    ...     return scale * x ** power
    >>> bind(f, (1.0,), {"power": 2}, "jacobian")
    (1.0, 2.0, 2)
    >>> bind(f, (), {}, "jacobian")
    Traceback (most recent call last):
    ...
    TypeError: jacobian: f: missing a required argument: 'x'
    """
    try:
        signature = inspect.signature(f, follow_wrapped=False)
    except (TypeError, ValueError):  # no signature to read: the arguments as given
        signature = None
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    if signature is None or any(p.kind in kinds for p in signature.parameters.values()):
        if kwargs:  # a function s2sad made of another (``per_call``) takes positions only
            raise TypeError(f"{api}: pass the arguments of {f.__name__} by position")
        return tuple(args)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{api}: {usage or f.__name__ + ': '}{e}") from None
    bound.apply_defaults()
    return tuple(bound.arguments.values())
