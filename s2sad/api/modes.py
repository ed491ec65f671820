"""``mode=``: reverse mode, forward mode, or the cheaper of the two.

Reverse mode gives every gradient from one primal and one adjoint sweep, and keeps a
tape of what a loop computed. For a few Python numbers through a loop forward mode is
cheaper: one sweep carries the values and a tangent along each number, and keeps no
tape (``driver.forward_grad``). ``"auto"`` picks forward mode when every ``wrt``
argument of ``grad`` or ``value_and_grad`` is a Python float or int, there are at most
``AUTO_MAX`` of them and the function has a loop (its own, or one of a helper it calls,
as the lowered code shows); reverse mode otherwise, when the tangent program cannot be
built (a function with only a VJP rule), and when the tangents of several numbers cannot
share one sweep (a tangent kept in a list: forward mode would run a sweep per number).
The choice is made once per kinds of the arguments, and both give the same result:

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
>>> auto_choice(power, ("x",), {"x": 2.0, "n": 3})
('forward', 'forward mode: 1 float input, the function has a loop')
>>> auto_choice(power, ("x",), {"x": np.ones(2), "n": 3})
('reverse', 'reverse mode: x is an array')
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable

import gast
import numpy as np

from .. import ir
from ..driver.forward_grad import NUMBERS, ForwardGradient
from ..errors import DifferentiationError
from ..frontend.parse import parse
from ..frontend.resolve import Resolver, parameters
from ..rules.registry import inlinable
from .arguments import Wrt, check_function, wrt_names
from .compiling import warn_not_compiled

MODES = ("auto", "reverse", "forward")
AUTO_MAX = 4  # wrt arguments: beyond this many tangents, reverse mode's one adjoint sweep is cheaper


def check_mode(mode: object, api: str) -> str:
    """``mode``, if it is one of ``MODES``; a ValueError naming them otherwise."""
    if not isinstance(mode, str) or mode not in MODES:
        allowed = ", ".join(repr(m) for m in MODES)
        raise ValueError(f"{api}: mode={mode!r} is not one of {allowed}")
    return mode


def one_mode(mode: object, api: str, only: str, why: str) -> None:
    """For an ``api`` computed one way only: ``mode`` checked, and a ValueError for the other."""
    check_mode(mode, api)
    if mode not in ("auto", only):
        raise ValueError(f"{api}: mode={mode!r} cannot be honoured: {why}; use mode='auto' or {only!r}")


def has_loop(f: Callable) -> bool:
    """Whether ``f``'s source, or that of a function of the user's it calls by name (which
    s2sad inlines), has a ``for`` or ``while`` loop, and none of those loops is
    checkpointed (``for t in s2sad.checkpoint(...)``: the user asked for a reverse sweep
    that recomputes instead of storing, so auto keeps reverse mode and its checks)."""
    loops: list[gast.AST] = []
    _collect_loops(f, loops, set())
    return bool(loops) and not any(isinstance(n, gast.For) and _checkpointed(n.iter) for n in loops)


def _collect_loops(f: Callable, loops: list[gast.AST], seen: set) -> None:
    seen.add(f.__code__)
    try:
        node = parse(f).node
    except DifferentiationError:
        return
    resolver = None
    for n in gast.walk(node):
        if isinstance(n, (gast.For, gast.While)):
            loops.append(n)
        elif isinstance(n, gast.Call):
            resolver = resolver or Resolver(f)
            callee = _callee(n.func, resolver)
            if isinstance(callee, types.FunctionType) and callee.__code__ not in seen and inlinable(callee):
                _collect_loops(callee, loops, seen)


def _callee(e: gast.expr, resolver: Resolver) -> object:
    """What a call's ``name`` or ``module.name`` means, where it is a free name."""
    path = []
    while isinstance(e, gast.Attribute):
        path.append(e.attr)
        e = e.value
    if not isinstance(e, gast.Name):
        return None
    where, value = resolver.lookup(e.id)
    for attr in reversed(path):
        value = getattr(value, attr, None)
    return value


def _checkpointed(e: gast.expr) -> bool:
    if not isinstance(e, gast.Call):
        return False
    fn = e.func
    return (isinstance(fn, gast.Attribute) and fn.attr == "checkpoint") or (
        isinstance(fn, gast.Name) and fn.id == "checkpoint"
    )


