"""What a free name in the user's function means, and the parameters a function takes.

``Resolver(f)`` answers what a free name means at the time of the call: a
closure cell, a global, or a builtin, whatever the import style was::

    import numpy as np          np.sin      -> numpy.sin
    from numpy import sin       sin         -> numpy.sin
    import math                 math.pi     -> 3.141592653589793

>>> import numpy as np
>>> def make(scale):
...     return lambda x: scale * np.sin(x) + abs(x)
>>> resolver = Resolver(make(2.0))
>>> resolver.lookup("scale"), resolver.lookup("y")
(('closure', 2.0), ('missing', None))
>>> [(where, value.__name__) for where, value in map(resolver.lookup, ["np", "abs"])]
[('global', 'numpy'), ('builtin', 'abs')]
"""

from __future__ import annotations

import builtins
from collections.abc import Callable


class Resolver:
    """What free names of a function mean: closure cells, globals, builtins."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.globals = fn.__globals__
        code = fn.__code__
        self.cells = dict(zip(code.co_freevars, fn.__closure__ or ()))
        b = self.globals.get("__builtins__", builtins)
        self.builtins = b if isinstance(b, dict) else b.__dict__

    def lookup(self, name: str) -> tuple[str, object]:
        """``(where, value)`` with ``where`` one of closure, global, builtin, missing."""
        cell = self.cells.get(name)
        if cell is not None:
            try:
                return "closure", cell.cell_contents
            except ValueError:
                return "missing", None
        value = self.globals.get(name, _MISSING)
        if value is not _MISSING:
            return "global", value
        value = self.builtins.get(name, _MISSING)
        if value is not _MISSING:
            return "builtin", value
        return "missing", None


def parameters(fn: Callable) -> tuple[list[str], list[str], int]:
    """Positional parameter names, keyword-only names, and how many are positional-only.

    >>> def f(a, /, b, c=1.0, *, d): ...
    >>> parameters(f)
    (['a', 'b', 'c'], ['d'], 1)
    """
    code = fn.__code__
    n, k = code.co_argcount, code.co_kwonlyargcount
    names = list(code.co_varnames[: n + k])
    return names[:n], names[n:], code.co_posonlyargcount


_MISSING = object()
