"""Kind inference: the kind of every value, from the kinds of the arguments.

A forward pass over the SSA form; each operation's rule says what kind it
returns (``np.sum`` of an array is a NumPy float). A name assigned on several
paths (a join) gets the join of their kinds, and loops run until the kinds
stop changing. Values no rule describes are ``UNKNOWN``, which makes generated
code use run-time helpers rather than guess. A loop's variable that the loop assigns
first has no value on the first iteration (``UNBOUND``); what is computed from it then
(the zero adjoint of a value taped before it had one) is never read, so its kind is
``NOTHING``, which joins with what the later iterations compute:

>>> import numpy as np
>>> from s2sad.analysis.examples import argument_kinds, lowered
>>> def f(W, x):
...     h = np.tanh(W @ x)
...     return np.sum(h)
>>> fn = lowered(f)
>>> kinds = infer(fn, argument_kinds(fn, W=np.ones((3, 2)), x=np.ones(2)))
>>> for name, k in kinds.items():
...     print(name, k.describe())
W ndarray[2-D float]
x ndarray[1-D float]
v1 ndarray[1-D float]
h ndarray[1-D float]
v2 numpy float

A call to the user's function that lowering left as a call (recursion) has the
kind the function returns for the arguments' kinds (``call_kind``).
"""

from __future__ import annotations

import builtins

from .. import ir
from ..checkpointing import checkpoint
from ..frontend.parse import parse
from ..frontend.resolve import Resolver, parameters
from ..ir import Call, Expr, Name
from ..ir.kinds import FLOAT, INT, NOTHING, NP_FLOAT, UNKNOWN, Kind, element_kind
from ..lower import lower
from ..lower.inline import bind_call
from ..rules.instantiate import expr_kind
from ..rules.registry import inlinable
from .activity import appends, calls_user_function


def infer(fn: ir.Function, params: dict[str, Kind]) -> dict[str, Kind]:
    """Kinds of all names assigned in ``fn``, parameters included."""
    kinds = dict(params)
    seen = set(params)  # every pass joins with what the last found: a loop body sees its back edges
    for _ in range(8):  # a loop may widen kinds a few times before they settle
        before = {n: (k, k.shape) for n, k in kinds.items()}
        _block(fn.body, kinds, seen)
        if {n: (k, k.shape) for n, k in kinds.items()} == before:
            break
    return kinds


def _set(kinds: dict[str, Kind], name: str, k: Kind, seen: set[str]) -> None:
    """Assign a kind; a name assigned again (a join) gets the join of both."""
    if name in seen and name in kinds:
        k = kinds[name].join(k)
    if k.is_array and k.shape is None:
        k = k.with_shape(name)  # what is computed elementwise from it has its shape
    kinds[name] = k
    seen.add(name)


def _block(stmts: list[ir.Stmt], kinds: dict[str, Kind], seen: set[str]) -> None:
    def kind_of(e: Expr) -> Kind:
        return expr_kind(e, lambda n: kinds.get(n, UNKNOWN))

    for stmt in stmts:
        if isinstance(stmt, ir.Assign):
            k = NOTHING if _from_nothing(stmt.value, kinds) else kind_of(stmt.value)
            if k.type is None and calls_user_function(stmt.value):
                k = _user_call_kind(stmt.value, kind_of)
            if stmt.accumulate:
                k = kinds.get(stmt.target.id, k).join(k)
            _set(kinds, stmt.target.id, k, seen)
        elif isinstance(stmt, ir.For):
            for name, k in _targets(stmt.target, _element(stmt.iter, kind_of)):
                _set(kinds, name, k, seen)
        elif isinstance(stmt, ir.Effect) and appends(stmt.value):  # xs.append(v): a list of v's kind
            xs, v = stmt.value.args
            grown = Kind(list, None, "o", elem=kind_of(v))
            kinds[xs.id] = kinds[xs.id].join(grown) if xs.id in kinds else grown
        elif isinstance(stmt, ir.SetItem) and stmt.target.id in kinds and kinds[stmt.target.id].is_container:
            kinds[stmt.target.id] = item_set(kinds[stmt.target.id], stmt.index, kind_of(stmt.value))
        for block in stmt.blocks():
            _block(block, kinds, seen)


def _from_nothing(e: Expr, kinds: dict[str, Kind]) -> bool:
    """Whether ``e`` is an operation on a value that has no value yet (``UNBOUND``)."""
    if not isinstance(e, Call) or e.op.form in ("tuple", "list", "dict"):
        return False
    return any(isinstance(a, Name) and kinds.get(a.id) == NOTHING for a in e.children())


