"""The starting point of the examples in these docstrings: a Python function in SSA form, and the
kinds of its arguments.

The driver lowers a function and gives its parameters kinds from the arguments of the call
(``s2sad.driver.pipeline.build``); ``lowered`` and ``argument_kinds`` do the same for one
function, so that an example can run one analysis, or one derivation pass, on it and print what
comes out:

>>> from s2sad.ir.printer import function_source
>>> def f(x, n):
...     for i in range(n):
...         x = x * x
...     return x
>>> print(function_source(lowered(f)))
def f(x, n):
    x_1 = x
    for i in range(n):
        x_2 = x_1 * x_1
        x_1 = x_2
    return x_1
<BLANKLINE>
>>> {name: k.describe() for name, k in argument_kinds(lowered(f), n=3).items()}
{'x': 'float', 'n': 'int'}
"""

from __future__ import annotations

from collections.abc import Callable

from .. import ir
from ..frontend.parse import parse
from ..frontend.resolve import Resolver
from ..ir.kinds import FLOAT, Kind, kind_of
from ..lower import lower
from ..rules.registry import inlinable


def lowered(f: Callable) -> ir.Function:
    """The SSA form of ``f``, the user's functions it calls inlined (as the driver lowers it)."""
    return lower(parse(f), Resolver(f), inlinable)[0]


def argument_kinds(fn: ir.Function, **examples: object) -> dict[str, Kind]:
    """The kinds of ``fn``'s parameters for example arguments: a float where none is given. An
    array's shape is named after its parameter, as the driver names it."""
    kinds = {p.name: kind_of(examples[p.name]) if p.name in examples else FLOAT for p in fn.params}
    return {p: k.with_shape(p) if k.is_array else k for p, k in kinds.items()}
