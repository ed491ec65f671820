"""Calls that change a value in place, which the derivative would not follow: refused.

s2sad follows the changes in place that it models: ``y[i] = v``, ``y += v``,
``xs.append(v)``, ``xs.pop()``, ``np.add.at(y, i, v)``. Any other call that changes
its argument (``b.sort()``, ``b.fill(0.0)``, ``xs.insert(0, v)``, ``d.update(e)``,
``np.copyto(y, x)``, ``np.multiply(a, b, out=y)``) would go unseen: the derivative
would be that of a program in which the call changes nothing, a wrong number. It is
refused at the user's line with the pure spelling to use instead:

>>> from s2sad.analysis.examples import argument_kinds, lowered
>>> from s2sad.analysis.infer import infer
>>> def f(x):
...     b = x * 2.0
...     b.sort()
...     return b[0]
>>> fn = lowered(f)
>>> try:
...     check_calls_in_place(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))
... except UnsupportedSyntaxError as error:
...     print(error.message, error.hint, sep="\\n")
`b.sort()` changes `b` in place, which s2sad does not follow
Write `b = np.sort(b)`.

Values that hold no floats (a list of strings or ints, an index array) may be changed
so: no derivative goes through them.
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import expr_source
from ..rules.instantiate import expr_kind
from .aliases import source_name

# methods that change their object, and how to write the same without the change (for an
# array, a list, a dict)
_METHODS: dict[str, str | dict[type, str]] = {
    "sort": {np.ndarray: "{x} = np.sort({x})", list: "{x} = sorted({x})"},
    "fill": "{x} = np.full_like({x}, value)",
    "partition": "{x} = np.partition({x}, k)",
    "resize": "{x} = np.resize({x}, shape)",
    "put": "an assignment by index: {x}[indices] = values",
    "itemset": "an assignment by index: {x}[index] = value",
    "setfield": "an assignment by index",
    "extend": "{x} = {x} + [...]",
    "insert": "{x} = {x}[:i] + [value] + {x}[i:]",
    "remove": "a new list without the item: {x} = [v for v in {x} if ...]",
    "pop": {
        list: "{x}.pop() of the last item, or a new list without the item",
        dict: "a new dict without the item",
    },
    "clear": {list: "{x} = []", dict: "{x} = {{}}"},
    "reverse": "{x} = {x}[::-1]",
    "update": "an assignment for each item: {x}[key] = value",
    "popitem": "a new dict without the item",
    "setdefault": "{x}.get(key, default), and {x}[key] = value where it is missing",
    "shuffle": "x = rng.permutation(x)",
}
# what the derivative follows: xs.append(v), xs.pop(), np.add.at(y, i, v)
FOLLOWED = {"append", "pop"}
# NumPy functions that change their first argument
_FUNCTIONS = {
    np.copyto: "an assignment: dst[...] = src",
    np.put: "an assignment by index: a[indices] = values",
    np.place: "np.where(mask, values, a)",
    np.putmask: "np.where(mask, values, a)",
    np.fill_diagonal: "an assignment by index: a[np.arange(n), np.arange(n)] = value",
    np.put_along_axis: "an assignment by index",
    np.random.shuffle: "x = np.random.permutation(x)",
}


def check_calls_in_place(fn: ir.Function, kinds: dict[str, Kind]) -> None:
    """Refuse the calls in ``fn`` that change a value holding floats in place, other than
    those the derivative follows."""
    for stmt in ir.walk(fn.body):
        for e in stmt.exprs():
            for call in ir.subexpressions(e):
                if isinstance(call, Call) and call.op.form in ("call", "method"):
                    _check(fn, stmt, call, kinds)


def _check(fn: ir.Function, stmt: ir.Stmt, call: Call, kinds: dict[str, Kind]) -> None:
    loc = ir.location(fn, stmt.origin)
    out = dict(call.kwargs).get("out")
    if out is not None and not (isinstance(out, Const) and out.value is None):
        raise UnsupportedSyntaxError(
            "writing into `out=` changes an array in place, which s2sad does not follow",
            loc,
            "Assign the result instead: y = f(...).",
        )
    changed, hint = _unfollowed(call)
    if changed is None or not _holds_floats(expr_kind(changed, lambda n: kinds.get(n, UNKNOWN))):
        return
    name = source_name(fn, changed.id) if isinstance(changed, Name) else expr_source(changed)
    kind = kinds.get(changed.id, UNKNOWN) if isinstance(changed, Name) else UNKNOWN
    if isinstance(hint, dict):
        hint = hint.get(kind.type, next(iter(hint.values())))
    fix = hint.format(x=name)
    raise UnsupportedSyntaxError(
        f"`{_spelling(call, name)}` changes `{name}` in place, which s2sad does not follow",
        loc,
        f"Write `{fix}`." if "=" in fix and not fix.startswith("an ") else f"Write {fix}.",
    )


def changed_by(call: Call) -> Expr | None:
    """What ``call`` changes in place, if it changes something (followed or not)."""
    if call.op.form == "method" and call.op.symbol in FOLLOWED and call.args:
        return call.args[0]
    if call.op.symbol == "np.add.at" and call.args:
        return call.args[0]
    return _unfollowed(call)[0]


def _unfollowed(call: Call) -> tuple[Expr | None, str | dict]:
    """What ``call`` changes in place, where the derivative does not follow it, and the hint."""
    op = call.op
    if op.form == "method" and op.symbol in _METHODS:
        if op.symbol == "pop" and len(call.args) == 1 and not call.kwargs:
            return None, ""  # xs.pop(): followed
        if op.symbol == "shuffle":  # rng.shuffle(x)
            return (call.args[1] if len(call.args) > 1 else None), _METHODS["shuffle"]
        return call.args[0], _METHODS[op.symbol]
    if op.form == "call" and op.fn is not None:
        hint = _function_hint(op.fn)
        if hint is not None and call.args:
            return call.args[0], hint
    return None, ""


def _function_hint(f: object) -> str | None:
    try:
        hint = _FUNCTIONS.get(f)  # type: ignore[call-overload]
    except TypeError:  # an unhashable callable
        return None
    if hint is not None:
        return hint
    owner = getattr(f, "__self__", None)
    if isinstance(owner, np.ufunc) and getattr(f, "__name__", "") == "at" and owner is not np.add:
        return f"an assignment by index: a[indices] = np.{owner.__name__}(a[indices], b)"
    return None


def _spelling(call: Call, name: str) -> str:
    op = call.op
    if op.form == "method":
        inner = ", ".join("..." for _ in call.args[1:]) if call.args[1:] or call.kwargs else ""
        receiver = name if op.symbol != "shuffle" else expr_source(call.args[0])
        return f"{receiver}.{op.symbol}({inner})"
    return f"{op.symbol}({name}, ...)"


def _holds_floats(k: Kind) -> bool:
    """Whether a value of kind ``k`` may hold a float (or what it holds is unknown)."""
    if k.type is None:
        return True
    if k.is_container:
        parts = k.items if k.items is not None else (k.elem,) if k.elem is not None else None
        return parts is None or any(p is None or _holds_floats(p) for p in parts)
    return k.dtype not in ("i", "b", "o") or k.type is object
