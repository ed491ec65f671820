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

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import expr_source
from ..rules.instantiate import expr_kind
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
    if not makes_new_array(owner):
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
    # containers: a list or dict made here, written by item, shares no memory with anything
    "list",
    "dict",
    "zeros_of",
    "zero_like",
}


def makes_new_array(value: Expr) -> bool:
    """Whether ``value`` is a new array (or list, or dict) that shares memory with nothing."""
    if isinstance(value, Call):
        if value.op.form in ("binary", "unary", "list", "dict"):
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
    for s in stmts:
        if isinstance(s, ir.SetItem) and s.accumulate and kinds.get(s.target.id, UNKNOWN).is_container:
            slot = expr_kind(Call(ir.GETITEM, (s.target, s.index)), lambda n: kinds.get(n, UNKNOWN))
            owner = _owner(fn, s.target.id)
            fresh = isinstance(owner, Call) and getattr(owner.op.fn, "__name__", "") in (
                "zeros_of",
                "zero_like",
            )
            if slot.is_array and not fresh:  # the list's own zeros (an adjoint's) hold no one else's array
                item = expr_source(Call(ir.GETITEM, (s.target, s.index)))
                raise UnsupportedSyntaxError(
                    f"`{item} += ...` adds into the array the container holds, in place, "
                    "which is not supported",
                    ir.location(fn, s.origin),
                    f"Make a new array: {item} = {item} + ...",
                )
    order = {id(s): i for i, s in enumerate(stmts)}
    loops: dict[int, set[int]] = {id(s): set() for s in stmts}  # statement -> the loops around it
    for loop in stmts:
        if isinstance(loop, (ir.For, ir.While)):
            for s in ir.walk([s for block in loop.blocks() for s in block]):
                loops[id(s)].add(id(loop))
    shares, defs = _sharing(stmts, kinds)
    for stmt, name in _changes(stmts, kinds):
        for other in sorted(_group(name, shares) - {name}):
            made = defs.get(other)
            if made is not None and order[id(made)] > order[id(stmt)] and not loops[id(stmt)]:
                continue  # made after the change: it sees the changed array, as it should
            # loops the change repeats in, that the other name was made outside of
            repeating = loops[id(stmt)] - loops[id(made)] if made is not None else set()
            for use in stmts:
                if other not in set(use.reads()) or use is made:
                    continue
                later = order[id(use)] > order[id(stmt)] and (
                    made is None or order[id(made)] < order[id(stmt)]
                )
                if later or repeating & loops[id(use)]:
                    temp = other in fn.temps and made is not None
                    what = f"`{expr_source(made.value)}`" if temp else f"`{other}`"
                    fix = f"{expr_source(made.value)}.copy()" if made is not None else f"{other}.copy()"
                    raise UnsupportedSyntaxError(
                        f"{what} shares memory with `{name}`, which is changed in place, "
                        "and it is read after the change",
                        ir.location(fn, use.origin),
                        f"Copy it where it is made ({fix}), or change a copy of `{name}`.",
                    )


def _sharing(stmts: list[ir.Stmt], kinds: dict[str, Kind]) -> tuple[dict[str, set[str]], dict[str, ir.Stmt]]:
    """Which names may share memory (``z = y``, ``z = y[1:]``: both ways), and the statement
    that first assigns each name."""
    shares: dict[str, set[str]] = {}
    defs: dict[str, ir.Stmt] = {}
    for stmt in stmts:
        if isinstance(stmt, ir.Assign) and not stmt.accumulate:
            defs.setdefault(stmt.target.id, stmt)
            base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
            scalar = kinds.get(stmt.target.id, UNKNOWN).is_scalar  # y[0] is a number: a copy
            if isinstance(stmt.value, Call) and kinds.get(base, UNKNOWN).type in (list, dict, tuple):
                scalar = True  # an item of a list is no view of it: `y[0] = v` leaves the old item be
            if base is not None and base != stmt.target.id and not scalar:
                shares.setdefault(base, set()).add(stmt.target.id)
                shares.setdefault(stmt.target.id, set()).add(base)
    return shares, defs


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
