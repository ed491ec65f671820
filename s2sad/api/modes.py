"""``mode=`` for ``grad`` and ``value_and_grad``: reverse mode, forward mode, or the cheaper.

Reverse mode gives every gradient from one primal and one adjoint sweep. Forward mode
runs the tangent program once per ``wrt`` argument; for a few Python numbers through a
loop it is cheaper: it keeps no tape. ``"auto"`` picks forward mode when every ``wrt``
argument is a Python float or int, there are at most ``AUTO_MAX`` of them and ``f``'s
source has a ``for`` or ``while`` loop; reverse mode otherwise, or when the tangent
program cannot be built (a function with only a VJP rule). The choice is made once per
kinds of the ``wrt`` arguments. Both give the same result:

>>> def power(x, n):
...     for _ in range(n):
...         x = x * 1.5
...     return x
>>> check_mode("sideways", "grad")
Traceback (most recent call last):
...
ValueError: grad: mode='sideways' is not one of 'auto', 'reverse', 'forward'
>>> has_loop(power)
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import gast
import numpy as np

from ..derive.request import Request
from ..errors import MissingRuleError
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from .arguments import Wrt, check_function, wrt_names
from .compiling import transform_for

MODES = ("auto", "reverse", "forward")
AUTO_MAX = 4  # wrt arguments: beyond this many sweeps, reverse mode's one sweep is cheaper
_NUMBERS = (float, int)


def check_mode(mode: object, api: str) -> str:
    """``mode``, if it is one of ``MODES``; a ValueError naming them otherwise."""
    if not isinstance(mode, str) or mode not in MODES:
        allowed = ", ".join(repr(m) for m in MODES)
        raise ValueError(f"{api}: mode={mode!r} is not one of {allowed}")
    return mode


def has_loop(f: Callable) -> bool:
    """Whether the parsed source of ``f`` has a ``for`` or ``while`` loop, and none of its
    loops is checkpointed (``for t in s2sad.checkpoint(...)``: the user asked for a reverse
    sweep that recomputes instead of storing, so auto keeps reverse mode and its checks)."""
    loops = [n for n in gast.walk(parse(f).node) if isinstance(n, (gast.For, gast.While))]
    return bool(loops) and not any(isinstance(n, gast.For) and _checkpointed(n.iter) for n in loops)


def _checkpointed(e: gast.expr) -> bool:
    if not isinstance(e, gast.Call):
        return False
    fn = e.func
    return (isinstance(fn, gast.Attribute) and fn.attr == "checkpoint") or (
        isinstance(fn, gast.Name) and fn.id == "checkpoint"
    )


def with_mode(
    f: Callable,
    wrt: Wrt,
    mode: str,
    api: str,
    reverse: Callable,
    with_value: bool,
    compile: str | None = None,
) -> Callable:
    """``reverse`` (the reverse-mode dispatcher of ``grad`` or ``value_and_grad``), or a
    function that computes the same by forward mode where ``mode`` says so; ``with_value``
    for ``value_and_grad``'s ``(value, gradient)``; ``compile`` for the tangent program too
    (with ``compile="numba"``, ``"auto"`` is reverse mode: its tape compiles to an array,
    and one compiled sweep costs less than a call of the tangent program per input)."""
    if mode == "reverse" or mode == "auto" and compile is not None:
        return reverse  # compiled, a tape is an array: one reverse sweep beats a sweep per input
    f = check_function(f, api)
    names, single = wrt_names(f, wrt, api)
    positional, keyword, _ = parameters(f)
    if mode == "auto" and (len(names) > AUTO_MAX or not has_loop(f) or not set(names) <= set(positional)):
        return reverse  # nothing forward mode could do cheaper: no wrapper, no cost
    if not set(names) <= set(positional):
        raise ValueError(
            f"{api}: mode='forward' needs positional wrt parameters; {wrt!r} names a keyword-only one"
        )
    signature = inspect.signature(f)
    tangent = transform_for(f, Request("jvp", names, False), compile)
    index = [positional.index(n) for n in names]
    forward: dict[tuple, bool] = {}  # types of the wrt arguments -> whether forward mode runs

    def chosen(*args, **kwargs):
        if not kwargs and not keyword and len(args) == len(positional):
            primals, keywords = args, {}  # the common call: every argument by position
        else:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = tuple(bound.arguments.values())
            primals, keywords = values[: len(positional)], dict(zip(keyword, values[len(positional) :]))
        key = tuple(type(primals[i]) for i in index)
        use = forward.get(key)
        if use is None:
            use = _choose(key)
            if use and mode == "auto":
                try:
                    tangent.find(primals, keywords)  # built now: a missing JVP rule means reverse
                except MissingRuleError:
                    use = False
            forward[key] = use
        if not use:
            return reverse(*args, **kwargs)
        program = tangent.find(primals, keywords)
        out, grads = None, []
        for j in range(len(names)):
            units = [1.0 if k == j else 0.0 for k in range(len(names))]
            out, dout = program(*primals, *units, **keywords)
            if type(out) is not float and not (np.ndim(out) == 0 and np.isrealobj(out)):
                return reverse(*args, **kwargs)  # reverse mode says what is wrong with the output
            grads.append(float(dout))
        g = grads[0] if single else tuple(grads)
        return (out, g) if with_value else g

    def _choose(key: tuple) -> bool:
        numbers = all(t in _NUMBERS for t in key)
        if mode == "forward" and not numbers:
            kinds = ", ".join(t.__name__ for t in key)
            raise TypeError(
                f"{api}: mode='forward' differentiates Python numbers (float, int) only; the wrt "
                f"arguments are {kinds}; use mode='reverse' (or 'auto') for arrays and containers"
            )
        return numbers

    chosen.__name__ = getattr(reverse, "__name__", f.__name__)
    chosen.__qualname__ = getattr(reverse, "__qualname__", f.__qualname__)
    chosen.__doc__ = reverse.__doc__
    chosen.__signature__ = signature
    chosen.__wrapped__ = reverse
    for name in ("__s2sad__", "__s2sad_concrete__", "__s2sad_params__"):  # differentiated again:
        if hasattr(reverse, name):  # through the reverse-mode code (``driver.generated``)
            setattr(chosen, name, getattr(reverse, name))
    return chosen


__all__ = ["AUTO_MAX", "MODES", "check_mode", "has_loop", "with_mode"]
