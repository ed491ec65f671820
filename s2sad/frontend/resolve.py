"""What a free name in the user's function means, and the parameters a function takes."""

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
    """Positional parameter names, keyword-only names, and how many are positional-only."""
    code = fn.__code__
    n, k = code.co_argcount, code.co_kwonlyargcount
    names = list(code.co_varnames[: n + k])
    return names[:n], names[n:], code.co_posonlyargcount


_MISSING = object()
