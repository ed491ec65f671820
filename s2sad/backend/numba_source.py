"""The numba variant of generated source: the same derivative, in what ``numba.njit`` compiles.

The readable source stays what ``s2sad.source`` shows by default; for ``compile="numba"``
three things are written differently, line by line (comments and the header stay):

- a reversed loop counts down: ``for i in reversed(range(1, n)):`` is
  ``for i in range(n - 1, 0, -1):`` (numba has no ``reversed``);
- a tape of numbers filled once per iteration of a ``range`` loop is an array made
  before the loop, as long as the loop runs, with a count of what it holds: pushing and
  popping are a store and a load, not a list that grows (numba compiles it faster,
  and it runs faster);
- the module imports what the code reads (``np``, ``math``) instead of closure cells.

>>> from s2sad.ir.kinds import kind_of
>>> text = '''def f_grad(r, x):
...     x_1_tape = []
...     x_1 = x
...     for _ in range(1000):
...         x_1_tape.append(x_1)
...         x_1 = r * x_1 * (1.0 - x_1)
...     x_1_bar = 1.0
...     r_bar = 0.0
...     for _ in reversed(range(1000)):
...         x_1 = x_1_tape.pop()
...         r_bar += x_1_bar * (1.0 - x_1) * x_1
...         x_1_bar = x_1_bar * r * (1.0 - 2.0 * x_1)
...     return r_bar
... '''
>>> print(numba_source(text, {"reversed": reversed, "range": range}, {"x_1": kind_of(1.0)}), end="")
import numpy as np
<BLANKLINE>
<BLANKLINE>
def f_grad(r, x):
    x_1 = x
    x_1_tape = np.empty(1000)
    x_1_top = 0
    for _ in range(1000):
        x_1_tape[x_1_top] = x_1
        x_1_top += 1
        x_1 = r * x_1 * (1.0 - x_1)
    x_1_bar = 1.0
    r_bar = 0.0
    for _ in range(999, -1, -1):
        x_1_top -= 1
        x_1 = x_1_tape[x_1_top]
        r_bar += x_1_bar * (1.0 - x_1) * x_1
        x_1_bar = x_1_bar * r * (1.0 - 2.0 * x_1)
    return r_bar

What numba cannot compile (a runtime helper, a dict, a SciPy call) is left as it is:
``numba.njit`` refuses it, and ``compile="numba"`` runs the Python code instead.
"""

from __future__ import annotations

import ast
import builtins
import types

from ..ir.kinds import Kind


class NotCompilable(Exception):
    """What the generated code reads cannot be handed to numba (a helper, a value)."""


_DTYPES = {"f": "", "i": ", np.int64", "b": ", np.bool_"}  # a tape's element dtype, after its length


def numba_source(text: str, cells: dict[str, object], kinds: dict[str, Kind]) -> str:
    """The module numba compiles for generated source ``text``: imports for the module
    ``cells`` it reads, then the function with count-down loops and array tapes (``kinds``
    says which tapes hold numbers). ``NotCompilable`` for a cell that is not a module or
    a builtin."""
    imports = _imports(cells)
    lines = text.splitlines()
    fdef = ast.parse(text).body[0]
    edits: list[tuple[int, int, list[str]]] = []  # (first line, past the last line, new lines), 0-based
    names = {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)} | set(cells)
    np_name = next((n for n, v in cells.items() if v is _numpy()), None)
    range_names = {n for n, v in cells.items() if v is builtins.range}
    tapes = list(_array_tapes(fdef, range_names, kinds))
    if np_name is None and tapes:
        np_name = _fresh("np", names)
        names.add(np_name)
        imports.insert(0, f"import numpy as {np_name}")
    reversed_names = {n for n, v in cells.items() if v is builtins.reversed}
    for node in ast.walk(fdef):
        if isinstance(node, ast.For) and node.lineno == node.iter.end_lineno:
            down = _count_down(node.iter, reversed_names, range_names)
            if down is not None:
                line = lines[node.lineno - 1]
                start, end = node.iter.col_offset, node.iter.end_col_offset
                edits.append((node.lineno - 1, node.lineno, [line[:start] + down + line[end:]]))
    for tape, init, loop, pushes, pops, dtype in tapes:
        top = _fresh(tape.removesuffix("_tape") + "_top", names)
        names.add(top)
        length = _trips(loop.iter)
        if len(pushes) > 1:
            length = f"{len(pushes)} * {length}"
        indent = " " * loop.col_offset
        edits.append((init.lineno - 1, init.end_lineno, []))
        alloc = [f"{indent}{tape} = {np_name}.empty({length}{_DTYPES[dtype].replace('np', np_name)})"]
        edits.append((loop.lineno - 1, loop.lineno - 1, alloc + [f"{indent}{top} = 0"]))
        for push in pushes:
            ind = " " * push.col_offset
            value = ast.unparse(push.value.args[0])
            edits.append(
                (push.lineno - 1, push.end_lineno, [f"{ind}{tape}[{top}] = {value}", f"{ind}{top} += 1"])
            )
        for pop in pops:
            ind = " " * pop.col_offset
            target = ast.unparse(pop.targets[0])
            edits.append(
                (pop.lineno - 1, pop.end_lineno, [f"{ind}{top} -= 1", f"{ind}{target} = {tape}[{top}]"])
            )
    for first, past, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first:past] = new
    head = "\n".join(imports) + "\n\n\n" if imports else ""
    return head + "\n".join(lines) + "\n"


def _numpy() -> types.ModuleType:
    import numpy

    return numpy


