"""A compiled specialisation, and what the dispatcher's table is keyed by.

``Compiled`` is shared by every function with the same code: ``instantiate`` gives
one its own closure. ``table_key`` is what a dispatcher looks up past the kinds it
checks inline: cheap to compute, and the same for every value a guard accepts.

>>> import numpy as np
>>> table_key(2.0), table_key(np.ones((3, 1))), table_key([1.0, 2.0])
(<class 'float'>, (2, 'f', True), (<class 'list'>, 2))
"""

from __future__ import annotations

import builtins
import types
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..backend.compiler import as_cell
from ..frontend.resolve import Resolver
from ..ir.kinds import Kind
from .pipeline import Stages


@dataclass
class Compiled:
    """A compiled specialisation, shareable by every function with the same code.

    ``made`` is its stages, or (for code read back from the disk cache) the function
    that builds them, called the first time they are asked for."""

    made: Stages | Callable[[], Stages]
    code: types.CodeType
    cells: dict[str, object]  # our closure variables (np, math, helpers) and their values
    param_kinds: tuple[Kind, ...]
    ref_kinds: tuple[tuple[str, Kind], ...]  # globals and closure data read, and their kinds
    callees: tuple[tuple[str, object], ...]  # functions reached through a free name
    text: str = ""  # the source it was compiled from
    doc: str | None = None  # its docstring, known without the stages

    @property
    def stages(self) -> Stages:
        if not isinstance(self.made, Stages):  # two threads may both build them: the same stages
            self.made = self.made()
        return self.made

    def instantiate(self, fn: Callable) -> Callable:
        user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        closure = tuple(
            user_cells[n] if n in user_cells else as_cell(self.cells[n]) for n in self.code.co_freevars
        )
        out = types.FunctionType(
            self.code, fn.__globals__, self.code.co_name, _defaults(self.code, fn), closure
        )
        out.__qualname__ = self.code.co_name
        out.__kwdefaults__ = fn.__kwdefaults__
        out.__doc__ = self.doc if self.doc is not None else self.stages.final.doc
        out.__module__ = fn.__module__
        return out


def _defaults(code: types.CodeType, fn: Callable) -> tuple | None:
    """``fn``'s defaults, for the generated function: only where its last positional parameters
    are ``fn``'s (a gradient's are; a tangent program's end in tangents, which have none)."""
    defaults = fn.__defaults__ or ()
    ours = code.co_varnames[: code.co_argcount]
    theirs = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    if not defaults or ours[-len(defaults) :] != theirs[-len(defaults) :]:
        return None
    return fn.__defaults__


def table_key(value: object) -> object:
    """What the table of a dispatcher is keyed by, for one argument: its type, and for an
    array its rank, dtype and whether a length is one, for a container its length."""
    t = type(value)
    if t is np.ndarray:
        return (value.ndim, value.dtype.kind, 1 in value.shape)
    if t is tuple or t is list or t is dict:
        return (t, len(value))
    return t


def cell_value(cell: types.CellType) -> object:
    try:
        return cell.cell_contents
    except ValueError:  # empty
        return None


def callees_of(fn: Callable) -> tuple[tuple[str, object], ...]:
    """Functions ``fn`` reaches through closure cells or non-module globals."""
    out = []
    resolver = Resolver(fn)
    for name in sorted(set(fn.__code__.co_names) | set(fn.__code__.co_freevars)):
        where, value = resolver.lookup(name)
        if where in ("closure", "global") and callable(value) and not isinstance(value, (type, np.ufunc)):
            if not isinstance(value, types.ModuleType) and value is not getattr(builtins, name, None):
                out.append((name, value))
    return tuple(out)
