"""Run a derivation pass on a Python function and print what it writes: the examples in the
docstrings of these modules use it.

``show`` runs what the driver runs before simplification (lower, infer kinds, activity, then
``forward`` or ``reverse``) and prints the derivative exactly as the pass wrote it: no
simplification, no source lines quoted, and the returned adjoints still marked
``as_gradient(x_bar, x)`` for ``finish`` to hand over in the kind of ``x``:

>>> def f(x, y):
...     return x * y
>>> show(f, wrt=("x", "y"))
def f_grad(x, y):
    v1 = x * y
    v1_bar = 1.0
    x_bar = v1_bar * y
    y_bar = v1_bar * x
    return as_gradient(x_bar, x), as_gradient(y_bar, y)
<BLANKLINE>

A call to a recursive function goes through a derivative the driver would build; here its
closure cell stays empty, since the example is only printed.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from ..analysis.activity import active_names
from ..analysis.examples import argument_kinds, lowered
from ..analysis.infer import infer
from ..ir.kinds import UNKNOWN
from ..ir.printer import function_source
from .forward import forward
from .request import Callees, Request
from .reverse import reverse


def show(f: Callable, mode: str = "grad", wrt: str | tuple[str, ...] | None = None, **examples) -> None:
    """Print what ``forward`` or ``reverse`` makes of ``f`` for ``mode`` (``grad``,
    ``value_and_grad``, ``vjp``, ``jvp`` or ``derivative``) with respect to ``wrt``: parameter
    names, the first parameter by default (all of them for ``vjp``). ``examples`` are example
    arguments by name, whose kinds the derivative is specialised on: a float where none is given."""
    fn = lowered(f)
    params = tuple(p.name for p in fn.params)
    if wrt is None:
        names = params if mode == "vjp" else params[:1]
    else:
        names = (wrt,) if isinstance(wrt, str) else tuple(wrt)
    kinds = infer(fn, argument_kinds(fn, **examples))
    request = Request(mode, names, single=not isinstance(wrt, tuple))
    derive = forward if mode in ("jvp", "derivative") else reverse
    derivative, _ = derive(fn, kinds, active_names(fn, set(names)), request, _unbuilt_callees())
    print(function_source(derivative))


def _unbuilt_callees() -> Callees:
    """Callees whose derivatives are never built: one empty cell per function and mode."""
    cells: dict[tuple, types.CellType] = {}

    def cell(fn: Callable, direction: str) -> types.CellType:
        return cells.setdefault((fn, direction), types.CellType())

    return Callees(
        vjp_cell=lambda fn, kinds: (cell(fn, "vjp"), UNKNOWN),
        jvp_cell=lambda fn, kinds: cell(fn, "jvp"),
    )
