"""The text of a dispatcher: its guards, the first specialisation's body, the table's line.

``dispatcher_source`` writes the function ``grad`` returns (``dispatch.Transform``
compiles it and swaps its code in place). A dispatcher of a function that reads
no globals of its own module (other than modules, which generated code reads
through names of its own) has *its own globals*: ``__miss``, ``__T`` and the
names the inlined body reads are globals of a dictionary only it uses, so it
has no closure cells, each of which costs every call (``own_globals``). The
guards and the inlined body are the same either way.

Past the kinds checked inline, the dispatcher looks the types of its arguments
up in ``__T``'s table of *more* functions, one per tuple of types: each checks
the guards of the kinds with those types, written inline, and calls their
programs (``more_source``); a type not in the table goes to ``__miss``:

>>> import numpy as np
>>> from s2sad.derive.request import Request
>>> from s2sad.driver.dispatch import transform, SLOTS
>>> def norm2(x):
...     return np.sum(x * x)
>>> t = transform(norm2, Request("grad", ("x",), True))
>>> for d in range(1, SLOTS + 3):
...     _ = t.dispatcher(np.ones((2,) * d))
>>> print(dispatcher_source(t).splitlines()[-1])
    return __T[4].get(type(x), __miss)(x)  # past the kinds above, by the types of the arguments
>>> print(more_source(t, t.more_entries[np.ndarray]), end="")
def norm2_grad_more(x):
    if type(x) is __T[0] and x.ndim == 5 and 1 not in x.shape and x.dtype.kind == 'f':
        return __T[1](x)
    if type(x) is __T[0] and x.ndim == 6 and 1 not in x.shape and x.dtype.kind == 'f':
        return __T[2](x)
    return __miss(x)
"""

from __future__ import annotations

import ast
import builtins
import dis
import types
from collections.abc import Callable, Iterator
from typing import Any

from ..backend.compiler import as_cell, compile_function
from ..ir.kinds import PYSCALARS, guard
from .compiled import Compiled, cell_value

Transform = Any  # ``dispatch.Transform``, whose dispatcher this writes (that module imports this one)

SPARE = 8  # names the inlined first specialisation may read from __T
_GLOBAL_OPS = ("LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL")


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _codes(c)


def global_names(code: types.CodeType) -> set[str]:
    """The names ``code`` (and the code nested in it) reads or writes as globals."""
    return {i.argval for c in _codes(code) for i in dis.get_instructions(c) if i.opname in _GLOBAL_OPS}


def builtin_names(namespace: dict) -> dict:
    b = namespace.get("__builtins__", builtins)
    return b.__dict__ if isinstance(b, types.ModuleType) else b


def own_globals(fn: Callable) -> dict | None:
    """A globals dictionary for ``fn``'s dispatcher alone, when ``fn`` reads no globals but
    builtins and modules (which generated code reads through names of its own); else
    ``None``: the dispatcher reads the globals of ``fn``'s module, live, like ``fn``."""
    g = fn.__globals__
    known = builtin_names(g)
    for name in global_names(fn.__code__):
        if name in g:
            if not isinstance(g[name], types.ModuleType):
                return None
        elif name not in known:  # defined later, perhaps
            return None
    return {"__builtins__": g.get("__builtins__", builtins)}


def resolves(t: Transform, code: types.CodeType) -> bool:
    """Whether every global the dispatcher's ``code`` reads is in its own globals (or a builtin)."""
    if t.globals is None:
        return True
    known = builtin_names(t.globals)
    return all(n in t.globals or n in known for n in global_names(code))


def _namer(seen: list[object]) -> Callable[[object], str]:
    def at(obj: object) -> str:
        if not any(o is obj for o in seen):
            seen.append(obj)
        return f"__T[{next(i for i, o in enumerate(seen) if o is obj)}]"

    return at


def signature_text(t: Transform, defaults: bool) -> str:
    fn = t.fn
    params = list(t.positional)
    if t.posonly:
        params.insert(t.posonly, "/")
    if t.keyword:
        params += ["*"] + t.keyword
    if not defaults:
        return ", ".join(params)
    first_default = len(t.positional) - len(fn.__defaults__ or ())
    kw = fn.__kwdefaults__ or {}
    shown = []
    for p in params:
        i = t.positional.index(p) if p in t.positional else -1
        has_default = i >= first_default or (p in t.keyword and p in kw)
        shown.append(f"{p}=..." if has_default and p not in ("/", "*") else p)
    return ", ".join(shown)


def dispatcher_source(t: Transform) -> str:
    """The dispatcher's text; sets ``__T`` to the tuple it reads."""
    name = t.name
    free = list(t.cells) + list(t.fn.__code__.co_freevars)
    lines = [f"def {name}({signature_text(t, True)}):"]
    if t.dispatcher_doc:
        lines.append(f"    {t.dispatcher_doc!r}")
    if free:
        lines += [
            "    if 0:  # every closure variable, so the code can be swapped in place",
            f"        ({', '.join(free)},)",
        ]
    seen: list[object] = []  # what __T holds
    at = _namer(seen)
    call = t.forward()
    for i, (compiled, function) in enumerate(t.slots):
        lines.append(f"    if {condition(t, compiled, at)}:")
        if i == 0 and t.inlined:
            if t.globals is None:  # read from __T; with globals of its own, they are globals
                lines += [f"        {local} = {at(value)}" for local, value in t.spare.items()]
            lines += t.inlined
        else:
            lines.append(f"        return {at(function)}({call})")
    if t.more:
        types_ = ", ".join(f"type({p})" for p in t.all_params)
        key = types_ if len(t.all_params) == 1 else f"({types_})"
        table = f"{at(t.more)}.get({key}, __miss)"
        lines.append(f"    return {table}({call})  # past the kinds above, by the types of the arguments")
    else:
        lines.append(f"    return __miss({call})")
    t.set_hook("__T", tuple(seen))
    return "\n".join(lines) + "\n"


