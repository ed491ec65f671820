"""``compile="numba"``: the derivative's code compiled by numba, the Python code where it cannot be.

A ``NumbaTransform`` is a ``Transform`` whose specialisations are numba functions: for
each new kind of arguments the generated code is built as always, rewritten as its
numba variant (``backend.numba_source``) and compiled for the argument types at hand
(``backend.numba_jit``). Where numba refuses it (a dict argument, a SciPy call, a
runtime helper, numba not installed), a ``CompileWarning`` says why and the Python code
runs for those kinds from then on: the choice is made once per kinds, not every call.

>>> check_compile("jax", "grad")
Traceback (most recent call last):
...
ValueError: grad: compile='jax' is not one of None, 'numba'
"""

from __future__ import annotations

import os
import symtable
import sys
import types
import warnings
import weakref
from collections.abc import Callable

import numpy as np

from ..backend.numba_jit import numba_function
from ..backend.numba_source import NotCompilable, numba_source
from ..derive.request import Request
from ..driver.compiled import Compiled
from ..driver.dispatch import Transform, transform
from ..driver.pipeline import Stages, cells_needed
from ..errors import CompileWarning
from ..frontend.resolve import Resolver

COMPILERS = (None, "numba")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_compile(compile: object, api: str) -> str | None:
    """``compile``, if it is one of ``COMPILERS``; a ValueError naming them otherwise."""
    if compile is not None and (not isinstance(compile, str) or compile not in COMPILERS):
        allowed = ", ".join(repr(c) for c in COMPILERS)
        raise ValueError(f"{api}: compile={compile!r} is not one of {allowed}")
    return compile


def warn_not_compiled(api: str, why: str) -> None:
    """The ``CompileWarning`` of a derivative that runs as Python code, at the user's line."""
    warnings.warn(
        f"{api}: compile='numba' runs the Python code: {why}", CompileWarning, stacklevel=_user_level()
    )


def _user_level() -> int:
    """The stack level of the first frame outside s2sad and the code it generated (a
    dispatcher), for the warning's location."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith((_PACKAGE, "<s2sad ")):
        frame, level = frame.f_back, level + 1
    return level


def numba_variant(stages: Stages) -> str:
    """The module numba compiles for these stages: what ``source(f, compile="numba")`` shows."""
    return numba_source(stages.source("final"), cells_needed(stages), stages.kinds)


class NumbaTransform(Transform):
    """A transform whose specialisations numba compiles (each falls back on its own)."""

    inline = False  # the dispatcher calls the numba function: no Python body inlined into it

    def finish(self, compiled: Compiled, values: dict[str, object]) -> Callable:
        python = super().finish(compiled, values)
        api = self.request.mode
        try:
            text = numba_source(compiled.text, _cells(self.fn, compiled), compiled.stages.kinds)
            args = _example_args(compiled, values)
            with warnings.catch_warnings():
                for category in _numba_warnings():
                    warnings.simplefilter("ignore", category=category)
                refused = lambda e: warn_not_compiled(api, _reason(e))  # noqa: E731
                return numba_function(text, compiled.stages.final.name, args, python, refused)
        except Exception as e:  # numba raised (typing, lowering, unsupported): Python runs
            warn_not_compiled(api, _reason(e))
            return python


def _example_args(compiled: Compiled, values: dict[str, object]) -> tuple:
    """Values of the generated function's parameters, whose types numba compiles it for:
    the arguments, and for a tangent program's tangent ``x_dot`` one like ``x``'s (a
    float for a number, a float array of its shape)."""
    code = compiled.code
    out = []
    for p in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]:
        if p in values:
            out.append(values[p])
            continue
        base = values.get(p.removesuffix("_dot"), None) if p.endswith("_dot") else None
        if isinstance(base, (float, int)) and not isinstance(base, bool):
            out.append(0.0)
        elif isinstance(base, np.ndarray) and base.dtype.kind in "fiub":
            out.append(np.zeros(base.shape))
        else:
            raise NotCompilable(f"no example value for the parameter `{p}` of the generated code")
    return tuple(out)


def _numba_warnings() -> tuple[type[Warning], ...]:
    try:
        from numba.core.errors import NumbaPendingDeprecationWarning
    except ImportError:
        return ()
    return (NumbaPendingDeprecationWarning,)  # reflected lists: the code works as it is


def _reason(e: Exception) -> str:
    """The first lines of what numba said, enough to see why."""
    text = str(e).strip().splitlines()
    lines = [line for line in text if line.strip()][:3]
    return f"{type(e).__name__}: " + " ".join(line.strip() for line in lines)


def _cells(fn: Callable, compiled: Compiled) -> dict[str, object]:
    """What the generated code reads from outside, by name: our cells (``np``, ``math``,
    builtins) and the modules it reads from the user's globals or closure. Any other value
    is ``NotCompilable``: numba would freeze it when it compiles, where Python reads it live."""
    cells = dict(compiled.cells)
    table = symtable.symtable(compiled.text, "<generated>", "exec").get_children()[0]
    resolver = Resolver(fn)
    for name in sorted(table.get_globals()):
        if name in cells or name == "__builtins__":
            continue
        where, value = resolver.lookup(name)
        if isinstance(value, types.ModuleType) or (where == "builtin" and callable(value)):
            cells[name] = value
            continue
        raise NotCompilable(
            f"the derivative reads `{name}` ({type(value).__name__}) from outside the function; "
            "numba would freeze its value when it compiles"
        )
    return cells


_transforms: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transform_for(fn: Callable, request: Request, compile: str | None) -> Transform:
    """``dispatch.transform``'s transform, or for ``compile="numba"`` a ``NumbaTransform``
    (one per function and request)."""
    if compile is None:
        return transform(fn, request)
    try:
        per_fn = _transforms.setdefault(fn, {})
    except TypeError:
        return NumbaTransform(fn, request)
    t = per_fn.get(request)
    if t is None:
        t = per_fn[request] = NumbaTransform(fn, request)
    return t


__all__ = [
    "COMPILERS",
    "NumbaTransform",
    "check_compile",
    "numba_variant",
    "transform_for",
    "warn_not_compiled",
]
