"""What to build: the request a transform hands the derivation passes.

A ``Request`` names the derivative (``grad``, ``value_and_grad`` or ``vjp`` in
reverse mode, ``jvp`` or ``derivative`` in forward mode) and the parameters it
is taken with respect to. The same sweep makes each; they differ in what the
derivative returns. A ``vjp`` returns the value and a pullback that closes
over the primal values and takes the output's cotangent:

>>> import math
>>> from s2sad.derive.examples import show
>>> def f(x):
...     return math.sin(x) * x
>>> show(f, mode="vjp")
def f_vjp(x):
    v1 = math.sin(x)
    v2 = v1 * x
<BLANKLINE>
    def f_pullback(v2_bar):
        v1_bar = v2_bar * x
        x_bar = v2_bar * v1
        x_bar += v1_bar * math.cos(x)
        return as_gradient(x_bar, x),
    return v2, f_pullback
<BLANKLINE>

``as_gradient(x_bar, x)`` marks what is handed back until ``finish`` (in
``simplify``) knows how: a float for a Python number, an array of ``x``'s
shape, a container of ``x``'s structure.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass

from .. import ir
from ..ir.kinds import Kind

# Marks a returned adjoint until ``finish`` knows how to hand it over.
AS_GRADIENT = ir.Op("as_gradient", "call", "as_gradient", None)


@dataclass(frozen=True)
class Request:
    """What to build: ``grad``, ``value_and_grad`` or ``vjp``, and for which parameters."""

    mode: str
    wrt: tuple[str, ...]
    single: bool = True  # grad(f, wrt=0) returns one gradient, wrt=(0,) a 1-tuple
    # checkpointed loops and calls reversed with a tape: a program to be differentiated again
    taped: bool = False


@dataclass(frozen=True)
class Callees:
    """How generated code reaches the derivative of a user function it calls but cannot
    inline (recursion): a closure cell that holds ``f``'s vjp or jvp for the argument kinds.

    The driver builds and caches those derivatives, so it hands these two functions to the
    derivation passes instead of the passes importing the driver."""

    vjp_cell: Callable[[Callable, dict[str, Kind]], tuple[types.CellType, Kind]]
    jvp_cell: Callable[[Callable, dict[str, Kind]], types.CellType]