def condition(t: Transform, compiled: Compiled, at: Callable[[object], str]) -> str:
    """The guard of ``compiled``: its parameters' kinds (cheapest first), the kinds of the
    data it reads from outside, the functions it calls; ``at(obj)`` names an object."""
    shadowed = t.shadowed

    def type_expr(c: type) -> str:
        return c.__name__ if c in PYSCALARS and c.__name__ not in shadowed else at(c)

    checks = [guard(p, k, type_expr) for p, k in zip(t.all_params, compiled.param_kinds)]
    checks.sort(key=lambda c: " and " in c)  # one type check before several
    checks += [guard(path, k, type_expr) for path, k in compiled.ref_kinds]
    checks += [f"{path} is {at(obj)}" for path, obj in compiled.callees]
    return " and ".join(checks) or "True"


def _user_cells(t: Transform) -> dict[str, object]:
    return dict(zip(t.fn.__code__.co_freevars, t.fn.__closure__ or ()))


def guard_function(t: Transform, compiled: Compiled) -> Callable:
    """``compiled``'s guard as a function of the dispatcher's arguments, for ``find``."""

    seen: list[object] = []
    test = condition(t, compiled, _namer(seen))
    text = f"def {t.name}_guard({signature_text(t, False)}):\n    return {test}\n"
    cells = {**_user_cells(t), "__T": tuple(seen)}
    return compile_function(text, f"guard {t.name}", t.fn.__globals__, cells)


def more_source(t: Transform, entries: list[tuple[Compiled, Callable]], seen: list | None = None) -> str:
    """The function the dispatcher calls for arguments of one tuple of types past its inline
    kinds: the guard of each kind with those types, and the call of its program."""
    at = _namer([] if seen is None else seen)
    call = t.forward()
    lines = [f"def {t.name}_more({signature_text(t, False)}):"]
    for compiled, function in entries:
        lines += [f"    if {condition(t, compiled, at)}:", f"        return {at(function)}({call})"]
    lines.append(f"    return __miss({call})")
    return "\n".join(lines) + "\n"


def more_function(t: Transform, entries: list[tuple[Compiled, Callable]]) -> Callable:

    seen: list[object] = []
    text = more_source(t, entries, seen)
    cells = {**_user_cells(t), "__T": tuple(seen), "__miss": t.miss_cell}
    return compile_function(text, f"table of {t.name}", t.fn.__globals__, cells)


def chooser_function(t: Transform) -> Callable:
    """A function of the dispatcher's arguments that returns the program for them (does not
    run it): the dispatcher's inline guards, then ``find``'s table. What ``jvp`` runs, whose
    programs take the tangents too."""
    seen: list[object] = []
    at = _namer(seen)
    lines = [f"def {t.name}_choose({signature_text(t, False)}):"]
    for compiled, function in t.slots:
        lines += [f"    if {condition(t, compiled, at)}:", f"        return {at(function)}"]
    keywords = ", ".join(f"{k!r}: {k}" for k in t.keyword)
    lines.append(f"    return __find(({''.join(p + ', ' for p in t.positional)}), {{{keywords}}})")
    cells = {**_user_cells(t), "__T": tuple(seen), "__find": t.find}
    return compile_function("\n".join(lines) + "\n", f"chooser of {t.name}", t.fn.__globals__, cells)


def inline_first(t: Transform, compiled: Compiled) -> tuple[list[str], dict[str, object]] | None:
    """The body of ``compiled``'s program as lines under the dispatcher's first guard, and the
    values of the names it reads from its closure (``np``, ``math``, helpers): locals
    ``__k0``, ... read from ``__T``, or, with globals of its own, globals of their own names.
    ``None`` when it cannot go there."""
    mine = set(t.fn.__code__.co_freevars)
    ours = [n for n in compiled.code.co_freevars if n not in mine]
    if t.globals is None:
        if len(ours) > SPARE:
            return None
        spare = {n: f"__k{i}" for i, n in enumerate(ours)}
    else:  # a builtin read from a cell (``float``) is read as the builtin
        known = builtin_names(t.globals)
        ours = [n for n in ours if not (n in known and cell_value(as_cell(compiled.cells[n])) is known[n])]
        if set(ours) & (set(known) | {"__miss", "__T", "__builtins__", compiled.code.co_name}):
            return None  # (a recursive program reads its own name, which the dispatcher has too)
        spare = {n: n for n in ours}
    fdef = ast.parse(compiled.text or compiled.stages.source("final")).body[0]
    body = fdef.body[1:] if ast.get_docstring(fdef) is not None else fdef.body
    if not isinstance(body[-1], ast.Return):  # it must not fall through to the next guard
        body = body + [ast.Return(value=None)]
    tree = ast.Module(body=body, type_ignores=[])
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    if assigned & (set(t.cells) | mine | set(ours) | {"__miss", "__T"}) or any(
        isinstance(n, (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom)) for n in ast.walk(tree)
    ):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in spare:
            node.id = spare[node.id]
    lines = ["        " + line for line in ast.unparse(tree).splitlines()]
    values = {}
    for name, local in spare.items():
        value = compiled.cells[name]
        values[local] = cell_value(value) if isinstance(value, types.CellType) else value
    return lines, values
