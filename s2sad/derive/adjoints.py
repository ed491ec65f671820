"""Reverse mode's bookkeeping: which adjoints exist yet, and how a contribution is added to one.

The adjoint sweep visits statements last to first, so the first contribution to
``x_bar`` it writes is the last use of ``x`` in the primal. That one *sets*
``x_bar``; later ones add to it. ``state``, the set of primal names whose
adjoint has been set on the way back so far, decides which (``y`` is read
twice here, so ``y_bar`` is set once and added to once):

>>> from s2sad.derive.examples import show
>>> def f(x):
...     y = x * 2.0
...     return y * y
>>> show(f)
def f_grad(x):
    y = x * 2.0
    v1 = y * y
    v1_bar = 1.0
    y_bar = v1_bar * y
    y_bar += v1_bar * y
    x_bar = y_bar * 2.0
    return as_gradient(x_bar, x)
<BLANKLINE>

Inside a reversed loop, a contribution to the adjoint of a name from outside
the loop adds up over the iterations: that adjoint is set to zero before the
loop instead (``Loop.outer``). ``Adjoints`` is the base of the classes that
reverse each kind of statement (``branches``, ``loops``, ``containers``,
``recursion``) and of ``Reverse``, which combines them: they share one set of
adjoints and one pool of names, and this bookkeeping.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field

import numpy as np

from .. import ir
from ..analysis.activity import adds_at, appends
from ..analysis.infer import item_set
from ..ir import Call, Const, Expr, Name, Ref, attr_op, method_op
from ..ir.kinds import UNKNOWN, Kind, element_kind
from ..rules.instantiate import instantiate, np_call, runtime_call
from ..rules.templates import parse_template
from .request import Callees, Request
from .sweep import Sweep


@dataclass
class Loop:
    """What reversing a loop needs to know while its body is reversed."""

    stmt: ir.For | ir.While
    defs: set[str]  # every name assigned inside the loop
    carried: list[str]  # join names of its carried variables
    outer: set[str] = field(default_factory=set)  # adjoints of outer names the body adds to
    parent: Loop | None = None


class Adjoints(Sweep):
    """Adjoint names and contributions, and what reversing any statement may ask about the
    function: which names are assigned more than once, which arrays and lists change in place.

    ``block`` and ``block_parts``, the sweep over a block that compound statements reverse
    their bodies with, are defined by ``Reverse``."""

    suffix = "_bar"
    direction = "vjp"

    def __init__(
        self, fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request, callees: Callees
    ):
        heads = {e.path.split(".")[0] for e in ir.walk_exprs(fn.body) if isinstance(e, ir.Ref)}
        super().__init__(fn, kinds, active, request, callees, heads)
        self.bar = self.derived  # primal name -> adjoint name
        self.adjoint_kinds = self.derived_kinds
        self.multi = _assigned_more_than_once(fn)
        self.defines: dict[int, list[str]] = {}  # what a statement defines reversed: counters, pullbacks
        stmts = list(ir.walk(fn.body))
        self.mutated = {s.target.id for s in stmts if isinstance(s, ir.SetItem)}
        self.mutated |= {s.value.args[0].id for s in stmts if isinstance(s, ir.Effect) and adds_at(s.value)}
        self.mutated |= {s.value.args[0].id for s in stmts if isinstance(s, ir.Effect) and appends(s.value)}

    # the sweep, defined by Reverse --------------------------------------------------
    def block(self, stmts: list[ir.Stmt], state: set[str], loop: Loop | None) -> tuple[list, list]:
        """The forward statements and the adjoint statements of a block."""
        raise NotImplementedError

    def block_parts(
        self, stmts: list[ir.Stmt], state: set[str], loop: Loop | None, carried: list[str], floor: int
    ) -> tuple[list, list, list]:
        """Like ``block``, with the forward statements of ``stmts[:floor]`` apart."""
        raise NotImplementedError

    # names and zeros -----------------------------------------------------------------
    def adjoint(self, name: str) -> str:
        return self.derived_name(name)

    def zero(self, name: str) -> Expr:
        """A zero adjoint for primal ``name``."""
        kind = self.kinds.get(name, UNKNOWN)
        if kind.is_array and kind.dtype == "c" and not self.maybe_unbound(name):
            return np_call("zeros_like", Name(name))  # complex, as its cotangent is
        if kind.is_array:
            shape: Expr = Call(attr_op("shape"), (Name(name),))
            if self.maybe_unbound(name):  # the shape from what is there on every path
                if kind.shape in _everywhere(self.fn) and not self.holds_nothing_yet(kind.shape):
                    shape = Call(attr_op("shape"), (Name(kind.shape),))
                elif kind.shape and kind.shape.startswith("(") and _literal_shape(kind.shape):
                    shape = _literal_shape(kind.shape)  # not `(3,)[::-1]`, a view's token
                elif self.holds_nothing_yet(name):  # UNBOUND on a path: the zero goes nowhere
                    return runtime_call("zero_like", Name(name))
            return np_call("zeros", shape)
        if kind.dims == () and kind.type is not None:
            return Const(0.0)
        if kind.is_container:
            return runtime_call("zeros_of", Name(name))
        return runtime_call("zero_like", Name(name))

    def maybe_unbound(self, name: str) -> bool:
        """Whether ``name`` may have no value where its adjoint is set to zero."""
        return False

    def holds_nothing_yet(self, name: str) -> bool:
        """Whether ``name`` may hold ``UNBOUND`` (a loop's variable the loop assigns first)."""
        return False

    def unbroadcast(self, g: Expr, x: Expr) -> Expr:
        """``g`` summed down to the shape of ``x``, where broadcasting may have grown it."""
        return instantiate(_unbroadcast_template(), {"g": g, "x": x}, self.kind_of)

    # contributions -------------------------------------------------------------------
    def contribute(self, name: str, value: Expr, origin, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``name_bar += value``, or ``=`` for the first contribution."""
        target = Name(self.adjoint(name))
        origin = adjoint_origin(origin)
        value = self.complex_part(name, self.as_list_adjoint(name, value))
        accumulate = name in state
        if loop is not None and name not in loop.defs and not accumulate:
            loop.outer.add(name)  # set to zero before the loop, added to in every iteration
            accumulate = True
        if not accumulate and self.kinds.get(name, UNKNOWN).dtype == "c" and self.kinds[name].is_array:
            if self.kind_of_expr(value).dtype != "c":  # complex contributions may be added later
                # np.asarray of real numbers makes a complex copy (simplify.accumulate drops it
                # where nothing is added in place); of a value whose kind says nothing, a copy
                real = self.kind_of_expr(value).dtype in ("b", "i", "f")
                value = Call(
                    _ASARRAY if real else _ARRAY,
                    (value,),
                    (("dtype", Ref("complex", complex, canonical=True)),),
                )
        state.add(name)
        if accumulate and self.kind_of(target.id).is_container:  # `+` joins lists
            return [ir.Assign(target, runtime_call("add_leaves", target, value), origin=origin)]
        return [ir.Assign(target, value, accumulate=accumulate, origin=origin)]

    def complex_part(self, name: str, value: Expr) -> Expr:
        """The part of a contribution that reaches ``name``: a real value's cotangent is the real
        part of what a complex value in between sends back (``analysis.complex_values``)."""
        if self.kinds.get(name, UNKNOWN).dtype not in ("b", "i", "f"):
            return value
        dtype = self.kind_of_expr(value).dtype
        if dtype == "c" or dtype not in ("b", "i", "f") and self.has_complex:
            return np_call("real", value)
        return value

    @functools.cached_property
    def has_complex(self) -> bool:
        return any(k.dtype == "c" for k in self.kinds.values())

    def as_list_adjoint(self, name: str, value: Expr) -> Expr:
        """The adjoint of a list is a list, which the adjoints of its ``append`` calls pop from:
        an array's rows (``np.array(rows)``, ``np.stack(rows)``) become one, as many levels
        down as the list holds lists: ``list(g)``, ``g.tolist()`` for numbers in lists of lists."""
        want, _ = list_depth(self.kind_of(self.adjoint(name)))
        have, leaf = list_depth(self.kind_of_expr(value))
        if want <= have or not leaf.is_array:
            return value
        if have == 0 and want == 1:
            return Call(ir.call_op(list, "list", True, canonical=True), (value,))
        if have == 0 and leaf.ndim == want:
            return Call(method_op("tolist"), (value,))
        return runtime_call("as_lists", value, Const(want))

    def contribute_at(
        self, name: str, index: Expr, value: Expr, origin, state: set[str], loop: Loop | None
    ) -> list[ir.Stmt]:
        """``name_bar[index] += value``: the adjoint of reading ``name[index]``."""
        out: list[ir.Stmt] = []
        origin = adjoint_origin(origin)
        target = Name(self.adjoint(name))
        value = self.complex_part(name, value)
        if loop is not None and name not in loop.defs:
            if name not in state:
                loop.outer.add(name)
        elif name not in state:
            out.append(ir.Assign(target, self.zero(name), origin=origin))
        state.add(name)
        entry = Call(ir.GETITEM, (target, index))
        if self.kind_of(target.id).is_container and self.kind_of_expr(value) != self.kind_of_expr(entry):
            # a NumPy float added to a float item: the item's kind covers both
            self.adjoint_kinds[target.id] = item_set(
                self.kind_of(target.id), index, self.kind_of_expr(value), existing=True
            )
        if self.kind_of(target.id).is_container and not self.kind_of_expr(entry).is_numeric:
            # an entry of a list or dict that may be a list itself: `+=` would extend it
            out.append(ir.SetItem(target, index, runtime_call("add_leaves", entry, value), origin=origin))
        elif not self.kind_of(target.id).is_container and may_repeat(index, self.kind_of_expr):
            # repeated indices must all add up
            add_at = Call(ir.call_op(np.add.at, "np.add.at", False, canonical=True), (target, index, value))
            out.append(ir.Effect(add_at, origin=origin))
        else:
            out.append(ir.SetItem(target, index, value, accumulate=True, origin=origin))
        return out


_ASARRAY = ir.call_op(np.asarray, "np.asarray", True, canonical=True)
_ARRAY = ir.call_op(np.array, "np.array", True, canonical=True)


def list_depth(k: Kind) -> tuple[int, Kind]:
    """How many levels of lists (or tuples) ``k`` is, and the kind of what they hold."""
    depth = 0
    while k.type in (list, tuple) and (k.elem is not None or k.items):
        depth, k = depth + 1, element_kind(k)
    return depth, k


def adjoint_origin(origin: ir.Origin | None) -> ir.Origin | None:
    """The origin of adjoint code for a statement: the same source line, marked as adjoint."""
    return ir.replace(origin, adjoint=True) if origin else None


@functools.cache
def _unbroadcast_template() -> Expr:
    return parse_template("unbroadcast(g, x)", ("x",))


def assigned_in(stmts: list[ir.Stmt]) -> set[str]:
    """The names statements (nested blocks too) bind to a new value; not those they change
    in place (``y[i] = v``, ``np.add.at(y, i, v)``), whose adjoint is the one from before."""
    return {w for s in ir.walk(stmts) if not isinstance(s, (ir.SetItem, ir.Effect)) for w in s.writes()}


def _assigned_more_than_once(fn: ir.Function) -> set[str]:
    seen: set[str] = set()
    multi: set[str] = set()
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign):
            (multi if stmt.target.id in seen else seen).add(stmt.target.id)
    return multi


def may_repeat(index: Expr, kind_of) -> bool:
    """Whether an index may pick an element more than once (an integer array)."""
    parts = index.args if isinstance(index, Call) and index.op.form == "tuple" else (index,)
    for part in parts:
        if isinstance(part, Const) or isinstance(part, Call) and part.op.form == "slice":
            continue
        k = kind_of(part)
        if k.type in (int, bool) or k.type is not None and k.dims == () and k.dtype in "bi":
            continue
        if k.is_array and k.dtype == "b":
            continue  # a mask picks each element once
        return True
    return False


def _literal_shape(token: str) -> Const | None:
    """A shape token that spells a constant shape, ``(3,)``: the shape; ``None`` for others."""
    try:
        return Const(ast.literal_eval(token))
    except (ValueError, SyntaxError):
        return None


def _everywhere(fn: ir.Function) -> set[str]:
    """The names that have a value on every path when the adjoint sweep runs: the parameters,
    and what the function's body assigns outside any block."""
    return {p.name for p in fn.params} | {s.target.id for s in fn.body if isinstance(s, ir.Assign)}
