"""Arrays changed in place: refuse what the reverse sweep could not follow.

The adjoint of ``y[i] = v`` reads ``y_bar[i]`` and puts back the slot's old value, so the
reverse sweep can only follow changes to an array the function made itself, seen through one
name. A change to an argument would change the caller's data (``check_owned``), and a view of
the array made before the change (``z = y[1:]``, or ``z = y``), read after it, sees a value
SSA form says it does not have (``check_aliases``). Both raise an error at the user's line
that says which copy to make:

>>> import numpy as np
>>> from s2sad.analysis.examples import argument_kinds, lowered
>>> from s2sad.analysis.infer import infer
>>> def f(x):
...     y = x * 2.0
...     z = y[1:]
...     y[0] = 0.0
...     return np.sum(z)
>>> fn = lowered(f)
>>> try:
...     check_aliases(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))
... except UnsupportedSyntaxError as error:
...     print(error.message, error.hint, sep="\\n")
`z` shares memory with `y`, which is changed in place, and it is read after the change
Copy it where it is made (y[1:].copy()), or change a copy of `y`.

A copy, or a view made after the change, is fine:

>>> def g(x):
...     y = x * 2.0
...     z = y[1:].copy()
...     y[0] = 0.0
...     return np.sum(z)
>>> fn = lowered(g)
>>> check_aliases(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))
"""

from __future__ import annotations

import re

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import expr_source
from .activity import adds_at
from .views import view_of


def check_owned(fn: ir.Function, stmt: ir.SetItem) -> None:
    """Assigning into an argument (or a view of one) would change the caller's data."""
    name = stmt.target.id
    loc = ir.location(fn, stmt.origin)
    params = {p.name for p in fn.params}
    owner = _owner(fn, name)
    if name in params or owner is None:
        raise UnsupportedSyntaxError(
            f"assignment into `{name}` changes an argument in place, which is not supported",
            loc,
            f"Copy it first: {name} = {name}.copy()",
        )
    if not _makes_new_array(owner):
        raise UnsupportedSyntaxError(
            f"assignment into `{name}`, which may share memory with another array, is not supported",
            loc,
            f"Copy it first: {name} = {name}.copy()",
        )


def _owner(fn: ir.Function, name: str) -> Expr | None:
    """The value ``name`` is first bound to, if an assignment binds it."""
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign) and stmt.target.id == name:
            return stmt.value
    return None


_FRESH_CALLS = {
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "array",
    "copy",
    "eye",
    "identity",
    "arange",
    "linspace",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "tile",
    "repeat",
    "diag",
    "cumsum",
    "outer",
}


def _makes_new_array(value: Expr) -> bool:
    if isinstance(value, Call):
        if value.op.form in ("binary", "unary"):
            return True
        if value.op.form == "method":
            return value.op.symbol in ("copy", "astype")
        if value.op.form == "call":
            return getattr(value.op.fn, "__name__", "") in _FRESH_CALLS
    return False


def check_aliases(fn: ir.Function, kinds: dict[str, Kind]) -> None:
    """An array changed in place (``y[i] = v``, or ``y += v`` on an array) must not be read
    afterwards through another name that shares its memory (``z = y``, ``v = y[1:]``):
    that name would see the change, which the adjoint cannot follow."""
    stmts = list(ir.walk(fn.body))
    order = {id(s): i for i, s in enumerate(stmts)}
    loops: dict[int, set[int]] = {id(s): set() for s in stmts}  # statement -> the loops around it
    for loop in stmts:
        if isinstance(loop, (ir.For, ir.While)):
            for s in ir.walk([s for block in loop.blocks() for s in block]):
                loops[id(s)].add(id(loop))
    edges, defs = _sharing(stmts, kinds)
    for stmt, name in _changes(stmts, kinds):
        made_new = defs.get(name)
        renewed = (  # bound to a new array before each time the change runs
            made_new is not None
            and isinstance(made_new, ir.Assign)
            and _makes_new_array(made_new.value)
            and order[id(made_new)] < order[id(stmt)]
            and loops[id(stmt)] <= loops[id(made_new)]
        )
        shares: dict[str, set[str]] = {}
        for a, b, edge in edges:
            if renewed and order[id(edge)] > order[id(stmt)]:
                continue  # bound after the change to the array it changed, which no change reaches again
            shares.setdefault(a, set()).add(b)
            shares.setdefault(b, set()).add(a)
        for other in sorted(_group(name, shares) - {name}):
            made = defs.get(other)
            if made is not None and order[id(made)] > order[id(stmt)] and not loops[id(stmt)]:
                continue  # made after the change: it sees the changed array, as it should
            # loops the change repeats in, that the other name was made outside of
            repeating = loops[id(stmt)] - loops[id(made)] if made is not None else set()
            for use in stmts:
                if other not in _value_reads(use) or use is made:
                    continue
                later = order[id(use)] > order[id(stmt)] and (
                    made is None or order[id(made)] < order[id(stmt)]
                )
                if later or repeating & loops[id(use)]:
                    raise _shared_error(fn, other, name, made, use)


