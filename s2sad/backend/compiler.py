r"""Compile generated source into a function, with its source in ``linecache``.

The free names of the text become closure variables with the values given, and the
text is registered under a descriptive filename, so ``inspect.getsource`` and
tracebacks show generated lines:

>>> import inspect
>>> scale = compile_function("def scale(x):\n    return k * x\n", "an example", {}, {"k": 3.0})
>>> scale(2.0), scale.__code__.co_freevars
(6.0, ('k',))
>>> scale.__code__.co_filename  # doctest: +ELLIPSIS
'<s2sad an example #...>'
>>> print(inspect.getsource(scale), end="")
def scale(x):
    return k * x
>>> import linecache
>>> linecache.getline(register_source("y = 1\n", "a note"), 1)
'y = 1\n'
"""

from __future__ import annotations

import ast
import itertools
import linecache
import sys
import types
from collections.abc import Callable

_counter = itertools.count(1)


def register_source(text: str, description: str) -> str:
    """Put ``text`` in ``linecache`` under a fresh descriptive filename."""
    filename = f"<s2sad {description} #{next(_counter)}>"
    lines = text.splitlines(keepends=True)
    linecache.cache[filename] = (len(text), None, lines, filename)
    return filename


def compile_function(
    text: str,
    description: str,
    globals: dict,
    cells: dict[str, object],
    defaults: tuple | None = None,
    kwdefaults: dict | None = None,
) -> Callable:
    """Compile the one function defined in ``text``.

    ``cells`` maps free names to closure cells (or to plain values, which get a
    fresh cell). Globals are the user's own dictionary, so module-level names
    are read live, as in the original function.
    """
    filename = register_source(text, description)
    tree = ast.parse(text, filename)
    (fdef,) = tree.body
    # Wrap the def in a function whose parameters are the free names, so the
    # inner code object gets them as closure variables. The wrapper is only
    # compiled, never run: the inner code object is taken from its constants.
    names = list(cells)
    params = [ast.arg(arg=n) for n in names]
    result = ast.Name(id=fdef.name, ctx=ast.Load())
    outer = ast.FunctionDef(
        name="__s2sad_closure__",
        args=ast.arguments(
            posonlyargs=[],
            args=params,
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=[fdef, ast.Return(value=result)],
        decorator_list=[],
        returns=None,
        type_params=[],
    )
    if sys.version_info < (3, 12):
        del outer.type_params
    for node in [outer, *params, outer.body[1], result]:  # the new nodes: the rest has its places
        ast.copy_location(node, fdef)
    module_code = compile(ast.Module(body=[outer], type_ignores=[]), filename, "exec")
    outer_code = _const_code(module_code, outer.name)
    inner_code = _const_code(outer_code, fdef.name)
    closure = tuple(as_cell(cells[n]) for n in inner_code.co_freevars)
    fn = types.FunctionType(inner_code, globals, fdef.name, defaults, closure)
    fn.__kwdefaults__ = kwdefaults
    return fn


def _const_code(code: types.CodeType, name: str) -> types.CodeType:
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == name:
            return const
    raise AssertionError(f"no code object {name}")


def as_cell(value: object) -> types.CellType:
    return value if isinstance(value, types.CellType) else types.CellType(value)