def _imports(cells: dict[str, object]) -> list[str]:
    out = []
    for name, value in sorted(cells.items()):
        if isinstance(value, types.ModuleType):
            module = value.__name__
            if module == name:
                out.append(f"import {module}")
            elif "." in module:
                parent, _, leaf = module.rpartition(".")
                out.append(f"from {parent} import {leaf}" + ("" if leaf == name else f" as {name}"))
            else:
                out.append(f"import {module} as {name}")
        elif getattr(builtins, getattr(value, "__name__", ""), None) is value and callable(value):
            if value.__name__ != name:
                out.append(f"from builtins import {value.__name__} as {name}")
        else:
            what = getattr(value, "__qualname__", type(value).__name__)
            raise NotCompilable(f"the generated code calls `{name}` ({what}), which numba cannot compile")
    return out


def _is_call(node: ast.expr, names: set[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def _count_down(it: ast.expr, reversed_names: set[str], range_names: set[str]) -> str | None:
    """``reversed(range(...))`` as a ``range`` that counts down, or ``None``."""
    if not (_is_call(it, reversed_names) and len(it.args) == 1 and _is_call(it.args[0], range_names)):
        return None
    rng = it.args[0]
    name = rng.func.id
    args = rng.args
    if len(args) == 1:
        return f"{name}({_minus(args[0], 1)}, -1, -1)"
    if len(args) == 2:
        start, stop = args
        return f"{name}({_minus(stop, 1)}, {_minus(start, 1)}, -1)"
    step = _literal(args[2])
    if len(args) == 3 and isinstance(step, int) and step > 0:
        start, stop = (ast.unparse(a) for a in args[:2])
        last = f"{start} + ({stop} - {start} - 1) // {step} * {step}"
        return f"{name}({last}, {_minus(args[0], step)}, -{step})"
    return None


def _literal(node: ast.expr) -> object:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    ):
        return -node.operand.value if type(node.operand.value) is int else None
    return None


def _minus(node: ast.expr, k: int) -> str:
    value = _literal(node)
    if isinstance(value, int):
        return str(value - k)
    text = ast.unparse(node)
    if not isinstance(node, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)):
        text = f"({text})"
    return f"{text} - {k}"


def _trips(it: ast.Call) -> str:
    """How many times ``for _ in range(...)`` runs (one or two arguments)."""
    values = [_literal(a) for a in it.args]
    if len(it.args) == 1:
        return str(max(values[0], 0)) if isinstance(values[0], int) else f"max({ast.unparse(it.args[0])}, 0)"
    if all(isinstance(v, int) for v in values):
        return str(max(values[1] - values[0], 0))
    start, stop = (ast.unparse(a) for a in it.args)
    return f"max({stop} - {_paren(it.args[0], start)}, 0)"


def _paren(node: ast.expr, text: str) -> str:
    return (
        text
        if isinstance(node, (ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Subscript))
        else f"({text})"
    )


def _simple(node: ast.expr) -> bool:
    """An expression that may be evaluated again before the loop: names, numbers, len(name)."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.UnaryOp):
        return _simple(node.operand)
    if isinstance(node, ast.BinOp):
        return _simple(node.left) and _simple(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
    )


def _dtype(kind: Kind | None) -> str | None:
    """``"f"``, ``"i"`` or ``"b"`` for a number numba stores in an array of that dtype."""
    if kind is None or kind.dims != () or kind.is_container or kind.type is None:
        return None
    if kind.type is float or kind.dtype == "f" and kind.type is not complex:
        return "f"
    if kind.type is bool or kind.dtype == "b":
        return "b"
    if kind.type is int or kind.dtype == "i":
        return "i"
    return None


def _array_tapes(fdef: ast.FunctionDef, range_names: set[str], kinds: dict[str, Kind]):
    """The tapes that can be arrays: ``t = []`` in the function's body, pushed to only by
    ``t.append(name)`` statements directly in one ``for _ in range(...)`` loop of that
    body (a trip count known before it runs), popped only by ``v = t.pop()``, each value
    a number of one dtype."""
    for init in fdef.body:
        if not (
            isinstance(init, ast.Assign)
            and len(init.targets) == 1
            and isinstance(init.targets[0], ast.Name)
            and isinstance(init.value, ast.List)
            and not init.value.elts
        ):
            continue
        tape = init.targets[0].id
        pushes: list[ast.Expr] = []
        pops: list[ast.Assign] = []
        uses = 0
        for node in ast.walk(fdef):
            if isinstance(node, ast.Name) and node.id == tape:
                uses += 1
            elif _method_of(node, tape, "append", 1) and isinstance(node.value.args[0], ast.Name):
                pushes.append(node)
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and _method_of(ast.Expr(node.value), tape, "pop", 0)
            ):
                pops.append(node)
        if uses != 1 + len(pushes) + len(pops) or not pushes:
            continue  # read some other way (copied, indexed, returned)
        loop = next(
            (
                s
                for s in fdef.body
                if isinstance(s, ast.For) and all(any(p is b for b in s.body) for p in pushes)
            ),
            None,
        )
        if (
            loop is None
            or not (_is_call(loop.iter, range_names) and 1 <= len(loop.iter.args) <= 2)
            or not all(_simple(a) for a in loop.iter.args)
        ):
            continue
        if fdef.body.index(loop) < fdef.body.index(init):
            continue
        dtypes = {_dtype(kinds.get(p.value.args[0].id)) for p in pushes}
        if len(dtypes) != 1 or None in dtypes:
            continue
        yield tape, init, loop, pushes, pops, dtypes.pop()


def _method_of(node: ast.AST, obj: str, method: str, nargs: int) -> bool:
    """``node`` is the statement ``obj.method(...)`` with ``nargs`` arguments."""
    if not isinstance(node, ast.Expr):
        return False
    call = node.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == method
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == obj
        and len(call.args) == nargs
        and not call.keywords
    )


def _fresh(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    return name


__all__ = ["NotCompilable", "numba_source"]