def auto_choice(
    f: Callable, names: tuple[str, ...], values: dict[str, object], forward: ForwardGradient | None = None
) -> tuple[str, str]:
    """``("forward" or "reverse", why)``: what ``mode="auto"`` runs for ``grad`` of ``f`` with
    respect to ``names`` at these arguments (every parameter by name), and why, as a line of
    the header ``source`` prints. ``forward``: the forward-mode transform to build on."""
    if len(names) > AUTO_MAX:
        return "reverse", f"reverse mode: {len(names)} inputs, more than {AUTO_MAX} tangents to carry"
    positional = parameters(f)[0]
    for name in names:
        if name not in positional:
            return "reverse", f"reverse mode: {name} is keyword-only"
        if type(values[name]) not in NUMBERS:
            what = "an array" if isinstance(values[name], np.ndarray) else f"a {type(values[name]).__name__}"
            return "reverse", f"reverse mode: {name} is {what}"
    if not has_loop(f):
        return "reverse", "reverse mode: the function has no loop" + (
            " that is not checkpointed" if _any_loop(f) else ""
        )
    forward = forward or ForwardGradient(f, names, len(names) == 1, False)
    try:
        forward.specialise(values)
        ssa = forward.stages(values).ssa_ir
    except DifferentiationError as e:
        return "reverse", f"reverse mode: forward mode cannot be built ({type(e).__name__})"
    if not any(isinstance(s, (ir.For, ir.While)) for s in ir.walk(ssa.body)):
        return "reverse", "reverse mode: no loop is left once the function is lowered"
    if len(names) > 1 and not forward.one_sweep(values):
        return "reverse", "reverse mode: the tangents cannot share one sweep (a tangent in a container)"
    count = f"{len(names)} float input" + ("s" if len(names) > 1 else "")
    return "forward", f"forward mode: {count}, the function has a loop"


def _any_loop(f: Callable) -> bool:
    loops: list[gast.AST] = []
    _collect_loops(f, loops, set())
    return bool(loops)


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
    for ``value_and_grad``'s ``(value, gradient)``. With ``compile="numba"``, auto keeps the
    compiled reverse-mode code (one compiled sweep, its tape an array, beats a tangent sweep
    per input; forward mode's gradient programs are not compiled yet, so a
    forced ``mode="forward"`` runs as Python with a ``CompileWarning``)."""
    if mode == "reverse" or (mode == "auto" and compile is not None):
        return reverse
    if compile is not None:
        warn_not_compiled(api, "mode='forward' gradients are not compiled yet")
    f = check_function(f, api)
    names, single = wrt_names(f, wrt, api)
    positional, keyword, _ = parameters(f)
    if mode == "auto" and (len(names) > AUTO_MAX or not set(names) <= set(positional) or not has_loop(f)):
        return reverse  # nothing forward mode could do cheaper: no wrapper, no cost
    if not set(names) <= set(positional):
        raise ValueError(
            f"{api}: mode='forward' needs positional wrt parameters; {wrt!r} names a keyword-only one"
        )
    signature = inspect.signature(f)
    forward = ForwardGradient(f, names, single, with_value)
    fast = forward.dispatcher
    index = [positional.index(n) for n in names]
    chosen_for: dict[tuple, Callable] = {}  # types of the arguments -> what runs

    def chosen(*args, **kwargs):
        if not kwargs and len(args) == len(positional):
            key = tuple(map(type, args))  # the common call: every argument by position
        else:
            key = (*map(type, args), *((k, type(v)) for k, v in kwargs.items()))
        run = chosen_for.get(key)
        if run is None:
            run = chosen_for[key] = _choose(args, kwargs)
        return run(*args, **kwargs)

    def _choose(args: tuple, kwargs: dict) -> Callable:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        if mode == "forward":
            forward.specialise(values)  # a TypeError for what is not a number
            return fast
        numbers = all(type(values[positional[i]]) in NUMBERS for i in index)
        if numbers and auto_choice(f, names, values, forward)[0] == "forward":
            return fast
        return reverse

    chosen.__name__ = getattr(reverse, "__name__", f.__name__)
    chosen.__qualname__ = getattr(reverse, "__qualname__", f.__qualname__)
    chosen.__doc__ = reverse.__doc__
    chosen.__signature__ = signature
    chosen.__wrapped__ = reverse
    for name in ("__s2sad__", "__s2sad_concrete__", "__s2sad_params__"):  # differentiated again:
        if hasattr(reverse, name):  # through the reverse-mode code (``driver.generated``)
            setattr(chosen, name, getattr(reverse, name))
    return chosen


__all__ = ["AUTO_MAX", "MODES", "auto_choice", "check_mode", "has_loop", "one_mode", "with_mode"]
