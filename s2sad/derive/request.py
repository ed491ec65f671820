"""What to build: the request a transform hands the derivation passes."""

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


@dataclass(frozen=True)
class Callees:
    """How generated code reaches the derivative of a user function it calls but cannot
    inline (recursion): a closure cell that holds ``f``'s vjp or jvp for the argument kinds.

    The driver builds and caches those derivatives, so it hands these two functions to the
    derivation passes instead of the passes importing the driver."""

    vjp_cell: Callable[[Callable, dict[str, Kind]], tuple[types.CellType, Kind]]
    jvp_cell: Callable[[Callable, dict[str, Kind]], types.CellType]