def _shared_error(fn: ir.Function, other: str, name: str, made: ir.Stmt | None, use: ir.Stmt):
    temp = other in fn.temps and made is not None
    what = f"`{expr_source(made.value)}`" if temp else f"`{source_name(fn, other)}`"
    made_as = expr_source(made.value) if made is not None else source_name(fn, other)
    fix = made_as if made_as.endswith(".copy()") else f"{made_as}.copy()"
    changed = source_name(fn, name)
    return UnsupportedSyntaxError(
        f"{what} shares memory with `{changed}`, which is changed in place, and it is read after the change",
        ir.location(fn, use.origin),
        f"Copy it where it is made ({fix}), or change a copy of `{changed}`.",
    )


def source_name(fn: ir.Function, name: str) -> str:
    """The variable of the user's code an SSA version stands for: ``y`` for ``y_2``."""
    match = re.fullmatch(r"(.+?)_[0-9]+", name)
    if match is None or name in {p.name for p in fn.params}:
        return name
    spelled = {w for s in ir.walk(fn.body) for w in s.writes()} | {p.name for p in fn.params}
    return match.group(1) if match.group(1) in spelled else name


_SHAPE_ONLY = {"shape", "ndim", "size", "dtype"}


def _value_reads(stmt: ir.Stmt) -> set[str]:
    """The names ``stmt`` reads, less those it reads only for their shape (``y.shape``), which
    no change in place changes."""
    shaped, plain = set(), set()

    def visit(e: Expr) -> None:
        if isinstance(e, Name):
            plain.add(e.id)
        elif isinstance(e, Call):
            name = e.op.symbol if e.op.form == "attr" else getattr(getattr(e.op, "fn", None), "__name__", "")
            of_name = bool(e.args) and isinstance(e.args[0], Name)
            if e.op.form in ("attr", "call") and name in _SHAPE_ONLY and of_name:
                shaped.add(e.args[0].id)
                return
            for c in e.children():
                visit(c)

    for e in stmt.exprs():
        if e is not None:
            visit(e)
    return set(stmt.reads()) - (shaped - plain)


def _makes_view(stmt: ir.Assign, kinds: dict[str, Kind]) -> bool:
    """``z = y`` or ``z = y[1:]`` (an array, not a number read from one)."""
    base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
    return base is not None and base != stmt.target.id and not kinds.get(stmt.target.id, UNKNOWN).is_scalar


def _sharing(stmts: list[ir.Stmt], kinds: dict[str, Kind]) -> tuple[list[tuple[str, str, ir.Stmt]], dict]:
    """Which names may share memory (``z = y``, ``z = y[1:]``), with the statement that makes
    them share, and the statement that first assigns each name."""
    edges: list[tuple[str, str, ir.Stmt]] = []
    defs: dict[str, ir.Stmt] = {}
    for stmt in stmts:
        if isinstance(stmt, ir.Assign) and not stmt.accumulate:
            defs.setdefault(stmt.target.id, stmt)
            if _makes_view(stmt, kinds):
                base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
                edges.append((base, stmt.target.id, stmt))
    return edges, defs


def _changes(stmts: list[ir.Stmt], kinds: dict[str, Kind]) -> list[tuple[ir.Stmt, str]]:
    """The statements that change an array in place, and the name of the array."""
    changes = [(s, s.target.id) for s in stmts if isinstance(s, ir.SetItem)]
    changes += [(s, s.value.args[0].id) for s in stmts if isinstance(s, ir.Effect) and adds_at(s.value)]
    for s in stmts:
        before = getattr(s, "in_place", None)  # y += v, marked by lowering: the array before
        if before is not None and not kinds.get(before, UNKNOWN).is_scalar:
            changes.append((s, before))
    return changes


def _group(name: str, shares: dict[str, set[str]]) -> set[str]:
    """``name`` and every name that may share its memory, through any chain of views."""
    group, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n not in group:
            group.add(n)
            todo += shares.get(n, ())
    return group
