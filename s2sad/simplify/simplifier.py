"""The passes in order, and the rounds they run in.

``PASSES`` is the whole of simplification: a list of passes ``(body, state) ->
body``, run one after the other. The first passes run in rounds until a
round changes nothing, since each can leave work for the others (a copy
propagated leaves a dead assignment; dropping it leaves a shape that reads off
another name). The later ones run once, in an order where each sees what the
earlier ones made: common parts are named before updates fuse, and temporaries
fold back into their uses only once nothing else needs their names.

For Baydin's ``f(x1, x2) = log(x1) + x1 * x2 - sin(x2)``::

    v5_bar = 1.0                             x2_bar = -math.cos(x2) + x1
    v4_bar = v5_bar                          x1_bar = x2 + 1.0 / x1
    v3_bar = -v5_bar                         return x1_bar, x2_bar
    v1_bar = v4_bar                 ->
    v2_bar = v4_bar
    x2_bar = v3_bar * math.cos(x2)
    x1_bar = v2_bar * x2
    x2_bar += v2_bar * x1
    x1_bar += v1_bar / x1
    return x1_bar, x2_bar

Every pass keeps the order of operations that have side effects and never
moves a computation into a place where it would run more often.

>>> [p.__name__ for p in PASSES[:3]]
['rename_into_results', 'rounds(propagate, read_displays, reroot_shapes, fold_ones, live_code)', 'cse']
"""

from __future__ import annotations

from .. import ir
from ..ir.kinds import Kind
from .accumulate import first_writes, fuse, plain_complex
from .arith import float_literals
from .coalesce import coalesce
from .cse import cse
from .dce import dead_tapes, live_code
from .defaults import drop_defaults
from .displays import gather, read_displays, split_unpacks
from .facts import fingerprint
from .inline import inline, inline_views
from .order import hoist_common, tangent_first
from .propagate import propagate, rename_into_results
from .shapes import fold_ones, reroot_shapes
from .state import Pass, State


def rounds(*passes: Pass, most: int) -> Pass:
    """``passes`` in order, again until a round leaves the body as it found it (by its
    ``fingerprint``), at most ``most`` times."""

    def run(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
        for _ in range(most):
            before = fingerprint(body)
            for p in passes:
                body = p(body, state)
            if fingerprint(body) == before:
                break
        return body

    run.__name__ = f"rounds({', '.join(p.__name__ for p in passes)})"
    return run


def repeat(pass_: Pass, times: int) -> Pass:
    """``pass_`` run ``times`` times."""

    def run(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
        for _ in range(times):
            body = pass_(body, state)
        return body

    run.__name__ = f"repeat({pass_.__name__}, {times})"
    return run


def if_unpacks(*passes: Pass) -> Pass:
    """``passes`` in order, where the body still unpacks a value (``a, b = ...``)."""

    def run(body: list[ir.Stmt], state: State) -> list[ir.Stmt]:
        if any(isinstance(st, ir.Unpack) for st in ir.walk(body)):
            for p in passes:
                body = p(body, state)
        return body

    run.__name__ = f"if_unpacks({', '.join(p.__name__ for p in passes)})"
    return run


PASSES: list[Pass] = [
    rename_into_results,
    rounds(propagate, read_displays, reroot_shapes, fold_ones, live_code, most=8),
    cse,
    fuse,
    plain_complex,
    propagate,  # what common parts and fused updates simplified to
    fold_ones,
    gather,
    split_unpacks,
    read_displays,
    propagate,
    cse,  # parts that read an adjoint's display as its item (`v_bar[0]` now `c_bar`) are shared now
    live_code,
    inline_views,
    inline,
    fold_ones,
    if_unpacks(split_unpacks, propagate, inline),  # a, b = [e1, e2] after inlining
    live_code,
    repeat(dead_tapes, 3),  # a tape that goes may leave another unread
    drop_defaults,
    float_literals,  # before coalesce: each name still has one kind
    first_writes,
    hoist_common,
    tangent_first,
    coalesce,
    tangent_first,  # pairs that coalescing brought together
]


class Simplifier:
    """Simplification of one function: its ``state``, and the passes to run on it."""

    def __init__(self, fn: ir.Function, kinds: dict[str, Kind], passes: list[Pass] = PASSES):
        self.fn = fn
        self.state = State.of(fn, kinds)
        self.passes = passes

    def run(self) -> ir.Function:
        body = self.fn.body
        for p in self.passes:
            body = p(body, self.state)
        return ir.replace(self.fn, body=body, temps=self.state.temps)

    def live_code(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """``body`` with only its dead code gone."""
        return live_code(body, self.state)


def simplify(fn: ir.Function, kinds: dict[str, Kind]) -> ir.Function:
    """The simplified function; ``kinds`` gains the kinds of new names."""
    return Simplifier(fn, kinds).run()
