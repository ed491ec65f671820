"""Arrays changed in place: only arrays the function made itself.

The adjoint of ``y[i] = v`` reads ``y_bar[i]`` and puts back the slot's old value, so the
reverse sweep can only follow changes to an array the function made (``np.zeros(3)``,
``a.copy()``, ``a * 2``), or to a copy or a view of one. A change to an argument would
change the caller's data; ``check_owned`` raises an error at the user's line that says
which copy to make:

>>> from s2sad.analysis.examples import lowered
>>> def f(x):
...     y = x
...     y[0] = 0.0
...     return y[1]
>>> fn = lowered(f)
>>> try:
...     check_owned(fn, fn.body[1])
... except UnsupportedSyntaxError as error:
...     print(error.message, error.hint, sep="\\n")
assignment into `y` changes an argument in place, which is not supported
Copy it first: y = y.copy()

Names that share one array, read after a change, are ``sharing``'s to refuse.
"""

from __future__ import annotations

import re

from .. import ir
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Expr, Name
from .activity import appends
from .views import view_of


def check_owned(fn: ir.Function, stmt: ir.SetItem) -> None:
    """Assigning into an argument (or a view of one) would change the caller's data: the
    array changed must be one the function made (``np.zeros(3)``, ``a.copy()``, ``a * 2``),
    or a copy or a view of one (``check_aliases`` sees to the names that share it)."""
    name = stmt.target.id
    loc = ir.location(fn, stmt.origin)
    spelled = source_name(fn, name)
    made = _made_by(fn, name, set())
    if made == "argument":
        raise UnsupportedSyntaxError(
            f"assignment into `{spelled}` changes an argument in place, which is not supported",
            loc,
            f"Copy it first: {spelled} = {spelled}.copy()",
        )
    if made != "function":
        raise UnsupportedSyntaxError(
            f"assignment into `{spelled}`, which may share memory with another array, is not supported",
            loc,
            f"Copy it first: {spelled} = {spelled}.copy()",
        )


def _made_by(fn: ir.Function, name: str, seen: set[str]) -> str:
    """Where the array ``name`` holds comes from: ``"function"`` (an array the function made,
    whichever assignment bound it), ``"argument"``, or ``"unknown"``."""
    if name in {p.name for p in fn.params}:
        return "argument"
    if name in seen:
        return "function"  # a loop's copy back to its join name: the other assignments decide
    seen.add(name)
    bound = [s for s in ir.walk(fn.body) if name in set(s.writes())]
    values = [s.value for s in bound if isinstance(s, ir.Assign) and not s.accumulate]  # y += v: y's array
    if not bound:
        return "argument"
    if any(not isinstance(s, (ir.Assign, ir.SetItem, ir.Effect)) for s in bound) or not values:
        return "unknown"  # a loop variable, or an item unpacked
    out = "function"
    for value in values:
        base = value.id if isinstance(value, Name) else view_of(value)
        if base is not None:
            made = _made_by(fn, base, seen)
        elif makes_new_array(value) or _popped_copy(fn, value):
            made = "function"
        else:
            made = "unknown"
        if made == "argument":
            return made
        if made == "unknown":
            out = made
    return out


def _popped_copy(fn: ir.Function, value: Expr) -> bool:
    """``xs.pop()`` of a list every item of which is a new array (a tape of copies)."""
    if not (isinstance(value, Call) and value.op.form == "method" and value.op.symbol == "pop"):
        return False
    xs = value.args[0]
    items = [
        s.value.args[1]
        for s in ir.walk(fn.body)
        if isinstance(s, ir.Effect) and appends(s.value) and s.value.args[0] == xs
    ]
    return isinstance(xs, Name) and bool(items) and all(_new_item(fn, v) for v in items)


def _new_item(fn: ir.Function, item: Expr) -> bool:
    """A new array, or a name for one that nothing but the append reads (``v2 = y.copy()``)."""
    if not isinstance(item, Name):
        return makes_new_array(item)
    values = [s.value for s in ir.walk(fn.body) if isinstance(s, ir.Assign) and s.target.id == item.id]
    reads = sum(1 for s in ir.walk(fn.body) for n in s.reads() if n == item.id)
    return len(values) == 1 and makes_new_array(values[0]) and reads == 1


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
    "zeros_of",  # s2sad.runtime: zero adjoints, new
    "zero_like",
    "add_leaves",  # a new list (or dict), sums in it
    "as_lists",  # a new list of the rows of an array
    "at_index",  # zeros and one item: the adjoint of max(xs)
    "last_written",  # the adjoints of repeated-slot writes: new arrays, written again at 2nd order
    "written_back",
    # np.fft's transforms: new arrays
    *"fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn fftshift ifftshift".split(),
}


def makes_new_array(value: Expr) -> bool:
    """Whether ``value`` is a new array: ``np.zeros(n)``, ``y.copy()``, ``a * 2``."""
    if isinstance(value, Call):
        if value.op.form in ("binary", "unary", "list", "dict"):
            return True
        if value.op.form == "method":
            return value.op.symbol in ("copy", "astype", "tolist")
        if value.op.form == "call":
            return getattr(value.op.fn, "__name__", "") in _FRESH_CALLS
    return False


def source_name(fn: ir.Function, name: str) -> str:
    """The variable of the user's code an SSA version stands for: ``y`` for ``y_2``."""
    match = re.fullmatch(r"(.+?)_[0-9]+", name)
    if match is None or name in {p.name for p in fn.params}:
        return name
    spelled = {w for s in ir.walk(fn.body) for w in s.writes()} | {p.name for p in fn.params}
    return match.group(1) if match.group(1) in spelled else name