def item_set(k: Kind, index: Expr, item: Kind, existing: bool = False) -> Kind:
    """A list or dict's kind, covering also what ``c[index] = item`` puts in it (one kind holds
    for every point of the function: the item's kinds before and after are joined). With
    ``existing``, a key that is not a constant is one of those there (``c_bar[k] += g`` of an
    adjoint): any of the items may have it."""
    key = index.value if isinstance(index, ir.Const) else None
    sliced = isinstance(index, Call) and index.op is ir.SLICE
    # `xs[k] = v` on a list replaces one of its items (it never adds one): any of them
    anywhere = existing or k.type is list and not sliced
    if anywhere and not isinstance(index, ir.Const) and k.items is not None:
        items = tuple(i.join(item) for i in k.items)
        return Kind(k.type, None, "o", items=items, keys=k.keys, elem=k.elem.join(item) if k.elem else None)
    if k.items is not None and (k.type is list and type(key) is int or k.type is dict and k.keys is not None):
        names = k.keys if k.type is dict else range(len(k.items))
        at = [i for i, n in enumerate(names) if type(n) is type(key) and n == key]
        if at:
            items = list(k.items)
            items[at[0]] = items[at[0]].join(item)
            return Kind(k.type, None, "o", items=tuple(items), keys=k.keys, elem=k.elem)
        if k.type is dict and type(key) is str:  # a new key: the kind tells its item's kind
            return Kind(dict, None, "o", items=k.items + (item,), keys=k.keys + (key,))
    cut = _constant_slice(index)
    if k.type is list and k.items is not None and cut is not None and item.type is list:
        at = range(len(k.items))[cut]  # c[1:] = [a, b]: those items
        new = item.items if item.items is not None else (item.elem,) * len(at) if item.elem else None
        if new is not None and len(new) == len(at):
            items = list(k.items)
            for i, n in zip(at, new):
                items[i] = items[i].join(n)
            return Kind(list, None, "o", items=tuple(items), elem=k.elem)
    if k.type is list:
        elem = k.elem.join(item) if k.elem is not None else None
        return Kind(list, None, "o", elem=elem)
    return Kind(k.type, None, "o")


def _constant_slice(index: Expr) -> slice | None:
    if isinstance(index, ir.Const) and isinstance(index.value, slice):
        return index.value
    if isinstance(index, Call) and index.op is ir.SLICE and all(isinstance(p, ir.Const) for p in index.args):
        return slice(*(p.value for p in index.args))
    return None


def _element(it: Expr, kind_of) -> Kind | tuple:
    """The kind of what each iteration binds: a kind, or a tuple of them."""
    if isinstance(it, Call) and it.op.form == "call":
        fn = it.op.fn
        if fn is builtins.range:
            return INT
        if fn is builtins.enumerate:
            return (INT, _element(it.args[0], kind_of))
        if fn is builtins.zip:
            return tuple(_element(a, kind_of) for a in it.args)
        if fn is builtins.reversed or fn is checkpoint:  # checkpoint(xs) iterates as xs
            return _element(it.args[0], kind_of)
    return element_kind(kind_of(it))


def _targets(target: Expr, k: Kind | tuple):
    if isinstance(target, Name):
        yield target.id, k if isinstance(k, Kind) else UNKNOWN
        return
    parts = k if isinstance(k, tuple) else (UNKNOWN,) * len(target.args)
    if isinstance(k, Kind) and k.items is not None and len(k.items) == len(target.args):
        parts = k.items  # for W, b in params: a tuple's items
    for t, part in zip(target.args, parts):
        yield from _targets(t, part)


# ------------------------------------------------------------------ recursive calls


def _user_call_kind(call: Call, kind_of) -> Kind:
    """What a call to the user's function returns (a call left as a call: recursion)."""

    fn = call.op.fn
    try:
        positional, keyword, bound = bind_call(fn, call, "")
    except TypeError:
        return UNKNOWN
    return call_kind(fn, {p: kind_of(e) for p, e in bound.items()})


_CALL_KINDS: dict[tuple, Kind] = {}  # settled results, by code and argument kinds
_GUESSES: dict[tuple, Kind] = {}  # results assumed while a recursive function is inferred


def call_kind(fn, kinds: dict[str, Kind]) -> Kind:
    """The kind ``fn`` returns for arguments of ``kinds``.

    A recursive function's result depends on itself: start from a guess (a
    float, then each argument's kind), infer the body with the recursive calls
    returning the guess, and widen the guess by what comes out until the
    result fits in it. That is a fixed point, so the kind covers every depth of
    recursion; if none settles, the result is unknown."""

    positional, keyword, _ = parameters(fn)
    key = (fn.__code__, tuple(kinds.get(p) for p in positional + keyword))
    if key in _CALL_KINDS:
        return _CALL_KINDS[key]
    if key in _GUESSES:
        return _GUESSES[key]
    try:
        ssa, _ = lower(parse(fn), Resolver(fn), inlinable)
    except Exception:
        return UNKNOWN
    ret = ssa.body[-1] if ssa.body and isinstance(ssa.body[-1], ir.Return) else None
    if ret is None:
        return UNKNOWN
    starts = [FLOAT, NP_FLOAT] + [k for k in kinds.values() if k.is_array]
    result = UNKNOWN
    try:
        for start in starts:
            guess = start
            for _ in range(4):
                _GUESSES[key] = guess
                found = infer(ssa, dict(kinds))
                out = expr_kind(ret.value, lambda n, found=found: found.get(n, UNKNOWN))
                if out.join(guess) == guess:
                    result = guess
                    break
                guess = guess.join(out)
                if guess.type is None:
                    break
            if result.type is not None:
                break
    finally:
        del _GUESSES[key]
    if not _GUESSES:  # not settled while an outer recursive function's result is still a guess
        _CALL_KINDS[key] = result
    return result
